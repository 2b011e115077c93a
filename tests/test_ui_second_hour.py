"""What the screen shows in the second hour (issue 20, section 2), with Pilot at 80x24, 120x30, 200x50 and 60
columns: rows that stay put when discovery grows the list, details that show the chain and the cap, a sessions
line that holds every session, notifications off the details and dialogs, plain Ctrl+C and confirm texts, `l` in
the key bar, and the caches followed when another process changes them."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from _ui_helpers import (
    ADMIN,
    CROSS,
    DEVELOPER,
    SUPPORT,
    StaticEngine,
    catalog,
    frozen_now,
    go_to,
    header_text,
    make_app,
    notifications,
    row_text,
    settle,
    synthetic_catalog,
    wait_for,
)
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Static

from roleui.core.models import Catalog
from roleui.ui.app import RoleuiApp
from roleui.ui.discovery_refresh import OrganizationRefreshed
from roleui.ui.screens.confirm import ConfirmScreen, QuestionScreen
from roleui.ui.state import Active
from roleui.ui.widgets.role_list import layout
from roleui.ui.widgets.sessions_panel import shared_keys, short_countdown

SMALL = (80, 24)
MEDIUM = (120, 30)
LARGE = (200, 50)


def static_app(cat: Catalog | None = None, **engine: Any) -> RoleuiApp:
    cat = cat or catalog()
    clock = frozen_now()
    return make_app(cat, engine=StaticEngine(cat, clock, **engine), clock=clock)


def grown(base: Catalog, accounts: int) -> Catalog:
    """`base` with discovered accounts whose roles sort before the catalog's (as Identity Center's do)."""
    more = synthetic_catalog(accounts, roles=("OrganizationAccountAccessRole",))
    return replace(base, accounts=more.accounts + base.accounts, roles=more.roles + base.roles)


def drawn(widget: Widget) -> str:
    """What a widget draws now, border and all (its outer size), line by line."""
    size = widget.outer_size
    return "\n".join(strip.text for strip in widget.render_lines(Region(0, 0, size.width, size.height)))


def shown_keys(app: RoleuiApp) -> list[str]:
    roles = app.role_list
    return [app.catalog.roles[roles.rows[row]].key for row in roles.visible_rows()]


# -- rows never move under the cursor ---------------------------------------------------------------------------


async def test_roles_discovered_after_the_first_screen_come_after_the_rows_shown_and_nothing_moves() -> None:
    base = catalog()
    start = replace(base, accounts=base.accounts + synthetic_catalog(20).accounts)
    start = replace(start, roles=base.roles + synthetic_catalog(20).roles)
    app = static_app(start)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        app.role_list.move_cursor(6)
        await pilot.pause()
        before = shown_keys(app)
        cursor, top = app.role_list.cursor, round(app.role_list.scroll_y)
        app.post_message(OrganizationRefreshed(grown(start, 30)))  # as discovery's worker posts it
        await pilot.pause()
        await pilot.pause()
        assert shown_keys(app) == before
        assert (app.role_list.cursor, round(app.role_list.scroll_y)) == (cursor, top)
        assert "ID" in header_text(app)  # the id column stays, long role names give way
        assert f"({len(start.roles) + 30} roles)" in header_text(app)
        grew = [n for n in notifications(app) if n.startswith("Organization: organization refreshed")]
        assert grew == [f"Organization: organization refreshed: {len(start.roles) + 30} roles (30 new, listed "
                        f"after the {len(start.roles)} shown)"]  # fmt: skip


def test_the_id_column_stays_at_80_columns_when_a_29_letter_role_name_arrives() -> None:
    columns = layout(78, 17, len("OrganizationAccountAccessRole"))
    assert columns.id == 12
    assert columns.role >= 20
    assert columns.where >= 6


# -- role details -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [SMALL, MEDIUM])
async def test_the_details_of_a_chained_role_show_its_chain_and_the_one_hour_cap(size: tuple[int, int]) -> None:
    many = synthetic_catalog(40)
    base = catalog()
    app = static_app(replace(base, accounts=base.accounts + many.accounts, roles=base.roles + many.roles))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        go_to(app, SUPPORT)
        await pilot.press("enter")  # active: one line more
        await wait_for(pilot, lambda: isinstance(app.states.get(app.catalog.roles[SUPPORT].key), Active))
        await pilot.pause()
        shown = drawn(app.detail_pane)
        assert "role chaining: 1h cap" in shown
        assert "Chain        main/AdminAccessRole → main/ProdSupportRole" in shown


async def test_the_details_grow_into_the_empty_rows_of_a_short_list_and_show_every_line() -> None:
    base, more = catalog(), synthetic_catalog(10)
    app = static_app(replace(base, accounts=base.accounts + more.accounts, roles=base.roles + more.roles))
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"ProdSupport")
        await wait_for(pilot, lambda: len(app.role_list.rows) == 1)
        await pilot.pause()
        await pilot.pause()
        shown = drawn(app.detail_pane)
        assert "Last used" in shown
        assert "ExternalId" in shown
        assert app.detail_pane.region.y > app.role_list.region.y + 1  # the list keeps its header and row
        grown = app.detail_pane.outer_size.height
        await pilot.press("escape", "escape")  # every role again: the list takes its rows back
        await pilot.pause()
        await pilot.pause()
        assert app.detail_pane.outer_size.height < grown
        assert app.role_list.size.height - 1 >= min(10, len(app.role_list.rows))


# -- the sessions line --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [80, 60])
async def test_the_sessions_line_shows_every_session_at_80_and_60_columns(width: int) -> None:
    app = static_app(expiries={})
    async with app.run_test(size=(width, 24)) as pilot:
        await settle(pilot)
        for index in (CROSS, DEVELOPER, ADMIN):
            go_to(app, index)
            await pilot.press("enter")
            if index == ADMIN:  # it asks first (confirm = true), then for the MFA code
                await pilot.press("y")
                await wait_for(pilot, lambda: app.screen is not app.screen_stack[0])
                await pilot.press(*"123456", "enter")
        await wait_for(pilot, lambda: len(app.sessions_panel.sessions) == 3)
        await pilot.pause()
        line = "".join(segment.text for segment in app.sessions_panel.render_line(0))
        assert len(line) <= width - 2
        assert line.count("●") == 3
        for name in ("shared-da", "web-stagi", "main/Admi"):
            assert name in line
        assert "+" not in line


def test_keys_share_the_room_keeping_their_ends_and_countdowns_get_short() -> None:
    keys = ["shared-data/CrossAccountS3ReadOnly", "web-staging/Developer", "main/AdminAccessRole"]
    cut = shared_keys(keys, 48)
    assert sum(len(k) for k in cut) <= 48
    assert cut[0].endswith("…")
    assert all(k.rstrip("…") == o[: len(k.rstrip("…"))] for k, o in zip(cut, keys, strict=True))
    assert short_countdown(3540) == "59m"
    assert short_countdown(4 * 3600 + 5 * 60) == "4h05"
    assert short_countdown(0) == "expired"


# -- notifications and dialogs ------------------------------------------------------------------------------------


def toast_regions(app: RoleuiApp) -> list[Any]:
    from textual.widgets._toast import Toast

    return [toast.region for toast in app.screen.query(Toast)]


@pytest.mark.parametrize("size", [SMALL, MEDIUM, LARGE])
async def test_notifications_never_cover_the_details_pane(size: tuple[int, int]) -> None:
    app = static_app()
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(pilot)
        app.notify("a notification long enough to wrap over two or three lines of the toast", title="Test")
        await pilot.pause(0.3)
        toasts = toast_regions(app)
        assert toasts
        for region in toasts:
            assert not region.overlaps(app.detail_pane.region)
            assert not region.overlaps(app.key_bar.region)


async def test_notifications_in_a_dialog_leave_its_keys_readable() -> None:
    app = static_app()
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await settle(pilot)
        await app.push_screen(QuestionScreen("Forget every session?", "Two sessions are deleted.\nSure?"))
        app.notify("copied: arn:aws:iam::123456789012:role/AdminAccessRole", title="Copied")
        await pilot.pause(0.3)
        dialog = app.screen.query_one("#confirm-dialog")
        for region in toast_regions(app):
            assert not region.overlaps(dialog.region)


async def test_ctrl_c_says_which_key_quits_without_markup() -> None:
    app = static_app()
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert "Do you want to quit?: Press q to quit roleui" in notifications(app)
        assert not [n for n in notifications(app) if "[b]" in n]


async def test_the_confirm_dialog_shows_its_lines_without_a_line_feed_picture() -> None:
    app = static_app()
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        go_to(app, ADMIN)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.pause()
        texts = [str(widget.render()) for widget in app.screen.query(Static)]
        assert not [text for text in texts if "␊" in text]
        body = "arn:aws:iam::123456789012:role/AdminAccessRole\nThis role is marked confirm: it asks before each new session."
        assert body in texts


# -- truncation ---------------------------------------------------------------------------------------------------


async def test_the_header_is_whole_at_200_columns_even_with_long_catalog_paths() -> None:
    long_dir = "/tmp/roleui-demo-abcdefgh/" + "x" * 100
    cat = replace(catalog(), path=f"{long_dir}/catalog.toml", aws_config_path=f"{long_dir}/aws/config")
    app = static_app(cat)
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        app.header_bar.status = "15 of 26 OUs walked…"
        app.header_bar.show()
        await pilot.pause()
        shown = drawn(app.header_bar)
        assert "…" not in shown.replace("walked…", "")
        assert "15 of 26 OUs walked…  region us-east-1  catalog " in shown
        assert "catalog catalog.toml" in shown


async def test_countdowns_end_before_the_scrollbar() -> None:
    cat = grown(catalog(), 30)
    app = static_app(cat)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: bool(app.sessions_panel.sessions))
        await pilot.pause()
        row = row_text(app, 0)
        assert "1h 00m" in row
        assert row.endswith(" ")  # a blank cell between the countdown and the scrollbar


async def test_the_session_heading_stays_whole_with_thirty_thousand_roles_at_80_columns() -> None:
    app = static_app(synthetic_catalog(10_000))
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        heading = header_text(app)
        assert heading.rstrip().endswith("SESSION")
        assert "30,000" in heading


# -- following the caches -----------------------------------------------------------------------------------------


async def test_a_session_forgotten_elsewhere_stops_counting_down_at_the_next_check() -> None:
    app = static_app(expiries={"shared-data/CrossAccountS3ReadOnly": timedelta(minutes=40)})
    clock = app.clock
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        key = "shared-data/CrossAccountS3ReadOnly"
        assert isinstance(app.states.get(key), Active)
        app.engine.expiries.pop(key)  # `roleui logout` / `forget` in a subshell
        clock.advance(10)  # type: ignore[attr-defined]
        app.tick()
        await settle(pilot)
        assert isinstance(app.states.get(key), Active)  # not checked yet
        clock.advance(25)  # type: ignore[attr-defined]
        app.tick()
        await settle(pilot)
        assert key not in app.states
        assert app.sessions_panel.sessions == []
        assert "40m" not in row_text(app, 0)
        assert "39m" not in row_text(app, 0)
