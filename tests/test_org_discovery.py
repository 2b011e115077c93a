"""Discovery against a real local AWS (moto server): the OU walk, tags, states, pages of 20, the number of API
calls, the cache lifecycle and `roleui discover` as people run it."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from _org_helpers import MANAGEMENT_ID, Org, add_account, add_ou, build_org, count_calls, org_client, use_catalog

from roleui.aws.organizations import PAGE_SIZE, discover_organization, refresh_organization
from roleui.aws.refresh import refresh_world
from roleui.aws.sources import load_world
from roleui.cli import main
from roleui.core.clock import FrozenClock
from roleui.core.models import Source
from roleui.core.sources.organizations.cache import cache_file, load_org_snapshot, organization_is_stale

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def org(aws: str) -> Org:
    return build_org()


def by_name(accounts: Any) -> dict[str, tuple[str, str, dict[str, str]]]:
    return {a.name: (a.ou_path, a.state, a.tags) for a in accounts}


def test_the_walk_finds_every_account_with_its_ou_path_three_levels_deep_its_tags_and_state(org: Org) -> None:
    report = discover_organization(org_client(), clock=FrozenClock(T0))
    assert by_name(report.snapshot.accounts) == {
        "master": ("", "ACTIVE", {}),
        "payments-prod": ("Workloads/Prod/Payments", "ACTIVE", {"environment": "prod", "team": "payments"}),
        "web-prod": ("Workloads/Prod", "ACTIVE", {"environment": "prod", "team": "web"}),
        "sandbox-1": ("Workloads/Dev/Sandbox", "ACTIVE", {"environment": "dev"}),
        "sandbox-2": ("Workloads/Dev/Sandbox", "SUSPENDED", {"environment": "dev"}),
        "audit": ("Security", "ACTIVE", {"team": "security"}),
        "log-archive": ("Security", "ACTIVE", {}),
        "old-app": ("Suspended", "SUSPENDED", {}),
    }
    snapshot = report.snapshot
    assert {a.name: a.id for a in snapshot.accounts} == org.accounts
    assert (snapshot.ou_count, snapshot.management_account_id, snapshot.incomplete) == (7, MANAGEMENT_ID, ())
    assert snapshot.organization_id is not None
    assert snapshot.organization_id.startswith("o-")
    assert {a.email for a in snapshot.accounts} >= {"audit@example.com"}
    assert all(a.discovered_at == T0 and a.partition == "aws" for a in snapshot.accounts)
    assert [a.name for a in snapshot.inactive] == ["old-app", "sandbox-2"]


def test_a_discovery_costs_two_calls_per_ou_plus_two_and_one_per_account_for_tags(org: Org) -> None:
    client = org_client()
    calls = count_calls(client)
    report = discover_organization(client)
    parents = 1 + len(org.ous)  # the root and 7 OUs: each fits in one page of children and one of accounts
    assert dict(calls) == {
        "DescribeOrganization": 1,
        "ListRoots": 1,
        "ListOrganizationalUnitsForParent": parents,
        "ListAccountsForParent": parents,
        "ListTagsForResource": len(org.accounts),
    }
    assert report.api_calls == sum(calls.values()) == 2 + 2 * parents + len(org.accounts)
    untagged = org_client()
    calls = count_calls(untagged)
    discover_organization(untagged, read_tags=False)
    assert sum(calls.values()) == 2 + 2 * parents
    assert "ListTagsForResource" not in calls
    assert "ListParents" not in calls
    assert "ListAccounts" not in calls


def test_listings_are_paged_by_20_like_real_aws(org: Org) -> None:
    client = org_client()
    for index in range(23):
        add_ou(client, org, f"Workloads/Dev/Team{index:02d}")
    for index in range(45):
        add_account(client, org, f"bulk-{index:02d}", "Security")
    sent: list[tuple[str, dict[str, Any]]] = []
    client.meta.events.register(
        "before-call.organizations", lambda model, params, **_: sent.append((model.name, json.loads(params["body"])))
    )
    report = discover_organization(client, read_tags=False)
    assert len(report.snapshot.accounts) == 8 + 45
    assert report.snapshot.ou_count == 7 + 23
    security = [
        body for name, body in sent if name == "ListAccountsForParent" and body["ParentId"] == org.ous["Security"]
    ]
    assert len(security) == 3  # 47 accounts: 20 + 20 + 7
    assert [("NextToken" in body, body["MaxResults"]) for body in security] == [(False, 20), (True, 20), (True, 20)]
    dev = [b for n, b in sent if n == "ListOrganizationalUnitsForParent" and b["ParentId"] == org.ous["Workloads/Dev"]]
    assert len(dev) == 2  # 24 child OUs
    assert all(
        body.get("MaxResults") == PAGE_SIZE
        for name, body in sent
        if name.startswith("List") and name != "ListRoots" and name != "ListTagsForResource"
    )
    paths = {a.ou_path for a in report.snapshot.accounts}
    assert "Security" in paths


def test_one_worker_and_eight_workers_find_the_same_organization(org: Org) -> None:
    one = discover_organization(org_client(), workers=1, clock=FrozenClock(T0)).snapshot
    eight = discover_organization(org_client(), workers=8, clock=FrozenClock(T0)).snapshot
    assert one == eight


def test_refresh_writes_the_cache_and_returns_the_merged_world(
    org: Org, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_catalog(
        tmp_path,
        monkeypatch,
        'enabled = true\n[[organizations.rules]]\nou = "Workloads/Prod/*"\nroles = ["ReadOnly"]\nconfirm = true',
        extra=f'[[accounts]]\nid = "{org.accounts["audit"]}"\nname = "audit-team"\n[[accounts.roles]]\nname = "Auditor"\n',
    )
    world = refresh_world(None)
    assert stat.S_IMODE(cache_file().stat().st_mode) == 0o600
    assert [f"{r.key} [{r.source}]" for r in world.roles] == [
        "audit-team/Auditor [catalog]",
        "audit-team/OrganizationAccountAccessRole [organizations]",
        "log-archive/OrganizationAccountAccessRole [organizations]",
        "sandbox-1/OrganizationAccountAccessRole [organizations]",
        "web-prod/OrganizationAccountAccessRole [organizations]",
        "web-prod/ReadOnly [organizations]",
        "payments-prod/OrganizationAccountAccessRole [organizations]",
        "payments-prod/ReadOnly [organizations]",
    ]
    assert world == load_world(None)  # what every later start reads, with no call


def test_the_cache_lifecycle_fresh_stale_refreshed(org: Org, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_catalog(tmp_path, monkeypatch, 'enabled = true\ncache_lifetime = "1h"')
    clock = FrozenClock(T0)
    assert organization_is_stale(load_world(None), clock())  # never discovered
    world, _ = refresh_organization(None, clock=clock)
    assert not organization_is_stale(world, clock())
    clock.advance(3600)
    assert organization_is_stale(world, clock())
    add_account(org_client(), org, "new-team", "Workloads/Dev")  # the organization changed meanwhile
    assert "new-team" not in {a.name for a in load_world(None).accounts}  # still the cached one
    world, _ = refresh_organization(None, clock=clock)
    assert not organization_is_stale(world, clock())
    assert "new-team" in {a.name for a in load_world(None).accounts}


def test_a_corrupt_cache_is_reported_once_and_replaced_by_the_refresh(
    org: Org, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_catalog(tmp_path, monkeypatch)
    cache_file().parent.mkdir(parents=True)
    cache_file().write_text("{ half a file")
    warnings: list[str] = []
    assert load_world(None, warn=warnings.append).roles == ()
    assert len(warnings) == 1
    assert "ignored the organization cache" in warnings[0]
    warnings.clear()
    world = refresh_world(None, warn=warnings.append)
    assert len(warnings) == 1
    assert "ignored the organization cache" in warnings[0]
    assert len(world.roles) == 5  # 8 accounts: the management account and 2 suspended offer no role
    warnings.clear()
    assert load_world(None, warn=warnings.append) == world
    assert warnings == []


def test_roleui_discover_prints_plain_progress_off_a_terminal_and_a_summary(
    org: Org, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    use_catalog(tmp_path, monkeypatch, 'enabled = true\nexclude_ous = ["Security"]')
    assert main(["discover"]) == 0
    out, err = capsys.readouterr()
    assert "\r" not in err
    assert "\x1b" not in err
    assert err.splitlines()[0].startswith("roleui: walking the OU tree of organization o-")
    assert err.splitlines()[-1] == "roleui: 7 of 7 OUs walked, 8 accounts found, tags read for 8"
    lines = out.splitlines()
    assert lines[0].startswith("discovered 8 accounts in 7 OUs of o-")
    assert lines[1] == (
        f"  2 suspended or closed, listed without roles: old-app {org.accounts['old-app']} SUSPENDED, "
        f"sandbox-2 {org.accounts['sandbox-2']} SUSPENDED"
    )
    assert lines[2:] == [
        "  2 left out by include_/exclude_ rules",
        "  3 roles from discovery, 3 in all (`roleui list`)",
        f"cache: {cache_file()}",
    ]


def test_roleui_discover_without_organizations_in_the_catalog_says_how_to_turn_it_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    use_catalog(tmp_path, monkeypatch, "enabled = false")
    assert main(["discover"]) == 2
    err = capsys.readouterr().err
    assert (
        err
        == f"roleui: AWS Organizations discovery is off — add an [organizations] table with enabled = true to {tmp_path / 'roleui.toml'}\n"
    )
    assert main(["discover", "--workers", "0"]) == 2
    assert "--workers 0 is outside 1..32" in capsys.readouterr().err


@pytest.mark.e2e
def test_roleui_discover_on_a_terminal_redraws_one_live_progress_line(
    org: Org, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pexpect

    use_catalog(tmp_path, monkeypatch)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "roleui", "discover"],
        env=dict(os.environ, TERM="xterm", COLUMNS="120"),
        cwd=str(ROOT),
        timeout=60,
        encoding="utf-8",
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    output = child.before
    assert "\r\x1b[2Kroleui: " in output  # the line is rewritten in place
    assert "7 of 7 OUs walked, 8 accounts found, tags read for 8 [" in output
    assert "discovered 8 accounts in 7 OUs" in output


def test_roleui_list_from_the_cache_needs_no_aws_and_hints_when_stale(
    org: Org, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_catalog(tmp_path, monkeypatch, 'enabled = true\ncache_lifetime = "0s"')
    refresh_world(None)
    env = dict(os.environ, AWS_ENDPOINT_URL="http://127.0.0.1:9")  # any call would fail
    result = subprocess.run(
        [sys.executable, "-m", "roleui", "list", "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert {r["account_name"] for r in rows} == {"payments-prod", "web-prod", "sandbox-1", "audit", "log-archive"}
    assert {r["source"] for r in rows} == {str(Source.ORGANIZATIONS)}
    assert result.stderr.startswith("roleui: the organization cache is ")
    assert result.stderr.rstrip().endswith("`roleui discover` refreshes it")


def test_discovery_snapshot_is_what_the_cache_holds(org: Org, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_catalog(tmp_path, monkeypatch)
    _, report = refresh_organization(None, clock=FrozenClock(T0))
    assert load_org_snapshot() == report.snapshot
    assert report.cache_path == cache_file()


def test_roleui_list_refresh_rediscovers_before_listing(
    org: Org, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    use_catalog(tmp_path, monkeypatch, 'enabled = true\ninclude_ous = ["Workloads/Prod"]')
    assert main(["list", "--refresh", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["key"], r["ou_path"]) for r in rows] == [
        ("web-prod/OrganizationAccountAccessRole", "Workloads/Prod"),
        ("payments-prod/OrganizationAccountAccessRole", "Workloads/Prod/Payments"),
    ]
    assert load_org_snapshot() is not None
