"""How much a keystroke draws, and when: the details in the list's frame, rows of few segments (roleui/ui/app.py,
roleui/ui/cells.py; the timings themselves are benchmarks/bench_ui.py's)."""

from __future__ import annotations

from typing import Any

import pytest
from _ui_helpers import make_app, settle, synthetic_catalog, wait_for
from rich.style import Style
from textual.geometry import Region
from textual.pilot import Pilot
from textual.strip import Strip

from roleui.ui.app import RoleuiApp
from roleui.ui.cells import LineBuilder, fit_cells
from roleui.ui.widgets.role_list import RoleList


async def test_a_refill_shows_the_new_first_rows_details_in_the_same_call_as_the_list() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.filter_input.insert("developer")
        app.filter_input.flush()  # what the frame after the echo runs: the list and the details, no frame between
        first = app.role_list.highlighted_role
        assert first is not None
        assert first.name == "Developer"
        assert f"{first.account.name} / Developer" in str(app.detail_pane.render())


async def test_showing_the_same_details_again_asks_for_no_frame() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        pane = app.detail_pane
        refreshed: list[object] = []
        pane.refresh = lambda *a, **k: refreshed.append(a) or pane  # type: ignore[method-assign]
        app._show_detail()
        assert refreshed == []
        app.role_list.action_cursor_down()
        app._show_detail()
        assert refreshed != []


def test_a_run_of_matched_letters_is_one_segment_and_pieces_of_one_style_are_joined() -> None:
    plain, match = Style(color="white"), Style(bold=True)
    segments = fit_cells("payments-prod", 16, plain, match, [0, 1, 2, 9, 10])
    assert [(s.text, s.style) for s in segments] == [
        ("pay", match),
        ("ments-", plain),
        ("pr", match),
        ("od   ", plain),  # the text and its padding: one segment
    ]


def test_a_cut_name_never_highlights_its_ellipsis() -> None:
    plain, match = Style(color="white"), Style(bold=True)
    segments = fit_cells("abcdefgh", 5, plain, match, [2, 3, 4, 5])
    assert [(s.text, s.style) for s in segments] == [("ab", plain), ("cd", match), ("…", plain)]


def test_a_line_of_wide_characters_is_measured_and_an_ascii_line_is_not() -> None:
    style = Style()
    line = LineBuilder()
    line.fit("账户", 6, style)
    assert line.strip(8, style).cell_length == 8
    ascii_line = LineBuilder()
    ascii_line.fit("main", 6, style)
    strip = ascii_line.strip(8, style)
    assert strip.cell_length == 8
    assert strip.text == "main    "


def test_names_with_control_characters_are_drawn_as_pictures() -> None:
    segments = fit_cells("evil\x1b[2Jname", 20, Style(), None)
    assert "\x1b" not in "".join(s.text for s in segments)


async def filtered(pilot: Pilot[Any], query: str) -> RoleList:
    """The app's list once `query` is typed into its filter and the frames are drawn."""
    await settle(pilot)
    await pilot.press("slash", *query)
    await settle(pilot)
    app = pilot.app
    assert isinstance(app, RoleuiApp)
    return app.role_list


async def test_the_list_draws_the_same_strips_as_textuals_generic_path_and_only_its_dirty_lines() -> None:
    from textual.geometry import Region
    from textual.widget import Widget

    app = make_app(synthetic_catalog(40))
    async with app.run_test(size=(120, 40)) as pilot:
        roles = await filtered(pilot, "da")
        assert roles._undecorated()
        assert roles.show_vertical_scrollbar  # the rows' width is not the widget's
        whole, part = roles.size.region, Region(3, 2, 40, 5)  # a crop of a few columns, as the compositor asks

        visible = roles.scrollable_content_region.width  # the column under the scrollbar is never seen

        def generic(crop: Region) -> list[list[tuple[str, object]]]:
            roles._styles_cache.clear()
            lines = Widget.render_lines(roles, crop)
            return [[(s.text, s.style) for s in strip.crop(0, visible)] for strip in lines]

        def direct(crop: Region) -> list[list[tuple[str, object]]]:
            roles._styles_cache.clear()
            lines = roles.render_lines(crop)
            assert {strip.cell_length for strip in lines} == {crop.width}
            return [[(s.text, s.style) for s in strip.crop(0, visible)] for strip in lines]

        assert direct(whole) == generic(whole)
        assert direct(part) == generic(part)
        drawn: list[int] = []
        draw = roles._line
        roles._line = lambda y, width, padded: drawn.append(y) or draw(y, width, padded)  # type: ignore[method-assign]
        roles.refresh()
        roles.render_lines(whole)
        assert drawn == list(range(whole.height))
        drawn.clear()
        roles.render_lines(whole)  # nothing refreshed since: every line from the cache
        assert drawn == []
        roles.refresh_line(2)
        roles.render_lines(whole)
        assert drawn == [2]


