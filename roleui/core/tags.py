"""Account tags against the tags a setting asks for: `[organizations]` filters and rules, `[defaults] confirm_tags`.

A wanted value of "*" asks only for the key. Kept apart from the Organizations rules so that what only matches
tags (the UI deciding which roles ask first) loads nothing of discovery.
"""

from __future__ import annotations

from collections.abc import Mapping


def tags_match(wanted: Mapping[str, str], tags: Mapping[str, str]) -> bool:
    """Every wanted key is present with the wanted value ("*" = any value). An empty table matches all."""
    for key, value in wanted.items():
        have = tags.get(key)
        if have is None or value not in ("*", have):
            return False
    return True


def any_tag_matches(wanted: Mapping[str, str], tags: Mapping[str, str]) -> bool:
    """At least one wanted key/value is on the account (the exclude_tags reading)."""
    return any(tags_match({key: value}, tags) for key, value in wanted.items())
