"""Untrusted text made safe for a terminal: the one place CLI output and error lines pass through.

Account names, aliases, role names, tags, OU names, descriptions and AWS error text come from other people
(`account:PutAccountName` is open to every member account's administrator). Printed raw, a name holding ESC could
retitle or recolour the terminal, BEL ring it, CR overwrite the line before it. `terminal_safe` shows every C0/C1
control character, DEL and the Unicode line/paragraph separators and bidi overrides as a visible `\\xNN` /
`\\uNNNN` escape, so what the user sees is what the name holds. Markup for Textual is the UI's business
(roleui/ui/safe.py); quoting for shells is roleui/core/sessions/session_env.py.

Standard library only (`re`), cheap to import: the fast doors use it.
"""

from __future__ import annotations

import re

# C0 (incl. TAB/LF/CR/ESC/BEL), DEL, C1, and the invisible characters that reorder or break lines on screen.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: str) -> str:
    """`text` with every control character shown as an escape (`\\x1b`, `\\x07`, `\\u202e`): one inert line."""
    return _UNSAFE.sub(_escape, text)


def has_control(text: str) -> bool:
    """True when `text` holds a character `terminal_safe` would escape (newlines and tabs included)."""
    return _UNSAFE.search(text) is not None


def terminal_safe_lines(text: str) -> str:
    """Like `terminal_safe`, but keeps the newlines between lines (multi-line messages such as catalog problems)."""
    return "\n".join(terminal_safe(line) for line in text.split("\n"))


def _pictures() -> dict[int, str]:
    table = {code: chr(0x2400 + code) for code in range(0x20)}  # ␀..␟: Unicode's "control pictures"
    table[0x7F] = "\u2421"  # ␡
    table.update(dict.fromkeys(range(128, 160), "�"))
    table.update({ord(c): "\ufffd" for c in "\u2028\u2029\u200e\u200f\u202a\u202b\u202c\u202d\u202e"})
    table.update(dict.fromkeys(range(8294, 8298), "�"))
    return table


_PICTURES = _pictures()


def control_pictures(text: str) -> str:
    """`text` with each control character replaced by one visible character (ESC -> ␛): the same length, so
    positions into it (filter matches) stay right. For screens that draw cells (the UI)."""
    return text.translate(_PICTURES)
