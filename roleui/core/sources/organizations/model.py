"""What a discovery of AWS Organizations found: the accounts, where they sit in the OU tree, and when.

A snapshot holds the organization as AWS reported it — no rules, no roles: those come from the catalog's
`[organizations]` table at merge time (roleui/core/sources/merge.py), so editing a rule needs no rediscovery.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

ACTIVE = "ACTIVE"
# Accounts in these states are listed (and marked) but offer no roles unless the catalog says otherwise.
INACTIVE_STATES = frozenset({"SUSPENDED", "PENDING_CLOSURE", "CLOSED"})


@dataclass(frozen=True, slots=True)
class DiscoveredAccount:
    """One member account. `ou_path` is "Workloads/Prod/Payments"; "" for an account directly under the root."""

    id: str
    name: str
    email: str
    state: str
    ou_path: str
    tags: dict[str, str] = field(default_factory=dict)
    discovered_at: datetime | None = None  # when a listing last returned it (older when kept from a previous cache)
    partition: str = "aws"

    @property
    def active(self) -> bool:
        return self.state not in INACTIVE_STATES


@dataclass(frozen=True, slots=True)
class OrgSnapshot:
    """The organization at `discovered_at`.

    `incomplete` lists the OU paths a discovery could not list; their accounts, if any, were kept from the
    previous cache. `source_profile` is the profile whose credentials read it (None: botocore's default chain).
    """

    discovered_at: datetime
    accounts: tuple[DiscoveredAccount, ...] = ()
    organization_id: str | None = None
    management_account_id: str | None = None
    ou_count: int = 0
    source_profile: str | None = None
    tags_read: bool = True
    incomplete: tuple[str, ...] = ()

    @property
    def inactive(self) -> tuple[DiscoveredAccount, ...]:
        return tuple(a for a in self.accounts if not a.active)
