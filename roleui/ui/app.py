"""The roleui terminal app: filter thousands of roles, assume them in the background, watch sessions count down.

Layout: a header (base identity, region, catalog source, DEMO), the filter box, the role list (virtualised),
then the detail pane and the sessions panel, and the key bar. Everything slow runs in thread workers that post
past-tense messages (`RoleAssumed`, `AssumeFailed`, `IdentityFetched`, `OrganizationRefreshed`); the first screen
is drawn before any of them starts, so boto3 is never imported before it.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal
from textual.geometry import Size
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer

from roleui.core.catalog.keys import DEFAULT_KEYS
from roleui.core.clock import Clock, utc_now
from roleui.core.models import Catalog, Role
from roleui.core.timefmt import format_countdown
from roleui.core.world.confirmation import needs_confirmation
from roleui.core.world.filtering import RoleFilter
from roleui.core.world.frecency import Usage
from roleui.ui import held_collections
from roleui.ui.actions import ACTIONS, actions_for
from roleui.ui.app_parts import Then, Warned
from roleui.ui.assuming import AssumeFlow
from roleui.ui.cache_follow import CHECK_SECONDS as CACHE_CHECK_SECONDS
from roleui.ui.cache_watch import CacheWatch
from roleui.ui.compact_css import app_css
from roleui.ui.discovery_refresh import DiscoveryRefresh
from roleui.ui.key_routing import focus_now, route_key
from roleui.ui.palette import ActionsProvider
from roleui.ui.safe import one_line, visible
from roleui.ui.session_actions import SessionActions
from roleui.ui.sign_in import SignInFlow
from roleui.ui.state import CRITICAL_SECONDS, Active, RowState
from roleui.ui.styled_once import StyledOnce
from roleui.ui.widgets.detail_pane import DetailPane
from roleui.ui.widgets.filter_input import FilterInput
from roleui.ui.widgets.identity_header import IdentityHeader, own_bases, without_detail
from roleui.ui.widgets.key_bar import KeyBar
from roleui.ui.widgets.role_list import RoleList
from roleui.ui.widgets.sessions_panel import SessionsPanel

if TYPE_CHECKING:
    from textual.driver import Driver
    from textual.notifications import SeverityLevel

    from roleui.aws.engine import Engine
    from roleui.core.sessions.session import Session
    from roleui.ui.demo_info import DemoInfo

TICK_SECONDS = 1.0
# While keys arrive, a due countdown redraw waits for this much quiet (a redraw of every countdown takes a few ms:
# in a keystroke's frame it would delay the list), but never longer than TICK_SECONDS past its time.
TYPING_QUIET = 0.12
FRAME_WRITTEN = 0.004  # seconds from a frame drawn to its bytes written by Textual's writer thread
ENDPOINT_CHECK_SECONDS = 5.0  # how often the UI looks for subshells keeping sessions alive (a small directory)


def size_classes(size: Size) -> dict[str, bool]:
    """The screen classes of RoleuiApp's breakpoints for a terminal `size`, as Textual sets them on a resize."""

    def chosen(dimension: int, breakpoints: list[tuple[int, str]]) -> str:
        return next(name for at, name in sorted(breakpoints, reverse=True) if dimension >= at)

    classes = {name: False for _, name in RoleuiApp.HORIZONTAL_BREAKPOINTS + RoleuiApp.VERTICAL_BREAKPOINTS}
    classes[chosen(size.width, RoleuiApp.HORIZONTAL_BREAKPOINTS)] = True
    classes[chosen(size.height, RoleuiApp.VERTICAL_BREAKPOINTS)] = True
    return classes


class IdentityFetched(Message):
    def __init__(self, identity: str | None, error: str | None = None) -> None:
        super().__init__()
        self.identity = identity
        self.error = error


