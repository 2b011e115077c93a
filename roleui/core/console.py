"""AWS console addresses: the switch-role link of a role, and the console home a federated sign-in lands on.

The sign-in and console hosts depend on the partition (aws, aws-us-gov, aws-cn). The switch-role link takes
`account`, `roleName` (path included), `displayName` (the console keeps 64 characters) and `color` (only the
console palette shows; anything else would be blank, so it is left out).

A permission set of IAM Identity Center has no switch-role: its link is the portal's shortcut link
`<start URL>/#/console?account_id=...&role_name=...[&destination=...]`, which signs in through the portal.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from roleui.core.colors import console_color
from roleui.core.models import Role

SIGNIN_HOSTS = {
    "aws": "signin.aws.amazon.com",
    "aws-us-gov": "signin.amazonaws-us-gov.com",
    "aws-cn": "signin.amazonaws.cn",
}
MAX_DISPLAY_NAME = 64


def signin_host(partition: str) -> str:
    return SIGNIN_HOSTS.get(partition, SIGNIN_HOSTS["aws"])


def partition_of(arn: str) -> str:
    """`aws-us-gov` for `arn:aws-us-gov:...`."""
    parts = arn.split(":", 2)
    return parts[1] if len(parts) > 2 and parts[1] else "aws"


def switch_role_url(role: Role, *, display_name: str | None = None) -> str:
    """The console's switch-role link for `role` (display name defaults to `account/Role`, cut to 64)."""
    params = {
        "account": role.account.id,
        "roleName": role.path_and_name,
        "displayName": (display_name or role.key)[:MAX_DISPLAY_NAME],
    }
    color = role.effective_color()
    hex_ = console_color(color) if color else None
    if hex_:
        params["color"] = hex_
    query = urlencode(params, quote_via=quote, safe="/")
    return f"https://{signin_host(role.account.partition)}/switchrole?{query}"


def identity_center_url(role: Role, *, destination: str | None = None) -> str:
    """The AWS access portal's shortcut link into the console as the permission set `role` (AWS documents it as
    "shortcut links": account_id, role_name, and an optional URL-encoded destination)."""
    assert role.sso_start_url is not None, "a permission set"
    params = {"account_id": role.account.id, "role_name": role.name}
    if destination:
        params["destination"] = destination
    return f"{role.sso_start_url.rstrip('/')}/#/console?{urlencode(params, quote_via=quote, safe='')}"


def console_link(role: Role, *, display_name: str | None = None, destination: str | None = None) -> str:
    """The link `c` and `roleui console-url` give without assuming: the portal shortcut of a permission set, else
    the switch-role link (which has no destination)."""
    if role.is_permission_set:
        return identity_center_url(role, destination=destination)
    return switch_role_url(role, display_name=display_name)


def console_home_url(partition: str, region: str | None) -> str:
    """Where a federated sign-in lands by default: the console home of the session's region."""
    if partition == "aws-us-gov":
        base = "https://console.amazonaws-us-gov.com/console/home"
    elif partition == "aws-cn":
        base = "https://console.amazonaws.cn/console/home"
    else:
        base = (
            f"https://{region}.console.aws.amazon.com/console/home"
            if region
            else "https://console.aws.amazon.com/console/home"
        )
    return f"{base}?region={quote(region)}" if region else base
