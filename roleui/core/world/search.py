"""What a role is found by: the text `roleui list FILTER` searches in (see quick_list.matches)."""

from __future__ import annotations

from roleui.core.models import Role


def haystack(role: Role) -> str:
    """Lower-cased account name, id, aliases, role name, OU path and tag values, one per line; then NUL and the
    tags as `key<TAB>value` lines, for `key:value` words.

    Lines keep a match from spanning two fields ("prod" + "admin" does not match "dada").
    """
    account = role.account
    parts = [account.name, account.id, *account.aliases, role.name, account.ou_path or "", *account.tags.values()]
    tags = [f"{key}\t{value}" for key, value in account.tags.items()]
    return ("\n".join(parts) + "\0" + "\n".join(tags)).lower()
