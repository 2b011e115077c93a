"""Keys in the app's queue all at once, as a burst from the terminal puts them there (roleui/ui/key_routing.py).

Pilot's `press` waits for each key to be handled, which is how the old code passed its tests while dropping keys
typed quickly; these tests post the whole burst before the app handles any of it. tests/test_e2e_keys.py does the
same from outside, through a real pseudo-terminal.
"""

from __future__ import annotations

from _ui_helpers import make_app, settle
from textual import events

from roleui.ui.state import Active, Assuming

CHARACTERS = {"slash": "/", "enter": "\r", "escape": "\x1b", "backspace": "\x7f", "down": None}


def burst(app: object, *keys: str) -> None:
    """Post every key before the app handles the first."""
    from textual.app import App

    assert isinstance(app, App)
    for key in keys:
        app.post_message(events.Key(key, CHARACTERS.get(key, key)))


async def test_a_burst_after_slash_types_every_letter_into_the_filter_in_order() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        burst(app, "slash", *"qcsyx")  # letters that are actions in the list
        await pilot.pause()
        assert app.filter_input.value == "qcsyx"
        assert app.is_running
        assert app.clipboard == ""


async def test_enter_at_the_end_of_a_burst_assumes_the_filtered_role_not_the_one_under_the_cursor(aws: str) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        before = app.role_list.highlighted_role
        assert before is not None
        assert before.key != "web-staging/Developer"
        burst(app, "slash", *"developer", "enter")
        await settle(pilot)
        assert app.filter_input.value == "developer"
        assert isinstance(app.states.get("web-staging/Developer"), Assuming | Active)  # the chosen row
        assert before.key not in app.states
        assert app.focused is app.role_list


async def test_keys_after_escape_in_a_burst_go_to_the_list_again() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        burst(app, "slash", *"web", "escape", "down", "j")
        await pilot.pause()
        assert app.filter_input.value == "web"  # `j` moved the cursor instead of being typed
        assert app.focused is app.role_list
        assert app.role_list.cursor == 1  # the list has two web rows: down, then j stops at the last


async def test_a_key_no_action_uses_starts_the_filter_and_a_paste_in_the_list_fills_it() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        burst(app, *"prod")
        await pilot.pause()
        assert (app.filter_input.value, app.focused) == ("prod", app.filter_input)
        burst(app, "escape", "escape")
        await pilot.pause()
        app.post_message(events.Paste("shared\nignored second line"))
        await pilot.pause()
        assert (app.filter_input.value, app.focused) == ("shared", app.filter_input)
