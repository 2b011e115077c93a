"""`roleui demo [--accounts N] [-- COMMAND ...]`: the whole product on an embedded local AWS.

Starts moto on 127.0.0.1 in this process, seeds the AWS AssumeRole guide's story, points the environment at it
(nothing can reach real AWS), then opens the UI, or runs COMMAND in that environment. Leaving, by `q`, Ctrl+C,
SIGTERM or SIGHUP, stops the local AWS and removes the temporary directory.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from roleui.core.errors import UsageError
from roleui.demo.notes import EPILOG

DEFAULT_ACCOUNTS_HELP = "a few dozen"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "demo",
        help="try roleui on an embedded local AWS (no AWS account needed)",
        description="Open the roleui UI on a local AWS seeded with the AWS AssumeRole guide's accounts and roles.",
        epilog=EPILOG,
    )
    parser.add_argument(
        "--accounts",
        type=int,
        metavar="N",
        help=f"accounts in the demo organization (default: {DEFAULT_ACCOUNTS_HELP}; e.g. 10000 to feel the speed)",
    )
    parser.add_argument(
        "demo_command",
        nargs=argparse.REMAINDER,
        metavar="-- COMMAND",
        help="run COMMAND in the demo environment instead of the UI, e.g. `roleui demo -- roleui list env:prod`",
    )


def run(args: argparse.Namespace) -> int:
    from roleui.demo.organization import DEFAULT_ACCOUNTS, MAX_ACCOUNTS

    accounts = DEFAULT_ACCOUNTS if args.accounts is None else args.accounts
    if not 3 <= accounts <= MAX_ACCOUNTS:
        raise UsageError(f"--accounts {accounts}: choose between 3 and {MAX_ACCOUNTS}")
    if getattr(args, "config", None):
        raise UsageError("the demo uses its own catalog: run `roleui demo` without --config")
    if getattr(args, "print_env", False):
        raise UsageError("--print-env has no use in the demo: its sessions end with it")
    command = list(args.demo_command)
    if command[:1] == ["--"]:
        command = command[1:]

    try:
        import moto.server  # noqa: F401 - only to say clearly when the demo extra is missing
    except ImportError:
        raise UsageError(
            "the demo needs its local AWS (moto with its server): pip install '.[demo]' in roleui's checkout"
        ) from None
    from roleui.demo.runtime import running_demo

    with _signals_end_the_demo() as received, running_demo(accounts=accounts, cache_organization=bool(command)):
        if received:  # the SystemExit was raised where it is only printed (a finalizer run by the GC): leave now
            raise SystemExit(128 + received[-1])
        if command:
            return _run_command(command)
        return _open_ui()


def _open_ui() -> int:
    from roleui.commands.ui import launch
    from roleui.demo.notes import MFA_NOTE, NOTE
    from roleui.ui.demo_info import DemoInfo

    return launch(None, demo=DemoInfo(note=NOTE, mfa_note=MFA_NOTE))


SHELLS = ("bash", "zsh", "fish", "sh", "dash", "ksh")


def _run_command(command: list[str]) -> int:
    """COMMAND's exit status; one that cannot start fails as under `roleui exec` (127 not found, 126 not
    executable, with the same line)."""
    from roleui.commands.exec_ import cannot_run

    env: dict[str, str] | None = None
    cleanup = None
    if len(command) == 1 and os.path.basename(command[0]) in SHELLS and sys.stdin.isatty():
        # An interactive shell in the demo's environment: its prompt says so, or it looks like any other shell
        # (and an `aws` typed there would reach the local AWS without the user knowing why).
        from roleui.aws.shell import marked_shell

        shell = marked_shell(command[0], dict(os.environ), "demo")
        command, env, cleanup = shell.argv, shell.env, shell.cleanup
    try:
        return subprocess.call(command, env=env)
    except OSError as error:
        raise cannot_run(command[0], error) from None
    finally:
        if cleanup is not None:
            cleanup()


@contextmanager
def _signals_end_the_demo() -> Iterator[list[int]]:
    """SIGTERM and SIGHUP (terminal closed) unwind like an exception, so the cleanup runs. The signals received
    are yielded too: one that lands inside a weakref finalizer has its SystemExit printed and dropped."""
    received: list[int] = []

    def leave(number: int, _frame: FrameType | None) -> None:
        received.append(number)
        raise SystemExit(128 + number)

    previous = {number: signal.signal(number, leave) for number in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield received
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
