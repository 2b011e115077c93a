"""`roleui shell ROLE`: the user's $SHELL, interactive, in the role session, with `(roleui ROLE)` in the prompt.

Returns (with the shell's exit status) when the shell exits. The shell reads renewing credentials from a local
endpoint that lives until it exits (--static: the session's keys). Refuses inside a roleui session unless --nest.
"""

from __future__ import annotations

import argparse

from roleui.commands.exec_ import run_served, run_static
from roleui.commands.session_args import (
    add_assume_options,
    add_credentials_option,
    add_role_argument,
    assume,
    load_role,
    make_engine,
    refuse_nesting,
    serves_endpoint,
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "shell",
        help="start your $SHELL in a role session",
        description="Assume ROLE (or reuse its cached session) and start your $SHELL with its environment and a prompt marker.",
    )
    add_role_argument(parser)
    parser.add_argument("--nest", action="store_true", help="allow starting inside another roleui session")
    add_assume_options(parser)
    add_credentials_option(parser)


def run(args: argparse.Namespace) -> int:
    from roleui.aws.shell import interactive_shell

    refuse_nesting(args)
    catalog, role = load_role(args)
    engine = make_engine(catalog)
    session = assume(args, catalog, role, engine)
    command = interactive_shell(session)  # its rc files remove their own directory once read
    if not serves_endpoint(args, catalog):
        run_static(session, command.argv, command.env, finish=command.finish)
    return run_served(args, engine, role, session, command.argv, command.env, finish=command.finish)
