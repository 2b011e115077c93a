"""`roleui credential-process`: botocore and the real aws CLI get the role's identity through ~/.aws/config."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from _engine_helpers import AWS_CLI, BASE_USER, CATALOG, ROLEUI, StsProxy, child_python, roleui, write_catalog

from roleui.core.errors import EXIT_CREDENTIALS

pytest_plugins = ("_engine_fixtures",)  # the sts and user fixtures

READER_ARN = f"arn:aws:sts::222222222222:assumed-role/CrossAccountS3ReadOnly/{BASE_USER}"
COMMAND = " ".join(ROLEUI)


@pytest.fixture
def profiles(user: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> Path:
    """Base keys only in the `base` profile (the catalog's source_profile); `data` uses roleui as credential_process."""
    home = Path(os.environ["HOME"])
    aws_dir = home / ".aws"
    aws_dir.mkdir(exist_ok=True)
    (aws_dir / "credentials").write_text(f"[base]\naws_access_key_id = {user[0]}\naws_secret_access_key = {user[1]}\n")
    config = aws_dir / "config"
    config.write_text(
        "[profile data]\n"
        f"credential_process = {COMMAND} credential-process shared-data/CrossAccountS3ReadOnly\n"
        "region = eu-west-1\n"
    )
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    write_catalog(CATALOG.replace("[defaults]\n", '[defaults]\nsource_profile = "base"\n'))
    return config


def test_the_output_is_credential_process_version_1_with_an_rfc3339_expiration(sts: StsProxy, profiles: Path) -> None:
    done = roleui("credential-process", "shared-data/CrossAccountS3ReadOnly")
    assert done.returncode == 0
    assert done.stderr == ""
    data = json.loads(done.stdout)
    assert set(data) == {"Version", "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"}
    assert data["Version"] == 1
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", data["Expiration"])


def test_the_aws_cli_gets_the_roles_identity_through_credential_process(sts: StsProxy, profiles: Path) -> None:
    done = roleui_free_aws_cli("sts", "get-caller-identity", "--profile", "data", "--query", "Arn", "--output", "text")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == READER_ARN
    again = roleui_free_aws_cli("sts", "get-caller-identity", "--profile", "data", "--query", "Arn", "--output", "text")
    assert again.stdout.strip() == READER_ARN
    assert len(sts.actions("AssumeRole")) == 1  # the second call was a cache hit


def test_botocore_in_a_child_process_gets_the_roles_identity(sts: StsProxy, profiles: Path) -> None:
    code = "import boto3; print(boto3.Session(profile_name='data').client('sts').get_caller_identity()['Arn'])"
    done = child_python(code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == READER_ARN
    assert sts.actions("AssumeRole")[0].get("ExternalId") == "my-secret-external-id-1234"


def test_a_base_profile_that_leads_back_to_roleui_is_refused_instead_of_looping(sts: StsProxy, profiles: Path) -> None:
    profiles.write_text(
        profiles.read_text() + f"[profile loop]\ncredential_process = {COMMAND} credential-process tooling/JumpRole\n"
    )
    write_catalog(CATALOG.replace("[defaults]\n", '[defaults]\nsource_profile = "loop"\n'))
    done = roleui("credential-process", "tooling/JumpRole", timeout=60)
    assert done.returncode == EXIT_CREDENTIALS
    assert "credential_process loop" in done.stderr
    assert "Traceback" not in done.stderr
    assert sts.actions("AssumeRole") == []


def roleui_free_aws_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The real aws CLI (v1, from the venv) with the test environment."""
    return subprocess.run(
        [AWS_CLI, *args], env=dict(os.environ), capture_output=True, text=True, timeout=90, check=False
    )
