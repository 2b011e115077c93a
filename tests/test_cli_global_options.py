"""The global options work after the command too (`roleui check --config FILE`), as most people type them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from roleui.cli import COMMANDS, build_parser
from roleui.commands.session_args import split_command

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = str(ROOT / "config.example.toml")


def roleui(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "roleui", *args], check=False, capture_output=True, text=True, env=dict(os.environ)
    )


def test_check_with_config_after_the_command_reads_that_catalog() -> None:
    after = roleui("check", "--config", EXAMPLE)
    before = roleui("--config", EXAMPLE, "check")
    counts = f"OK: 5 accounts, 9 roles (0 from {os.environ['AWS_CONFIG_FILE']})\n"  # the test HOME's config
    assert (after.returncode, after.stdout, after.stderr) == (0, counts, "")
    assert (after.stdout, after.stderr) == (before.stdout, before.stderr)


def test_list_with_config_after_its_filter_words_reads_that_catalog() -> None:
    result = roleui("list", "staging", f"--config={EXAMPLE}")
    assert result.returncode == 0, result.stderr
    assert [line.split()[0] for line in result.stdout.splitlines()[1:]] == ["web-staging", "web-staging"]


@pytest.mark.parametrize("command", sorted(set(COMMANDS) - {"exec"}))  # exec: see the test below
def test_every_command_takes_config_after_its_name(command: str) -> None:
    needs = {"env": ["r"], "shell": ["r"], "credential-process": ["r"], "console-url": ["r"], "revoke": ["r"]}
    args = build_parser().parse_args([command, *needs.get(command, []), "--config", "after.toml"])
    assert args.config == "after.toml"


def test_config_after_the_command_wins_over_config_before_it_and_is_kept_when_absent() -> None:
    assert build_parser().parse_args(["--config", "a.toml", "list", "--config", "b.toml"]).config == "b.toml"
    assert build_parser().parse_args(["--config", "a.toml", "list"]).config == "a.toml"
    assert build_parser().parse_args(["list"]).config is None


def test_exec_takes_config_between_the_role_and_the_command() -> None:
    args = build_parser().parse_args(["exec", "main/AdminAccessRole", "--config", "c.toml", "--", "aws", "--config"])
    assert split_command(args) == ["aws", "--config"]
    assert args.config == "c.toml"


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["lst"], "roleui: no command 'lst' — did you mean `roleui list`? (see `roleui --help`)"),
        (
            ["list", "--jsn"],
            "roleui: `roleui list` has no option '--jsn' — did you mean --json? (see `roleui list --help`)",
        ),
        (
            ["exec", "--durashun", "1h", "r", "--", "true"],
            "roleui: `roleui exec` has no option '--durashun' — did you mean --duration? (see `roleui exec --help`)",
        ),
        (["check", "--x=1"], "roleui: `roleui check` has no option '--x' — see `roleui check --help`"),
    ],
)
def test_a_mistyped_command_or_option_gets_a_did_you_mean(args: list[str], line: str) -> None:
    result = roleui(*args)
    assert (result.returncode, result.stdout, result.stderr) == (2, "", line + "\n")


def test_help_as_a_command_prints_the_help_as_most_tools_do() -> None:
    assert roleui("help").stdout == roleui("--help").stdout
    assert roleui("help", "list").stdout == roleui("list", "--help").stdout
    assert roleui("help", "list").stdout.startswith("usage: roleui list ")


def test_a_mistyped_option_between_the_role_and_the_command_gets_a_did_you_mean() -> None:
    result = roleui("exec", "main/AdminAccessRole", "--durashun", "1h", "--", "true")
    assert (result.returncode, result.stderr) == (
        2,
        "roleui: unknown option '--durashun' before `--` — did you mean --duration? (see `roleui exec --help`)\n",
    )
