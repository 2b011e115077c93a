"""What a new user trips over in the first hour (issue 13): the layout at 80x24, the help at 80 columns, messages
that fit, notifications that leave the details readable, Enter and Esc in the filter, confirmations, a list that
does not jump, and copies that say honestly whether they arrived."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from _engine_helpers import AWS_CLI
from _ui_helpers import (
    BILLING,
    CROSS,
    DEVELOPER,
    StaticEngine,
    catalog,
    frozen_now,
    go_to,
    make_app,
    notifications,
    row_text,
    settle,
    visible_text,
    wait_for,
)
from textual.geometry import Region
from textual.widgets import Static

from roleui.core.console import switch_role_url
from roleui.ui.actions import ACTIONS
from roleui.ui.app import RoleuiApp
from roleui.ui.screens.confirm import ConfirmScreen, QuestionScreen
from roleui.ui.screens.copied import CopiedMaybeScreen
from roleui.ui.screens.help import HelpScreen
from roleui.ui.state import Active

SMALL = (80, 24)
LARGE = (200, 50)
PROD_ASKS = 'confirm_tags = { environment = "prod" }\n'


@pytest.fixture(autouse=True)
def no_native_clipboard(monkeypatch: pytest.MonkeyPatch) -> None:
    """No xclip on the developer's display, no browser: each test says which clipboard tool there is."""
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER"):
        monkeypatch.delenv(name, raising=False)


def static_app(text: str | None = None, **kwargs: Any) -> RoleuiApp:
    """The app over the fixed engine: no AWS needed where the test is about the screen."""
    cat = catalog(text) if text else catalog()
    clock = frozen_now()
    return make_app(cat, engine=StaticEngine(cat, clock), clock=clock, **kwargs)


def with_defaults(lines: str) -> str:
    """The UI tests' catalog with more `[defaults]` keys."""
    from _ui_helpers import CATALOG

    return CATALOG.replace("[defaults]\n", "[defaults]\n" + lines, 1)


def key_bar_text(app: RoleuiApp) -> str:
    return str(app.key_bar.render())


# -- 1. layout at 80x24 -----------------------------------------------------------------------------------------


async def test_at_80x24_the_key_bar_shows_quit_and_ends_with_help() -> None:
    app = static_app()
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        keys = key_bar_text(app)
        assert len(keys) <= 80
        assert keys.rstrip().endswith("? help")
        for essential in ("⏎ assume", "/ filter", "q quit"):
            assert essential in keys


async def test_at_80x24_the_empty_sessions_panel_is_hidden_and_the_list_shows_ten_rows_or_every_role() -> None:
    app = static_app()
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        assert not app.sessions_panel.display or app.sessions_panel.size.height == 0
        assert app.detail_pane.size.width >= 76  # the details take the whole width
        # (a short list lends its empty rows to the details: issue 20)
        assert app.role_list.size.height - 1 >= min(10, len(app.role_list.rows))


async def test_at_80x24_sessions_are_one_line_under_the_details() -> None:
    app = static_app()
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: bool(app.sessions_panel.sessions))
        await pilot.pause()
        panel = app.sessions_panel
        assert panel.size.height == 1
        line = "".join(segment.text for segment in panel.render_line(0))
        assert "shared-data/CrossAccountS3ReadOnly" in line
        assert "1h 00m" in line  # frozen clock
        assert panel.region.y > app.detail_pane.region.y


async def test_at_200x50_sessions_sit_beside_the_details_as_wide_as_their_longest_key() -> None:
    app = static_app()
    async with app.run_test(size=LARGE) as pilot:
        await settle(pilot)
        go_to(app, CROSS)
        await pilot.press("enter")
        await wait_for(pilot, lambda: bool(app.sessions_panel.sessions))
        await pilot.pause()
        panel = app.sessions_panel
        assert panel.region.y == app.detail_pane.region.y
        assert panel.size.height > 5
        line = "".join(segment.text for segment in panel.render_line(0))
        assert "shared-data/CrossAccountS3ReadOnly " in line  # whole, not cut
        assert panel.region.width < 70  # by content: the details keep the rest
        assert app.detail_pane.region.width > 120


