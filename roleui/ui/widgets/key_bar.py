"""The bottom line: the keys of what has focus (the list's actions, or the filter's keys), clickable.

One Static drawing text instead of Textual's Footer, which builds a widget per key: that costs about 15 ms of the
first screen, and the keys here change only when focus moves between the list and the filter.
"""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Static

from roleui.ui.actions import ACTIONS

# While the filter has focus, letter keys type; these are the keys that still act.
FILTER_KEYS: tuple[tuple[str, str, str], ...] = (
    ("⏎", "assume", "assume"),
    ("↑↓", "move", ""),
    ("esc", "back to the list", "clear_filter"),
)


class KeyBar(Static):
    """Shows `action_keys` (action -> key) for the list, or FILTER_KEYS while the filter has focus."""

    def __init__(self, action_keys: dict[str, str], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.action_keys = action_keys
        self.filtering = False
        self._spans: list[tuple[int, int, str]] = []  # start, end, action: what a click runs

    def set_filtering(self, filtering: bool) -> None:
        if filtering != self.filtering:
            self.filtering = filtering
            self.refresh()

    def render(self) -> Content:
        parts: list[tuple[str, str]] = []
        self._spans = []
        at = 0
        if self.filtering:
            items = list(FILTER_KEYS)
        else:
            items = [
                (self.app.get_key_display(Binding(self.action_keys[a.name], a.name)), a.footer, a.name)
                for a in ACTIONS
                if a.footer
            ]
        for key, label, action in items:
            parts += [(f" {key} ", "bold $accent"), (f"{label} ", "$foreground-muted")]
            width = len(key) + len(label) + 3
            if action:
                self._spans.append((at, at + width, action))
            at += width
        palette = " ^p palette "
        if self.size.width and at + len(palette) <= self.size.width:
            parts.append((" " * (self.size.width - at - len(palette)), ""))
            parts += [(" ^p ", "bold $accent"), ("palette ", "$foreground-muted")]
            self._spans.append((self.size.width - len(palette), self.size.width, "command_palette"))
        return Content.assemble(*parts)

    async def on_click(self, event: events.Click) -> None:
        for start, end, action in self._spans:
            if start <= event.x < end:
                await self.app.run_action(action)
                return
