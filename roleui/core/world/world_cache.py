"""The merged world of roles, kept between runs so the UI starts without merging 30,000 roles again (and a
command that assumes one role, `roleui env ROLE`, without parsing the catalog).

Merging the catalog, ~/.aws/config and a 10,000-account organization cache costs ~180 ms; its result, stored as
a RoleTable (roleui/core/world/role_table.py) with the catalog's settings (defaults, organizations, keys), loads in
~2 ms without even parsing the TOML. An entry records the identity (mtime, size, inode) of every file the world
was made of — the catalog, the AWS config file, the organization and Identity Center caches — and is used only while all are
unchanged; the warnings the merge gave are stored with it and given again.

An entry holds what the catalog holds, ExternalIds included, so it is written 0600 in a 0700 directory.

The world is a function of those four files and nothing else (no environment variable, no credentials), so an
entry is named after a CRC of their paths and holds the paths in full, compared when read. The UI reads it before
its first screen, so the format is marshal (no json import) and the name needs no hashlib.
"""

from __future__ import annotations

import marshal
import os
import struct
import zlib
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import fields
from typing import Any, NamedTuple

from roleui import __version__
from roleui.core.browser_config import BrowserConfig
from roleui.core.files import file_identity, write_atomic
from roleui.core.location import Location
from roleui.core.models import Catalog, Defaults, OrgConfig, Scope
from roleui.core.private_files import MAX_CACHE_BYTES, read_private
from roleui.core.world.role_table import RoleTable

HEADER = f"roleui-world 6 {__version__}"  # 2: Identity Center fields; 3: [[identity_center]]; 4: confirm_tags; 5: [browser]; 6: scopes
_LENGTH = struct.Struct("<I")


class CachedWorld(NamedTuple):
    """A merged catalog (its roles and accounts the lazy views of a RoleTable) and the warnings the merge gave."""

    catalog: Catalog
    warnings: tuple[str, ...]


class Entry(NamedTuple):
    """Where one request's world is kept, and the request in full."""

    path: str
    key: str


def entry_for(directory: str, sources: Sequence[str], catalog_named: bool) -> Entry:
    """The entry of the world made of the files `sources` (absolute paths: catalog, AWS config, organization
    cache, Identity Center cache); `catalog_named` because a named catalog that is missing is an error, an unnamed one an empty world."""
    key = "\0".join([HEADER, str(catalog_named), *sources])
    return Entry(os.path.join(directory, "world", f"world-{zlib.crc32(key.encode()):08x}"), key)


def save_world(entry: Entry, world: CachedWorld) -> None:
    """Store `world` (atomic, 0600) with the identity of the files in the entry's key; errors are ignored."""
    catalog = world.catalog
    identities = {path: file_identity(path) for path in entry.key.split("\0")[2:]}
    settings = (
        catalog.defaults,
        catalog.organizations,
        catalog.identity_center,
        catalog.keys,
        catalog.path,
        catalog.aws_config_path,
        catalog.browser,
        catalog.scopes,
    )
    head = marshal.dumps((HEADER, entry.key, identities, _settings_data(settings), world.warnings))
    table = RoleTable.of(catalog.roles, catalog.accounts)
    data = _LENGTH.pack(len(head)) + head + table.to_bytes()
    if len(data) > MAX_CACHE_BYTES:
        # load_world_entry would refuse it: writing it would cost every start a write and gain nothing.
        with suppress(OSError):
            os.unlink(entry.path)
        return
    write_atomic(entry.path, data)


def load_world_entry(entry: Entry) -> CachedWorld | None:
    """The stored world when it answers this request and every file it was made of is unchanged; else None."""
    try:
        # Never through a symlink, never another user's file (it holds mfa_process, a command roleui runs).
        data = read_private(entry.path, MAX_CACHE_BYTES)
        (length,) = _LENGTH.unpack_from(data)
        # Our own 0600 cache file; marshal builds data and runs nothing.
        header, key, identities, settings, warnings = marshal.loads(data[_LENGTH.size : _LENGTH.size + length])  # noqa: S302
        if header != HEADER or key != entry.key or not isinstance(identities, dict):
            return None
        if any(file_identity(path) != identity for path, identity in identities.items()):
            return None
        defaults, organizations, identity_center, keys, path, aws_config_path, browser, scopes = _settings_from_data(
            settings
        )
        table = RoleTable.from_bytes(memoryview(data)[_LENGTH.size + length :])
        if (
            table is None
            or not isinstance(defaults, Defaults)
            or not isinstance(organizations, OrgConfig)
            or not isinstance(browser, BrowserConfig)
        ):
            return None
        catalog = Catalog(
            defaults=defaults,
            accounts=table.accounts(),
            roles=table,
            organizations=organizations,
            identity_center=identity_center,
            keys=keys,
            scopes=scopes,
            path=path,
            aws_config_path=aws_config_path,
            browser=browser,
        )
        return CachedWorld(catalog, tuple(str(w) for w in warnings))
    except (
        OSError,
        ValueError,
        EOFError,
        TypeError,
        KeyError,
        IndexError,
        AttributeError,
        RecursionError,
        struct.error,
    ):
        return None  # missing or damaged: absent, and replaced by the next save


# The catalog's settings as marshal data: a dataclass becomes (Ellipsis, its name, its field values) — TOML
# cannot produce an Ellipsis, so no value of the user's is ever mistaken for one.
_SETTINGS = {cls.__name__: cls for cls in (Defaults, OrgConfig, Location, BrowserConfig, Scope)}
# Discovery's rules and sign-ins: their module is imported only for a world that holds some (discovery_settings.py).
_DISCOVERY_SETTINGS = frozenset({"OrgRule", "IcConfig", "IcRule"})


def _setting_class(name: str) -> Any:
    if name in _DISCOVERY_SETTINGS:
        from roleui.core import discovery_settings

        return getattr(discovery_settings, name)
    return _SETTINGS[name]


def _settings_data(value: Any) -> Any:
    if type(value).__name__ in _SETTINGS or type(value).__name__ in _DISCOVERY_SETTINGS:
        return (Ellipsis, type(value).__name__, tuple(_settings_data(getattr(value, f.name)) for f in fields(value)))
    if isinstance(value, tuple):
        return tuple(_settings_data(v) for v in value)
    if isinstance(value, dict):
        return {k: _settings_data(v) for k, v in value.items()}
    return value


def _settings_from_data(value: Any) -> Any:
    if isinstance(value, tuple):
        if len(value) == 3 and value[0] is Ellipsis:
            return _setting_class(value[1])(*(_settings_from_data(v) for v in value[2]))
        return tuple(_settings_from_data(v) for v in value)
    if isinstance(value, dict):
        return {k: _settings_from_data(v) for k, v in value.items()}
    return value
