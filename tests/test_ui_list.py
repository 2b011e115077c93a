"""The role list: what the first screen shows, filtering as you type, moving the cursor, drawing only what is seen."""

from __future__ import annotations

import time
from unittest.mock import patch

from _ui_helpers import (
    ADMIN,
    BILLING,
    CROSS,
    DEVELOPER,
    SUPPORT,
    catalog,
    detail_text,
    header_text,
    make_app,
    row_text,
    settle,
    synthetic_catalog,
)
from textual.geometry import Region
from textual.strip import Strip

from roleui.core.models import Catalog
from roleui.ui.app import RoleuiApp
from roleui.ui.widgets.filter_input import FilterInput
from roleui.ui.widgets.role_list import RoleList, layout


async def test_the_first_screen_lists_every_role_with_account_id_and_tags_and_details_the_first() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        assert list(app.role_list.rows) == [0, 1, 2, 3, 4]
        first = row_text(app, 0)
        assert "shared-data" in first
        assert "222222222222" in first
        assert "CrossAccountS3ReadOnly" in first
        assert "environment=prod" in first
        assert "(5 roles)" in header_text(app)
        detail = await detail_text(pilot)
        assert "arn:aws:iam::222222222222:role/CrossAccountS3ReadOnly" in detail
        assert "set (value hidden)" in detail
        assert "my-secret-external-id-1234" not in detail
        assert isinstance(app.focused, RoleList)


async def test_typing_a_filter_narrows_the_list_and_counts_what_is_left() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash", *"admin")
        assert app.filter_input.value == "admin"
        # AdminAccessRole starts with the word: it ranks before BillingAdmin, which only contains it.
        assert list(app.role_list.rows) == [ADMIN, BILLING]
        assert "(2/5 roles)" in header_text(app)
        await pilot.press(*"acc")
        assert list(app.role_list.rows) == [ADMIN]
        await pilot.press(*["backspace"] * 8)
        assert list(app.role_list.rows) == [0, 1, 2, 3, 4]


async def test_fuzzy_letters_match_and_the_matched_characters_are_highlighted() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash", *"prdsup")
        assert list(app.role_list.rows) == [SUPPORT]
        strip = app.role_list.render_line(1)
        match_style = app.role_list.get_component_rich_style("role-list--match", partial=True)
        highlighted = "".join(
            s.text for s in strip if s.style and s.style.underline and s.style.color == match_style.color
        )
        assert highlighted == "PrdSup"  # the letters typed, not the span


async def test_a_key_value_word_matches_tags_and_other_words_narrow_it() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash", *"env:staging")
        assert list(app.role_list.rows) == [DEVELOPER, DEVELOPER + 1]
        await pilot.press(*" dev")
        assert list(app.role_list.rows) == [DEVELOPER]


async def test_nothing_matching_says_so_and_escape_clears_the_filter() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash", *"zzzz")
        assert list(app.role_list.rows) == []
        assert "no role matches 'zzzz'" in row_text(app, 0)
        assert app.role_list.highlighted_role is None
        await pilot.press("escape")
        assert isinstance(app.focused, RoleList)
        assert app.filter_input.value == "zzzz"
        await pilot.press("escape")
        assert app.filter_input.value == ""
        assert len(app.role_list.rows) == 5


async def test_arrows_and_page_keys_in_the_filter_still_move_the_list() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash", "down", "down")
        assert isinstance(app.focused, FilterInput)
        assert app.role_list.highlighted == SUPPORT
        await pilot.press("up")
        assert app.role_list.highlighted == ADMIN


async def test_up_down_j_k_page_home_end_move_the_cursor_through_thousands_of_rows() -> None:
    app = make_app(synthetic_catalog(1000))
    async with app.run_test(size=(120, 40)) as pilot:
        roles = app.role_list
        await pilot.press("down", "j", "j")
        assert roles.cursor == 3
        await pilot.press("up", "k")
        assert roles.cursor == 1
        await pilot.press("pagedown")
        page = roles.size.height - 1
        assert roles.cursor == 1 + page
        assert roles.cursor in roles.visible_rows()
        await pilot.press("end")
        assert roles.cursor == 2999
        assert round(roles.scroll_y) == roles.max_scroll_y
        assert "identity-prod-00999" in row_text(app, 2999)
        await pilot.press("pageup")
        assert roles.cursor == 2999 - page
        await pilot.press("home")
        assert roles.cursor == 0
        assert round(roles.scroll_y) == 0


