"""What the keys do with a role: subshell, console URL, federated console, exports, favorites, help, palette, quit."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from _engine_helpers import AWS_CLI, free_closed_port_url
from _ui_helpers import (
    ADMIN,
    CROSS,
    DEVELOPER,
    catalog,
    frozen_now,
    go_to,
    make_app,
    no_suspend,
    notifications,
    row_text,
    settle,
    visible_text,
    wait_for,
)

from roleui.core.clock import FrozenClock
from roleui.core.console import switch_role_url
from roleui.core.sessions.assume_plan import AssumeOptions
from roleui.core.sessions.credcache import CredentialCache
from roleui.core.sessions.endpoint_status import EndpointStatus, prune_dead, status_dir, write_status
from roleui.core.sessions.session import Credentials, Session
from roleui.core.world.frecency import Usage
from roleui.demo.federation import FederationEndpoint
from roleui.ui import browser, subshell
from roleui.ui.screens.confirm import ConfirmScreen
from roleui.ui.screens.copied import CopiedMaybeScreen
from roleui.ui.screens.help import HelpScreen
from roleui.ui.state import Active


@pytest.fixture(autouse=True)
def no_native_clipboard(monkeypatch: pytest.MonkeyPatch) -> None:
    """Copies go through OSC 52 only (asserted on app.clipboard); no xclip on the developer's display."""
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER"):
        monkeypatch.delenv(name, raising=False)


class Child:
    """Stands in for the terminal program the subshell runs (a headless app has no terminal to give it)."""

    def __init__(self, status: int = 0, error: Exception | None = None) -> None:
        self.calls: list[tuple[list[str], dict[str, str]]] = []
        self.status = status
        self.error = error

    def __call__(self, argv: list[str], env: Any) -> int:
        self.calls.append((argv, dict(env)))
        if self.error is not None:
            raise self.error
        return self.status


