"""A running demo: its environment cannot reach real AWS, its children reach the local one, and it leaves nothing."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from roleui.demo.environment import demo_environ
from roleui.demo.runtime import TEMP_PREFIX, running_demo
from roleui.demo.story import EXTERNAL_ID, S3_READ_ROLE, SHARED_DATA_ID, TOOLING_ID, USER_NAME, role_arn
from tests._demo_helpers import with_keys

BIN = Path(sys.executable).parent
ROLEUI = str(BIN / "roleui")
REAL = {
    "AWS_PROFILE": "real-work-profile",
    "AWS_DEFAULT_PROFILE": "real-admin-profile",
    "AWS_ACCESS_KEY_ID": "AKIAREALKEYDONOTLEAK",
    "AWS_SECRET_ACCESS_KEY": "real-secret-do-not-leak",
    "AWS_SESSION_TOKEN": "real-token-do-not-leak",
    "AWS_SECURITY_TOKEN": "real-token-do-not-leak",
    "AWS_ENDPOINT_URL_STS": "https://sts.real.example",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.170.23/creds",
    "AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/token",
    "AWS_ROLE_ARN": "arn:aws:iam::999999999999:role/Real",
    "ROLEUI_ROLE": "outer/Session",
    "ROLEUI_CONFIG": "/home/me/.config/roleui/config.toml",
}


def port_is_open(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def leftovers(directory: Path) -> list[Path]:
    return sorted(directory.glob(f"{TEMP_PREFIX}*"))


@pytest.fixture
def real_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The user's real-looking AWS setup in the environment, and a TMPDIR of our own to check for leftovers."""
    for name, value in REAL.items():
        monkeypatch.setenv(name, value)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp))  # for child processes
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))  # this process cached its temporary directory already
    return tmp


def test_the_demo_environment_drops_every_real_credential_profile_and_endpoint(tmp_path: Path) -> None:
    outer = {"PATH": "/usr/bin", "HOME": "/home/me", "NO_PROXY": "corp.example", **REAL}
    env = demo_environ(
        outer,
        directory=tmp_path,
        endpoint_url="http://127.0.0.1:5000",
        federation_url="http://127.0.0.1:5001/federation",
        access_key_id="AKIADEMO",
        secret_access_key="demo-secret",
    )
    assert not set(REAL.values()) & set(env.values())
    assert {"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ROLE_ARN", "ROLEUI_ROLE"}.isdisjoint(env)
    assert env["PATH"] == "/usr/bin"
    assert env["HOME"] == str(tmp_path / "home")  # the Identity Center token cache is the demo's own
    assert env["AWS_ENDPOINT_URL"] == "http://127.0.0.1:5000"
    assert env["ROLEUI_FEDERATION_ENDPOINT"] == "http://127.0.0.1:5001/federation"
    assert (env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]) == ("AKIADEMO", "demo-secret")
    assert env["AWS_DEFAULT_REGION"] == env["AWS_REGION"] == "us-east-1"
    assert env["AWS_EC2_METADATA_DISABLED"] == "true"
    for name in (
        "AWS_CONFIG_FILE",
        "AWS_SHARED_CREDENTIALS_FILE",
        "ROLEUI_CONFIG",
        "ROLEUI_CACHE_DIR",
        "ROLEUI_DATA_DIR",
    ):
        assert Path(env[name]).is_relative_to(tmp_path), name
    assert env["NO_PROXY"] == "corp.example,127.0.0.1,localhost"
    assert env["no_proxy"] == "127.0.0.1,localhost"


def test_child_processes_of_a_running_demo_reach_the_local_aws_as_deepak_dev(real_credentials: Path) -> None:
    with running_demo() as demo:
        identity = json.loads(
            subprocess.run(
                [str(BIN / "aws"), "sts", "get-caller-identity", "--output", "json"],
                check=True,
                capture_output=True,
                text=True,
                timeout=60,
            ).stdout
        )
        assert identity["Arn"] == f"arn:aws:iam::{TOOLING_ID}:user/{USER_NAME}"
        assert "AWS_PROFILE" not in os.environ
        assert os.environ["ROLEUI_CONFIG"] == str(demo.directory / "catalog.toml")
        assert (demo.directory / "catalog.toml").is_file()
        assert (demo.directory / "aws" / "credentials").stat().st_mode & 0o777 == 0o600


