"""AWS Organizations as a source of roles: the accounts of an organization by OU path and tags.

- reads: the discovered organization, cached by `roleui discover` (cache.py; the snapshot's shape is model.py);
- refreshes: roleui/aws/organizations.py walks the OU tree with the discovery profile's credentials;
- merges: merge.py, with the catalog's `[organizations]` rules (rules.py) deciding each account's roles.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from roleui.core.models import Catalog
    from roleui.core.sources.seam import Warn


class OrganizationsSource:
    """The seam's shape (roleui/core/sources/seam.py) for the organization; its modules load when used."""

    name = "organizations"
    title = "AWS Organizations"

    def configured(self, catalog: Catalog) -> bool:
        return catalog.organizations.enabled

    def cache_file(self) -> Path:
        from roleui.core.paths import organization_cache_file

        return organization_cache_file()

    def load(self, *, warn: Warn | None = None) -> object | None:
        from roleui.core.sources.organizations.cache import load_org_snapshot

        return load_org_snapshot(warn=warn)

    def merge(self, world: Catalog, catalog: Catalog, found: object) -> Catalog:
        from roleui.core.sources.organizations.merge import merge_organization
        from roleui.core.sources.organizations.model import OrgSnapshot

        assert isinstance(found, OrgSnapshot)
        return merge_organization(world, found)

    def stale_hint(self, catalog: Catalog, now: datetime) -> str | None:
        from roleui.core.sources.organizations.cache import stale_hint

        return stale_hint(catalog, now)


SOURCE = OrganizationsSource()
