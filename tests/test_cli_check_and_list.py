"""`roleui check` and `roleui list`, run as the real program: output, exit status, and no traceback ever."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "config.example.toml"


def roleui(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "roleui", *args],
        check=False,
        capture_output=True,
        text=True,
        env=env or dict(os.environ),
        timeout=60,
    )


def test_check_on_the_example_says_ok_with_the_counts() -> None:
    result = roleui("--config", str(EXAMPLE), "check")
    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        f"OK: 5 accounts, 9 roles (0 from {os.environ['AWS_CONFIG_FILE']})\n",  # the test HOME's, with no role
        "",
    )


def test_check_counts_the_roles_that_came_from_the_aws_config_file(tmp_path: Path) -> None:
    aws_config = Path(os.environ["AWS_CONFIG_FILE"])
    aws_config.parent.mkdir(parents=True, exist_ok=True)
    aws_config.write_text("[profile x]\nrole_arn = arn:aws:iam::999999999999:role/R\n")
    result = roleui("--config", str(EXAMPLE), "check")
    assert result.stdout == f"OK: 6 accounts, 10 roles (1 from {aws_config})\n"


def test_check_lists_every_problem_and_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[defaults]\nduration = "13h"\n[[accounts]]\nid = "1"\nname = "x"\n')
    result = roleui("--config", str(bad), "check")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f'{bad}:2: defaults.duration: 13h (46800 s) is outside 15m..12h — choose between "15m" and "12h"',
        f"{bad}:4: accounts[x].id: '1' is not a 12-digit account id — write the id as a quoted string of 12 digits, e.g. \"123456789012\"",
    ]


@pytest.mark.parametrize(
    "content",
    [b"\x00\xff\xfe binary", b"[[accounts]]\nroles = 3\n", b"accounts = 'x'\n", b"= = =", b"[keys]\nquit = 1\n"],
)
def test_no_input_ever_produces_a_traceback(tmp_path: Path, content: bytes) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_bytes(content)
    result = roleui("--config", str(bad), "check")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(str(bad))


def test_a_catalog_path_that_is_a_directory_is_one_clear_line(tmp_path: Path) -> None:
    result = roleui("--config", str(tmp_path), "check")
    assert result.returncode == 2
    assert result.stderr == f"roleui: {tmp_path}: cannot read: Is a directory — check the path and its permissions\n"


def test_an_unknown_command_is_one_line_and_exit_2() -> None:
    result = roleui("frobnicate")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("roleui: no command 'frobnicate' — one of: init, check, list, ")


def test_list_shows_one_row_per_role_with_its_source() -> None:
    result = roleui("--config", str(EXAMPLE), "list")
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["ACCOUNT", "ID", "ROLE", "ARN", "TAGS", "SOURCE"]
    assert lines[1].split() == [
        "shared-data",
        "222222222222",
        "CrossAccountS3ReadOnly",
        "arn:aws:iam::222222222222:role/CrossAccountS3ReadOnly",
        "environment=prod,team=data",
        "catalog",
    ]
    assert len(lines) == 10


def test_list_filters_case_insensitively_across_names_ids_and_tag_values() -> None:
    def keys(*words: str) -> list[str]:
        out = roleui("--config", str(EXAMPLE), "list", "--json", *words).stdout
        return [row["key"] for row in json.loads(out)]

    assert keys("STAGING") == ["web-staging/OrganizationAccountAccessRole", "web-staging/ReadOnly"]
    assert keys("2222") == ["shared-data/CrossAccountS3ReadOnly", "shared-data/ReadOnly"]
    assert keys("main", "admin") == ["main/AdminAccessRole"]
    assert keys("account-b", "readonly") == ["shared-data/CrossAccountS3ReadOnly", "shared-data/ReadOnly"]


def test_list_matches_key_value_words_against_tags_as_the_ui_does() -> None:
    def keys(*words: str) -> list[str]:
        out = roleui("--config", str(EXAMPLE), "list", "--json", *words).stdout
        return [row["key"] for row in json.loads(out)]

    assert keys("env:staging") == ["web-staging/OrganizationAccountAccessRole", "web-staging/ReadOnly"]
    assert keys("team:data") == ["shared-data/CrossAccountS3ReadOnly", "shared-data/ReadOnly"]
    assert keys("environment:prod", "team:da") == keys("team:data")
    assert keys("team:nobody") == []
    assert keys("environment") == [], "a plain word never matches a tag's key"


def test_list_accepts_a_role_reference_as_every_command_takes_it() -> None:
    def keys(*words: str) -> list[str]:
        out = roleui("--config", str(EXAMPLE), "list", "--json", *words).stdout
        return [row["key"] for row in json.loads(out)]

    assert keys("main/AdminAccessRole") == ["main/AdminAccessRole"]
    assert keys("123456789012/adminaccessrole") == ["main/AdminAccessRole"]
    assert keys("production/support/ProdSupportRole") == ["main/ProdSupportRole"]
    assert keys("arn:aws:iam::222222222222:role/CrossAccountS3ReadOnly") == ["shared-data/CrossAccountS3ReadOnly"]
    assert keys("account-b/") == ["shared-data/CrossAccountS3ReadOnly", "shared-data/ReadOnly"]
    assert keys("arn:aws:iam::999999999999:role/Nobody") == []


def test_list_json_follows_the_documented_schema_and_never_prints_the_external_id() -> None:
    from roleui.commands.list_roles import SCHEMA_FIELDS

    result = roleui("--config", str(EXAMPLE), "list", "--json")
    rows = json.loads(result.stdout)
    assert all(tuple(row) == SCHEMA_FIELDS for row in rows)
    assert rows[0]["external_id"] is True
    assert "my-secret-external-id-1234" not in result.stdout
    readme = (ROOT / "README.md").read_text()
    for field in SCHEMA_FIELDS:
        assert f"`{field}`" in readme, f"README documents the list --json field {field}"


def test_list_with_no_match_says_so_on_stderr_and_succeeds() -> None:
    result = roleui("--config", str(EXAMPLE), "list", "nothing-matches-this")
    assert (result.returncode, result.stdout) == (0, "")
    assert result.stderr == "roleui: no role matches 'nothing-matches-this'\n"


def test_the_ui_door_takes_only_the_ui_options_and_leaves_the_rest_to_argparse() -> None:
    from roleui.doors import ui_request

    assert ui_request([]) == (None, False)
    assert ui_request(["--print-env"]) == (None, True)
    assert ui_request(["--config", "x.toml", "--print-env"]) == ("x.toml", True)
    assert ui_request(["--config=x.toml"]) == ("x.toml", False)
    for argv in (["list"], ["--config"], ["--config", "--print-env"], ["--version"], ["-h"], ["--print-env", "env"]):
        assert ui_request(argv) is None, argv


def test_a_missing_catalog_named_for_the_ui_is_one_line_and_exit_2(tmp_path: Path) -> None:
    import pexpect

    child = pexpect.spawn(
        sys.executable, ["-m", "roleui", "--config", str(tmp_path / "missing.toml")], timeout=60, encoding="utf-8"
    )
    output = child.read()
    child.close()
    assert child.exitstatus == 2
    assert output.count("\n") == 1
    assert "missing.toml" in output
    assert "Traceback" not in output


def test_check_says_at_its_line_when_an_identity_center_entry_names_an_sso_session_the_aws_config_lacks(
    tmp_path: Path,
) -> None:
    catalog = tmp_path / "catalog.toml"
    catalog.write_text('[[identity_center]]\nsso_session = "corp"\n\n[[identity_center]]\nsso_session = "acme"\n')
    aws_config = Path(os.environ["AWS_CONFIG_FILE"])
    aws_config.parent.mkdir(parents=True, exist_ok=True)
    aws_config.write_text(
        "[sso-session acme]\nsso_start_url = https://acme.awsapps.com/start\nsso_region = eu-west-1\n"
    )
    result = roleui("--config", str(catalog), "check")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [
        f"{catalog}:1: identity_center[1].sso_session: there is no usable [sso-session corp] in {aws_config} — "
        "add it with sso_start_url and sso_region (or fix the name; sessions there: acme)"
    ]
    aws_config.write_text(
        aws_config.read_text()
        + "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n"
    )
    fixed = roleui("--config", str(catalog), "check")
    assert fixed.returncode == 0, fixed.stderr
