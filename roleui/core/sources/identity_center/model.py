"""What a discovery of IAM Identity Center found for one sign-in: the accounts it is assigned, and in each the
permission sets it may use.

Like the organization's snapshot, it holds what AWS reported and nothing more: the `[[identity_center]]` filters
and rules are applied at merge time (roleui/core/sources/merge.py), so editing them needs no rediscovery.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class IcAccount:
    """One assigned account and the names of the permission sets (portal "roles") assigned in it."""

    id: str
    name: str
    email: str = ""
    roles: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class IcSnapshot:
    """The assignments of the sign-in `name` (an sso-session name, or the start URL of a legacy sign-in).

    `incomplete` lists the account ids whose permission sets could not be listed; their roles were kept from the
    previous cache, if it had them.
    """

    name: str
    start_url: str
    region: str
    discovered_at: datetime
    accounts: tuple[IcAccount, ...] = ()
    incomplete: tuple[str, ...] = ()

    @property
    def role_count(self) -> int:
        return sum(len(a.roles) for a in self.accounts)