def test_leaving_a_running_demo_stops_its_servers_removes_its_files_and_restores_the_environment(
    real_credentials: Path,
) -> None:
    before = dict(os.environ)
    with running_demo() as demo:
        assert demo.directory.parent == real_credentials
        moto_port = int(demo.endpoint_url.rsplit(":", 1)[1])
        federation_port = urllib.parse.urlsplit(demo.federation_url).port
        assert federation_port
        assert port_is_open(moto_port)
        assert port_is_open(federation_port)
    assert dict(os.environ) == before
    assert not port_is_open(moto_port)
    assert not port_is_open(federation_port)
    assert not demo.directory.exists()
    assert leftovers(real_credentials) == []


def test_an_exception_inside_the_demo_still_stops_it_and_removes_its_files(real_credentials: Path) -> None:
    with pytest.raises(KeyboardInterrupt), running_demo() as demo:  # noqa: PT012 - the body is the point
        port = int(demo.endpoint_url.rsplit(":", 1)[1])
        raise KeyboardInterrupt
    assert not port_is_open(port)
    assert leftovers(real_credentials) == []
    assert os.environ["AWS_PROFILE"] == "real-work-profile"


def test_the_local_federation_endpoint_signs_in_an_assumed_role_and_its_page_names_it() -> None:
    with running_demo() as demo:
        credentials = with_keys("sts", demo.endpoint_url, demo.world.keys).assume_role(
            RoleArn=role_arn(SHARED_DATA_ID, S3_READ_ROLE), RoleSessionName=USER_NAME, ExternalId=EXTERNAL_ID
        )["Credentials"]
        session = json.dumps(
            {
                "sessionId": credentials["AccessKeyId"],
                "sessionKey": credentials["SecretAccessKey"],
                "sessionToken": credentials["SessionToken"],
            }
        )
        query = urllib.parse.urlencode({"Action": "getSigninToken", "Session": session, "SessionDuration": "3600"})
        with urllib.request.urlopen(f"{demo.federation_url}?{query}", timeout=10) as response:
            token = json.load(response)["SigninToken"]
        login = urllib.parse.urlencode(
            {
                "Action": "login",
                "Issuer": "roleui",
                "Destination": "https://console.aws.amazon.com/",
                "SigninToken": token,
            }
        )
        with urllib.request.urlopen(f"{demo.federation_url}?{login}", timeout=10) as response:
            page = response.read().decode()
    assert f"arn:aws:sts::{SHARED_DATA_ID}:assumed-role/{S3_READ_ROLE}/{USER_NAME}" in page


@pytest.mark.parametrize(
    ("session", "duration"),
    [
        ({"sessionId": "AKIAUNKNOWN000000000", "sessionKey": "x", "sessionToken": "y"}, None),
        ({"sessionId": "AKIAUNKNOWN000000000"}, None),
        (None, "60"),
    ],
    ids=["unknown credentials", "incomplete session", "duration under 900 s"],
)
def test_the_local_federation_endpoint_refuses_what_aws_would_refuse(
    session: dict[str, str] | None, duration: str | None
) -> None:
    with running_demo() as demo:
        if session is None:  # valid credentials, bad duration
            keys = demo.world.keys
            session = {"sessionId": keys.access_key_id, "sessionKey": keys.secret_access_key, "sessionToken": "t"}
        params = {"Action": "getSigninToken", "Session": json.dumps(session)}
        if duration:
            params["SessionDuration"] = duration
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{demo.federation_url}?{urllib.parse.urlencode(params)}", timeout=10)
    assert refused.value.code == 400


