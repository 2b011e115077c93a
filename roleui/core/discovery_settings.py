"""The catalog's discovery settings that only a catalog using them builds: `[[organizations.rules]]` entries and
`[[identity_center]]` sign-ins with their rules (the `[organizations]` table itself, OrgConfig, is in models.py).

Kept out of models.py because Python compiles a dataclass's methods when its module is imported (~1.5 ms each
on the benchmark's machine): a cold `roleui env` in a catalog without them does not pay for these three.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from roleui.core.location import Location


@dataclass(frozen=True, slots=True)
class OrgRule:
    """An `[[organizations.rules]]` entry: accounts matched by OU glob and/or tags get these settings."""

    ou: str | None = None  # glob over the OU path, e.g. "Workloads/Prod/*"
    tags: dict[str, str] = field(default_factory=dict)  # all must match; value "*" = key present
    roles: tuple[str, ...] = ()
    color: str | None = None
    region: str | None = None
    confirm: bool = False
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class IcRule:
    """An `[[identity_center.rules]]` entry: accounts (name or id globs) and/or permission sets (globs) get these."""

    accounts: tuple[str, ...] = ()  # globs over the account name or id; empty = every account
    roles: tuple[str, ...] = ()  # globs over the permission set name; empty = every permission set
    color: str | None = None
    region: str | None = None
    confirm: bool = False
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class IcConfig:
    """An `[[identity_center]]` entry: discover the accounts and permission sets one sign-in is assigned.

    Either `sso_session` (an `[sso-session NAME]` of ~/.aws/config, which holds the start URL and region) or
    `start_url` + `region` (the legacy form; its token is cached under the start URL).
    """

    sso_session: str | None = None
    start_url: str | None = None
    region: str | None = None  # the Identity Center region (sso_region)
    include_accounts: tuple[str, ...] = ()
    exclude_accounts: tuple[str, ...] = ()
    include_roles: tuple[str, ...] = ()
    exclude_roles: tuple[str, ...] = ()
    rules: tuple[IcRule, ...] = ()
    cache_lifetime: int = 24 * 3600
    location: Location | None = None

    @property
    def name(self) -> str:
        """What identifies this sign-in: the session name, else the start URL (also its token cache key)."""
        return self.sso_session or self.start_url or ""
