"""Discovered accounts merged with the TOML catalog and ~/.aws/config: who wins, what is added, in which order."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import textwrap
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from roleui.aws.sources import load_world
from roleui.core.catalog.parse import parse_catalog
from roleui.core.catalog.refs import resolve_role
from roleui.core.models import Catalog, Source
from roleui.core.sources.organizations.cache import save_org_snapshot
from roleui.core.sources.organizations.merge import merge_organization
from roleui.core.sources.organizations.model import DiscoveredAccount, OrgSnapshot

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
MANAGEMENT = "123456789012"


def found(account_id: str, name: str, ou_path: str, state: str = "ACTIVE", **tags: str) -> DiscoveredAccount:
    return DiscoveredAccount(account_id, name, f"{name}@example.com", state, ou_path, tags, T0)


ORG = OrgSnapshot(
    discovered_at=T0,
    management_account_id=MANAGEMENT,
    accounts=(
        found(MANAGEMENT, "management", ""),
        found("333333333333", "web-prod", "Workloads/Prod", environment="prod", team="web"),
        found("444444444444", "payments", "Workloads/Prod/Payments", environment="prod"),
        found("555555555555", "sandbox", "Workloads/Dev/Sandbox", environment="dev"),
        found("666666666666", "old-app", "Suspended", "SUSPENDED"),
        found("777777777777", "audit", "Security", team="security"),
    ),
)

ORG_TABLE = """
[organizations]
enabled = true
exclude_ous = ["Security"]

  [[organizations.rules]]
  ou = "Workloads/Prod/*"
  roles = ["ReadOnly"]
  color = "red"
  region = "eu-west-1"
  confirm = true

  [[organizations.rules]]
  tags = { environment = "dev" }
  roles = ["Developer"]
  color = "green"
"""


def catalog_of(text: str) -> Catalog:
    return parse_catalog(textwrap.dedent(text), "cat.toml")


def keys(catalog: Catalog) -> list[str]:
    return [f"{r.key} [{r.source}]" for r in catalog.roles]


def test_discovered_accounts_get_the_default_role_and_the_roles_of_matching_rules() -> None:
    world = merge_organization(catalog_of(ORG_TABLE), ORG)
    assert keys(world) == [  # by OU path, then name
        "sandbox/OrganizationAccountAccessRole [organizations]",
        "sandbox/Developer [organizations]",
        "web-prod/OrganizationAccountAccessRole [organizations]",
        "web-prod/ReadOnly [organizations]",
        "payments/OrganizationAccountAccessRole [organizations]",
        "payments/ReadOnly [organizations]",
    ]
    by_name = {a.name: a for a in world.accounts}
    assert (by_name["payments"].ou_path, by_name["payments"].color, by_name["payments"].region) == (
        "Workloads/Prod/Payments",
        "F2B0A9",
        "eu-west-1",
    )
    assert by_name["sandbox"].color == "B7CA9D"
    assert all(r.confirm for r in world.roles if r.account.name in ("web-prod", "payments"))
    assert not any(r.confirm for r in world.roles if r.account.name == "sandbox")
    assert "audit" not in by_name  # excluded by OU


def test_the_management_account_is_listed_but_never_offered_organization_account_access_role() -> None:
    world = merge_organization(
        catalog_of(ORG_TABLE + '\n  [[organizations.rules]]\n  ou = "*"\n  roles = ["Billing"]\n'), ORG
    )
    management = next(a for a in world.accounts if a.id == MANAGEMENT)
    assert management.ou_path == ""
    assert [r.name for r in world.roles if r.account.id == MANAGEMENT] == ["Billing"]


def test_a_suspended_account_is_listed_with_its_state_and_offers_no_roles() -> None:
    world = merge_organization(catalog_of(ORG_TABLE), ORG)
    old = next(a for a in world.accounts if a.name == "old-app")
    assert (old.state, old.source, old.ou_path) == ("SUSPENDED", Source.ORGANIZATIONS, "Suspended")
    assert [r for r in world.roles if r.account.id == old.id] == []
    offered = merge_organization(
        catalog_of(ORG_TABLE.replace("enabled = true", "enabled = true\ninclude_inactive_roles = true")), ORG
    )
    assert [r.key for r in offered.roles if r.account.id == old.id] == ["old-app/OrganizationAccountAccessRole"]


def test_a_catalog_account_with_the_same_id_wins_and_gains_the_discovered_roles_it_lacks() -> None:
    catalog = catalog_of(
        """
        [[accounts]]
        id = "333333333333"
        name = "web"
        aliases = ["www"]
        color = "blue"
        tags = { team = "frontend", owner = "ana" }

          [[accounts.roles]]
          name = "ReadOnly"
          external_id = "web-external-id-1234"
        """
        + ORG_TABLE
    )
    world = merge_organization(catalog, ORG)
    web = [r for r in world.roles if r.account.id == "333333333333"]
    assert [f"{r.key} [{r.source}]" for r in web] == [
        "web/ReadOnly [catalog]",  # the catalog's role, with its ExternalId, not a discovered copy
        "web/OrganizationAccountAccessRole [organizations]",
    ]
    assert web[0].external_id == "web-external-id-1234"
    account = web[0].account
    assert web[1].account is account  # one account object for all its roles
    assert (account.name, account.aliases, account.color, account.source) == ("web", ("www",), "99BCE3", Source.CATALOG)
    assert (account.ou_path, account.state) == ("Workloads/Prod", "ACTIVE")
    assert account.tags == {"environment": "prod", "team": "frontend", "owner": "ana"}  # the catalog's tags win
    assert world.accounts[0] is account  # catalog accounts keep their place, first
    assert "web-prod" not in {a.name for a in world.accounts}


def test_a_catalog_account_left_out_by_the_rules_keeps_its_roles_and_gains_its_ou_path_only() -> None:
    catalog = catalog_of(
        '[[accounts]]\nid = "777777777777"\nname = "audit-acct"\n[[accounts.roles]]\nname = "Auditor"\n' + ORG_TABLE
    )
    world = merge_organization(catalog, ORG)
    assert [r.key for r in world.roles if r.account.id == "777777777777"] == ["audit-acct/Auditor"]
    assert world.accounts[0].ou_path == "Security"


def test_names_stay_unique_and_usable_in_role_references() -> None:
    catalog = catalog_of('[[accounts]]\nid = "999999999999"\nname = "sandbox"\n' + ORG_TABLE)
    org = replace(
        ORG,
        accounts=(
            *ORG.accounts,
            found("888888888888", "web-prod", "Workloads/Prod"),  # two discovered accounts called web-prod
            found("121212121212", "team/a  b", "Workloads/Prod"),
        ),
    )
    world = merge_organization(catalog, org)
    names = {a.id: a.name for a in world.accounts}
    assert names["555555555555"] == "sandbox-555555555555"  # "sandbox" is the catalog's
    assert names["333333333333"] == "web-prod-333333333333"
    assert names["888888888888"] == "web-prod-888888888888"
    assert names["121212121212"] == "team-a b"
    assert resolve_role(world, "team-a b/ReadOnly").account.id == "121212121212"
    assert len({r.key for r in world.roles}) == len(world.roles)


def test_the_order_is_deterministic_whatever_order_aws_returned() -> None:
    catalog = catalog_of(ORG_TABLE)
    expected = keys(merge_organization(catalog, ORG))
    shuffled = list(ORG.accounts)
    for seed in range(5):
        random.Random(seed).shuffle(shuffled)
        assert keys(merge_organization(catalog, replace(ORG, accounts=tuple(shuffled)))) == expected


def write_aws_config(text: str) -> None:
    path = Path(os.environ["AWS_CONFIG_FILE"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")


AWS_CONFIG = """
[profile base]
region = eu-west-1

