"""Which roles need a reason for each new session: `require_reason = true` on the role (or its template), or an
account tag listed in `[defaults] reason_tags` (`{ environment = "prod" }`: every production role asks why)."""

from __future__ import annotations

from roleui.core.errors import UsageError
from roleui.core.models import Defaults, Role
from roleui.core.tags import any_tag_matches

MAX_REASON = 512  # a sentence, not a document: the trail keeps it on one line


def needs_reason(role: Role, defaults: Defaults) -> bool:
    return role.require_reason or bool(
        defaults.reason_tags and any_tag_matches(defaults.reason_tags, role.account.tags)
    )


def clean_reason(reason: str | None) -> str | None:
    """The reason as recorded: one line, no control characters, at most MAX_REASON characters; None when blank."""
    if reason is None:
        return None
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in reason).split())
    return text[:MAX_REASON] or None


def missing_reason(role: Role, defaults: Defaults, reason: str | None) -> None:
    """UsageError when `role` needs a reason and none was given."""
    if needs_reason(role, defaults) and clean_reason(reason) is None:
        raise UsageError(f"{role.key} asks for a reason for each new session — pass --reason TEXT")
