"""The caches other processes change, followed while the app runs: the cached sessions at start, and the
session and token caches again after a subshell and every CACHE_CHECK_SECONDS (the rules: ui/cache_follow.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.message import Message

from roleui.core.errors import RoleuiError
from roleui.ui.app_parts import AppParts
from roleui.ui.safe import one_line
from roleui.ui.state import Active

if TYPE_CHECKING:
    from roleui.core.sessions.session import Session


class SessionsLoaded(Message):
    def __init__(self, sessions: list[Session]) -> None:
        super().__init__()
        self.sessions = sessions


class CacheReread(Message):
    """The session cache as read again (ui/cache_follow.py); `shown` is what the rows showed when the read began."""

    def __init__(self, sessions: list[Session], shown: dict[str, Session]) -> None:
        super().__init__()
        self.sessions = sessions
        self.shown = shown


class CacheWatch(AppParts):
    """Following the session and token caches other processes change. A part of RoleuiApp (roleui/ui/app.py)."""

    @work(thread=True, exit_on_error=False, group="sessions", description="load cached sessions")
    def _load_sessions(self) -> None:
        try:
            sessions = self.engine.sessions()
        except RoleuiError as error:
            self.warn(f"cached sessions not read: {one_line(error)}")
            return
        self.post_message(SessionsLoaded(sessions))

    def _on_sessions_loaded(self, message: SessionsLoaded) -> None:
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

    def _on_cache_reread(self, message: CacheReread) -> None:
        from roleui.ui.cache_follow import follow_cache

        changed = follow_cache(self.states, message.sessions, message.shown, self.clock())
        if self.last_session is not None and not isinstance(self.states.get(self.last_session.role_key), Active):
            self.last_session = None
        for key in changed:
            self._row_changed(key)
        if changed:
            self._sessions_changed()
