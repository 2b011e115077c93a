"""Drawing text into a fixed number of terminal cells, for the line-API widgets (role list, sessions panel).

A line is built left to right (`LineBuilder`): adjacent pieces of one style are one segment and a run of matched
characters is one segment. Every segment costs again in each compositor pass (Textual's line filters, cropping,
the chops it assembles a frame from), so a row of the role list is ~8 segments instead of ~20.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from roleui.core.text import control_pictures


class LineBuilder:
    """The segments of one line; `strip()` gives it to Textual at an exact width."""

    __slots__ = ("_ascii", "_length", "_segments", "_style", "_texts")

    def __init__(self) -> None:
        self._segments: list[Segment] = []
        self._texts: list[str] = []
        self._style: Style | None = None
        self._length = 0
        self._ascii = True

    def add(self, text: str, style: Style) -> None:
        """Append `text` (already safe to show) in `style`; joined to the last piece if it has the same style."""
        if not text:
            return
        if style is not self._style:
            self._close()
            self._style = style
        self._texts.append(text)
        self._length += len(text)
        if self._ascii and not text.isascii():
            self._ascii = False

    def fit(
        self, text: str, width: int, style: Style, match: Style | None = None, positions: Sequence[int] = ()
    ) -> None:
        """`text` fitted to `width` cells (cut with an ellipsis, padded with spaces), matched characters in
        `match` (`positions` sorted)."""
        if width <= 0:
            return
        text = control_pictures(text)  # names from other people: no control character reaches the terminal
        cut = len(text) > width
        if cut:
            text = text[: width - 1] + "…"
        if positions and match is not None:
            limit = len(text) - 1 if cut else len(text)
            start = 0
            count = len(positions)
            n = 0
            while n < count:
                at = positions[n]
                if at >= limit:
                    break
                end = at + 1  # a run of consecutive positions is one segment
                n += 1
                while n < count and positions[n] == end and end < limit:
                    end += 1
                    n += 1
                if at > start:
                    self.add(text[start:at], style)
                self.add(text[at:end], match)
                start = end
            self.add(text[start:], style)
        else:
            self.add(text, style)
        if len(text) < width:
            self.add(" " * (width - len(text)), style)

    def _close(self) -> None:
        if self._texts:
            text = self._texts[0] if len(self._texts) == 1 else "".join(self._texts)
            self._segments.append(Segment(text, self._style))
            self._texts = []

    @property
    def segments(self) -> list[Segment]:
        self._close()
        return self._segments

    def strip(self, width: int, style: Style) -> Strip:
        """The line as a Strip of exactly `width` cells (padded in `style`, or cut). When every piece is ASCII
        the length is known and Textual need not measure it again."""
        segments = self.segments
        if self._ascii:
            if self._length < width:
                segments.append(Segment(" " * (width - self._length), style))
                return Strip(segments, width)
            if self._length == width:
                return Strip(segments, width)
        return Strip(segments).adjust_cell_length(width, style)


def fit_cells(text: str, width: int, style: Style, match: Style | None, positions: Sequence[int] = ()) -> list[Segment]:
    """`text` fitted to `width` cells (cut with an ellipsis, padded with spaces), matched characters in `match`."""
    line = LineBuilder()
    line.fit(text, width, style, match, positions)
    return line.segments
