"""Shown when a copy may not have arrived: only the terminal's OSC 52 escape was possible (no clipboard tool, or it
failed), and nothing tells whether the terminal or tmux passed it on. Shows what was copied when it is not a
secret, and the command that gives the same in another shell."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Label, Static

from roleui.ui.screens.dialog import Dialog

WHY = (
    "roleui sent it to the terminal's clipboard (OSC 52) but cannot tell whether it arrived: tmux passes it on only "
    "with `set -g set-clipboard on`, some terminals ignore it, and no clipboard tool (pbcopy, wl-copy, xclip, xsel) "
    "took it here."
)


class CopiedMaybeScreen(Dialog[None]):
    """`what` was copied (maybe); `shown` is the copied text when it may be shown, `command` the shell equivalent;
    `secret` (a sign-in URL) is shown only when the user asks for it with `s`. Every text is plain, never markup."""

    DEFAULT_CSS = """
    #copied-dialog {
        width: 100;
        max-width: 100%;
    }
    #copied-dialog .shown {
        color: $text-accent;
        margin-top: 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter,q", "close", "Close"),
        Binding("s", "show_secret", "Show", show=False),
    ]

    def __init__(self, what: str, *, shown: str | None, command: str, secret: str | None = None) -> None:
        super().__init__()
        self.what = what
        self.shown = shown
        self.command = command
        self.secret = secret

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="copied-dialog", classes="dialog"):
            # A Static, not a Label: a long role key wraps instead of being cut.
            yield Static(f"{self.what}: copied only if your terminal allowed it", classes="dialog-title", markup=False)
            yield Static(WHY, markup=False)
            if self.shown is not None:
                yield Static(self.shown, id="copied-text", classes="shown", markup=False)
            yield Label("The same from a shell", classes="dialog-title section")
            yield Static(self.command, id="copied-command", classes="shown", markup=False)
            if self.secret is not None:
                yield Static(
                    "s shows the URL (it holds a sign-in token, valid 15 minutes: mind who sees the screen).",
                    id="copied-secret",
                    classes="note",
                    markup=False,
                )
            yield Static("Esc closes this screen.", classes="hint")

    def action_show_secret(self) -> None:
        if self.secret is not None:
            self.query_one("#copied-secret", Static).update(self.secret)

    def action_close(self) -> None:
        self.dismiss(None)
