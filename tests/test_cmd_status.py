"""`roleui status`: one line for prompts from the environment and the endpoint's status file, never the catalog."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from _engine_helpers import ROLEUI, ROOT, StsProxy, roleui, write_catalog

from roleui.core.sessions.endpoint_status import EndpointStatus, write_status
from roleui.fast.status import DEFAULT_FORMAT, render

pytest_plugins = ("_engine_fixtures",)  # the sts and user fixtures

NOW = datetime(2030, 1, 2, 3, 0, 0, tzinfo=UTC)
KEY = "shared-data/CrossAccountS3ReadOnly"


def served_shell(
    tmp_path: Path, left: timedelta, color: str | None = "99BCE3", error: str | None = None
) -> dict[str, str]:
    """The environment of a shell an endpoint serves, with its status file."""
    path = tmp_path / "endpoint.status"
    write_status(path, EndpointStatus(KEY, "222222222222", NOW + left, color, os.getpid(), error))
    return {"ROLEUI_ROLE": KEY, "ROLEUI_ACCOUNT_ID": "222222222222", "ROLEUI_STATUS_FILE": str(path)}


def status(env: dict[str, str], fmt: str = "{key} {left}", as_json: bool = False) -> tuple[int, str, str]:
    return render(fmt, as_json, env, NOW.timestamp())


def test_a_served_shell_shows_its_role_and_the_time_left_from_the_status_file(tmp_path: Path) -> None:
    assert status(served_shell(tmp_path, timedelta(minutes=42, seconds=30))) == (0, f"{KEY} 42m\n", "")
    assert status(served_shell(tmp_path, timedelta(hours=11, minutes=3)))[1] == f"{KEY} 11h03m\n"
    assert status(served_shell(tmp_path, timedelta(seconds=-1)))[1] == f"{KEY} expired\n"


def test_outside_a_session_it_prints_nothing_and_exits_1() -> None:
    assert status({"PATH": "/usr/bin"}) == (1, "", "")


def test_the_colour_is_the_roles_then_yellow_under_15_minutes_then_red_under_5(tmp_path: Path) -> None:
    fmt = "{color} {level}"
    assert status(served_shell(tmp_path, timedelta(minutes=30)), fmt)[1] == "blue ok\n"
    assert status(served_shell(tmp_path, timedelta(minutes=14)), fmt)[1] == "yellow warning\n"
    assert status(served_shell(tmp_path, timedelta(minutes=4)), fmt)[1] == "red critical\n"
    assert status(served_shell(tmp_path, timedelta(minutes=30), color="#12AB34"), fmt)[1] == "#12ab34 ok\n"
    assert status(served_shell(tmp_path, timedelta(minutes=30), color=None), fmt)[1] == "green ok\n"
    ansi = status(served_shell(tmp_path, timedelta(minutes=4)), "{ansi}{left}{reset}")[1]
    assert ansi == "\033[31m4m\033[0m\n"


def test_format_fills_every_field_and_an_unknown_one_is_a_one_line_usage_error(tmp_path: Path) -> None:
    env = served_shell(tmp_path, timedelta(minutes=42))
    fmt = "{account}|{role}|{account_id}|{seconds}|{renewing}|{expiration}"
    line = status(env, fmt)[1]
    assert line == "shared-data|CrossAccountS3ReadOnly|222222222222|2520|⟳|2030-01-02T03:42:00Z\n"
    code, out, err = status(env, "{nope}")
    assert (code, out) == (2, "")
    assert err.startswith("roleui: --format: cannot fill 'nope' — use {account}")
    assert err.count("\n") == 1


def test_json_has_every_field_and_the_last_renewal_error(tmp_path: Path) -> None:
    env = served_shell(tmp_path, timedelta(minutes=42), error="MFA session expired")
    data = json.loads(status(env, as_json=True)[1])
    assert data["key"] == KEY
    assert data["seconds"] == 2520
    assert data["renewing"] is True
    assert data["error"] == "MFA session expired"


def test_a_static_session_reads_its_expiry_from_the_environment() -> None:
    env = {"ROLEUI_ROLE": KEY, "AWS_CREDENTIAL_EXPIRATION": "2030-01-02T03:10:00Z"}
    assert status(env, "{left} {color} {renewing}") == (0, "10m yellow \n", "")


def test_a_shell_whose_endpoint_is_gone_shows_expired(tmp_path: Path) -> None:
    env = {"ROLEUI_ROLE": KEY, "ROLEUI_STATUS_FILE": str(tmp_path / "gone.status")}
    assert status(env)[1] == f"{KEY} expired\n"


def test_control_characters_in_names_never_reach_the_prompt() -> None:
    env = {"ROLEUI_ROLE": "evil\033]0;pwned\a/Role", "AWS_CREDENTIAL_EXPIRATION": "2030-01-02T04:00:00Z"}
    assert status(env)[1] == "evil?]0;pwned?/Role 1h00m\n"


def test_the_real_command_inside_roleui_exec_reads_the_endpoints_status(sts: StsProxy, user: tuple[str, str]) -> None:
    write_catalog()
    done = roleui("exec", KEY, "--", *ROLEUI, "status", "--format", "{key} {left} {color} {renewing}")
    assert done.returncode == 0, done.stderr
    assert done.stdout in (f"{KEY} 59m blue ⟳\n", f"{KEY} 1h00m blue ⟳\n")
    outside = roleui("status")
    assert (outside.returncode, outside.stdout, outside.stderr) == (1, "", "")


def test_the_fast_door_imports_neither_the_catalog_nor_argparse_nor_boto3() -> None:
    code = (
        "import sys; sys.argv = ['roleui', 'status']; from roleui.launcher import main; main(); "
        "print(sorted(m for m in ('argparse', 'boto3', 'roleui.cli', 'roleui.core.catalog.parse', 'tomllib') "
        "if m in sys.modules), file=sys.stderr)"
    )
    env = {"PATH": os.environ["PATH"], "ROLEUI_ROLE": KEY, "AWS_CREDENTIAL_EXPIRATION": "2099-01-01T00:00:00Z"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.stdout.startswith(f"{KEY} ")
    assert done.stderr.strip() == "[]"


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_goes_to_the_cli_and_names_the_fields(flag: str) -> None:
    done = roleui("status", flag)
    assert done.returncode == 0
    assert "{account}" in done.stdout
    assert "--json" in done.stdout


@pytest.mark.parametrize(
    "text", ["2030-01-02T03:00:00Z", "1970-01-01T00:00:00Z", "2024-02-29T23:59:59Z", "2100-03-01T00:00:00Z"]
)
def test_expiry_times_are_read_without_datetime_exactly_as_datetime_reads_them(text: str) -> None:
    from roleui.core.timefmt import parse_time
    from roleui.fast.status import epoch_of

    assert epoch_of(text) == parse_time(text).timestamp()
    assert epoch_of(text.replace("Z", ".5+00:00")) == parse_time(text).timestamp() + 0.5


def test_the_identity_is_the_one_checked_when_the_child_started() -> None:
    arn = "arn:aws:sts::222222222222:assumed-role/CrossAccountS3ReadOnly/deepak.dev"
    env = {"ROLEUI_ROLE": KEY, "AWS_CREDENTIAL_EXPIRATION": "2030-01-02T04:00:00Z", "ROLEUI_IDENTITY": arn}
    assert status(env, "{identity}")[1] == arn + "\n"
    assert status(env, DEFAULT_FORMAT)[1] == f"{KEY} 1h00m\n"
    assert json.loads(status(env, as_json=True)[1])["identity"] == arn


def test_a_profile_exported_in_the_shell_since_shows_as_not_the_role(tmp_path: Path) -> None:
    env = {**served_shell(tmp_path, timedelta(minutes=42)), "ROLEUI_IDENTITY": "arn:aws:sts::2:assumed-role/R/s"}
    assert status({**env, "AWS_PROFILE": "dev"}, "{identity}")[1] == "not the role: AWS_PROFILE=dev\n"
    assert status({**env, "AWS_PROFILE": "dev"}, DEFAULT_FORMAT)[1] == f"{KEY} 42m ⚠ AWS_PROFILE=dev\n"
    keys = status({**env, "AWS_ACCESS_KEY_ID": "AKIAOTHER"}, DEFAULT_FORMAT)[1]
    assert keys == f"{KEY} 42m ⚠ AWS_ACCESS_KEY_ID in the environment\n"
    told = "not the role: ~/.aws/credentials cannot be read (Permission denied) and may hold competing credentials"
    assert status({**env, "ROLEUI_IDENTITY": told}, DEFAULT_FORMAT)[1].endswith(
        "⚠ ~/.aws/credentials cannot be read (Permission denied) and may hold competing credentials\n"
    )
