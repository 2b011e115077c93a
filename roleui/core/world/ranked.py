"""A filter's result, best first, put in order as it is read: the list draws ~40 of its 20,000 rows.

`RoleFilter._rank` orders the matching roles by quality (a byte a row), catalog order within one quality. Picking
one quality's rows out of 20,000 is a C-level pass (~0.25 ms); a word found with skipped letters has up to eight
qualities, 1-2 ms of a keystroke for rows nobody reads before the next key. Here a quality's rows are picked out
when one of them is first read. How many each quality has is known at once (`bytes.count`), so the length is, and
where each quality's rows begin; a role's place (`index`: the list keeps its cursor on a role) is found by bisection
in the quality's rows, which are in catalog order.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from itertools import compress
from typing import overload

# `bytes.translate` tables: 0xFF where the quality is v, else 0 (a `compress` selector).
EQUALS = [bytes(v) + b"\xff" + bytes(255 - v) for v in range(256)]  # C-level: imported before the first screen


class Ranked(Sequence[int]):
    """Role indexes in the order of `parts`: each part either rows given (a tuple: favorites and frequent roles,
    put first) or a quality, standing for the rows of `indexes` whose byte in `qualities` is that quality."""

    __slots__ = ("_indexes", "_parts", "_qualities", "_starts", "_where")

    def __init__(self, indexes: Sequence[int], qualities: bytes, parts: list[tuple[int, ...] | int]) -> None:
        self._indexes, self._qualities, self._parts = indexes, qualities, parts
        self._where: dict[int, int] = {}  # quality -> its part
        self._starts = [0]  # where each part begins, and the length
        for n, part in enumerate(parts):
            if isinstance(part, int):
                self._where[part] = n
            size = qualities.count(part) if isinstance(part, int) else len(part)
            self._starts.append(self._starts[-1] + size)

    def __len__(self) -> int:
        return self._starts[-1]

    def _part(self, n: int) -> tuple[int, ...]:
        part = self._parts[n]
        if isinstance(part, int):
            part = self._parts[n] = tuple(compress(self._indexes, self._qualities.translate(EQUALS[part])))
        return part

    @overload
    def __getitem__(self, at: int) -> int: ...

    @overload
    def __getitem__(self, at: slice) -> tuple[int, ...]: ...

    def __getitem__(self, at: int | slice) -> int | tuple[int, ...]:
        if isinstance(at, slice):
            return tuple(self[n] for n in range(*at.indices(len(self))))
        if at < 0:
            at += len(self)
        if not 0 <= at < len(self):
            raise IndexError("ranked rows index out of range")
        n = bisect_right(self._starts, at) - 1
        return self._part(n)[at - self._starts[n]]

    def __iter__(self) -> Iterator[int]:
        for n in range(len(self._parts)):
            yield from self._part(n)

    def __eq__(self, other: object) -> bool:
        """Equal to the same rows as a tuple or a Ranked (the filter gives either, by how many qualities it saw)."""
        if not isinstance(other, tuple | Ranked):
            return NotImplemented
        return len(self) == len(other) and tuple(self) == tuple(other)

    __hash__ = None  # type: ignore[assignment]  # equal to a tuple, so not hashable as one: never a key

    def __contains__(self, value: object) -> bool:
        if not isinstance(value, int):
            return False
        try:
            self.index(value)
        except ValueError:
            return False
        return True

    def index(self, value: int, start: int = 0, stop: int | None = None) -> int:
        """Where role `value` is: found by bisection, not by reading the rows before it."""
        if start or stop is not None:
            return super().index(value, start, len(self) if stop is None else stop)
        indexes = self._indexes
        at = bisect_left(indexes, value)
        if at < len(indexes) and indexes[at] == value and self._qualities[at] in self._where:
            n = self._where[self._qualities[at]]
            return self._starts[n] + bisect_left(self._part(n), value)
        for n, part in enumerate(self._parts):  # a favorite or a frequent role: the given parts, a few rows
            if isinstance(part, tuple) and value in part:
                return self._starts[n] + part.index(value)
        raise ValueError(f"{value} is not in the ranked rows")