async def test_a_decorated_list_takes_textuals_generic_path() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.role_list.styles.border = ("round", "red")
        await settle(pilot)
        assert not app.role_list._undecorated()
        assert "╭" in app.role_list.render_lines(app.role_list.size.region)[0].text


async def test_the_list_skips_the_true_color_filter_its_colors_do_not_need_and_keeps_one_that_changes_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from textual.filter import ANSIToTruecolor, Monochrome

    for no_color in (False, True):
        if no_color:
            monkeypatch.setenv("NO_COLOR", "1")
        app = make_app(synthetic_catalog(40))
        async with app.run_test(size=(120, 40)) as pilot:
            roles = await filtered(pilot, "da")
            background = roles.background_colors[1]
            kinds = {type(f) for f in roles._changing_filters(background)}
            assert kinds == ({Monochrome} if no_color else set())
            assert ANSIToTruecolor in {type(f) for f in roles.get_line_filters()}
            roles._styles_cache.clear()
            drawn = roles.render_lines(roles.size.region)
            through_filters = list(drawn)
            for line_filter in roles.get_line_filters():  # what Textual's own path does to every line
                through_filters = [strip.apply_filter(line_filter, background) for strip in through_filters]
            assert [[(s.text, s.style) for s in strip] for strip in drawn] == [
                [(s.text, s.style) for s in strip] for strip in through_filters
            ]
            colors = {s.style.color for strip in drawn for s in strip if s.style and s.style.color}
            assert all(color.triplet for color in colors)
            if no_color:
                assert all(len(set(color.triplet)) == 1 for color in colors)  # Monochrome: grays only


async def test_a_keystroke_draws_again_only_the_widgets_it_changed_and_the_others_hand_back_their_lines() -> None:
    from textual._styles_cache import StylesCache
    from textual.widget import Widget

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        header = app.header_bar
        await wait_for(pilot, lambda: bool(header.identity or header.identity_error))  # asked of a child process
        await pilot.press("slash")
        await settle(pilot)
        drawn: list[str] = []
        render_widget = StylesCache.render_widget

        def recording(cache: StylesCache, widget: Widget, crop: Region) -> list[object]:
            drawn.append(type(widget).__name__)
            return render_widget(cache, widget, crop)

        StylesCache.render_widget = recording  # type: ignore[assignment, method-assign]
        try:
            await pilot.press("w")  # web-staging's roles first: new rows, new details
            await settle(pilot)
        finally:
            StylesCache.render_widget = render_widget  # type: ignore[method-assign]
        assert f"{app.role_list.highlighted_role.account.name} / " in str(app.detail_pane.render())  # type: ignore[union-attr]
        # The details: inside their border only (BoxedText); the list: its own lines. Textual's own screen and
        # container under them are asked too (from their style cache).
        assert "FilterInput" in drawn
        assert set(drawn) <= {"FilterInput", "Screen", "Horizontal"}
        for widget in (app.key_bar, app.header_bar, app.detail_pane, app.role_list):
            crop = widget.outer_size.region
            kept = widget.render_lines(crop)
            assert widget.render_lines(crop) is kept  # nothing changed: the lines drawn last
            widget.refresh()
            again = widget.render_lines(crop)
            assert again is not kept
            assert [strip.text for strip in again] == [strip.text for strip in kept]


def _cells(strips: list[Strip]) -> list[list[tuple[str, object]]]:
    """Every cell of the lines with its style: two paths may cut the same line into other segments."""
    return [[(char, segment.style) for segment in strip for char in segment.text] for strip in strips]


async def test_a_new_text_redraws_the_details_inside_their_border_exactly_as_textuals_generic_path_would() -> None:
    from textual.widget import Widget

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        pane = app.detail_pane
        whole = pane.outer_size.region
        redrawn: list[int] = []
        generic = Widget.render_lines
        for row in (1, 2, 1, 4):
            app.role_list.move_cursor(row)
            app._show_detail()  # what the list's frame does after a keystroke
            assert pane._text_only, "a new text after a generic draw: the text-only path"
            drawn = pane.render_lines(whole)
            assert not pane._text_only
            pane._styles_cache.clear()
            expected = generic(pane, whole)
            assert _cells(drawn) == _cells(expected)
            redrawn.append(len(drawn))
            part = Region(2, 1, 30, 4)  # a crop, as the compositor may ask under a notification
            pane.update_text(pane._shown)  # type: ignore[arg-type]
            assert _cells(pane.render_lines(part)) == _cells([s.crop(2, 32) for s in expected[1:5]])
        assert redrawn == [whole.height] * 4
        pane.styles.tint = "red 20%"  # a decoration the text-only path does not compose: the generic path
        await pilot.pause()
        app.role_list.action_cursor_down()
        app._show_detail()
        assert pane._text_lines(whole) is None
