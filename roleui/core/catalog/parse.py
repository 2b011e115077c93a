"""The TOML catalog: parse it, check every rule, and build a `Catalog` — or list every problem at once.

`parse_catalog` never raises anything but `ConfigError` (a hypothesis test feeds it arbitrary text and
documents): each problem carries `FILE:LINE`, the key, what is wrong and what to do. Validation keeps going
after a problem so `roleui check` shows them all in one run.
"""

from __future__ import annotations

import difflib
import re
import shlex
import string
import sys
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from roleui.core import limits, scopes
from roleui.core.browser_config import BrowserConfig
from roleui.core.catalog.browser_table import parse_browser
from roleui.core.catalog.keys import DEFAULT_KEYS
from roleui.core.catalog.toml_locate import Locator
from roleui.core.catalog.toml_locate import Path as KeyPath
from roleui.core.colors import CONSOLE_COLORS, console_color
from roleui.core.discovery_settings import IcConfig, IcRule, OrgRule
from roleui.core.durations import format_duration, parse_duration
from roleui.core.errors import ConfigError
from roleui.core.location import Location
from roleui.core.models import (
    CHAINED_MAX_DURATION,
    Account,
    Catalog,
    Defaults,
    OrgConfig,
    Role,
    Scope,
    Source,
)
from roleui.core.private_files import read_limited
from roleui.core.problems import Problem
from roleui.core.text import has_control, terminal_safe

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - the package requires 3.11, but tomli keeps the door open
    import tomli as tomllib

MAX_CATALOG_BYTES = 32 * 1024 * 1024  # read no more: a catalog of 50,000 accounts is a few MB
MAX_TEXT = 1024  # the longest text a name, tag or description may hold (AWS's longest name is 256)

TOP_KEYS = ("defaults", "accounts", "templates", "organizations", "identity_center", "keys", "browser", "scopes")
DEFAULTS_KEYS = (
    "region",
    "duration",
    "session_name",
    "source_profile",
    "mfa_serial",
    "mfa_process",
    "mfa_session_duration",
    "cache_margin",
    "credentials",
    "confirm_tags",
    "reason_tags",
    "reason_tag",
)
ACCOUNT_KEYS = ("id", "name", "aliases", "tags", "color", "region", "partition", "roles")
ROLE_OPTION_KEYS = (
    "description",
    "external_id",
    "mfa",
    "mfa_serial",
    "duration",
    "session_name",
    "session_tags",
    "transitive_tag_keys",
    "source_identity",
    "region",
    "color",
    "confirm",
    "via",
    "source_profile",
    "policy_arns",
    "policy",
    "require_reason",
)
ROLE_KEYS = ("name", "path", *ROLE_OPTION_KEYS)
TEMPLATE_KEYS = (*ROLE_KEYS, "match_tags", "accounts")
ORG_KEYS = (
    "enabled",
    "source_profile",
    "roles",
    "rules",
    "include_ous",
    "exclude_ous",
    "include_tags",
    "exclude_tags",
    "read_tags",
    "cache_lifetime",
    "include_inactive_roles",
    "region",
)
ORG_RULE_KEYS = ("ou", "tags", "roles", "color", "region", "confirm")
IC_KEYS = (
    "sso_session",
    "start_url",
    "region",
    "include_accounts",
    "exclude_accounts",
    "include_roles",
    "exclude_roles",
    "rules",
    "cache_lifetime",
)
IC_RULE_KEYS = ("accounts", "roles", "color", "region", "confirm")
PARTITIONS = ("aws", "aws-us-gov", "aws-cn")
TEMPLATE_FIELDS = ("user", "account", "role")

_MISSING: Any = object()


class _Checker:
    """Collects problems with their lines while the validators walk the document."""

    def __init__(self, file: str, locator: Locator) -> None:
        self.file = file
        self.locator = locator
        self.problems: list[Problem] = []

    def add(self, path: KeyPath, label: str, message: str, hint: str) -> None:
        # Labels and messages quote the catalog's own text: a problem line is inert on any terminal.
        line = self.locator.line_of(path)
        self.problems.append(Problem(self.file, line, terminal_safe(label), terminal_safe(message), hint))

    def location(self, path: KeyPath) -> Location:
        return Location(self.file, self.locator.line_of(path))


