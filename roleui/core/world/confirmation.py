"""Which roles ask before they are assumed: `confirm = true` on the role (or an organization rule), or an account
tag listed in `[defaults] confirm_tags` (`{ environment = "prod" }` makes every production role ask). A role that
chains (`via`) through one that asks asks too, once, when that hop gets a new session with it."""

from __future__ import annotations

from collections.abc import Sequence

from roleui.core.models import Defaults, Role
from roleui.core.tags import any_tag_matches

ASKS = "it asks before each new session."


def needs_confirmation(role: Role, defaults: Defaults) -> bool:
    """True when assuming `role` must be confirmed first."""
    return role.confirm or bool(defaults.confirm_tags and any_tag_matches(defaults.confirm_tags, role.account.tags))


def _why(role: Role, defaults: Defaults) -> str:
    """`is marked confirm` / `is in an account tagged K=V ([defaults] confirm_tags)`, or "" when it does not ask."""
    if role.confirm:
        return "is marked confirm"
    tags = role.account.tags
    for key, value in defaults.confirm_tags.items():
        if any_tag_matches({key: value}, tags):
            return f"is in an account tagged {key}={tags[key]} ([defaults] confirm_tags)"
    return ""


def confirmation_reason(role: Role, defaults: Defaults) -> str:
    """Why `role` asks, in a few words for the dialog ("" when it does not)."""
    why = _why(role, defaults)
    return f"This role {why}: {ASKS}" if why else ""


def chain_confirmation_reason(role: Role, asking: Sequence[Role], defaults: Defaults) -> str:
    """Why assuming `role` asks, when `asking` (the role itself and/or the roles it chains through, as
    Engine.confirmations_due finds them) get new sessions with it: one sentence per role that asks."""
    reasons = []
    for hop in asking:
        if hop.key == role.key:
            reasons.append(confirmation_reason(hop, defaults))
        else:
            reasons.append(f"It chains through {hop.key}, which {_why(hop, defaults)}: {ASKS}")
    return " ".join(reasons)
