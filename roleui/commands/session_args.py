"""What the session commands share: the ROLE argument and the assume options, and the one way to assume.

Argument parsing stays light (no boto3, no engine import); `assume` imports the engine only when called.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, TextIO

from roleui.core.durations import parse_duration
from roleui.core.errors import UsageError

if TYPE_CHECKING:
    from roleui.aws.engine import Engine
    from roleui.core.models import Catalog, Role
    from roleui.core.sessions.assume_plan import AssumeOptions
    from roleui.core.sessions.session import Session

ROLE_HELP = "account/role, role ARN, or AWS config profile name (see `roleui list`)"


def add_assume_options(parser: argparse.ArgumentParser) -> None:
    """The overrides every assuming command takes."""
    parser.add_argument("--duration", metavar="D", help='session length, e.g. "1h", "90m" (900 s..12 h; chained: 1 h)')
    parser.add_argument(
        "--session-name", metavar="NAME", help="RoleSessionName (default: from the catalog template, {user})"
    )
    parser.add_argument("--region", metavar="REGION", help="region of the session (AWS_REGION / AWS_DEFAULT_REGION)")
    parser.add_argument(
        "--mfa-code",
        metavar="CODE",
        help="the 6-digit MFA code (else mfa_process, else a prompt); other local users see arguments in `ps`: "
        "`--mfa-code -` reads the code from stdin and ROLEUI_MFA_CODE is read when --mfa-code is not given",
    )
    parser.add_argument("--tag", action="append", default=[], metavar="KEY=VALUE", help="session tag (repeatable)")
    parser.add_argument(
        "--no-cache", action="store_true", help="assume anew even if a cached session is fresh (it replaces it)"
    )
    parser.add_argument(
        "--yes", action="store_true", help="do not ask before a new session of a role that asks first (confirm)"
    )
    parser.add_argument(
        "--scope", metavar="NAME", help="session policy from [scopes] (built in: read-only): the session can do no more"
    )
    parser.add_argument(
        "--policy-arn", action="append", default=[], metavar="ARN", help="managed policy as session policy (repeatable)"
    )
    parser.add_argument("--policy", metavar="FILE", help="inline session policy: a JSON policy document file")
    parser.add_argument(
        "--reason", metavar="TEXT", help="why: recorded in `roleui history` (and [defaults] reason_tag)"
    )


def add_credentials_option(parser: argparse.ArgumentParser) -> None:
    """--static for the commands that can serve renewing credentials (shell, exec)."""
    parser.add_argument(
        "--static",
        action="store_true",
        help="export the session's keys instead of serving renewing ones from a local endpoint "
        '(for tools that do not read container credentials; [defaults] credentials = "static" makes it the default)',
    )


def add_handing_options(parser: argparse.ArgumentParser) -> None:
    """exec's options for a session handed to a tool or an agent (roleui/commands/handing.py)."""
    parser.add_argument(
        "--name", metavar="NAME", help="name the child: its session name, `roleui sessions`, `roleui revoke NAME`"
    )
    parser.add_argument("--for", dest="for_", metavar="D", help='stop renewing the session after D, e.g. "30m"')


def add_role_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("role", metavar="ROLE", help=ROLE_HELP)


def parse_trailing_options(args: argparse.Namespace, words: list[str]) -> None:
    """Options written after ROLE and before `--` (argparse hands them to the command's REMAINDER)."""
    extra = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    add_assume_options(extra)
    add_credentials_option(extra)
    add_handing_options(extra)
    extra.add_argument("--nest", action="store_true")
    extra.add_argument("--config")  # the global option, accepted after the command as before it (roleui/cli.py)
    defaults = {action.dest: action.default for action in extra._actions}
    try:
        parsed, unknown = extra.parse_known_args(words)
    except argparse.ArgumentError as error:
        raise UsageError(f"{error} — write options before `--` and the command after it") from None
    if unknown:
        import difflib

        options = [o for action in extra._actions for o in action.option_strings]
        close = difflib.get_close_matches(unknown[0].partition("=")[0], options, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]}? (see `roleui exec --help`)" if close else "see `roleui exec --help`"
        raise UsageError(f"unknown option {unknown[0]!r} before `--` — {hint}")
    for name, value in vars(parsed).items():
        if value != defaults.get(name):
            setattr(args, name, getattr(args, name) + value if name in ("tag", "policy_arn") else value)


def split_command(args: argparse.Namespace) -> list[str]:
    """The command after `--`; options written between ROLE and `--` are parsed into `args`."""
    words: list[str] = list(args.argv)
    if words and words[0] == "--":
        return words[1:]
    if words and words[0].startswith("-"):
        if "--" not in words:
            raise UsageError("separate the command from the options with `--`: roleui exec ROLE [OPTIONS] -- CMD")
        cut = words.index("--")
        parse_trailing_options(args, words[:cut])
        words = words[cut + 1 :]
    return words


