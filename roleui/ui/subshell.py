"""Running a program on the terminal while the app is suspended (the `s` subshell).

The app calls this inside `App.suspend()`, from the main thread. Ctrl+C typed in the child is delivered to the
whole foreground process group, roleui included: a no-op SIGINT handler keeps it from killing the app (not
SIG_IGN, which the child would inherit, so its own Ctrl+C would stop working). With `--print-env` roleui's stdout
is a pipe read by `$(...)`, so the child gets the terminal itself as its stdout.

The child reads renewing credentials from a credential endpoint served by this process while the app is
suspended (`serve_session`; its threads keep answering while the main thread waits for the child).
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from types import FrameType
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from roleui.aws.credential_server import CredentialEndpoint
    from roleui.aws.engine import Engine
    from roleui.core.models import Role
    from roleui.core.sessions.session import Session


def _ignore_interrupt(_number: int, _frame: FrameType | None) -> None:
    """Ctrl+C belongs to the child while it runs."""


def _terminal_stdout(stack: ExitStack) -> IO[bytes] | None:
    """None when stdout is already the terminal; else /dev/tty opened for writing (if there is one)."""
    if os.isatty(1):
        return None
    try:
        return stack.enter_context(open("/dev/tty", "wb", buffering=0))
    except OSError:
        return None


def run_interactive(argv: list[str], env: Mapping[str, str]) -> int:
    """Run `argv` in the foreground on the terminal and return its exit status (OSError if it cannot start)."""
    previous = signal.signal(signal.SIGINT, _ignore_interrupt)
    try:
        with ExitStack() as stack:
            stdout = _terminal_stdout(stack)
            return subprocess.call(argv, env=dict(env), stdout=stdout)
    finally:
        signal.signal(signal.SIGINT, previous)


@contextmanager
def serve_session(engine: Engine, role: Role, session: Session) -> Iterator[CredentialEndpoint]:
    """A credential endpoint for `session`, renewed as the UI assumes (the catalog's options), for the `with` block."""
    from roleui.aws.credential_server import serving
    from roleui.core.scopes import renewal_scope
    from roleui.core.sessions.handed import record_handed

    record_handed(session, child="subshell", now=engine.clock())
    from roleui.core.sessions.assume_plan import AssumeOptions

    # Renewed with the session's own scope: a read-only session never comes back with the role's full rights.
    with serving(engine, role, session, AssumeOptions(scope=renewal_scope(session.scope))) as endpoint:
        yield endpoint


def served_env(env: Mapping[str, str], endpoint: CredentialEndpoint) -> dict[str, str]:
    """The subshell's environment pointed at `endpoint` instead of static keys."""
    from roleui.core.sessions.session_env import endpoint_env

    return endpoint_env(env, endpoint.child_vars())
