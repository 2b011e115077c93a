"""The sessions panel: every session of this run and of the engine's cache, soonest expiry first, counting down.

Also on the line API: the 1 Hz tick redraws only the visible lines, and each line computes its time left from the
absolute expiry when drawn. Expired sessions stay listed (saying so) until forgotten or refreshed. As wide as its
longest line (at most half the screen); where the layout gives it a single line (narrow screens) it draws every
session on that line, soonest expiry first. Hidden (class `-empty`) while there is no session. A role whose
console roleui opened (and which should still be open) is marked ⧉ with the console session's own end.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
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
from roleui.ui.widgets.kept_lines import KeptLines

if TYPE_CHECKING:
    from roleui.core.sessions.session import Session

COUNTDOWN_WIDTH = 9
UNTIL_WIDTH = 5  # HH:MM
CONSOLE_MARK = "⧉"
CONSOLE_WIDTH = 7  # ⧉HH:MM and a space


def shown_key(session: Session) -> str:
    """The session's role key, after its scope (`[read-only] main/Admin`): a cut line keeps the scope."""
    return (f"[{session.scope}] " if session.scope else "") + session.role_key


class SessionsPanel(KeptLines, ScrollView, can_focus=False):
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
        # Empty (so hidden) from the start: a class added once mounted would restyle the panel before the first
        # screen for nothing (see roleui/ui/styled_once.py).
        super().__init__(name=name, id=id, classes=f"-empty {classes or ''}".strip())
        self._clock = clock
        self.sessions: list[Session] = []
        self.kept_alive: frozenset[str] = frozenset()
        self.consoles: dict[str, datetime | None] = {}  # role key -> its open console's end (None: not known)
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

    def set_consoles(self, consoles: Mapping[str, datetime | None]) -> None:
        """Mark the roles whose console is open (role key -> when its console session ends, None if unknown)."""
        before = bool(self._console_keys())
        self.consoles = dict(consoles)
        self.refresh(layout=bool(self._console_keys()) != before)

    def _console_keys(self) -> set[str]:
        return {s.role_key for s in self.sessions} & set(self.consoles)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        widest = max((len(s.role_key) for s in self.sessions), default=0)
        console = CONSOLE_WIDTH if self._console_keys() else 0
        # mark, key, countdown, until, console, and a scrollbar's column when the sessions do not fit
        return min(2 + widest + 1 + COUNTDOWN_WIDTH + 1 + UNTIL_WIDTH + console + 1, max(container.width // 2, 30))

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
        console = self._console_column(session.role_key)
        key_width = max(width - COUNTDOWN_WIDTH - len(until) - len(console) - 4, 4)
        mark = KEPT_ALIVE_MARK if session.role_key in self.kept_alive else SCOPED_MARK if session.scope else "●"
        segments = fit_cells(mark, 2, style, None)
        # The scope first: a narrow panel cuts the end of the line, and the scope is what must not be missed.
        segments += fit_cells(shown_key(session), key_width, base, None)
        segments += fit_cells(format_countdown(left).rjust(COUNTDOWN_WIDTH), COUNTDOWN_WIDTH + 1, style, None)
        segments += fit_cells(until, len(until) + 1, dim, None)
        if console:
            segments += fit_cells(console, len(console), base, None)
        return Strip(segments).adjust_cell_length(width, base)

    def _console_column(self, role_key: str) -> str:
        """`⧉HH:MM` (the console session's end) for a role with an open console, `⧉` when its end is unknown, and
        blanks of that width on the other lines while any console is open."""
        if role_key in self.consoles:
            end = self.consoles[role_key]
            return f"{CONSOLE_MARK}{end:%H:%M} " if end else f"{CONSOLE_MARK}      "
        return " " * CONSOLE_WIDTH if self._console_keys() else ""

    def _summary(self, width: int, base: Style) -> Strip:
        """Every session on one line, soonest expiry first: `Sessions 3  ● key 12m 05s  ● key 3m 41s` (narrow
        screens). When they do not fit, the countdowns drop their seconds and the keys share the room, cut from the
        left (the role name says the most); when even that cannot fit, the last part says how many are left out."""
        now = self._clock()
        dim = self.get_component_rich_style("sessions-panel--dim")
        title = f"Sessions {len(self.sessions)} "
        lefts = [session.seconds_left(now) for session in self.sessions]
        full = [format_countdown(left) for left in lefts]
        keys = [shown_key(session) for session in self.sessions]
        fixed = len(title) + 3 * len(keys)  # " ● " before each
        if fixed + sum(len(k) + 1 + len(c) for k, c in zip(keys, full, strict=True)) > width:
            title = f"{len(self.sessions)} "
            full = [short_countdown(left) for left in lefts]
            fixed = len(title) + 3 * len(keys)
            room = width - fixed - sum(1 + len(c) for c in full)
            keys = shared_keys(keys, room)
        segments = fit_cells(title, len(title), dim, None)
        at = len(title)
        self._spans = []
        for index, (session, key, countdown) in enumerate(zip(self.sessions, keys, full, strict=True)):
            style = base + self.get_component_rich_style(
                f"sessions-panel--{level(lefts[index])}", partial=True, default=Style()
            )
            needed = 3 + len(key) + 1 + len(countdown)
            rest = len(self.sessions) - index
            if at + needed > width or (rest > 1 and at + needed + len(f" +{rest - 1}") > width):
                more = f" +{rest}"
                segments += fit_cells(more, min(len(more), max(width - at, 0)), dim, None)
                break
            segments += fit_cells(f" {SCOPED_MARK if session.scope else '●'} ", 3, style, None)
            segments += fit_cells(key, len(key) + 1, base, None)
            segments += fit_cells(countdown, len(countdown), style, None)
            self._spans.append((at, at + needed, session.role_key))
            at += needed
        return Strip(segments).adjust_cell_length(width, base)


MIN_KEY = 8


def short_countdown(seconds: float) -> str:
    """`59m`, `11h03`, `42s`, `expired`: a countdown in at most 7 cells, for the one-line summary."""
    if seconds <= 0:
        return "expired"
    s = int(seconds)
    if s >= 3600:
        return f"{s // 3600}h{(s % 3600) // 60:02d}"
    if s >= 60:
        return f"{s // 60}m"
    return f"{s}s"


def shared_keys(keys: list[str], room: int) -> list[str]:
    """`keys` cut so that together they take at most `room` cells (never under MIN_KEY each): a key longer than
    its share keeps its start (`shared-data/Cross…`): the account is what most often tells sessions apart (every
    account has a `ReadOnlyAccess`)."""
    if sum(len(k) for k in keys) <= room:
        return keys
    share = max(room // max(len(keys), 1), MIN_KEY)
    # Short keys give their unused share to the long ones.
    short = [k for k in keys if len(k) <= share]
    long_count = len(keys) - len(short)
    if long_count:
        share = max((room - sum(len(k) for k in short)) // long_count, MIN_KEY)
    return [k if len(k) <= share else k[: share - 1] + "…" for k in keys]
