"""The sessions panel: every session of this run and of the engine's cache, soonest expiry first, counting down.

Also on the line API: the 1 Hz tick redraws only the visible lines, and each line computes its time left from the
absolute expiry when drawn. Expired sessions stay listed (saying so) until forgotten or refreshed. As wide as its
longest line (at most half the screen); where the layout gives it a single line (narrow screens) it draws every
session on that line, soonest expiry first. Hidden (class `-empty`) while there is no session.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from roleui.core.clock import Clock
from roleui.core.timefmt import format_countdown
from roleui.ui.cells import fit_cells
from roleui.ui.state import KEPT_ALIVE_MARK, SCOPED_MARK, level

if TYPE_CHECKING:
    from roleui.core.sessions.session import Session

COUNTDOWN_WIDTH = 9
UNTIL_WIDTH = 5  # HH:MM


class SessionsPanel(ScrollView, can_focus=False):
    """One line per session: role key, time left, expiry time (HH:MM UTC)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "sessions-panel--empty",
        "sessions-panel--ok",
        "sessions-panel--warning",
        "sessions-panel--critical",
        "sessions-panel--expired",
        "sessions-panel--dim",
    }

    DEFAULT_CSS = """
    SessionsPanel {
        overflow-x: hidden;
        overflow-y: auto;
    }
    """

    class Selected(Message):
        """A session line was clicked: show its role."""

        def __init__(self, role_key: str) -> None:
            super().__init__()
            self.role_key = role_key

    def __init__(
        self, *, clock: Clock, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._clock = clock
        self.sessions: list[Session] = []
        self.kept_alive: frozenset[str] = frozenset()
        self._spans: list[tuple[int, int, str]] = []  # the summary line's sessions: start, end, role key

    def set_sessions(self, sessions: Iterable[Session], kept_alive: Iterable[str] = ()) -> None:
        """Show `sessions`; those whose role keys are in `kept_alive` get the ⟳ mark (a subshell renews them)."""
        before = [s.role_key for s in self.sessions]
        self.sessions = sorted(sessions, key=lambda s: (s.expiration, s.role_key))
        self.kept_alive = frozenset(kept_alive)
        self.virtual_size = Size(self.size.width, max(len(self.sessions), 1))
        self.border_title = f"Sessions ({len(self.sessions)})"
        self.set_class(not self.sessions, "-empty")
        # The width follows the longest key: a layout pass only when the set of sessions changed.
        self.refresh(layout=[s.role_key for s in self.sessions] != before)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        widest = max((len(s.role_key) for s in self.sessions), default=0)
        # mark, key, countdown, until, and a scrollbar's column when the sessions do not fit
        return min(2 + widest + 1 + COUNTDOWN_WIDTH + 1 + UNTIL_WIDTH + 1, max(container.width // 2, 30))

    def refresh_countdowns(self) -> int:
        """Redraw the visible lines (the 1 Hz tick); returns how many."""
        top = round(self.scroll_y)
        lines = max(min(self.size.height, len(self.sessions) - top), 0)
        if lines:
            self.refresh_lines(top, lines)
        return lines

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, max(len(self.sessions), 1))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if self.size.height == 1:
            for start, end, key in self._spans:
                if start <= offset.x < end:
                    self.post_message(self.Selected(key))
            return
        row = round(self.scroll_y) + offset.y
        if 0 <= row < len(self.sessions):
            self.post_message(self.Selected(self.sessions[row].role_key))

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        row = round(self.scroll_y) + y
        if not self.sessions:
            if y == 0:
                empty = self.get_component_rich_style("sessions-panel--empty")
                return Strip(fit_cells("no sessions", width, empty, None))
            return Strip.blank(width, base)
        if self.size.height == 1:
            return self._summary(width, base)
        if row >= len(self.sessions):
            return Strip.blank(width, base)
        session = self.sessions[row]
        left = session.seconds_left(self._clock())
        state = level(left)
        style = base + self.get_component_rich_style(f"sessions-panel--{state}", partial=True, default=Style())
        dim = self.get_component_rich_style("sessions-panel--dim")
        until = session.expiration.strftime("%H:%M")
        key_width = max(width - COUNTDOWN_WIDTH - len(until) - 4, 4)
        mark = KEPT_ALIVE_MARK if session.role_key in self.kept_alive else SCOPED_MARK if session.scope else "●"
        segments = fit_cells(mark, 2, style, None)
        # The scope first: a narrow panel cuts the end of the line, and the scope is what must not be missed.
        shown = (f"[{session.scope}] " if session.scope else "") + session.role_key
        segments += fit_cells(shown, key_width, base, None)
        segments += fit_cells(format_countdown(left).rjust(COUNTDOWN_WIDTH), COUNTDOWN_WIDTH + 1, style, None)
        segments += fit_cells(until, len(until) + 1, dim, None)
        return Strip(segments).adjust_cell_length(width, base)

    def _summary(self, width: int, base: Style) -> Strip:
        """Every session on one line: `Sessions 3  ● key 12m 05s  ● key 3m 41s …` (narrow screens)."""
        now = self._clock()
        dim = self.get_component_rich_style("sessions-panel--dim")
        title = f"Sessions {len(self.sessions)} "
        segments = fit_cells(title, len(title), dim, None)
        at = len(title)
        self._spans = []
        for session in self.sessions:
            left = session.seconds_left(now)
            style = base + self.get_component_rich_style(
                f"sessions-panel--{level(left)}", partial=True, default=Style()
            )
            countdown = format_countdown(left)
            shown = (f"[{session.scope}] " if session.scope else "") + session.role_key
            needed = 3 + len(shown) + 1 + len(countdown)
            if at + needed > width:
                segments += fit_cells(" …", min(2, max(width - at, 0)), dim, None)
                break
            segments += fit_cells(f" {SCOPED_MARK if session.scope else '●'} ", 3, style, None)
            segments += fit_cells(shown, len(shown) + 1, base, None)
            segments += fit_cells(countdown, len(countdown), style, None)
            self._spans.append((at, at + needed, session.role_key))
            at += needed
        return Strip(segments).adjust_cell_length(width, base)
