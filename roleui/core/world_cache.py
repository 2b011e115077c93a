"""The merged world of roles, kept between runs so the UI starts without merging 30,000 roles again.

Merging the catalog, ~/.aws/config and a 10,000-account organization cache costs ~180 ms; its result, stored as
a RoleTable (roleui/core/role_table.py), loads in ~2 ms. An entry records the identity (mtime, size, inode) of
every file the world was made of — the catalog, the AWS config file, the organization cache — and is used only
while all are unchanged; the warnings the merge gave are stored with it and given again.

An entry is named after a CRC of the request (the catalog named and every environment variable that could change
the world, roleui/core/quick_index.py) and holds the request itself, compared in full when read. The UI reads it
before its first screen, so the format is marshal (no json import) and the name needs no hashlib.
"""

from __future__ import annotations

import marshal
import os
import struct
import zlib
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from roleui import __version__
from roleui.core.quick_index import file_identity, request_key, write_atomic
from roleui.core.role_table import RoleTable

HEADER = f"roleui-world 1 {__version__}"
_LENGTH = struct.Struct("<I")


class CachedWorld(NamedTuple):
    """What a merge produced, minus what parsing the catalog gives again (defaults, keys, organizations)."""

    table: RoleTable
    aws_config_path: str | None
    warnings: tuple[str, ...]


class Entry(NamedTuple):
    """Where one request's world is kept, and the request in full."""

    path: str
    key: str


def entry_for(directory: str, config: str | None, environ: Mapping[str, str], cwd: str) -> Entry:
    key = request_key(HEADER, config, environ, cwd)
    return Entry(os.path.join(directory, "world", f"world-{zlib.crc32(key.encode()):08x}"), key)


def save_world(entry: Entry, world: CachedWorld, depends_on: Sequence[str]) -> None:
    """Store `world` (atomic, 0600); only an optimisation, so errors are ignored."""
    identities = {path: file_identity(path) for path in depends_on}
    head = marshal.dumps((HEADER, entry.key, identities, world.aws_config_path, world.warnings))
    write_atomic(entry.path, _LENGTH.pack(len(head)) + head + world.table.to_bytes())


def load_world_entry(entry: Entry) -> CachedWorld | None:
    """The stored world when it answers this request and every file it was made of is unchanged; else None."""
    try:
        with open(entry.path, "rb") as f:
            data = f.read()
        (length,) = _LENGTH.unpack_from(data)
        # Our own 0600 cache file; marshal builds data and runs nothing.
        header, key, identities, aws_config_path, warnings = marshal.loads(data[_LENGTH.size : _LENGTH.size + length])  # noqa: S302
    except (OSError, ValueError, EOFError, TypeError, struct.error):
        return None
    if header != HEADER or key != entry.key or not isinstance(identities, dict):
        return None
    if any(file_identity(path) != identity for path, identity in identities.items()):
        return None
    table = RoleTable.from_bytes(memoryview(data)[_LENGTH.size + length :])
    if table is None or not isinstance(warnings, tuple) or not isinstance(aws_config_path, str | None):
        return None
    return CachedWorld(table, aws_config_path, tuple(str(w) for w in warnings))
