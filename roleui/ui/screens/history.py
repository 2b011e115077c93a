"""The history view (`h`): the trail's newest entries — when, what, which role and scope, why, which key id —
read from roleui's private log (roleui/core/sessions/trail.py). Every value is untrusted text: shown as plain Text."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Label, Static

from roleui.core.clock import Clock, utc_now
from roleui.ui.safe import plain
from roleui.ui.screens.dialog import Dialog

SHOWN = 200  # the newest entries; `roleui history` reads them all


def history_table(entries: list[dict[str, Any]]) -> Table:
    table = Table(box=None, padding=(0, 1), expand=True)
    for name in ("time (UTC)", "event", "role", "scope", "key id", "reason", "result"):
        table.add_column(name, no_wrap=name != "reason", overflow="ellipsis")
    for entry in reversed(entries[-SHOWN:]):
        result = str(entry.get("result", ""))
        table.add_row(
            plain(str(entry.get("time", ""))[5:16].replace("T", " ")),
            plain(str(entry.get("event", ""))),
            plain(str(entry.get("role_key", ""))),
            plain(str(entry.get("scope") or "")),
            plain(str(entry.get("access_key_id") or "")),
            plain(str(entry.get("reason") or "")),
            plain(result, "" if result in ("ok", "cached") else "red"),
        )
    return table


class HistoryScreen(Dialog[None]):
    """The newest entries of the trail, newest first."""

    DEFAULT_CSS = """
    #history-dialog {
        width: 120;
        max-width: 100%;
        height: 80%;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,h", "close", "Close")]

    def __init__(self, *, clock: Clock = utc_now) -> None:
        super().__init__()
        self.clock = clock

    def compose(self) -> ComposeResult:
        from roleui.core.sessions import trail

        entries = trail.read_entries()
        with VerticalScroll(id="history-dialog", classes="dialog"):
            yield Label("roleui — history", classes="dialog-title")
            if entries:
                yield Static(history_table(entries), id="history-table")
            else:
                yield Static(Text(f"nothing yet: the trail ({trail.trail_path()}) is empty"), id="history-empty")
            yield Static("`roleui history --trail` prints each session's CloudTrail link.  Esc closes.", classes="hint")

    def action_close(self) -> None:
        self.dismiss(None)
