"""How much a keystroke draws, and when: the details in the list's frame, rows of few segments (roleui/ui/app.py,
roleui/ui/cells.py; the timings themselves are benchmarks/bench_ui.py's)."""

from __future__ import annotations

from _ui_helpers import make_app, settle, synthetic_catalog
from rich.style import Style

from roleui.ui.cells import LineBuilder, fit_cells


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


async def test_the_list_draws_the_same_strips_as_textuals_generic_path_and_only_its_dirty_lines() -> None:
    from textual.geometry import Region
    from textual.widget import Widget

    app = make_app(synthetic_catalog(40))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", "d", "a")
        await settle(pilot)
        roles = app.role_list
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
