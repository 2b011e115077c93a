"""The filter box: typing filters the role list at once; arrows and page keys still move the list's cursor.

Enter assumes the highlighted role (the app handles `Input.Submitted`), Escape returns to the list, and a
second Escape (or Escape in the list) clears the filter.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.widgets import Input


class FilterInput(Input):
    """An Input that forwards list movement keys instead of moving its own cursor."""

    PLACEHOLDER = "press / and type: account, id, alias, role, OU, tag value; key:value matches tags (env:prod)"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move('cursor_up')", "Up", show=False),
        Binding("down", "move('cursor_down')", "Down", show=False),
        Binding("pageup", "move('page_up')", "Page up", show=False),
        Binding("pagedown", "move('page_down')", "Page down", show=False),
        Binding("escape", "leave", "Back to the list", show=False),
    ]

    class Move(Message):
        """Move the list cursor: `action` is one of the list's cursor actions (cursor_up, page_down, ...)."""

        def __init__(self, action: str) -> None:
            super().__init__()
            self.action = action

    class Leave(Message):
        """Escape: back to the list."""

    def __init__(self, *, on_change: Callable[[str], None] | None = None, id: str | None = None) -> None:
        super().__init__(placeholder=self.PLACEHOLDER, id=id, select_on_focus=False)
        self._on_change = on_change
        # A blinking cursor redraws twice a second; a keystroke landing just after such a frame waits for the next
        # frame slot (Textual draws at most 60 times a second), which shows as +16 ms on filter latency.
        self.cursor_blink = False

    def _watch_value(self, value: str) -> None:
        # Input sets virtual_size (a layout reactive) to the text's width on every keystroke, and a layout pass
        # redraws the whole screen (~5 ms). The box's size never depends on its text: set it quietly first, so
        # Input's own assignment changes nothing. (textual is pinned; tests cover a query wider than the box.)
        self.set_reactive(Input.virtual_size, Size(self.content_width, 1))
        super()._watch_value(value)

    def watch_value(self, value: str) -> None:
        # Called in the keystroke's own call stack: the list is refilled before the next frame, so the typed
        # character and the new rows are drawn together (Input.Changed would arrive a frame later).
        if self._on_change is not None:
            self._on_change(value)

    def action_move(self, action: str) -> None:
        self.post_message(self.Move(action))

    def action_leave(self) -> None:
        self.post_message(self.Leave())
