"""The sources of roles joined by account id: the one list of roles `roleui list` and the UI show.

A source yields accounts and roles and keeps its own cache: the TOML catalog (roleui/core/catalog), role and SSO
profiles of ~/.aws/config (aws_config.py), AWS Organizations (org_cache.py) and IAM Identity Center
(identity_center_cache.py). `merge_sources` joins them in that order, with one precedence rule: **the first
source to name a thing keeps it**. An account takes its name, color and region from the first source that names
it (an account known only from ~/.aws/config is named by its id, so any discovered name replaces that), and in
one account a role name is listed once, by the first source that has it; later sources add what is new. Every
role keeps its `source`, shown by `roleui list` and the UI.

Rules of the Organizations join (README "Discovery"):
- A catalog account with the same id wins: its name, aliases, color, region and roles stay; it gains the OU
  path and state, discovered tags under its own, and the discovered roles it does not already have.
- An account known only from ~/.aws/config (named by its id) takes the discovered name; its profile roles stay
  (a profile role wins over the discovered role of the same ARN) and chains (`via`) follow the rename.
- Other discovered accounts are added with Source.ORGANIZATIONS roles from organizations.roles and the rules
  (OrganizationAccountAccessRole is never offered in the management account: AWS creates it in members only).
- Order: catalog accounts in file order (each with its own roles, then the discovered ones it gains), then
  discovered accounts by OU path, name and id, then accounts known only from ~/.aws/config.
- Discovered names are unique: "/" (it separates account and role) becomes "-", and a name another account
  already uses gets its id appended ("sandbox-210987654321").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from roleui.core.models import Account, Catalog, IcConfig, Role, Source, permission_set_role
from roleui.core.sources.aws_config import merge_profile_roles

# The discovered sources' models and rules load only when there is something of theirs to merge: most commands
# of a catalog without discovery (a cold `roleui env`, say) never need their dozen classes.
if TYPE_CHECKING:
    from roleui.core.sources.identity_center_model import IcSnapshot
    from roleui.core.sources.org_model import DiscoveredAccount, OrgSnapshot
    from roleui.core.sources.org_rules import AccountPlan

# AWS creates this role only in member accounts: never offer it in the management account.
MEMBER_ONLY_ROLE = "organizationaccountaccessrole"


def _clean_name(account: DiscoveredAccount) -> str:
    name = " ".join(account.name.replace("/", "-").split())
    return name or account.id


def discovered_names(snapshot: OrgSnapshot, taken: set[str]) -> dict[str, str]:
    """Account id -> the name roleui uses for it; `taken` holds the lowercased names and aliases in use."""
    counts: dict[str, int] = {}
    for account in snapshot.accounts:
        key = _clean_name(account).lower()
        counts[key] = counts.get(key, 0) + 1
    names: dict[str, str] = {}
    for account in snapshot.accounts:
        name = _clean_name(account)
        if counts[name.lower()] > 1 or name.lower() in taken:
            name = f"{name}-{account.id}"
        names[account.id] = name
    return names


def merge_organization(catalog: Catalog, snapshot: OrgSnapshot) -> Catalog:
    """The catalog (TOML catalog + aws-config roles already merged) with the discovered organization."""
    from roleui.core.sources.org_rules import AccountPlan, is_included, plan_for

    nothing = AccountPlan(())
    config = catalog.organizations
    by_id = {a.id: a for a in catalog.accounts}
    taken = {n.lower() for a in catalog.accounts if a.source is not Source.AWS_CONFIG for n in (a.name, *a.aliases)}
    names = discovered_names(snapshot, taken)
    existing_roles = {(r.account.id, r.name.lower()) for r in catalog.roles}

    # Thousands of accounts share a handful of OU paths and tag sets: decide each combination once.
    uses_tags = bool(config.include_tags or config.exclude_tags or any(rule.tags for rule in config.rules))
    plans: dict[tuple[str, bool, tuple[tuple[str, str], ...]], AccountPlan | None] = {}
    merged: dict[str, Account] = {}  # account id -> the merged account replacing the catalog's object
    discovered: list[Account] = []  # accounts of the discovered block, in order
    new_roles: dict[str, list[Role]] = {}  # account id -> discovered roles it gains
    for found in sorted(snapshot.accounts, key=lambda a: (a.ou_path.lower(), names[a.id].lower(), a.id)):
        key = (found.ou_path, found.active, tuple(sorted(found.tags.items())) if uses_tags else ())
        if key not in plans:
            plans[key] = plan_for(config, found) if is_included(config, found) else None
        decided = plans[key]
        included = decided is not None
        plan = decided or nothing
        known = by_id.get(found.id)
        if known is not None and known.source is not Source.AWS_CONFIG:
            account = replace(
                known,
                ou_path=found.ou_path,
                state=found.state,
                tags={**found.tags, **known.tags},
                color=known.color or plan.color,
                region=known.region or plan.region,
            )
        elif included or known is not None:
            account = Account(
                id=found.id,
                name=names[found.id],
                tags=found.tags,  # shared, never mutated: both are frozen records
                color=plan.color,
                region=plan.region,
                ou_path=found.ou_path,
                state=found.state,
                partition=found.partition,
                source=Source.ORGANIZATIONS,
            )
            discovered.append(account)
        else:
            continue
        merged[found.id] = account
        new_roles[found.id] = [
            Role(account=account, name=name, confirm=plan.confirm, source=Source.ORGANIZATIONS)
            for name in plan.roles
            if (found.id, name.lower()) not in existing_roles  # the catalog's (or a profile's) role wins
            and not (found.id == snapshot.management_account_id and name.lower() == MEMBER_ONLY_ROLE)
        ]

    # Every block keeps an account's roles together: its own first, then what discovery adds.
    groups = _groups(catalog, by_id, merged)
    catalog_ids = [a.id for a in catalog.accounts if a.source is not Source.AWS_CONFIG]
    catalog_ids += [i for i in groups if i not in by_id]  # roles of accounts the list does not hold, kept
    profile_ids = [a.id for a in catalog.accounts if a.source is Source.AWS_CONFIG and a.id not in merged]
    roles: list[Role] = []
    for account_id in catalog_ids:
        roles += groups.get(account_id, [])
        roles += new_roles.get(account_id, [])
    for account in discovered:
        roles += new_roles[account.id]
        roles += groups.get(account.id, [])  # a profile-only account that discovery named
    for account_id in profile_ids:
        roles += groups.get(account_id, [])
    return replace(
        catalog,
        accounts=(
            *(merged.get(a.id, a) for a in catalog.accounts if a.source is not Source.AWS_CONFIG),
            *discovered,
            *(by_id[i] for i in profile_ids),
        ),
        roles=tuple(roles),
    )


def _groups(catalog: Catalog, by_id: Mapping[str, Account], merged: Mapping[str, Account]) -> dict[str, list[Role]]:
    """The catalog's roles by account id, each moved to its merged account. Profile-only accounts are named by
    their id: when a discovery names one, chains (`via`) through its roles follow the new name."""
    renamed = {f"{by_id[i].name}/": f"{a.name}/" for i, a in merged.items() if i in by_id and by_id[i].name != a.name}

    def repoint(role: Role) -> Role:
        account = merged.get(role.account.id, role.account)
        via = role.via
        if via is not None and renamed:
            head = via.split("/", 1)[0] + "/"
            if head in renamed:
                via = renamed[head] + via[len(head) :]
        return role if account is role.account and via == role.via else replace(role, account=account, via=via)

    groups: dict[str, list[Role]] = {}
    for role in catalog.roles:
        groups.setdefault(role.account.id, []).append(repoint(role))
    return groups


def _partition(region: str) -> str:
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws-cn" if region.startswith("cn-") else "aws"


def _unique_name(name: str, account_id: str, taken: set[str]) -> str:
    name = " ".join(name.replace("/", "-").split()) or account_id
    if name.lower() in taken:
        name = f"{name}-{account_id}"
    taken.add(name.lower())
    return name


def merge_identity_center(catalog: Catalog, found: Sequence[tuple[IcConfig, IcSnapshot]]) -> Catalog:
    """The catalog (with every earlier source merged) and the permission sets each sign-in is assigned.

    An account another source named keeps its name and gains the permission sets it does not already have (a
    role of the same name stays the earlier source's); an account only ~/.aws/config knew takes the portal's
    name; other accounts join after the discovered ones, by name, before those only ~/.aws/config knows.
    """
    from roleui.core.sources import identity_center_rules as ic_rules

    by_id = {a.id: a for a in catalog.accounts}
    taken = {n.lower() for a in catalog.accounts if a.source is not Source.AWS_CONFIG for n in (a.name, *a.aliases)}
    existing = {(r.account.id, r.name.lower()) for r in catalog.roles}
    named: dict[str, Account] = {}  # accounts this source names: new ones and profile-only ones
    additions: dict[str, list[Role]] = {}
    for config, snapshot in found:
        for assigned in sorted(snapshot.accounts, key=lambda a: (a.name.lower(), a.id)):
            if not ic_rules.account_included(config, assigned.id, assigned.name):
                continue
            wanted = [r for r in assigned.roles if ic_rules.role_included(config, r)]
            known = by_id.get(assigned.id)
            account = named.get(assigned.id)
            if account is None:
                if known is not None and known.source is not Source.AWS_CONFIG:
                    account = known
                elif not wanted:
                    continue
                else:
                    account = Account(
                        id=assigned.id,
                        name=_unique_name(assigned.name, assigned.id, taken),
                        partition=_partition(snapshot.region),
                        source=Source.IDENTITY_CENTER,
                    )
                    named[assigned.id] = account
            for role_name in wanted:
                if (assigned.id, role_name.lower()) in existing:
                    continue  # the first source to have it keeps it
                existing.add((assigned.id, role_name.lower()))
                role = permission_set_role(
                    account,
                    role_name,
                    start_url=snapshot.start_url,
                    sso_region=snapshot.region,
                    sso_session=config.sso_session,
                    source=Source.IDENTITY_CENTER,
                )
                plan = ic_rules.plan_for(config, assigned.id, assigned.name, role_name)
                if plan is not ic_rules.NO_RULES:
                    role = replace(role, color=plan.color, region=plan.region, confirm=plan.confirm)
                additions.setdefault(assigned.id, []).append(role)
    if not additions:
        return catalog
    groups = _groups(catalog, by_id, named)
    earlier = [a.id for a in catalog.accounts if a.source is not Source.AWS_CONFIG]
    earlier += [i for i in groups if i not in by_id and i not in earlier]
    profile_ids = [a.id for a in catalog.accounts if a.source is Source.AWS_CONFIG and a.id not in named]
    new_ids = sorted(named, key=lambda i: (named[i].name.lower(), i))
    roles: list[Role] = []
    for account_id in (*earlier, *new_ids, *profile_ids):
        roles += groups.get(account_id, [])
        roles += additions.get(account_id, [])
    return replace(
        catalog,
        accounts=(
            *(a for a in catalog.accounts if a.source is not Source.AWS_CONFIG),
            *(named[i] for i in new_ids),
            *(by_id[i] for i in profile_ids),
        ),
        roles=tuple(roles),
    )


def merge_sources(
    catalog: Catalog,
    profile_roles: Sequence[Role],
    organization: OrgSnapshot | None,
    identity_center: Mapping[str, IcSnapshot],
) -> Catalog:
    """The world: the TOML catalog, then ~/.aws/config's profiles, the organization and the Identity Center
    sign-ins of the catalog (each with its cached snapshot) — the first source to name a thing keeps it."""
    world = merge_profile_roles(catalog, list(profile_roles))
    if organization is not None and catalog.organizations.enabled:
        world = merge_organization(world, organization)
    found = [(c, identity_center[c.name]) for c in catalog.identity_center if c.name in identity_center]
    return merge_identity_center(world, found) if found else world
