"""The organization cache: written atomically with mode 0600, read back exactly, corrupt files ignored with a
warning, and staleness decided by cache_lifetime on an injected clock."""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from roleui.core.clock import FrozenClock
from roleui.core.errors import RoleuiError
from roleui.core.models import Catalog, Defaults, OrgConfig
from roleui.core.sources.organizations.cache import (
    cache_file,
    load_org_snapshot,
    organization_is_stale,
    save_org_snapshot,
    stale_hint,
)
from roleui.core.sources.organizations.model import DiscoveredAccount, OrgSnapshot

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def snapshot(at: datetime = T0, **changes: object) -> OrgSnapshot:
    accounts = (
        DiscoveredAccount(
            "111111111111", "web-prod", "web@example.com", "ACTIVE", "Workloads/Prod", {"team": "web"}, at
        ),
        DiscoveredAccount("222222222222", "old-app", "old@example.com", "SUSPENDED", "Suspended", {}, at, "aws"),
    )
    base: dict[str, object] = {
        "discovered_at": at,
        "accounts": accounts,
        "organization_id": "o-abcdefghij",
        "management_account_id": "123456789012",
        "ou_count": 4,
    }
    base.update(changes)
    return OrgSnapshot(**base)  # type: ignore[arg-type]


def catalog(lifetime: int = 3600, **org: object) -> Catalog:
    return Catalog(organizations=OrgConfig(enabled=True, cache_lifetime=lifetime, **org))  # type: ignore[arg-type]


def test_the_cache_is_written_with_mode_0600_and_read_back_identical() -> None:
    path = save_org_snapshot(snapshot())
    assert path == cache_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_org_snapshot() == snapshot()


def test_a_rewrite_replaces_the_file_atomically_and_leaves_no_temporary_file() -> None:
    first = save_org_snapshot(snapshot())
    inode = first.stat().st_ino
    save_org_snapshot(snapshot(T0 + timedelta(hours=1)))
    assert first.stat().st_ino != inode  # a new file renamed over the old one, not rewritten in place
    assert sorted(p.name for p in first.parent.iterdir()) == ["organization.json"]
    loaded = load_org_snapshot()
    assert loaded is not None
    assert loaded.discovered_at == T0 + timedelta(hours=1)


def test_a_failed_write_keeps_the_old_cache_and_says_what_to_check(monkeypatch: pytest.MonkeyPatch) -> None:
    save_org_snapshot(snapshot())

    def full_disk(*_: object, **__: object) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(os, "replace", full_disk)
        with pytest.raises(RoleuiError, match=r"cannot write the organization cache .*No space left on device"):
            save_org_snapshot(snapshot(T0 + timedelta(days=1)))
    assert sorted(p.name for p in cache_file().parent.iterdir()) == ["organization.json"]
    assert load_org_snapshot() == snapshot()


def test_no_cache_yet_is_none_without_a_warning() -> None:
    warnings: list[str] = []
    assert load_org_snapshot(warn=warnings.append) is None
    assert warnings == []


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('{"format": "roleui-organization", "vers', "Unterminated string"),
        ("[]", "not a roleui organization cache"),
        ('{"format": "roleui-organization", "version": 99}', "format version 99"),
        (None, "account 1 id '12' is not 12 digits"),
        (None, "discovered_at has no time zone"),
        ("\udcff", "ignored"),
    ],
)
def test_a_corrupt_cache_is_ignored_with_one_warning_and_recovered_by_the_next_refresh(
    content: str | None, reason: str
) -> None:
    path = cache_file()
    save_org_snapshot(snapshot())
    data = json.loads(path.read_text())
    if content is None and "digits" in reason:
        data["accounts"][0]["id"] = "12"
        content = json.dumps(data)
    elif content is None:
        data["discovered_at"] = "2025-03-01T09:00:00"
        content = json.dumps(data)
    path.write_bytes(content.encode("utf-8", "surrogateescape"))
    warnings: list[str] = []
    assert load_org_snapshot(warn=warnings.append) is None
    assert len(warnings) == 1
    assert reason in warnings[0]
    assert warnings[0].startswith(f"ignored the organization cache {path} (")
    assert warnings[0].endswith("`roleui discover` rebuilds it")
    assert organization_is_stale(catalog(), T0)
    save_org_snapshot(snapshot())  # what the next refresh does
    warnings.clear()
    assert load_org_snapshot(warn=warnings.append) == snapshot()
    assert warnings == []


def test_the_cache_is_fresh_within_its_lifetime_and_stale_after_it() -> None:
    clock = FrozenClock(T0)
    world = catalog(lifetime=3600)
    assert organization_is_stale(world, clock())  # nothing discovered yet
    save_org_snapshot(snapshot())
    assert not organization_is_stale(world, clock())
    clock.advance(3599)
    assert not organization_is_stale(world, clock())
    assert stale_hint(world, clock()) is None
    clock.advance(1)
    assert organization_is_stale(world, clock())
    save_org_snapshot(snapshot(clock()))  # refreshed
    assert not organization_is_stale(world, clock())


def test_discovery_turned_off_is_never_stale() -> None:
    assert not organization_is_stale(Catalog(), T0)
    assert stale_hint(Catalog(), T0) is None


def test_an_incomplete_cache_or_one_read_with_other_credentials_is_stale() -> None:
    save_org_snapshot(snapshot(incomplete=("Workloads/Prod",)))
    assert organization_is_stale(catalog(), T0)
    assert stale_hint(catalog(), T0) == (
        "the organization cache is incomplete (could not list Workloads/Prod): `roleui discover` refreshes it"
    )
    save_org_snapshot(snapshot(source_profile="org-reader"))
    assert not organization_is_stale(catalog(source_profile="org-reader"), T0)
    assert organization_is_stale(catalog(source_profile="other"), T0)
    # organizations.source_profile falls back to the catalog default
    inherited = Catalog(defaults=Defaults(source_profile="org-reader"), organizations=OrgConfig(enabled=True))
    assert not organization_is_stale(inherited, T0)


def test_a_cache_dated_in_the_future_is_stale() -> None:
    save_org_snapshot(snapshot(T0 + timedelta(hours=2)))
    assert organization_is_stale(catalog(), T0)


def test_the_stale_hint_says_how_old_and_what_refreshes_it() -> None:
    save_org_snapshot(snapshot())
    assert stale_hint(catalog(lifetime=86400), T0 + timedelta(days=3)) == (
        "the organization cache is 3 days old (cache_lifetime 24h): `roleui discover` refreshes it"
    )
    assert stale_hint(catalog(lifetime=1800), T0 + timedelta(hours=5)) == (
        "the organization cache is 5 h old (cache_lifetime 30m): `roleui discover` refreshes it"
    )


def test_the_hint_without_any_cache_says_what_to_run(tmp_path: Path) -> None:
    assert stale_hint(catalog(), T0) == (
        "no organization discovered yet: `roleui discover` reads the accounts of your organization"
    )


def test_reading_twice_parses_once_and_a_rewrite_is_seen() -> None:
    save_org_snapshot(snapshot())
    first = load_org_snapshot()
    assert load_org_snapshot() is first
    save_org_snapshot(snapshot(T0 + timedelta(minutes=5)))
    again = load_org_snapshot()
    assert again is not first
    assert again is not None
    assert again.discovered_at == T0 + timedelta(minutes=5)
