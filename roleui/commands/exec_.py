"""`roleui exec ROLE [OPTIONS] -- CMD [ARGS...]`: run CMD in the role session; exit with CMD's status.

By default CMD reads its credentials from a local endpoint (roleui/aws/credential_server.py) that renews the
session before it expires: roleui stays as CMD's parent while it runs, passes SIGTERM/SIGHUP on, leaves Ctrl+C to
CMD, and exits with CMD's status (128+N when a signal N ended it). With --static (or
`[defaults] credentials = "static"`) roleui replaces itself with CMD (exec) and CMD gets the session's keys.
Inside a roleui session it refuses unless --nest (the inner session is then assumed with the outer credentials).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from types import FrameType
from typing import TYPE_CHECKING, NoReturn

from roleui.commands.session_args import (
    add_assume_options,
    add_credentials_option,
    add_handing_options,
    add_role_argument,
    assume,
    load_role,
    make_engine,
    options_from_args,
    refuse_nesting,
    serves_endpoint,
    split_command,
    warn,
)
from roleui.core.errors import RoleuiError, UsageError

if TYPE_CHECKING:
    from roleui.aws.engine import Engine
    from roleui.core.models import Role
    from roleui.core.sessions.session import Session

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
    add_credentials_option(parser)
    add_handing_options(parser)
    parser.add_argument("argv", nargs=argparse.REMAINDER, metavar="-- CMD [ARGS...]", help="the command to run")


def cannot_run(program: str, error: OSError) -> RoleuiError:
    """Why `program` could not start, with the shell's exit status for it (127 not found, 126 not executable)."""
    if isinstance(error, FileNotFoundError):
        return RoleuiError(f"command not found: {program}", exit_code=EXIT_NOT_FOUND)
    if isinstance(error, PermissionError):
        return RoleuiError(f"cannot run {program}: permission denied", exit_code=EXIT_NOT_EXECUTABLE)
    return RoleuiError(f"cannot run {program}: {error.strerror}", exit_code=EXIT_NOT_EXECUTABLE)


def exec_in_env(argv: list[str], env: dict[str, str]) -> NoReturn:
    """Replace this process with argv (returns only if it cannot start)."""
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        os.execvpe(argv[0], argv, env)  # noqa: S606 (exec is the point: CMD takes over)
    except OSError as error:
        raise cannot_run(argv[0], error) from None


def _child_status(returncode: int) -> int:
    """A shell's convention: the child's status, or 128+N when signal N ended it."""
    return 128 - returncode if returncode < 0 else returncode


def wait_for_child(argv: list[str], env: dict[str, str]) -> int:
    """Run argv as a child in the foreground and return its status. Ctrl+C and Ctrl+\\ reach the child from the
    terminal, so roleui ignores them with a no-op handler (SIG_IGN would be inherited); SIGTERM and SIGHUP sent to
    roleui alone are passed on."""
    from roleui.core.process_guard import child_preexec, not_dumpable

    not_dumpable()  # this process holds the session for as long as the child runs
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        # The child ends with roleui: once roleui is gone its endpoint's port is anyone's (core/process_guard.py).
        child = subprocess.Popen(argv, env=env, preexec_fn=child_preexec())  # noqa: PLW1509
    except OSError as error:
        raise cannot_run(argv[0], error) from None

    def leave_to_child(_number: int, _frame: FrameType | None) -> None:
        """The terminal sent it to the child too."""

    def pass_on(number: int, _frame: FrameType | None) -> None:
        child.send_signal(number)

    handlers: dict[signal.Signals, Callable[[int, FrameType | None], None]] = {
        signal.SIGINT: leave_to_child,
        signal.SIGQUIT: leave_to_child,
        signal.SIGTERM: pass_on,
        signal.SIGHUP: pass_on,
    }
    previous = {number: signal.signal(number, handler) for number, handler in handlers.items()}
    try:
        return _child_status(child.wait())
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def run_served(
    args: argparse.Namespace,
    engine: Engine,
    role: Role,
    session: Session,
    argv: list[str],
    env: dict[str, str],
    finish: Callable[[dict[str, str]], dict[str, str]] | None = None,
) -> int:
    """Run argv with `env` (a session environment) pointed at a credential endpoint that lives until it exits, and
    at an overlay of the user's AWS files without the default profile's credentials (removed when it exits).
    `finish` adds the last variables (a shell's) to the final environment."""
    from roleui.aws.credential_server import serving
    from roleui.commands.handing import handed_to
    from roleui.core.sessions.aws_overlay import child_view
    from roleui.core.sessions.session_env import endpoint_env

    options = options_from_args(args)
    with (
        handed_to(args, engine, role, session, argv) as (limit, gate, register),
        serving(engine, role, session, options, limit=limit, gate=gate) as endpoint,
    ):
        register(endpoint.port)
        view = child_view(session, endpoint_env(env, endpoint.child_vars()), served=True)
        try:
            if view.warning:
                warn(view.warning)
            return wait_for_child(argv, finish(view.env) if finish else view.env)
        finally:
            view.cleanup()


def run_static(
    session: Session,
    argv: list[str],
    env: dict[str, str],
    finish: Callable[[dict[str, str]], dict[str, str]] | None = None,
) -> NoReturn:
    """Replace this process with argv in `env` (a session environment with static keys: they win in every SDK)."""
    from roleui.core.sessions.aws_overlay import child_view
    from roleui.core.sessions.handed import record_handed

    view = child_view(session, env, served=False)
    if view.warning:
        warn(view.warning)
    record_handed(session, child=argv[0])
    exec_in_env(argv, finish(view.env) if finish else view.env)


def run(args: argparse.Namespace) -> int:
    from roleui.core.sessions.session_env import session_env

    command = split_command(args)
    if not command:
        raise UsageError("no command to run — write it after `--`: roleui exec ROLE -- aws sts get-caller-identity")
    refuse_nesting(args)
    from roleui.commands.handing import prepare_handing

    catalog, role = load_role(args)
    prepare_handing(args, serves_endpoint(args, catalog))
    engine = make_engine(catalog)
    session = assume(args, catalog, role, engine)
    if not serves_endpoint(args, catalog):
        run_static(session, command, session_env(session, os.environ))
    return run_served(args, engine, role, session, command, session_env(session, os.environ))
