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
from roleui.doors import guarded, open_ui, ui_request

# Subcommand name -> module in roleui.commands. Each module has `register(subparsers)` and `run(args) -> int`.
COMMANDS: dict[str, str] = {
    "init": "init",
    "check": "check",
    "list": "list_roles",
    "env": "env",
    "exec": "exec_",
    "shell": "shell",
    "credential-process": "credential_process",
    "console-url": "console_url",
    "sessions": "sessions",
    "history": "history",
    "revoke": "revoke",
    "forget": "forget",
    "status": "status",
    "discover": "discover",
    "login": "login",
    "logout": "logout",
    "demo": "demo",
    "doctor": "doctor",
}


class _Parser(argparse.ArgumentParser):
    """argparse that reports bad usage as one line and exit status 2 (argparse's own status, kept)."""

    words: Sequence[str] = ()  # the command line being parsed, for the hints of usage_errors.explain

    def error(self, message: str) -> None:  # type: ignore[override]
        from roleui.commands.usage_errors import explain

        self.exit(EXIT_USAGE, f"roleui: {explain(message, self, self.words)}\n")


def _command_module(name: str) -> ModuleType:
    return importlib.import_module(f"roleui.commands.{COMMANDS[name]}")


def named_command(words: Sequence[str]) -> str | None:
    """The command `words` name (their first word that is not an option or --config's value), if roleui has it."""
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word == "--config":
            skip = True
        elif not word.startswith("-"):
            return word if word in COMMANDS else None
    return None


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line's parser; with `only`, just that command's (each command's parser costs its module's
    import and dozens of argparse objects: a cold `roleui env` should not pay for the other ten)."""
    parser = _Parser(
        prog="roleui",
        description="Switch AWS roles from a terminal. With no command, opens the interactive UI.",
    )
    parser.add_argument("--version", action="version", version=f"roleui {__version__}")
    _global_options(parser, default=None)
    parser.add_argument(
        "--print-env",
        action="store_true",
        help='UI only: on quit, print the exports of the last assumed session (eval "$(roleui --print-env)")',
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS if only is None else (only,):
        _command_module(name).register(sub)
    for command in sub.choices.values():
        # After the command too (`roleui check --config FILE`, as most people type it). SUPPRESS: a subcommand that
        # was not given the option leaves the value parsed before the command alone.
        _global_options(command, default=argparse.SUPPRESS)
    return parser


def _global_options(parser: argparse.ArgumentParser, *, default: object) -> None:
    """The options every command takes, before or after its name."""
    parser.add_argument(
        "--config",
        metavar="PATH",
        default=default,
        help="catalog file (default: $ROLEUI_CONFIG, else the user config dir)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else argv
    request = ui_request(words)
    if request is not None:
        return open_ui(*request)
    if words[:1] == ["help"]:  # `roleui help [COMMAND]`, as git and many tools take it
        words = [*words[1:2], "--help"]
    parser = build_parser(named_command(words))
    if isinstance(parser, _Parser):
        parser.words = words
    args = parser.parse_args(words)
    if args.command is None:
        return open_ui(args.config, args.print_env)
    module = _command_module(args.command)
    return guarded(lambda: int(module.run(args)))


def entrypoint() -> None:
    sys.exit(main())


if __name__ == "__main__":
    entrypoint()
