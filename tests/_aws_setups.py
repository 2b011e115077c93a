"""The AWS setups users really have, built into a test's HOME and environment (issue 18's matrix).

Each setup is what a person's ~/.aws files and shell environment hold before they run roleui: IAM keys in the
credentials file's `[default]`, keys in the config file's `[default]`, a `credential_process`, web identity from
a CI runner, an SSO `[default]`, AWS_PROFILE / AWS_DEFAULT_PROFILE, an outer aws-vault or granted session, a
container's relative URI... `build(name, home, people)` writes the files and returns the variables to add to the
parent's environment. Every competing source names someone other than the role (`other.person`, a `CiRunner`
role), so a child that resolves to it shows a wrong ARN.

`probe_command()` is one child program that asks the real aws CLI, boto3 and the JavaScript SDK v3 (in
parallel) who they are and prints `cli ARN`, `boto3 ARN`, `js ARN`, then `identity ROLEUI_IDENTITY`.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from _engine_helpers import AWS_CLI, PYTHON

# Where .ci/test installs @aws-sdk/client-sts and @aws-sdk/credential-providers (npm, time-limited).
JS_MODULES = Path(os.environ.get("ROLEUI_TEST_JS") or Path.home() / ".cache" / "roleui-js") / "node_modules"
NODE = shutil.which("node") or "/usr/bin/node"

JS_PROBE = """
const { STSClient, GetCallerIdentityCommand } = require("@aws-sdk/client-sts");
const { fromNodeProviderChain } = require("@aws-sdk/credential-providers");
new STSClient({ credentials: fromNodeProviderChain() }).send(new GetCallerIdentityCommand({}))
  .then((r) => console.log(r.Arn), (e) => console.log("error " + (e.name || "") + ": " + String(e.message).split("\\n")[0]));
"""
BOTO3_PROBE = "import boto3; print(boto3.client('sts').get_caller_identity()['Arn'])"


def js_missing() -> str | None:
    """Why the JavaScript SDK cannot run here, or None."""
    if not Path(NODE).exists():
        return "node is not installed (apt-get install nodejs)"
    if (
        not (JS_MODULES / "@aws-sdk" / "client-sts").is_dir()
        or not (JS_MODULES / "@aws-sdk" / "credential-providers").is_dir()
    ):
        return f"the JavaScript SDK v3 is not in {JS_MODULES} (.ci/test installs it with npm)"
    return None


def probe_script(directory: Path) -> Path:
    """A sh script that runs the three clients in parallel and prints `<client> <ARN or error>` lines."""
    js = directory / "probe.js"
    js.write_text(JS_PROBE, encoding="utf-8")
    script = directory / "probe.sh"
    script.write_text(
        "#!/bin/sh\n"
        f'out="$(mktemp -d)"\n'
        f'"{AWS_CLI}" sts get-caller-identity --query Arn --output text >"$out/cli" 2>&1 &\n'
        f'"{PYTHON}" -c "{BOTO3_PROBE}" >"$out/boto3" 2>&1 &\n'
        f'NODE_PATH="{JS_MODULES}" "{NODE}" "{js}" >"$out/js" 2>&1 &\n'
        "wait\n"
        'for c in cli boto3 js; do printf "%s %s\\n" "$c" "$(tail -n 1 "$out/$c")"; done\n'
        'printf "identity %s\\n" "${ROLEUI_IDENTITY-}"\n'
        'rm -rf "$out"\n',
        encoding="utf-8",
    )
    script.chmod(0o755)
    return script


def arns(output: str) -> dict[str, str]:
    """{client: ARN or error line} from the probe's output, and `identity`: what roleui told the child it is."""
    found = {}
    for line in output.splitlines():
        client, _, rest = line.partition(" ")
        if client in ("cli", "boto3", "js", "identity"):
            found[client] = rest.strip()
    return found


@dataclass(frozen=True)
class People:
    """Keys of the IAM users in the local AWS: the user roleui starts from and someone else."""

    base: tuple[str, str]
    other: tuple[str, str]


def _keys(pair: tuple[str, str]) -> str:
    return f"aws_access_key_id = {pair[0]}\naws_secret_access_key = {pair[1]}\n"


def _process(home: Path, pair: tuple[str, str]) -> str:
    """A credential_process program (as 1Password's or aws-vault's would be) that prints `pair`."""
    output = json.dumps({"Version": 1, "AccessKeyId": pair[0], "SecretAccessKey": pair[1]})
    program = home / ".local" / "bin" / "aws-credentials"
    program.parent.mkdir(parents=True, exist_ok=True)
    program.write_text(f"#!/bin/sh\necho '{output}'\n", encoding="utf-8")
    program.chmod(0o755)
    return str(program)


# The setups of issue 18's table and its extra list; each is what `build` writes (see there).
SETUPS = (
    "keys-in-credentials-default",
    "keys-in-config-default",
    "credential-process-default",
    "web-identity-environment",
    "aws-profile-environment",
    "sso-default-profile",
    "aws-default-profile-environment",
    "outer-aws-vault",
    "outer-granted",
    "container-relative-uri",
)


