"""What to do with a session: a subshell (served by a credential endpoint), the clipboard (exports,
the console link) and the console in a browser, with the consoles roleui knows are open.
"""

from __future__ import annotations

import os
import shlex
from contextlib import ExitStack
from datetime import datetime
from typing import TYPE_CHECKING

from textual import work

from roleui.core.browser_modes import console_session_seconds, mode_label
from roleui.core.console import console_link
from roleui.core.durations import format_duration
from roleui.core.errors import RoleuiError
from roleui.core.models import Role
from roleui.ui.app_parts import AppParts, Warned
from roleui.ui.safe import one_line
from roleui.ui.state import Active

if TYPE_CHECKING:
    from roleui.aws.credential_server import CredentialEndpoint
    from roleui.core.sessions.session import Session


class SessionActions(AppParts):
    """What the app does with a session: subshell, clipboard, console. A part of RoleuiApp (roleui/ui/app.py)."""

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
