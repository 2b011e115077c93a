"""What an `[[identity_center]]` entry makes of an assignment: kept or left out, and the color, region and
confirmation its role gets.

Account globs match the account's name or its id; role globs match the permission set name. Globs are
fnmatch's (`*`, `?`, `[...]`), case-insensitive. Filters: an include list keeps only what matches one of its
globs, an exclude list leaves out anything matching one. Rules apply in order like `[[organizations.rules]]`:
for color and region the last matching rule that sets one wins; confirm if any matching rule says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fnmatch import fnmatchcase

from roleui.core.discovery_settings import IcConfig


def glob_matches(patterns: Iterable[str], *names: str) -> bool:
    """Whether any pattern matches any of `names`, ignoring case."""
    lowered = [n.lower() for n in names]
    return any(fnmatchcase(name, p.lower()) for p in patterns for name in lowered)


def account_included(config: IcConfig, account_id: str, account_name: str) -> bool:
    if config.include_accounts and not glob_matches(config.include_accounts, account_name, account_id):
        return False
    return not (config.exclude_accounts and glob_matches(config.exclude_accounts, account_name, account_id))


def role_included(config: IcConfig, role_name: str) -> bool:
    if config.include_roles and not glob_matches(config.include_roles, role_name):
        return False
    return not (config.exclude_roles and glob_matches(config.exclude_roles, role_name))


@dataclass(frozen=True, slots=True)
class RolePlan:
    """What one permission set in one account gets from the rules."""

    color: str | None = None
    region: str | None = None
    confirm: bool = False


NO_RULES = RolePlan()


def plan_for(config: IcConfig, account_id: str, account_name: str, role_name: str) -> RolePlan:
    color: str | None = None
    region: str | None = None
    confirm = False
    for rule in config.rules:
        if rule.accounts and not glob_matches(rule.accounts, account_name, account_id):
            continue
        if rule.roles and not glob_matches(rule.roles, role_name):
            continue
        color = rule.color or color
        region = rule.region or region
        confirm = confirm or rule.confirm
    return RolePlan(color, region, confirm) if (color or region or confirm) else NO_RULES
