"""Where each key typed in the list or the filter goes, decided in the order the keys arrive.

Textual hands a key to the focused widget by posting it to that widget's queue, and `Widget.focus()` only takes
effect later (`call_later`). A key that moves the focus (`/`, Enter or Escape in the filter) was therefore acted
on after the keys typed behind it had already been sent to the widget that had the focus: `/admin` typed in one
burst ran `a`... as list keys and left the filter empty, and Enter right after a burst assumed the row the cursor
was on before it. Here the app decides, in its own queue and in arrival order, what each key does to the list
and the filter, and does it at once (the focus included), so the next key always meets the result of the last.

Type to filter, as in fzf and granted: in the list, a printable key that no action is bound to starts the filter
with itself. Keys bound to actions (`s` shell, `c` URL, `q` quit, `j`/`k` move...) keep their action: a word that
starts with one of them is typed after `/` (the help screen says so).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import events

if TYPE_CHECKING:
    from textual.app import App
    from textual.widget import Widget

    from roleui.ui.widgets.filter_input import FilterInput
    from roleui.ui.widgets.role_list import RoleList


def focus_now(widget: Widget) -> None:
    """Give `widget` the focus before the next key is routed (`Widget.focus()` waits for the app's queue)."""
    widget.screen.set_focus(widget)


def starts_filter(event: events.Key) -> bool:
    """A key typed in the list that begins a query: printable, not a space, and bound to no action."""
    return event.is_printable and event.character is not None and not event.character.isspace()


async def route_key(app: App[Any], filter_input: FilterInput, role_list: RoleList, event: events.Event) -> bool:
    """Act on a key or a paste the app just received if the list or the filter has the focus; True if done.

    Everything else (dialogs, the palette, the sessions panel, mouse events) keeps Textual's own routing."""
    if not isinstance(event, (events.Key, events.Paste)) or event.is_forwarded:
        return False
    focused = app.focused
    if focused is not filter_input and focused is not role_list:
        return False
    if isinstance(event, events.Paste):
        lines = event.text.splitlines()
        focus_now(filter_input)
        if lines:
            filter_input.insert(lines[0])
        return True
    app.app_focus = True
    # Textual's order: priority bindings (the app's Ctrl+Q...), then the focused widget, then bindings upwards.
    if await app._check_bindings(event.key, priority=True):
        return True
    if focused is filter_input:
        if event.is_printable and event.character is not None:
            filter_input.insert(event.character)
            return True
        return await app._check_bindings(event.key)
    if await app._check_bindings(event.key):
        return True
    if starts_filter(event):
        assert event.character is not None
        focus_now(filter_input)
        filter_input.insert(event.character)
        return True
    return False
