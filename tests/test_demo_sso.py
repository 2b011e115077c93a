"""The demo's IAM Identity Center: deepak.dev is signed in at start, the demo's AWS config has an sso-session and
SSO profiles that work for roleui and for the aws CLI, and `roleui logout` / `roleui login` go through the real
flow against the local stand-in."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from roleui.demo.runtime import running_demo
from roleui.demo.sso_story import ADMIN_PROFILE, ADMIN_SET, READ_PROFILE, READ_SET
from roleui.demo.story import PRODUCTION_ID, USER_NAME
from tests._sso_helpers import FOLLOWING_BROWSER

BIN = Path(sys.executable).parent
BROWSER = FOLLOWING_BROWSER


def run(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        list(argv), capture_output=True, text=True, timeout=120, check=False, env={**os.environ, **(env or {})}
    )


def test_the_demo_signs_deepak_in_and_its_sso_profiles_work_for_roleui_and_aws() -> None:
    with running_demo() as demo:
        assert list((demo.directory / "home" / ".aws" / "sso" / "cache").glob("*.json"))
        listed = json.loads(run(str(BIN / "roleui"), "list", "--json").stdout)
        by_profile = {r.get("profile"): r for r in listed if r.get("profile")}
        assert by_profile[READ_PROFILE]["role_name"] == READ_SET
        assert by_profile[READ_PROFILE]["account_id"] == PRODUCTION_ID
        aws = str(BIN / "aws")
        inside = run(
            str(BIN / "roleui"), "exec", ADMIN_PROFILE, "--", aws, "sts", "get-caller-identity", "--output", "json"
        )
        assert inside.returncode == 0, inside.stderr
        assert f":assumed-role/AWSReservedSSO_{ADMIN_SET}_" in json.loads(inside.stdout)["Arn"]
        # The aws CLI signs in with the same token through botocore's SSO provider.
        caller = run(aws, "sts", "get-caller-identity", "--profile", READ_PROFILE, "--output", "json")
        assert caller.returncode == 0, caller.stderr
        arn = json.loads(caller.stdout)["Arn"]
        assert arn.startswith(f"arn:aws:sts::{PRODUCTION_ID}:assumed-role/AWSReservedSSO_{READ_SET}_")
        assert arn.endswith(f"/{USER_NAME}")


def test_logout_then_login_in_the_demo_goes_through_the_real_flow() -> None:
    with running_demo():
        out = run(str(BIN / "roleui"), "logout")
        assert out.stdout.strip() == "signed out of sso-session demo"
        refused = run(str(BIN / "roleui"), "env", ADMIN_PROFILE, "--no-cache")
        assert refused.returncode == 4
        assert "run `roleui login demo`" in refused.stderr
        login = run(str(BIN / "roleui"), "login", env={"BROWSER": BROWSER})
        assert login.returncode == 0, login.stderr
        assert login.stdout.startswith("signed in to sso-session demo until ")
        again = run(str(BIN / "roleui"), "env", ADMIN_PROFILE, "--no-cache")
        assert again.returncode == 0, again.stderr
