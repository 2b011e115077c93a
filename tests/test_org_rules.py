"""The [organizations] rules: OU globs, tag matches, include/exclude, and what each account is offered."""

from __future__ import annotations

import pytest

from roleui.core.discovery_settings import OrgRule
from roleui.core.models import OrgConfig
from roleui.core.sources.organizations.model import DiscoveredAccount
from roleui.core.sources.organizations.rules import is_included, ou_matches, plan_for, tag_rules_without_tags
from roleui.core.tags import tags_match


def account(ou_path: str = "Workloads/Prod", state: str = "ACTIVE", **tags: str) -> DiscoveredAccount:
    return DiscoveredAccount(
        id="210987654321", name="a", email="a@example.com", state=state, ou_path=ou_path, tags=tags
    )


@pytest.mark.parametrize(
    ("pattern", "ou_path", "expected"),
    [
        ("Workloads/Prod/*", "Workloads/Prod", True),  # the accounts directly in Prod, like a folder listing
        ("Workloads/Prod/*", "Workloads/Prod/Payments", True),
        ("Workloads/Prod/*", "Workloads/Prod/Payments/Team", True),  # third level: the subtree
        ("Workloads/Prod/*", "Workloads/Production", False),
        ("Workloads/Prod/*", "Workloads", False),
        ("Workloads/Prod", "Workloads/Prod/Payments", True),
        ("Workloads/Prod", "Workloads/Production", False),
        ("workloads/PROD", "Workloads/Prod", True),  # case-insensitive
        ("Workloads/*/Payments", "Workloads/Prod/Payments", True),
        ("Workloads/*/Payments", "Workloads/Prod/Web", False),
        ("Workloads/*/Payments", "Workloads/Prod/Payments/Team", True),
        ("**/Sandbox", "Workloads/Dev/Sandbox", True),
        ("**/Sandbox", "Sandbox", True),
        ("**/Sandbox", "Workloads/Sandboxes", False),
        ("Workloads/**/Sandbox", "Workloads/Sandbox", True),
        ("Workloads/**/Sandbox", "Workloads/Dev/Team/Sandbox", True),
        ("Dev-[0-9]", "Dev-3", True),
        ("Dev-[!0-9]", "Dev-3", False),
        ("Dev-?", "Dev-x", True),
        ("*", "", True),  # everything, even the accounts directly under the root
        ("*/Prod", "Prod", False),
        ("Security", "", False),
        ("Work*", "Other/Workloads", False),
    ],
)
def test_an_ou_glob_matches_the_ou_it_names_and_everything_below_it(pattern: str, ou_path: str, expected: bool) -> None:
    assert ou_matches(pattern, ou_path) is expected


def test_tags_match_when_every_listed_key_has_its_value_and_a_star_only_asks_for_the_key() -> None:
    tags = {"environment": "prod", "team": "web"}
    assert tags_match({"environment": "prod", "team": "web"}, tags)
    assert tags_match({"team": "*"}, tags)
    assert not tags_match({"environment": "prod", "team": "data"}, tags)
    assert not tags_match({"owner": "*"}, tags)
    assert not tags_match({"environment": "Prod"}, tags)  # tag values are case-sensitive, as in AWS
    assert tags_match({}, tags)


def test_include_ous_keeps_only_accounts_in_those_ous() -> None:
    config = OrgConfig(enabled=True, include_ous=("Workloads/*",))
    assert is_included(config, account("Workloads/Dev/Sandbox"))
    assert not is_included(config, account("Security"))
    assert not is_included(config, account(""))


def test_exclude_ous_leaves_out_an_ou_and_its_subtree() -> None:
    config = OrgConfig(enabled=True, exclude_ous=("Suspended/*", "Workloads/Dev"))
    assert not is_included(config, account("Suspended"))
    assert not is_included(config, account("Workloads/Dev/Sandbox"))
    assert is_included(config, account("Workloads/Prod"))


def test_include_tags_needs_all_of_them_and_exclude_tags_any_one() -> None:
    config = OrgConfig(
        enabled=True, include_tags={"roleui": "yes", "team": "*"}, exclude_tags={"lifecycle": "retired", "hidden": "*"}
    )
    assert is_included(config, account(roleui="yes", team="web"))
    assert not is_included(config, account(roleui="yes"))
    assert not is_included(config, account(roleui="yes", team="web", hidden="1"))
    assert not is_included(config, account(roleui="yes", team="web", lifecycle="retired"))
    assert is_included(config, account(roleui="yes", team="web", lifecycle="active"))


def test_rules_add_roles_in_order_without_duplicates_and_the_last_color_and_region_win() -> None:
    config = OrgConfig(
        enabled=True,
        roles=("OrganizationAccountAccessRole",),
        rules=(
            OrgRule(ou="Workloads/*", roles=("ReadOnly",), color="99BCE3", region="eu-west-1"),
            OrgRule(ou="Workloads/Prod/*", roles=("readonly", "ProdSupport"), color="F2B0A9", confirm=True),
            OrgRule(tags={"team": "data"}, roles=("DataEngineer",), region="eu-central-1"),
        ),
    )
    plan = plan_for(config, account("Workloads/Prod/Payments", team="web"))
    assert plan.roles == ("OrganizationAccountAccessRole", "ReadOnly", "ProdSupport")
    assert (plan.color, plan.region, plan.confirm, plan.rules) == ("F2B0A9", "eu-west-1", True, (0, 1))
    dev = plan_for(config, account("Workloads/Dev", team="data"))
    assert dev.roles == ("OrganizationAccountAccessRole", "ReadOnly", "DataEngineer")
    assert (dev.color, dev.region, dev.confirm, dev.rules) == ("99BCE3", "eu-central-1", False, (0, 2))


def test_a_rule_with_ou_and_tags_needs_both() -> None:
    config = OrgConfig(
        enabled=True, roles=(), rules=(OrgRule(ou="Workloads/*", tags={"environment": "prod"}, roles=("Admin",)),)
    )
    assert plan_for(config, account("Workloads/Prod", environment="prod")).roles == ("Admin",)
    assert plan_for(config, account("Workloads/Prod", environment="dev")).roles == ()
    assert plan_for(config, account("Security", environment="prod")).roles == ()


@pytest.mark.parametrize("state", ["SUSPENDED", "PENDING_CLOSURE", "CLOSED"])
def test_suspended_and_closed_accounts_offer_no_roles_unless_the_catalog_asks(state: str) -> None:
    rules = (OrgRule(ou="Workloads/*", roles=("ReadOnly",), color="F2B0A9"),)
    plan = plan_for(OrgConfig(enabled=True, rules=rules), account(state=state))
    assert plan.roles == ()
    assert plan.color == "F2B0A9"  # still marked like its neighbours
    offered = plan_for(OrgConfig(enabled=True, rules=rules, include_inactive_roles=True), account(state=state))
    assert offered.roles == ("OrganizationAccountAccessRole", "ReadOnly")


def test_tag_rules_are_flagged_when_tags_are_not_read() -> None:
    assert tag_rules_without_tags(OrgConfig(read_tags=False, rules=(OrgRule(tags={"a": "b"}),)))
    assert tag_rules_without_tags(OrgConfig(read_tags=False, exclude_tags={"a": "b"}))
    assert not tag_rules_without_tags(OrgConfig(read_tags=False, rules=(OrgRule(ou="X"),)))
    assert not tag_rules_without_tags(OrgConfig(read_tags=True, rules=(OrgRule(tags={"a": "b"}),)))
