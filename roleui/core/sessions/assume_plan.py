"""What an AssumeRole will send, worked out and checked before any call (pure: no boto3, no network).

`plan_assume` merges the catalog role, the catalog defaults and the command-line overrides into an
`AssumeRequest`, checks every value against the STS limits (roleui/core/limits.py) and follows `via` to the
role it chains through. A mistake here is a UsageError (exit 2): nothing wrong ever reaches AWS.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from roleui.core import limits
from roleui.core.durations import format_duration
from roleui.core.errors import UsageError
from roleui.core.models import CHAINED_MAX_DURATION, Catalog, Role
from roleui.core.scopes import NONE, SessionPolicy, chained_alternatives, session_policy
from roleui.core.world.role_table import RoleTable

MAX_CHAIN = 10  # the catalog refuses cycles; this only stops a hand-made catalog from looping


@dataclass(frozen=True)
class AssumeOptions:
    """Command-line (or UI) overrides of one assume; None/empty means "as the catalog says"."""

    duration: int | None = None
    session_name: str | None = None
    region: str | None = None
    mfa_code: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    use_cache: bool = True
    scope: str | None = None  # a `[scopes]` name or the built-in `read-only`
    policy_arns: tuple[str, ...] = ()  # --policy-arn, added to the scope's
    policy: str | None = None  # --policy FILE's document
    reason: str | None = None  # --reason: recorded in the trail (and sent as the catalog's reason_tag)


@dataclass(frozen=True)
class AssumeRequest:
    """Everything that decides one role session. `session_name` is a template unless `explicit_name`."""

    role: Role
    duration: int
    session_name: str
    explicit_name: bool
    external_id: str | None
    mfa_serial: str | None
    tags: dict[str, str]
    transitive_tag_keys: tuple[str, ...]
    source_identity: str | None
    region: str | None  # the session's region; None = whatever the base credentials' profile says
    source_profile: str | None  # base credentials; None = botocore's default chain (ignored when via is set)
    via: AssumeRequest | None = None
    session_policy: SessionPolicy = NONE  # the last hop's only: the roles it chains through are assumed unscoped
    reason: str | None = None

    @property
    def chained(self) -> bool:
        return self.via is not None


def _refuse(role: Role, what: str, finding: limits.Finding) -> None:
    if finding is not None:
        message, hint = finding
        raise UsageError(f"{role.key}: {what}: {message} — {hint}")


def merged_tags(role_tags: dict[str, str], overrides: dict[str, str]) -> dict[str, str]:
    """Role session tags with the overrides on top; tag keys are case-insensitive, so `Team` replaces `team`."""
    lowered = {k.lower() for k in overrides}
    return {**{k: v for k, v in role_tags.items() if k.lower() not in lowered}, **overrides}


def find_role(catalog: Catalog, key: str) -> Role | None:
    if isinstance(catalog.roles, RoleTable):
        return catalog.roles.find(key)  # by its key index, without building every role
    for role in catalog.roles:
        if role.key == key:
            return role
    return None


def plan_assume(
    catalog: Catalog, role: Role, options: AssumeOptions | None = None, *, _depth: int = 0
) -> AssumeRequest:
    """The checked request for `role` with `options`; UsageError (exit 2) for anything STS would refuse."""
    options = options or AssumeOptions()
    defaults = catalog.defaults
    duration = options.duration if options.duration is not None else role.effective_duration(defaults)
    _refuse(role, "duration", limits.check_duration(duration))
    if options.session_name is not None:
        _refuse(role, "session name", limits.check_session_name(options.session_name))
        session_name, explicit = options.session_name, True
    else:
        session_name, explicit = role.session_name or defaults.session_name, False
    if role.external_id is not None:
        _refuse(role, "external_id", limits.check_external_id(role.external_id))
    if role.mfa_serial is not None:
        _refuse(role, "mfa_serial", limits.check_mfa_serial(role.mfa_serial))
    if options.mfa_code is not None:
        _refuse(role, "MFA code", limits.check_token_code(options.mfa_code))
    policy, finding = session_policy(
        role, catalog.scopes, scope=options.scope, policy_arns=options.policy_arns, policy=options.policy
    )
    _refuse(role, "session policy", finding)
    if policy and role.is_permission_set and role.via is None:
        _refuse_permission_set(catalog, role)
    tags = merged_tags(role.session_tags, options.tags)
    if options.reason and defaults.reason_tag:
        tags = merged_tags(tags, {defaults.reason_tag: reason_tag_value(options.reason)})
    _refuse(role, "session tags", limits.check_tags(tags, role.transitive_tag_keys))
    if role.source_identity is not None:
        _refuse(role, "source_identity", limits.check_source_identity(role.source_identity))
    if options.region is not None:
        _refuse(role, "region", limits.check_region(options.region))
    via: AssumeRequest | None = None
    if role.via is not None:
        if _depth >= MAX_CHAIN:
            raise UsageError(f"{role.key}: the via chain is longer than {MAX_CHAIN} roles — check for a cycle")
        upstream = find_role(catalog, role.via)
        if upstream is None:
            raise UsageError(f"{role.key}: via {role.via!r} is not a role in the catalog — fix via (run `roleui list`)")
        via = plan_assume(catalog, upstream, AssumeOptions(), _depth=_depth + 1)
    return AssumeRequest(
        role=role,
        duration=duration,
        session_name=session_name,
        explicit_name=explicit,
        external_id=role.external_id,
        mfa_serial=role.mfa_serial,
        tags=tags,
        transitive_tag_keys=role.transitive_tag_keys,
        source_identity=role.source_identity,
        region=options.region or role.effective_region(defaults),
        source_profile=None if via is not None else (role.source_profile or defaults.source_profile),
        via=via,
        session_policy=policy,
        reason=options.reason,
    )


def reason_tag_value(reason: str) -> str:
    """The reason as a session tag value: characters a tag cannot hold become spaces, at most 256 of them."""
    return "".join(ch if limits.TAG_VALUE.fullmatch(ch) else " " for ch in reason)[:256]


def _refuse_permission_set(catalog: Catalog, role: Role) -> None:
    """A permission set's credentials come from sso:GetRoleCredentials, which takes no session policy."""
    offer = chained_alternatives(role.key, catalog.roles)
    hint = (
        f"assume {offer[0]} (chained from it: AssumeRole takes a scope) instead"
        if offer
        else "add an IAM role with via = " + repr(role.key) + " to the catalog and scope that one"
    )
    raise UsageError(
        f"{role.key} is an IAM Identity Center permission set: GetRoleCredentials takes no session policy — {hint}"
    )


def clamp_chained(role: Role, duration: int, through: str) -> tuple[int, str | None]:
    """A chained session is capped at 1 h by AWS: clamp instead of failing, and say so."""
    if duration <= CHAINED_MAX_DURATION:
        return duration, None
    return CHAINED_MAX_DURATION, (
        f"{role.key} is assumed by role chaining ({through}): AWS caps that at 1h, "
        f"so the {format_duration(duration)} session was clamped to 1h"
    )
