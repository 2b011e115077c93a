"""IAM Identity Center as a source of roles: every account and permission set assigned to each sign-in.

- reads: the assignments of each `[[identity_center]]` sign-in, cached by `roleui discover` (cache.py, model.py);
- refreshes: roleui/aws/identity_center.py lists the portal's accounts and roles with the sign-in's token;
- merges: merge.py, with the entry's globs and rules (rules.py) deciding what is offered and how it looks.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from roleui.core.models import Catalog
    from roleui.core.sources.seam import Warn


class IdentityCenterSource:
    """The seam's shape (roleui/core/sources/seam.py) for Identity Center; its modules load when used."""

    name = "identity_center"
    title = "Identity Center"

    def configured(self, catalog: Catalog) -> bool:
        return bool(catalog.identity_center)

    def cache_file(self) -> Path:
        from roleui.core.paths import identity_center_cache_file

        return identity_center_cache_file()

    def load(self, *, warn: Warn | None = None) -> object | None:
        from roleui.core.sources.identity_center.cache import load_ic_snapshots

        return load_ic_snapshots(warn=warn) or None

    def merge(self, world: Catalog, catalog: Catalog, found: object) -> Catalog:
        from roleui.core.sources.identity_center.merge import merge_identity_center

        assert isinstance(found, dict)
        pairs = [(config, found[config.name]) for config in catalog.identity_center if config.name in found]
        return merge_identity_center(world, pairs) if pairs else world

    def stale_hint(self, catalog: Catalog, now: datetime) -> str | None:
        from roleui.core.sources.identity_center.cache import stale_hint

        return stale_hint(catalog, now)


SOURCE = IdentityCenterSource()
