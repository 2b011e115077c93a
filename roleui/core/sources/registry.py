"""Every discovered source, in merge order: the first source to name an account or role keeps it (merge.py).

A new source (a team catalog from a git repository or S3, a granted registry) is a package beside these with a
`SOURCE` of the shape in seam.py, one line here, and its refresher in roleui/aws/refresh.py.
"""

from __future__ import annotations

from roleui.core.models import Catalog
from roleui.core.sources.identity_center import SOURCE as IDENTITY_CENTER
from roleui.core.sources.organizations import SOURCE as ORGANIZATIONS
from roleui.core.sources.seam import DiscoveredSource

DISCOVERED: tuple[DiscoveredSource, ...] = (ORGANIZATIONS, IDENTITY_CENTER)


def configured_sources(catalog: Catalog) -> tuple[DiscoveredSource, ...]:
    """The discovered sources `catalog` asks for, in merge order."""
    return tuple(source for source in DISCOVERED if source.configured(catalog))