def build(name: str, home: Path, people: People) -> dict[str, str]:
    """Write setup `name` into `home` (its ~/.aws files) and return the variables the user's shell holds."""
    aws = home / ".aws"
    aws.mkdir(parents=True, exist_ok=True)
    config = "[default]\nregion = us-east-1\noutput = json\n\n[profile other]\nregion = us-east-1\n"
    credentials = f"[default]\n{_keys(people.base)}\n[other]\n{_keys(people.other)}"
    env: dict[str, str] = {}
    if name == "keys-in-config-default":
        credentials = f"[other]\n{_keys(people.other)}"
        config = f"[default]\nregion = us-east-1\n{_keys(people.base)}\n[profile other]\nregion = us-east-1\n"
    elif name == "credential-process-default":
        # 1Password, aws-vault and granted users: the default profile runs a process that prints the base keys.
        credentials = f"[other]\n{_keys(people.other)}"
        config = (
            f"[default]\nregion = us-east-1\ncredential_process = {_process(home, people.base)}\n\n[profile other]\n"
        )
    elif name == "web-identity-environment":
        token = home / "ci-token"
        token.write_text("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjaSJ9.c2lnbmF0dXJl", encoding="utf-8")
        env.update(
            {
                "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/CiRunner",
                "AWS_WEB_IDENTITY_TOKEN_FILE": str(token),
                "AWS_ROLE_SESSION_NAME": "ci-job-42",
            }
        )
    elif name == "aws-profile-environment":
        credentials += f"\n[base]\n{_keys(people.base)}"
        credentials = credentials.replace(_keys(people.base), _keys(people.other), 1)  # [default] is someone else
        env["AWS_PROFILE"] = "base"
    elif name == "sso-default-profile":
        credentials = f"[base]\n{_keys(people.base)}\n[other]\n{_keys(people.other)}"
        config = (
            "[default]\nsso_session = corp\nsso_account_id = 333333333333\nsso_role_name = Developer\n"
            "region = us-east-1\n\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n"
            "sso_region = us-east-1\nsso_registration_scopes = sso:account:access\n\n"
            "[profile other]\nregion = us-east-1\n"
        )
        env["AWS_PROFILE"] = "base"
    elif name == "aws-default-profile-environment":
        credentials += f"\n[base]\n{_keys(people.base)}"
        credentials = credentials.replace(_keys(people.base), _keys(people.other), 1)
        env["AWS_DEFAULT_PROFILE"] = "base"
    elif name == "outer-aws-vault":
        env.update(
            {
                "AWS_VAULT": "base",
                "AWS_ACCESS_KEY_ID": people.base[0],
                "AWS_SECRET_ACCESS_KEY": people.base[1],
                "AWS_SESSION_EXPIRATION": "2099-01-01T00:00:00Z",
                "AWS_CREDENTIAL_EXPIRATION": "2099-01-01T00:00:00Z",
            }
        )
    elif name == "outer-granted":
        env.update(
            {
                "AWS_ACCESS_KEY_ID": people.base[0],
                "AWS_SECRET_ACCESS_KEY": people.base[1],
                "AWS_PROFILE": "other",
                "GRANTED_AWS_ROLE_PROFILE": "other",
                "GRANTED_SSO": "false",
            }
        )
    elif name == "container-relative-uri":
        env["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = "/v2/credentials/3a5f0c1e-task"
    elif name != "keys-in-credentials-default":
        raise ValueError(f"no setup {name!r}")
    (aws / "config").write_text(config, encoding="utf-8")
    (aws / "credentials").write_text(credentials, encoding="utf-8")
    return env


# The AWS documentation's second example key pair: what a user's `[default]` profile holds (not the role).
DEFAULT_PROFILE_KEYS = ("AKIAI44QH8DHBEXAMPLE", "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY")


def write_default_profile(home: Path) -> None:
    """The ~/.aws files most users have: keys in the credentials file's `[default]`, a region in the config's."""
    aws = home / ".aws"
    aws.mkdir(exist_ok=True)
    key_id, secret = DEFAULT_PROFILE_KEYS
    (aws / "credentials").write_text(
        f"[default]\naws_access_key_id = {key_id}\naws_secret_access_key = {secret}\n", encoding="utf-8"
    )
    (aws / "config").write_text("[default]\nregion = us-east-1\noutput = json\n", encoding="utf-8")


def without_aws_files(home: Path) -> None:
    """A user with no ~/.aws files at all (no base credentials anywhere but the environment)."""
    for name in ("credentials", "config"):
        (home / ".aws" / name).unlink(missing_ok=True)


def without_aws_dir(home: Path) -> None:
    """A user who never ran an AWS tool: no ~/.aws directory at all (what roleui creates, it creates itself)."""
    shutil.rmtree(home / ".aws", ignore_errors=True)


def snapshot(home: Path) -> dict[str, bytes]:
    """The user's AWS config and credentials files and their bytes (byte-identical after a session; the CLI's own
    caches under ~/.aws/cli may grow)."""
    aws = home / ".aws"
    return {name: (aws / name).read_bytes() for name in ("config", "credentials") if (aws / name).exists()}
