"""Assuming from the UI against the local AWS: background workers, MFA, confirmation, failures, countdowns."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path

import pytest
from _aws_setups import without_aws_files
from _engine_helpers import StsProxy
from _ui_helpers import (
    ADMIN,
    BILLING,
    CATALOG,
    CROSS,
    DEVELOPER,
    SUPPORT,
    GatedEngine,
    catalog,
    detail_text,
    frozen_now,
    go_to,
    make_app,
    notifications,
    row_text,
    settle,
    wait_for,
)

from roleui.aws.engine import Engine
from roleui.ui.screens.confirm import ConfirmScreen
from roleui.ui.screens.mfa import MfaScreen
from roleui.ui.state import Active, Assuming, Failed

pytest_plugins = ("_engine_fixtures",)  # the sts fixture: moto behind an STS request recorder


async def test_enter_assumes_in_the_background_and_the_row_counts_down(aws: str) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        state = app.states["shared-data/CrossAccountS3ReadOnly"]
        assert isinstance(state, Active)
        assert state.session.assumed_role_arn.startswith(
            "arn:aws:sts::222222222222:assumed-role/CrossAccountS3ReadOnly/"
        )
        before = row_text(app, CROSS)
        assert "59m" in before or "1h 00m" in before
        app.clock.advance(600)  # type: ignore[attr-defined]
        app.tick()
        assert "49m" in row_text(app, CROSS) or "50m" in row_text(app, CROSS)
        assert app.sessions_panel.sessions == [state.session]
        assert any(n.startswith("Assumed: shared-data/CrossAccountS3ReadOnly") for n in notifications(app))
        assert app.last_session == state.session


async def test_the_row_says_assuming_while_several_assumes_run_at_once(aws: str) -> None:
    cat = catalog()
    clock = frozen_now()
    engine = GatedEngine(cat, clock=clock)
    app = make_app(cat, engine=engine, clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        go_to(app, DEVELOPER)
        await pilot.press("enter")
        await wait_for(pilot, lambda: engine.waiting == 2)
        # Both calls are in flight and the UI still answers keys.
        assert "assuming…" in row_text(app, CROSS)
        assert "assuming…" in row_text(app, DEVELOPER)
        await pilot.press("up")
        assert app.role_list.highlighted == SUPPORT
        engine.gate.set()
        await settle(pilot)
        assert isinstance(app.states["shared-data/CrossAccountS3ReadOnly"], Active)
        assert isinstance(app.states["web-staging/Developer"], Active)
        assert len(app.sessions_panel.sessions) == 2


async def test_a_failed_assume_shows_on_the_row_and_in_a_notification_with_the_engines_message(
    aws: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    without_aws_files(Path.home())  # a user with no ~/.aws files either
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        state = app.states["shared-data/CrossAccountS3ReadOnly"]
        assert isinstance(state, Failed)
        assert "\n" not in state.message
        assert "failed" in row_text(app, CROSS)
        assert any("not assumed" in n and state.message in n for n in notifications(app))
        assert state.message in await detail_text(pilot)


async def test_a_confirm_role_asks_first_and_no_means_no_call(aws: str) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        go_to(app, ADMIN)
        await pilot.press("enter")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert "main/AdminAccessRole" not in app.states
        assert any("not assumed" in n for n in notifications(app))


async def test_an_mfa_role_asks_for_the_code_in_a_modal_and_sends_it_to_sts(sts: StsProxy) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        go_to(app, ADMIN)
        await pilot.press("enter")
        await pilot.press("y")  # the confirm dialog
        await wait_for(pilot, lambda: isinstance(app.screen, MfaScreen))
        assert app.screen.serial == "arn:aws:iam::123456789012:mfa/deepak.dev"  # type: ignore[attr-defined]
        assert isinstance(app.states["main/AdminAccessRole"], Assuming)
        await pilot.press(*"12345", "enter")
        assert isinstance(app.screen, MfaScreen)  # five digits are refused in the modal
        await pilot.press("6", "enter")
        await settle(pilot)
        assert isinstance(app.states["main/AdminAccessRole"], Active)
        codes = [call.get("TokenCode") for call in sts.actions("GetSessionToken")]
        assert codes == ["123456"]


async def test_one_code_opens_an_mfa_session_for_every_mfa_role(sts: StsProxy) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        go_to(app, BILLING)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MfaScreen))
        await pilot.press(*"654321", "enter")
        await settle(pilot)
        go_to(app, ADMIN)
        await pilot.press("enter", "y")
        await settle(pilot)
        assert isinstance(app.states["main/AdminAccessRole"], Active)
        assert len(sts.actions("GetSessionToken")) == 1


async def test_escape_in_the_mfa_modal_cancels_the_assume(aws: str) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        go_to(app, BILLING)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MfaScreen))
        await pilot.press("escape")
        await settle(pilot)
        state = app.states["web-staging/BillingAdmin"]
        assert isinstance(state, Failed)
        assert state.message == "no MFA code given — assume cancelled"


async def test_the_demo_note_is_shown_in_the_mfa_modal(aws: str) -> None:
    from roleui.ui.demo_info import DemoInfo

    app = make_app(demo=DemoInfo(note="Demo world.", mfa_note="Demo: any 6-digit code works."))
    async with app.run_test(size=(120, 40)) as pilot:
        go_to(app, BILLING)
        await pilot.press("enter")
        # The modal and its children: on a busy machine the screen is pushed a moment before they are mounted.
        await wait_for(pilot, lambda: isinstance(app.screen, MfaScreen) and bool(app.screen.query("#mfa-note")))
        assert str(app.screen.query_one("#mfa-note").render()) == "Demo: any 6-digit code works."
        await pilot.press("escape")
        await settle(pilot)


async def test_a_chained_role_assumes_its_first_hop_and_both_hops_reach_sts(sts: StsProxy) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        go_to(app, SUPPORT)
        await pilot.press("enter")
        await pilot.press("y")  # the first hop asks first (confirm = true)
        await wait_for(pilot, lambda: isinstance(app.screen, MfaScreen))  # the first hop needs MFA
        await pilot.press(*"111111", "enter")
        await settle(pilot)
        state = app.states["main/ProdSupportRole"]
        assert isinstance(state, Active)
        assert state.session.chained
        arns = [call.get("RoleArn") for call in sts.actions("AssumeRole")]
        assert arns == [
            "arn:aws:iam::123456789012:role/AdminAccessRole",
            "arn:aws:iam::123456789012:role/support/ProdSupportRole",
        ]


async def test_r_refreshes_the_session_with_a_new_call_ignoring_the_cache(sts: StsProxy) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        first = app.states["shared-data/CrossAccountS3ReadOnly"]
        await pilot.press("enter")  # a fresh cached session: no second call
        await settle(pilot)
        assert len(sts.actions("AssumeRole")) == 1
        await pilot.press("r")
        await settle(pilot)
        second = app.states["shared-data/CrossAccountS3ReadOnly"]
        assert isinstance(first, Active)
        assert isinstance(second, Active)
        assert len(sts.actions("AssumeRole")) == 2
        assert second.session.credentials.access_key_id != first.session.credentials.access_key_id


async def test_x_forgets_the_cached_session(aws: str) -> None:
    cat = catalog()
    clock = frozen_now()
    engine = Engine(cat, clock=clock)
    app = make_app(cat, engine=engine, clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        assert engine.cached(cat.roles[CROSS]) is not None
        await pilot.press("x")
        assert engine.cached(cat.roles[CROSS]) is None
        assert "shared-data/CrossAccountS3ReadOnly" not in app.states
        assert app.sessions_panel.sessions == []
        assert app.last_session is None
        assert any("1 cached session forgotten" in n for n in notifications(app))


async def test_sessions_cached_by_an_earlier_run_show_up_with_their_countdown(aws: str) -> None:
    cat = catalog()
    clock = frozen_now()
    Engine(cat, clock=clock).assume(cat.roles[DEVELOPER])
    app = make_app(cat, clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert [s.role_key for s in app.sessions_panel.sessions] == ["web-staging/Developer"]
        assert "59m" in row_text(app, DEVELOPER) or "1h 00m" in row_text(app, DEVELOPER)


async def test_countdowns_turn_warning_then_critical_notify_once_at_five_minutes_and_say_expired(aws: str) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        session = app.states["shared-data/CrossAccountS3ReadOnly"].session  # type: ignore[union-attr]
        clock = app.clock

        def level() -> str:
            strip = app.role_list.render_line(1 + CROSS)
            last = [s for s in strip if s.text.strip()][-1]
            for name in ("ok", "warning", "critical", "expired"):
                style = app.role_list.get_component_rich_style(f"role-list--{name}", partial=True)
                if last.style is not None and last.style.color == style.color and last.style.strike == style.strike:
                    return name
            return "none"

        assert level() == "ok"
        clock.now = session.expiration - timedelta(minutes=14)  # type: ignore[attr-defined]
        app.tick()
        assert level() == "warning"
        clock.now = session.expiration - timedelta(minutes=4, seconds=30)  # type: ignore[attr-defined]
        app.tick()
        app.tick()
        assert level() == "critical"
        expiring = [n for n in notifications(app) if n.startswith("Session expiring")]
        assert len(expiring) == 1
        assert "shared-data/CrossAccountS3ReadOnly expires in 4m 30s" in expiring[0]
        clock.now = session.expiration  # type: ignore[attr-defined]
        app.tick()
        assert "expired" in row_text(app, CROSS)
        assert level() == "expired"


async def test_a_session_landing_while_a_modal_is_open_updates_the_list_and_the_tick_keeps_going(aws: str) -> None:
    cat = catalog()
    clock = frozen_now()
    engine = GatedEngine(cat, clock=clock)
    app = make_app(cat, engine=engine, clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await wait_for(pilot, lambda: engine.waiting == 1)
        await pilot.press("question_mark")
        engine.gate.set()
        await settle(pilot)
        app.tick()
        assert isinstance(app.states["shared-data/CrossAccountS3ReadOnly"], Active)
        assert len(app.sessions_panel.sessions) == 1
        await pilot.press("escape")
        assert "59m" in row_text(app, CROSS) or "1h 00m" in row_text(app, CROSS)


async def test_with_mfa_process_the_code_comes_from_the_command_and_no_modal_opens(sts: StsProxy) -> None:
    cat = catalog(CATALOG.replace("[defaults]\n", '[defaults]\nmfa_process = "echo 654321"\n'))
    app = make_app(cat)
    async with app.run_test(size=(120, 40)) as pilot:
        go_to(app, BILLING)
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, MfaScreen)
        assert isinstance(app.states["web-staging/BillingAdmin"], Active)
        assert [call.get("TokenCode") for call in sts.actions("GetSessionToken")] == ["654321"]


async def test_a_renewal_that_needs_a_new_mfa_code_asks_for_it_when_the_subshell_returns(
    sts: StsProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    from _ui_helpers import no_suspend

    from roleui.ui import subshell

    clock = frozen_now()
    answers: list[int] = []

    def child(_argv: list[str], env: Mapping[str, str]) -> int:
        clock.advance(13 * 3600)  # past the role session and the 12 h MFA session: renewing needs a code
        token = env["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
        request = urllib.request.Request(env["AWS_CONTAINER_CREDENTIALS_FULL_URI"], headers={"Authorization": token})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30)
        answers.append(refused.value.code)
        return 0

    monkeypatch.setattr(subshell, "run_interactive", child)
    app = make_app(clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        go_to(app, BILLING)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MfaScreen))
        await pilot.press(*"654321", "enter")
        await settle(pilot)
        with no_suspend(app):
            await pilot.press("s")
        assert answers == [503]
        assert any(n.startswith("Credentials not renewed: ") and "MFA" in n for n in notifications(app))
        await wait_for(pilot, lambda: isinstance(app.screen, MfaScreen))  # the code prompt, now that it can be typed
        await pilot.press(*"123456", "enter")
        await settle(pilot)
        assert isinstance(app.states["web-staging/BillingAdmin"], Active)
        assert [call.get("TokenCode") for call in sts.actions("GetSessionToken")] == ["654321", "123456"]
