"""`roleui exec ROLE [OPTIONS] -- CMD [ARGS...]`: run CMD in the role session; exit with CMD's status.

roleui replaces itself with CMD (exec), so signals, the terminal and the exit status are CMD's own.
Inside a roleui session it refuses unless --nest (the inner session then replaces the outer credentials).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import NoReturn

from roleui.commands.session_args import (
    add_assume_options,
    add_role_argument,
    assume,
    load_role,
    refuse_nesting,
    split_command,
)
from roleui.core.errors import RoleuiError, UsageError

EXIT_NOT_FOUND = 127  # the shell's conventions for a command that cannot run
EXIT_NOT_EXECUTABLE = 126


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "exec",
        help="run a command with a role session's credentials",
        description="Assume ROLE (or reuse its cached session) and run CMD with its environment; exits with CMD's status.",
        usage="roleui exec [OPTIONS] ROLE -- CMD [ARGS...]",
    )
    add_role_argument(parser)
    parser.add_argument("--nest", action="store_true", help="allow running inside another roleui session")
    add_assume_options(parser)
    parser.add_argument("argv", nargs=argparse.REMAINDER, metavar="-- CMD [ARGS...]", help="the command to run")


def exec_in_env(argv: list[str], env: dict[str, str]) -> NoReturn:
    """Replace this process with argv (returns only if it cannot start)."""
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        os.execvpe(argv[0], argv, env)  # noqa: S606 (exec is the point: CMD takes over)
    except FileNotFoundError:
        raise RoleuiError(f"command not found: {argv[0]}", exit_code=EXIT_NOT_FOUND) from None
    except PermissionError:
        raise RoleuiError(f"cannot run {argv[0]}: permission denied", exit_code=EXIT_NOT_EXECUTABLE) from None
    except OSError as error:
        raise RoleuiError(f"cannot run {argv[0]}: {error.strerror}", exit_code=EXIT_NOT_EXECUTABLE) from None


def run(args: argparse.Namespace) -> int:
    from roleui.core.sessions.session_env import session_env

    command = split_command(args)
    if not command:
        raise UsageError("no command to run — write it after `--`: roleui exec ROLE -- aws sts get-caller-identity")
    refuse_nesting(args)
    catalog, role = load_role(args)
    session = assume(args, catalog, role)
    return exec_in_env(command, session_env(session, os.environ))
