"""`roleui logout [SSO_SESSION | START_URL]` / `roleui logout --all`: end an IAM Identity Center sign-in.

The portal's Logout ends the session on AWS's side, then the token file is deleted from the shared cache (so
`aws` is signed out too, as with `aws sso logout`), and so are the permission-set sessions roleui cached with that
sign-in (as `aws sso logout` deletes the credentials it cached with SSO). Roles assumed from a permission set are
STS sessions of their own and run their course, as the aws CLI's cached ones do.
--all does that for every token in the cache.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from roleui.core.errors import EXIT_OK, UsageError

if TYPE_CHECKING:
    from roleui.aws.sso_tokens import SsoToken


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "logout",
        help="sign out of IAM Identity Center (one sso-session, or --all)",
        description="End the IAM Identity Center sign-in of an sso-session or start URL, or with --all every one.",
    )
    parser.add_argument("target", nargs="?", metavar="SSO_SESSION|START_URL", help="default: the only sso-session")
    parser.add_argument("--all", action="store_true", help="every sign-in in the token cache")
    parser.add_argument("--region", metavar="REGION", help="the Identity Center region, for a start URL")


def run(args: argparse.Namespace) -> int:
    from roleui.aws.sso_tokens import cached_tokens, delete_token, load_token

    if args.all and args.target is not None:
        raise UsageError("name one SSO_SESSION or pass --all, not both")
    if args.all:
        tokens = cached_tokens()
        for path, cached in tokens:
            _portal_logout(cached)
            path.unlink(missing_ok=True)
        print(f"signed out of {len(tokens)} Identity Center session{'s' if len(tokens) != 1 else ''}{_forget(None)}")
        return EXIT_OK
    from roleui.aws.sources import read_aws_config
    from roleui.core.paths import aws_config_path
    from roleui.core.sources.aws_config.profiles import legacy_sso_sessions, sign_in_target, sso_sessions_from_config

    path = aws_config_path()
    profiles, sections, lines, _ = read_aws_config(path)
    sessions, _ = sso_sessions_from_config(sections, file=str(path), lines=lines)
    target = sign_in_target(
        args.target, sessions, legacy_sso_sessions(profiles), region=args.region, doing="sign out of"
    )
    label = f"sso-session {target.name}" if target.name else target.start_url
    token = load_token(target.name, target.start_url)
    if token is None:
        print(f"not signed in to {label}{_forget(target.start_url)}")
        return EXIT_OK
    _portal_logout(token)
    delete_token(target.name, target.start_url)
    print(f"signed out of {label}{_forget(target.start_url)}")
    return EXIT_OK


def _forget(start_url: str | None) -> str:
    """Forget the cached permission-set sessions of the portal (None: of every portal); what to add to the line."""
    from roleui.core.sessions.credcache import CredentialCache

    count = CredentialCache().forget_signed_in(start_url)
    return f"; {count} cached session{'s' if count != 1 else ''} forgotten" if count else ""


def _portal_logout(token: SsoToken) -> None:
    """The portal's Logout; a failure (expired token, no network) still lets the local sign-out happen."""
    from botocore.exceptions import BotoCoreError, ClientError

    from roleui.aws.sso import logout, portal_client
    from roleui.commands.session_args import warn

    try:
        logout(portal_client(token.region), token.access_token)
    except (BotoCoreError, ClientError) as error:
        warn(f"the portal's Logout failed ({type(error).__name__}); the local sign-in is deleted anyway")
