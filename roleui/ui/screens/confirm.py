"""Yes/No questions: before assuming a role that asks first (`confirm = true`, an organization rule, or
`[defaults] confirm_tags`), and before destructive palette actions (forget every session)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, Static

from roleui.ui.safe import plain, plain_lines
from roleui.ui.screens.dialog import Dialog

MARKED_CONFIRM = "This role is marked confirm: it asks before each new session."


class QuestionScreen(Dialog[bool]):
    """Returns True to go ahead; No has the focus, Escape and n answer No. Title and body are plain text (the body
    may hold several lines)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, title: str, body: str) -> None:
        super().__init__()
        self.title_text = title
        self.body = body

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="dialog"):
            yield Label(plain(self.title_text), classes="dialog-title")
            yield Static(plain_lines(self.body))
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


class ConfirmScreen(QuestionScreen):
    """Asks before assuming (or refreshing) a role that asks first; `reason` says why it asks."""

    def __init__(self, role_key: str, role_arn: str, doing: str = "Assume", *, reason: str = MARKED_CONFIRM) -> None:
        super().__init__(f"{doing} {role_key}?", f"{role_arn}\n{reason}")
        self.role_key = role_key
        self.role_arn = role_arn
        self.doing = doing
