"""What a role is found by: the text `roleui list FILTER` searches in (see roleui.fast.listing.matches)."""

from __future__ import annotations

from roleui.core.models import Role


def haystack(role: Role) -> str:
    """Lower-cased account name, id, aliases, role name, OU path and tag values, one per line; then NUL and the
    tags as `key<TAB>value` lines, for `key:value` words; then NUL and what a role reference names the role by
    (catalog/refs.py: `account/role` for the account's name, id and aliases, with and without the role's path, the
    profile), then NUL and the ARN, so `roleui list main/AdminAccessRole` or `roleui list ARN` finds the role.

    Lines keep a match from spanning two fields ("prod" + "admin" does not match "dada").
    """
    account = role.account
    parts = [account.name, account.id, *account.aliases, role.name, account.ou_path or "", *account.tags.values()]
    tags = [f"{key}\t{value}" for key, value in account.tags.items()]
    names = dict.fromkeys((role.name, role.path_and_name))
    references = [f"{owner}/{name}" for owner in (account.name, account.id, *account.aliases) for name in names]
    if role.profile:
        references.append(role.profile)
    return "\0".join(("\n".join(parts), "\n".join(tags), "\n".join(references), role.arn)).lower()
