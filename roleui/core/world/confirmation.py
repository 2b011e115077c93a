"""Which roles ask before they are assumed: `confirm = true` on the role (or an organization rule), or an account
tag listed in `[defaults] confirm_tags` (`{ environment = "prod" }` makes every production role ask)."""

from __future__ import annotations

from roleui.core.models import Defaults, Role
from roleui.core.tags import any_tag_matches


def needs_confirmation(role: Role, defaults: Defaults) -> bool:
    """True when assuming `role` must be confirmed first."""
    return role.confirm or bool(defaults.confirm_tags and any_tag_matches(defaults.confirm_tags, role.account.tags))


def confirmation_reason(role: Role, defaults: Defaults) -> str:
    """Why `role` asks, in a few words for the dialog ("" when it does not)."""
    if role.confirm:
        return "This role is marked confirm: it asks before each new session."
    tags = role.account.tags
    for key, value in defaults.confirm_tags.items():
        if any_tag_matches({key: value}, tags):
            return (
                f"Its account is tagged {key}={tags[key]} ([defaults] confirm_tags): it asks before each new session."
            )
    return ""
