"""Assuming roles in the background: confirmation and reasons first, MFA codes asked in a modal, the
session landing in its row, and forgetting sessions.
"""

from __future__ import annotations

from concurrent.futures import Future
from typing import TYPE_CHECKING

from textual import work
from textual.message import Message

from roleui.core.errors import EXIT_ACCESS_DENIED, RoleuiError
from roleui.core.models import Role
from roleui.core.timefmt import format_countdown
from roleui.core.world.confirmation import chain_confirmation_reason
from roleui.ui.app_parts import AppParts, Then
from roleui.ui.safe import one_line
from roleui.ui.sign_in import SignInNeeded
from roleui.ui.state import Active, Assuming, Failed

if TYPE_CHECKING:
    from roleui.core.sessions.session import Session


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


class AssumeFlow(AppParts):
    """Assuming roles for the app: in a thread worker, after the confirmations and the reason. A part of RoleuiApp (roleui/ui/app.py)."""

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

    def _on_role_assumed(self, message: RoleAssumed) -> None:
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

    def _on_assume_failed(self, message: AssumeFailed) -> None:
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
