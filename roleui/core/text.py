"""Untrusted text made safe for a terminal: the one place CLI output and error lines pass through.

Account names, aliases, role names, tags, OU names, descriptions and AWS error text come from other people
(`account:PutAccountName` is open to every member account's administrator). Printed raw, a name holding ESC could
retitle or recolour the terminal, BEL ring it, CR overwrite the line before it. `terminal_safe` shows every C0/C1
control character, DEL and the Unicode line/paragraph separators and bidi overrides as a visible `\\xNN` /
`\\uNNNN` escape, so what the user sees is what the name holds. Markup for Textual is the UI's business
(roleui/ui/safe.py); quoting for shells is roleui/core/sessions/session_env.py.

No imports, and cheap to import: the fast doors use it. Everything is `str.translate` through tables built here
(a regular expression for the same characters took ~0.6 ms to compile, on the UI's way to its first screen).
"""

from __future__ import annotations

# C0 (incl. TAB/LF/CR/ESC/BEL), DEL, C1, and the invisible characters that reorder or break lines on screen.
_UNSAFE = (
    *range(0x20),
    *range(0x7F, 0xA0),
    0x2028,
    0x2029,
    0x200E,
    0x200F,
    *range(0x202A, 0x202F),
    *range(0x2066, 0x206A),
)
_ESCAPES = {code: f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" for code in _UNSAFE}


def terminal_safe(text: str) -> str:
    """`text` with every control character shown as an escape (`\\x1b`, `\\x07`, `\\u202e`): one inert line."""
    return text.translate(_ESCAPES)


def has_control(text: str) -> bool:
    """True when `text` holds a character `terminal_safe` would escape (newlines and tabs included)."""
    return len(text.translate(_ESCAPES)) != len(text)  # each escape is longer than the character it shows


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
