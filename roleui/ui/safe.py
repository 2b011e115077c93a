"""Untrusted text for Textual: never markup, never control characters.

Names come from other people: `[@click=app.quit]` in an account name must show as those characters, not become a
clickable action, and an unbalanced `[` must not raise MarkupError. Every widget, notification and dialog that
shows a name goes through here: `plain` gives a rich Text (no markup parsing at all; styles go in as Text parts,
never as markup around a name: Textual's markup cannot escape a name that ends in a backslash before a closing
tag), `plain_lines` the same for a message of several lines, and `visible` the same as a str. Control characters become visible pictures (ESC -> ␛) of the
same length, so the terminal never receives them.
"""

from __future__ import annotations

from rich.text import Text

from roleui.core.errors import RoleuiError
from roleui.core.text import control_pictures


def visible(text: str) -> str:
    """`text` with control characters as visible pictures (same length)."""
    return control_pictures(text)


def plain(text: str, style: str = "") -> Text:
    """`text` as a Text that is never parsed as markup."""
    return Text(control_pictures(text), style=style)


def one_line(error: BaseException) -> str:
    """The message of an error as one line (RoleuiError messages already are; anything else is a bug)."""
    if isinstance(error, RoleuiError):
        return error.message.splitlines()[0] if error.message else type(error).__name__
    return f"unexpected {type(error).__name__}: {str(error).splitlines()[0] if str(error) else 'no details'}"


def plain_lines(text: str, style: str = "") -> Text:
    """Like `plain`, for a message of several lines: the line breaks stay breaks (not `␊`), everything else in
    each line is made visible as `plain` does."""
    return Text("\n".join(control_pictures(line) for line in text.split("\n")), style=style)