def test_roleui_demo_runs_a_command_against_the_local_aws_without_passing_real_credentials_on(
    real_credentials: Path,
) -> None:
    script = "aws sts get-caller-identity --query Arn --output text && aws s3 ls s3://my-shared-bucket/ && env"
    result = subprocess.run(
        [ROLEUI, "demo", "--", "sh", "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == f"arn:aws:iam::{TOOLING_ID}:user/{USER_NAME}"
    assert "customers.csv" in result.stdout
    assert not [value for value in REAL.values() if value in result.stdout]
    assert leftovers(real_credentials) == []


def test_roleui_demo_exits_with_the_status_of_its_command() -> None:
    result = subprocess.run([ROLEUI, "demo", "--", "sh", "-c", "exit 7"], capture_output=True, timeout=120, check=False)
    assert result.returncode == 7


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["demo", "--accounts", "2"], "roleui: --accounts 2: choose between 3 and 50000\n"),
        (["--config", "x.toml", "demo"], "roleui: the demo uses its own catalog: run `roleui demo` without --config\n"),
    ],
)
def test_bad_demo_usage_is_one_line_and_exit_status_2(args: list[str], message: str) -> None:
    result = subprocess.run([ROLEUI, *args], capture_output=True, text=True, timeout=120, check=False)
    assert (result.returncode, result.stderr) == (2, message)


def test_a_demo_command_that_cannot_start_fails_as_under_exec_with_127_and_the_same_line() -> None:
    result = subprocess.run(
        [ROLEUI, "demo", "--", "no-such-command-xyz"], capture_output=True, text=True, timeout=120, check=False
    )
    assert (result.returncode, result.stderr) == (127, "roleui: command not found: no-such-command-xyz\n")


def test_the_demo_help_says_what_the_local_aws_does_not_enforce() -> None:
    text = " ".join(
        subprocess.run([ROLEUI, "demo", "--help"], capture_output=True, text=True, check=True).stdout.split()
    )
    assert "does not enforce them, nor ExternalId or MFA codes: any 6-digit code works" in text
    assert "--accounts N" in text


def test_sigterm_stops_the_demo_and_removes_its_files(real_credentials: Path) -> None:
    demo = subprocess.Popen([ROLEUI, "demo", "--", "sleep", "60"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not list(real_credentials.glob(f"{TEMP_PREFIX}*/catalog.toml")) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert leftovers(real_credentials), "the demo never started"
        demo.send_signal(signal.SIGTERM)
        assert demo.wait(timeout=30) == 128 + signal.SIGTERM
    finally:
        if demo.poll() is None:
            demo.kill()
    assert leftovers(real_credentials) == []


def test_without_the_demo_extra_the_demo_says_how_to_install_it() -> None:
    # A fresh interpreter where moto cannot be imported, as after `pip install roleui` without [demo].
    code = "import sys; sys.modules['moto'] = None; from roleui.cli import main; sys.exit(main(['demo', '--', 'true']))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert (result.returncode, result.stderr) == (
        2,
        "roleui: the demo needs its local AWS (moto with its server): pip install '.[demo]' in roleui's checkout\n",
    )


def test_a_command_run_in_the_demo_sees_the_whole_organization_at_once() -> None:
    script = (
        "roleui list --json && roleui env payments-prod/ReadOnly --yes --format json"  # an org rule: prod asks first
    )
    result = subprocess.run(
        [ROLEUI, "demo", "--", "sh", "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    decoder = json.JSONDecoder()
    listed, end = decoder.raw_decode(result.stdout)
    exported, _ = decoder.raw_decode(result.stdout[end:].lstrip())
    # 3 catalog roles, 59 from the organization, and deepak.dev's 40 Identity Center assignments (two of them
    # named by the demo's SSO profiles in ~/.aws/config, which they join)
    assert len(listed) == 102
    assert sum(row["source"] == "organizations" for row in listed) == 59
    assert sum(row["source"] in ("identity-center", "aws-config") for row in listed) == 40
    assert exported["ROLEUI_ROLE"] == "payments-prod/ReadOnly"
    assert result.stderr == ""
