"""The sources of roles joined by account id: the one list of roles `roleui list` and the UI show.

The TOML catalog (roleui/core/catalog) comes first, then the role and SSO profiles of ~/.aws/config
(aws_config/), then every discovered source of registry.py in order — AWS Organizations (organizations/), IAM
Identity Center (identity_center/) — each merged from its own cache by its own `merge`. One precedence rule
holds across them: **the first source to name a thing keeps it**. An account takes its name, color and region
from the first source that names it (an account known only from ~/.aws/config is named by its id, so any
discovered name replaces that), and in one account a role name is listed once, by the first source that has
it; later sources add what is new. Every role keeps its `source`, shown by `roleui list` and the UI.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from roleui.core.models import Catalog, Role
from roleui.core.sources.aws_config.profiles import merge_profile_roles
from roleui.core.sources.registry import configured_sources
from roleui.core.sources.seam import Warn


def load_sources(catalog: Catalog, *, warn: Warn | None = None) -> dict[str, object]:
    """What the cache of each discovered source `catalog` asks for holds, by source name (absent: not there)."""
    found: dict[str, object] = {}
    for source in configured_sources(catalog):
        loaded = source.load(warn=warn)
        if loaded is not None:
            found[source.name] = loaded
    return found


def merge_sources(catalog: Catalog, profile_roles: Sequence[Role], found: Mapping[str, object]) -> Catalog:
    """The world: the TOML catalog, then ~/.aws/config's profiles, then each discovered source the catalog asks
    for, with what its cache held (`found`, from load_sources) — the first source to name a thing keeps it."""
    world = merge_profile_roles(catalog, list(profile_roles))
    for source in configured_sources(catalog):
        if source.name in found:
            world = source.merge(world, catalog, found[source.name])
    return world
