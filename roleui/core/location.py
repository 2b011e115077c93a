"""Where an entry of the catalog was written, for messages: `file:line` (models.py re-exports it)."""

from __future__ import annotations

from roleui.core.frozen_record import FrozenRecord, record


@record
class Location(FrozenRecord):
    """Where an entry was written, for messages: `file:line`."""

    file: str
    line: int

    def __init__(self, file: str, line: int) -> None:
        self._init(file, line)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"