async def test_the_detail_pane_follows_the_cursor_and_spells_out_the_chain_and_its_cap() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("down", "down")
        detail = await detail_text(pilot)
        assert "main / support/ProdSupportRole" in detail
        assert "main/AdminAccessRole → main/ProdSupportRole" in detail
        assert "1h cap" in detail
        await pilot.press("up")
        detail = await detail_text(pilot)
        assert "MFA arn:aws:iam::123456789012:mfa/deepak.dev" in detail
        assert "asks before assuming" in detail


async def test_clicking_a_row_moves_the_cursor_there() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.click(RoleList, offset=(10, 1 + DEVELOPER))
        assert app.role_list.highlighted == DEVELOPER


async def test_only_visible_rows_are_drawn_and_a_tick_redraws_only_visible_rows_with_sessions() -> None:
    app = make_app(synthetic_catalog(10_000))
    async with app.run_test(size=(120, 40)) as pilot:
        roles = app.role_list
        drawn: list[int] = []
        original = roles._row

        def spy(row: int, width: int, padded: int):  # type: ignore[no-untyped-def]
            drawn.append(row)
            return original(row, width, padded)

        roles._row = spy  # type: ignore[method-assign]
        roles.refresh()
        await pilot.pause()
        assert drawn
        assert max(drawn) < roles.size.height
        with_session = {0, 5, 20_000}  # two on screen, one far below
        assert roles.refresh_countdowns(lambda index: index in with_session) == 2


async def test_an_empty_catalog_says_how_to_get_roles() -> None:
    app = make_app(Catalog())
    async with app.run_test(size=(120, 40)):
        assert "no roles: `roleui init` writes a catalog (`roleui init --example`: the format)" in row_text(app, 0)


def test_columns_fit_narrow_screens_by_dropping_the_id_first() -> None:
    wide = layout(120, account_max=20, role_max=25)
    assert wide.id == 12
    narrow = layout(70, account_max=20, role_max=25)
    assert narrow.id == 0
    tiny = layout(40, account_max=20, role_max=25)
    assert tiny.account >= 6
    assert tiny.role >= 6


async def test_rows_fit_the_width_exactly_with_long_names_cut_by_an_ellipsis() -> None:
    long = catalog().roles[CROSS]
    assert long.account.name
    app = make_app()
    async with app.run_test(size=(60, 30)):
        for row in range(5):
            assert len(row_text(app, row)) == app.role_list.scrollable_content_region.width
        assert "…" in row_text(app, CROSS)


async def test_a_query_wider_than_the_filter_box_keeps_its_end_in_view() -> None:
    app = make_app()
    async with app.run_test(size=(60, 30)) as pilot:
        query = "web " * 20 + "dev"
        await pilot.press("slash", *query)
        assert app.filter_input.value == query
        shown = filter_line(app)
        assert shown.strip().startswith("filter ")
        assert shown.rstrip().endswith("web dev")
        assert list(app.role_list.rows) == [DEVELOPER]


def filter_line(app: RoleuiApp) -> str:
    return "".join(segment.text for segment in app.filter_input.render_line(0))


async def test_the_filter_edits_like_a_shell_prompt() -> None:
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        box = app.filter_input
        await pilot.press("slash", *"web prod")
        await pilot.press("ctrl+w")
        assert (box.value, box.cursor_position) == ("web ", 4)
        await pilot.press("home", "x", "end", "y")
        assert box.value == "xweb y"
        await pilot.press("left", "left", "backspace", "delete")
        assert (box.value, box.cursor_position) == ("xwey", 3)
        await pilot.press("ctrl+a", "ctrl+k")
        assert box.value == ""
        await pilot.press(*"data", "ctrl+u")
        assert box.value == ""
        assert list(app.role_list.rows) == list(range(len(app.role_list.roles))), "an empty filter shows every role"


async def test_a_paste_lands_in_the_filter_as_one_line_of_printable_text() -> None:
    from textual import events

    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("slash")
        app.filter_input.post_message(events.Paste("dev\nignored second line"))
        await pilot.pause()
        assert app.filter_input.value == "dev"
        assert list(app.role_list.rows) == [DEVELOPER]
        app.filter_input.post_message(events.Paste("\tx\x1b"))
        await pilot.pause()
        assert app.filter_input.value == "dev x "


async def test_the_filter_shows_its_hint_until_something_is_typed() -> None:
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        assert "press / and type" in filter_line(app)
        await pilot.press("slash", "d")
        assert "press / and type" not in filter_line(app)


async def test_a_countdown_redraw_due_while_keys_arrive_waits_for_a_pause_in_the_typing() -> None:
    from roleui.ui.app import TYPING_QUIET

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("slash", "w")
        app._last_tick = time.monotonic() - 1.0  # a redraw is due
        app._typed_at = time.monotonic()  # as a key is typed
        app.tick()  # the timer fires right after a keystroke: not in the next keystroke's frame
        assert app._tick_waiting is not None
        assert time.monotonic() - app._last_tick >= 1.0
        app._tick_waiting.stop()
        app._typed_at -= TYPING_QUIET  # the user pauses: the waiting redraw comes
        app._tick_after_keys()
        assert app._tick_waiting is None
        assert time.monotonic() - app._last_tick < 0.5