# -- 2. help at 80 columns --------------------------------------------------------------------------------------


async def test_the_help_screen_rewraps_at_80_columns_without_cutting_a_word() -> None:
    app = static_app()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        keys = app.screen.query_one("#help-keys", Static)
        assert keys.region.right <= 80
        shown = visible_text(keys)
        words = " ".join(shown.split())
        for action in ACTIONS:
            assert f"{action.title} — {action.help}" in words


# -- 3. truncation with room to spare ---------------------------------------------------------------------------


async def test_at_80_columns_the_role_count_shows_whole() -> None:
    app = static_app()
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        header = "".join(segment.text for segment in app.role_list.render_line(0))
        assert "(5 roles)" in header
        assert header.rstrip().endswith("SESSION")


async def test_a_failed_identity_lookup_shows_its_gist_in_the_header_and_what_to_do_once() -> None:
    app = static_app()
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        from roleui.ui.app import IdentityFetched

        message = "no base credentials found (default chain, sts:GetCallerIdentity) — set source_profile or AWS_PROFILE"
        app.post_message(IdentityFetched(None, message))
        await pilot.pause()
        header = str(app.header_bar.render())
        assert "base no base credentials found  region us-east-1  catalog" in header
        assert "(" not in header.split("base ", 1)[1].split("region", maxsplit=1)[0]
        # Without the parenthesised detail (issue 20: short), still saying what to do.
        short = "no base credentials found — set source_profile or AWS_PROFILE"
        assert f"Base identity unknown: {short}" in notifications(app)


# -- 4. notifications ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [SMALL, LARGE])
async def test_the_assumed_notification_leaves_the_details_active_line_readable(size: tuple[int, int]) -> None:
    app = static_app()
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(pilot)
        go_to(app, DEVELOPER)
        await pilot.press("enter")
        await wait_for(pilot, lambda: any(n.startswith("Assumed:") for n in notifications(app)))
        await pilot.pause(0.2)
        content = app.detail_pane.content_region
        active = Region(content.x, content.y + 1, content.width, 1)
        pane_lines = visible_text(app.detail_pane).splitlines()
        assert "Active" in pane_lines[active.y - app.detail_pane.region.y]
        toasts = list(app.screen.query("Toast"))
        assert toasts
        for toast in toasts:
            assert not toast.region.overlaps(active)


# -- 5 and 6. Enter and Esc in the filter -------------------------------------------------------------------------


async def test_enter_in_the_filter_with_no_match_stays_in_the_box_and_the_next_letters_edit_the_query() -> None:
    app = static_app()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("slash", *"zzz", "enter")
        assert app.focused is app.filter_input
        await pilot.press("backspace", "backspace", "backspace", *"dev")
        assert app.filter_input.value == "dev"
        assert app.clipboard == ""
        await pilot.press("escape")
        assert app.filter_input.value == "dev"  # one Esc goes back to the list; it does not clear the query
        assert app.focused is app.role_list


async def test_esc_clears_the_filter_and_keeps_the_highlighted_role() -> None:
    app = static_app()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("slash", *"billing", "escape")
        assert app.role_list.highlighted == BILLING
        await pilot.press("escape")
        assert app.filter_input.value == ""
        assert len(app.role_list.rows) == 5
        assert app.role_list.highlighted == BILLING


# -- 7. ranking and confirmation from the filter box ---------------------------------------------------------------


