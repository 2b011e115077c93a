"""The demo's AWS Organization: a few dozen tagged accounts in OUs, or as many as `--accounts N` asks, seeded fast.

The plan (names, ids, OU paths, tags) is pure and deterministic: the same N gives the same organization. It is
then written straight into moto's Organizations backend in this process, because moto's own create_account is
linear per call (quadratic for a big organization) and creates an IAM backend per account, which every later
request then scans. Member accounts of a small organization still get the roles Organizations would create
(OrganizationAccountAccessRole, plus a ReadOnly role); a big one skips them: the local AWS does not require a
role to exist to assume it, and the big organization is there to feel the speed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from unittest import mock

from roleui.core.sources.organizations.model import DiscoveredAccount, OrgSnapshot
from roleui.demo import policies
from roleui.demo.story import (
    PRODUCTION_ID,
    PRODUCTION_NAME,
    REGION,
    SHARED_DATA_ID,
    SHARED_DATA_NAME,
    TOOLING_ID,
    TOOLING_NAME,
)

TEAMS = ("payments", "checkout", "search", "identity", "analytics", "web")
ENVIRONMENTS = ("prod", "staging", "dev")
SANDBOX_OWNERS = ("deepak", "priya", "marco", "lena")
ORG_ROLES = ("OrganizationAccountAccessRole", "ReadOnly")
MAX_ACCOUNTS = 50_000
ROLES_UP_TO = 200  # organizations up to this size get real IAM roles in every member account
# Discovering through moto takes ~3 ms per account (it answers tag reads one account at a time, scanning them
# all): about 30 s for 10,000. Bigger organizations than this are written to roleui's cache as discovered.
PRECACHED_FROM = 1_000


@dataclass(frozen=True, slots=True)
class AccountPlan:
    """One account to create: `ou` is its OU path below the root ("" = the root itself)."""

    id: str
    name: str
    ou: str
    tags: dict[str, str] = field(default_factory=dict)
    suspended: bool = False

    @property
    def email(self) -> str:
        return f"aws+{self.name}@example.com"


@dataclass(frozen=True, slots=True)
class OrgSummary:
    """What was seeded, for messages and tests."""

    management_account_id: str
    organization_id: str
    accounts: int
    ous: int
    member_roles: bool  # whether member accounts got real IAM roles


def _tags(environment: str, team: str, **more: str) -> dict[str, str]:
    return {"environment": environment, "team": team, **more}


def _named_accounts() -> list[AccountPlan]:
    """The few dozen accounts of the default organization; the guide's three come first."""
    named = [
        AccountPlan(TOOLING_ID, TOOLING_NAME, "", _tags("prod", "platform")),
        AccountPlan(PRODUCTION_ID, PRODUCTION_NAME, "Workloads/Prod", _tags("prod", "platform")),
        AccountPlan(SHARED_DATA_ID, SHARED_DATA_NAME, "Workloads/Prod", _tags("prod", "data")),
    ]
    named += [AccountPlan(_account_id(n), n, "Security", _tags("prod", "security")) for n in ("audit", "log-archive")]
    named += [
        AccountPlan(_account_id(n), n, "Infrastructure", _tags("prod", "platform"))
        for n in ("network", "shared-services", "ci-cd")
    ]
    for environment in ENVIRONMENTS:
        for team in TEAMS:
            name = f"{team}-{environment}"
            named.append(AccountPlan(_account_id(name), name, _team_ou(environment, team), _tags(environment, team)))
    for owner in SANDBOX_OWNERS:
        name = f"sandbox-{owner}"
        named.append(AccountPlan(_account_id(name), name, "Sandbox", _tags("dev", "sandbox", owner=owner)))
    named.append(
        AccountPlan(
            _account_id("legacy-reporting"), "legacy-reporting", "Suspended", _tags("prod", "analytics"), suspended=True
        )
    )
    return named


def _team_ou(environment: str, team: str) -> str:
    return f"Workloads/{environment.capitalize()}/{team.capitalize()}"


def _account_id(name: str) -> str:
    """A stable 12-digit id for a name (from 300000000000 up, so never one of the guide's ids)."""
    number = int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big")
    return str(300_000_000_000 + number % 700_000_000_000)


DEFAULT_ACCOUNTS = len(_named_accounts())


