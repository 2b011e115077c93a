"""The catalog's data: accounts, the roles people assume in them, and the defaults that fill the gaps.

Everything is an immutable record (a dataclass with slots whose methods are not compiled at import:
roleui/core/frozen_record.py): a catalog of 10,000 accounts x 3 roles stays small, and nothing downstream can
change what the loader validated. Durations are seconds; `None` means "not set here,
fall back to the account, then the catalog defaults".

Discovery's rules and Identity Center sign-ins (`OrgRule`, `IcRule`, `IcConfig`) are in discovery_settings.py:
Python compiles a dataclass's methods when its module is imported, and a catalog without them (a cold `roleui env`
among others) never builds those three. `Location` (where an entry was written) is in location.py, which both use.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import TYPE_CHECKING

from roleui.core.browser_config import BrowserConfig
from roleui.core.frozen_record import FrozenRecord, record

if TYPE_CHECKING:
    from roleui.core.discovery_settings import IcConfig, OrgRule
    from roleui.core.location import Location

DEFAULT_DURATION = 3600
CHAINED_MAX_DURATION = 3600
MIN_DURATION = 900
MAX_DURATION = 43200
DEFAULT_MFA_SESSION_DURATION = 12 * 3600
DEFAULT_CACHE_MARGIN = 300


class Source(StrEnum):
    """Where a role came from; shown by `roleui list` and in the UI."""

    CATALOG = "catalog"
    TEMPLATE = "template"
    AWS_CONFIG = "aws-config"
    ORGANIZATIONS = "organizations"
    IDENTITY_CENTER = "identity-center"


@record
class Defaults(FrozenRecord):
    """The `[defaults]` table."""

    region: str | None
    duration: int
    session_name: str  # template: {user}, {account}, {role}
    source_profile: str | None  # base credentials; None = botocore's default chain
    mfa_serial: str | None
    mfa_process: str | None
    mfa_session_duration: int
    cache_margin: int
    credentials: str  # how shell/exec/the UI's subshell get keys: a local endpoint, or "static" exports
    # Roles in an account with any of these tags ask before they are assumed, as `confirm = true` does
    # ("*" = the key is present with any value).
    confirm_tags: dict[str, str]
    # Roles in an account with any of these tags need a reason for each new session (as `require_reason = true`).
    reason_tags: dict[str, str]
    reason_tag: str | None  # send the reason to AWS as this session tag (needs sts:TagSession in the trust)

    def __init__(
        self,
        region: str | None = None,
        duration: int = DEFAULT_DURATION,
        session_name: str = "{user}",
        source_profile: str | None = None,
        mfa_serial: str | None = None,
        mfa_process: str | None = None,
        mfa_session_duration: int = DEFAULT_MFA_SESSION_DURATION,
        cache_margin: int = DEFAULT_CACHE_MARGIN,
        credentials: str = "endpoint",
        confirm_tags: dict[str, str] | None = None,
        reason_tags: dict[str, str] | None = None,
        reason_tag: str | None = None,
    ) -> None:
        self._init(
            region,
            duration,
            session_name,
            source_profile,
            mfa_serial,
            mfa_process,
            mfa_session_duration,
            cache_margin,
            credentials,
            {} if confirm_tags is None else confirm_tags,
            {} if reason_tags is None else reason_tags,
            reason_tag,
        )


@record
class Scope(FrozenRecord):
    """A named session policy (`[scopes]`): what a session assumed with `--scope NAME` may do at most."""

    name: str
    policy_arns: tuple[str, ...]
    policy: str | None

    def __init__(self, name: str, policy_arns: tuple[str, ...] = (), policy: str | None = None) -> None:
        self._init(name, policy_arns, policy)


@record
class Account(FrozenRecord):
    """An AWS account: its 12-digit id, a name people use, and what the console and filters show."""

    id: str
    name: str
    aliases: tuple[str, ...]
    tags: dict[str, str]
    color: str | None
    region: str | None
    ou_path: str | None  # "Workloads/Prod" for discovered accounts
    state: str  # ACTIVE / SUSPENDED / PENDING_CLOSURE / CLOSED (Organizations)
    partition: str
    source: Source
    location: Location | None

    def __init__(
        self,
        id: str,
        name: str,
        aliases: tuple[str, ...] = (),
        tags: dict[str, str] | None = None,
        color: str | None = None,
        region: str | None = None,
        ou_path: str | None = None,
        state: str = "ACTIVE",
        partition: str = "aws",
        source: Source = Source.CATALOG,
        location: Location | None = None,
    ) -> None:
        self._init(
            id, name, aliases, {} if tags is None else tags, color, region, ou_path, state, partition, source, location
        )


@record
class Role(FrozenRecord):
    """A role in an account and every option used to assume it.

    `key` ("account-name/RoleName") is the canonical role reference; `via` holds such a key for chaining.
    """

    account: Account
    name: str
    path: str
    description: str
    external_id: str | None
    mfa_serial: str | None
    duration: int | None
    session_name: str | None
    session_tags: dict[str, str]
    transitive_tag_keys: tuple[str, ...]
    source_identity: str | None
    region: str | None
    color: str | None
    confirm: bool
    via: str | None
    source_profile: str | None
    credential_source: str | None
    profile: str | None  # the ~/.aws/config profile this role came from
    # A permission set of IAM Identity Center (then `name` is the permission set's name): assumed with
    # sso:GetRoleCredentials and the token of this start URL, not with sts:AssumeRole. `sso_session` names the
    # `[sso-session NAME]` of ~/.aws/config (None: a legacy profile, whose token is keyed by the start URL).
    sso_start_url: str | None
    sso_region: str | None
    sso_session: str | None
    # Session policies sent with every AssumeRole of this role (roleui/core/scopes.py): managed policy
    # ARNs (or names of AWS managed policies, made partition-aware) and an inline JSON document.
    policy_arns: tuple[str, ...]
    policy: str | None
    require_reason: bool  # each new session asks for a reason (--reason, or a prompt in the UI)
    source: Source
    location: Location | None

    def __init__(
        self,
        account: Account,
        name: str,
        path: str = "/",
        description: str = "",
        external_id: str | None = None,
        mfa_serial: str | None = None,
        duration: int | None = None,
        session_name: str | None = None,
        session_tags: dict[str, str] | None = None,
        transitive_tag_keys: tuple[str, ...] = (),
        source_identity: str | None = None,
        region: str | None = None,
        color: str | None = None,
        confirm: bool = False,
        via: str | None = None,
        source_profile: str | None = None,
        credential_source: str | None = None,
        profile: str | None = None,
        sso_start_url: str | None = None,
        sso_region: str | None = None,
        sso_session: str | None = None,
        policy_arns: tuple[str, ...] = (),
        policy: str | None = None,
        require_reason: bool = False,
        source: Source = Source.CATALOG,
        location: Location | None = None,
    ) -> None:
        self._init(
            account,
            name,
            path,
            description,
            external_id,
            mfa_serial,
            duration,
            session_name,
            {} if session_tags is None else session_tags,
            transitive_tag_keys,
            source_identity,
            region,
            color,
            confirm,
            via,
            source_profile,
            credential_source,
            profile,
            sso_start_url,
            sso_region,
            sso_session,
            policy_arns,
            policy,
            require_reason,
            source,
            location,
        )

    @property
    def key(self) -> str:
        return f"{self.account.name}/{self.name}"

    @property
    def is_permission_set(self) -> bool:
        return self.sso_start_url is not None

    @property
    def arn(self) -> str:
        return f"arn:{self.account.partition}:iam::{self.account.id}:role{self.path}{self.name}"

    @property
    def path_and_name(self) -> str:
        """`ops/ProdSupportRole` for path `/ops/`: what the console's roleName expects. A permission set is shown
        by its own name (its role's path is always Identity Center's)."""
        if self.is_permission_set or not self.path.strip("/"):
            return self.name
        return f"{self.path.strip('/')}/{self.name}"

    def effective_region(self, defaults: Defaults) -> str | None:
        return self.region or self.account.region or defaults.region

    def effective_duration(self, defaults: Defaults) -> int:
        return self.duration if self.duration is not None else defaults.duration

    def effective_color(self) -> str | None:
        return self.color or self.account.color


PERMISSION_SET_PATH = "/aws-reserved/sso.amazonaws.com/"  # where Identity Center puts the roles it makes


def permission_set_role(
    account: Account,
    permission_set: str,
    *,
    start_url: str,
    sso_region: str,
    sso_session: str | None,
    source: Source,
) -> Role:
    """The Role of a permission set in `account`. Its path is Identity Center's own, so its ARN (the credential
    cache's key) never collides with an IAM role of the same name; the real role is `AWSReservedSSO_<name>_<hex>`."""
    return Role(
        account=account,
        name=permission_set,
        path=PERMISSION_SET_PATH,
        sso_start_url=start_url,
        sso_region=sso_region,
        sso_session=sso_session,
        source=source,
    )


