"""Drawing text into a fixed number of terminal cells, for the line-API widgets (role list, sessions panel)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.segment import Segment
from rich.style import Style

from roleui.core.text import control_pictures


def fit_cells(text: str, width: int, style: Style, match: Style | None, positions: Sequence[int] = ()) -> list[Segment]:
    """`text` fitted to `width` cells (cut with an ellipsis, padded with spaces), matched characters in `match`."""
    if width <= 0:
        return []
    text = control_pictures(text)  # names from other people: no control character reaches the terminal
    cut = len(text) > width
    if cut:
        text = text[: width - 1] + "…"
    segments: list[Segment] = []
    if positions and match is not None:
        limit = len(text) - 1 if cut else len(text)
        start = 0
        for at in positions:
            if at >= limit:
                break
            if at > start:
                segments.append(Segment(text[start:at], style))
            segments.append(Segment(text[at], match))
            start = at + 1
        if start < len(text):
            segments.append(Segment(text[start:], style))
    else:
        segments.append(Segment(text, style))
    if len(text) < width:
        segments.append(Segment(" " * (width - len(text)), style))
    return segments
