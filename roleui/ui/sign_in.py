"""Signing in to IAM Identity Center from the UI: key `l` (or the palette's *Sign in to Identity Center*), and
by itself when an assume needs a sign-in that is missing or expired — which then goes on once signed in.

The flow is roleui/aws/sso_login.py's device flow (it has a code to show) in a thread worker: the modal
(roleui/ui/screens/sign_in.py) shows the URL and the code, the URL goes to the clipboard (and to a graphical
browser where one exists), and Escape sets the event that cancels the worker's wait. The header shows each
sign-in's state (`SignInsRead`), read after the first screen and again after every sign-in.
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import TYPE_CHECKING

from textual import work
from textual.message import Message

from roleui.core.models import Catalog, Role
from roleui.ui.app_parts import AppParts
from roleui.ui.safe import one_line

if TYPE_CHECKING:
    from roleui.aws.sso_login import PendingSignIn
    from roleui.core.sources.aws_config.profiles import SsoSession
    from roleui.ui.sign_in_state import SignInState


class SignInNeeded(Message):
    def __init__(self, role_key: str, target: SsoSession) -> None:
        super().__init__()
        self.role_key = role_key
        self.target = target


class SignInStarted(Message):
    def __init__(self, pending: PendingSignIn, role_key: str | None) -> None:
        super().__init__()
        self.pending = pending
        self.role_key = role_key


class SignedIn(Message):
    def __init__(self, name: str, expires_at: datetime, role_key: str | None) -> None:
        super().__init__()
        self.name = name
        self.expires_at = expires_at
        self.role_key = role_key


class SignInFailed(Message):
    def __init__(self, name: str, message: str, role_key: str | None, cancelled: bool = False) -> None:
        super().__init__()
        self.name = name
        self.message = message
        self.role_key = role_key
        self.cancelled = cancelled


class SignInsRead(Message):
    def __init__(self, states: list[SignInState]) -> None:
        super().__init__()
        self.states = states


def target_of(role: Role) -> SsoSession | None:
    """Where a permission set signs in; None for an IAM role."""
    if role.sso_start_url is None or role.sso_region is None:
        return None
    from roleui.core.sources.aws_config.profiles import SsoSession

    return SsoSession(role.sso_session, role.sso_start_url, role.sso_region)


def usable_sign_in(target: SsoSession, now: datetime) -> bool:
    """A cached token that is valid, or that its refresh token can renew."""
    from roleui.aws.sso_tokens import load_token
    from roleui.core.private_files import UnsafePathError

    try:
        token = load_token(target.name, target.start_url)
    except UnsafePathError:
        return False  # refused (the header's read says why): not usable
    return token is not None and (token.is_valid(now) or token.can_refresh(now))


def discoverable(catalog: Catalog, names: list[str], now: datetime) -> bool:
    """Whether any of these `[[identity_center]]` sign-ins can be read now (a background refresh of the others
    would only fail: the header already says they are signed out)."""
    wanted = set(names)
    return any(target_name(t) in wanted and usable_sign_in(t, now) for t in known_sign_ins(catalog))


def target_name(target: SsoSession) -> str:
    return target.name or target.start_url


def known_sign_ins(catalog: Catalog) -> list[SsoSession]:
    """The catalog's `[[identity_center]]` sign-ins, then every other `[sso-session]` of the AWS config file."""
    from roleui.aws.identity_center import resolve_sign_in
    from roleui.aws.sources import read_sso_sessions
    from roleui.core.errors import RoleuiError

    sessions, _ = read_sso_sessions()
    found: dict[str, SsoSession] = {}
    for config in catalog.identity_center:
        try:
            target = resolve_sign_in(config, sessions, "the AWS config file")
        except RoleuiError:
            continue  # `roleui check` says what is wrong; the header shows what works
        found.setdefault(target.name or target.start_url, target)
    for name, session in sessions.items():
        found.setdefault(name, session)
    return list(found.values())