class _Table:
    """Typed, checked access to one TOML table; every wrong value becomes a problem and reads as missing."""

    def __init__(self, checker: _Checker, data: Mapping[str, Any], path: KeyPath, label: str) -> None:
        self.c = checker
        self.data = data
        self.path = path
        self.label = label

    def key_label(self, key: str) -> str:
        return f"{self.label}.{key}" if self.label else key

    def problem(self, key: str, message: str, hint: str) -> None:
        self.c.add((*self.path, key) if key else self.path, self.key_label(key) if key else self.label, message, hint)

    def refuse_unknown(self, allowed: Iterable[str]) -> None:
        allowed = tuple(allowed)
        for key in self.data:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
                hint = f"did you mean {close[0]!r}?" if close else f"allowed keys: {', '.join(allowed)}"
                self.problem(key, "unknown key", hint)

    def _typed(self, key: str, kind: type | tuple[type, ...], what: str) -> Any:
        value = self.data.get(key, _MISSING)
        if value is _MISSING:
            return None
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            self.problem(key, f"expected {what}, got {_describe(value)}", f"write {key} as {what}")
            return None
        return value

    def text(self, key: str, *, required: bool = False, hint: str = "") -> str | None:
        value: str | None = self._typed(key, str, "a string")
        if value is None and required and key not in self.data:
            self.problem(key, "is missing", hint or f'add {key} = "..."')
        elif value is not None and not value.strip():
            self.problem(key, "is empty", hint or f"give {key} a value or remove it")
            return None
        elif value is not None and not self.plain(key, value):
            return None
        return value

    def plain(self, key: str, value: str) -> bool:
        """False (with a problem) for text no name should hold: control characters, newlines, absurd lengths."""
        if has_control(value):
            self.problem(key, "holds control characters or a newline", "write it on one line, without them")
            return False
        if len(value) > MAX_TEXT:
            self.problem(key, f"is {len(value)} characters long", f"keep it within {MAX_TEXT} characters")
            return False
        return True

    def flag(self, key: str) -> bool | None:
        value: bool | None = self._typed(key, bool, "true or false")
        return value

    def str_list(self, key: str) -> tuple[str, ...] | None:
        value = self._typed(key, list, "a list of strings")
        if value is None:
            return None
        if not all(isinstance(item, str) and item for item in value):
            self.problem(key, "expected a list of non-empty strings", f'write {key} = ["a", "b"]')
            return None
        if not all(self.plain(key, item) for item in value):
            return None
        return tuple(value)

    def str_map(self, key: str) -> dict[str, str] | None:
        value = self._typed(key, dict, "a table of strings")
        if value is None:
            return None
        if not all(isinstance(v, str) for v in value.values()):
            self.problem(key, "expected string values", f'write {key} = {{ name = "value" }}')
            return None
        if not all(self.plain(key, k) and self.plain(key, v) for k, v in value.items()):
            return None
        return dict(value)

    def duration(self, key: str, *, low: int, high: int) -> int | None:
        value = self.data.get(key, _MISSING)
        if value is _MISSING:
            return None
        try:
            seconds = parse_duration(value)
        except ValueError as error:
            self.problem(key, str(error), 'write a duration like "1h", "90m" or 3600')
            return None
        if not low <= seconds <= high:
            self.problem(
                key,
                f"{format_duration(seconds)} ({seconds} s) is outside {format_duration(low)}..{format_duration(high)}",
                f'choose between "{format_duration(low)}" and "{format_duration(high)}"',
            )
            return None
        return seconds

    def checked(self, key: str, finding: limits.Finding) -> bool:
        if finding:
            self.problem(key, *finding)
            return False
        return True

    def sub_tables(self, key: str, what: str) -> list[tuple[int, Mapping[str, Any]]]:
        value = self.data.get(key, _MISSING)
        if value is _MISSING:
            return []
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            self.problem(
                key, f"expected an array of tables ([[{_header(self.path, key)}]])", f"write each {what} as [[...]]"
            )
            return []
        return list(enumerate(value))


def _header(path: KeyPath, key: str) -> str:
    return ".".join([*(p for p in path if isinstance(p, str)), key])


def _describe(value: object) -> str:
    kinds = {bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "a list", dict: "a table"}
    return kinds.get(type(value), type(value).__name__)


def _toml_error(error: tomllib.TOMLDecodeError, text: str, file: str) -> Problem:
    # tomllib: "Invalid value (at line 3, column 9)"; keep its words, move the position to the front.
    message = str(error)
    position = re.search(r"\(at line (\d+), column (\d+)\)|\(at end of document\)", message)
    line = int(position.group(1)) if position and position.group(1) else 0
    column = int(position.group(2)) if position and position.group(2) else 0
    if position:
        message = message[: position.start()].strip()
        if not line:  # "at end of document": point at the last line
            line = text.count("\n") + 1
    where = f"column {column}: " if column else ""
    return Problem(file, line, "", f"TOML syntax: {where}{message}", "fix the syntax at that position")


