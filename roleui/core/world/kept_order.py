"""The order of a list that grows under the user's eyes: the rows already shown stay where they were.

Discovery (AWS Organizations, Identity Center) lands after the first screen; sorting its roles into the list then
would move every row the user was reading or had the cursor on. So until the user filters again, the rows shown
keep their order and the new ones come after them (the order the filter gives takes over with the next query).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence


def kept_order(shown: Sequence[str], rows: Sequence[int], key_of: Callable[[int], str]) -> list[int]:
    """`rows` (indexes, in the new list's order) rearranged: those whose key is in `shown` first, in `shown`'s
    order, then the others in their own order. A key shown twice (two profiles of one role) keeps both places."""
    place: dict[str, int] = {}
    for at, key in enumerate(shown):
        place.setdefault(key, at)
    known: list[tuple[int, int, int]] = []
    new: list[int] = []
    for position, index in enumerate(rows):
        found = place.get(key_of(index))
        if found is None:
            new.append(index)
        else:
            known.append((found, position, index))
    known.sort()
    return [index for _, _, index in known] + new
