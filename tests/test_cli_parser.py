"""The command line door builds only the named command's parser, and parses exactly as the whole parser does."""

from __future__ import annotations

import pytest
from _engine_helpers import roleui

from roleui.cli import build_parser, named_command

LINES = [
    ["env", "tooling/JumpRole", "--no-cache"],
    ["--config", "catalog.toml", "env", "tooling/JumpRole", "--format", "json"],
    ["--config=catalog.toml", "exec", "tooling/JumpRole", "--", "aws", "s3", "ls"],
    ["credential-process", "tooling/JumpRole"],
    ["list", "--json", "prod"],
    ["sessions"],
    ["console-url", "tooling/JumpRole"],
]


@pytest.mark.parametrize("argv", LINES)
def test_a_named_command_alone_parses_the_line_as_the_whole_parser_does(argv: list[str]) -> None:
    name = named_command(argv)
    assert name == next(w for w in argv if not w.startswith("-") and w != "catalog.toml")
    assert vars(build_parser(name).parse_args(argv)) == vars(build_parser().parse_args(argv))


def test_no_command_a_typo_or_a_config_named_like_a_command_name_none() -> None:
    assert named_command([]) is None
    assert named_command(["--help"]) is None
    assert named_command(["lsit"]) is None
    assert named_command(["--config", "env"]) is None


def test_a_mistyped_command_is_still_one_line_naming_the_closest_command() -> None:
    done = roleui("lsit")
    assert done.returncode == 2
    assert "no command 'lsit'" in done.stderr
    assert "did you mean `roleui list`?" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
