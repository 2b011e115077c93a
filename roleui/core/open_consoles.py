"""Which consoles roleui has opened, and until when they last: as far as roleui knows (a console signed out in the
browser, or a window closed, is not seen). Shared by `o` and `console-url --open` through a private file in the
data directory; a damaged file reads as "none open".

The `default` mode reads it to know whether the browser holds another identity (then it signs out first); the
`multi-session` mode to warn before a sixth identity; the sessions panel to mark roles with a console open.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from roleui.core.paths import data_dir
from roleui.core.private_files import read_private, write_private

FILE = "consoles.json"
UNKNOWN_LIFETIME = timedelta(hours=1)  # a console opened by a link (no SessionDuration): the console's default
MAX_RECORDS = 200


@dataclass(frozen=True, slots=True)
class OpenConsole:
    role_key: str
    account_id: str
    mode: str
    opened: datetime
    expires: datetime | None  # None: opened through a link whose console session length roleui does not set

    def is_open(self, now: datetime) -> bool:
        end = self.expires or self.opened + UNKNOWN_LIFETIME
        return now < end


def consoles_file() -> Path:
    return data_dir() / FILE


def read_consoles(path: Path | None = None) -> list[OpenConsole]:
    try:
        data = json.loads(read_private(path or consoles_file()))
        return [
            OpenConsole(
                role_key=str(item["role_key"]),
                account_id=str(item["account_id"]),
                mode=str(item["mode"]),
                opened=datetime.fromisoformat(item["opened"]),
                expires=datetime.fromisoformat(item["expires"]) if item.get("expires") else None,
            )
            for item in data
        ]
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return []


def open_now(now: datetime, path: Path | None = None) -> list[OpenConsole]:
    """The consoles still open at `now`, the latest per role, most recent first."""
    latest: dict[str, OpenConsole] = {}
    for record in sorted(read_consoles(path), key=lambda r: r.opened):
        latest[record.role_key] = record
    return sorted((r for r in latest.values() if r.is_open(now)), key=lambda r: r.opened, reverse=True)


def remember(record: OpenConsole, now: datetime, path: Path | None = None, *, replaces: bool = False) -> None:
    """Add `record`, dropping what has closed (and, with `replaces`, the other consoles of its mode: a browser
    whose console holds one identity); a file that cannot be written is left alone (the console did open)."""
    kept = [
        r
        for r in read_consoles(path)
        if r.is_open(now) and r.role_key != record.role_key and not (replaces and r.mode == record.mode)
    ][-MAX_RECORDS:]
    rows = [
        {
            "role_key": r.role_key,
            "account_id": r.account_id,
            "mode": r.mode,
            "opened": r.opened.isoformat(),
            "expires": r.expires.isoformat() if r.expires else None,
        }
        for r in [*kept, record]
    ]
    try:
        write_private(path or consoles_file(), json.dumps(rows).encode())
    except OSError:
        return
