"""Line numbers for TOML keys, so every catalog problem can say `FILE:LINE`.

tomllib gives values without positions. This scanner walks the text once and records the line of every table
header and `key = value` it sees, under the same path the parsed document uses: array-of-tables entries get
their index, exactly as `[[accounts]]` / `[[accounts.roles]]` build them. Values spanning several lines (arrays,
inline tables, multi-line strings) are skipped over, so their keys map to the line where the value starts.
"""

from __future__ import annotations

import re

Path = tuple[str | int, ...]

_BARE = re.compile(r"[A-Za-z0-9_-]+")


def _read_key(text: str, pos: int) -> tuple[list[str], int] | None:
    """Parse a dotted key starting at `pos`; return its parts and the position after it."""
    parts: list[str] = []
    n = len(text)
    while True:
        while pos < n and text[pos] in " \t":
            pos += 1
        if pos >= n:
            return None
        ch = text[pos]
        if ch in "\"'":
            end = pos + 1
            while end < n and text[end] != ch:
                end += 2 if ch == '"' and text[end] == "\\" else 1
            if end >= n:
                return None
            raw = text[pos + 1 : end]
            parts.append(raw.encode().decode("unicode_escape") if ch == '"' and "\\" in raw else raw)
            pos = end + 1
        else:
            m = _BARE.match(text, pos)
            if not m:
                return None
            parts.append(m.group())
            pos = m.end()
        while pos < n and text[pos] in " \t":
            pos += 1
        if pos < n and text[pos] == ".":
            pos += 1
            continue
        return parts, pos


def _depth_change(value: str, state: list[str]) -> int:
    """Bracket depth change of a value fragment, ignoring brackets in strings; tracks multi-line strings.

    `state` holds the open multi-line string delimiter ('' when none) across lines.
    """
    depth = 0
    i, n = 0, len(value)
    while i < n:
        if state[0]:
            end = value.find(state[0], i)
            if end < 0:
                return depth
            i = end + 3
            state[0] = ""
            continue
        ch = value[i]
        if ch == "#":
            break
        if value.startswith(('"""', "'''"), i):
            state[0] = value[i : i + 3]
            i += 3
            continue
        if ch in "\"'":
            end = i + 1
            while end < n and value[end] != ch:
                end += 2 if ch == '"' and value[end] == "\\" else 1
            i = end + 1
            continue
        if ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        i += 1
    return depth


class Locator:
    """Maps a key path of the parsed document to the line that wrote it (1-based; 0 when unknown)."""

    def __init__(self, text: str) -> None:
        self.lines: dict[Path, int] = {}
        counts: dict[Path, int] = {}  # array-of-tables path -> index of its last entry
        current: Path = ()
        depth = 0
        string_state = [""]

        def resolve(parts: list[str]) -> Path:
            # A prefix that names an array of tables refers to its last entry.
            path: Path = ()
            for part in parts:
                path = (*path, part)
                if path in counts:
                    path = (*path, counts[path])
            return path

        for number, line in enumerate(text.splitlines(), start=1):
            if depth > 0 or string_state[0]:
                depth += _depth_change(line, string_state)
                continue
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            if stripped.startswith("[["):
                parsed = _read_key(stripped, 2)
                if parsed:
                    parent = resolve(parsed[0][:-1])
                    array = (*parent, parsed[0][-1])
                    counts[array] = counts.get(array, -1) + 1
                    current = (*array, counts[array])
                    self.lines.setdefault(array, number)
                    self.lines[current] = number
                continue
            if stripped.startswith("["):
                parsed = _read_key(stripped, 1)
                if parsed:
                    current = resolve(parsed[0])
                    self.lines.setdefault(current, number)
                continue
            parsed = _read_key(line, 0)
            if parsed and parsed[1] < len(line) and line[parsed[1]] == "=":
                key_path = (*current, *parsed[0])
                self.lines.setdefault(key_path, number)
                depth += _depth_change(line[parsed[1] + 1 :], string_state)

    def line_of(self, path: Path) -> int:
        """The line of `path`, or of its nearest recorded ancestor."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return 0
