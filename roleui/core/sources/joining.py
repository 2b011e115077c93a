"""What the discovered sources' merges share: regrouping the world's roles by account, and naming accounts.

Each source's merge (organizations/merge.py, identity_center/merge.py) adds accounts and roles to the world the
earlier sources made; these are the steps they do alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from roleui.core.models import Account, Catalog, Role


def regroup(catalog: Catalog, by_id: Mapping[str, Account], merged: Mapping[str, Account]) -> dict[str, list[Role]]:
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


def partition_of(region: str) -> str:
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws-cn" if region.startswith("cn-") else "aws"


def unique_name(name: str, account_id: str, taken: set[str]) -> str:
    name = " ".join(name.replace("/", "-").split()) or account_id
    if name.lower() in taken:
        name = f"{name}-{account_id}"
    taken.add(name.lower())
    return name
