"""The reason modal: a role that asks for a reason (`require_reason`, or an account tag in `[defaults]
reason_tags`) gets one line of why before each new session; it goes to the trail (and the reason_tag session tag).
Escape cancels the assume."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from roleui.core.sessions.reasons import MAX_REASON, clean_reason
from roleui.ui.safe import plain
from roleui.ui.screens.dialog import Dialog


class ReasonScreen(Dialog[str | None]):
    """Returns the reason (one clean line), or None when cancelled."""

    DEFAULT_CSS = """
    #reason-text {
        width: 60;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]
    AUTO_FOCUS = "#reason-text"

    def __init__(self, role_key: str, scope: str | None = None) -> None:
        super().__init__()
        self.role_key = role_key
        self.scope = scope

    def compose(self) -> ComposeResult:
        with Vertical(id="reason-dialog", classes="dialog"):
            yield Label("Reason", classes="dialog-title")
            scoped = Text(f" ({self.scope})") if self.scope else Text("")
            yield Static(Text.assemble("Why assume ", plain(self.role_key, "bold"), scoped, "?"))
            yield Input(placeholder="e.g. ticket OPS-42: restart the deploy", max_length=MAX_REASON, id="reason-text")
            yield Static("", id="reason-problem", classes="problem")
            yield Static("Enter: assume   Esc: cancel   kept in `roleui history`", classes="hint")

    @on(Input.Submitted, "#reason-text")
    def submit(self, event: Input.Submitted) -> None:
        reason = clean_reason(event.value)
        if reason is None:
            self.query_one("#reason-problem", Static).update("write a reason — this role asks for one")
            return
        self.dismiss(reason)

    def action_cancel(self) -> None:
        self.dismiss(None)
