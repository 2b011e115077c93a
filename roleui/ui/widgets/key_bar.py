"""The bottom line: the keys of what has focus (the list's actions, or the filter's keys), clickable.

On a narrow screen the most needed keys show (assume, filter, quit first) and `? help` always ends the line; the help
screen and the palette (ctrl+p) list every key.

One Static drawing text instead of Textual's Footer, which builds a widget per key: that costs about 15 ms of the
first screen, and the keys here change only when focus moves between the list and the filter.
"""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Static

from roleui.ui.actions import ACTIONS, Action
from roleui.ui.widgets.kept_lines import KeptLines

# While the filter has focus, letter keys type; these are the keys that still act.
FILTER_KEYS: tuple[tuple[str, str, str], ...] = (
    ("⏎", "assume", "assume"),
    ("↑↓", "move", ""),
    ("esc", "back to the list", "clear_filter"),
)


# What must show on the narrowest screen first (80 columns shows about eight); `help` is always there, last.
PRIORITY = (
    "assume",
    "focus_filter",
    "quit",
    "sign_in",  # only where there is an Identity Center sign-in (`with_sign_in`)
    "shell",
    "copy_exports",
    "copy_console_url",
    "open_console",
    "toggle_favorite",
    "command_palette",
    "refresh_session",
    "forget_session",
)
# Left to right: the list's actions in their usual order, then the palette, quit and help.
ORDER = (*(a.name for a in ACTIONS if a.name not in ("help", "quit")), "command_palette", "quit", "help")


class KeyBar(KeptLines, Static):
    """Shows `action_keys` (action -> key) for the list, or FILTER_KEYS while the filter has focus."""

    def __init__(
        self, action_keys: dict[str, str], *, id: str | None = None, actions: tuple[Action, ...] = ACTIONS
    ) -> None:
        super().__init__(id=id)
        self.action_keys = action_keys
        self.actions = actions  # ACTIONS as the catalog's [browser] mode words them
        self.filtering = False
        self.with_sign_in = False  # `l` shows once the app knows of an Identity Center sign-in
        self._spans: list[tuple[int, int, str]] = []  # start, end, action: what a click runs

    def set_filtering(self, filtering: bool) -> None:
        if filtering != self.filtering:
            self.filtering = filtering
            self.refresh()

    def set_sign_in(self, shown: bool) -> None:
        if shown != self.with_sign_in:
            self.with_sign_in = shown
            self.refresh()

    def list_items(self, width: int) -> list[tuple[str, str, str]]:
        """(key, label, action) of the list's keys that fit in `width` cells, most needed first, help last."""
        items: dict[str, tuple[str, str, str]] = {
            a.name: (self.app.get_key_display(Binding(self.action_keys[a.name], a.name)), a.footer, a.name)
            for a in self.actions
            if a.footer and self.action_keys.get(a.name) and (a.name != "sign_in" or self.with_sign_in)
        }
        items["command_palette"] = ("^p", "palette", "command_palette")
        help_item = items.pop("help", None)
        room = width - (_width(help_item) if help_item else 0)
        chosen: set[str] = set()
        for name in PRIORITY:
            item = items.get(name)
            if item is not None and _width(item) <= room:
                chosen.add(name)
                room -= _width(item)
        shown = [items[name] for name in ORDER if name in chosen]
        return shown + ([help_item] if help_item else [])

    def render(self) -> Content:
        parts: list[tuple[str, str]] = []
        self._spans = []
        at = 0
        items = list(FILTER_KEYS) if self.filtering else self.list_items(self.size.width or 80)
        for key, label, action in items:
            parts += [(f" {key} ", "bold $accent"), (f"{label} ", "$foreground-muted")]
            width = _width((key, label, action))
            if action:
                self._spans.append((at, at + width, action))
            at += width
        return Content.assemble(*parts)

    async def on_click(self, event: events.Click) -> None:
        for start, end, action in self._spans:
            if start <= event.x < end:
                await self.app.run_action(action)
                return


def _width(item: tuple[str, str, str]) -> int:
    key, label, _ = item
    return len(key) + len(label) + 3
