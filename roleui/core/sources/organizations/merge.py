"""How the discovered organization joins the world (README "Discovery"): its accounts by OU path, with the
catalog's `[organizations]` rules deciding which roles each offers.

Rules of the join:
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

from dataclasses import replace

from roleui.core.models import Account, Catalog, Role, Source
from roleui.core.sources.joining import regroup
from roleui.core.sources.organizations.model import DiscoveredAccount, OrgSnapshot
from roleui.core.sources.organizations.rules import AccountPlan, is_included, plan_for

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
    groups = regroup(catalog, by_id, merged)
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