async def test_a_full_garbage_collection_due_while_keys_arrive_waits_for_the_same_pause() -> None:
    import gc

    from roleui.ui import held_collections
    from roleui.ui.app import TYPING_QUIET

    full: list[str] = []

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and info["generation"] == 2:
            full.append(phase)

    threshold = gc.get_threshold()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        held_collections.hold()
        gc.callbacks.append(seen)
        try:
            for _ in range(held_collections.FULL_AFTER):
                gc.collect(1)  # as frames go by: a full collection is due
            assert full == []  # CPython no longer runs it on its own
            await pilot.press("slash", "w")
            app._last_tick = time.monotonic() - 1.0
            app._typed_at = time.monotonic()  # as a key is typed
            app.tick()
            assert full == []
            assert app._tick_waiting is not None
            app._tick_waiting.stop()
            app._typed_at -= TYPING_QUIET  # the user pauses
            app._tick_after_keys()
            assert full == ["start"]
            app.tick()  # not due again so soon
            assert full == ["start"]
        finally:
            gc.callbacks.remove(seen)
            gc.set_threshold(*threshold)


async def test_a_keystrokes_young_garbage_is_collected_after_its_frame_is_drawn_not_inside_it() -> None:
    import gc

    from roleui.ui import held_collections
    from roleui.ui.widgets.role_list import RoleList

    events: list[str] = []

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and info["generation"] < 2:
            events.append("collected")

    draw = RoleList.render_lines

    def drawn(self: RoleList, crop: Region) -> list[Strip]:
        events.append("drawn")
        return draw(self, crop)

    threshold = gc.get_threshold()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash")
        await pilot.pause()
        filter_input = app.query_one(FilterInput)
        apply = filter_input._on_change
        assert apply is not None

        def filtered(query: str) -> None:
            events.append("filtered")
            apply(query)

        filter_input._on_change = filtered
        held_collections.hold()
        gc.callbacks.append(seen)
        try:
            with patch.object(RoleList, "render_lines", drawn):
                # More new objects than CPython waits for (kept: objects freed on the spot are not counted).
                young = [[] for _ in range(2 * held_collections.YOUNG_AFTER)]
                await pilot.press("w")
                await pilot.pause(0.05)
            assert "collected" in events
            after_key = events[events.index("filtered") + 1 :]
            assert after_key[0] == "drawn"  # the list for the key was drawn before any collection
            assert gc.get_count()[0] < held_collections.YOUNG_AFTER
            assert len(young) == 2 * held_collections.YOUNG_AFTER
        finally:
            gc.callbacks.remove(seen)
            gc.set_threshold(*threshold)


async def test_countdowns_are_redrawn_at_least_every_two_seconds_however_fast_keys_arrive() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("slash", "w")
        app._last_tick = time.monotonic() - 2.0  # the redraw has waited a whole second already
        app.tick()
        assert app._tick_waiting is None
        assert time.monotonic() - app._last_tick < 0.5


async def test_clicking_a_key_in_the_bottom_bar_runs_its_action() -> None:
    from roleui.ui.widgets.key_bar import KeyBar

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        start = next(start for start, _end, action in app.key_bar._spans if action == "copy_console_url")
        await pilot.click(KeyBar, offset=(start + 1, 0))
        assert app.clipboard.startswith("https://signin.aws.amazon.com/switchrole?account=222222222222")


async def test_the_list_keeps_its_width_and_the_screen_its_layout_when_the_rows_stop_filling_it() -> None:
    app = make_app(synthetic_catalog(300))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        roles = app.role_list
        width = roles.scrollable_content_region.width
        laid_out: list[object] = []
        layout = app.screen._refresh_layout
        app.screen._refresh_layout = lambda *a, **k: laid_out.append(a) or layout(*a, **k)  # type: ignore[method-assign]
        await pilot.press("slash", *"data-prod-0001")  # from 900 rows to a few: the scrollbar's track stays
        await settle(pilot)
        assert 0 < len(roles.rows) < roles.size.height
        assert roles.scrollable_content_region.width == width
        header = "".join(segment.text for segment in roles.render_line(0))
        assert len(header) == width
        assert header.rstrip().endswith("SESSION")
        await pilot.press(*["backspace"] * 14)
        await settle(pilot)
        assert len(roles.rows) == 900
        assert laid_out == []  # a layout pass redraws the whole screen: none for a keystroke
