"""The role list's scrollbar is redrawn when the bar it draws changes, not on every new number of rows
(roleui/ui/widgets/thumb_scrollbar.py)."""

from __future__ import annotations

from _ui_helpers import make_app, settle, synthetic_catalog
from textual.geometry import Offset
from textual.widget import Widget

from roleui.ui.widgets.thumb_scrollbar import ThumbScrollBar


async def test_a_filter_that_leaves_the_thumb_as_it_was_does_not_redraw_the_scrollbar() -> None:
    app = make_app(synthetic_catalog(2_000))  # 6,000 rows: a one-cell thumb at the top
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        bar = app.role_list.vertical_scrollbar
        assert isinstance(bar, ThumbScrollBar)
        await pilot.press("slash")  # the focus moves: the list and its bar are restyled once
        await settle(pilot)
        drawn: list[object] = []
        draw, draw_direct = bar.render_line, bar._direct_lines
        bar.render_line = lambda y: drawn.append(y) or draw(y)  # type: ignore[method-assign]
        bar._direct_lines = lambda crop: drawn.append(crop) or draw_direct(crop)  # type: ignore[method-assign]
        await pilot.press(*"data")  # hundreds of rows still: the same one-cell thumb
        await settle(pilot)
        assert 0 < len(app.role_list.rows) < 6_000
        assert drawn == []
        await pilot.press(*"-prod-000")  # a few dozen rows: a long thumb
        await settle(pilot)
        assert drawn != []


async def test_the_scrollbar_on_screen_is_always_the_one_a_full_redraw_would_draw() -> None:
    app = make_app(synthetic_catalog(300))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        bar = app.role_list.vertical_scrollbar
        for key in ("slash", *"data-prod-0", "backspace", "down", "down", "pagedown", "end"):
            await pilot.press(key)
            await settle(pilot)
            if not bar.display:
                continue
            region = bar.size.region
            shown = [strip.text for strip in bar.render_lines(region)]  # Textual's line cache: what is on screen
            bar.refresh()
            assert [strip.text for strip in bar.render_lines(region)] == shown, key


async def test_the_bar_drawn_from_its_segments_is_the_bar_textual_draws_segment_by_segment() -> None:
    app = make_app(synthetic_catalog(300))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        bar = app.role_list.vertical_scrollbar
        assert isinstance(bar, ThumbScrollBar)
        compared = 0
        for key in ("slash", *"data-prod-0", "backspace", "down", "pagedown", "end", "hover", "grab"):
            if key == "hover":
                bar.mouse_over = True
            elif key == "grab":
                bar.grabbed = Offset(0, 0)
            else:
                await pilot.press(key)
                await settle(pilot)
            if not bar.display:
                continue
            region = bar.size.region
            direct = bar._direct_lines(region)
            assert direct is not None, "the vertical bar of the list is drawn from its segments"
            bar.refresh()
            textual = Widget.render_lines(bar, region)  # Textual's generic path: the Rich renderable, its styles
            assert [list(strip) for strip in direct] == [list(strip) for strip in textual], key
            compared += 1
        assert compared >= 15
