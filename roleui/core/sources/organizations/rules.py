"""What the `[organizations]` table makes of a discovered account: kept or left out, and which roles, color,
region and confirmation it gets.

OU globs match OU paths such as "Workloads/Prod/Payments" (no "Root" prefix), case-insensitively:
`*`, `?` and `[...]` stay within one OU name, `**` spans any number of levels. A pattern names OUs and matches
every account in them or below them, and a trailing `/*` reads like a folder listing: "Workloads/Prod",
"Workloads/Prod/*" and "Workloads/Prod/**" all mean the Prod OU and everything under it; "Workloads/*/Web"
the Web OUs one level under Workloads; "*" every account, even those directly under the root.
Tags match when every listed key has the listed value ("*" = the key is present with any value).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from roleui.core.tags import any_tag_matches, tags_match

if TYPE_CHECKING:  # annotations only: the tag and OU matching (the UI's confirm_tags) loads no discovery model
    from roleui.core.models import OrgConfig
    from roleui.core.sources.organizations.model import DiscoveredAccount


@lru_cache(maxsize=256)
def _ou_regexes(pattern: str) -> tuple[re.Pattern[str], ...]:
    segments = [s for s in pattern.strip().strip("/").split("/") if s]
    regexes = [_subtree_regex(segments)]
    if segments and segments[-1] in ("*", "**"):
        # "Workloads/Prod/*" is read like a folder listing: the accounts directly in Prod match too.
        regexes.append(_subtree_regex(segments[:-1]))
    return tuple(regexes)


def _subtree_regex(segments: list[str]) -> re.Pattern[str]:
    body = ""
    need_sep = False
    for index, segment in enumerate(segments):
        if segment == "**":  # any number of levels, including none: "A/**/B" matches "A/B" and "A/x/y/B"
            if index == len(segments) - 1:
                body += "(?:/[^/]+)*" if need_sep else ".*"
            else:
                body += ("/" if need_sep else "") + "(?:[^/]+/)*"
                need_sep = False
            continue
        # (?=[^/]) — an OU name is never empty, so `*` alone does not match the root
        body += ("/" if need_sep else "") + "(?=[^/])" + _segment_regex(segment)
        need_sep = True
    # The subtree rule: an account in an OU below a matching OU matches too. No segments: the whole tree.
    return re.compile(f"^{body}(?:/.*)?$" if body else "^.*$", re.IGNORECASE | re.DOTALL)


def _segment_regex(segment: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(segment):
        char = segment[i]
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = segment.find("]", i + 2 if segment[i + 1 : i + 2] in ("!", "]") else i + 1)
            if end == -1:
                out.append(re.escape(char))
            else:
                body = segment[i + 1 : end]
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body.replace(chr(92), chr(92) * 2)}]")
                i = end
        else:
            out.append(re.escape(char))
        i += 1
    return "".join(out)


def ou_matches(pattern: str, ou_path: str) -> bool:
    """Whether an account at `ou_path` ("" = directly under the root) is in the OU(s) `pattern` names."""
    return any(regex.match(ou_path) is not None for regex in _ou_regexes(pattern))


def any_ou_matches(patterns: Iterable[str], ou_path: str) -> bool:
    return any(ou_matches(p, ou_path) for p in patterns)


def is_included(config: OrgConfig, account: DiscoveredAccount) -> bool:
    """include_ous: in one of them; include_tags: all listed tags; exclude_ous / exclude_tags: any one leaves out."""
    if config.include_ous and not any_ou_matches(config.include_ous, account.ou_path):
        return False
    if config.exclude_ous and any_ou_matches(config.exclude_ous, account.ou_path):
        return False
    if config.include_tags and not tags_match(config.include_tags, account.tags):
        return False
    return not (config.exclude_tags and any_tag_matches(config.exclude_tags, account.tags))


@dataclass(frozen=True, slots=True)
class AccountPlan:
    """What discovery offers in one account."""

    roles: tuple[str, ...]
    color: str | None = None
    region: str | None = None
    confirm: bool = False
    rules: tuple[int, ...] = ()  # indexes of the matching rules, for `roleui discover` and tests


def plan_for(config: OrgConfig, account: DiscoveredAccount) -> AccountPlan:
    """Apply the rules in order: roles add up (organizations.roles first, then each matching rule's, without
    duplicates); for color and region the last matching rule that sets one wins; confirm if any rule says so.
    Suspended and closed accounts get no roles unless include_inactive_roles is true."""
    roles: list[str] = []
    seen: set[str] = set()

    def add(names: Iterable[str]) -> None:
        for name in names:
            if name.lower() not in seen:  # IAM role names are case-insensitive
                seen.add(name.lower())
                roles.append(name)

    add(config.roles)
    color: str | None = None
    region: str | None = None
    confirm = False
    matched: list[int] = []
    for index, rule in enumerate(config.rules):
        if rule.ou is not None and not ou_matches(rule.ou, account.ou_path):
            continue
        if not tags_match(rule.tags, account.tags):
            continue
        matched.append(index)
        add(rule.roles)
        color = rule.color or color
        region = rule.region or region
        confirm = confirm or rule.confirm
    if not account.active and not config.include_inactive_roles:
        roles = []
    return AccountPlan(tuple(roles), color, region, confirm, tuple(matched))


def tag_rules_without_tags(config: OrgConfig) -> bool:
    """True when rules or filters use tags although read_tags is false: they can never match."""
    if config.read_tags:
        return False
    return bool(config.include_tags or config.exclude_tags or any(rule.tags for rule in config.rules))