async def test_enter_in_the_filter_asks_before_assuming_a_role_in_an_account_tagged_by_confirm_tags() -> None:
    app = static_app(with_defaults(PROD_ASKS))
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("slash", *"crossacc", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        body = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert "environment=prod" in body
        assert "confirm_tags" in body
        await pilot.press("n")
        await pilot.pause()
        assert "shared-data/CrossAccountS3ReadOnly" not in app.states


async def test_a_role_in_an_account_without_the_confirm_tags_is_assumed_at_once() -> None:
    app = static_app(with_defaults(PROD_ASKS))
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("slash", *"developer", "enter")
        await wait_for(pilot, lambda: isinstance(app.states.get("web-staging/Developer"), Active))
        assert not isinstance(app.screen, QuestionScreen)


async def test_the_details_say_a_role_tagged_by_confirm_tags_asks_before_assuming() -> None:
    app = static_app(with_defaults(PROD_ASKS))
    async with app.run_test(size=SMALL) as pilot:
        go_to(app, CROSS)
        await pilot.pause()
        await pilot.pause()
        assert "asks before assuming" in visible_text(app.detail_pane)


# -- 8. favorites do not reorder under the cursor -----------------------------------------------------------------


async def test_f_marks_a_favorite_in_place_and_the_order_follows_on_the_next_filter() -> None:
    app = static_app()
    async with app.run_test(size=SMALL) as pilot:
        go_to(app, DEVELOPER)
        before = list(app.role_list.rows)
        await pilot.press("f")
        assert list(app.role_list.rows) == before
        assert app.role_list.highlighted == DEVELOPER
        assert row_text(app, before.index(DEVELOPER)).startswith("★ web-staging")
        await pilot.press("slash", "e")
        assert app.role_list.rows[0] == DEVELOPER


# -- 9. forget every session asks first ----------------------------------------------------------------------------


async def test_forget_every_session_asks_first_and_says_the_mfa_session_goes_too() -> None:
    app = static_app()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("enter")
        await wait_for(pilot, lambda: bool(app.sessions_panel.sessions))
        await app.run_action("forget_all")
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        body = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert "1 role session" in body
        assert "MFA session" in body
        await pilot.press("n")
        await pilot.pause()
        assert len(app.sessions_panel.sessions) == 1
        await app.run_action("forget_all")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert app.sessions_panel.sessions == []
        assert any("1 cached session forgotten" in n for n in notifications(app))


# -- 10. honest clipboard ------------------------------------------------------------------------------------------


def fake_clipboard_tool(tmp_path: Path, status: int = 0) -> tuple[list[str], Path]:
    """A clipboard tool that keeps what it is given in a file (and exits with `status`)."""
    kept = tmp_path / "clipboard.txt"
    tool = tmp_path / "fake-xclip"
    tool.write_text(f"#!/bin/sh\ncat > {kept}\nexit {status}\n", encoding="utf-8")
    tool.chmod(0o755)
    return [str(tool)], kept


async def test_c_with_only_osc52_says_it_cannot_know_and_shows_the_url_and_the_command() -> None:
    app = static_app()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("c")
        await pilot.pause()
        url = switch_role_url(app.catalog.roles[CROSS])
        assert app.clipboard == url
        assert isinstance(app.screen, CopiedMaybeScreen)
        assert str(app.screen.query_one("#copied-text", Static).render()) == url
        command = str(app.screen.query_one("#copied-command", Static).render())
        assert command == "roleui console-url shared-data/CrossAccountS3ReadOnly"
        assert not any(n.startswith("Copied") for n in notifications(app))
        await pilot.press("escape")
        assert not isinstance(app.screen, CopiedMaybeScreen)


async def test_c_with_a_clipboard_tool_that_took_it_says_copied(tmp_path: Path) -> None:
    app = static_app()
    app.clipboard_tool, kept = fake_clipboard_tool(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("c")
        url = switch_role_url(app.catalog.roles[CROSS])
        await wait_for(pilot, lambda: f"Copied: {url}" in notifications(app))
        assert kept.read_text(encoding="utf-8") == url
        assert not isinstance(app.screen, CopiedMaybeScreen)


async def test_a_clipboard_tool_that_fails_gets_the_dialog(tmp_path: Path) -> None:
    app = static_app()
    app.clipboard_tool, _ = fake_clipboard_tool(tmp_path, status=1)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, CopiedMaybeScreen))