[profile sandbox-dev]
role_arn = arn:aws:iam::555555555555:role/Developer
source_profile = base
mfa_serial = arn:aws:iam::123456789012:mfa/ana

[profile sandbox-admin]
role_arn = arn:aws:iam::555555555555:role/Admin
source_profile = sandbox-dev

[profile elsewhere]
role_arn = arn:aws:iam::101010101010:role/Deploy
source_profile = base
"""


def test_load_world_merges_catalog_aws_config_profiles_and_the_cached_organization(tmp_path: Path) -> None:
    path = tmp_path / "roleui.toml"
    path.write_text(
        textwrap.dedent(
            '[[accounts]]\nid = "333333333333"\nname = "web"\n[[accounts.roles]]\nname = "Deployer"\n' + ORG_TABLE
        )
    )
    write_aws_config(AWS_CONFIG)
    save_org_snapshot(ORG)
    world = load_world(str(path))
    assert keys(world) == [
        "web/Deployer [catalog]",
        "web/OrganizationAccountAccessRole [organizations]",
        "web/ReadOnly [organizations]",
        "sandbox/OrganizationAccountAccessRole [organizations]",
        "sandbox/Developer [aws-config]",  # the profile's role wins over the discovered one (same ARN)
        "sandbox/Admin [aws-config]",
        "payments/OrganizationAccountAccessRole [organizations]",
        "payments/ReadOnly [organizations]",
        "101010101010/Deploy [aws-config]",  # not in the organization: stays as the profile made it
    ]
    developer = resolve_role(world, "sandbox-dev")
    assert (developer.key, developer.mfa_serial, developer.account.ou_path) == (
        "sandbox/Developer",
        "arn:aws:iam::123456789012:mfa/ana",
        "Workloads/Dev/Sandbox",
    )
    admin = resolve_role(world, "sandbox-admin")
    assert admin.via == "sandbox/Developer"  # the chain follows the account's discovered name
    assert resolve_role(world, admin.via) is developer
    assert [a.name for a in world.accounts] == ["web", "management", "old-app", "sandbox", "payments", "101010101010"]


def test_starting_from_the_cache_imports_neither_boto3_nor_makes_a_call(tmp_path: Path) -> None:
    (tmp_path / "roleui.toml").write_text(textwrap.dedent(ORG_TABLE))
    save_org_snapshot(ORG)
    env = dict(os.environ, ROLEUI_CONFIG=str(tmp_path / "roleui.toml"), AWS_ENDPOINT_URL="http://127.0.0.1:9")
    code = (
        "import sys; from roleui.aws.sources import load_world; w = load_world(); "
        "print(len(w.roles), 'boto3' in sys.modules, 'botocore.client' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert result.stdout.split() == ["6", "False", "False"]
