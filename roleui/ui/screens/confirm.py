"""Asks before assuming a role marked `confirm = true` (or matched by an organization rule that says so)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, Static

from roleui.ui.safe import plain
from roleui.ui.screens.dialog import Dialog


class ConfirmScreen(Dialog[bool]):
    """Returns True to go ahead."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, role_key: str, role_arn: str, doing: str = "Assume") -> None:
        super().__init__()
        self.role_key = role_key
        self.role_arn = role_arn
        self.doing = doing

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="dialog"):
            yield Label(plain(f"{self.doing} {self.role_key}?"), classes="dialog-title")
            yield Static(plain(f"{self.role_arn}\nThis role is marked confirm: it asks before each new session."))
            with Horizontal(classes="buttons"):
                yield Button("Yes (y)", variant="warning", id="yes")
                yield Button("No (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
