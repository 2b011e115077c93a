"""Draw two demo consoles side by side: two roles signed in through the demo's federation stand-in, each in its own
headless Chromium profile, each page showing its role, its account's colour and the console session's time left.

    .venv/bin/python screenshots/make_console_screenshots.py

Needs the `chromium` package. Writes screenshots/console-shared-data.png and screenshots/console-main.png (two
files: Pillow, which could join them, is not among roleui's dependencies); the README shows them next to each other.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SIZE = "720,420"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
    "--virtual-time-budget=3000",
)


def main() -> None:
    import boto3

    from roleui.aws.federation import federated_console_url
    from roleui.core.sessions.session import Credentials, Session
    from roleui.demo.server import LocalAws
    from roleui.demo.story import ADMIN_ROLE, PRODUCTION_ID, PRODUCTION_NAME, REGION, SHARED_DATA_ID, SHARED_DATA_NAME

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("make_console_screenshots: needs chromium (apt-get install chromium)")
    roles = (
        (f"{SHARED_DATA_NAME}/CrossAccountS3ReadOnly", SHARED_DATA_ID, "CrossAccountS3ReadOnly", "console-shared-data"),
        (f"{PRODUCTION_NAME}/{ADMIN_ROLE}", PRODUCTION_ID, ADMIN_ROLE, "console-main"),
    )
    with LocalAws() as aws, tempfile.TemporaryDirectory() as profiles:
        sts = boto3.client(
            "sts",
            endpoint_url=aws.endpoint_url,
            region_name=REGION,
            aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
            aws_secret_access_key="demo",  # noqa: S106 - the local AWS takes any key
        )
        for key, account, name, picture in roles:
            arn = f"arn:aws:iam::{account}:role/{name}"
            answer = sts.assume_role(RoleArn=arn, RoleSessionName="deepak.dev", DurationSeconds=3600)
            c = answer["Credentials"]
            session = Session(
                role_key=key,
                role_arn=arn,
                account_id=account,
                assumed_role_arn=answer["AssumedRoleUser"]["Arn"],
                session_name="deepak.dev",
                credentials=Credentials(c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"], c["Expiration"]),
                region=REGION,
            )
            url = federated_console_url(session, endpoint=aws.federation_url)
            out = HERE / f"{picture}.png"
            subprocess.run(
                [
                    chromium,
                    *FLAGS,
                    f"--user-data-dir={Path(profiles) / picture}",
                    f"--window-size={SIZE}",
                    f"--screenshot={out}",
                    url,
                ],
                check=True,
                capture_output=True,
                timeout=120,
            )
            print(out.relative_to(HERE.parent))


if __name__ == "__main__":
    main()
