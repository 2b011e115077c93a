"""Bad usage, said so a new user can act on it: a mistyped command or option gets a "did you mean".

argparse's own words ("invalid choice: 'lst' (choose from ...)", "unrecognized arguments: --jsn") name neither
the command whose option was wrong nor the likely intent; this turns them into one line that does.
"""

from __future__ import annotations

import argparse
import difflib
import re
from collections.abc import Sequence


def _commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def explain(message: str, parser: argparse.ArgumentParser, words: Sequence[str]) -> str:
    """The line to print (without the program name) for argparse's `message` about `words`."""
    commands = _commands(parser)
    choice = re.match(r"argument COMMAND: invalid choice: '(.*?)'", message)
    if choice and commands:
        mistyped = _mistyped_option(parser, words[: list(words).index(choice[1])] if choice[1] in words else words)
        if mistyped is not None:  # `roleui --confg x list`: the option, not `x`, is what went wrong
            return mistyped
        close = difflib.get_close_matches(choice[1], list(commands), n=1, cutoff=0.6)
        hint = f"did you mean `{parser.prog} {close[0]}`?" if close else f"one of: {', '.join(commands)}"
        return f"no command {choice[1]!r} — {hint} (see `{parser.prog} --help`)"
    unknown = re.match(r"unrecognized arguments: (\S+)", message)
    if unknown and unknown[1].startswith("-"):
        command = next((word for word in words if word in commands), None)
        owner = commands[command] if command else parser
        option = unknown[1].partition("=")[0]
        options = [o for action in owner._actions for o in action.option_strings if o.startswith("--")]
        close = difflib.get_close_matches(option, options, n=1, cutoff=0.6)
        see = f"see `{owner.prog} --help`"
        return f"`{owner.prog}` has no option {option!r} — " + (f"did you mean {close[0]}? ({see})" if close else see)
    return f"{message} (see `{parser.prog} --help`)"


def _mistyped_option(parser: argparse.ArgumentParser, words: Sequence[str]) -> str | None:
    """The line for the first `--option` in `words` that `parser` does not have but has one close to, if any."""
    options = [o for action in parser._actions for o in action.option_strings if o.startswith("--")]
    for word in words:
        option = word.partition("=")[0]
        if not option.startswith("--") or option in options:
            continue
        close = difflib.get_close_matches(option, options, n=1, cutoff=0.6)
        if close:
            return f"`{parser.prog}` has no option {option!r} — did you mean {close[0]}? (see `{parser.prog} --help`)"
    return None
