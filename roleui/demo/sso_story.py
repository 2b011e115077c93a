"""The demo's IAM Identity Center: deepak.dev's assignments, the AWS config that names them, and his sign-in.

deepak.dev is assigned `AdministratorAccess` in the dev accounts (the team dev accounts and the sandboxes) and
`ReadOnlyAccess` in every active account. The demo's ~/.aws/config gets `[sso-session demo]` and two SSO profiles
(the zero-config path), and the demo signs him in at start through the real PKCE flow, with a stand-in browser
that is already signed in to the portal — `roleui logout` then `roleui login` in the demo does it all again.
"""

from __future__ import annotations

import urllib.request
from datetime import datetime

from roleui.core.sources.identity_center.model import IcAccount, IcSnapshot
from roleui.demo.identity_center import Assignment
from roleui.demo.organization import AccountPlan
from roleui.demo.story import REGION

SSO_SESSION = "demo"
ADMIN_SET = "AdministratorAccess"
READ_SET = "ReadOnlyAccess"
ADMIN_PROFILE = "sso-dev-admin"
READ_PROFILE = "sso-main-readonly"


def assignments(plans: list[AccountPlan]) -> list[Assignment]:
    """AdministratorAccess where the environment is dev (sandboxes included), ReadOnlyAccess in every active one."""
    return [
        Assignment(
            plan.id,
            plan.name,
            plan.email,
            (ADMIN_SET, READ_SET) if plan.tags.get("environment") == "dev" else (READ_SET,),
        )
        for plan in plans
        if not plan.suspended
    ]


def start_url(identity_center_url: str) -> str:
    return f"{identity_center_url}/start"


def config_text(identity_center_url: str, dev_account: str, main_account: str) -> str:
    """The `[sso-session demo]` section and two SSO profiles for the demo's AWS config file."""
    return (
        f"\n[sso-session {SSO_SESSION}]\n"
        f"sso_start_url = {start_url(identity_center_url)}\n"
        f"sso_region = {REGION}\n"
        "sso_registration_scopes = sso:account:access\n"
        f"\n[profile {ADMIN_PROFILE}]\n"
        f"sso_session = {SSO_SESSION}\n"
        f"sso_account_id = {dev_account}\n"
        f"sso_role_name = {ADMIN_SET}\n"
        f"region = {REGION}\n"
        f"\n[profile {READ_PROFILE}]\n"
        f"sso_session = {SSO_SESSION}\n"
        f"sso_account_id = {main_account}\n"
        f"sso_role_name = {READ_SET}\n"
        f"region = {REGION}\n"
    )


def signed_in_browser(url: str) -> bool:
    """A browser already signed in to the local portal: it follows the authorize redirect to roleui's loopback."""
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - the demo's loopback servers
        response.read()
    return True


def sign_in(identity_center_url: str) -> None:
    """deepak.dev signs in to the sso-session `demo` (the token lands in the demo's ~/.aws/sso/cache)."""
    from roleui.aws.sso_login import start_sign_in
    from roleui.core.sources.aws_config.profiles import SsoSession

    target = SsoSession(SSO_SESSION, start_url(identity_center_url), REGION)
    start_sign_in(target, open_url=signed_in_browser).wait()


def snapshot_of(identity_center_url: str, assigned: list[Assignment], now: datetime) -> IcSnapshot:
    """The assignments as a discovery would find them: for a big demo, whose discovery would take minutes."""
    accounts = tuple(IcAccount(a.account_id, a.account_name, a.email, a.permission_sets) for a in assigned)
    return IcSnapshot(SSO_SESSION, start_url(identity_center_url), REGION, now, accounts)
