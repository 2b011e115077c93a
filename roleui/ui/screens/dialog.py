"""The base of roleui's modal dialogs (MFA code, confirm, help) and their shared look.

Their styles live here, not in app.tcss: Textual parses a screen's DEFAULT_CSS when the screen is first shown, so
the app's first screen does not pay for the CSS of dialogs it has not opened (~3 ms of a ~190 ms start).
"""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen

ResultType = TypeVar("ResultType")


class Dialog(ModalScreen[ResultType]):
    """A centred box (a container with `classes="dialog"`) over the dimmed app."""

    DEFAULT_CSS = """
    Dialog {
        align: center middle;
    }

    .dialog {
        width: 72;
        max-width: 100%;
        height: auto;
        max-height: 90%;
        border: thick $primary;
        background: $surface;
        padding: 1 2;
    }

    .dialog-title {
        text-style: bold;
        color: $text-primary;
        margin-bottom: 1;
    }

    .dialog-title.section {
        margin-top: 1;
    }

    .dialog .note {
        color: $text-warning;
        margin-top: 1;
    }

    .dialog .problem {
        color: $text-error;
    }

    .dialog .hint {
        color: $text-muted;
        margin-top: 1;
    }

    .dialog .buttons {
        height: auto;
        margin-top: 1;
    }

    .dialog Button {
        margin-right: 2;
    }
    """