def parse_catalog(text: str, file: str = "<catalog>") -> Catalog:
    """Build a Catalog from TOML text, or raise ConfigError listing every problem."""
    try:
        document = tomllib.loads(text)
        checker = _Checker(file, Locator(text))
        catalog = _build(document, checker, file)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError([_toml_error(error, text, file)]) from None
    except RecursionError:
        # `a = [[[[...]]]]` a few thousand deep: no catalog needs that, and the parser would give up anyway.
        raise ConfigError(
            [Problem(file, 0, "", "is nested too deeply to read", "flatten the arrays and tables it holds")]
        ) from None
    if checker.problems:
        raise ConfigError(sorted(checker.problems, key=lambda p: p.line))
    return catalog


def load_catalog(path: Path | str) -> Catalog:
    """Read and parse a catalog file; an unreadable file is a ConfigError too."""
    path = Path(path)
    try:
        raw = read_limited(path, MAX_CATALOG_BYTES)
    except FileNotFoundError:
        raise ConfigError(
            [
                Problem(
                    str(path),
                    0,
                    "",
                    "no such catalog file",
                    f"fix the path, or write a starter one: roleui init --config {shlex.quote(str(path))}",
                )
            ]
        ) from None
    except OSError as error:
        raise ConfigError(
            [Problem(str(path), 0, "", f"cannot read: {error.strerror}", "check the path and its permissions")]
        ) from None
    except ValueError:  # larger than any catalog: /dev/zero, a log file given by mistake
        raise ConfigError(
            [Problem(str(path), 0, "", f"is larger than {MAX_CATALOG_BYTES >> 20} MiB", "pass the catalog file")]
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ConfigError([Problem(str(path), line, "", "not valid UTF-8", "save the catalog as UTF-8")]) from None
    catalog = parse_catalog(text, str(path))
    from roleui.core.catalog.trust import refuse_foreign_commands

    refuse_foreign_commands(path, catalog)  # a catalog another user could have written may not carry a command
    return catalog


# -- the document --------------------------------------------------------------------------------------------


def _build(document: dict[str, Any], c: _Checker, file: str) -> Catalog:
    root = _Table(c, document, (), "")
    root.refuse_unknown(TOP_KEYS)
    defaults = _defaults(c, document.get("defaults", {}))
    accounts: list[Account] = []
    roles_by_account: list[list[tuple[int, Role]]] = []
    paths: dict[int, KeyPath] = {}  # id(account or role) -> where it was written, for messages
    for index, data in root.sub_tables("accounts", "account"):
        account, roles = _account(c, data, ("accounts", index), index, defaults)
        if account is not None:
            accounts.append(account)
            roles_by_account.append(roles)
            paths[id(account)] = ("accounts", index)
            paths.update((id(role), ("accounts", index, "roles", role_index)) for role_index, role in roles)
    _check_duplicate_accounts(c, accounts, paths)
    # Only templates without problems are applied (their problems are reported once, not per account).
    templates = [
        (index, data)
        for index, data in root.sub_tables("templates", "template")
        if _template_check(c, data, index, defaults, accounts)
    ]
    all_roles: list[Role] = []
    for account, roles in zip(accounts, roles_by_account, strict=True):
        all_roles.extend(role for _, role in roles)
        for template_index, role in _apply_templates(c, account, [r for _, r in roles], templates, defaults):
            paths[id(role)] = ("templates", template_index)
            all_roles.append(role)
    all_roles = _resolve_via(c, all_roles, accounts, paths)
    return Catalog(
        defaults=defaults,
        accounts=tuple(accounts),
        roles=tuple(all_roles),
        organizations=_organizations(c, document.get("organizations", {})),
        identity_center=_identity_centers(root),
        keys=_keys(c, document.get("keys", {})),
        browser=_browser(c, document.get("browser", {})),
        scopes=_scopes(c, document.get("scopes", {})),
        path=file,
    )


def _as_table(c: _Checker, value: object, path: KeyPath, label: str) -> Mapping[str, Any] | None:
    if isinstance(value, dict):
        return value
    c.add(path, label, f"expected a table, got {_describe(value)}", f"write it as [{label}]")
    return None


def _defaults(c: _Checker, value: object) -> Defaults:
    data = _as_table(c, value, ("defaults",), "defaults")
    if data is None:
        return Defaults()
    t = _Table(c, data, ("defaults",), "defaults")
    t.refuse_unknown(DEFAULTS_KEYS)
    base = Defaults()
    region = t.text("region")
    if region is not None and not t.checked("region", limits.check_region(region)):
        region = None
    session_name = t.text("session_name")
    if session_name is not None and not _check_session_template(t, "session_name", session_name):
        session_name = None
    mfa_serial = t.text("mfa_serial")
    if mfa_serial is not None and not t.checked("mfa_serial", limits.check_mfa_serial(mfa_serial)):
        mfa_serial = None
    return Defaults(
        region=region,
        duration=t.duration("duration", low=900, high=43200) or base.duration,
        session_name=session_name or base.session_name,
        source_profile=t.text("source_profile"),
        mfa_serial=mfa_serial,
        mfa_process=t.text("mfa_process"),
        mfa_session_duration=t.duration("mfa_session_duration", low=900, high=129600) or base.mfa_session_duration,
        cache_margin=_margin(t),
        credentials=_credentials_mode(t),
        confirm_tags=t.str_map("confirm_tags") or {},
        reason_tags=t.str_map("reason_tags") or {},
        reason_tag=_reason_tag(t),
    )


def _reason_tag(t: _Table) -> str | None:
    key = t.text("reason_tag")
    if key is not None and not t.checked("reason_tag", limits.check_tags({key: ""}, ())):
        return None
    return key


CREDENTIAL_MODES = ("endpoint", "static")


def _credentials_mode(t: _Table) -> str:
    mode = t.text("credentials")
    if mode is None:
        return Defaults().credentials
    if mode not in CREDENTIAL_MODES:
        t.problem(
            "credentials", f"unknown mode {mode!r}", 'write "endpoint" (keys that renew) or "static" (exported keys)'
        )
        return Defaults().credentials
    return mode


def _margin(t: _Table) -> int:
    margin = t.duration("cache_margin", low=0, high=3600)
    return Defaults().cache_margin if margin is None else margin


def _check_session_template(t: _Table, key: str, template: str) -> bool:
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError:
        t.problem(key, "has an unbalanced brace", "write placeholders as {user}, {account} or {role}")
        return False
    unknown = [name for name in fields if name not in TEMPLATE_FIELDS]
    if unknown:
        t.problem(key, f"unknown placeholder {{{unknown[0]}}}", "use {user}, {account} or {role}")
        return False
    sample = template.format(user="u", account="a", role="r")
    if not limits.SESSION_NAME.fullmatch(sample):
        t.problem(key, "has characters a session name cannot hold", "use letters, digits and + = , . @ _ - (no spaces)")
        return False
    if len(template.format(user="", account="", role="")) > 64:
        t.problem(key, "is longer than 64 characters", "shorten it: session names hold at most 64 characters")
        return False
    return True


def _account(
    c: _Checker, data: Mapping[str, Any], path: KeyPath, index: int, defaults: Defaults
) -> tuple[Account | None, list[tuple[int, Role]]]:
    name_value = data.get("name")
    label = f"accounts[{name_value}]" if isinstance(name_value, str) and name_value else f"accounts[{index + 1}]"
    t = _Table(c, data, path, label)
    t.refuse_unknown(ACCOUNT_KEYS)
    account_id = t.text("id", required=True, hint='add id = "123456789012" (quoted, 12 digits)')
    if "id" in data and isinstance(data["id"], int) and not isinstance(data["id"], bool):
        account_id = str(data["id"])  # accept, but an int loses leading zeros: say so
        c.problems.pop()
        t.problem("id", "is a number", f'quote it: id = "{data["id"]:012d}" (a number loses leading zeros)')
        account_id = None
    if account_id is not None and not t.checked("id", limits.check_account_id(account_id)):
        account_id = None
    name = t.text("name", required=True, hint='add name = "a-short-name" (used in role references)')
    if name is not None and ("/" in name or name != name.strip()):
        t.problem(
            "name",
            f"{name!r} contains '/' or surrounding spaces",
            "use a name without '/' (it separates account and role)",
        )
        name = None
    aliases = t.str_list("aliases") or ()
    tags = t.str_map("tags") or {}
    color = _color(t, "color")
    region = t.text("region")
    if region is not None and not t.checked("region", limits.check_region(region)):
        region = None
    partition = t.text("partition") or "aws"
    if partition not in PARTITIONS:
        t.problem("partition", f"{partition!r} is not a partition", f"use one of {', '.join(PARTITIONS)}")
        partition = "aws"
    valid = account_id is not None and name is not None
    # An account with a bad id or name is left out, but its roles are still checked: every problem in one run.
    account = Account(
        id=account_id or "000000000000",
        name=name or f"#{index + 1}",
        aliases=aliases,
        tags=tags,
        color=color,
        region=region,
        partition=partition,
        source=Source.CATALOG,
        location=c.location(path),
    )
    roles: list[tuple[int, Role]] = []
    seen: dict[str, str] = {}
    for role_index, role_data in t.sub_tables("roles", "role"):
        role_path = (*path, "roles", role_index)
        role = _role(c, role_data, role_path, label, role_index, account, defaults, Source.CATALOG)
        if role is None:
            continue
        folded = role.name.lower()
        if folded in seen:
            c.add(
                role_path,
                f"{label}.roles[{role.name}]",
                f"duplicate role {role.name!r} (IAM role names are case-insensitive; first: {seen[folded]})",
                "remove one of them",
            )
            continue
        seen[folded] = role.name
        roles.append((role_index, role))
    return (account, roles) if valid else (None, [])


def _color(t: _Table, key: str) -> str | None:
    value = t.text(key)
    if value is None:
        return None
    hex_ = console_color(value)
    if hex_ is None:
        t.problem(
            key,
            f"{value!r} is not a console color",
            f"use one of {', '.join(CONSOLE_COLORS)} (the console shows no other)",
        )
    return hex_


def _role_options(t: _Table, defaults: Defaults) -> dict[str, Any] | None:
    """The role options shared by roles and templates; None if any is invalid (problems already added)."""
    before = len(t.c.problems)
    options: dict[str, Any] = {}
    options["description"] = t.text("description") or ""
    external_id = t.text("external_id")
    if external_id is not None and t.checked("external_id", limits.check_external_id(external_id)):
        options["external_id"] = external_id
    mfa_serial = t.text("mfa_serial")
    mfa = t.flag("mfa")
    if mfa_serial is not None:
        if t.checked("mfa_serial", limits.check_mfa_serial(mfa_serial)):
            options["mfa_serial"] = mfa_serial
    elif mfa:
        if defaults.mfa_serial is None:
            t.problem(
                "mfa", "needs an MFA device but [defaults] has no mfa_serial", "set mfa_serial here or in [defaults]"
            )
        options["mfa_serial"] = defaults.mfa_serial
    if mfa is False and mfa_serial is not None:
        t.problem("mfa", "is false but mfa_serial is set", "remove one of them")
    options["duration"] = t.duration("duration", low=900, high=43200)
    session_name = t.text("session_name")
    if session_name is not None and _check_session_template(t, "session_name", session_name):
        options["session_name"] = session_name
    tags = t.str_map("session_tags") or {}
    transitive = t.str_list("transitive_tag_keys") or ()
    if t.checked(
        "session_tags" if len(tags) > 50 or not transitive else "transitive_tag_keys",
        limits.check_tags(tags, transitive),
    ):
        options["session_tags"] = tags
        options["transitive_tag_keys"] = transitive
    source_identity = t.text("source_identity")
    if source_identity is not None and t.checked("source_identity", limits.check_source_identity(source_identity)):
        options["source_identity"] = source_identity
    region = t.text("region")
    if region is not None and t.checked("region", limits.check_region(region)):
        options["region"] = region
    options["color"] = _color(t, "color")
    options["confirm"] = bool(t.flag("confirm"))
    via = t.text("via")
    if via is not None and via.count("/") != 1:
        t.problem("via", f"{via!r} is not an account/role reference", 'write via = "account-name/RoleName"')
        via = None
    options["via"] = via
    options["source_profile"] = t.text("source_profile")
    options["policy_arns"], options["policy"] = _session_policies(t)
    options["require_reason"] = bool(t.flag("require_reason"))
    if via is not None and options["source_profile"] is not None:
        t.problem(
            "source_profile",
            "is set on a chained role",
            "a role with via uses the credentials of that role; remove one",
        )
    return options if len(t.c.problems) == before else None


def _session_policies(t: _Table) -> tuple[tuple[str, ...], str | None]:
    """`policy_arns` and `policy` (inline JSON, or the path of a JSON file, relative to the catalog's directory),
    checked as AWS would: ARN form, at most 10, JSON syntax, 2,048 characters of plaintext."""
    arns = t.str_list("policy_arns") or ()
    if arns and not t.checked("policy_arns", scopes.check_policy_arns(arns)):
        arns = ()
    document: str | None = t._typed("policy", str, "a JSON policy document or the path of one")
    if document is not None and not document.lstrip().startswith("{"):
        where = Path(t.c.file).parent if t.c.file and not t.c.file.startswith("<") else Path()
        try:
            document = read_limited(where / Path(document).expanduser(), 64 * 1024).decode("utf-8")
        except (OSError, ValueError) as error:
            t.problem(
                "policy",
                f"cannot read the policy file {document!r}: {error}",
                "fix the path (or write the JSON inline)",
            )
            return arns, None
    text = None
    if document is not None:
        text, finding = scopes.minified(document)
        if not t.checked("policy", finding):
            return arns, None
    policy = scopes.SessionPolicy(None, tuple(scopes.partition_arn(a, "aws") for a in arns), text)
    if not t.checked("policy" if text else "policy_arns", scopes.check_plaintext(policy)):
        return (), None
    return arns, text


def _scopes(c: _Checker, value: object) -> dict[str, Scope]:
    """`[scopes]`: `name = { policy_arns = [...], policy = "..." }`; `read-only` may be redefined."""
    data = _as_table(c, value, ("scopes",), "scopes")
    found: dict[str, Scope] = {}
    for name, entry in (data or {}).items():
        label = f"scopes.{name}"
        if not scopes.SCOPE_NAME.fullmatch(name):
            c.add(("scopes", name), label, "is not a scope name", "use lower-case letters, digits, - and _")
            continue
        table = _as_table(c, entry, ("scopes", name), label)
        if table is None:
            continue
        t = _Table(c, table, ("scopes", name), label)
        t.refuse_unknown(("policy_arns", "policy"))
        arns, policy = _session_policies(t)
        if not arns and policy is None:
            t.problem("", "has no policy_arns and no policy", 'add policy_arns = ["ReadOnlyAccess"] or policy = "..."')
            continue
        found[name] = Scope(name, arns, policy)
    return found


def _role(
    c: _Checker,
    data: Mapping[str, Any],
    path: KeyPath,
    account_label: str,
    index: int,
    account: Account,
    defaults: Defaults,
    source: Source,
) -> Role | None:
    name_value = data.get("name")
    label = f"{account_label}.roles[{name_value if isinstance(name_value, str) and name_value else index + 1}]"
    t = _Table(c, data, path, label)
    t.refuse_unknown(ROLE_KEYS)
    name = t.text("name", required=True, hint='add name = "RoleName"')
    role_path = t.text("path") or "/"
    if name is not None and not t.checked("name", limits.check_role_name(name, role_path)):
        name = None
    options = _role_options(t, defaults)
    if name is None or options is None:
        return None
    if options["via"] is not None and options["duration"] is not None and options["duration"] > CHAINED_MAX_DURATION:
        t.problem(
            "duration",
            f"{format_duration(options['duration'])} exceeds the 1 h limit of chained roles (via {options['via']})",
            'use duration = "1h" or less: AWS caps sessions assumed by role chaining at 1 h',
        )
        return None
    return Role(account=account, name=name, path=role_path, source=source, location=c.location(path), **options)


def _check_duplicate_accounts(c: _Checker, accounts: list[Account], paths: dict[int, KeyPath]) -> None:
    ids: dict[str, Account] = {}
    names: dict[str, Account] = {}
    for account in accounts:
        path = paths[id(account)]
        label = f"accounts[{account.name}]"
        if account.id in ids:
            other = ids[account.id].name
            c.add(
                (*path, "id"),
                f"{label}.id",
                f"duplicate account id {account.id} (also {other!r})",
                "merge the two entries",
            )
        ids.setdefault(account.id, account)
        for name in (account.name, *account.aliases):
            owner = names.get(name.lower())
            if owner is not None and owner is not account:
                key = "name" if name == account.name else "aliases"
                c.add(
                    (*path, key),
                    f"{label}.{key}",
                    f"{name!r} is already used by account {owner.id}",
                    "give each account a unique name and aliases",
                )
            names.setdefault(name.lower(), account)


def _template_check(
    c: _Checker, data: Mapping[str, Any], index: int, defaults: Defaults, accounts: list[Account]
) -> bool:
    before = len(c.problems)
    path: KeyPath = ("templates", index)
    name_value = data.get("name")
    label = f"templates[{name_value if isinstance(name_value, str) and name_value else index + 1}]"
    t = _Table(c, data, path, label)
    t.refuse_unknown(TEMPLATE_KEYS)
    name = t.text("name", required=True, hint='add name = "RoleName"')
    if name is not None:
        t.checked("name", limits.check_role_name(name, t.text("path") or "/"))
    _role_options(t, defaults)
    match = data.get("match_tags", {})
    if not isinstance(match, dict) or not all(
        isinstance(v, str) or (isinstance(v, list) and all(isinstance(i, str) for i in v)) for v in match.values()
    ):
        t.problem(
            "match_tags", "expected a table of tag values", 'write match_tags = { environment = ["prod", "staging"] }'
        )
    selected = t.str_list("accounts")
    known = {k.lower() for a in accounts for k in (a.id, a.name, *a.aliases)}
    for ref in selected or ():
        if ref.lower() not in known:
            t.problem("accounts", f"no account {ref!r} in the catalog", "name an account by its name, alias or id")
    return len(c.problems) == before


def _template_matches(data: Mapping[str, Any], account: Account) -> bool:
    selected = data.get("accounts")
    if isinstance(selected, list) and not any(
        isinstance(ref, str)
        and ref.lower() in {account.id, account.name.lower(), *(a.lower() for a in account.aliases)}
        for ref in selected
    ):
        return False
    match = data.get("match_tags", {})
    for key, wanted in match.items():
        allowed = [wanted] if isinstance(wanted, str) else list(wanted)
        if account.tags.get(key) not in allowed:
            return False
    return True


def _apply_templates(
    c: _Checker,
    account: Account,
    explicit: list[Role],
    templates: list[tuple[int, Mapping[str, Any]]],
    defaults: Defaults,
) -> list[tuple[int, Role]]:
    names = {role.name.lower() for role in explicit}
    roles: list[tuple[int, Role]] = []
    quiet = _Checker(c.file, c.locator)  # templates were checked once already; do not repeat per account
    for index, data in templates:
        if not _template_matches(data, account):
            continue
        template_data = {k: v for k, v in data.items() if k in ROLE_KEYS}
        role = _role(quiet, template_data, ("templates", index), "", index, account, defaults, Source.TEMPLATE)
        if role is None or role.name.lower() in names:
            continue  # an account's own role of the same name wins
        names.add(role.name.lower())
        roles.append((index, role))
    return roles


def _resolve_via(c: _Checker, roles: list[Role], accounts: list[Account], paths: dict[int, KeyPath]) -> list[Role]:
    """Point every `via` at the canonical key of an existing role, and refuse cycles."""
    by_account: dict[str, Account] = {}
    for account in accounts:
        for name in (account.id, account.name, *account.aliases):
            by_account.setdefault(name.lower(), account)
    by_key = {(role.account.id, role.name.lower()): role for role in roles}
    resolved: list[Role] = []
    for role in roles:
        if role.via is None:
            resolved.append(role)
            continue
        account_ref, _, role_name = role.via.partition("/")
        via_account = by_account.get(account_ref.lower())
        target = by_key.get((via_account.id, role_name.lower())) if via_account else None
        path = paths.get(id(role), ())
        if target is None:
            close = difflib.get_close_matches(role.via, [r.key for r in roles], n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}?" if close else "name an existing catalog role as account/RoleName"
            c.add((*path, "via"), f"{role.key}.via", f"no role {role.via!r} in the catalog", hint)
            continue
        if target is role:
            c.add((*path, "via"), f"{role.key}.via", "a role cannot chain through itself", "point via at another role")
            continue
        chained = replace(role, via=target.key)
        paths[id(chained)] = path
        resolved.append(chained)
    by_canonical = {role.key: role for role in resolved}
    for role in resolved:
        seen = [role.key]
        current = role
        while current.via is not None:
            nxt = by_canonical.get(current.via)
            if nxt is None:
                break
            if nxt.key in seen:
                if nxt.key == role.key:
                    c.add(
                        (*paths.get(id(role), ()), "via"),
                        f"{role.key}.via",
                        f"chain cycle: {' -> '.join([*seen, nxt.key])}",
                        "break the cycle: one role must use base credentials",
                    )
                break
            seen.append(nxt.key)
            current = nxt
    return resolved


def _organizations(c: _Checker, value: object) -> OrgConfig:
    data = _as_table(c, value, ("organizations",), "organizations")
    if data is None:
        return OrgConfig()
    t = _Table(c, data, ("organizations",), "organizations")
    t.refuse_unknown(ORG_KEYS)
    base = OrgConfig()
    roles = t.str_list("roles")
    for role in roles or ():
        t.checked("roles", limits.check_role_name(role))
    rules: list[OrgRule] = []
    for index, rule_data in t.sub_tables("rules", "rule"):
        rt = _Table(c, rule_data, ("organizations", "rules", index), f"organizations.rules[{index + 1}]")
        rt.refuse_unknown(ORG_RULE_KEYS)
        ou = rt.text("ou")
        tags = rt.str_map("tags") or {}
        if ou is None and not tags:
            rt.problem(
                "", "matches every account", 'add ou = "Workloads/Prod/*" and/or tags = { environment = "prod" }'
            )
        rule_roles = rt.str_list("roles") or ()
        for role in rule_roles:
            rt.checked("roles", limits.check_role_name(role))
        region = rt.text("region")
        if region is not None:
            rt.checked("region", limits.check_region(region))
        rules.append(
            OrgRule(
                ou=ou,
                tags=tags,
                roles=rule_roles,
                color=_color(rt, "color"),
                region=region,
                confirm=bool(rt.flag("confirm")),
                location=c.location(("organizations", "rules", index)),
            )
        )
    region = t.text("region")
    if region is not None:
        t.checked("region", limits.check_region(region))
    lifetime = t.duration("cache_lifetime", low=0, high=30 * 86400)
    enabled = t.flag("enabled")
    return OrgConfig(
        enabled=bool(enabled) if enabled is not None else bool(data),
        source_profile=t.text("source_profile"),
        roles=roles if roles is not None else base.roles,
        rules=tuple(rules),
        include_ous=t.str_list("include_ous") or (),
        exclude_ous=t.str_list("exclude_ous") or (),
        include_tags=t.str_map("include_tags") or {},
        exclude_tags=t.str_map("exclude_tags") or {},
        read_tags=bool(t.flag("read_tags")) if "read_tags" in data else base.read_tags,
        cache_lifetime=lifetime if lifetime is not None else base.cache_lifetime,
        include_inactive_roles=bool(t.flag("include_inactive_roles")),
        region=region,
    )


def _identity_centers(root: _Table) -> tuple[IcConfig, ...]:
    """Every `[[identity_center]]`; two entries for the same sign-in are refused (their caches would collide)."""
    entries: list[IcConfig] = []
    seen: dict[str, int] = {}
    for index, data in root.sub_tables("identity_center", "Identity Center sign-in"):
        entry = _identity_center(root.c, data, index)
        if entry is None:
            continue
        if entry.name in seen:
            root.c.add(
                ("identity_center", index),
                f"identity_center[{index + 1}]",
                f"{entry.name!r} is already listed in identity_center[{seen[entry.name] + 1}]",
                "list each sign-in once; put its rules in one entry",
            )
            continue
        seen[entry.name] = index
        entries.append(entry)
    return tuple(entries)


def _identity_center(c: _Checker, data: Mapping[str, Any], index: int) -> IcConfig | None:
    path: KeyPath = ("identity_center", index)
    t = _Table(c, data, path, f"identity_center[{index + 1}]")
    t.refuse_unknown(IC_KEYS)
    session = t.text("sso_session")
    start_url = t.text("start_url")
    region = t.text("region")
    if region is not None and not t.checked("region", limits.check_region(region)):
        region = None
    if start_url is not None and not re.fullmatch(r"https://[^\s/?#]+(?:/[^\s?#]*)?", start_url.strip()):
        t.problem(
            "start_url", f"{start_url!r} is not an https URL", 'write start_url = "https://my-org.awsapps.com/start"'
        )
        start_url = None
    if session is None and start_url is None:
        if "sso_session" not in data and "start_url" not in data:
            t.problem(
                "",
                "names no sign-in",
                'add sso_session = "NAME" (an [sso-session NAME] of ~/.aws/config) or start_url and region',
            )
        return None
    if session is not None and start_url is not None:
        t.problem("start_url", "is given with sso_session", "keep one: the [sso-session] already holds its start URL")
        return None
    if start_url is not None and region is None and "region" not in data:
        t.problem("region", "is missing", 'add region = "us-east-1" (the region of your Identity Center)')
    rules: list[IcRule] = []
    for rule_index, rule_data in t.sub_tables("rules", "rule"):
        rt = _Table(c, rule_data, (*path, "rules", rule_index), f"{t.label}.rules[{rule_index + 1}]")
        rt.refuse_unknown(IC_RULE_KEYS)
        accounts = rt.str_list("accounts") or ()
        roles = rt.str_list("roles") or ()
        if not accounts and not roles:
            rt.problem("", "matches every permission set", 'add accounts = ["prod-*"] and/or roles = ["Admin*"]')
        rule_region = rt.text("region")
        if rule_region is not None:
            rt.checked("region", limits.check_region(rule_region))
        rules.append(
            IcRule(
                accounts=accounts,
                roles=roles,
                color=_color(rt, "color"),
                region=rule_region,
                confirm=bool(rt.flag("confirm")),
                location=c.location((*path, "rules", rule_index)),
            )
        )
    lifetime = t.duration("cache_lifetime", low=0, high=30 * 86400)
    return IcConfig(
        sso_session=session.strip() if session else None,
        start_url=start_url.strip().rstrip("/") if start_url else None,
        region=region,
        include_accounts=t.str_list("include_accounts") or (),
        exclude_accounts=t.str_list("exclude_accounts") or (),
        include_roles=t.str_list("include_roles") or (),
        exclude_roles=t.str_list("exclude_roles") or (),
        rules=tuple(rules),
        cache_lifetime=lifetime if lifetime is not None else IcConfig().cache_lifetime,
        location=c.location(path),
    )


def _keys(c: _Checker, value: object) -> dict[str, str]:
    data = _as_table(c, value, ("keys",), "keys")
    if data is None:
        return {}
    t = _Table(c, data, ("keys",), "keys")
    t.refuse_unknown(DEFAULT_KEYS)
    keys: dict[str, str] = {}
    for action in DEFAULT_KEYS:
        key = t.text(action)
        if key is not None:
            keys[action] = key
    bound: dict[str, str] = {}
    for action, key in {**DEFAULT_KEYS, **keys}.items():
        if key in bound:
            t.problem(
                action if action in keys else bound[key],
                f"key {key!r} is bound to both {bound[key]} and {action}",
                "give each action its own key",
            )
        bound[key] = action
    return keys


def _browser(c: _Checker, value: object) -> BrowserConfig:
    data = _as_table(c, value, ("browser",), "browser")
    if data is None:
        return BrowserConfig()
    return parse_browser(data, lambda key, message, hint: c.add(("browser", key), f"browser.{key}", message, hint))
