"""The demo's seeded world, read back through the AWS APIs and the real aws CLI as a user of the demo would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from roleui.core.catalog.parse import parse_catalog
from roleui.core.clock import utc_now
from roleui.core.sources.organizations.cache import organization_is_stale
from roleui.core.sources.organizations.model import OrgSnapshot
from roleui.demo.catalog import CATALOG
from roleui.demo.organization import DEFAULT_ACCOUNTS, ORG_ROLES, PRECACHED_FROM, plan_organization, snapshot_of
from roleui.demo.runtime import running_demo
from roleui.demo.story import (
    ADMIN_ROLE,
    BUCKET,
    BUCKET_OBJECTS,
    EXTERNAL_ID,
    LOG_GROUPS,
    MFA_SERIAL,
    PRODUCTION_ID,
    S3_READ_ROLE,
    SHARED_DATA_ID,
    SUPPORT_PATH,
    SUPPORT_ROLE,
    TOOLING_ID,
    USER_NAME,
    role_arn,
)
from roleui.demo.world import World, seed_world
from tests._demo_helpers import as_account, with_keys

AWS_CLI = str(Path(sys.executable).with_name("aws"))


@pytest.fixture
def world(aws: str) -> World:
    return seed_world(aws)


def trust_of(iam: Any, name: str) -> dict[str, Any]:
    document = iam.get_role(RoleName=name)["Role"]["AssumeRolePolicyDocument"]
    return document if isinstance(document, dict) else json.loads(document)


def inline_policy(iam: Any, role: str) -> dict[str, Any]:
    (name,) = iam.list_role_policies(RoleName=role)["PolicyNames"]
    document = iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
    return document if isinstance(document, dict) else json.loads(document)


def test_the_base_keys_are_deepak_dev_in_the_tooling_account_for_the_aws_cli(world: World, aws: str) -> None:
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": world.keys.access_key_id,
        "AWS_SECRET_ACCESS_KEY": world.keys.secret_access_key,
    }
    out = subprocess.run(
        [AWS_CLI, "sts", "get-caller-identity", "--output", "json"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    identity = json.loads(out)
    assert (identity["Account"], identity["Arn"]) == (TOOLING_ID, f"arn:aws:iam::{TOOLING_ID}:user/{USER_NAME}")


def test_the_main_profile_keys_are_deepak_dev_in_the_main_account_with_his_mfa_device(world: World, aws: str) -> None:
    identity = with_keys("sts", aws, world.main_keys).get_caller_identity()
    assert identity["Arn"] == f"arn:aws:iam::{PRODUCTION_ID}:user/{USER_NAME}"
    devices = as_account("iam", PRODUCTION_ID, aws).list_mfa_devices(UserName=USER_NAME)["MFADevices"]
    assert [d["SerialNumber"] for d in devices] == [MFA_SERIAL]


def test_the_cross_account_role_reads_the_seeded_objects_of_the_shared_bucket(world: World, aws: str) -> None:
    sts = with_keys("sts", aws, world.keys)
    credentials = sts.assume_role(
        RoleArn=role_arn(SHARED_DATA_ID, S3_READ_ROLE), RoleSessionName=USER_NAME, ExternalId=EXTERNAL_ID
    )["Credentials"]
    assert with_keys("sts", aws, credentials).get_caller_identity()["Arn"] == (
        f"arn:aws:sts::{SHARED_DATA_ID}:assumed-role/{S3_READ_ROLE}/{USER_NAME}"
    )
    s3 = with_keys("s3", aws, credentials)
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert keys == sorted(BUCKET_OBJECTS)
    assert s3.get_object(Bucket=BUCKET, Key="customers.csv")["Body"].read().decode() == BUCKET_OBJECTS["customers.csv"]


def test_the_cross_account_role_trusts_deepak_dev_only_with_the_external_id_and_only_reads_the_bucket(
    world: World, aws: str
) -> None:
    iam = as_account("iam", SHARED_DATA_ID, aws)
    (statement,) = trust_of(iam, S3_READ_ROLE)["Statement"]
    assert statement["Principal"] == {"AWS": f"arn:aws:iam::{TOOLING_ID}:user/{USER_NAME}"}
    assert statement["Condition"] == {"StringEquals": {"sts:ExternalId": EXTERNAL_ID}}
    assert set(statement["Action"]) == {"sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"}
    permissions = inline_policy(iam, S3_READ_ROLE)["Statement"]
    assert {(s["Action"], s["Resource"]) for s in permissions} == {
        ("s3:ListBucket", f"arn:aws:s3:::{BUCKET}"),
        ("s3:GetObject", f"arn:aws:s3:::{BUCKET}/*"),
    }


def test_the_admin_role_requires_mfa_and_the_support_role_trusts_only_the_admin_role(world: World, aws: str) -> None:
    iam = as_account("iam", PRODUCTION_ID, aws)
    (admin,) = trust_of(iam, ADMIN_ROLE)["Statement"]
    assert admin["Principal"] == {"AWS": f"arn:aws:iam::{PRODUCTION_ID}:user/{USER_NAME}"}
    assert admin["Condition"]["Bool"] == {"aws:MultiFactorAuthPresent": "true"}
    (support,) = trust_of(iam, SUPPORT_ROLE)["Statement"]
    assert support["Principal"] == {"AWS": role_arn(PRODUCTION_ID, ADMIN_ROLE)}
    assert iam.get_role(RoleName=SUPPORT_ROLE)["Role"]["Arn"] == role_arn(PRODUCTION_ID, SUPPORT_ROLE, SUPPORT_PATH)
    actions = [a for s in inline_policy(iam, SUPPORT_ROLE)["Statement"] for a in s["Action"]]
    assert actions
    assert all(a.startswith(("logs:", "cloudwatch:")) for a in actions)
    assert not any(a.startswith(("logs:Put", "logs:Delete", "logs:Create", "cloudwatch:Put")) for a in actions)


def test_prod_support_is_reached_by_chaining_through_the_admin_role_and_sees_the_log_groups(
    world: World, aws: str
) -> None:
    main = with_keys("sts", aws, world.main_keys)
    mfa = main.get_session_token(SerialNumber=MFA_SERIAL, TokenCode="123456")["Credentials"]
    admin = with_keys("sts", aws, mfa).assume_role(
        RoleArn=role_arn(PRODUCTION_ID, ADMIN_ROLE), RoleSessionName=USER_NAME
    )["Credentials"]
    support = with_keys("sts", aws, admin).assume_role(
        RoleArn=role_arn(PRODUCTION_ID, SUPPORT_ROLE, SUPPORT_PATH), RoleSessionName=USER_NAME
    )["Credentials"]
    assert with_keys("sts", aws, support).get_caller_identity()["Arn"] == (
        f"arn:aws:sts::{PRODUCTION_ID}:assumed-role/{SUPPORT_ROLE}/{USER_NAME}"
    )
    groups = with_keys("logs", aws, support).describe_log_groups()["logGroups"]
    assert sorted(g["logGroupName"] for g in groups) == sorted(LOG_GROUPS)


def walk(org: Any, parent: str, path: str, found: dict[str, tuple[str, dict[str, str], str]]) -> int:
    """Account id -> (OU path, tags, state), walking the tree like discovery does; returns the OUs seen."""
    ous = 0
    for page in org.get_paginator("list_accounts_for_parent").paginate(ParentId=parent):
        for account in page["Accounts"]:
            tags = org.list_tags_for_resource(ResourceId=account["Id"])["Tags"]
            found[account["Id"]] = (path, {t["Key"]: t["Value"] for t in tags}, account["State"])
    for page in org.get_paginator("list_organizational_units_for_parent").paginate(ParentId=parent):
        for ou in page["OrganizationalUnits"]:
            ous += 1 + walk(org, ou["Id"], f"{path}/{ou['Name']}".lstrip("/"), found)
    return ous


def test_the_organization_is_readable_with_the_base_keys_and_has_tagged_accounts_in_nested_ous(
    world: World, aws: str
) -> None:
    org = with_keys("organizations", aws, world.keys)
    assert org.describe_organization()["Organization"]["MasterAccountId"] == TOOLING_ID
    found: dict[str, tuple[str, dict[str, str], str]] = {}
    ous = walk(org, org.list_roots()["Roots"][0]["Id"], "", found)
    assert len(found) == DEFAULT_ACCOUNTS == world.organization.accounts
    assert 20 <= len(found) <= 60  # a few dozen
    assert ous == world.organization.ous
    assert found[TOOLING_ID][0] == ""
    assert found[SHARED_DATA_ID][:2] == ("Workloads/Prod", {"environment": "prod", "team": "data"})
    assert found[PRODUCTION_ID][0] == "Workloads/Prod"
    assert {tags["environment"] for _, tags, _ in found.values()} == {"prod", "staging", "dev"}
    assert max(path.count("/") for path, _, _ in found.values()) == 2  # three levels: Workloads/Prod/Payments
    assert [state for _, _, state in found.values() if state != "ACTIVE"] == ["SUSPENDED"]


def test_member_accounts_of_the_small_organization_hold_the_roles_organizations_would_create(
    world: World, aws: str
) -> None:
    member = plan_organization()[5].id
    iam = as_account("iam", member, aws)
    assert {role["RoleName"] for role in iam.list_roles()["Roles"]} == set(ORG_ROLES)
    (statement,) = trust_of(iam, ORG_ROLES[0])["Statement"]
    assert statement["Principal"] == {"AWS": f"arn:aws:iam::{TOOLING_ID}:root"}


def test_a_large_organization_is_seeded_in_process_and_lists_through_the_api(aws: str) -> None:
    world = seed_world(aws, accounts=10_000)
    org = with_keys("organizations", aws, world.keys)
    # moto honours any MaxResults: one page instead of 500 keeps the test quick.
    accounts = org.list_accounts(MaxResults=20_000)["Accounts"]
    assert len(accounts) == 10_000 == world.organization.accounts
    assert len({a["Id"] for a in accounts}) == 10_000
    assert not world.organization.member_roles
    sample = next(a for a in accounts if a["Name"] == "search-staging-00009")
    tags = {t["Key"]: t["Value"] for t in org.list_tags_for_resource(ResourceId=sample["Id"])["Tags"]}
    assert tags["environment"] == "staging"
    assert tags["team"] == "search"


def test_the_organization_plan_is_deterministic_with_unique_twelve_digit_ids_and_the_guides_accounts_first() -> None:
    plan = plan_organization(5_000)
    assert plan == plan_organization(5_000)
    assert [p.id for p in plan[:3]] == [TOOLING_ID, PRODUCTION_ID, SHARED_DATA_ID]
    assert len({p.id for p in plan}) == len({p.name for p in plan}) == 5_000
    assert all(len(p.id) == 12 and p.id.isdigit() for p in plan)
    assert plan_organization(3) == plan[:3]


@pytest.mark.parametrize("total", [2, 50_001])
def test_an_organization_outside_3_to_50000_accounts_is_refused(total: int) -> None:
    with pytest.raises(ValueError, match="between 3 and 50000"):
        plan_organization(total)


def test_the_demo_catalog_is_valid_and_holds_every_option_of_the_guides_roles() -> None:
    catalog = parse_catalog(CATALOG, "demo.toml")
    roles = {role.key: role for role in catalog.roles}
    s3 = roles[f"shared-data/{S3_READ_ROLE}"]
    assert (s3.external_id, s3.source_identity, s3.transitive_tag_keys) == (EXTERNAL_ID, USER_NAME, ("team",))
    assert s3.session_tags == {"team": "data", "environment": "prod"}
    admin = roles[f"main/{ADMIN_ROLE}"]
    assert (admin.mfa_serial, admin.confirm, admin.source_profile) == (MFA_SERIAL, True, "main")
    support = roles[f"main/{SUPPORT_ROLE}"]
    assert (support.via, support.arn) == (f"main/{ADMIN_ROLE}", role_arn(PRODUCTION_ID, SUPPORT_ROLE, SUPPORT_PATH))
    assert catalog.organizations.enabled
    assert catalog.organizations.roles == ORG_ROLES


def facts(snapshot: OrgSnapshot) -> set[tuple[str, str, str, str, str, tuple[tuple[str, str], ...]]]:
    return {(a.id, a.name, a.email, a.state, a.ou_path, tuple(sorted(a.tags.items()))) for a in snapshot.accounts}


def test_the_snapshot_cached_for_a_big_organization_is_exactly_what_discovery_finds() -> None:
    from roleui.aws.organizations import refresh_organization

    with running_demo() as demo:
        _, report = refresh_organization(None)
        cached = snapshot_of(demo.world.organization, report.snapshot.discovered_at)
    assert facts(cached) == facts(report.snapshot)
    assert (cached.organization_id, cached.management_account_id, cached.ou_count) == (
        report.snapshot.organization_id,
        report.snapshot.management_account_id,
        report.snapshot.ou_count,
    )


def test_a_demo_of_a_big_organization_starts_from_a_fresh_cache_of_it() -> None:
    from roleui.aws.sources import load_world

    with running_demo(accounts=PRECACHED_FROM) as demo:
        world = load_world(None)
        assert not organization_is_stale(world, utc_now())
        assert len(world.accounts) == PRECACHED_FROM == demo.world.organization.accounts
