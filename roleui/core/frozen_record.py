"""`FrozenRecord`: the base of the few small records a cold assume builds, written as plain classes.

Python 3.11 writes and compiles six methods for each frozen dataclass when its module is imported: ~1.5 ms a class
on the benchmark's machine, paid by every cold `roleui env`. The records built on this base share those methods
instead (one copy, compiled with this module); everything else stays a dataclass. A record behaves as a
frozen dataclass with slots does: it compares equal to a record of its own class with equal fields, hashes on its
fields, shows them in its repr, and refuses assignment and deletion with FrozenInstanceError. It is not a dataclass
(no `dataclasses.replace` or `fields`): records that need those stay dataclasses.

A record lists its fields in `__slots__`, in their order (annotated in the class body as in a dataclass), and its
`__init__` hands their values to `_init` in that order.
"""

from __future__ import annotations

from dataclasses import FrozenInstanceError


class FrozenRecord:
    __slots__: tuple[str, ...] = ()
    _hidden: tuple[str, ...] = ()  # fields left out of the repr (secrets), as `field(repr=False)` does

    def _init(self, *values: object) -> None:
        for name, value in zip(self.__slots__, values, strict=True):
            object.__setattr__(self, name, value)

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, FrozenRecord)
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__ if name not in self._hidden)
        return f"{type(self).__qualname__}({shown})"

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")
