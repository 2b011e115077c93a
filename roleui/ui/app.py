"""The roleui terminal app: filter thousands of roles, assume them in the background, watch sessions count down.

Layout: a header (base identity, region, catalog source, DEMO), the filter box, the role list (virtualised),
then the detail pane and the sessions panel, and the key bar. Everything slow runs in thread workers that post
past-tense messages (`RoleAssumed`, `AssumeFailed`, `IdentityFetched`, `OrganizationRefreshed`); the first screen
is drawn before any of them starts, so boto3 is never imported before it.
"""

from __future__ import annotations

import os
import shlex
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from contextlib import ExitStack
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer

from roleui.core.browser_modes import console_session_seconds, mode_label
from roleui.core.catalog.keys import DEFAULT_KEYS
from roleui.core.clock import Clock, utc_now
from roleui.core.console import console_link
from roleui.core.durations import format_duration
from roleui.core.errors import EXIT_ACCESS_DENIED, RoleuiError
from roleui.core.models import Catalog, Role
from roleui.core.timefmt import format_countdown
from roleui.core.world.confirmation import chain_confirmation_reason, needs_confirmation
from roleui.core.world.filtering import RoleFilter
from roleui.core.world.frecency import Usage
from roleui.ui.actions import ACTIONS, actions_for
from roleui.ui.cache_follow import CHECK_SECONDS as CACHE_CHECK_SECONDS
from roleui.ui.demo_info import DemoInfo
from roleui.ui.key_routing import focus_now, route_key
from roleui.ui.palette import ActionsProvider
from roleui.ui.safe import one_line, visible
from roleui.ui.sign_in import SignInFlow, SignInNeeded, discoverable
from roleui.ui.state import CRITICAL_SECONDS, Active, Assuming, Failed, RowState
from roleui.ui.widgets.detail_pane import DetailPane
from roleui.ui.widgets.filter_input import FilterInput
from roleui.ui.widgets.identity_header import IdentityHeader, own_bases, without_detail
from roleui.ui.widgets.key_bar import KeyBar
from roleui.ui.widgets.role_list import RoleList
from roleui.ui.widgets.sessions_panel import SessionsPanel

if TYPE_CHECKING:
    from textual.driver import Driver
    from textual.notifications import SeverityLevel

    from roleui.aws.credential_server import CredentialEndpoint
    from roleui.aws.engine import Engine
    from roleui.core.sessions.session import Session

TICK_SECONDS = 1.0
ENDPOINT_CHECK_SECONDS = 5.0  # how often the UI looks for subshells keeping sessions alive (a small directory)
Then = Callable[["Session"], None]


class RoleAssumed(Message):
    def __init__(self, role_key: str, session: Session) -> None:
        super().__init__()
        self.role_key = role_key
        self.session = session


class AssumeFailed(Message):
    def __init__(self, role_key: str, message: str) -> None:
        super().__init__()
        self.role_key = role_key
        self.message = message


class IdentityFetched(Message):
    def __init__(self, identity: str | None, error: str | None = None) -> None:
        super().__init__()
        self.identity = identity
        self.error = error


class SessionsLoaded(Message):
    def __init__(self, sessions: list[Session]) -> None:
        super().__init__()
        self.sessions = sessions


class OrganizationRefreshed(Message):
    def __init__(self, catalog: Catalog | None, error: str | None = None) -> None:
        super().__init__()
        self.catalog = catalog
        self.error = error


class OrganizationProgressed(Message):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class CacheReread(Message):
    """The session cache as read again (ui/cache_follow.py); `shown` is what the rows showed when the read began."""

    def __init__(self, sessions: list[Session], shown: dict[str, Session]) -> None:
        super().__init__()
        self.sessions = sessions
        self.shown = shown


