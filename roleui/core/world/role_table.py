"""The roles of a world as columns: a Sequence[Role] that builds each Role only when it is asked for.

A big organization is 30,000 roles. As frozen dataclasses they cost ~120 ms to build and ~19 MB to hold, while a
screen shows forty of them. A RoleTable keeps each account once, as a tuple of its fields, and each role as two
numbers: its account's slot and its "spec" (every field of the role but the account) — the roles discovered in
10,000 accounts share a handful of specs. Role and Account objects are built on first access and kept, so one
account's roles share one Account, as they do in a merged catalog.

The filter and the list read the columns (account names, the account tuples, which account and spec a role has)
and never build the 30,000 objects. Stored (`to_bytes`, kept by roleui/core/world/world_cache.py), the account tuples
are cut into chunks that are decoded on first use: the first screen decodes the one or two chunks it shows, and
the names, the widest names and the count per source are stored ready.
"""

from __future__ import annotations

import marshal
import struct
import zlib
from array import array
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import fields
from operator import attrgetter
from typing import Any, overload

from roleui.core.location import Location
from roleui.core.models import Account, Role, Source

ACCOUNT_FIELDS = tuple(f.name for f in fields(Account))
SPEC_FIELDS = tuple(f.name for f in fields(Role) if f.name != "account")
# Positions in the stored tuples, for the columns the UI reads without building objects.
A_ID, A_NAME, A_ALIASES, A_TAGS = (ACCOUNT_FIELDS.index(n) for n in ("id", "name", "aliases", "tags"))
A_OU_PATH, A_SOURCE = ACCOUNT_FIELDS.index("ou_path"), ACCOUNT_FIELDS.index("source")
S_NAME, S_SOURCE, S_PROFILE = (SPEC_FIELDS.index(n) for n in ("name", "source", "profile"))
_SPEC_TAGS = SPEC_FIELDS.index("session_tags")
_LOCATION = -1  # both Account and Role end with `location`
_spec_values = attrgetter(*SPEC_FIELDS)
_account_values = attrgetter(*ACCOUNT_FIELDS)
FORMAT = 5  # 4: the Identity Center fields of Role; 5: its session policies and require_reason
CHUNK = 256  # accounts per stored chunk
_HEAD = struct.Struct("<III")  # format, listed accounts, CRC-32 of the rest


def _plain(values: tuple[Any, ...]) -> tuple[Any, ...]:
    """Field values as marshal-able data: a Source becomes its value, a Location (file, line)."""
    location = values[_LOCATION]
    return (
        *(v.value if isinstance(v, Source) else v for v in values[:_LOCATION]),
        None if location is None else (location.file, location.line),
    )


def _shared(values: tuple[Any, ...], shared: dict[Any, Any]) -> tuple[Any, ...]:
    """The values with equal strings and equal tag dicts made one object: marshal then stores (and loads) each
    once per chunk — thousands of accounts share a few OU paths, states and tag sets."""
    return tuple(
        shared.setdefault(v, v)
        if isinstance(v, str)
        else shared.setdefault(("tags", *v.items()), v)
        if isinstance(v, dict)
        else v
        for v in values
    )


def _rich(values: Sequence[Any], source_at: int) -> list[Any]:
    """The inverse of _plain for a tuple whose Source sits at `source_at`."""
    rich = list(values)
    rich[source_at] = Source(rich[source_at])
    location = rich[_LOCATION]
    rich[_LOCATION] = None if location is None else Location(*location)
    return rich


