"""The role list's scrollbar: redrawn when its thumb moves or changes size, not whenever the list's length does.

Filtering changes the number of rows on nearly every keystroke, and Textual redraws a scrollbar whenever its
window's virtual size is updated (the reactive, and `Widget._scroll_update` asks again): all of its lines, each
through Textual's generic line path, ~2.5-3.5 ms of every keystroke's frame at 30,000 rows. Yet from 30,000 rows to
21,558 a 23-line bar shows the same one-cell thumb at the top. This scrollbar works out the bar Textual would draw
(`ScrollBarRender.render_bar`, the geometry only, ~50 us) and asks for a redraw only when that changes; the list
holds the size update's own request (`size_update`). Everything else (hover, grab, colors, a resize) redraws it as
Textual's does.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from math import ceil
from typing import Self

from rich.color import Color as RichColor
from rich.console import RenderableType
from rich.segment import Segment
from textual.geometry import Region
from textual.reactive import Reactive
from textual.scrollbar import ScrollBar
from textual.strip import Strip

from roleui.ui.widgets.kept_lines import KeptLines


class ThumbScrollBar(KeptLines, ScrollBar):
    """A vertical or horizontal scrollbar that is refreshed only when the bar it draws changes."""

    window_virtual_size: Reactive[int] = Reactive(100, repaint=False)
    window_size: Reactive[int] = Reactive(0, repaint=False)
    position: Reactive[float] = Reactive(0, repaint=False)

    _drawn: list[Segment] | None = None
    _in_size_update = False

    @contextmanager
    def size_update(self) -> Iterator[None]:
        """While the owner updates the bar's sizes, its plain request for a redraw is left to the watchers below."""
        self._in_size_update = True
        try:
            yield
        finally:
            self._in_size_update = False

    def refresh(self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False) -> Self:
        if self._in_size_update and not regions and repaint and not layout and not recompose:
            return self
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def _bar(self) -> list[Segment]:
        """The segments of the bar as ScrollBar.render draws it, in fixed colors (the geometry is what counts)."""
        virtual = self.window_virtual_size
        window = self.window_size if self.window_size < virtual else 0
        bar = self.renderer.render_bar(
            size=self.size.height if self.vertical else self.size.width,
            virtual_size=ceil(virtual),
            window_size=ceil(window),
            position=self.position,
            thickness=self.thickness,
            vertical=self.vertical,
        )
        return bar.segments

    def _bar_changed(self) -> None:
        bar = self._bar()
        if bar != self._drawn:
            self._drawn = bar
            super().refresh()

    def watch_window_virtual_size(self) -> None:
        self._bar_changed()

    def watch_window_size(self) -> None:
        self._bar_changed()

    def watch_position(self) -> None:
        self._bar_changed()

    def render(self) -> RenderableType:
        self._drawn = self._bar()  # what is on screen from this redraw on, whoever asked for it
        return super().render()

    def render_lines(self, crop: Region) -> list[Strip]:
        """The bar's lines straight from its segments: one segment a line, in the style Textual would give it.

        Textual draws the bar as a Rich renderable (a console render, then its generic line path): ~3-4.5 ms for
        the list's 23 lines, in the frame of each keystroke that changes the thumb. The bar's segments are what
        that path puts on each line, under the widget's own style; anything that path would add (a border,
        padding, tint, opacity) or a horizontal bar takes it. A test compares both, segment by segment."""
        unchanged = self.unchanged_lines(crop)
        if unchanged is not None:
            return unchanged
        lines = self._direct_lines(crop)
        if lines is None:
            lines = super().render_lines(crop)
        self.keep_lines(crop, lines)
        return lines

    def _direct_lines(self, crop: Region) -> list[Strip] | None:
        styles = self.styles
        if (
            not self.vertical
            or any(styles.gutter)
            or any(edge for edge, _ in styles.outline)
            or self.opacity != 1.0
            or styles.text_opacity != 1.0
            or styles.tint.a
            or self.screen.styles.scrollbar_color.a == 0
        ):
            return None
        width, height = self.size
        back_color, bar_color = self._colors()
        virtual = self.window_virtual_size
        window = self.window_size if self.window_size < virtual else 0
        segments = self.renderer.render_bar(
            size=height,
            virtual_size=ceil(virtual),
            window_size=ceil(window),
            position=self.position,
            thickness=width,
            vertical=True,
            back_color=back_color,
            bar_color=bar_color,
        ).segments
        self._drawn = self._bar()
        base = self.rich_style
        background = self.background_colors[1]
        filters = self.get_line_filters()
        made: dict[Segment, Strip] = {}  # the bar has a handful of distinct lines: the track, the thumb, its ends
        strips = []
        for segment in segments[crop.y : crop.bottom]:
            strip = made.get(segment)
            if strip is None:
                text, style, _ = segment
                strip = Strip([Segment(text, base + style if style else base)], width)
                for line_filter in filters:
                    strip = strip.apply_filter(line_filter, background)
                if crop.column_span != (0, width):
                    strip = strip.crop(*crop.column_span)
                made[segment] = strip
            strips.append(strip)
        # Drawn: what the style cache's bookkeeping says for KeptLines, as Textual's own path leaves it.
        cache = self._styles_cache
        if cache._width != width:
            cache.clear()
            cache._width = width
        cache._dirty_lines.difference_update(crop.line_range)
        return strips

    def _colors(self) -> tuple[RichColor, RichColor]:
        """The track's and the thumb's colors, as ScrollBar.render works them out (by the grab and the mouse)."""
        assert self.parent is not None
        styles = self.parent.styles
        if self.grabbed:
            background, color = styles.scrollbar_background_active, styles.scrollbar_color_active
        elif self.mouse_over:
            background, color = styles.scrollbar_background_hover, styles.scrollbar_color_hover
        else:
            background, color = styles.scrollbar_background, styles.scrollbar_color
        if background.a < 1:
            background = self.parent.background_colors[0] + background
        color = background + color
        return background.rich_color, color.rich_color
