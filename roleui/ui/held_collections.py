"""Garbage collections run in the pauses between keystrokes, not inside a keystroke's frames.

CPython collects the young generation after every 700 new container objects, the middle one after every ten of
those, and everything after every ten of those. A keystroke makes thousands (each of Textual's strips carries
several caches), so one or two young collections (0.5-1.5 ms each), now and then a middle one (~2 ms) and once in
fifty keys a full one (5-16 ms over the UI's long-lived objects) fell inside the keystroke, between the key and the
list drawn for it. Once the first screen is up (`hold`), CPython collects on its own only after far more new
objects than a keystroke makes; the app runs the collections CPython would have run by then right after each
keystroke's frame (`collect_young`) and a full one in its once-a-second tick (`collect_if_due`), which waits for
a pause in the typing (at most a second: roleui/ui/app.py `tick`). Memory waits as long, no longer.
"""

from __future__ import annotations

import gc

YOUNG_AFTER = 700  # new container objects between young collections: CPython's own default
YOUNG_HELD = 50_000  # the same while held: a safety net, far more than a keystroke or a second of the UI makes
FULL_AFTER = 10  # middle-generation collections between full ones: CPython's own default
_FULL_HELD = 1 << 30


def hold() -> None:
    """From now on the young and middle generations are collected by `collect_young` and a full collection by
    `collect_if_due` (the UI, once its first screen is up)."""
    middle = gc.get_threshold()[1]
    gc.set_threshold(YOUNG_HELD, middle, _FULL_HELD)


def held() -> bool:
    """True once `hold` has run (the thresholds it set are still in force)."""
    return gc.get_threshold()[2] == _FULL_HELD


def collect_young() -> int | None:
    """Run the young (or middle) collection CPython would have run by now; the generation it ran, if any."""
    young, middle, _ = gc.get_count()
    if not held() or young < YOUNG_AFTER:
        return None
    generation = 1 if middle >= gc.get_threshold()[1] else 0
    gc.collect(generation)
    return generation


def collect_if_due() -> bool:
    """Run the full collection CPython would have run by now; True if it ran."""
    if not held() or gc.get_count()[2] < FULL_AFTER:
        return False
    gc.collect(2)
    return True
