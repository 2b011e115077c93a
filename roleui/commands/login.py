"""`roleui login [SSO_SESSION | START_URL] [--device-code] [--region R] [--no-browser] [--force]`: sign in to IAM
Identity Center, into the token cache AWS CLI v2 and botocore share (so `aws` and every SDK see the sign-in).

A valid cached sign-in is kept, and an expired one is refreshed with its refresh token first; only then is the
user asked (--force asks anyway). The default flow is the authorization code with PKCE (a loopback redirect, as
AWS CLI v2 does); --device-code shows a URL and a code to confirm, for a browser on another machine.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime

from roleui.core.errors import EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "login",
        help="sign in to IAM Identity Center (shared with the AWS CLI v2 token cache)",
        description="Sign in to the IAM Identity Center of an [sso-session] of the AWS config file, or a start URL.",
    )
    parser.add_argument("target", nargs="?", metavar="SSO_SESSION|START_URL", help="default: the only sso-session")
    parser.add_argument("--device-code", action="store_true", help="the device flow: a URL and a code to confirm")
    parser.add_argument("--region", metavar="REGION", help="the Identity Center region, for a start URL")
    parser.add_argument("--no-browser", action="store_true", help="only print the URL, do not open a browser")
    parser.add_argument("--force", action="store_true", help="sign in again even when the sign-in is still valid")


def run(args: argparse.Namespace) -> int:
    from roleui.aws.sources import read_aws_config
    from roleui.aws.sso_login import open_in_browser, start_sign_in, valid_token
    from roleui.core.paths import aws_config_path
    from roleui.core.sources.aws_config.profiles import legacy_sso_sessions, sign_in_target, sso_sessions_from_config

    _warn_if_aws_dir_is_loose()
    path = aws_config_path()
    profiles, sections, lines, _ = read_aws_config(path)
    sessions, _ = sso_sessions_from_config(sections, file=str(path), lines=lines)
    target = sign_in_target(args.target, sessions, legacy_sso_sessions(profiles), region=args.region)
    label = f"sso-session {target.name}" if target.name else target.start_url
    if not args.force:
        token = valid_token(target)
        if token is not None:
            print(f"signed in to {label} until {_local(token.expires_at)}")
            return EXIT_OK
    pending = start_sign_in(target, device_code=args.device_code, open_url=None if args.no_browser else open_in_browser)
    opened = "a browser was opened at" if pending.browser_opened else "open"
    # The URL and the code come from the network: printed without any control character.
    print(f"roleui: sign in to {label}: {opened} {_printable(pending.url)}", file=sys.stderr)
    if pending.user_code:
        print(f"roleui: and check that the page shows the code {_printable(pending.user_code)}", file=sys.stderr)
    token = pending.wait()
    print(f"signed in to {label} until {_local(token.expires_at)}")
    return EXIT_OK


def _warn_if_aws_dir_is_loose() -> None:
    """~/.aws made loose by another tool: one line, not a silent chmod (roleui did not make it)."""
    from roleui.core.aws_files_audit import loose_aws_dir
    from roleui.core.text import terminal_safe

    found = loose_aws_dir()
    if found is not None:
        path, problem, fix = found
        print(
            f"roleui: warning: {terminal_safe(str(path))} {problem}: another local user could change your AWS config "
            f"— fix with `{terminal_safe(fix)}` (see `roleui doctor`)",
            file=sys.stderr,
        )


def _printable(text: str) -> str:
    return "".join(c if c.isprintable() else "?" for c in text)


def _local(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M %Z")