class _Rows:
    """Account tuples by slot: a plain list, or stored chunks decoded on first use."""

    def __init__(self, rows: list[tuple[Any, ...]] | None, chunks: list[bytes] | None = None) -> None:
        self._rows = rows
        self._chunks = chunks
        self._decoded: list[list[tuple[Any, ...]] | None] = [None] * len(chunks or ())

    def __getitem__(self, slot: int) -> tuple[Any, ...]:
        if self._rows is not None:
            return self._rows[slot]
        chunk = self._decoded[slot // CHUNK]
        if chunk is None:
            chunk = self._decode(slot // CHUNK)
        return chunk[slot % CHUNK]

    def _decode(self, number: int) -> list[tuple[Any, ...]]:
        assert self._chunks is not None
        # Our own cache file, its CRC checked when read; marshal builds data and runs nothing.
        chunk: list[tuple[Any, ...]] = marshal.loads(self._chunks[number])  # noqa: S302
        self._decoded[number] = chunk
        return chunk

    def each(self) -> Iterator[tuple[Any, ...]]:
        """Every row once, in slot order, keeping only the chunks that were decoded already: a pass over all of
        them (the filter's haystacks) leaves ~250 bytes an account less behind than `all()`."""
        if self._rows is not None:
            yield from self._rows
            return
        assert self._chunks is not None
        for number, chunk in enumerate(self._decoded):
            yield from chunk if chunk is not None else marshal.loads(self._chunks[number])  # noqa: S302

    def all(self) -> list[tuple[Any, ...]]:
        if self._rows is None:
            self._rows = [row for n in range(len(self._decoded)) for row in (self._decoded[n] or self._decode(n))]
            self._chunks = None
        return self._rows


class RoleTable(Sequence[Role]):
    """Account slot `s` is the account named `account_names[s]` with the fields `account_row(s)`; the first
    `listed` accounts are the catalog's account list (any more are only referenced by roles). Role `i` is in
    account `account_of[i]` with the fields of spec `spec_of[i]`."""

    def __init__(
        self,
        names: list[str],
        rows: _Rows,
        specs: list[tuple[Any, ...]],
        account_of: Sequence[int],
        spec_of: Sequence[int],
        *,
        listed: int,
    ) -> None:
        self.account_names = names
        self._rows = rows
        self.specs = specs
        self.account_of = account_of
        self.spec_of = spec_of
        self.listed = listed
        self._accounts: list[Account | None] = [None] * len(names)
        self._roles: list[Role | None] = [None] * len(account_of)
        self._by_key: dict[str, int] | None = None
        self._more: dict[str, list[int]] = {}
        self._widest: tuple[int, int] | None = None
        self._sources: dict[str, int] | None = None

    # -- building --------------------------------------------------------------------------------------------

    @classmethod
    def of(cls, roles: Sequence[Role], accounts: Sequence[Account] = ()) -> RoleTable:
        """`roles` as a table (itself if it already is one); `accounts` are the catalog's account list."""
        if isinstance(roles, RoleTable):
            return roles
        slots: dict[int, int] = {}  # id(Account) -> slot: objects, not values, so a round trip keeps them apart
        rows: list[tuple[Any, ...]] = []
        objects: list[Account] = []
        shared: dict[Any, Any] = {}
        for account in (*accounts, *(r.account for r in roles)):
            if id(account) not in slots:
                slots[id(account)] = len(rows)
                rows.append(_shared(_plain(_account_values(account)), shared))
                objects.append(account)
        spec_slots: dict[tuple[Any, ...], int] = {}
        specs: list[tuple[Any, ...]] = []
        account_of = array("I")
        spec_of = array("I")
        for role in roles:
            values = _spec_values(role)
            key = (*values[:_SPEC_TAGS], tuple(values[_SPEC_TAGS].items()), *values[_SPEC_TAGS + 1 :])
            slot = spec_slots.get(key)
            if slot is None:
                slot = spec_slots[key] = len(specs)
                specs.append(_plain(values))
            account_of.append(slots[id(role.account)])
            spec_of.append(slot)
        names = [row[A_NAME] for row in rows]
        table = cls(names, _Rows(rows), specs, account_of, spec_of, listed=len(accounts))
        table._accounts = list(objects)
        table._roles = list(roles)
        return table

    def to_bytes(self) -> bytes:
        rows = self._rows.all()
        chunks = [marshal.dumps(rows[at : at + CHUNK]) for at in range(0, len(rows), CHUNK)]
        body = marshal.dumps(
            (
                self.account_names,
                chunks,
                self.specs,
                _column(self.account_of),
                _column(self.spec_of),
                self.widest_names(),
                self._count_sources(),
            )
        )
        return _HEAD.pack(FORMAT, self.listed, zlib.crc32(body)) + body

    @classmethod
    def from_bytes(cls, data: bytes | memoryview) -> RoleTable | None:
        """The table `to_bytes` wrote, or None for anything else (another format, a damaged file)."""
        try:
            version, listed, crc = _HEAD.unpack_from(data)
            body = memoryview(data)[_HEAD.size :]
            if version != FORMAT or zlib.crc32(body) != crc:
                return None
            # Our own 0600 cache file, its CRC checked; marshal builds data and runs nothing.
            names, chunks, specs, account_bytes, spec_bytes, widest, sources = marshal.loads(body)  # noqa: S302
            account_of, spec_of = array("I"), array("I")
            account_of.frombytes(account_bytes)
            spec_of.frombytes(spec_bytes)
        except (ValueError, EOFError, TypeError, struct.error):
            return None
        if len(account_of) != len(spec_of) or len(chunks) != -(-len(names) // CHUNK):
            return None
        if (account_of and max(account_of) >= len(names)) or (spec_of and max(spec_of) >= len(specs)):
            return None
        table = cls(names, _Rows(None, chunks), specs, account_of, spec_of, listed=listed)
        table._widest, table._sources = widest, sources  # without a pass over 30,000 roles
        return table

    # -- Sequence[Role] --------------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.account_of)

    @overload
    def __getitem__(self, index: int) -> Role: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Role]: ...

    def __getitem__(self, index: int | slice) -> Role | Sequence[Role]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        index = range(len(self))[index]  # negative indexes; IndexError past the end
        role = self._roles[index]
        if role is None:
            spec = _rich(self.specs[self.spec_of[index]], S_SOURCE)
            role = self._roles[index] = Role(self.account(self.account_of[index]), *spec)
        return role

    def __iter__(self) -> Iterator[Role]:
        return (self[i] for i in range(len(self)))

    def account(self, slot: int) -> Account:
        account = self._accounts[slot]
        if account is None:
            account = self._accounts[slot] = Account(*_rich(self._rows[slot], A_SOURCE))
        return account

    def accounts(self) -> Sequence[Account]:
        """The catalog's accounts, in order, built on access."""
        return _Accounts(self)

    # -- columns (no objects built) --------------------------------------------------------------------------

    def account_row(self, slot: int) -> tuple[Any, ...]:
        """The stored fields of an account (ACCOUNT_FIELDS order; a Source as its value)."""
        return self._rows[slot]

    @property
    def account_rows(self) -> list[tuple[Any, ...]]:
        """Every account's stored fields, by slot (decodes them all, and keeps them)."""
        return self._rows.all()

    def each_account_row(self) -> Iterator[tuple[Any, ...]]:
        """Every account's stored fields, by slot, for one pass: what was not decoded before is not kept."""
        return self._rows.each()

    def role_name(self, index: int) -> str:
        name: str = self.specs[self.spec_of[index]][S_NAME]
        return name

    def key(self, index: int) -> str:
        """`account-name/RoleName`, as Role.key."""
        return f"{self.account_names[self.account_of[index]]}/{self.role_name(index)}"

    def indexes_of(self, key: str) -> list[int]:
        """The indexes of the roles whose key is `key` (usually one)."""
        if self._by_key is None:
            # key -> first index, plus the rare keys held by more than one role: 30,000 small lists would be
            # 30,000 more objects for every garbage collection to walk.
            by_key: dict[str, int] = {}
            for index in range(len(self)):
                if by_key.setdefault(self.key(index), index) != index:
                    self._more.setdefault(self.key(index), []).append(index)
            self._by_key = by_key
        found = self._by_key.get(key)
        return [] if found is None else [found, *self._more.get(key, ())]

    def find(self, key: str) -> Role | None:
        found = self.indexes_of(key)
        return self[found[0]] if found else None

    def could_mean(self, ref: str) -> list[int]:
        """The indexes of the roles the reference `ref` (core/catalog/refs.py) may name, from the columns alone:
        every role it names is among them, so refs.py builds and matches these instead of all 30,000. What each
        form requires: an ARN ends with the role's name; `account/role` names one of the account's id, name or
        aliases, and ends with the role's name; anything else is a profile or a role name."""
        text = ref.strip()
        low = text.lower()
        names = [self.role_name(i).lower() for i in range(len(self))]
        if text.startswith("arn:"):  # as refs.py tells the forms apart
            return [i for i, name in enumerate(names) if low.endswith(name)]
        if "/" in text:
            account_ref, _, role_ref = low.partition("/")
            slots = {
                slot
                for slot, row in enumerate(self.account_rows)
                if account_ref in (row[A_ID], row[A_NAME].lower(), *(alias.lower() for alias in row[A_ALIASES]))
            }
            return [
                i
                for i, name in enumerate(names)
                if self.account_of[i] in slots and (role_ref == name or role_ref.endswith(f"/{name}"))
            ]
        return [i for i, name in enumerate(names) if name == low or self.specs[self.spec_of[i]][S_PROFILE] == text]

    def _count_sources(self) -> dict[str, int]:
        if self._sources is None:
            counts: Counter[str] = Counter()
            for slot, n in Counter(self.spec_of).items():
                counts[self.specs[slot][S_SOURCE]] += n
            self._sources = dict(counts)
        return self._sources

    def count_source(self, source: Source) -> int:
        return self._count_sources().get(source.value, 0)

    def widest_names(self) -> tuple[int, int]:
        """The longest account name and role name of any role (0 for an empty table)."""
        if self._widest is None:
            names, specs = self.account_names, self.specs
            self._widest = (
                max((len(names[slot]) for slot in set(self.account_of)), default=0),
                max((len(specs[slot][S_NAME]) for slot in set(self.spec_of)), default=0),
            )
        return self._widest


def _column(values: Sequence[int]) -> bytes:
    return values.tobytes() if isinstance(values, array) else array("I", values).tobytes()


class _Accounts(Sequence[Account]):
    """The catalog's accounts of a table, built on access."""

    def __init__(self, table: RoleTable) -> None:
        self._table = table

    def __len__(self) -> int:
        return self._table.listed

    @overload
    def __getitem__(self, index: int) -> Account: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Account]: ...

    def __getitem__(self, index: int | slice) -> Account | Sequence[Account]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return self._table.account(range(len(self))[index])
