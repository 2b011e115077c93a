"""Python's cyclic garbage collector runs between bursts of keys, not in the middle of one.

Drawing a frame of the list allocates thousands of small objects, so the collector runs every few keystrokes on
its own: its younger generations take ~1 ms, a full collection 7-10 ms (every object the app made since the first
screen). Landing inside a keystroke, that is the slowest keystroke of a query. While keys arrive it is paused;
a second after the last key it runs as usual again and catches up. Objects freed by reference counting (nearly
all of them) are freed at once either way: only cycles wait, for the length of a burst of typing.
"""

from __future__ import annotations

import gc
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App
    from textual.timer import Timer

QUIET = 1.0  # seconds without a key after which the collector runs again


class IdleCollector:
    """Pauses the collector while the user types (`typing()` on each key); never enables one the app disabled."""

    def __init__(self, app: App[Any]) -> None:
        self._app = app
        self._timer: Timer | None = None
        self._paused = False
        self._last_key = 0.0

    def typing(self) -> None:
        if not self._paused:
            if not gc.isenabled():
                return  # off until the first screen (commands/ui.py): not this class's to turn on
            gc.disable()
            self._paused = True
        self._last_key = time.monotonic()
        if self._timer is None:
            self._timer = self._app.set_timer(QUIET, self._resume_if_quiet, name="idle-gc")

    def _resume_if_quiet(self) -> None:
        left = self._last_key + QUIET - time.monotonic()
        if left > 0:  # keys came meanwhile: one timer per burst, looked at again when the burst may be over
            self._timer = self._app.set_timer(left, self._resume_if_quiet, name="idle-gc")
            return
        self._timer = None
        if self._paused:
            self._paused = False
            gc.enable()
