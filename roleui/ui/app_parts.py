"""What every part of the app may rely on: the state RoleuiApp holds and the methods one part calls on another.

RoleuiApp (roleui/ui/app.py: the layout, the list, the filter and the details) is composed of parts, each a
class of its own module: AssumeFlow (assuming.py), SessionActions (session_actions.py), DiscoveryRefresh
(discovery_refresh.py), CacheWatch (cache_watch.py) and SignInFlow (sign_in.py). A part reads and calls only
what this class declares, so the declarations here are the whole of what the parts share; nothing here exists at
run time but the class itself.

The parts are plain mixins at run time (App to the type checker only), as KeptLines is for widgets: Textual does
a good deal of work for every class derived from App (its handlers, reactives, bindings, CSS type names, a `dir`
of the whole class), ~0.3 ms each, and RoleuiApp is the one the app needs. So a part handles its messages by
Textual's naming convention (`_on_role_assumed` for RoleAssumed), which Textual finds along the MRO of any
class, where `@on` handlers are collected only from classes derived from a MessagePump.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.message import Message

if TYPE_CHECKING:
    import threading
    from concurrent.futures import Future
    from datetime import datetime

    from roleui.aws.engine import Engine
    from roleui.core.clock import Clock
    from roleui.core.models import Catalog, Role
    from roleui.core.sessions.session import Session
    from roleui.core.world.filtering import RoleFilter
    from roleui.core.world.frecency import Usage
    from roleui.ui.demo_info import DemoInfo
    from roleui.ui.state import RowState
    from roleui.ui.widgets.identity_header import IdentityHeader
    from roleui.ui.widgets.key_bar import KeyBar
    from roleui.ui.widgets.role_list import RoleList
    from roleui.ui.widgets.sessions_panel import SessionsPanel

Then = Callable[["Session"], None]  # what to do with a session once it is there


class Warned(Message):
    """A notice from the engine or a refresh (a chained session was clamped...), shown as a notification."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


if TYPE_CHECKING:
    _AppBase = App[None]
else:
    _AppBase = object


class AppParts(_AppBase):
    """The shape of RoleuiApp as its parts see it (declarations only)."""

    if TYPE_CHECKING:
        catalog: Catalog
        clock: Clock
        demo: DemoInfo | None
        explicit_config: str | None
        usage: Usage
        clipboard_tool: list[str] | None
        states: dict[str, RowState]
        last_session: Session | None
        consoles: dict[str, datetime | None]
        header_bar: IdentityHeader
        key_bar: KeyBar
        role_list: RoleList
        sessions_panel: SessionsPanel
        _filter: RoleFilter
        _pending: dict[str, list[Then]]
        _mfa_lock: threading.Lock
        _mfa_waiting: list[Future[str | None]]
        _caches_read: datetime | None
        _refresh_organization: Callable[..., Any]  # a thread worker (DiscoveryRefresh)
        read_sign_ins: Callable[..., Any]  # a thread worker (SignInFlow)

        @property
        def engine(self) -> Engine: ...
        def warn(self, text: str) -> None: ...
        def tick(self) -> None: ...
        def set_catalog(self, catalog: Catalog) -> None: ...
        def find_role(self, key: str) -> Role | None: ...
        def _role(self) -> Role | None: ...
        def _row_changed(self, key: str) -> None: ...
        def _sessions_changed(self) -> None: ...
        def _show_detail(self) -> None: ...
        def start_assume(
            self, role: Role, *, refresh: bool = False, then: Then | None = None, scope: str | None = None
        ) -> None: ...
        def with_session(self, role: Role, then: Then) -> None: ...
        def follow_caches(self) -> None: ...
