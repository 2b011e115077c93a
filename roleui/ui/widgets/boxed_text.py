"""A Static in a border whose text changes on every keystroke: a new text redraws the lines inside the border only.

The details pane gets a new text nearly every keystroke (the first row changes). Textual redraws all of a
Static's lines for that through its generic path, building every line again around its text: the border, the
padding, the side segments, ~3 ms of a keystroke's frame for the pane's 14 lines. None of that changes with the
text. So after a generic draw the pane keeps its lines (before the line filters, as Textual's style cache does),
and a draw that follows only a new text (`update_text`) takes Textual's own lines of the text (`render_line`),
fits each to the content width as Textual does, and puts it between the kept border and padding cells of its line.

Anything else takes the generic path again: a style change (`notify_style_update`), a new size, a decoration the
composition does not know (tint, opacity, text opacity, hatch, outline). A test compares both paths cell by cell.
"""

from __future__ import annotations

from rich.text import Text
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import Static

from roleui.ui.widgets.kept_lines import KeptLines


class BoxedText(KeptLines, Static):
    """A Static whose `update_text` redraws only the lines of the text."""

    _frame: list[Strip] | None = None  # the last generic draw, every line, before the line filters
    _text_only = False  # nothing but the text changed since that draw

    def update_text(self, text: Text) -> None:
        self.update(text, layout=False)
        self._text_only = self._frame is not None

    def notify_style_update(self) -> None:
        self._frame = None
        super().notify_style_update()

    def render_lines(self, crop: Region) -> list[Strip]:
        unchanged = self.unchanged_lines(crop)
        if unchanged is not None:
            return unchanged
        lines = self._text_lines(crop) if self._text_only else None
        self._text_only = False
        if lines is None:
            lines = super().render_lines(crop)
            self._keep_frame()
        self.keep_lines(crop, lines)
        return lines

    def _keep_frame(self) -> None:
        drawn, (width, height) = self._styles_cache._cache, self.outer_size
        if self._styles_cache._width == width and all(y in drawn for y in range(height)):
            self._frame = [drawn[y] for y in range(height)]
        else:
            self._frame = None

    def _plain(self) -> bool:
        styles = self.styles
        return (
            not any(edge for edge, _ in styles.outline)
            and self.opacity == 1.0
            and styles.text_opacity == 1.0
            and not styles.tint.a
            and not (styles.has_rule("hatch") and styles.hatch != "none")
        )

    def _text_lines(self, crop: Region) -> list[Strip] | None:
        frame = self._frame
        width, height = self.outer_size
        if frame is None or len(frame) != height or frame[0].cell_length != width or not self._plain():
            return None
        top, right, bottom, left = self.styles.gutter
        content_width = width - left - right
        base_background, background = self.background_colors
        inner = self._styles_cache.get_inner_outer(base_background, background)[0].rich_style
        cache = self._styles_cache
        lines = list(frame)
        for y in range(top, height - bottom):
            text = self.render_line(y - top).adjust_cell_length(content_width, inner)
            lines[y] = Strip.join([frame[y].crop(0, left), text, frame[y].crop(width - right, width)])
        # Textual's style cache holds what is on screen now, as its generic path leaves it.
        cache._cache.update(enumerate(lines))
        cache._dirty_lines.clear()
        strips = lines[crop.y : crop.bottom]
        for line_filter in self.get_line_filters():
            strips = [strip.apply_filter(line_filter, background) for strip in strips]
        if crop.column_span != (0, width):
            strips = [strip.crop(*crop.column_span) for strip in strips]
        return strips
