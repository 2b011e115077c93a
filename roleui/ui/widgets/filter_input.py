"""The filter line: `filter` and the query; typing filters the role list at once, keys still move the list.

One line-API widget instead of a Label and Textual's Input in a container. Input is built for forms (selection,
scrolling, validation, a blinking cursor, a layout pass per keystroke that had to be worked around) and the three
widgets cost ~10 ms of the first screen; a filter needs a line of text with a cursor, the editing keys of a shell
prompt, and paste.

Enter assumes the highlighted role (`on_submit`; with no match the box keeps the focus), Escape returns to the list
(`on_leave`), a second Escape (or Escape in the list) clears the filter and keeps the highlighted role;
Up/Down/PgUp/PgDn move the list's cursor (`on_move`). These are callbacks, not messages: a message would be handled
after the keys typed behind Enter or Escape, which must meet the focus those keys moved (see ui/key_routing.py).

A typed change reaches `on_change` right after the frame that draws it: the echo of a key never waits for the
list, and the keys of a burst or a paste refill it once. Enter, Escape and the moves hear of it first (`flush`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.cells import cell_len
from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widget import Widget

from roleui.ui.widgets.kept_lines import KeptLines

LABEL = "filter "


class FilterInput(KeptLines, Widget, can_focus=True):
    """A one-line text field; `value` is the query and `on_change` hears every change in the same call stack."""

    PLACEHOLDER = "press / and type: account, role, id, alias, OU, tag value (env:prod)"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move('cursor_up')", "Up", show=False),
        Binding("down", "move('cursor_down')", "Down", show=False),
        Binding("pageup", "move('page_up')", "Page up", show=False),
        Binding("pagedown", "move('page_down')", "Page down", show=False),
        Binding("escape", "leave", "Back to the list", show=False),
        Binding("enter", "submit", "Assume", show=False),
        Binding("left", "cursor(-1)", show=False),
        Binding("right", "cursor(1)", show=False),
        Binding("home,ctrl+a", "home", show=False),
        Binding("end,ctrl+e", "end", show=False),
        Binding("ctrl+left,alt+b", "word_left", show=False),
        Binding("ctrl+right,alt+f", "word_right", show=False),
        Binding("backspace,ctrl+h", "delete_left", show=False),
        Binding("delete,ctrl+d", "delete_right", show=False),
        Binding("ctrl+w,ctrl+backspace", "delete_word_left", show=False),
        Binding("ctrl+u", "delete_left_all", show=False),
        Binding("ctrl+k", "delete_right_all", show=False),
    ]

    def __init__(
        self,
        *,
        on_change: Callable[[str], None] | None = None,
        on_submit: Callable[[], None] | None = None,
        on_leave: Callable[[], None] | None = None,
        on_move: Callable[[str], None] | None = None,
        id: str | None = None,
    ) -> None:
        """`on_move` gets one of the list's cursor actions (cursor_up, page_down, ...)."""
        super().__init__(id=id)
        self._on_change = on_change
        self._submit_callback = on_submit
        self._leave_callback = on_leave
        self._move_callback = on_move
        self._pending = False  # a typed change on_change has not heard of yet
        self._value = ""
        self.cursor_position = 0

    @property
    def value(self) -> str:
        return self._value

    @value.setter
    def value(self, text: str) -> None:
        self._edit(text, len(text), typed=False)

    def set_quietly(self, text: str) -> None:
        """Set the query without telling `on_change` (the caller refills the list itself, e.g. keeping its cursor)."""
        self._value = text
        self._pending = False
        self.cursor_position = len(text)
        self.refresh()

    def _edit(self, text: str, cursor: int, *, typed: bool = True) -> None:
        changed = text != self._value
        self._value = text
        self.cursor_position = max(0, min(cursor, len(text)))
        self.refresh()
        if not changed or self._on_change is None:
            return
        if not typed:
            self._pending = False
            self._on_change(text)
        elif not self._pending:
            # Typed: the line (the echo of the key) is drawn in the next frame and the list follows right after
            # it, as in fzf; keys that arrive before that frame (a burst, a paste) join the same refill.
            self._pending = True
            self.call_after_refresh(self.flush)

    def flush(self) -> None:
        """Tell `on_change` now about a typed change it has not heard of yet (before acting on the list)."""
        if self._pending:
            self._pending = False
            if self._on_change is not None:
                self._on_change(self._value)

    def insert(self, text: str) -> None:
        # A pasted tab or escape sequence would draw as garbage on the line: the filter only needs words.
        text = "".join(char if char.isprintable() else " " for char in text)
        at = self.cursor_position
        self._edit(self._value[:at] + text + self._value[at:], at + len(text))

    # -- drawing -------------------------------------------------------------------------------------------------

    def render(self) -> Content:
        room = max(1, self.content_size.width - len(LABEL))
        label = (LABEL, "$text-muted")
        cursor = "reverse" if self.has_focus else ""
        if not self._value:
            hint = self.PLACEHOLDER
            return Content.assemble(label, (hint[:1], f"$text-muted {cursor}"), (hint[1:room], "$text-muted"))
        text, at = self._value, self.cursor_position
        # Longer than the line: show the part around the cursor, as a shell prompt does.
        start = 0
        while start < at and cell_len(text[start:at]) >= room:
            start += 1
        shown = text[start:]
        at -= start
        return Content.assemble(label, shown[:at], (shown[at : at + 1] or " ", cursor), shown[at + 1 :])

    def _on_focus(self, event: events.Focus) -> None:
        self.refresh()  # the cursor shows only while focused

    def _on_blur(self, event: events.Blur) -> None:
        self.refresh()

    # -- keys ----------------------------------------------------------------------------------------------------

    async def _on_key(self, event: events.Key) -> None:
        if event.is_printable and event.character is not None:
            event.stop()
            event.prevent_default()
            self.insert(event.character)

    def _on_paste(self, event: events.Paste) -> None:
        lines = event.text.splitlines()
        if lines:
            self.insert(lines[0])
        event.stop()

    def action_move(self, action: str) -> None:
        self.flush()
        if self._move_callback is not None:
            self._move_callback(action)

    def action_leave(self) -> None:
        self.flush()
        if self._leave_callback is not None:
            self._leave_callback()

    def action_submit(self) -> None:
        self.flush()
        if self._submit_callback is not None:
            self._submit_callback()

    def action_cursor(self, delta: int) -> None:
        self.cursor_position = max(0, min(self.cursor_position + delta, len(self._value)))
        self.refresh()

    def action_home(self) -> None:
        self.action_cursor(-len(self._value))

    def action_end(self) -> None:
        self.action_cursor(len(self._value))

    def _word_start(self) -> int:
        """Where the word left of the cursor starts (spaces before it skipped, as a shell's Ctrl+W does)."""
        at = self.cursor_position
        while at and self._value[at - 1] == " ":
            at -= 1
        while at and self._value[at - 1] != " ":
            at -= 1
        return at

    def _word_end(self) -> int:
        at, text = self.cursor_position, self._value
        while at < len(text) and text[at] == " ":
            at += 1
        while at < len(text) and text[at] != " ":
            at += 1
        return at

    def action_word_left(self) -> None:
        self.action_cursor(self._word_start() - self.cursor_position)

    def action_word_right(self) -> None:
        self.action_cursor(self._word_end() - self.cursor_position)

    def action_delete_left(self) -> None:
        at = self.cursor_position
        if at:
            self._edit(self._value[: at - 1] + self._value[at:], at - 1)

    def action_delete_right(self) -> None:
        at = self.cursor_position
        self._edit(self._value[:at] + self._value[at + 1 :], at)

    def action_delete_word_left(self) -> None:
        start = self._word_start()
        self._edit(self._value[:start] + self._value[self.cursor_position :], start)

    def action_delete_left_all(self) -> None:
        self._edit(self._value[self.cursor_position :], 0)

    def action_delete_right_all(self) -> None:
        self._edit(self._value[: self.cursor_position], self.cursor_position)
