"""The cached organization: one JSON file in the user cache dir, so `roleui list` and the UI start with zero
API calls, plus the staleness rules that decide when a background refresh is due.

The file is written atomically (temporary file + rename) with mode 0600: it lists account names, ids and
emails. A file that cannot be read or parsed is ignored with a warning — never a crash — and the next
refresh replaces it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from roleui.core.durations import format_duration
from roleui.core.errors import RoleuiError
from roleui.core.models import Catalog
from roleui.core.paths import ORGANIZATION_CACHE, organization_cache_file
from roleui.core.private_files import MAX_CACHE_BYTES, read_private, write_private
from roleui.core.sources.organizations.model import DiscoveredAccount, OrgSnapshot

Warn = Callable[[str], None]

CACHE_NAME = ORGANIZATION_CACHE
FORMAT = "roleui-organization"
VERSION = 1

# load_org_snapshot is called by load_world and again by organization_is_stale: parse the file once per change.
_memo: dict[str, tuple[tuple[int, int, int], OrgSnapshot]] = {}


def cache_file() -> Path:
    return organization_cache_file()


def discovery_profile(catalog: Catalog) -> str | None:
    """The AWS profile whose credentials read the organization: organizations.source_profile, else the
    catalog default source_profile, else None (botocore's default chain)."""
    return catalog.organizations.source_profile or catalog.defaults.source_profile


# -- writing -------------------------------------------------------------------------------------------------


def _account_json(account: DiscoveredAccount) -> dict[str, Any]:
    return {
        "id": account.id,
        "name": account.name,
        "email": account.email,
        "state": account.state,
        "ou_path": account.ou_path,
        "tags": account.tags,
        "discovered_at": account.discovered_at.isoformat() if account.discovered_at else None,
        "partition": account.partition,
    }


def snapshot_json(snapshot: OrgSnapshot) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "discovered_at": snapshot.discovered_at.isoformat(),
        "organization_id": snapshot.organization_id,
        "management_account_id": snapshot.management_account_id,
        "ou_count": snapshot.ou_count,
        "source_profile": snapshot.source_profile,
        "tags_read": snapshot.tags_read,
        "incomplete": list(snapshot.incomplete),
        "accounts": [_account_json(a) for a in snapshot.accounts],
    }


