"""Running a program on the terminal while the app is suspended (the `s` subshell).

The app calls this inside `App.suspend()`, from the main thread. Ctrl+C typed in the child is delivered to the
whole foreground process group, roleui included: a no-op SIGINT handler keeps it from killing the app (not
SIG_IGN, which the child would inherit, so its own Ctrl+C would stop working). With `--print-env` roleui's stdout
is a pipe read by `$(...)`, so the child gets the terminal itself as its stdout.

The child reads renewing credentials from a credential endpoint served by this process while the app is
suspended (`serve_session`; its threads keep answering while the main thread waits for the child). A renewal that
fails while the child has the terminal is written there as one line (the JS SDK shows only "status 503"); once
the app is back, it is a notification instead (RoleuiApp._after_served), never text over the app's screen.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager, suppress
from types import FrameType
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from roleui.aws.credential_server import CredentialEndpoint
    from roleui.aws.engine import Engine
    from roleui.core.models import Role
    from roleui.core.sessions.aws_overlay import ChildView
    from roleui.core.sessions.session import Session


CHILD_ON_TERMINAL = threading.Event()  # set while run_interactive's child owns the terminal


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


def show(text: str) -> None:
    """Write `text` to the terminal the subshell will run on (the app is suspended)."""
    with ExitStack() as stack, suppress(OSError):
        stdout = _terminal_stdout(stack)
        if stdout is not None:
            stdout.write(text.encode("utf-8", "replace"))
        else:
            os.write(1, text.encode("utf-8", "replace"))


def run_interactive(argv: list[str], env: Mapping[str, str]) -> int:
    """Run `argv` in the foreground on the terminal and return its exit status (OSError if it cannot start)."""
    from roleui.core.process_guard import child_preexec

    previous = signal.signal(signal.SIGINT, _ignore_interrupt)
    try:
        with ExitStack() as stack:
            stdout = _terminal_stdout(stack)
            CHILD_ON_TERMINAL.set()
            # The child ends with roleui (its credential endpoint's port must not outlive us: core/process_guard.py).
            return subprocess.call(argv, env=dict(env), stdout=stdout, preexec_fn=child_preexec())
    finally:
        CHILD_ON_TERMINAL.clear()
        signal.signal(signal.SIGINT, previous)


@contextmanager
def serve_session(engine: Engine, role: Role, session: Session) -> Iterator[CredentialEndpoint]:
    """A credential endpoint for `session`, renewed as the UI assumes (the catalog's options), for the `with` block."""
    from roleui.aws.credential_server import serving
    from roleui.aws.endpoint_notice import terminal_notice
    from roleui.core.scopes import renewal_scope
    from roleui.core.sessions.assume_plan import AssumeOptions
    from roleui.core.sessions.handed import record_handed

    record_handed(session, child="subshell", now=engine.clock())
    tell = terminal_notice(role.key)

    def on_error(message: str) -> None:
        if CHILD_ON_TERMINAL.is_set():
            tell(message)

    # Renewed with the session's own scope: a read-only session never comes back with the role's full rights.
    options = AssumeOptions(scope=renewal_scope(session.scope))
    with serving(engine, role, session, options, on_error=on_error) as endpoint:
        yield endpoint


def served_env(env: Mapping[str, str], endpoint: CredentialEndpoint) -> dict[str, str]:
    """The subshell's environment pointed at `endpoint` instead of static keys."""
    from roleui.core.sessions.session_env import endpoint_env

    return endpoint_env(env, endpoint.child_vars())


def child_view_of(session: Session, env: Mapping[str, str], *, served: bool) -> ChildView:
    """The subshell's AWS view (the user's files overlaid when served), checked once (aws_overlay.child_view)."""
    from roleui.core.sessions.aws_overlay import child_view

    return child_view(session, env, served=served)


def banner(session: Session, view: ChildView) -> str:
    """The line the terminal shows before the subshell: the identity it will really get (checked locally with its
    own environment), or the warning that names what wins instead."""
    from roleui.core.text import terminal_safe

    if view.warning:
        return f"roleui: warning: {terminal_safe(view.warning)}\r\n"
    return f"roleui: {terminal_safe(session.role_key)} as {terminal_safe(view.identity)} — exit to return\r\n"
