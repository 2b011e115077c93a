"""The Identity Center sign-in modal: the verification URL and the code to compare, while roleui waits for the
browser to approve (the URL is already on the clipboard, and opened when a graphical browser exists).

It closes by itself when the sign-in lands (the app dismisses it); Escape cancels the sign-in. The URL and code
come from AWS and are shown as plain text, never as markup.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Label, Static

from roleui.ui.screens.dialog import Dialog


def safe_text(text: str) -> str:
    """What AWS sent, printable only: a control character never reaches the terminal."""
    return "".join(char if char.isprintable() else " " for char in text)


class SignInScreen(Dialog[bool]):
    """Returns True when the sign-in landed (dismissed by the app), False when the user cancelled it."""

    DEFAULT_CSS = """
    #sign-in-code {
        text-style: bold;
        color: $text-accent;
        margin: 1 0;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        sign_in: str,
        url: str,
        code: str | None,
        *,
        browser_opened: bool,
        role_key: str | None = None,
        signed_in_until: datetime | None = None,
    ) -> None:
        super().__init__()
        self.sign_in = sign_in
        self.url = url
        self.code = code
        self.browser_opened = browser_opened
        self.role_key = role_key
        self.signed_in_until = signed_in_until  # `l` on a valid sign-in: this is a new one, said so

    def compose(self) -> ComposeResult:
        with Vertical(id="sign-in-dialog", classes="dialog"):
            yield Label("Sign in to IAM Identity Center", classes="dialog-title")
            why = Text("Sign-in ")
            why.append(safe_text(self.sign_in), style="bold")
            if self.role_key:
                why.append(" for ")
                why.append(safe_text(self.role_key), style="bold")
            if self.signed_in_until is not None:
                why.append(f" (signed in until {self.signed_in_until:%H:%M} UTC: this signs in again)")
            yield Static(why)
            opened = "opened in your browser and copied" if self.browser_opened else "copied to the clipboard"
            yield Static(Text(f"Open this URL ({opened}):\n") + Text(safe_text(self.url), style="underline"))
            if self.code:
                yield Static("and check that the page shows this code:")
                yield Static(Text(safe_text(self.code)), id="sign-in-code")
            yield Static("Waiting for the approval…", id="sign-in-status", classes="note")
            goes_on = "   the assume that needed it goes on once you are signed in" if self.role_key else ""
            yield Static(f"Esc: cancel{goes_on}", classes="hint")

    def action_cancel(self) -> None:
        self.dismiss(False)
