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

from rich.console import RenderableType
from rich.segment import Segment
from textual.geometry import Region
from textual.reactive import Reactive
from textual.scrollbar import ScrollBar

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
