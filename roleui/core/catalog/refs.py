"""Role references, as every command takes them (`ROLE`).

A reference is `<account name, alias or id>/<role name>` (the role name may carry its IAM path:
`prod/ops/ProdSupportRole`), a role ARN, an AWS config profile name, or a bare role name when only one
account has it. Ambiguity is an error that lists the candidates; a miss suggests the closest keys.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence

from roleui.core.errors import UsageError
from roleui.core.models import Catalog, Role

_SHOWN = 8
_SUGGESTED = 3


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
    roles: Sequence[Role] = catalog.roles
    could_mean = getattr(roles, "could_mean", None)  # a RoleTable (the world cache) narrows without building roles
    if could_mean is not None:
        roles = [roles[i] for i in could_mean(ref)]
    if text.startswith("arn:"):
        return [r for r in roles if r.arn.lower() == text.lower()]
    if "/" in text:
        account_ref, _, role_ref = text.partition("/")
        account_ref, role_ref = account_ref.lower(), role_ref.lower()
        return [
            r
            for r in roles
            if account_ref in (r.account.id, r.account.name.lower(), *(a.lower() for a in r.account.aliases))
            and role_ref in (r.name.lower(), r.path_and_name.lower())
        ]
    by_profile = [r for r in roles if r.profile == text]
    if by_profile:
        return by_profile
    return [r for r in roles if r.name.lower() == text.lower()]


def resolve_role(catalog: Catalog, ref: str) -> Role:
    """The one role `ref` names, or a UsageError that lists candidates or suggestions."""
    found = candidates(catalog, ref)
    if found:
        return _one(ref, found)
    if not catalog.roles and catalog.path:
        from roleui.core.catalog.empty import no_roles_in

        raise UsageError(f"no role {ref!r}: there are no roles yet — {no_roles_in(catalog.path)}")
    if not catalog.roles:
        raise UsageError(
            f"no role {ref!r}: there are no roles yet — `roleui init` writes a starter catalog, `roleui check` says "
            "where roleui looked"
        )
    close, more = suggestions(catalog, ref)
    if not close:
        raise UsageError(f"no role {ref!r} in the catalog — run `roleui list` to see them")
    hint = f"did you mean {', '.join(close)}?"
    if more:
        listing = f"`roleui list {shlex.quote(ref.strip())}`" if ref.isprintable() else "`roleui list`"
        hint += f" ({more} more: {listing})"
    raise UsageError(f"no role {ref!r} in the catalog — {hint}")


def suggestions(catalog: Catalog, ref: str) -> tuple[list[str], int]:
    """The keys `ref` may have meant (at most _SUGGESTED) and how many more there are.

    First the roles whose key or profile holds `ref` (`Admin` for main/AdminAccessRole, `main` for main's roles),
    then near misses by spelling (`main/AdminAcces`), of the keys and profiles, and of the role names for a bare name.
    """
    text = ref.strip().lower()
    holding = [r.key for r in catalog.roles if text and (text in r.key.lower() or text in (r.profile or "").lower())]
    if holding:
        return holding[:_SUGGESTED], max(len(holding) - _SUGGESTED, 0)
    by_name: dict[str, str] = {}
    for role in catalog.roles:
        by_name.setdefault(role.key, role.key)
        if role.profile:
            by_name.setdefault(role.profile, role.key)
        if "/" not in text:
            by_name.setdefault(role.name, role.key)
    import difflib  # here: only a miss spells suggestions, and every assume resolves a reference

    close = difflib.get_close_matches(ref.strip(), list(by_name), n=_SUGGESTED, cutoff=0.6)
    return list(dict.fromkeys(by_name[name] for name in close)), 0
