"""Widgets that hand the compositor the lines they gave it last time, when none of them has changed since.

Textual's compositor asks every widget on screen for its lines in every frame: it tests a widget's clip, which is
its container's region (the whole screen, for most of roleui's), against the region to update. A widget none of
whose lines changed still goes through its style cache for them: its background colors (a walk up the DOM), its
line filters, the crop; 0.1-0.2 ms a widget, 1-2 ms of each keystroke's two frames for the widgets around the
list. Any refresh marks lines dirty in that cache (a whole refresh clears it and marks every line), so while no
line is dirty and the compositor asks for the same region under the same filters, the lines are those drawn last.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.filter import LineFilter
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

# A plain mixin at run time: Textual takes a widget's CSS (its type names, its DEFAULT_CSS) from its first base
# that is a DOM node, so `class KeyBar(KeptLines, Static)` is still a Static to the stylesheet.
if TYPE_CHECKING:
    _Base = Widget
else:
    _Base = object


class KeptLines(_Base):
    """Mixed in before a widget class: `class KeyBar(KeptLines, Static)`."""

    _kept: tuple[Region, Sequence[LineFilter], list[Strip]] | None = None

    def render_lines(self, crop: Region) -> list[Strip]:
        lines = self.unchanged_lines(crop)
        if lines is None:
            lines = super().render_lines(crop)
            self.keep_lines(crop, lines)
        return lines

    def unchanged_lines(self, crop: Region) -> list[Strip] | None:
        """The lines drawn last for `crop`, if nothing has asked for any line to be drawn again since."""
        kept = self._kept
        if kept is None or self._styles_cache._dirty_lines or kept[0] != crop:
            return None
        if kept[1] != self.get_line_filters() or self._styles_cache._width != self.outer_size.width:
            return None
        return kept[2]

    def keep_lines(self, crop: Region, lines: list[Strip]) -> None:
        self._kept = (crop, self.get_line_filters(), lines)