class Warned(Message):
    """A notice from the engine or a refresh (a chained session was clamped...), shown as a notification."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class RoleuiApp(SignInFlow):
    """roleui's UI over a catalog and a sessions engine (see roleui/aws/engine.py)."""

    CSS_PATH = "app.tcss"
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

    @work(thread=True, exit_on_error=False, group="sessions", description="load cached sessions")
    def _load_sessions(self) -> None:
        try:
            sessions = self.engine.sessions()
        except RoleuiError as error:
            self.warn(f"cached sessions not read: {one_line(error)}")
            return
        self.post_message(SessionsLoaded(sessions))

    @on(SessionsLoaded)
    def _sessions_loaded(self, message: SessionsLoaded) -> None:
        for session in message.sessions:
            if session.role_key not in self.states:
                self.states[session.role_key] = Active(session)
        self._sessions_changed()
        self.role_list.refresh()

    def follow_caches(self) -> None:
        """Read the token cache and the session cache again: a `roleui logout`, `login` or `forget` elsewhere."""
        from roleui.ui.cache_follow import shown_sessions

        self._caches_read = self.clock()
        self.read_sign_ins()
        self._reread_sessions(shown_sessions(self.states))

    @work(thread=True, exit_on_error=False, group="sessions", description="read the session cache again")
    def _reread_sessions(self, shown: dict[str, Session]) -> None:
        try:
            sessions = self.engine.sessions()
        except RoleuiError:
            return  # the first read said what was wrong; the rows stay as they are
        self.post_message(CacheReread(sessions, shown))

    @on(CacheReread)
    def _cache_reread(self, message: CacheReread) -> None:
        from roleui.ui.cache_follow import follow_cache

        changed = follow_cache(self.states, message.sessions, message.shown, self.clock())
        if self.last_session is not None and not isinstance(self.states.get(self.last_session.role_key), Active):
            self.last_session = None
        for key in changed:
            self._row_changed(key)
        if changed:
            self._sessions_changed()

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

    @work(thread=True, exit_on_error=False, group="organization-age", description="check the organization's age")
    def _refresh_organization_if_stale(self) -> None:
        # In a thread: reading a 10,000-account organization cache takes a few tens of milliseconds.
        from roleui.core.sources.identity_center.cache import stale_sign_ins
        from roleui.core.sources.organizations.cache import organization_is_stale

        # Stale while revalidate: the cached world stays on screen while every discovering source is read again.
        # A stale sign-in that is signed out waits for `l` (the header says so) instead of failing in the background.
        now = self.clock()
        stale = stale_sign_ins(self.catalog, now)
        if organization_is_stale(self.catalog, now) or (stale and discoverable(self.catalog, stale, now)):
            self.call_from_thread(self._refresh_organization)

    @work(
        thread=True, exit_on_error=False, group="organization", exclusive=True, description="refresh the organization"
    )
    def _refresh_organization(self) -> None:
        from roleui.aws.refresh import refresh_world

        def progress(text: str) -> None:
            self.post_message(OrganizationProgressed(text))

        progress("refreshing the organization…")
        try:
            # Through the world cache: stored for the next start, and held as compact columns.
            catalog = refresh_world(self.explicit_config, progress=progress, warn=self.warn, cached=True)
        except Exception as error:
            self.post_message(OrganizationRefreshed(None, one_line(error)))
            return
        self.post_message(OrganizationRefreshed(catalog))

    @on(OrganizationProgressed)
    def _organization_progressed(self, message: OrganizationProgressed) -> None:
        header = self.header_bar
        header.status = message.text
        header.show()

    @on(OrganizationRefreshed)
    def _organization_refreshed(self, message: OrganizationRefreshed) -> None:
        header = self.header_bar
        header.status = ""
        if message.catalog is None:
            header.show()
            self.notify(f"organization not refreshed: {message.error}", severity="warning", timeout=8)
            return
        before = len(self.catalog.roles)
        self.set_catalog(message.catalog)
        after = len(message.catalog.roles)
        grown = f" ({after - before:,} new, listed after the {before:,} shown)" if after > before else ""
        self.notify(f"organization refreshed: {after:,} roles{grown}", title="Organization")

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
        """Once a second: redraw the visible countdowns, and warn once when a session enters its last 5 minutes."""
        self._last_tick = time.monotonic()
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

    @work(thread=True, exit_on_error=False, group="consoles", description="read the open consoles")
    def _load_consoles(self) -> None:
        from roleui.core.open_consoles import open_now

        opened = {c.role_key: c.expires for c in open_now(self.clock())}
        self.call_from_thread(self._consoles_changed, opened)

    def _consoles_changed(self, consoles: dict[str, datetime | None]) -> None:
        if not consoles:
            return
        self.consoles.update(consoles)
        self.sessions_panel.set_consoles(self.consoles)
        self._show_detail()

    def _console_note(self, key: str) -> str | None:
        """The detail pane's Console line for a role with a session: the open console's end, or how long the
        console session `o` would open lasts (SessionDuration: at most 12 h; a chained role's: at most 1 h)."""
        state = self.states.get(key)
        if not isinstance(state, Active):
            return None
        label = mode_label(self.catalog.browser)
        now = self.clock()
        if key in self.consoles:
            end = self.consoles[key]
            if end is None or end > now:
                return f"open ({label})" + (f" until {end:%H:%M} UTC" if end else "")
        session = state.session
        lasts = console_session_seconds(session.seconds_left(now), chained=session.chained)
        why = "chained: max 1h" if session.chained else "max 12h"
        where = "" if self.catalog.browser.mode == "default" else f" · {label}"
        return f"o: a console for {format_duration(lasts)} ({why}){where}"

    def check_endpoints(self) -> None:
        """Mark (⟳) the sessions a live credential endpoint renews — a subshell of this app, or `roleui shell` /
        `exec` elsewhere — and take up a renewed session from the cache, so its countdown restarts."""
        from roleui.core.sessions.endpoint_status import live_endpoints

        live = live_endpoints()
        changed = False
        for key, state in list(self.states.items()):
            if not isinstance(state, Active):
                continue
            status = live.get(key)
            session = state.session
            if status is not None and status.expiration > session.expiration:
                role = self.find_role(key)
                from roleui.core.scopes import renewal_scope

                scope = renewal_scope(session.scope)
                renewed = (
                    None if role is None else self.engine.cached(role, scope) if scope else self.engine.cached(role)
                )
                if renewed is not None and renewed.expiration > session.expiration:
                    session = renewed
            kept_alive = status is not None
            if session is not state.session or kept_alive != state.kept_alive:
                self.states[key] = Active(session, kept_alive)
                self._row_changed(key)
                changed = True
        if changed:
            self._sessions_changed()

    @on(RoleList.Highlighted)
    def _highlighted(self) -> None:
        # After the list's repaint, once per burst of keys: typing must not wait for the pane.
        if not self._detail_pending:
            self._detail_pending = True
            self.call_after_refresh(self._show_pending_detail)

    def _show_pending_detail(self) -> None:
        self._detail_pending = False
        self._show_detail()

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
        self.role_list.move_cursor(list(self.role_list.rows).index(indexes[0]))
        focus_now(self.role_list)

    # -- filtering ----------------------------------------------------------------------------------------------

    def _apply_filter(self, query: str) -> None:
        self.role_list.set_rows(self._filter.filter(query), query)
        if self._countdowns is not None and time.monotonic() - self._last_tick >= TICK_SECONDS / 2:
            # While the user types, the countdowns ride along in the keystroke's frame and the 1 Hz timer starts
            # over: a tick of its own would take the next frame slot and delay the keystroke's repaint.
            self.tick()
            self._countdowns.reset()

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

    def action_assume(self) -> None:
        role = self._role()
        if role is not None:
            self.start_assume(role)

    def action_refresh_session(self) -> None:
        role = self._role()
        if role is not None:
            state = self.states.get(role.key)
            scope = state.session.scope if isinstance(state, Active) else None
            from roleui.core.scopes import renewal_scope

            self.start_assume(role, refresh=True, scope=renewal_scope(scope))

    def action_assume_scoped(self) -> None:
        """The highlighted role with the read-only session policy (roleui/core/scopes.py): a look, not a change."""
        role = self._role()
        if role is not None:
            from roleui.core.scopes import READ_ONLY

            self.start_assume(role, scope=READ_ONLY)

    def action_history(self) -> None:
        from roleui.ui.screens.history import HistoryScreen

        self.push_screen(HistoryScreen(clock=self.clock))

    def start_assume(
        self, role: Role, *, refresh: bool = False, then: Then | None = None, scope: str | None = None
    ) -> None:
        """Assume `role` in a thread worker (asking first for `confirm` roles, and for a reason where the catalog
        wants one); `scope` names a session policy; `then` runs with the session."""
        key = role.key
        if then is not None:
            self._pending.setdefault(key, []).append(then)
        if isinstance(self.states.get(key), Assuming):
            return  # already on its way; `then` runs when it lands

        def go(confirmed: bool | None = True, why: str | None = None) -> None:
            if not confirmed:
                self._pending.pop(key, None)
                self.notify(f"{key}: not assumed", severity="information")
                return
            self.states[key] = Assuming(refresh=refresh)
            self._row_changed(key)
            self._assume(role, refresh, scope, why)

        from roleui.core.sessions.assume_plan import AssumeOptions

        fresh = not refresh and (self.engine.cached(role, scope) if scope else self.engine.cached(role)) is not None

        def ask_reason(confirmed: bool | None = True) -> None:
            from roleui.core.sessions.reasons import needs_reason

            if not confirmed or fresh or not needs_reason(role, self.catalog.defaults):
                go(confirmed)
                return
            from roleui.ui.screens.reason import ReasonScreen

            self.push_screen(ReasonScreen(key, scope), lambda why: go(why is not None, why))

        # The chain's hops ask too (a cached hop, and what is behind it, is not assumed again: it does not ask).
        asking = self.engine.confirmations_due(role, AssumeOptions(use_cache=not refresh, scope=scope))
        if asking:
            from roleui.ui.screens.confirm import ConfirmScreen  # the first screen does not wait for dialogs

            reason = chain_confirmation_reason(role, asking, self.catalog.defaults)
            self.push_screen(
                ConfirmScreen(key, role.arn, "Refresh" if refresh else "Assume", reason=reason), ask_reason
            )
        else:
            ask_reason()

    @work(thread=True, exit_on_error=False, group="assume", description="assume a role")
    def _assume(self, role: Role, refresh: bool, scope: str | None = None, reason: str | None = None) -> None:
        from roleui.core.sessions.assume_plan import AssumeOptions

        options = AssumeOptions(use_cache=not refresh, scope=scope, reason=reason)
        try:
            session = self.engine.assume(role, options, mfa=lambda serial: self._mfa_code(role, serial))
        except Exception as error:  # every failure goes to the row and a notification, never a traceback
            from roleui.aws.sso_login import SignInRequired  # here: the first screen does not wait for it

            if isinstance(error, SignInRequired):  # its own permission set's, or that of the chain's first role
                self.post_message(SignInNeeded(role.key, error.target))  # then this assume goes on (ui/sign_in.py)
                return
            self.post_message(AssumeFailed(role.key, one_line(error)))
            return
        self.post_message(RoleAssumed(role.key, session))

    @on(RoleAssumed)
    def _role_assumed(self, message: RoleAssumed) -> None:
        key, session = message.role_key, message.session
        self.states[key] = Active(session)
        self.last_session = session
        try:
            self.usage.record_use(key)
        except OSError as error:
            self.warn(f"frecency not saved: {error.strerror}")
        self._filter.set_priority(self.usage.favorites, self.usage.frecencies())
        left = session.seconds_left(self.clock())
        # Short-lived: the row, the details and the sessions panel say it too.
        self.notify(
            f"{key}: {format_countdown(left)} left, until {session.expiration:%H:%M} UTC", title="Assumed", timeout=3
        )
        self._row_changed(key)
        self._sessions_changed()
        for then in self._pending.pop(key, []):
            then(session)

    @on(AssumeFailed)
    def _assume_failed(self, message: AssumeFailed) -> None:
        self.states[message.role_key] = Failed(message.message)
        self._pending.pop(message.role_key, None)
        self.notify(message.message, title=f"{message.role_key}: not assumed", severity="error", timeout=10)
        self._row_changed(message.role_key)
        self._sessions_changed()

    def _mfa_code(self, role: Role, serial: str) -> str:
        """The engine's MfaCodeProvider, called in the worker thread: ask with the modal, one modal at a time."""
        with self._mfa_lock:
            answer: Future[str | None] = Future()
            self._mfa_waiting.append(answer)
            try:
                self.call_from_thread(self._open_mfa, role.key, serial, answer)
                code = answer.result()
            except RuntimeError:  # the app is closing
                code = None
            finally:
                self._mfa_waiting.remove(answer)
        if code is None:
            raise RoleuiError("no MFA code given — assume cancelled", exit_code=EXIT_ACCESS_DENIED)
        return code

    def _open_mfa(self, key: str, serial: str, answer: Future[str | None]) -> None:
        def done(code: str | None) -> None:
            if not answer.done():
                answer.set_result(code)

        from roleui.ui.screens.mfa import MfaScreen

        self.push_screen(MfaScreen(key, serial, note=self.demo.mfa_note if self.demo else None), done)

    def with_session(self, role: Role, then: Then) -> None:
        """Run `then` with a fresh session of `role`: the row's own (a scoped one stays scoped), else the cached
        one, else after assuming it."""
        state = self.states.get(role.key)
        held = state.session if isinstance(state, Active) else None
        margin = self.catalog.defaults.cache_margin
        session = held if held is not None and held.seconds_left(self.clock()) > margin else self.engine.cached(role)
        if session is None:
            self.start_assume(role, then=then)
            return
        if not isinstance(self.states.get(role.key), Active):
            self.states[role.key] = Active(session)
            self._row_changed(role.key)
            self._sessions_changed()
        then(session)

    # -- what to do with a session ------------------------------------------------------------------------------

    def action_shell(self) -> None:
        role = self._role()
        if role is not None:
            self.with_session(role, self.run_shell)

    def run_shell(self, session: Session) -> None:
        """Suspend the app and run the user's shell in the session (main thread: suspend needs it).

        Unless the catalog says `credentials = "static"`, the shell reads renewing credentials from a credential
        endpoint that runs in this process while the app is suspended (subshell.serve_session)."""
        from roleui.aws.shell import interactive_shell

        try:
            command = interactive_shell(session)
            argv, env = command.argv, command.env
        except (RoleuiError, OSError) as error:
            self.notify(one_line(error), title="No subshell", severity="error")
            return
        from roleui.ui import subshell

        status: int | None = None
        problem: str | None = None
        role = self.find_role(session.role_key)
        served = role is not None and self.catalog.defaults.credentials != "static"
        with ExitStack() as stack:
            stack.callback(command.cleanup)  # the shell's private rc directory
            endpoint = None
            if served and role is not None:
                try:
                    endpoint = stack.enter_context(subshell.serve_session(self.engine, role, session))
                except (RoleuiError, OSError) as error:
                    self.notify(f"no credential endpoint: {one_line(error)}", title="No subshell", severity="error")
                    return
                env = subshell.served_env(env, endpoint)
            try:
                view = subshell.child_view_of(session, env, served=endpoint is not None)
            except OSError as error:
                self.notify(one_line(error), title="No subshell", severity="error")
                return
            stack.callback(view.cleanup)  # the overlay of the AWS files, once the shell has ended
            env = command.finish(view.env)
            try:
                with self.suspend():
                    # Caught in here: an exception leaving the `with` block leaves the app unable to resume.
                    try:
                        subshell.show(subshell.banner(session, view))
                        status = subshell.run_interactive(argv, env)
                    except OSError as error:
                        problem = f"{argv[0]}: {error.strerror}"
                    except Exception as error:
                        problem = one_line(error)
            except Exception as error:  # SuspendNotSupported (e.g. a web driver)
                problem = f"cannot suspend the app here: {one_line(error)}"
        self.refresh(layout=True)
        self.tick()
        self.follow_caches()  # what the subshell did: `roleui logout`, `login`, `forget`
        if problem:
            self.notify(problem, title="Subshell", severity="error")
        else:
            self.notify(f"{session.role_key}: shell exited with status {status}", title="Subshell")
        if endpoint is not None and role is not None:
            self._after_served(role, endpoint)

    def _after_served(self, role: Role, endpoint: CredentialEndpoint) -> None:
        """The subshell is back: show the session its endpoint renewed, and what went wrong while nobody looked
        (then the code prompt, when a new MFA code would fix it)."""
        if endpoint.refreshes:
            self.states[role.key] = Active(endpoint.session)
            self._row_changed(role.key)
            self._sessions_changed()
        if endpoint.last_error is not None:
            from roleui.core.sessions.assume_plan import AssumeOptions

            self.notify(endpoint.last_error, title="Credentials not renewed", severity="error", timeout=15)
            if self.engine.mfa_serial_needed(role, AssumeOptions(use_cache=False)) is not None:
                self.start_assume(role, refresh=True)

    def to_clipboard(
        self, text: str, *, what: str, copied: str, command: str, shown: str | None = None, secret: str | None = None
    ) -> None:
        """To the clipboard: OSC 52 and a native tool where there is one (imported on first use). When a tool took
        it, the `copied` notification; when only OSC 52 was possible, a dialog that says roleui cannot know, with
        `shown` (never a secret), the shell `command` that gives the same, and `secret` behind a key."""
        from roleui.ui.clipboard import copy_text

        def done(arrived: bool) -> None:
            if arrived:
                self.notify(copied, title="Copied", markup=False)
                return
            from roleui.ui.screens.copied import CopiedMaybeScreen

            self.push_screen(CopiedMaybeScreen(what, shown=shown, command=command, secret=secret))

        copy_text(self, text, native=self.clipboard_tool, done=done)

    def action_copy_console_url(self) -> None:
        role = self._role()
        if role is None:
            return
        url = console_link(role)
        self.to_clipboard(
            url,
            what="Portal shortcut link" if role.is_permission_set else "Switch-role URL",
            copied=url,
            command=f"roleui console-url {shlex.quote(role.key)}",
            shown=url,
        )

    def action_copy_exports(self) -> None:
        role = self._role()
        if role is not None:
            self.with_session(role, self._copy_exports)

    def _copy_exports(self, session: Session) -> None:
        from roleui.core.sessions.session_env import export_script

        # Pasted into another terminal, the exports must reach the same AWS: the demo's (or the user's) endpoints.
        endpoints = {k: v for k, v in os.environ.items() if k.startswith("AWS_ENDPOINT_URL") and v}
        self.to_clipboard(
            export_script(session, "sh", extra=endpoints),
            what=f"Exports of {session.role_key}",
            copied=f"exports of {session.role_key}" + (" (with the endpoint)" if endpoints else ""),
            command=f'eval "$(roleui env {shlex.quote(session.role_key)})"',
        )

    def action_open_console(self) -> None:
        role = self._role()
        if role is None:
            return
        if self.catalog.browser.mode == "multi-session" and role.is_permission_set:
            # The portal's shortcut link signs in as the permission set and adds a console session: no assume.
            self._open_link(role)
        else:
            self.with_session(role, self._open_console)

    def _open_console(self, session: Session) -> None:
        self._sign_in(session)

    @work(thread=True, exit_on_error=False, group="console", description="federated console sign-in")
    def _sign_in(self, session: Session) -> None:
        from roleui.aws.federation import federated_console_url

        try:
            url = federated_console_url(session, clock=self.clock)
        except Exception as error:
            self.post_message(Warned(f"console not opened: {one_line(error)}"))
            return
        lasts = console_session_seconds(session.seconds_left(self.clock()), chained=session.chained)
        # The URL holds a sign-in token: it is opened (or copied when there is no browser), never shown.
        if not self._open_in_browser(session.role_key, url, lasts, federated=True):
            self.call_from_thread(self._copy_sign_in, session.role_key, url)

    @work(thread=True, exit_on_error=False, group="console", description="console shortcut link")
    def _open_link(self, role: Role) -> None:
        if not self._open_in_browser(role.key, console_link(role), None, federated=False):
            self.post_message(Warned(f"console not opened: no browser here (roleui console-url {role.key})"))

    def _open_in_browser(self, key: str, url: str, lasts: int | None, *, federated: bool) -> bool:
        """Open `url` in the [browser] mode (from a worker thread); False when no browser could be asked."""
        from roleui.ui.console_browser import open_console

        role = self.find_role(key)
        if role is None:
            return False
        try:
            opened = open_console(role, url, self.catalog.browser, now=self.clock(), lasts=lasts, federated=federated)
        except Exception as error:
            self.post_message(Warned(f"console not opened: {one_line(error)}"))
            return True  # said why: nothing to copy
        if opened is None:
            return False
        until = f" — console session until {opened.expires:%H:%M} UTC" if opened.expires else ""
        self.call_from_thread(
            self.notify, f"console sign-in for {key} opened in {opened.where}{until}", title="Console"
        )
        if opened.warning:
            self.post_message(Warned(opened.warning))
        self.call_from_thread(self._consoles_changed, {key: opened.expires})
        return True

    def _copy_sign_in(self, key: str, url: str) -> None:
        self.to_clipboard(
            url,
            what=f"Console sign-in URL of {key}",
            copied=f"no browser here: the console sign-in URL of {key} is copied (valid 15 minutes)",
            command=f"roleui console-url --federated {shlex.quote(key)}",
            secret=url,
        )

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

    def action_forget_session(self) -> None:
        role = self._role()
        if role is None:
            return
        if isinstance(self.states.get(role.key), Assuming):
            self.notify(f"{role.key} is being assumed; forget it when it lands", severity="warning")
            return
        try:
            count = self.engine.forget(role)
        except RoleuiError as error:
            self.notify(one_line(error), severity="error")
            return
        self.states.pop(role.key, None)
        if self.last_session is not None and self.last_session.role_key == role.key:
            self.last_session = None
        self._row_changed(role.key)
        self._sessions_changed()
        self.notify(f"{role.key}: {count} cached session{'s' if count != 1 else ''} forgotten", title="Forgotten")

    def action_forget_all(self) -> None:
        from roleui.ui.screens.confirm import QuestionScreen

        sessions = len(self.sessions_panel.sessions)
        body = (
            f"{sessions} role session{'s' if sessions != 1 else ''} and the MFA session (the next MFA role asks for "
            "a code again) are deleted from the cache. The same as `roleui forget --all`."
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self._forget_all()
            else:
                self.notify("no session forgotten", timeout=3)

        self.push_screen(QuestionScreen("Forget every session?", body), answered)

    def _forget_all(self) -> None:
        try:
            count = self.engine.forget_all()
        except RoleuiError as error:
            self.notify(one_line(error), severity="error")
            return
        for key in [k for k, v in self.states.items() if not isinstance(v, Assuming)]:
            del self.states[key]
        self.last_session = None
        self.role_list.refresh()
        self._sessions_changed()
        self._show_detail()
        self.notify(f"{count} cached session{'s' if count != 1 else ''} forgotten", title="Forgotten")

    def action_refresh_organization(self) -> None:
        if not self.catalog.organizations.enabled and not self.catalog.identity_center:
            self.notify(
                "nothing to discover: set [organizations] enabled = true, or add [[identity_center]] to the catalog",
                severity="warning",
            )
            return
        self._refresh_organization()

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
