"""Role profiles of the user's AWS config file, as catalog roles (the reading itself is in roleui/aws).

A profile with `role_arn` becomes a role: `source_profile` naming another role profile is role chaining
(`via`), naming a plain profile is the base credentials. A profile for a role the catalog already lists
does not add a second row: it lends its name to the catalog role, so `roleui env PROFILE` works too.

An Identity Center profile (`sso_account_id` + `sso_role_name`, with `sso_session` naming an `[sso-session NAME]`
section, or the legacy `sso_start_url` + `sso_region` of its own) becomes a permission-set role; a role profile
whose `source_profile` is one chains from it. No AWS call: the config file says everything.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from roleui.core import limits
from roleui.core.location import Location
from roleui.core.models import Account, Catalog, Role, Source, permission_set_role
from roleui.core.problems import Problem

ROLE_ARN = re.compile(
    r"^arn:(aws|aws-us-gov|aws-cn):iam::(\d{12}):role(/(?:[\x21-\x7e]+/)?)?([\w+=,.@-]{1,64})$", re.ASCII
)
_HEADER = re.compile(r"^\s*\[\s*(?:profile\s+)?([^\]]+?)\s*\]")
_SSO_HEADER = re.compile(r"^\s*\[\s*sso-session\s+([^\]]+?)\s*\]")
ACCOUNT_ID = re.compile(r"^\d{12}$", re.ASCII)
PERMISSION_SET = re.compile(r"^[\w+=,.@-]{1,32}$", re.ASCII)  # a permission set's name (AWS: 1-32 of these)
REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$", re.ASCII)
DEFAULT_SCOPES = ("sso:account:access",)
# A start URL is shown and built into links: URL characters only (no brackets, quotes, spaces or controls).
_START_URL = re.compile(r"^https?://[A-Za-z0-9._~:/?#@!$&*+,;=%-]+$", re.ASCII)


@dataclass(frozen=True, slots=True)
class SsoSession:
    """Where to sign in to Identity Center: an `[sso-session NAME]` section, or (name None) a legacy profile's
    own start URL and region."""

    name: str | None
    start_url: str
    region: str
    scopes: tuple[str, ...] = DEFAULT_SCOPES


def sso_sessions_from_config(
    sections: Mapping[str, Mapping[str, object]], *, file: str, lines: Mapping[str, int]
) -> tuple[dict[str, SsoSession], list[Problem]]:
    """The usable `[sso-session NAME]` sections, and the problems of the others."""
    sessions: dict[str, SsoSession] = {}
    problems: list[Problem] = []
    for name, section in sections.items():
        start_url, region = section.get("sso_start_url"), section.get("sso_region")
        where = lines.get(f"sso-session {name}", 0)
        finding = check_start_url(start_url)
        if finding:
            problems.append(Problem(file, where, f"sso-session {name}: sso_start_url", *finding))
            continue
        if not isinstance(region, str) or not REGION.match(region.strip()):
            problems.append(
                Problem(
                    file,
                    where,
                    f"sso-session {name}: sso_region",
                    f"{region!r} is not a region",
                    "write e.g. us-east-1",
                )
            )
            continue
        raw_scopes = section.get("sso_registration_scopes")
        scopes = tuple(s.strip() for s in raw_scopes.split(",") if s.strip()) if isinstance(raw_scopes, str) else ()
        assert isinstance(start_url, str)
        sessions[name] = SsoSession(name, start_url.strip(), region.strip(), scopes or DEFAULT_SCOPES)
    return sessions, problems


def check_start_url(value: object) -> limits.Finding:
    if not isinstance(value, str) or not _START_URL.match(value.strip()):
        return f"{value!r} is not a start URL", "write https://my-company.awsapps.com/start"
    return None


def profile_lines(text: str) -> dict[str, int]:
    """Profile name -> line of its `[profile NAME]` header (botocore's parser keeps no lines)."""
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        m = _HEADER.match(line)
        if m:
            lines.setdefault(m.group(1), number)
        m = _SSO_HEADER.match(line)
        if m:
            lines.setdefault(f"sso-session {m.group(1)}", number)
    return lines


def roles_from_profiles(
    profiles: Mapping[str, Mapping[str, object]],
    *,
    file: str,
    lines: Mapping[str, int],
    accounts: Sequence[Account] = (),
    sso_sessions: Mapping[str, SsoSession] | None = None,
) -> tuple[list[Role], list[Problem]]:
    """Roles for every profile with a role_arn or an Identity Center role, and the problems of those that cannot
    be used. `sso_sessions` are the usable `[sso-session]` sections (sso_sessions_from_config)."""
    by_id = {a.id: a for a in accounts}
    made: dict[str, Account] = {}
    problems: list[Problem] = []
    parsed: dict[str, Role] = {}

    def problem(name: str, key: str, message: str, hint: str) -> None:
        problems.append(Problem(file, lines.get(name, 0), f"profile {name}: {key}", message, hint))

    def account_of(account_id: str, partition: str) -> Account:
        account = by_id.get(account_id) or made.get(account_id)
        if account is None:
            account = Account(id=account_id, name=account_id, partition=partition, source=Source.AWS_CONFIG)
            made[account_id] = account
        return account

    for name, profile in profiles.items():
        arn = profile.get("role_arn")
        if not isinstance(arn, str):
            if "sso_account_id" in profile or "sso_role_name" in profile:
                sso_role = _sso_profile_role(name, profile, sso_sessions or {}, problem, account_of)
                if sso_role is not None:
                    parsed[name] = replace(sso_role, location=Location(file, lines.get(name, 0)))
            continue
        m = ROLE_ARN.match(arn.strip())
        if not m:
            problem(name, "role_arn", f"{arn!r} is not a role ARN", "write arn:aws:iam::123456789012:role/RoleName")
            continue
        partition, account_id, path, role_name = m.groups()
        account = account_of(account_id, partition)
        options: dict[str, object] = {}
        bad = False
        for key, check in (
            ("external_id", limits.check_external_id),
            ("mfa_serial", limits.check_mfa_serial),
            ("role_session_name", limits.check_session_name),
        ):
            value = profile.get(key)
            if isinstance(value, str):
                finding = check(value)
                if finding:
                    problem(name, key, *finding)
                    bad = True
                options[key] = value
        duration = None
        raw_duration = profile.get("duration_seconds")
        if isinstance(raw_duration, str):
            if raw_duration.strip().isdigit() and not limits.check_duration(int(raw_duration)):
                duration = int(raw_duration)
            else:
                problem(
                    name,
                    "duration_seconds",
                    f"{raw_duration!r} is not within 900..43200",
                    "write a number of seconds, 900 to 43200",
                )
                bad = True
        region = profile.get("region")
        if bad:
            continue
        source_profile = profile.get("source_profile")
        credential_source = profile.get("credential_source")
        parsed[name] = Role(
            account=account,
            name=role_name,
            path=path or "/",
            external_id=_str(options.get("external_id")),
            mfa_serial=_str(options.get("mfa_serial")),
            duration=duration,
            session_name=_str(options.get("role_session_name")),
            region=region if isinstance(region, str) and region else None,
            source_profile=source_profile if isinstance(source_profile, str) else None,
            credential_source=credential_source if isinstance(credential_source, str) else None,
            profile=name,
            source=Source.AWS_CONFIG,
            location=Location(file, lines.get(name, 0)),
        )
    # source_profile pointing at another role profile is chaining: the inner role's credentials assume this one.
    roles: list[Role] = []
    for role in parsed.values():
        upstream = parsed.get(role.source_profile or "")
        chained = upstream is not None and upstream is not role
        roles.append(replace(role, via=upstream.key, source_profile=None) if chained and upstream else role)
    return roles, problems


def _sso_profile_role(
    name: str,
    profile: Mapping[str, object],
    sessions: Mapping[str, SsoSession],
    problem: Callable[[str, str, str, str], None],
    account_of: Callable[[str, str], Account],
) -> Role | None:
    """The permission-set role of an SSO profile, or None (with a problem) when it cannot be used."""
    account_id, role_name = profile.get("sso_account_id"), profile.get("sso_role_name")
    if not isinstance(account_id, str) or not ACCOUNT_ID.match(account_id.strip()):
        problem(name, "sso_account_id", f"{account_id!r} is not an account id", "write the 12-digit account id")
        return None
    if not isinstance(role_name, str) or not PERMISSION_SET.match(role_name.strip()):
        problem(name, "sso_role_name", f"{role_name!r} is not a permission set name", "write e.g. ReadOnlyAccess")
        return None
    session_name = profile.get("sso_session")
    if isinstance(session_name, str):
        session = sessions.get(session_name.strip())
        if session is None:
            problem(
                name,
                "sso_session",
                f"there is no usable [sso-session {session_name}]",
                "add the section or fix the name",
            )
            return None
    else:
        start_url, region = profile.get("sso_start_url"), profile.get("sso_region")
        finding = check_start_url(start_url)
        if finding:
            problem(name, "sso_start_url", *finding)
            return None
        if not isinstance(region, str) or not REGION.match(region.strip()):
            problem(name, "sso_region", f"{region!r} is not a region", "write e.g. us-east-1")
            return None
        assert isinstance(start_url, str)
        session = SsoSession(None, start_url.strip(), region.strip())
    region = profile.get("region")
    role = permission_set_role(
        account_of(account_id.strip(), _partition(session.region)),
        role_name.strip(),
        start_url=session.start_url,
        sso_region=session.region,
        sso_session=session.name,
        source=Source.AWS_CONFIG,
    )
    return replace(role, profile=name, region=region.strip() if isinstance(region, str) and region.strip() else None)


def _partition(region: str) -> str:
    """The partition an Identity Center region's accounts are in (GovCloud and China have their own)."""
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws-cn" if region.startswith("cn-") else "aws"


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def merge_profile_roles(catalog: Catalog, roles: list[Role]) -> Catalog:
    """Add profile roles to the catalog; a role the catalog already has just gains the profile name."""
    by_arn = {r.arn.lower(): i for i, r in enumerate(catalog.roles)}
    merged = list(catalog.roles)
    added: list[Role] = []
    for role in roles:
        index = by_arn.get(role.arn.lower())
        if index is not None and merged[index].profile is None and merged[index].source is not Source.AWS_CONFIG:
            merged[index] = replace(merged[index], profile=role.profile)
            continue
        added.append(role)
    known = {a.id for a in catalog.accounts}
    new_accounts: dict[str, Account] = {}
    for role in added:
        if role.account.id not in known:
            new_accounts.setdefault(role.account.id, role.account)
    return replace(
        catalog,
        accounts=(*catalog.accounts, *new_accounts.values()),
        roles=(*merged, *added),
    )


def legacy_sso_sessions(profiles: Mapping[str, Mapping[str, object]]) -> dict[str, SsoSession]:
    """Start URL -> where to sign in, for the legacy profiles that carry `sso_start_url` + `sso_region` themselves."""
    found: dict[str, SsoSession] = {}
    for profile in profiles.values():
        start_url, region = profile.get("sso_start_url"), profile.get("sso_region")
        if "sso_session" in profile or check_start_url(start_url) or not isinstance(region, str):
            continue
        assert isinstance(start_url, str)
        found.setdefault(start_url.strip(), SsoSession(None, start_url.strip(), region.strip()))
    return found


def sign_in_target(
    wanted: str | None,
    sessions: Mapping[str, SsoSession],
    legacy: Mapping[str, SsoSession],
    *,
    region: str | None = None,
    doing: str = "sign in to",
) -> SsoSession:
    """Which Identity Center to sign in to for `roleui login [SESSION | START_URL]` (`doing` "sign out of" for
    `logout`); UsageError when it is unclear.

    No argument: the only sso-session (or the only legacy start URL). A start URL: the sso-session that has it,
    else its legacy profiles' region, else `region` (--region)."""
    from roleui.core.errors import UsageError

    names = ", ".join(sorted(sessions)) or "none"
    if wanted is None:
        if len(sessions) == 1:
            return next(iter(sessions.values()))
        if not sessions and len(legacy) == 1:
            return next(iter(legacy.values()))
        raise UsageError(f"name the sso-session to {doing} (in the AWS config file: {names}) or a start URL")
    if wanted in sessions:
        return sessions[wanted]
    if check_start_url(wanted):
        raise UsageError(f"there is no [sso-session {wanted}] in the AWS config file (sessions: {names}) — add it")
    matching = [s for s in sessions.values() if s.start_url == wanted]
    if matching:
        return matching[0]
    if region is not None:
        if not REGION.match(region):
            raise UsageError(f"{region!r} is not a region — write e.g. us-east-1")
        return SsoSession(None, wanted, region)
    if wanted in legacy:
        return legacy[wanted]
    raise UsageError(f"no profile names the region of {wanted} — add --region (the Identity Center region)")
