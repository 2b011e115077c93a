"""Durations as people write them: `3600`, `"1h"`, `"90m"`, `"1h30m"`, `"45s"`, `"12h"`."""

from __future__ import annotations

import re

_PART = re.compile(r"([0-9]+)\s*([hms])")
_WHOLE = re.compile(r"\s*(?:[0-9]+\s*[hms]\s*)+")
_UNIT = {"h": 3600, "m": 60, "s": 1}


def parse_duration(value: object) -> int:
    """Seconds from an int or a string like "1h30m"; ValueError with a readable reason otherwise."""
    if isinstance(value, bool):
        raise ValueError('expected a duration like "1h", "90m" or 3600, not a boolean')
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"{value} is negative")
        return value
    if isinstance(value, str):
        text = value.strip().lower()
        if text.isascii() and text.isdigit():  # isdigit alone takes fullwidth digits
            return int(text)
        if _WHOLE.fullmatch(text):
            return sum(int(n) * _UNIT[u] for n, u in _PART.findall(text))
        raise ValueError(f'{value!r} is not a duration: write "1h", "90m", "1h30m" or a number of seconds')
    raise ValueError(f'expected a duration like "1h", "90m" or 3600, not {type(value).__name__}')


def format_duration(seconds: int) -> str:
    """The shortest exact spelling: 3600 -> "1h", 5400 -> "1h30m", 900 -> "15m", 61 -> "1m1s"."""
    if seconds <= 0:
        return "0s"
    h, rem = divmod(seconds, 3600)
    m, s = divmod(rem, 60)
    return "".join(f"{n}{u}" for n, u in ((h, "h"), (m, "m"), (s, "s")) if n)
