"""Role references, as every command takes them (`ROLE`).

A reference is `<account name, alias or id>/<role name>` (the role name may carry its IAM path:
`prod/ops/ProdSupportRole`), a role ARN, an AWS config profile name, or a bare role name when only one
account has it. Ambiguity is an error that lists the candidates; a miss suggests the closest keys.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from roleui.core.errors import UsageError
from roleui.core.models import Catalog, Role

_SHOWN = 8


def _describe(role: Role) -> str:
    return f"{role.key} (profile {role.profile})" if role.profile else role.key


def _one(ref: str, found: Sequence[Role]) -> Role:
    if len(found) == 1:
        return found[0]
    names = ", ".join(_describe(r) for r in found[:_SHOWN])
    more = f" and {len(found) - _SHOWN} more" if len(found) > _SHOWN else ""
    raise UsageError(
        f"{ref!r} matches {len(found)} roles: {names}{more} — name one as account/role, by ARN or by profile"
    )


def candidates(catalog: Catalog, ref: str) -> list[Role]:
    """Every role `ref` could mean (exact matches only)."""
    text = ref.strip()
    if text.startswith("arn:"):
        return [r for r in catalog.roles if r.arn.lower() == text.lower()]
    if "/" in text:
        account_ref, _, role_ref = text.partition("/")
        account_ref, role_ref = account_ref.lower(), role_ref.lower()
        return [
            r
            for r in catalog.roles
            if account_ref in (r.account.id, r.account.name.lower(), *(a.lower() for a in r.account.aliases))
            and role_ref in (r.name.lower(), r.path_and_name.lower())
        ]
    by_profile = [r for r in catalog.roles if r.profile == text]
    if by_profile:
        return by_profile
    return [r for r in catalog.roles if r.name.lower() == text.lower()]


def resolve_role(catalog: Catalog, ref: str) -> Role:
    """The one role `ref` names, or a UsageError that lists candidates or suggestions."""
    found = candidates(catalog, ref)
    if found:
        return _one(ref, found)
    if not catalog.roles:
        raise UsageError(
            f"no role {ref!r}: the catalog is empty — create one (see config.example.toml) or pass --config"
        )
    keys = [r.key for r in catalog.roles] + [r.profile for r in catalog.roles if r.profile]
    close = difflib.get_close_matches(ref, keys, n=3, cutoff=0.6)
    hint = f"did you mean {', '.join(close)}?" if close else "run `roleui list` to see them"
    raise UsageError(f"no role {ref!r} in the catalog — {hint}")