class RoleuiApp(StyledOnce, AssumeFlow, SessionActions, DiscoveryRefresh, CacheWatch, SignInFlow, App[None]):
    """roleui's UI over a catalog and a sessions engine (see roleui/aws/engine.py)."""

    CSS = app_css()  # app.tcss, compact (roleui/ui/compact_css.py)
    TITLE = "roleui"
    COMMANDS: ClassVar = App.COMMANDS | {ActionsProvider}
    BINDINGS: ClassVar = [Binding("escape", "clear_filter", "Clear filter", show=False)]
    # Screen classes for app.tcss: designed for 80x24 first, roomier from 120 columns and 36 lines.
    # (No ClassVar: Textual's own annotation makes mypy read them as instance variables.)
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]  # noqa: RUF012
    VERTICAL_BREAKPOINTS = [(0, "-short"), (36, "-tall")]  # noqa: RUF012

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Textual's notify, but plain text by default: messages quote names and AWS errors from other people
        (`[@click=...]` must not become an action, `[` must not raise MarkupError, ESC must not reach the terminal)."""
        super().notify(
            visible(message) if not markup else message,
            title=visible(title),
            severity=severity,
            timeout=timeout,
            markup=markup,
        )

    def action_help_quit(self) -> None:
        """Ctrl+C: say which key quits (Textual's own message is markup, which `notify` here shows as text)."""
        self.notify(f"Press {self._key_of('quit')} to quit roleui", title="Do you want to quit?")

    def __init__(
        self,
        catalog: Catalog,
        engine: Engine | Callable[[], Engine],
        *,
        clock: Clock = utc_now,
        demo: DemoInfo | None = None,
        usage: Usage | None = None,
        explicit_config: str | None = None,
        print_env: bool = False,
        notices: Sequence[str] = (),
        driver_class: type[Driver] | None = None,
        on_first_screen: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(driver_class=driver_class)
        self.catalog = catalog
        # A factory defers importing the engine (and everything it imports) until the first screen is up.
        self._engine: Engine | None = None
        self._engine_factory: Callable[[], Engine] | None = None
        if callable(engine):
            self._engine_factory = engine
        else:
            self._engine = engine
        self._engine_lock = threading.Lock()
        self.clock = clock
        self.demo = demo
        self._notices = list(notices)  # shown once the first screen is up
        self._on_first_screen = on_first_screen
        self._main_thread = threading.get_ident()
        self.usage = usage if usage is not None else Usage(clock=clock, warn=self.warn)
        self.explicit_config = explicit_config
        self.print_env = print_env
        self.clipboard_tool: list[str] | None = None  # argv of the clipboard tool; None finds one (tests set it)
        self.states: dict[str, RowState] = {}
        self.last_session: Session | None = None
        self.first_screen_at: float | None = None  # perf_counter() when the first screen was up (benchmarks)
        self.boto3_before_first_screen: bool | None = None
        self._pending: dict[str, list[Then]] = {}
        self._warned: set[tuple[str, str]] = set()
        self._mfa_lock = threading.Lock()
        self._mfa_waiting: list[Future[str | None]] = []
        self._filter = self._make_filter(catalog)
        self._detail_pending = False
        self._countdowns: Timer | None = None
        self._last_tick = 0.0
        self._typed_at = 0.0  # time.monotonic() of the last refill of the list by the filter
        self._tick_waiting: Timer | None = None  # a countdown redraw waiting for a pause in the typing
        self._collection_waiting = False  # a young garbage collection waiting for a keystroke's frame
        self._endpoints_checked = 0.0
        self._caches_read: datetime | None = None  # when the token and session caches were last read
        self.action_keys = {**DEFAULT_KEYS, **catalog.keys}
        # Held, not queried: while a modal screen is up, queries on the app only see the modal.
        self.header_bar = IdentityHeader(catalog, demo=demo is not None, print_env=print_env, id="header", clock=clock)
        self.filter_input = FilterInput(
            on_change=self._apply_filter,
            on_submit=self._filter_submitted,
            on_leave=self._filter_leave,
            on_move=self._filter_move,
            id="filter",
        )
        self.role_list = RoleList(
            self._filter, state_of=self.states.get, is_favorite=self.usage.is_favorite, clock=clock, id="roles"
        )
        self.detail_pane = DetailPane(id="detail")
        self.sessions_panel = SessionsPanel(clock=clock, id="sessions")
        self.key_bar = KeyBar(self.action_keys, id="keys", actions=actions_for(catalog.browser))
        self.consoles: dict[str, datetime | None] = {}  # role key -> its open console's end, as far as roleui knows
        self.bottom = Horizontal(id="bottom")
        self._details_grown = 0  # lines the details took from the list's empty rows
        for action in ACTIONS:
            self.bind(self.action_keys[action.name], action.name, description=action.footer, show=bool(action.footer))

    @property
    def engine(self) -> Engine:
        """The sessions engine, made on first use (from any thread)."""
        if self._engine is None:
            with self._engine_lock:
                if self._engine is None:
                    assert self._engine_factory is not None
                    self._engine = self._engine_factory()
        return self._engine

    # -- building ----------------------------------------------------------------------------------------------

    def _make_filter(self, catalog: Catalog) -> RoleFilter:
        roles = RoleFilter(catalog.roles)
        roles.set_priority(self.usage.favorites, self.usage.frecencies())
        return roles

    def compose(self) -> ComposeResult:
        # The screen's size classes come with its first Resize, which a terminal's driver sends after the first
        # frame: at 80x24 that frame had the wide layout (details 14 lines high) and the next one moved every
        # row. Set from the terminal's size before the widgets are registered, they are styled with them.
        self.screen.update_classes(size_classes(self.size), animate=False)
        yield self.header_bar
        yield self.filter_input
        yield self.role_list
        with self.bottom:
            yield self.detail_pane
            yield self.sessions_panel
        yield self.key_bar

    async def on_event(self, event: events.Event) -> None:
        # Keys for the list and the filter act here, in the order they arrive (see ui/key_routing.py).
        if not await route_key(self, self.filter_input, self.role_list, event):
            await super().on_event(event)

    def on_mount(self) -> None:
        self.detail_pane.border_title = "Role"
        self.sessions_panel.set_sessions([])
        self.role_list.set_rows(self._filter.filter(""), "")
        self.role_list.focus()
        self.call_after_refresh(self._after_first_screen)

    def _after_first_screen(self) -> None:
        """The first screen is up: now the slow and boto3-importing work may start."""
        self.first_screen_at = time.perf_counter()
        self.boto3_before_first_screen = "boto3" in sys.modules
        if self._on_first_screen is not None:
            self._on_first_screen()
        self._countdowns = self.set_interval(TICK_SECONDS, self.tick, name="countdowns")
        self._caches_read = self.clock()
        self._load_sessions()
        self._load_consoles()
        self._fetch_identity()
        self._refresh_organization_if_stale()
        self.read_sign_ins()
        for text in self._notices:
            self.notify(text, severity="warning", timeout=10)
        self._filter.prepare()

    def on_unmount(self) -> None:
        # A worker waiting for an MFA code must not wait for ever once the app is gone.
        for answer in self._mfa_waiting:
            if not answer.done():
                answer.set_result(None)

    # -- thread-safe notices ------------------------------------------------------------------------------------

    def warn(self, text: str) -> None:
        """A notification from any thread (the engine calls it from workers); kept for later before the app runs."""
        if not self.is_running:
            self._notices.append(text)
        elif threading.get_ident() == self._main_thread:
            self.notify(text, severity="warning", timeout=8)
        else:
            self.post_message(Warned(text))

    @on(Warned)
    def _warned_message(self, message: Warned) -> None:
        self.notify(message.text, severity="warning", timeout=8)

    # -- workers ------------------------------------------------------------------------------------------------

    @work(thread=True, exit_on_error=False, group="identity", description="fetch the base identity")
    def _fetch_identity(self) -> None:
        try:
            identity = self.engine.base_identity(in_child=True)
        except Exception as error:  # shown in the header; nothing else depends on it
            self.post_message(IdentityFetched(None, one_line(error)))
            return
        self.post_message(IdentityFetched(identity.arn))

    @on(IdentityFetched)
    def _identity_fetched(self, message: IdentityFetched) -> None:
        header = self.header_bar
        header.identity, header.identity_error = message.identity, message.error
        header.show()
        if message.error and not own_bases(self.catalog):
            self.notify(without_detail(message.error), title="Base identity unknown", severity="error", timeout=15)

    def set_catalog(self, catalog: Catalog) -> None:
        """Show a new world (an organization refresh landed): the rows shown keep their order and the new ones
        come after them (core/world/kept_order.py), so the cursor's role stays on its line."""
        from roleui.core.world.kept_order import kept_order

        current = self.role_list.highlighted_role
        old = self._filter.roles
        shown = [old.key(index) for index in self.role_list.rows]
        self.catalog = catalog
        self.engine.catalog = catalog
        self._filter = self._make_filter(catalog)
        self._filter.prepare()
        self.role_list.set_filter(self._filter)
        found = self.indexes_of(current.key) if current else []
        keep = found[0] if found else None
        query = self.filter_input.value
        rows = kept_order(shown, self._filter.filter(query), self._filter.roles.key)
        self.role_list.set_rows(rows, query, keep=keep)
        self.header_bar.set_catalog(catalog)
        self._fit_details()

    # -- the countdown tick -------------------------------------------------------------------------------------

    def tick(self) -> None:
        """Once a second: redraw the visible countdowns, and warn once when a session enters its last 5 minutes.

        While the user types, the redraw waits for a pause between keys (at most a second), so that it never takes
        the CPU from a keystroke's frame; so does a full garbage collection (roleui/ui/held_collections.py)."""
        monotonic = time.monotonic()
        since_key = monotonic - self._typed_at
        if since_key < TYPING_QUIET and monotonic - self._last_tick < 2 * TICK_SECONDS:
            if self._tick_waiting is None:
                self._tick_waiting = self.set_timer(TYPING_QUIET - since_key, self._tick_after_keys)
            return
        self._last_tick = monotonic
        held_collections.collect_young()
        held_collections.collect_if_due()  # also held while keys arrive
        now = self.clock()
        states = self.states
        self.role_list.refresh_countdowns(lambda i: isinstance(states.get(self._filter.roles.key(i)), Active))
        self.sessions_panel.refresh_countdowns()
        if self._last_tick - self._endpoints_checked >= ENDPOINT_CHECK_SECONDS:
            self._endpoints_checked = self._last_tick
            self.check_endpoints()
        if self._caches_read is not None and (now - self._caches_read).total_seconds() >= CACHE_CHECK_SECONDS:
            self.follow_caches()
        for key, state in states.items():
            if not isinstance(state, Active):
                continue
            left = state.session.seconds_left(now)
            mark = (key, state.session.expiration.isoformat())
            if 0 < left <= CRITICAL_SECONDS and mark not in self._warned:
                self._warned.add(mark)
                self.notify(
                    f"{key} expires in {format_countdown(left)} — {self._key_of('refresh_session')} refreshes it",
                    title="Session expiring",
                    severity="warning",
                    timeout=10,
                )

    def _tick_after_keys(self) -> None:
        self._tick_waiting = None
        self.tick()

    # -- the highlighted role -----------------------------------------------------------------------------------

    def _key_of(self, action: str) -> str:
        return self.get_key_display(Binding(self.action_keys[action], action))

    def _role(self) -> Role | None:
        role = self.role_list.highlighted_role
        if role is None:
            self.notify("no role highlighted", severity="warning")
        return role

    def _show_detail(self) -> None:
        role = self.role_list.highlighted_role
        use = self.usage.uses.get(role.key) if role else None
        self.detail_pane.show_role(
            role,
            defaults=self.catalog.defaults,
            find=self.find_role,
            state=self.states.get(role.key) if role else None,
            last_used=use.last if use else None,
            uses=use.times if use else 0,
            favorite=bool(role and self.usage.is_favorite(role.key)),
            asks=bool(role and needs_confirmation(role, self.catalog.defaults)),
            console=self._console_note(role.key) if role else None,
        )
        self._fit_details()

    def _fit_details(self) -> None:
        """The details grow into the list's empty rows when their text needs more lines (never cut while the list
        has room to spare); a layout pass only when their height changes."""
        roles = self.role_list
        spare = roles.size.height - 1 - len(roles.rows)  # below 0: rows the details took now have a role to show
        growth = self.detail_pane.wanted_growth(self._details_grown, spare)
        if growth == self._details_grown:
            return
        usual = self.bottom.size.height - self._details_grown
        self._details_grown = growth
        self.bottom.styles.height = usual + growth if growth else None  # None: back to app.tcss's height
        self._toasts_above_details(usual + growth + 1)

    def _toasts_above_details(self, above: int) -> None:
        """Notifications stay over the list (app.tcss places them for the usual height of the details)."""
        for rack in self.screen_stack[0].query("#textual-toastrack"):
            if self._details_grown:
                rack.styles.margin = (0, 0, above, 0)
            else:
                rack.styles.margin = None

    def on_resize(self) -> None:
        if self._details_grown:  # app.tcss's height for the new size first, then grow again if needed
            self._details_grown = 0
            self.bottom.styles.height = None
            self._toasts_above_details(0)
            self.call_after_refresh(self._fit_details)

    def indexes_of(self, key: str) -> list[int]:
        """Indexes of the roles with this key (a dict built on first use: not before the first screen)."""
        return self._filter.roles.indexes_of(key)

    def find_role(self, key: str) -> Role | None:
        return self._filter.roles.find(key)

    def _row_changed(self, key: str) -> None:
        for index in self.indexes_of(key):
            self.role_list.refresh_role(index)
        current = self.role_list.highlighted_role
        if current is not None and current.key == key:
            self._show_detail()

    def _sessions_changed(self) -> None:
        active = [s for s in self.states.values() if isinstance(s, Active)]
        self.sessions_panel.set_sessions(
            (s.session for s in active), (s.session.role_key for s in active if s.kept_alive)
        )
        self.sessions_panel.set_consoles(self.consoles)

    @on(RoleList.Highlighted)
    def _highlighted(self) -> None:
        # A cursor move: after the list's repaint, once per burst of moves (a held key must not wait for the pane).
        if not self._detail_pending:
            self._detail_pending = True
            self.call_after_refresh(self._show_pending_detail)

    def _show_pending_detail(self) -> None:
        self._detail_pending = False
        self._show_detail()  # after a refill that drew them already: the same text, so no frame (DetailPane)

    @on(RoleList.Chosen)
    def _chosen(self) -> None:
        self.action_assume()

    @on(SessionsPanel.Selected)
    def _session_selected(self, message: SessionsPanel.Selected) -> None:
        self.show_role(message.role_key)

    def show_role(self, key: str) -> None:
        """Put the cursor on a role (clearing the filter if it hides it)."""
        indexes = self.indexes_of(key)
        if not indexes:
            return
        if indexes[0] not in self.role_list.rows:
            self.filter_input.value = ""  # its watcher shows every role again
        self.role_list.move_cursor(self.role_list.rows.index(indexes[0]))  # a Ranked finds it by bisection
        focus_now(self.role_list)

    # -- filtering ----------------------------------------------------------------------------------------------

    def _apply_filter(self, query: str) -> None:
        self.role_list.set_rows(self._filter.filter(query), query)
        # The details of the new first row are drawn in the list's frame: a frame of their own would come a frame
        # slot later, and the screen would settle later for every keystroke (the echo came first, see FilterInput).
        self._show_detail()
        self._typed_at = time.monotonic()  # the countdowns' next redraw waits for a pause (see `tick`)
        if not self._collection_waiting:
            self._collection_waiting = True
            self.call_after_refresh(self._collect_after_frame)

    def _collect_after_frame(self) -> None:
        """The keystroke's frame is drawn: its garbage is collected once the writer thread has written it (the
        collection holds the interpreter's lock), before the next key (see roleui/ui/held_collections.py)."""
        self.set_timer(FRAME_WRITTEN, self._collect_young)

    def _collect_young(self) -> None:
        self._collection_waiting = False
        held_collections.collect_young()

    def _filter_submitted(self) -> None:
        if self.role_list.highlighted is None:
            # Nothing to act on: stay in the box, so the next letters still edit the query (not run list keys).
            self.notify("no role matches: edit the filter (Esc goes back to the list)", severity="warning", timeout=3)
            return
        focus_now(self.role_list)
        self.action_assume()

    def _filter_move(self, action: str) -> None:
        getattr(self.role_list, f"action_{action}")()

    @on(events.DescendantFocus)
    def _focus_moved(self, event: events.DescendantFocus) -> None:
        self.key_bar.set_filtering(event.widget is self.filter_input)

    def _filter_leave(self) -> None:
        focus_now(self.role_list)

    def action_focus_filter(self) -> None:
        focus_now(self.filter_input)

    def action_clear_filter(self) -> None:
        if self.filter_input.value:
            keep = self.role_list.highlighted
            self.filter_input.set_quietly("")
            self.role_list.set_rows(self._filter.filter(""), "", keep=keep)
            self._fit_details()  # every role again: the list takes back the rows the details had
        focus_now(self.role_list)

    # -- assuming -----------------------------------------------------------------------------------------------

    def action_history(self) -> None:
        from roleui.ui.screens.history import HistoryScreen

        self.push_screen(HistoryScreen(clock=self.clock))

    # -- what to do with a session ------------------------------------------------------------------------------

    def action_toggle_favorite(self) -> None:
        role = self._role()
        if role is None:
            return
        try:
            favorite = self.usage.toggle_favorite(role.key)
        except OSError as error:
            self.notify(f"favorite not saved: {error.strerror}", severity="error")
            return
        # The order changes only when the query does: rows never jump under the cursor (the star shows at once).
        self._filter.set_priority(self.usage.favorites, self.usage.frecencies())
        for index in self.indexes_of(role.key):
            self.role_list.refresh_role(index)
        self._show_detail()
        self.notify(
            f"{role.key} {'added to' if favorite else 'removed from'} favorites (the order follows when you filter)",
            title="Favorites",
            timeout=3,
        )

    def action_help(self) -> None:
        from roleui.ui.screens.help import HelpScreen

        self.push_screen(
            HelpScreen(
                self.action_keys,
                demo_note=self.demo.note if self.demo else None,
                actions=actions_for(self.catalog.browser),
            )
        )

    async def action_quit(self) -> None:
        self.exit()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        # Textual's own "Quit" would duplicate ours; keep the rest (theme, keys, screenshot).
        for command in super().get_system_commands(screen):
            if command.title != "Quit":
                yield command
