"""How Identity Center's assignments join the world: each sign-in's accounts and permission sets, with the
`[[identity_center]]` entry's globs and rules deciding what is offered and how it looks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from roleui.core.discovery_settings import IcConfig
from roleui.core.models import Account, Catalog, Role, Source, permission_set_role
from roleui.core.sources.identity_center import rules as ic_rules
from roleui.core.sources.identity_center.model import IcSnapshot
from roleui.core.sources.joining import partition_of, regroup, unique_name


def merge_identity_center(catalog: Catalog, found: Sequence[tuple[IcConfig, IcSnapshot]]) -> Catalog:
    """The catalog (with every earlier source merged) and the permission sets each sign-in is assigned.

    An account another source named keeps its name and gains the permission sets it does not already have (a
    role of the same name stays the earlier source's); an account only ~/.aws/config knew takes the portal's
    name; other accounts join after the discovered ones, by name, before those only ~/.aws/config knows.
    """
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
                        name=unique_name(assigned.name, assigned.id, taken),
                        partition=partition_of(snapshot.region),
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
    groups = regroup(catalog, by_id, named)
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
