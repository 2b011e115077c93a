"""Every example in the README, the command-line help and the UI's help works in the demo, as a new user would
try it there: commands run in a running demo, filter examples (`wbstg` finds web-staging) find what they say,
and role references name a demo role.

Examples are the code spans of those texts. A span with a placeholder (`ROLE`, `PATH`, `N`) or an optional part
(`[--json]`) is a synopsis, not an example; the few examples that need a terminal are named in INTERACTIVE.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from roleui.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
UI_HELP_SOURCES = ("roleui/ui/screens/help.py", "roleui/ui/actions.py", "roleui/demo/notes.py")
# Examples that open the UI or an interactive shell: they need a terminal (tests/test_e2e_demo.py drives the UI).
# `roleui login` waits for a browser to approve (tests/test_demo_sso.py goes through it with one).
INTERACTIVE = {
    "roleui",
    "roleui demo",
    "roleui demo -- bash",
    'eval "$(roleui --print-env)"',
    ".ci/roleui",
    "roleui shell",
    "roleui login",
}
# Spans that look like examples and are not: names of programs, what roleui replaces, the format of a reference.
NOT_EXAMPLES = {"roleui", "aws", "aws sts assume-role", "aws sso login", "account-name/RoleName"}
# The demo has its catalog, and `roleui init` never overwrites one: there it says so, as documented.
# Outside a roleui session `roleui status` prints nothing and exits 1, as documented (prompts rely on it).
EXIT_STATUS = {"roleui init": 2, "roleui status": 1}
SPAN = re.compile(r"`([^`\n]+)`")
FINDS = re.compile(r"`([^`]+)` finds `?([\w=.-]+)`?")
PLACEHOLDER = re.compile(r"\b[A-Z][A-Z_]*\b|\[|\.\.\.|<[a-z_ -]+>")
REFERENCE = re.compile(r"^[a-z][\w-]*/(?:[\w-]+/)*[A-Z][\w+=,.@-]*$")


def help_texts(parser: argparse.ArgumentParser) -> Iterator[str]:
    """Every text of `roleui --help` and of each command's `--help`."""
    yield from (parser.description or "", parser.epilog or "", parser.usage or "")
    for action in parser._actions:
        yield action.help or ""
        if isinstance(action, argparse._SubParsersAction):
            for command in action.choices.values():
                yield from help_texts(command)


def texts() -> dict[str, str]:
    found = {"README.md": (ROOT / "README.md").read_text()}
    found["roleui --help"] = "\n".join(help_texts(build_parser()))
    for source in UI_HELP_SOURCES:
        found[source] = (ROOT / source).read_text()
    return found


def ini_commands(readme: str) -> list[str]:
    """`credential_process = roleui credential-process ...` lines of the README's ~/.aws/config examples."""
    return re.findall(r"^credential_process = (roleui .+)$", readme, flags=re.MULTILINE)


def commands() -> list[tuple[str, str]]:
    """(where, command) for every runnable command example."""
    found: list[tuple[str, str]] = []
    for where, text in texts().items():
        spans = SPAN.findall(text) + (ini_commands(text) if where == "README.md" else [])
        for span in spans:
            command = span.strip()
            if command.startswith(".ci/roleui"):
                command = command.replace(".ci/roleui", "roleui", 1)  # the wrapper runs roleui in .venv
                if span.strip() in INTERACTIVE:
                    continue
            runs_roleui = re.match(r"^(roleui|aws)( |$)", command) or "$(roleui " in command
            if not runs_roleui or PLACEHOLDER.search(command) or {span, command} & (INTERACTIVE | NOT_EXAMPLES):
                continue
            command = command.removeprefix("roleui demo -- ")  # already in the demo
            found.append((where, command))
    return sorted(set(found))


def filter_examples() -> list[tuple[str, str, str]]:
    """(where, query, what it finds) for every `query` finds `thing` sentence."""
    return sorted({(where, q, thing) for where, text in texts().items() for q, thing in FINDS.findall(text)})


def references() -> list[tuple[str, str]]:
    spans = {(where, span) for where, text in texts().items() for span in SPAN.findall(text)}
    return sorted((where, span) for where, span in spans if REFERENCE.match(span) and span not in NOT_EXAMPLES)


def test_the_examples_are_found_where_a_new_user_reads_them() -> None:
    runnable = {command for _, command in commands()}
    assert {
        "roleui check",
        "roleui list --json",
        "roleui list env:prod",
        'eval "$(roleui env shared-data/CrossAccountS3ReadOnly)"',
        "roleui exec shared-data/CrossAccountS3ReadOnly -- aws s3 ls s3://my-shared-bucket/",
        "roleui credential-process shared-data/CrossAccountS3ReadOnly",
        "aws sts get-caller-identity",
    } <= runnable
    assert {query for _, query, _ in filter_examples()} >= {"wbstg", "wbprd", "env:prod"}
    assert ("README.md", "main/support/ProdSupportRole") in references()
    every_span = {span.strip() for text in texts().values() for span in SPAN.findall(text)}
    assert every_span >= INTERACTIVE, "an interactive example left the docs: drop it from INTERACTIVE"


@pytest.fixture(scope="module")
def demo() -> Iterator[dict[str, str]]:
    """One running demo for the module (its organization cached, as `roleui demo -- COMMAND` does); yields its
    environment."""
    from roleui.demo.runtime import running_demo

    with running_demo(cache_organization=True):
        yield dict(os.environ)


@pytest.fixture
def in_demo(demo: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """This test's process environment is the demo's (the autouse isolation ran first and is undone after)."""
    for name in list(os.environ):
        monkeypatch.delenv(name)
    for name, value in demo.items():
        monkeypatch.setenv(name, value)
    return demo


@pytest.mark.parametrize(("where", "command"), commands())
def test_a_command_example_runs_in_the_demo(in_demo: dict[str, str], where: str, command: str) -> None:
    result = subprocess.run(
        ["sh", "-c", command], env=in_demo, capture_output=True, text=True, timeout=120, check=False
    )
    expected = EXIT_STATUS.get(command, 0)
    assert result.returncode == expected, f"{where}: `{command}` exited {result.returncode}: {result.stderr}"
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("where", "query", "thing"), filter_examples())
def test_a_filter_example_finds_what_it_says_in_the_demo(
    in_demo: dict[str, str], where: str, query: str, thing: str
) -> None:
    from roleui.aws.sources import load_world
    from roleui.core.world.filtering import RoleFilter

    roles = RoleFilter(load_world().roles)
    found = [roles.roles[i] for i in roles.filter(query)]
    assert found, f"{where}: `{query}` finds nothing in the demo"
    key, equals, value = thing.partition("=")
    if equals:
        assert all(role.account.tags.get(key) == value for role in found), f"{where}: `{query}`"
    else:
        assert found[0].account.name == thing, f"{where}: `{query}` finds {found[0].key} first, not {thing}"


@pytest.mark.parametrize(("where", "reference"), references())
def test_a_role_reference_example_names_a_demo_role(in_demo: dict[str, str], where: str, reference: str) -> None:
    from roleui.aws.sources import load_world
    from roleui.core.catalog.refs import resolve_role

    role = resolve_role(load_world(), reference)  # a UsageError (did you mean...) when it names none
    assert reference.lower().endswith(role.path_and_name.lower())
