"""`roleui shell ROLE`: the user's $SHELL, interactive, in the role session, with `(roleui ROLE)` in the prompt.

Returns (with the shell's exit status) when the shell exits. Refuses inside a roleui session unless --nest.
"""

from __future__ import annotations

import argparse

from roleui.commands.exec_ import exec_in_env
from roleui.commands.session_args import add_assume_options, add_role_argument, assume, load_role, refuse_nesting


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "shell",
        help="start your $SHELL in a role session",
        description="Assume ROLE (or reuse its cached session) and start your $SHELL with its environment and a prompt marker.",
    )
    add_role_argument(parser)
    parser.add_argument("--nest", action="store_true", help="allow starting inside another roleui session")
    add_assume_options(parser)


def run(args: argparse.Namespace) -> int:
    from roleui.aws.shell import interactive_shell_command

    refuse_nesting(args)
    catalog, role = load_role(args)
    session = assume(args, catalog, role)
    argv, env = interactive_shell_command(session)
    return exec_in_env(argv, env)