class SignInFlow(AppParts):
    """The sign-in part of RoleuiApp (kept apart: the app module holds the layout and the assume flow)."""

    _sign_in_cancel: threading.Event | None = None

    def action_sign_in(self) -> None:
        """Sign in where the highlighted permission set signs in, else to the first known sign-in."""
        role = self.role_list.highlighted_role
        target = target_of(role) if role is not None else None
        if target is not None:
            self.begin_sign_in(target)
            return
        self._sign_in_to_first()

    @work(thread=True, exit_on_error=False, group="sign-ins", description="find the Identity Center sign-ins")
    def _sign_in_to_first(self) -> None:
        targets = known_sign_ins(self.catalog)
        if not targets:
            self.call_from_thread(
                self.notify,
                "no Identity Center sign-in: add an [sso-session] to ~/.aws/config or [[identity_center]] to the catalog",
                severity="warning",
            )
            return
        self.call_from_thread(self.begin_sign_in, targets[0])

    def _on_unmount(self) -> None:
        # The worker waits for the browser's approval: leaving the app must end that wait, or exit hangs. (Textual
        # calls the Unmount handler of each class along the MRO: RoleuiApp's own `on_unmount` runs too.)
        if self._sign_in_cancel is not None:
            self._sign_in_cancel.set()

    def begin_sign_in(self, target: SsoSession, role_key: str | None = None) -> None:
        """Start the sign-in (one at a time: a second request while one is open is ignored)."""
        if self._sign_in_cancel is not None:
            return
        self._sign_in_cancel = threading.Event()
        self._identity_center_sign_in(target, role_key, self._sign_in_cancel)

    @work(thread=True, exit_on_error=False, group="sign-in", description="sign in to Identity Center")
    def _identity_center_sign_in(self, target: SsoSession, role_key: str | None, cancelled: threading.Event) -> None:
        from roleui.aws.sso_login import start_sign_in
        from roleui.ui.browser import open_in_browser

        name = target.name or target.start_url
        try:
            pending = start_sign_in(target, device_code=True, open_url=open_in_browser, clock=self.clock)
            self.post_message(SignInStarted(pending, role_key))
            token = pending.wait(cancelled)
        except Exception as error:
            self.post_message(SignInFailed(name, one_line(error), role_key, cancelled.is_set()))
            return
        self.post_message(SignedIn(name, token.expires_at, role_key))

    def _on_sign_in_started(self, message: SignInStarted) -> None:
        from roleui.ui.clipboard import copy_text
        from roleui.ui.screens.sign_in import SignInScreen

        pending = message.pending
        copy_text(self, pending.url)
        name = pending.target.name or pending.target.start_url
        now = self.clock()
        until = next(
            (s.expires_at for s in self.header_bar.sign_ins if s.name == name and s.expires_at and s.expires_at > now),
            None,
        )
        screen = SignInScreen(
            name,
            pending.url,
            pending.user_code,
            browser_opened=pending.browser_opened,
            role_key=message.role_key,
            signed_in_until=until,
        )
        cancel = self._sign_in_cancel

        def closed(landed: bool | None) -> None:
            if not landed and cancel is not None:
                cancel.set()

        self.push_screen(screen, closed)

    def _close_sign_in_screen(self) -> None:
        from roleui.ui.screens.sign_in import SignInScreen

        self._sign_in_cancel = None
        if isinstance(self.screen, SignInScreen):
            self.screen.dismiss(True)

    def _on_signed_in(self, message: SignedIn) -> None:
        self._close_sign_in_screen()
        self.notify(f"{message.name}: signed in until {message.expires_at:%H:%M} UTC", title="Identity Center")
        self.read_sign_ins()
        role = self.find_role(message.role_key) if message.role_key else None
        if role is not None:
            self.states.pop(role.key, None)
            self.start_assume(role)  # the assume the sign-in interrupted; its `then`s are still waiting
        if self.catalog.identity_center:
            from roleui.core.sources.identity_center.cache import stale_sign_ins

            if stale_sign_ins(self.catalog, self.clock()):
                self._refresh_organization()

    def _on_sign_in_failed(self, message: SignInFailed) -> None:
        self._close_sign_in_screen()
        if message.role_key is not None:
            from roleui.ui.state import Failed

            self.states[message.role_key] = Failed("not signed in")
            self._pending.pop(message.role_key, None)
            self._row_changed(message.role_key)
        if message.cancelled:
            self.notify(f"{message.name}: sign-in cancelled", severity="information")
        else:
            self.notify(message.message, title=f"{message.name}: not signed in", severity="error", timeout=10)

    def _on_sign_in_needed(self, message: SignInNeeded) -> None:
        self.states.pop(message.role_key, None)
        self._row_changed(message.role_key)
        self.begin_sign_in(message.target, message.role_key)

    # -- the header's sign-in states -----------------------------------------------------------------------------

    @work(thread=True, exit_on_error=False, group="sign-in-states", description="read the sign-in states")
    def read_sign_ins(self) -> None:
        from roleui.aws.sso_tokens import load_token
        from roleui.core.private_files import UnsafePathError
        from roleui.ui.sign_in_state import SignInState

        now = self.clock()
        states: list[SignInState] = []
        for target in known_sign_ins(self.catalog):
            name = target.name or target.start_url
            try:
                token = load_token(target.name, target.start_url)
            except UnsafePathError as error:  # a token another user planted or can change: refused, and said why
                self.call_from_thread(self.notify, error.message, title=f"{name}: token refused", severity="error")
                token = None
            if token is not None and token.is_valid(now):
                states.append(SignInState(name, token.expires_at, token.can_refresh(now)))
            else:
                states.append(SignInState(name, None, token is not None and token.can_refresh(now)))
        self.post_message(SignInsRead(states))

    def _on_sign_ins_read(self, message: SignInsRead) -> None:
        self.header_bar.sign_ins = message.states
        self.header_bar.show()
        self.key_bar.set_sign_in(bool(message.states))
