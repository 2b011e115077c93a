"""`roleui env` and `roleui exec`: the session environment, consumed by the real aws CLI, botocore and shells."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from _engine_helpers import AWS_CLI, BASE_USER, PYTHON, ROLEUI, ROOT, StsProxy, roleui, write_catalog

from roleui.core.errors import EXIT_USAGE, UsageError
from roleui.core.sessions.credcache import CredentialCache
from roleui.core.sessions.session import Credentials, Session
from roleui.core.sessions.session_env import REMOVED, export_script, session_env

READER_ARN = f"arn:aws:sts::222222222222:assumed-role/CrossAccountS3ReadOnly/{BASE_USER}"
SESSION = Session(
    role_key="shared-data/Reader",
    role_arn="arn:aws:iam::222222222222:role/Reader",
    account_id="222222222222",
    assumed_role_arn="arn:aws:sts::222222222222:assumed-role/Reader/deepak",
    session_name="deepak",
    credentials=Credentials("ASIAKEY", "se'cret$`x", 'to"ken', datetime(2030, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)),
    region="eu-west-1",
)

pytest_plugins = ("_engine_fixtures",)  # the sts and user fixtures
OUTER = {
    "PATH": "/usr/bin",
    "AWS_PROFILE": "prod",
    "AWS_DEFAULT_PROFILE": "prod",
    "AWS_SECURITY_TOKEN": "old",
    "AWS_ACCESS_KEY_ID": "AKIAOLD",
    "AWS_SECRET_ACCESS_KEY": "old",
    "AWS_SESSION_TOKEN": "old",
    "AWS_ENDPOINT_URL": "http://127.0.0.1:5000",
    "AWS_ENDPOINT_URL_STS": "http://127.0.0.1:5001",
    "AWS_CA_BUNDLE": "/etc/ca.pem",
    "HTTPS_PROXY": "http://proxy:3128",
    "NO_PROXY": "localhost",
}


def test_the_session_environment_sets_the_session_and_removes_what_competes_with_it() -> None:
    env = session_env(SESSION, OUTER)
    assert env["AWS_ACCESS_KEY_ID"] == "ASIAKEY"
    assert env["AWS_SECRET_ACCESS_KEY"] == "se'cret$`x"
    assert env["AWS_SESSION_TOKEN"] == 'to"ken'
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "eu-west-1"
    assert env["AWS_CREDENTIAL_EXPIRATION"] == env["AWS_SESSION_EXPIRATION"] == "2030-01-02T03:04:05Z"
    assert env["ROLEUI_ROLE"] == "shared-data/Reader"
    assert env["ROLEUI_ROLE_ARN"] == "arn:aws:iam::222222222222:role/Reader"
    assert env["ROLEUI_ACCOUNT_ID"] == "222222222222"
    for gone in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SECURITY_TOKEN"):
        assert gone not in env
    for kept in ("PATH", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS", "AWS_CA_BUNDLE", "HTTPS_PROXY", "NO_PROXY"):
        assert env[kept] == OUTER[kept]


def test_the_sh_script_evaluated_by_a_real_shell_gives_the_same_environment() -> None:
    script = export_script(SESSION, "sh", OUTER)
    done = subprocess.run(["sh", "-c", 'eval "$1"; env -0', "sh", script], env=OUTER, capture_output=True, check=True)
    got = dict(item.split("=", 1) for item in done.stdout.decode().split("\0") if "=" in item)
    want = session_env(SESSION, OUTER)
    assert {k: got.get(k) for k in want} == want
    assert not set(REMOVED) & (set(got) - set(want))


def test_fish_and_powershell_scripts_quote_and_unset() -> None:
    fish = export_script(SESSION, "fish", OUTER)
    assert "set -e AWS_PROFILE" in fish
    assert "set -gx AWS_SECRET_ACCESS_KEY 'se\\'cret$`x'" in fish
    pwsh = export_script(SESSION, "powershell", OUTER)
    assert "Remove-Item Env:AWS_PROFILE -ErrorAction SilentlyContinue" in pwsh
    assert "$Env:AWS_SECRET_ACCESS_KEY = 'se''cret$`x'" in pwsh
    assert json.loads(export_script(SESSION, "json"))["AWS_SESSION_TOKEN"] == 'to"ken'
    with pytest.raises(UsageError):
        export_script(SESSION, "csh")


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
def test_the_fish_script_evaluated_by_fish() -> None:
    script = export_script(SESSION, "fish", OUTER)
    done = subprocess.run(
        ["fish", "-c", script + "; echo $AWS_SECRET_ACCESS_KEY"], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "se'cret$`x"


def test_exec_runs_the_real_aws_cli_as_the_role(sts: StsProxy, user: tuple[str, str]) -> None:
    write_catalog()
    done = roleui(
        "exec", "shared-data/CrossAccountS3ReadOnly", "--", AWS_CLI, "sts", "get-caller-identity", "--output", "json"
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["Arn"] == READER_ARN


def test_exec_runs_boto3_in_a_child_python_as_the_role(sts: StsProxy, user: tuple[str, str]) -> None:
    write_catalog()
    code = "import boto3; s = boto3.client('sts'); print(s.get_caller_identity()['Arn'], s.meta.region_name)"
    done = roleui("exec", "shared-data/CrossAccountS3ReadOnly", "--region", "eu-central-1", "--", PYTHON, "-c", code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [READER_ARN, "eu-central-1"]


def test_exec_exits_with_the_commands_status_and_options_may_follow_the_role(
    sts: StsProxy, user: tuple[str, str]
) -> None:
    write_catalog()
    done = roleui(
        "exec", "tooling/JumpRole", "--duration", "30m", "--tag", "run=7", "--", "sh", "-c", "echo $ROLEUI_ROLE; exit 7"
    )
    assert done.returncode == 7
    unseparated = roleui("exec", "tooling/JumpRole", "--duration", "30m", "true")
    assert unseparated.returncode == EXIT_USAGE
    assert "`--`" in unseparated.stderr
    assert done.stdout.strip() == "tooling/JumpRole"
    (call,) = sts.actions("AssumeRole")
    assert call.get("DurationSeconds") == "1800"
    assert call.get("Tags.member.1.Value") == "7"


def test_exec_of_a_missing_command_is_127_and_no_command_is_a_usage_error(sts: StsProxy, user: tuple[str, str]) -> None:
    write_catalog()
    missing = roleui("exec", "tooling/JumpRole", "--", "no-such-command-xyz")
    assert missing.returncode == 127
    assert missing.stderr.strip() == "roleui: command not found: no-such-command-xyz"
    nothing = roleui("exec", "tooling/JumpRole")
    assert nothing.returncode == EXIT_USAGE
    assert "after `--`" in nothing.stderr


def test_exec_inside_a_roleui_session_refuses_unless_nested(sts: StsProxy, user: tuple[str, str]) -> None:
    write_catalog()
    inner = [
        *ROLEUI,
        "exec",
        "shared-data/CrossAccountS3ReadOnly",
        "--",
        AWS_CLI,
        "sts",
        "get-caller-identity",
        "--query",
        "Arn",
        "--output",
        "text",
    ]
    refused = roleui("exec", "tooling/JumpRole", "--", *inner)
    assert refused.returncode == EXIT_USAGE
    assert "already inside a roleui session (tooling/JumpRole)" in refused.stderr
    assert "--nest" in refused.stderr
    nested = roleui("exec", "tooling/JumpRole", "--", *inner[:4], "--nest", *inner[4:])
    assert nested.returncode == 0, nested.stderr
    assert nested.stdout.strip() == READER_ARN
    (outer,) = [s for s, _ in CredentialCache().role_sessions() if s.role_key == "tooling/JumpRole"]
    assert sts.actions("AssumeRole")[-1].access_key == outer.credentials.access_key_id  # assumed with the outer keys


def test_env_output_evaluated_by_sh_lets_the_aws_cli_act_as_the_role(sts: StsProxy, user: tuple[str, str]) -> None:
    write_catalog()
    config = Path(os.environ["AWS_CONFIG_FILE"])
    config.parent.mkdir(exist_ok=True)
    config.write_text("[profile dev]\nregion = us-west-2\n")
    # The shell has AWS_PROFILE exported; after the eval it must be gone (it would steer the region and credentials).
    script = (
        f'export AWS_PROFILE=dev; eval "$({" ".join(ROLEUI)} env shared-data/CrossAccountS3ReadOnly)" && '
        f'echo "${{AWS_PROFILE-unset}} $AWS_DEFAULT_REGION" && {AWS_CLI} sts get-caller-identity --query Arn --output text'
    )
    done = subprocess.run(["sh", "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["unset", "eu-west-1", READER_ARN]


def test_env_json_format_is_an_object_of_the_variables(sts: StsProxy, user: tuple[str, str]) -> None:
    write_catalog()
    done = roleui("env", "tooling/JumpRole", "--format", "json")
    data = json.loads(done.stdout)
    assert data["ROLEUI_ROLE"] == "tooling/JumpRole"
    assert data["AWS_DEFAULT_REGION"] == "eu-west-1"
    assert data["AWS_ACCESS_KEY_ID"].startswith("ASIA")
