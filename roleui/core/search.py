"""What a role is found by: the text `roleui list FILTER` searches in (see quick_list.matches)."""

from __future__ import annotations

from roleui.core.models import Role


def haystack(role: Role) -> str:
    """Lower-cased account name, id, aliases, role name, OU path and tag values, one per line.

    Lines keep a match from spanning two fields ("prod" + "admin" does not match "dada").
    """
    account = role.account
    parts = [account.name, account.id, *account.aliases, role.name, account.ou_path or "", *account.tags.values()]
    return "\n".join(parts).lower()
