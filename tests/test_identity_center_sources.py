"""Identity Center as a source: the `[[identity_center]]` catalog entries, their filters and rules, the cache and
its staleness, and the one merge of every source (one account, roles from every source, each showing where it
came from)."""

from __future__ import annotations

import json
import os
import stat
import textwrap
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from _catalog_helpers import catalog_of, problems_of

from roleui.aws.sources import load_world
from roleui.core.models import PERMISSION_SET_PATH, Catalog, Source
from roleui.core.sources.aws_config.profiles import roles_from_profiles
from roleui.core.sources.identity_center.cache import (
    cache_file,
    load_ic_snapshots,
    save_ic_snapshots,
    stale_hint,
    stale_sign_ins,
)
from roleui.core.sources.identity_center.model import IcAccount, IcSnapshot
from roleui.core.sources.merge import merge_sources
from roleui.core.sources.organizations.model import DiscoveredAccount, OrgSnapshot

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
START = "https://corp.awsapps.com/start"


def snapshot(*accounts: IcAccount, name: str = "corp", at: datetime = T0) -> IcSnapshot:
    return IcSnapshot(name=name, start_url=START, region="eu-west-1", discovered_at=at, accounts=accounts)


SHARED = "111111111111"
ASSIGNED = (
    IcAccount(SHARED, "shared-services", "ops@example.com", ("AdministratorAccess", "ReadOnlyAccess")),
    IcAccount("222222222222", "prod-web", "web@example.com", ("AdministratorAccess", "ReadOnlyAccess")),
    IcAccount("333333333333", "dev-web", "dev@example.com", ("PowerUser", "ReadOnlyAccess")),
)


# -- the catalog -------------------------------------------------------------------------------------------------


def test_an_identity_center_entry_reads_its_session_filters_and_rules() -> None:
    catalog = catalog_of(
        """
        [[identity_center]]
        sso_session = "corp"
        include_accounts = ["prod-*", "dev-*"]
        exclude_roles = ["PowerUser"]
        cache_lifetime = "2h"

          [[identity_center.rules]]
          accounts = ["prod-*"]
          color = "red"
          confirm = true

        [[identity_center]]
        start_url = "https://legacy.awsapps.com/start/"
        region = "us-east-2"
        """
    )
    corp, legacy = catalog.identity_center
    assert (corp.name, corp.include_accounts, corp.exclude_roles, corp.cache_lifetime) == (
        "corp",
        ("prod-*", "dev-*"),
        ("PowerUser",),
        7200,
    )
    assert (corp.rules[0].accounts, corp.rules[0].color, corp.rules[0].confirm) == (("prod-*",), "F2B0A9", True)
    assert (legacy.name, legacy.region) == ("https://legacy.awsapps.com/start", "us-east-2")


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ('region = "us-east-1"', "identity_center[1]: names no sign-in"),
        ('start_url = "https://x.awsapps.com/start"', "identity_center[1].region: is missing"),
        ('start_url = "http://x.awsapps.com/start"\nregion = "us-east-1"', "is not an https URL"),
        ('sso_session = "a"\nstart_url = "https://x.awsapps.com/start"', "is given with sso_session"),
        ('sso_session = "a"\nroles = ["x"]', "identity_center[1].roles: unknown key"),
        ('sso_session = "a"\ncache_lifetime = "40d"', "identity_center[1].cache_lifetime"),
        ('sso_session = "a"\n[[identity_center.rules]]\ncolor = "red"', "matches every permission set"),
    ],
)
def test_a_wrong_identity_center_entry_is_reported_with_its_line(entry: str, problem: str) -> None:
    problems = problems_of("# a comment\n[[identity_center]]\n" + entry)
    assert len(problems) == 1
    assert problems[0].split(":")[0] == "cat.toml"
    assert int(problems[0].split(":")[1]) >= 2
    assert problem in problems[0]


def test_the_same_sign_in_listed_twice_is_refused() -> None:
    problems = problems_of('[[identity_center]]\nsso_session = "a"\n\n[[identity_center]]\nsso_session = "a"\n')
    assert problems == [
        "cat.toml:4: identity_center[2]: 'a' is already listed in identity_center[1] — list each sign-in once; "
        "put its rules in one entry"
    ]


# -- filters, rules and the merge ------------------------------------------------------------------------------


def merged(
    catalog_text: str,
    *accounts: IcAccount,
    organization: OrgSnapshot | None = None,
    profiles: Mapping[str, Mapping[str, object]] | None = None,
) -> Catalog:
    catalog = catalog_of(catalog_text)
    roles, problems = roles_from_profiles(profiles or {}, file="config", lines={}, accounts=catalog.accounts)
    assert problems == []
    found: dict[str, object] = {"identity_center": {"corp": snapshot(*accounts)}}
    if organization is not None:
        found["organizations"] = organization
    return merge_sources(catalog, roles, found)


