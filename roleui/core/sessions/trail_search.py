"""`roleui history [FILTER] [--since D]`: which lines of the trail (roleui/core/sessions/trail.py) a query keeps.

Apart from the trail itself, which every assume writes to: a cold `roleui env` records one line and never
searches, so it does not build this module's class.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from roleui.core.timefmt import parse_time


@dataclass(frozen=True)
class Query:
    """`roleui history [FILTER] [--since D]`: words that must all appear, and how far back."""

    words: tuple[str, ...] = ()
    since: timedelta | None = None


def matching(entries: list[dict[str, Any]], query: Query, now: datetime) -> list[dict[str, Any]]:
    found = []
    for entry in entries:
        if query.since is not None:
            try:
                if parse_time(entry["time"]) < now - query.since:
                    continue
            except (ValueError, TypeError):
                continue
        text = " ".join(str(v) for v in entry.values()).lower()
        if all(word.lower() in text for word in query.words):
            found.append(entry)
    return found