def parse_tags(pairs: list[str]) -> dict[str, str]:
    tags: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"--tag {pair!r} is not KEY=VALUE — write e.g. --tag team=data")
        tags[key] = value
    return tags


def mfa_code_from(value: str | None, environ: Mapping[str, str], stdin: TextIO) -> str | None:
    """The MFA code `--mfa-code` gives: itself, the first line of stdin for `-`, else ROLEUI_MFA_CODE (neither of
    the last two is visible in `ps`)."""
    if value == "-":
        line = stdin.readline(64)
        if not line.strip():
            raise UsageError("--mfa-code -: no code on stdin — e.g. `echo 123456 | roleui env ROLE --mfa-code -`")
        return line.strip()
    if value is None:
        return environ.get("ROLEUI_MFA_CODE") or None
    return value


def options_from_args(args: argparse.Namespace) -> AssumeOptions:
    """The command line's AssumeOptions, worked out once per command: `--mfa-code -` reads stdin, and a second
    read (exec and shell need the options to assume and again to serve) would find it empty."""
    known: AssumeOptions | None = getattr(args, "_assume_options", None)
    if known is None:
        known = _options(args)
        args._assume_options = known
    return known


def _options(args: argparse.Namespace) -> AssumeOptions:
    from roleui.core.sessions.assume_plan import AssumeOptions

    duration = None
    if args.duration is not None:
        try:
            duration = parse_duration(args.duration)
        except ValueError as error:
            raise UsageError(f"--duration: {error}") from None
    return AssumeOptions(
        duration=duration,
        session_name=args.session_name,
        region=args.region,
        mfa_code=mfa_code_from(args.mfa_code, os.environ, sys.stdin),
        tags=parse_tags(args.tag),
        use_cache=not args.no_cache,
        scope=args.scope,
        policy_arns=tuple(args.policy_arn),
        policy=policy_document(args.policy),
        reason=args.reason or None,
    )


def policy_document(path: str | None) -> str | None:
    """The text of --policy FILE (checked with the scope in plan_assume), or a one-line UsageError."""
    if path is None:
        return None
    from roleui.core.private_files import read_limited

    try:
        return read_limited(path, 64 * 1024).decode("utf-8")
    except (OSError, ValueError, UnicodeError) as error:
        raise UsageError(f"--policy {path}: cannot read it ({error}) — pass a JSON policy document file") from None


def warn(message: str) -> None:
    from roleui.core.text import terminal_safe

    print(f"roleui: warning: {terminal_safe(message)}", file=sys.stderr)


def load_role(args: argparse.Namespace) -> tuple[Catalog, Role]:
    """The merged catalog and the role ROLE names (UsageError listing candidates otherwise)."""
    from roleui.aws.sources import load_world
    from roleui.core.catalog.refs import resolve_role
    from roleui.core.sessions import trail

    trail.COMMAND = getattr(args, "command", None) or "roleui"
    # From the world cache while no file the world was made of has changed, as the UI does: a cold `roleui env`
    # then parses no TOML and merges nothing (~8 ms of imports and work).
    catalog = load_world(args.config, warn=warn, cached=True)
    return catalog, resolve_role(catalog, args.role)


def refuse_nesting(args: argparse.Namespace) -> None:
    """exec/shell inside a roleui session: say so, and go on only with --nest."""
    outer = os.environ.get("ROLEUI_ROLE")
    if outer and not args.nest:
        raise UsageError(
            f"already inside a roleui session ({outer}) — exit it first, or pass --nest to replace its credentials"
        )


def make_engine(catalog: Catalog) -> Engine:
    from roleui.aws.engine import Engine

    return Engine(catalog, warn=warn)


def assume(args: argparse.Namespace, catalog: Catalog, role: Role, engine: Engine | None = None) -> Session:
    """Assume `role` as the command line says (asking first for a role that asks, see confirm_first.py); MFA codes
    from --mfa-code, mfa_process, else the terminal."""
    from roleui.aws.clients import command_deadline
    from roleui.aws.mfa import tty_prompt
    from roleui.commands.confirm_first import confirm_first
    from roleui.core.sessions.reasons import missing_reason

    engine = engine or make_engine(catalog)
    options = options_from_args(args)
    missing_reason(role, catalog.defaults, options.reason)
    confirm_first(engine, role, options, yes=args.yes)
    with command_deadline():
        return engine.assume(role, options, mfa=tty_prompt)


def serves_endpoint(args: argparse.Namespace, catalog: Catalog) -> bool:
    """Whether the child reads renewing credentials from a local endpoint (else it gets static keys)."""
    return not getattr(args, "static", False) and catalog.defaults.credentials != "static"
