"""`credential-process` against botocore's refresh window, measured with the real clients.

botocore (and the aws CLI v1 on it) asks its credential_process again on every call once the session it holds has
15 minutes or less left. The profile here counts how often botocore runs roleui; the cached session is aged by
rewriting its file (moto honours any expiry, so the keys keep working).
"""

from __future__ import annotations

import json
import os
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from _engine_helpers import (
    AWS_CLI,
    BASE_USER,
    CATALOG,
    MFA_SERIAL,
    ROLEUI,
    StsProxy,
    child_python,
    roleui,
    write_catalog,
)

from roleui.core.private_files import write_private

pytest_plugins = ("_engine_fixtures",)  # the sts and user fixtures

READER = "shared-data/CrossAccountS3ReadOnly"
READER_ARN = f"arn:aws:sts::222222222222:assumed-role/CrossAccountS3ReadOnly/{BASE_USER}"
THREE_CALLS = (
    "import boto3\n"
    "sts = boto3.Session(profile_name='data').client('sts')\n"
    "for _ in range(3): print(sts.get_caller_identity()['Arn'])\n"
)


@pytest.fixture
def counted(user: tuple[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A `data` profile whose credential_process is roleui behind a counter; base keys in the `base` profile."""
    home = Path(os.environ["HOME"])
    aws_dir = home / ".aws"
    aws_dir.mkdir(exist_ok=True)
    (aws_dir / "credentials").write_text(f"[base]\naws_access_key_id = {user[0]}\naws_secret_access_key = {user[1]}\n")
    runs = tmp_path / "runs"
    command = " ".join(ROLEUI)
    (aws_dir / "config").write_text(
        "[profile data]\n"
        f"credential_process = sh -c 'echo run >> {runs}; exec {command} credential-process {READER}'\n"
        "region = eu-west-1\n"
    )
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    write_catalog(CATALOG.replace("[defaults]\n", '[defaults]\nsource_profile = "base"\n'))
    return runs


def age_cached_session(minutes_left: int) -> str:
    """Make the one cached role session one that has `minutes_left` of its hour left; its access key id."""
    (path,) = Path(os.environ["ROLEUI_CACHE_DIR"], "sessions").glob("role-*.json")
    data = json.loads(path.read_text())
    now = datetime.now(UTC)
    data["issued_at"] = (now - timedelta(minutes=60 - minutes_left)).isoformat()
    data["credentials"]["Expiration"] = (now + timedelta(minutes=minutes_left)).isoformat()
    write_private(path, json.dumps(data).encode())
    return str(data["credentials"]["AccessKeyId"])


def runs_of(runs: Path) -> int:
    return len(runs.read_text().splitlines()) if runs.exists() else 0


def test_a_session_in_botocores_window_is_renewed_so_botocore_stops_asking_on_every_call(
    sts: StsProxy, counted: Path
) -> None:
    first = child_python(THREE_CALLS)
    assert first.returncode == 0, first.stderr
    assert runs_of(counted) == 1  # a session with its hour: botocore asks once
    held = age_cached_session(minutes_left=12)  # inside botocore's 15 minutes, outside roleui's 5-minute cache margin
    counted.unlink()
    done = child_python(THREE_CALLS)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [READER_ARN] * 3
    assert runs_of(counted) == 1  # handed out the 12-minute session, botocore would have run roleui 4 times
    assert len(sts.actions("AssumeRole")) == 2
    answer = json.loads(roleui("credential-process", READER).stdout)
    assert answer["AccessKeyId"] != held
    left = datetime.fromisoformat(answer["Expiration"].replace("Z", "+00:00")) - datetime.now(UTC)
    assert left > timedelta(minutes=50)


def test_the_aws_cli_runs_roleui_once_per_call_for_a_session_in_botocores_window(sts: StsProxy, counted: Path) -> None:
    cli = [AWS_CLI, "sts", "get-caller-identity", "--profile", "data", "--query", "Arn", "--output", "text"]
    assert subprocess.run(cli, capture_output=True, text=True, timeout=90, check=False).returncode == 0
    age_cached_session(minutes_left=12)
    counted.unlink()
    done = subprocess.run(cli, capture_output=True, text=True, timeout=90, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == READER_ARN
    assert runs_of(counted) == 1  # with the 12-minute session it ran roleui twice: to load, then to refresh


def test_the_fast_path_leaves_a_session_in_the_window_to_the_normal_path(sts: StsProxy, counted: Path) -> None:
    assert roleui("credential-process", READER).returncode == 0
    held = age_cached_session(minutes_left=12)
    # The index entry was written for the fresh session; the aged file no longer matches it, and an entry written
    # for a session records the renewal margin, not the cache margin.
    done = roleui("credential-process", READER)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["AccessKeyId"] != held
    assert len(sts.actions("AssumeRole")) == 2


def test_a_session_that_only_a_new_mfa_code_would_renew_is_handed_out_while_it_lasts(
    sts: StsProxy, counted: Path
) -> None:
    write_catalog(
        CATALOG.replace("[defaults]\n", '[defaults]\nsource_profile = "base"\n').replace(
            'external_id = "my-secret-external-id-1234"',
            f'external_id = "my-secret-external-id-1234"\n  mfa_serial = "{MFA_SERIAL}"',
        )
    )
    assert roleui("credential-process", READER, "--mfa-code", "123456").returncode == 0
    for mfa in Path(os.environ["ROLEUI_CACHE_DIR"], "sessions").glob("mfa-*.json"):
        mfa.unlink()  # the MFA session is over: renewing would need a code
    held = age_cached_session(minutes_left=12)
    done = roleui("credential-process", READER, input="")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["AccessKeyId"] == held
    assert done.stderr == ""
    assert [c.action for c in sts.actions("AssumeRole")] == ["AssumeRole"]