CORP = '[[identity_center]]\nsso_session = "corp"\n'


def test_every_assigned_permission_set_becomes_a_role_marked_with_its_sign_in() -> None:
    world = merged(CORP, *ASSIGNED)
    assert [r.key for r in world.roles] == [
        "dev-web/PowerUser",
        "dev-web/ReadOnlyAccess",
        "prod-web/AdministratorAccess",
        "prod-web/ReadOnlyAccess",
        "shared-services/AdministratorAccess",
        "shared-services/ReadOnlyAccess",
    ]
    role = world.roles[0]
    assert (role.source, role.sso_session, role.sso_start_url, role.sso_region) == (
        Source.IDENTITY_CENTER,
        "corp",
        START,
        "eu-west-1",
    )
    assert role.path == PERMISSION_SET_PATH
    assert role.is_permission_set


def test_include_and_exclude_globs_pick_accounts_by_name_or_id_and_permission_sets_by_name() -> None:
    world = merged(
        CORP + 'include_accounts = ["*-web", "1111*"]\nexclude_accounts = ["dev-*"]\nexclude_roles = ["admin*"]\n',
        *ASSIGNED,
    )
    assert [r.key for r in world.roles] == ["prod-web/ReadOnlyAccess", "shared-services/ReadOnlyAccess"]
    world = merged(CORP + 'include_roles = ["*Only*"]\n', *ASSIGNED)
    assert {r.name for r in world.roles} == {"ReadOnlyAccess"}


def test_an_account_whose_permission_sets_are_all_left_out_is_not_listed() -> None:
    world = merged(CORP + 'include_roles = ["PowerUser"]\n', *ASSIGNED)
    assert [a.name for a in world.accounts] == ["dev-web"]


def test_rules_give_color_region_and_confirmation_the_last_matching_rule_winning() -> None:
    world = merged(
        CORP
        + textwrap.dedent(
            """
            [[identity_center.rules]]
            accounts = ["prod-*"]
            color = "red"
            region = "us-west-2"
            [[identity_center.rules]]
            roles = ["Admin*"]
            color = "orange"
            confirm = true
            """
        ),
        *ASSIGNED,
    )
    by_key = {r.key: r for r in world.roles}
    assert (by_key["prod-web/AdministratorAccess"].color, by_key["prod-web/AdministratorAccess"].region) == (
        "FBBF93",
        "us-west-2",
    )
    assert by_key["prod-web/AdministratorAccess"].confirm
    assert (by_key["prod-web/ReadOnlyAccess"].color, by_key["prod-web/ReadOnlyAccess"].confirm) == ("F2B0A9", False)
    assert (by_key["dev-web/PowerUser"].color, by_key["dev-web/PowerUser"].confirm) == (None, False)


def test_one_account_holds_the_roles_of_every_source_and_the_first_source_keeps_a_shared_name() -> None:
    catalog = textwrap.dedent(
        f"""
        [[accounts]]
        id = "{SHARED}"
        name = "ops"
        color = "blue"
        roles = [{{ name = "Deployer" }}, {{ name = "ReadOnlyAccess", description = "the catalog's" }}]

        [organizations]
        enabled = true
        roles = ["OrganizationAccountAccessRole"]
        """
    )
    organization = OrgSnapshot(
        discovered_at=T0,
        management_account_id="999999999999",
        accounts=(DiscoveredAccount(SHARED, "shared-services-org", "o@example.com", "ACTIVE", "Infra", {}, T0),),
    )
    profiles = {"ops-audit": {"role_arn": f"arn:aws:iam::{SHARED}:role/Auditor"}}
    world = merged(catalog + CORP, *ASSIGNED[:1], organization=organization, profiles=profiles)
    shared = [(r.name, r.source) for r in world.roles if r.account.id == SHARED]
    assert shared == [
        ("Deployer", Source.CATALOG),
        ("ReadOnlyAccess", Source.CATALOG),  # named by the catalog first: the permission set of that name is not added
        ("Auditor", Source.AWS_CONFIG),
        ("OrganizationAccountAccessRole", Source.ORGANIZATIONS),
        ("AdministratorAccess", Source.IDENTITY_CENTER),
    ]
    accounts = {r.account.name for r in world.roles if r.account.id == SHARED}
    assert accounts == {"ops"}  # the catalog's name and color stay on every role of the account
    assert {r.account.color for r in world.roles if r.account.id == SHARED} == {"99BCE3"}


