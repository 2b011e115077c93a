"""The one shape of a discovered source of roles: what it is configured by, where its cache lives, how the cache
is read, and how what it found merges into the world.

A source is a package of roleui/core/sources (organizations/, identity_center/) whose `__init__` defines `SOURCE`,
an object of this shape, and one line in registry.py. How it refreshes (the AWS calls that write the cache) is
the AWS layer's half: a refresher registered under the same name in roleui/aws/refresh.py. Everything here is
lazy on purpose: a catalog that discovers nothing must not import any source's models to merge nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Protocol

from roleui.core.models import Catalog

Warn = Callable[[str], None]


class DiscoveredSource(Protocol):
    """A source that discovers accounts and roles and keeps them in its own cache."""

    @property
    def name(self) -> str:
        """The source's name (`organizations`): its key in the registry and among the refreshers."""
        ...

    @property
    def title(self) -> str:
        """What messages call it (`Identity Center`)."""
        ...

    def configured(self, catalog: Catalog) -> bool:
        """Whether the catalog asks for this source (an enabled `[organizations]`, an `[[identity_center]]`)."""
        ...

    def cache_file(self) -> Path:
        """Its cache: the world cache is stale when this file changes."""
        ...

    def load(self, *, warn: Warn | None = None) -> object | None:
        """What the cache holds, or None; a damaged or foreign cache is absent (said through `warn`)."""
        ...

    def merge(self, world: Catalog, catalog: Catalog, found: object) -> Catalog:
        """`world` (every earlier source merged) with what `load` returned; `catalog` holds the source's rules."""
        ...

    def stale_hint(self, catalog: Catalog, now: datetime) -> str | None:
        """A one-line hint when the cache is missing or older than the catalog's lifetime for it, else None."""
        ...