def plan_organization(total: int = DEFAULT_ACCOUNTS) -> list[AccountPlan]:
    """`total` accounts: the guide's three first, then the named ones, then generated team accounts."""
    if not 3 <= total <= MAX_ACCOUNTS:
        raise ValueError(f"an organization of {total} accounts: choose between 3 and {MAX_ACCOUNTS}")
    plans = _named_accounts()[:total]
    used = {plan.id for plan in plans}
    index = 0
    while len(plans) < total:
        team = TEAMS[index % len(TEAMS)]
        environment = ENVIRONMENTS[(index // len(TEAMS)) % len(ENVIRONMENTS)]
        name = f"{team}-{environment}-{index + 1:05d}"
        account_id = _account_id(name)
        while account_id in used:  # a hash collision: take the next free id
            account_id = str(int(account_id) + 1)
        used.add(account_id)
        tags = _tags(environment, team, **{"cost-center": f"cc-{1000 + index % 40}"})
        plans.append(AccountPlan(account_id, name, _team_ou(environment, team), tags))
        index += 1
    return plans


def ou_paths(plans: list[AccountPlan]) -> list[str]:
    """Every OU path the plan needs, parents before children."""
    paths: set[str] = set()
    for plan in plans:
        parts = plan.ou.split("/") if plan.ou else []
        paths.update("/".join(parts[: i + 1]) for i in range(len(parts)))
    return sorted(paths, key=lambda p: (p.count("/"), p))


def seed_organization(total: int = DEFAULT_ACCOUNTS) -> OrgSummary:
    """Create the organization in moto's in-process backend, the management account being the tooling account."""
    from moto.organizations import utils as org_utils
    from moto.organizations.models import FakeAccount, organizations_backends

    plans = plan_organization(total)
    backend: Any = organizations_backends[TOOLING_ID]["aws"]
    if backend.org is not None:
        raise RuntimeError("the local AWS already holds an organization: seed a fresh server")
    backend.create_organization(region=REGION, FeatureSet="ALL")
    org: Any = backend.org
    ou_ids = {"": org.root_id}
    for path in ou_paths(plans):
        parent, _, name = path.rpartition("/")
        created = backend.create_organizational_unit(Name=name, ParentId=ou_ids[parent])
        ou_ids[path] = created["OrganizationalUnit"]["Id"]
    default_policies = [
        backend.get_policy_by_id(p) for p in (org_utils.DEFAULT_SCP_POLICY_ID, org_utils.DEFAULT_RCP_POLICY_ID)
    ]
    management, members = plans[0], plans[1:]
    account = backend.get_account_by_id(TOOLING_ID)
    account.name, account.email, account.tags = management.name, management.email, dict(management.tags)
    with _without_iam_side_effects():
        for plan in members:
            account = FakeAccount(org, AccountName=plan.name, Email=plan.email)
            account.id = plan.id
            account.tags = dict(plan.tags)
            account.parent_id = ou_ids[plan.ou]
            backend.accounts.append(account)
            for policy in default_policies:
                account.attached_policies.append(policy)
                policy.attachments.append(account)
            organizations_backends.master_accounts[plan.id] = (TOOLING_ID, backend.partition)
            if plan.suspended:
                account.close()
    member_roles = total <= ROLES_UP_TO
    if member_roles:
        for plan in members:
            _create_member_roles(plan.id)
    return OrgSummary(TOOLING_ID, org.id, accounts=len(plans), ous=len(ou_ids) - 1, member_roles=member_roles)


def snapshot_of(summary: OrgSummary, now: datetime) -> OrgSnapshot:
    """What a discovery of the seeded organization would find, to cache it without walking a huge one."""
    accounts = tuple(
        DiscoveredAccount(
            id=plan.id,
            name=plan.name,
            email=plan.email,
            state="SUSPENDED" if plan.suspended else "ACTIVE",
            ou_path=plan.ou,
            tags=dict(plan.tags),
            discovered_at=now,
        )
        for plan in plan_organization(summary.accounts)
    )
    return OrgSnapshot(
        discovered_at=now,
        accounts=accounts,
        organization_id=summary.organization_id,
        management_account_id=summary.management_account_id,
        ou_count=summary.ous,
    )


@contextmanager
def _without_iam_side_effects() -> Iterator[None]:
    """moto's FakeAccount creates an IAM role (and backend) in its random account id; skip that, ids come later."""

    class _NoIam:
        def __getitem__(self, _: str) -> _NoIam:
            return self

        def create_role(self, **_: object) -> None:
            return None

    with mock.patch("moto.iam.iam_backends", _NoIam()):
        yield


def _create_member_roles(account_id: str) -> None:
    from moto.iam.models import iam_backends

    iam: Any = iam_backends[account_id]["global"]
    trust = json.dumps(policies.organization_role_trust(TOOLING_ID))
    permissions = {ORG_ROLES[0]: policies.admin_permissions(), ORG_ROLES[1]: policies.read_only_permissions()}
    for name, document in permissions.items():
        iam.create_role(
            role_name=name,
            assume_role_policy_document=trust,
            path="/",
            permissions_boundary=None,
            description="Created with the account by AWS Organizations" if name == ORG_ROLES[0] else "Read-only",
            tags=[],
            max_session_duration="3600",
        )
        iam.put_role_policy(name, f"{name}Policy", json.dumps(document))