def save_org_snapshot(snapshot: OrgSnapshot) -> Path:
    """Write the cache atomically with mode 0600; a reader sees the old file or the new one, never half."""
    path = cache_file()
    data = json.dumps(snapshot_json(snapshot), separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    try:
        write_private(path, data)
    except OSError as error:
        raise RoleuiError(
            f"cannot write the organization cache {path}: {error.strerror or error} — check ROLEUI_CACHE_DIR and its permissions"
        ) from None
    return path


# -- reading -------------------------------------------------------------------------------------------------


class _Corrupt(ValueError):
    pass


_ACCOUNT_ID = re.compile(r"\d{12}", re.ASCII)


def _text(value: object, what: str, *, optional: bool = False) -> Any:
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise _Corrupt(f"{what} is not a string")
    return value


def _time(value: object, what: str) -> datetime:
    try:
        moment = datetime.fromisoformat(_text(value, what))
    except ValueError:
        raise _Corrupt(f"{what} is not a time") from None
    if moment.tzinfo is None:
        raise _Corrupt(f"{what} has no time zone")
    return moment


def _accounts(items: list[Any]) -> tuple[DiscoveredAccount, ...]:
    # Hot path of every start with a big organization (5,000 accounts): checks stay cheap and inline.
    times: dict[str, datetime] = {}
    accounts: list[DiscoveredAccount] = []
    for index, data in enumerate(items):
        what = f"account {index + 1}"
        if not isinstance(data, dict):
            raise _Corrupt(f"{what} is not an object")
        account_id = data.get("id")
        name, email, state, ou_path = data.get("name"), data.get("email", ""), data.get("state"), data.get("ou_path")
        partition = data.get("partition", "aws")
        if not isinstance(account_id, str) or not _ACCOUNT_ID.fullmatch(account_id):
            raise _Corrupt(f"{what} id {account_id!r} is not 12 digits")
        for key, value in (
            ("name", name),
            ("email", email),
            ("state", state),
            ("ou_path", ou_path),
            ("partition", partition),
        ):
            if not isinstance(value, str):
                raise _Corrupt(f"{what} {key} is not a string")
        tags = data.get("tags", {})
        if not isinstance(tags, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in tags.items()):
            raise _Corrupt(f"{what} tags are not a table of strings")
        seen_text = data.get("discovered_at")
        seen: datetime | None = None
        if seen_text is not None:
            seen = times.get(seen_text) if isinstance(seen_text, str) else None
            if seen is None:
                seen = times[seen_text] = _time(seen_text, f"{what} discovered_at")
        accounts.append(DiscoveredAccount(account_id, name, email, state, ou_path, tags, seen, partition))  # type: ignore[arg-type]
    return tuple(accounts)


def parse_snapshot(data: object) -> OrgSnapshot:
    """An OrgSnapshot from the cache's JSON; ValueError saying what is wrong otherwise."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise _Corrupt("not a roleui organization cache")
    if data.get("version") != VERSION:
        raise _Corrupt(f"format version {data.get('version')!r}, this roleui reads version {VERSION}")
    accounts = data.get("accounts")
    incomplete = data.get("incomplete", [])
    if not isinstance(accounts, list):
        raise _Corrupt("accounts is not a list")
    if not isinstance(incomplete, list) or not all(isinstance(p, str) for p in incomplete):
        raise _Corrupt("incomplete is not a list of OU paths")
    ou_count = data.get("ou_count", 0)
    if not isinstance(ou_count, int):
        raise _Corrupt("ou_count is not a number")
    return OrgSnapshot(
        discovered_at=_time(data.get("discovered_at"), "discovered_at"),
        accounts=_accounts(accounts),
        organization_id=_text(data.get("organization_id"), "organization_id", optional=True),
        management_account_id=_text(data.get("management_account_id"), "management_account_id", optional=True),
        ou_count=ou_count,
        source_profile=_text(data.get("source_profile"), "source_profile", optional=True),
        tags_read=bool(data.get("tags_read", True)),
        incomplete=tuple(incomplete),
    )


def load_org_snapshot(*, warn: Warn | None = None, remember: bool = True) -> OrgSnapshot | None:
    """The cached organization, or None when there is none yet — or when the file is unreadable or corrupt,
    which is said through `warn` (the next refresh replaces the file). Kept for the next call unless not to
    `remember` (the UI checks its age once: its 10,000 accounts need not stay in memory)."""
    path = cache_file()
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    except OSError as error:
        _warn(warn, path, error.strerror or str(error))
        return None
    key = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
    memo = _memo.get(str(path))
    if memo is not None and memo[0] == key:
        return memo[1]
    try:
        snapshot = parse_snapshot(json.loads(read_private(path, MAX_CACHE_BYTES)))
    except OSError as error:
        _warn(warn, path, error.strerror or str(error))
        return None
    except (ValueError, RecursionError) as error:  # JSONDecodeError and _Corrupt are ValueErrors
        _warn(warn, path, str(error).splitlines()[0] if str(error) else type(error).__name__)
        return None
    if remember:
        _memo[str(path)] = (key, snapshot)
    return snapshot


def _warn(warn: Warn | None, path: Path, reason: str) -> None:
    if warn is not None:
        warn(f"ignored the organization cache {path} ({reason}); `roleui discover` rebuilds it")


# -- staleness -----------------------------------------------------------------------------------------------


def _age(seconds: float) -> str:
    """A rough age for people: "3 days", "5 h", "12 min"."""
    if seconds >= 2 * 86400:
        return f"{int(seconds // 86400)} days"
    if seconds >= 3600:
        return f"{int(seconds // 3600)} h"
    return f"{max(1, int(seconds // 60))} min"


def stale_reason(catalog: Catalog, now: datetime, snapshot: OrgSnapshot | None) -> str | None:
    """Why the cached organization needs a refresh (one line), or None when it is fresh or discovery is off."""
    org = catalog.organizations
    if not org.enabled:
        return None
    if snapshot is None:
        return "no organization discovered yet"
    age = (now - snapshot.discovered_at).total_seconds()
    if snapshot.incomplete:
        shown = ", ".join(p or "Root" for p in snapshot.incomplete[:3])
        more = f" and {len(snapshot.incomplete) - 3} more" if len(snapshot.incomplete) > 3 else ""
        return f"the organization cache is incomplete (could not list {shown}{more})"
    if snapshot.source_profile != discovery_profile(catalog):
        was = snapshot.source_profile or "the default credentials"
        return f"the organization cache was read with {was}, the catalog now names {discovery_profile(catalog) or 'the default credentials'}"
    if age < 0:
        return "the organization cache is dated in the future (clock change)"
    if age >= org.cache_lifetime:
        return f"the organization cache is {_age(age)} old (cache_lifetime {format_duration(org.cache_lifetime)})"
    return None


def organization_is_stale(catalog: Catalog, now: datetime) -> bool:
    """Organizations discovery is on and the cache is missing, unreadable, incomplete, read with other
    credentials, or older than `organizations.cache_lifetime`. Reads the cache file (parsed once per change)."""
    if not catalog.organizations.enabled:
        return False
    return stale_reason(catalog, now, load_org_snapshot(remember=False)) is not None


def stale_hint(catalog: Catalog, now: datetime) -> str | None:
    """The one-line stderr hint of `roleui list` when it prints from a stale cache; None when fresh."""
    if not catalog.organizations.enabled:
        return None
    snapshot = load_org_snapshot()
    reason = stale_reason(catalog, now, snapshot)
    if reason is None:
        return None
    if snapshot is None:
        return f"{reason}: `roleui discover` reads the accounts of your organization"
    return f"{reason}: `roleui discover` refreshes it"
