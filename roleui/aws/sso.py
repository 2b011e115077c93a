"""The Identity Center portal (`sso`): credentials of a permission set, and signing out.

Both calls take the access token of a sign-in (roleui/aws/sso_login.py), sent by botocore as the
`x-amz-sso_bearer_token` header; the client is unsigned (AWS_ENDPOINT_URL_SSO points it elsewhere).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from roleui.core.sessions.session import Credentials


def portal_client(region: str) -> Any:
    """botocore's `sso` client for `region` with roleui's timeouts and retries, unsigned."""
    from botocore import UNSIGNED
    from botocore.config import Config

    from roleui.aws.clients import client_config, lean_session

    config = client_config(region).merge(Config(signature_version=UNSIGNED))
    return lean_session().create_client("sso", region_name=region, config=config)


def role_credentials(client: Any, *, access_token: str, account_id: str, permission_set: str) -> Credentials:
    """sso:GetRoleCredentials: the temporary credentials of `permission_set` in `account_id`."""
    answer = client.get_role_credentials(roleName=permission_set, accountId=account_id, accessToken=access_token)
    found = answer["roleCredentials"]
    return Credentials(
        access_key_id=found["accessKeyId"],
        secret_access_key=found["secretAccessKey"],
        session_token=found["sessionToken"],
        expiration=datetime.fromtimestamp(int(found["expiration"]) / 1000, UTC),
    )


def logout(client: Any, access_token: str) -> None:
    """sso:Logout: ends the portal session of this token (other tokens of the user are not affected)."""
    client.logout(accessToken=access_token)
