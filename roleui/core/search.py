"""What a role is found by: the text that filters (the CLI's and the UI's) search in."""

from __future__ import annotations

from roleui.core.models import Role


def haystack(role: Role) -> str:
    """Lower-cased account name, id, aliases, role name, OU path and tag values, one per line.

    Lines keep a match from spanning two fields ("prod" + "admin" does not match "dada").
    """
    account = role.account
    parts = [account.name, account.id, *account.aliases, role.name, account.ou_path or "", *account.tags.values()]
    return "\n".join(parts).lower()


def matches_filter(role: Role, text: str) -> bool:
    """`roleui list FILTER`: every whitespace-separated word appears (case-insensitively) in the haystack."""
    hay = haystack(role)
    return all(word in hay for word in text.lower().split())