@record
class OrgConfig(FrozenRecord):
    """The `[organizations]` table: discover accounts from AWS Organizations."""

    enabled: bool
    source_profile: str | None
    roles: tuple[str, ...]
    rules: tuple[OrgRule, ...]
    include_ous: tuple[str, ...]
    exclude_ous: tuple[str, ...]
    include_tags: dict[str, str]
    exclude_tags: dict[str, str]
    read_tags: bool
    cache_lifetime: int
    include_inactive_roles: bool  # offer roles in suspended/closed accounts
    region: str | None

    def __init__(
        self,
        enabled: bool = False,
        source_profile: str | None = None,
        roles: tuple[str, ...] = ("OrganizationAccountAccessRole",),
        rules: tuple[OrgRule, ...] = (),
        include_ous: tuple[str, ...] = (),
        exclude_ous: tuple[str, ...] = (),
        include_tags: dict[str, str] | None = None,
        exclude_tags: dict[str, str] | None = None,
        read_tags: bool = True,
        cache_lifetime: int = 24 * 3600,
        include_inactive_roles: bool = False,
        region: str | None = None,
    ) -> None:
        self._init(
            enabled,
            source_profile,
            roles,
            rules,
            include_ous,
            exclude_ous,
            {} if include_tags is None else include_tags,
            {} if exclude_tags is None else exclude_tags,
            read_tags,
            cache_lifetime,
            include_inactive_roles,
            region,
        )