async def test_y_with_only_osc52_shows_the_env_command_and_no_secret() -> None:
    app = static_app()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, CopiedMaybeScreen))
        shown = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert 'eval "$(roleui env shared-data/CrossAccountS3ReadOnly)"' in shown
        assert "AWS_SECRET_ACCESS_KEY" in app.clipboard
        secret = app.states["shared-data/CrossAccountS3ReadOnly"].session.credentials.secret_access_key  # type: ignore[union-attr]
        assert secret not in shown
        assert not app.screen.query("#copied-text")


# -- 10 (o) and 11 (y in the demo): against the local AWS --------------------------------------------------------


async def test_o_without_a_browser_or_clipboard_tool_shows_the_command_and_the_url_only_when_asked(
    aws: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from roleui.demo.federation import FederationEndpoint

    federation = FederationEndpoint(aws)
    federation.start()
    monkeypatch.setenv("ROLEUI_FEDERATION_ENDPOINT", federation.url)
    app = make_app()
    try:
        async with app.run_test(size=SMALL) as pilot:
            await pilot.press("o")
            await settle(pilot)
            await wait_for(pilot, lambda: isinstance(app.screen, CopiedMaybeScreen))
            screen = app.screen
            assert "SigninToken=" in app.clipboard
            shown = " ".join(str(w.render()) for w in screen.query(Static))
            assert "roleui console-url --federated shared-data/CrossAccountS3ReadOnly" in shown
            assert "SigninToken" not in shown
            await pilot.press("s")
            await pilot.pause()
            assert str(screen.query_one("#copied-secret", Static).render()) == app.clipboard
    finally:
        federation.stop()


async def test_y_exports_carry_the_endpoint_so_another_terminal_reaches_the_same_aws(aws: str) -> None:
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("y")
        await settle(pilot)
        await wait_for(pilot, lambda: "AWS_SECRET_ACCESS_KEY" in app.clipboard)
    exports = app.clipboard
    assert f"export AWS_ENDPOINT_URL={aws}" in exports
    # "Another terminal": no AWS variable at all, then the pasted exports, then the real aws CLI.
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    done = subprocess.run(
        ["sh", "-c", f"{exports}\n{AWS_CLI} sts get-caller-identity --query Arn --output text"],
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("arn:aws:sts::222222222222:assumed-role/CrossAccountS3ReadOnly/")


async def test_an_organization_refresh_keeps_the_highlighted_role_on_its_line() -> None:
    from dataclasses import replace

    from _ui_helpers import synthetic_catalog

    app = static_app()
    base = app.catalog
    more = synthetic_catalog(30, roles=("ReadOnly",))
    async with app.run_test(size=SMALL) as pilot:
        app.set_catalog(replace(base, accounts=base.accounts + more.accounts, roles=base.roles + more.roles))
        await pilot.pause()
        app.role_list.move_cursor(20)
        app.role_list.move_cursor(15)  # in the middle of the screen
        await pilot.pause()
        key = app.role_list.highlighted_role.key  # type: ignore[union-attr]
        line = app.role_list.cursor - round(app.role_list.scroll_y)
        # The refreshed organization has ten more accounts, listed before this one.
        grown = synthetic_catalog(40, roles=("ReadOnly",))
        extra = grown.accounts[30:]
        roles = base.roles + grown.roles[30:] + more.roles
        app.set_catalog(replace(base, accounts=base.accounts + extra + more.accounts, roles=roles))
        await pilot.pause()
        assert app.role_list.highlighted_role.key == key  # type: ignore[union-attr]
        # The rows shown keep their places (issue 20): the new accounts come after them.
        assert app.role_list.cursor == 15
        assert app.role_list.cursor - round(app.role_list.scroll_y) == line
