"""Full garbage collections wait for a pause in the typing, like the countdowns' redraw.

CPython runs a full collection after every ten collections of the middle generation: with the UI's long-lived
objects (Textual's styles and cached lines, the filter's caches) that walk took 5-16 ms, and it fell in a
keystroke's frame about once in fifty keys, the slowest keystrokes of all. The young generations still run as
CPython decides (every frame's strips are garbage cycles in Textual, freed there); only the full collection is
held, and the app's once-a-second tick runs it when it is due, which it defers while keys arrive (at most a
second: roleui/ui/app.py `tick`), so memory waits at most that long too.
"""

from __future__ import annotations

import gc

FULL_AFTER = 10  # middle-generation collections between full ones: CPython's own default


def hold() -> None:
    """From now on a full collection runs only in `collect_if_due` (the UI, once its first screen is up)."""
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, 1 << 30)


def collect_if_due() -> bool:
    """Run the full collection CPython would have run by now; True if it ran."""
    if gc.get_threshold()[2] < 1 << 30 or gc.get_count()[2] < FULL_AFTER:
        return False
    gc.collect(2)
    return True
