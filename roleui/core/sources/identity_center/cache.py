"""The cached Identity Center assignments: one JSON file in the user cache dir holding a snapshot per sign-in,
so `roleui list` and the UI start with zero API calls, plus the staleness rules of a background refresh.

One file for every `[[identity_center]]` entry, so the world cache and the `list` index depend on a single path
whatever the catalog says. Written atomically with mode 0600 (it lists account names, ids and emails); a file
that cannot be read or parsed is ignored with a warning — never a crash — and the next discovery replaces it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from roleui.core.discovery_settings import IcConfig
from roleui.core.durations import format_duration
from roleui.core.errors import RoleuiError
from roleui.core.files import file_identity
from roleui.core.models import Catalog
from roleui.core.paths import identity_center_cache_file
from roleui.core.private_files import MAX_CACHE_BYTES, read_private, write_private
from roleui.core.sources.identity_center.model import IcAccount, IcSnapshot

Warn = Callable[[str], None]

FORMAT = "roleui-identity-center"
VERSION = 1
_ACCOUNT_ID = re.compile(r"\d{12}", re.ASCII)

# load_ic_snapshots is called by load_world and again by the staleness checks: parse the file once per change.
_memo: dict[str, tuple[str, dict[str, IcSnapshot]]] = {}


def cache_file() -> Path:
    return identity_center_cache_file()


# -- writing -------------------------------------------------------------------------------------------------


def _snapshot_json(snapshot: IcSnapshot) -> dict[str, Any]:
    return {
        "start_url": snapshot.start_url,
        "region": snapshot.region,
        "discovered_at": snapshot.discovered_at.isoformat(),
        "incomplete": list(snapshot.incomplete),
        "accounts": [{"id": a.id, "name": a.name, "email": a.email, "roles": list(a.roles)} for a in snapshot.accounts],
    }


def save_ic_snapshots(snapshots: Iterable[IcSnapshot], *, keep: Iterable[str] = ()) -> Path:
    """Write `snapshots` (replacing those of the same sign-in) and keep the cached sign-ins named in `keep`:
    atomic, 0600 — a reader sees the old file or the new one, never half."""
    path = cache_file()
    kept = {name: s for name, s in load_ic_snapshots(remember=False).items() if name in set(keep)}
    kept.update((s.name, s) for s in snapshots)
    document = {"format": FORMAT, "version": VERSION, "sessions": {n: _snapshot_json(s) for n, s in kept.items()}}
    data = json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    try:
        write_private(path, data)
    except OSError as error:
        raise RoleuiError(
            f"cannot write the Identity Center cache {path}: {error.strerror or error} — check ROLEUI_CACHE_DIR and "
            "its permissions"
        ) from None
    _memo.pop(str(path), None)
    return path


# -- reading -------------------------------------------------------------------------------------------------


class _Corrupt(ValueError):
    pass


def _text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise _Corrupt(f"{what} is not a string")
    return value


def _snapshot(name: str, data: object) -> IcSnapshot:
    if not isinstance(data, dict):
        raise _Corrupt(f"sign-in {name!r} is not an object")
    try:
        discovered_at = datetime.fromisoformat(_text(data.get("discovered_at"), "discovered_at"))
    except ValueError:
        raise _Corrupt("discovered_at is not a time") from None
    if discovered_at.tzinfo is None:
        raise _Corrupt("discovered_at has no time zone")
    items = data.get("accounts")
    incomplete = data.get("incomplete", [])
    if not isinstance(items, list):
        raise _Corrupt("accounts is not a list")
    if not isinstance(incomplete, list) or not all(isinstance(i, str) for i in incomplete):
        raise _Corrupt("incomplete is not a list of account ids")
    accounts: list[IcAccount] = []
    for index, item in enumerate(items):
        what = f"account {index + 1}"
        if not isinstance(item, dict):
            raise _Corrupt(f"{what} is not an object")
        account_id, roles = item.get("id"), item.get("roles")
        if not isinstance(account_id, str) or not _ACCOUNT_ID.fullmatch(account_id):
            continue  # one broken entry is skipped, not the whole cache (discovery skips them, with a warning)
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            raise _Corrupt(f"{what} roles is not a list of names")
        accounts.append(
            IcAccount(
                account_id,
                _text(item.get("name"), f"{what} name"),
                _text(item.get("email", ""), f"{what} email"),
                tuple(roles),
            )
        )
    return IcSnapshot(
        name=name,
        start_url=_text(data.get("start_url"), "start_url"),
        region=_text(data.get("region"), "region"),
        discovered_at=discovered_at,
        accounts=tuple(accounts),
        incomplete=tuple(incomplete),
    )


def parse_snapshots(document: object) -> dict[str, IcSnapshot]:
    """Sign-in name -> its snapshot, from the cache's JSON; ValueError saying what is wrong otherwise."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise _Corrupt("not a roleui Identity Center cache")
    if document.get("version") != VERSION:
        raise _Corrupt(f"format version {document.get('version')!r}, this roleui reads version {VERSION}")
    sessions = document.get("sessions")
    if not isinstance(sessions, dict):
        raise _Corrupt("sessions is not an object")
    return {name: _snapshot(name, data) for name, data in sessions.items()}


