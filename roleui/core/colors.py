"""The AWS console's switch-role palette: the only colors the console shows (anything else is blank)."""

from __future__ import annotations

CONSOLE_COLORS: dict[str, str] = {
    "red": "F2B0A9",
    "orange": "FBBF93",
    "yellow": "FAD791",
    "green": "B7CA9D",
    "blue": "99BCE3",
}

_BY_HEX = {hex_: name for name, hex_ in CONSOLE_COLORS.items()}


def console_color(value: str) -> str | None:
    """The palette hex for a color name or hex (with or without '#'); None when it is not in the palette."""
    text = value.strip().lstrip("#")
    if text.lower() in CONSOLE_COLORS:
        return CONSOLE_COLORS[text.lower()]
    return text.upper() if text.upper() in _BY_HEX else None


def color_name(hex_: str) -> str:
    """ "blue" for "99BCE3" (for display); the hex itself when unknown."""
    return _BY_HEX.get(hex_.upper(), hex_)
