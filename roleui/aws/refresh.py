"""Refreshing the discovered sources: each source's AWS half, registered under its name, and the walk over them.

A discovered source (roleui/core/sources/registry.py) is read from its cache everywhere else; only here does
roleui call AWS to rewrite those caches (`roleui discover`, `roleui list --refresh`, the UI's refresh). A new
source adds its refresher to REFRESHERS, under the name of its core half.
"""

from __future__ import annotations

from collections.abc import Callable

from roleui.core.errors import RoleuiError
from roleui.core.models import Catalog

Progress = Callable[[str], None]
Warn = Callable[[str], None]
Refresher = Callable[[str | None, Progress | None, Warn | None], object]


def _organizations(explicit_config: str | None, progress: Progress | None, warn: Warn | None) -> object:
    from roleui.aws.organizations import update_organization

    return update_organization(explicit_config, progress=progress, warn=warn)


def _identity_center(explicit_config: str | None, progress: Progress | None, warn: Warn | None) -> object:
    from roleui.aws.identity_center import refresh_identity_center

    return refresh_identity_center(explicit_config, progress=progress, warn=warn)


REFRESHERS: dict[str, Refresher] = {
    "organizations": _organizations,
    "identity_center": _identity_center,
}


def refresh_world(
    explicit_config: str | None,
    *,
    progress: Progress | None = None,
    warn: Warn | None = None,
    cached: bool = False,
) -> Catalog:
    """Discover every source the catalog asks for now, write their caches, and return the merged world (what
    load_world would now return; `cached`: through the world cache).

    With several configured, a source that fails is a warning and the others are still read; when every one
    fails (or the only one does), the first error is raised."""
    from roleui.aws.sources import load_world, read_catalog
    from roleui.core.sources.registry import configured_sources

    sources = configured_sources(read_catalog(explicit_config))
    if not sources:
        # Nothing discovers: the organization's refresher says how to turn discovery on.
        REFRESHERS["organizations"](explicit_config, progress, warn)
    failures: list[tuple[str, RoleuiError]] = []
    for source in sources:
        try:
            REFRESHERS[source.name](explicit_config, progress, warn)
        except RoleuiError as error:
            failures.append((source.title, error))
    if failures and len(failures) == len(sources):
        raise failures[0][1]
    if warn is not None:
        for title, failed in failures:
            warn(f"{title} not refreshed: {failed}")
    return load_world(explicit_config, warn=warn, cached=cached)
