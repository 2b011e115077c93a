"""One problem found in a catalog or an AWS config file: where it is, which key, what is wrong and what to do.

A ConfigError (roleui/core/errors.py) lists them. Apart from the errors every command imports, so a command that
finds no problem (a cold `roleui env` taking its world from the cache) does not build this class.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem found in a catalog: where it is, which key, what is wrong and what to do."""

    file: str
    line: int
    key: str
    message: str
    hint: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"
        return f"{text} — {self.hint}" if self.hint else text
