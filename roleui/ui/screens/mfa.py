"""The MFA modal: asks for the 6-digit code of a device, once per MFA session (the engine keeps the session).

When the catalog has `mfa_process`, the engine runs it and this modal never opens. Escape cancels the assume.
In the demo, a note says any 6-digit code works.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from roleui.core.limits import check_token_code
from roleui.ui.safe import plain
from roleui.ui.screens.dialog import Dialog


def code_request(role_key: str, serial: str) -> Text:
    """What the dialog asks, the role key in bold: built from Text parts, as both names are untrusted."""
    return Text.assemble("Assuming ", plain(role_key, "bold"), " needs a code from\n", plain(serial))


class MfaScreen(Dialog[str | None]):
    """Returns the code, or None when cancelled."""

    DEFAULT_CSS = """
    #mfa-code {
        width: 20;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]
    # Focused by Textual once composed (a query in on_mount met a screen not yet composed on a loaded machine).
    AUTO_FOCUS = "#mfa-code"

    def __init__(self, role_key: str, serial: str, *, note: str | None = None) -> None:
        super().__init__()
        self.role_key = role_key
        self.serial = serial
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(id="mfa-dialog", classes="dialog"):
            yield Label("MFA code", classes="dialog-title")
            yield Static(code_request(self.role_key, self.serial))
            yield Input(
                placeholder="6 digits",
                max_length=6,
                restrict=r"[0-9]*",
                id="mfa-code",
            )
            yield Static("", id="mfa-problem", classes="problem")
            if self.note:
                yield Static(plain(self.note), id="mfa-note", classes="note")
            yield Static(
                "Enter: use the code   Esc: cancel   one code opens an MFA session for every MFA role", classes="hint"
            )

    @on(Input.Submitted, "#mfa-code")
    def submit(self, event: Input.Submitted) -> None:
        code = event.value.strip()
        finding = check_token_code(code)
        if finding is not None:
            self.query_one("#mfa-problem", Static).update(f"{finding[0]} — {finding[1]}")
            return
        self.dismiss(code)

    def action_cancel(self) -> None:
        self.dismiss(None)
