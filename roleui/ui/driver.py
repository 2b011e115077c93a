"""A terminal driver for `eval "$(roleui --print-env)"`: stdout is a pipe there, so the size comes from stderr.

Textual's Linux driver already draws on stderr and reads stdin, but asks `shutil.get_terminal_size()`, which looks
at stdout and falls back to 80x24: the first frame would be drawn at the wrong size.
"""

from __future__ import annotations

import os
import sys

from textual.drivers.linux_driver import LinuxDriver


class StderrSizedDriver(LinuxDriver):
    """LinuxDriver that measures the terminal it draws on (stderr) when stdout is not a terminal."""

    def _get_terminal_size(self) -> tuple[int, int]:
        for stream in (sys.__stderr__, sys.__stdin__):
            try:
                columns, lines = os.get_terminal_size(stream.fileno()) if stream is not None else (0, 0)
            except (OSError, ValueError):
                continue
            if columns and lines:
                return columns, lines
        size: tuple[int, int] = super()._get_terminal_size()
        return size
