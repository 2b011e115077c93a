"""The help screen (`?`): the keys as bound now (the catalog's `[keys]` included), filter syntax, colors."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Label, Static

from roleui.ui.actions import ACTIONS, Action
from roleui.ui.screens.dialog import Dialog

KEY_WIDTH = 21

MOVES = (
    ("↑ ↓  k j", "move the cursor"),
    ("PgUp PgDn", "move by a page"),
    ("Home End", "to the first or last role"),
    ("Esc", "leave the filter; in the list, clear it"),
    ("ctrl+p", "command palette: every action by name"),
)

FILTER_HELP = (
    "Words match, in any order, the account name, id, aliases, role name, OU path and tag values; a word may "
    "skip letters (`wbprd` finds web-prod). `key:value` matches tags (`env:prod` finds environment=prod). "
    "Favorites come first, then the roles you assume most often and most recently, then the best matches "
    "(`ro` picks ReadOnly, the initials of its words, before a role that merely contains ro). The order changes "
    "when the filter does, never under the cursor: f marks a favorite in place. "
    "The box edits like a shell prompt: ctrl+a/ctrl+e start/end, ctrl+w deletes a word, ctrl+u the line."
)


class HelpScreen(Dialog[None]):
    """Every key (as bound now) and what it does; the demo's story when in the demo."""

    DEFAULT_CSS = """
    #help-dialog {
        width: 104;
        max-width: 100%;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,question_mark", "close", "Close")]

    def __init__(
        self, keys: dict[str, str], *, demo_note: str | None = None, actions: tuple[Action, ...] = ACTIONS
    ) -> None:
        super().__init__()
        self.keys = keys
        self.actions = actions
        self.demo_note = demo_note

    def compose(self) -> ComposeResult:
        # Two columns: the descriptions wrap at word boundaries under themselves, whatever the terminal's width.
        table = Table.grid(padding=(0, 2))
        table.add_column(no_wrap=True, min_width=8, max_width=KEY_WIDTH, style="bold")
        table.add_column(ratio=1)
        rows = [
            (self.app.get_key_display(Binding(key, a.name)) if (key := self.keys.get(a.name)) else "—", a.title, a.help)
            for a in self.actions
        ]
        rows += [(key, what, "") for key, what in MOVES]
        for key, title, help_text in rows:
            described = Text(title)
            if help_text:
                described.append(f" — {help_text}", style="dim")
            table.add_row(Text(key), described)
        colors = Text()
        colors.append("Session column: ")
        colors.append("59m 12s", style="green")
        colors.append(" · under 15 min ")
        colors.append("14m 59s", style="yellow")
        colors.append(" · under 5 min ")
        colors.append("4m 59s", style="bold red")
        colors.append(" (and a notification) · ")
        colors.append("expired", style="red strike")
        colors.append(" · ")
        colors.append("failed", style="bold red")
        colors.append(" (details in the pane) · ")
        colors.append("◇ 59m 12s")
        colors.append(" scoped (a session policy: read-only with v)")
        with VerticalScroll(id="help-dialog", classes="dialog"):
            yield Label("roleui — keys", classes="dialog-title")
            yield Static(table, id="help-keys")
            yield Label("Filter", classes="dialog-title section")
            yield Static(FILTER_HELP)
            yield Static(colors)
            if self.demo_note:
                yield Label("Demo", classes="dialog-title section")
                yield Static(self.demo_note, id="help-demo-note", classes="note")
            yield Static("Esc, q or ? closes this screen.", classes="hint")

    def action_close(self) -> None:
        self.dismiss(None)
