"""The command-line door: `roleui [COMMAND]`. Parses arguments and hands over to one module per command.

Argument parsing imports nothing heavy (no textual, no boto3): each command module imports what it needs
inside `run`, so `roleui credential-process` on a cache hit and `roleui list` from cache start fast.
Every RoleuiError becomes one line on stderr and its exit status; nothing else escapes as a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType

from roleui import __version__
from roleui.core.errors import EXIT_USAGE
from roleui.launcher import guarded, open_ui, ui_request

# Subcommand name -> module in roleui.commands. Each module has `register(subparsers)` and `run(args) -> int`.
COMMANDS: dict[str, str] = {
    "check": "check",
    "list": "list_roles",
    "env": "env",
    "exec": "exec_",
    "shell": "shell",
    "credential-process": "credential_process",
    "console-url": "console_url",
    "sessions": "sessions",
    "forget": "forget",
    "discover": "discover",
    "login": "login",
    "logout": "logout",
    "demo": "demo",
}


class _Parser(argparse.ArgumentParser):
    """argparse that reports bad usage as one line and exit status 2 (argparse's own status, kept)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"roleui: {message} (see `{self.prog} --help`)\n")


def _command_module(name: str) -> ModuleType:
    return importlib.import_module(f"roleui.commands.{COMMANDS[name]}")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="roleui",
        description="Switch AWS roles from a terminal. With no command, opens the interactive UI.",
    )
    parser.add_argument("--version", action="version", version=f"roleui {__version__}")
    parser.add_argument(
        "--config", metavar="PATH", help="catalog file (default: $ROLEUI_CONFIG, else the user config dir)"
    )
    parser.add_argument(
        "--print-env",
        action="store_true",
        help='UI only: on quit, print the exports of the last assumed session (eval "$(roleui --print-env)")',
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        _command_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else argv
    request = ui_request(words)
    if request is not None:
        return open_ui(*request)
    args = build_parser().parse_args(words)
    if args.command is None:
        return open_ui(args.config, args.print_env)
    module = _command_module(args.command)
    return guarded(lambda: int(module.run(args)))


def entrypoint() -> None:
    sys.exit(main())


if __name__ == "__main__":
    entrypoint()