def test_an_account_only_aws_config_knew_takes_the_portal_name_and_chains_follow_it() -> None:
    profiles = {
        "base-admin": {"role_arn": "arn:aws:iam::222222222222:role/Admin"},
        "deeper": {"role_arn": "arn:aws:iam::444444444444:role/Deep", "source_profile": "base-admin"},
    }
    world = merged(CORP, *ASSIGNED[1:2], profiles=profiles)
    by_key = {r.key: r for r in world.roles}
    assert set(by_key) == {
        "prod-web/Admin",
        "prod-web/AdministratorAccess",
        "prod-web/ReadOnlyAccess",
        "444444444444/Deep",
    }
    assert by_key["444444444444/Deep"].via == "prod-web/Admin"
    # accounts only ~/.aws/config knows stay last
    assert [r.key for r in world.roles][-1] == "444444444444/Deep"


def test_a_portal_name_another_account_uses_gets_its_id_appended() -> None:
    world = merged(
        '[[accounts]]\nid = "999999999999"\nname = "prod-web"\nroles = [{ name = "Admin" }]\n' + CORP, *ASSIGNED[1:2]
    )
    assert "prod-web-222222222222/ReadOnlyAccess" in [r.key for r in world.roles]


# -- the cache ---------------------------------------------------------------------------------------------------


def test_the_cache_is_written_0600_and_read_back_per_sign_in() -> None:
    save_ic_snapshots([snapshot(*ASSIGNED)])
    save_ic_snapshots([snapshot(ASSIGNED[0], name="other")], keep=["corp"])
    assert stat.S_IMODE(os.stat(cache_file()).st_mode) == 0o600
    cached = load_ic_snapshots()
    assert set(cached) == {"corp", "other"}
    assert cached["corp"] == snapshot(*ASSIGNED)


def test_a_corrupt_cache_is_ignored_with_a_warning_that_says_what_to_run() -> None:
    cache_file().parent.mkdir(parents=True)
    cache_file().write_text(json.dumps({"format": "roleui-identity-center", "version": 1, "sessions": {"corp": {}}}))
    said: list[str] = []
    assert load_ic_snapshots(warn=said.append) == {}
    assert len(said) == 1
    assert "`roleui discover` rewrites it" in said[0]


def test_a_sign_in_is_stale_when_missing_incomplete_or_older_than_its_cache_lifetime() -> None:
    catalog = catalog_of(CORP + 'cache_lifetime = "1h"\n[[identity_center]]\nsso_session = "other"\n')
    assert stale_sign_ins(catalog, T0, {}) == ["corp", "other"]
    fresh = {"corp": snapshot(*ASSIGNED), "other": snapshot(name="other")}
    assert stale_sign_ins(catalog, T0 + timedelta(minutes=59), fresh) == []
    assert stale_sign_ins(catalog, T0 + timedelta(minutes=60), fresh) == ["corp"]
    assert stale_sign_ins(catalog, T0 - timedelta(minutes=1), fresh) == ["corp", "other"]  # a clock change
    broken = {**fresh, "other": IcSnapshot("other", START, "eu-west-1", T0, ASSIGNED, incomplete=(SHARED,))}
    assert stale_sign_ins(catalog, T0, broken) == ["other"]


def test_list_hints_how_to_refresh_a_stale_sign_in() -> None:
    catalog = catalog_of(CORP + 'cache_lifetime = "1h"\n')
    assert stale_hint(catalog, T0) == (
        "no Identity Center assignments discovered yet for corp: `roleui discover` reads it (after `roleui login corp`)"
    )
    save_ic_snapshots([snapshot(*ASSIGNED)])
    assert stale_hint(catalog, T0 + timedelta(minutes=5)) is None
    assert "is 2h old" in (stale_hint(catalog, T0 + timedelta(hours=2)) or "")


def test_the_world_cache_is_rebuilt_when_the_identity_center_cache_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "roleui.toml"
    path.write_text(CORP)
    monkeypatch.setenv("ROLEUI_CONFIG", str(path))
    assert list(load_world(cached=True).roles) == []
    save_ic_snapshots([snapshot(*ASSIGNED[:1])])
    assert [r.key for r in load_world(cached=True).roles] == [
        "shared-services/AdministratorAccess",
        "shared-services/ReadOnlyAccess",
    ]
    world = load_world(cached=True)  # from the world cache: the settings come back too
    assert [c.name for c in world.identity_center] == ["corp"]
    assert world.roles[0].sso_start_url == START


def test_the_example_identity_center_entry_of_config_example_toml_is_valid() -> None:
    text = (Path(__file__).resolve().parent.parent / "config.example.toml").read_text()
    block = text[text.index("# [[identity_center]]") : text.index("# ----", text.index("# [[identity_center]]"))]
    uncommented = "\n".join(line.removeprefix("#").removeprefix(" ") for line in block.splitlines())
    (entry,) = catalog_of(uncommented).identity_center
    assert (entry.name, entry.exclude_roles, entry.rules[0].confirm) == ("corp", ("Billing*",), True)