async def test_s_suspends_the_app_and_runs_the_users_shell_in_the_session(
    aws: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHELL", "/bin/bash")
    child = Child()
    monkeypatch.setattr(subshell, "run_interactive", child)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        with no_suspend(app) as suspended:
            await pilot.press("s")
        assert suspended == [True]
        ((argv, env),) = child.calls
        assert argv[0] == "/bin/bash"
        assert (
            "AWS_ACCESS_KEY_ID" not in env
        )  # a credential endpoint serves the shell (tests/test_credential_endpoint.py)
        assert env["AWS_CONTAINER_CREDENTIALS_FULL_URI"].startswith("http://127.0.0.1:")
        assert env["ROLEUI_ROLE"] == "shared-data/CrossAccountS3ReadOnly"
        assert "Subshell: shared-data/CrossAccountS3ReadOnly: shell exited with status 0" in notifications(app)
        assert "59m" in row_text(app, CROSS) or "1h 00m" in row_text(app, CROSS)


class AwsCliChild(Child):
    """The subshell runs the real aws CLI twice, with the app's clock moved into the renewal margin in between."""

    def __init__(self, clock: FrozenClock) -> None:
        super().__init__()
        self.clock = clock
        self.identities: list[str] = []

    def __call__(self, argv: list[str], env: Any) -> int:
        super().__call__(argv, env)
        cli = [AWS_CLI, "sts", "get-caller-identity", "--query", "[Arn,UserId]", "--output", "text"]
        for advance in (50 * 60, 0):
            done = subprocess.run(cli, env=dict(env), capture_output=True, text=True, timeout=60, check=False)
            assert done.returncode == 0, done.stderr
            self.identities.append(done.stdout.strip())
            self.clock.advance(advance)
        return 0


async def test_a_subshell_keeps_working_across_a_renewal_and_the_countdown_restarts_after_it(
    aws: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = frozen_now()
    child = AwsCliChild(clock)
    monkeypatch.setattr(subshell, "run_interactive", child)
    app = make_app(clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        before = app.states["shared-data/CrossAccountS3ReadOnly"].session  # type: ignore[union-attr]
        with no_suspend(app):
            await pilot.press("s")
        first, second = child.identities
        assert first.startswith("arn:aws:sts::222222222222:assumed-role/CrossAccountS3ReadOnly/")
        assert second.split()[0] == first.split()[0]
        after = app.states["shared-data/CrossAccountS3ReadOnly"].session  # type: ignore[union-attr]
        assert after.credentials.access_key_id != before.credentials.access_key_id  # renewed while suspended
        assert after.expiration > before.expiration


class StsGoneChild(Child):
    """While the subshell runs, STS becomes unreachable for the app and the session nears its end."""

    def __init__(self, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch) -> None:
        super().__init__()
        self.clock = clock
        self.monkeypatch = monkeypatch
        self.cli: subprocess.CompletedProcess[str] | None = None
        self.engine: Any = None

    def __call__(self, argv: list[str], env: Any) -> int:
        super().__call__(argv, env)
        self.monkeypatch.setenv("AWS_ENDPOINT_URL", free_closed_port_url())  # the app's next AssumeRole fails
        # The engine keeps its botocore sessions and clients (made before STS went away): let it make new ones.
        self.engine._sessions.clear()
        self.engine._clients.clear()
        self.clock.advance(50 * 60)  # inside the renewal margin: the endpoint renews in the background
        cli = [AWS_CLI, "sts", "get-caller-identity"]
        self.cli = subprocess.run(cli, env=dict(env), capture_output=True, text=True, timeout=60, check=False)
        return 0


async def test_a_renewal_that_failed_while_suspended_is_notified_when_the_subshell_returns(
    aws: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = frozen_now()
    child = StsGoneChild(clock, monkeypatch)
    monkeypatch.setattr(subshell, "run_interactive", child)
    app = make_app(clock=clock)
    child.engine = app.engine
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        with no_suspend(app):
            await pilot.press("s")
        assert child.cli is not None
        assert child.cli.returncode == 0, child.cli.stderr  # the held session still had 10 minutes
        assert any(n.startswith("Credentials not renewed: ") for n in notifications(app)), notifications(app)


async def test_a_session_a_live_endpoint_renews_shows_the_mark_and_a_dead_ones_does_not(
    aws: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        session = app.states["shared-data/CrossAccountS3ReadOnly"].session  # type: ignore[union-attr]
        status = EndpointStatus(session.role_key, session.account_id, session.expiration, None, os.getpid())
        write_status(status_dir() / "live.status", status)
        app.check_endpoints()
        await pilot.pause()
        assert "⟳" in row_text(app, CROSS)
        write_status(status_dir() / "live.status", replace(status, pid=2**22 + 1))  # no such process
        app.check_endpoints()
        await pilot.pause()
        assert "⟳" not in row_text(app, CROSS)
        prune_dead()
        assert list(status_dir().iterdir()) == []


def later_in_the_cache(cache: CredentialCache, session: Session, *, minutes: int) -> Session:
    """`session` as if it had been assumed `minutes` later: its cache file rewritten with the later expiration."""
    [path] = [p for p in cache.directory.glob("role-*.json") if session.credentials.access_key_id in p.read_text()]
    data = json.loads(path.read_text())
    later = session.expiration + timedelta(minutes=minutes)
    data["credentials"]["Expiration"] = later.isoformat()
    path.write_text(json.dumps(data))
    keys = session.credentials
    renewed = Credentials(keys.access_key_id, keys.secret_access_key, keys.session_token, expiration=later)
    return replace(session, credentials=renewed)


async def test_a_session_another_process_endpoint_renewed_is_taken_up_and_its_countdown_restarts(aws: str) -> None:
    clock = frozen_now()
    app = make_app(clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        clock.advance(40 * 60)
        app.tick()
        assert "19m" in row_text(app, CROSS) or "20m" in row_text(app, CROSS)
        role = app.find_role("shared-data/CrossAccountS3ReadOnly")
        assert role is not None
        renewed = app.engine.assume(role, AssumeOptions(use_cache=False))  # as `roleui shell`'s endpoint would
        # moto dates a session by the real clock, not the test's: two assumes in the same second expire alike. The
        # endpoint renewed 40 minutes later, so its session ends 40 minutes later: the cache says so.
        renewed = later_in_the_cache(app.engine.cache, renewed, minutes=40)
        status = EndpointStatus(renewed.role_key, renewed.account_id, renewed.expiration, None, os.getpid())
        write_status(status_dir() / "other.status", status)
        app.check_endpoints()
        await pilot.pause()
        state = app.states["shared-data/CrossAccountS3ReadOnly"]
        assert isinstance(state, Active)
        assert state.session.credentials.access_key_id == renewed.credentials.access_key_id
        assert state.kept_alive
        assert app.sessions_panel.kept_alive == {"shared-data/CrossAccountS3ReadOnly"}


async def test_s_on_a_role_without_a_session_assumes_it_first_then_opens_the_shell(
    aws: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    child = Child()
    monkeypatch.setattr(subshell, "run_interactive", child)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        go_to(app, DEVELOPER)
        with no_suspend(app) as suspended:
            await pilot.press("s")
            await settle(pilot)
        assert suspended == [True]
        assert child.calls[0][1]["ROLEUI_ROLE"] == "web-staging/Developer"
        assert isinstance(app.states["web-staging/Developer"], Active)


async def test_an_error_in_the_suspended_shell_is_caught_inside_and_the_app_carries_on(
    aws: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHELL", "/no/such/shell")
    monkeypatch.setattr(subshell, "run_interactive", Child(error=FileNotFoundError(2, "No such file or directory")))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        with no_suspend(app):
            await pilot.press("s")
            await settle(pilot)
        assert "Subshell: /no/such/shell: No such file or directory" in notifications(app)
        await pilot.press("down")
        assert app.role_list.highlighted == ADMIN


async def test_a_headless_app_that_cannot_suspend_says_so_instead_of_crashing(
    aws: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    child = Child()
    monkeypatch.setattr(subshell, "run_interactive", child)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("s")
        await settle(pilot)
        assert child.calls == []
        assert any(n.startswith("Subshell: cannot suspend the app here") for n in notifications(app))


async def test_c_copies_the_console_switch_role_url_and_shows_it() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("c")
        url = switch_role_url(app.catalog.roles[CROSS])
        assert app.clipboard == url
        assert url.startswith(
            "https://signin.aws.amazon.com/switchrole?account=222222222222&roleName=CrossAccountS3ReadOnly"
        )
        await pilot.pause()
        assert isinstance(app.screen, CopiedMaybeScreen)  # OSC 52 only: shown, since nothing says it arrived
        assert str(app.screen.query_one("#copied-text").render()) == url


async def test_y_copies_the_export_lines_and_the_notification_shows_no_secret(aws: str) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("y")
        await settle(pilot)
        session = app.states["shared-data/CrossAccountS3ReadOnly"].session  # type: ignore[union-attr]
        secret = session.credentials.secret_access_key
        assert f"export AWS_SECRET_ACCESS_KEY={secret}" in app.clipboard
        assert "export ROLEUI_ROLE=shared-data/CrossAccountS3ReadOnly" in app.clipboard
        assert isinstance(app.screen, CopiedMaybeScreen)
        assert not any(secret in n or (session.credentials.session_token or "-") in n for n in notifications(app))


async def test_o_signs_in_through_the_federation_endpoint_and_opens_the_browser(
    aws: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    federation = FederationEndpoint(aws)
    federation.start()
    monkeypatch.setenv("ROLEUI_FEDERATION_ENDPOINT", federation.url)
    opened: list[str] = []
    monkeypatch.setattr(browser, "open_in_browser", lambda url: opened.append(url) or True)
    app = make_app()
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("o")
            await settle(pilot)
            await wait_for(pilot, lambda: bool(opened))
            await wait_for(pilot, lambda: any(n.startswith("Console:") for n in notifications(app)))
        token = parse_qs(urlsplit(opened[0]).query)["SigninToken"][0]
        session = app.states["shared-data/CrossAccountS3ReadOnly"].session  # type: ignore[union-attr]
        assert federation.signed_in_as(token) == session.assumed_role_arn
    finally:
        federation.stop()
    assert opened[0].startswith(federation.url + "?Action=login")
    assert any(
        n.startswith(
            "Console: console sign-in for shared-data/CrossAccountS3ReadOnly opened in the browser — console session until "
        )
        for n in notifications(app)
    )
    assert not any("SigninToken" in n for n in notifications(app))


async def test_o_without_a_browser_copies_the_sign_in_url_instead(aws: str, monkeypatch: pytest.MonkeyPatch) -> None:
    federation = FederationEndpoint(aws)
    federation.start()
    monkeypatch.setenv("ROLEUI_FEDERATION_ENDPOINT", federation.url)
    app = make_app()
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("o")
            await settle(pilot)
            await wait_for(pilot, lambda: isinstance(app.screen, CopiedMaybeScreen))
            assert "SigninToken=" in app.clipboard
    finally:
        federation.stop()


async def test_f_marks_a_favorite_that_is_ranked_first_and_remembered(tmp_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        go_to(app, DEVELOPER)
        await pilot.press("f")
        assert app.role_list.highlighted == DEVELOPER
        assert row_text(app, DEVELOPER).startswith("★ web-staging")  # marked in place
        assert any(n.startswith("Favorites: web-staging/Developer added to favorites") for n in notifications(app))
    assert Usage().is_favorite("web-staging/Developer")
    again = make_app()
    async with again.run_test(size=(120, 40)) as pilot:
        assert again.role_list.rows[0] == DEVELOPER
        await pilot.press("f", "slash", "e", "backspace")  # unmarked in place; the order follows the next filter
        assert list(again.role_list.rows) == [0, 1, 2, 3, 4]
    assert not Usage().is_favorite("web-staging/Developer")


async def test_roles_assumed_often_and_recently_rank_first_when_the_list_is_filtered_again(aws: str) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        go_to(app, DEVELOPER)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("slash", "e", "backspace")
        assert app.role_list.rows[0] == DEVELOPER


async def test_question_mark_shows_help_with_the_keys_as_bound_and_the_demo_note() -> None:
    from roleui.ui.demo_info import DemoInfo

    app = make_app(catalog(keys='copy_console_url = "u"'), demo=DemoInfo(note="This is the demo.", mfa_note="any code"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.pause()
        text = " ".join(visible_text(w) for w in app.screen.query("Static"))
        assert "Copy the console switch-role URL" in text
        assert "This is the demo." in text
        assert app.screen.keys["copy_console_url"] == "u"
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_keys_rebound_in_the_catalog_replace_the_defaults() -> None:
    app = make_app(catalog(keys='copy_console_url = "u"\nquit = "ctrl+q"'))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("c")
        assert app.clipboard == ""
        assert app.filter_input.value == "c"  # a key no action is bound to starts the filter
        await pilot.press("backspace", "escape", "u")
        assert app.clipboard == switch_role_url(app.catalog.roles[CROSS])
        await pilot.press("q")
        assert app.is_running
        await pilot.press("ctrl+q")
        assert not app.is_running


async def test_action_keys_type_into_the_filter_instead_of_acting_while_it_has_focus() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash", *"qcsy")
        assert app.filter_input.value == "qcsy"
        assert app.is_running
        assert app.clipboard == ""


async def test_enter_in_the_filter_assumes_the_best_match(aws: str) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash", *"dev", "enter")
        await settle(pilot)
        assert isinstance(app.states["web-staging/Developer"], Active)
        assert app.focused is app.role_list


async def test_the_command_palette_offers_every_action_and_runs_the_chosen_one() -> None:
    from roleui.ui.actions import ACTIONS, PALETTE_ONLY

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        palette = app.screen
        shown = " ".join(str(option.prompt) for option in palette.query_one("CommandList").options)  # type: ignore[attr-defined]
        for action in (*ACTIONS, *PALETTE_ONLY):
            assert action.title in shown
        await pilot.press(*"switch-role", "enter")
        await settle(pilot)
        assert app.clipboard == switch_role_url(app.catalog.roles[CROSS])


async def test_confirm_is_asked_again_by_refresh_but_not_for_a_live_cached_session(aws: str) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        go_to(app, ADMIN)
        await pilot.press("y")  # exports need a session: a confirm role asks first
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert app.clipboard == ""


async def test_q_quits_and_keeps_the_last_session_for_print_env(aws: str) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("q")
        assert not app.is_running
    assert app.last_session is not None
    assert app.last_session.role_key == "shared-data/CrossAccountS3ReadOnly"


async def test_clicking_a_session_in_the_panel_shows_its_role_even_when_the_filter_hides_it(aws: str) -> None:
    from roleui.ui.widgets.sessions_panel import SessionsPanel

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        go_to(app, DEVELOPER)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("slash", *"shared", "escape")
        assert DEVELOPER not in app.role_list.rows
        await pilot.click(SessionsPanel, offset=(3, 1))
        assert app.filter_input.value == ""
        assert app.role_list.highlighted == DEVELOPER


async def test_double_clicking_a_row_assumes_it(aws: str) -> None:
    from roleui.ui.widgets.role_list import RoleList

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.click(RoleList, offset=(10, 1 + DEVELOPER), times=2)
        await settle(pilot)
        assert isinstance(app.states["web-staging/Developer"], Active)


async def test_forget_all_from_the_palette_action_clears_every_session(aws: str) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        go_to(app, DEVELOPER)
        await pilot.press("enter")
        await settle(pilot)
        assert len(app.sessions_panel.sessions) == 2
        await app.run_action("forget_all")
        await pilot.press("y")  # it asks first
        await pilot.pause()
        assert app.sessions_panel.sessions == []
        assert app.engine.sessions() == []
        assert any("2 cached sessions forgotten" in n for n in notifications(app))


async def test_refreshing_the_organization_when_it_is_off_says_how_to_turn_it_on() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)):
        await app.run_action("refresh_organization")
        assert any("[organizations] enabled = true" in n for n in notifications(app))


def test_print_env_writes_the_last_live_session_as_export_lines(aws: str, capsys: pytest.CaptureFixture[str]) -> None:
    from roleui.commands.ui import _print_last_session

    app = make_app()
    assert _print_last_session(app) == 0
    assert capsys.readouterr().err == "roleui: no session was assumed; nothing to export\n"
    app.last_session = app.engine.assume(app.catalog.roles[CROSS])
    assert _print_last_session(app) == 0
    out, err = capsys.readouterr()
    assert "export ROLEUI_ROLE=shared-data/CrossAccountS3ReadOnly" in out
    assert "export AWS_SESSION_TOKEN=" in out
    assert err == "roleui: exported shared-data/CrossAccountS3ReadOnly\n"
    app.clock.advance(2 * 3600)  # type: ignore[attr-defined]
    assert _print_last_session(app) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert "has expired" in err