@record
class Catalog(FrozenRecord):
    """Everything roleui can assume, merged from the TOML catalog, templates, ~/.aws/config (and discovery).

    `roles` is in a deterministic order: catalog accounts in file order, then discovered, then aws-config.
    `accounts` and `roles` are tuples, or the lazy views of a RoleTable when the world came from its cache
    (roleui/core/world/role_table.py).
    """

    defaults: Defaults
    accounts: Sequence[Account]
    roles: Sequence[Role]
    organizations: OrgConfig
    identity_center: tuple[IcConfig, ...]
    keys: dict[str, str]
    browser: BrowserConfig  # how `o` and `console-url --open` open consoles
    scopes: dict[str, Scope]  # `[scopes]`; `read-only` is built in (roleui/core/scopes.py)
    path: str | None  # the catalog file, None when there is none
    aws_config_path: str | None

    def __init__(
        self,
        defaults: Defaults | None = None,
        accounts: Sequence[Account] = (),
        roles: Sequence[Role] = (),
        organizations: OrgConfig | None = None,
        identity_center: tuple[IcConfig, ...] = (),
        keys: dict[str, str] | None = None,
        browser: BrowserConfig | None = None,
        scopes: dict[str, Scope] | None = None,
        path: str | None = None,
        aws_config_path: str | None = None,
    ) -> None:
        self._init(
            Defaults() if defaults is None else defaults,
            accounts,
            roles,
            OrgConfig() if organizations is None else organizations,
            identity_center,
            {} if keys is None else keys,
            BrowserConfig() if browser is None else browser,
            {} if scopes is None else scopes,
            path,
            aws_config_path,
        )

    def count(self, source: Source) -> int:
        counted = getattr(self.roles, "count_source", None)  # a RoleTable counts without building 30,000 roles
        if counted is not None:
            result: int = counted(source)
            return result
        return sum(1 for r in self.roles if r.source is source)