def load_ic_snapshots(*, warn: Warn | None = None, remember: bool = True) -> dict[str, IcSnapshot]:
    """Every cached sign-in's snapshot; empty when there is no cache yet, or when it is unreadable or corrupt,
    which is said through `warn` (the next discovery replaces the file)."""
    path = cache_file()
    identity = file_identity(str(path))
    if identity == "-":
        return {}
    memo = _memo.get(str(path))
    if memo is not None and memo[0] == identity:
        return memo[1]
    try:
        snapshots = parse_snapshots(json.loads(read_private(path, MAX_CACHE_BYTES)))
    except (OSError, ValueError, RecursionError) as error:  # JSONDecodeError and _Corrupt are ValueErrors
        if warn is not None:
            warn(f"ignored the Identity Center cache {path}: {error} — `roleui discover` rewrites it")
        return {}
    if remember:
        _memo[str(path)] = (identity, snapshots)
    return snapshots


# -- staleness -----------------------------------------------------------------------------------------------


def stale_reason(config: IcConfig, now: datetime, snapshot: IcSnapshot | None) -> str | None:
    """Why one sign-in's cached assignments need a refresh (one line), or None when they are fresh."""
    if snapshot is None:
        return f"no Identity Center assignments discovered yet for {config.name}"
    if snapshot.incomplete:
        return (
            f"the Identity Center cache of {config.name} is incomplete ({len(snapshot.incomplete)} accounts not listed)"
        )
    if config.start_url is not None and snapshot.start_url != config.start_url:
        return f"the Identity Center cache of {config.name} was read from {snapshot.start_url}"
    age = (now - snapshot.discovered_at).total_seconds()
    if age < 0:
        return f"the Identity Center cache of {config.name} is dated in the future (clock change)"
    if age >= config.cache_lifetime:
        return (
            f"the Identity Center cache of {config.name} is {format_duration(int(age))} old "
            f"(cache_lifetime {format_duration(config.cache_lifetime)})"
        )
    return None


def stale_sign_ins(catalog: Catalog, now: datetime, snapshots: Mapping[str, IcSnapshot] | None = None) -> list[str]:
    """The `[[identity_center]]` sign-ins whose cache is missing, incomplete or older than their cache_lifetime."""
    if not catalog.identity_center:
        return []
    cached = load_ic_snapshots(remember=False) if snapshots is None else snapshots
    return [c.name for c in catalog.identity_center if stale_reason(c, now, cached.get(c.name)) is not None]


def stale_hint(catalog: Catalog, now: datetime) -> str | None:
    """The one-line stderr hint of `roleui list` when it prints from a stale Identity Center cache."""
    snapshots = load_ic_snapshots()
    for config in catalog.identity_center:
        reason = stale_reason(config, now, snapshots.get(config.name))
        if reason is not None:
            return f"{reason}: `roleui discover` reads it (after `roleui login {config.name}`)"
    return None
