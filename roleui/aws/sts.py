"""The three STS calls roleui makes (GetCallerIdentity, GetSessionToken, AssumeRole), as plain functions.

Each takes an STS client (roleui/aws/clients.py: make_client), sends exactly the parameters it is given (None means "not sent") and returns
roleui's own types with expiry times in aware UTC. Failures are left to the caller, who knows what to say.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from roleui.core.frozen_record import FrozenRecord, record
from roleui.core.sessions.session import Credentials


@record
class Identity(FrozenRecord):
    """Who a set of credentials is (sts:GetCallerIdentity)."""

    account: str
    arn: str
    user_id: str

    def __init__(self, account: str, arn: str, user_id: str) -> None:
        self._init(account, arn, user_id)


def _credentials(data: dict[str, Any]) -> Credentials:
    expiration = data.get("Expiration")
    if isinstance(expiration, datetime):
        # botocore may hand back tzlocal(); everything in roleui compares in UTC.
        expiration = (expiration if expiration.tzinfo else expiration.replace(tzinfo=UTC)).astimezone(UTC)
    else:
        expiration = None
    return Credentials(
        access_key_id=data["AccessKeyId"],
        secret_access_key=data["SecretAccessKey"],
        session_token=data.get("SessionToken"),
        expiration=expiration,
    )


def caller_identity(sts: Any) -> Identity:
    reply = sts.get_caller_identity()
    return Identity(account=reply["Account"], arn=reply["Arn"], user_id=reply["UserId"])


def session_token(sts: Any, *, serial: str, code: str, duration: int) -> Credentials:
    """An MFA session: GetSessionToken with the device and one code."""
    reply = sts.get_session_token(SerialNumber=serial, TokenCode=code, DurationSeconds=duration)
    return _credentials(reply["Credentials"])


def assume_role(
    sts: Any,
    *,
    role_arn: str,
    session_name: str,
    duration: int,
    external_id: str | None = None,
    serial: str | None = None,
    code: str | None = None,
    tags: dict[str, str] | None = None,
    transitive_tag_keys: tuple[str, ...] = (),
    source_identity: str | None = None,
    policy_arns: tuple[str, ...] = (),
    policy: str | None = None,
) -> tuple[Credentials, str]:
    """AssumeRole; returns the credentials and the assumed-role ARN (`arn:aws:sts::ACCT:assumed-role/ROLE/NAME`)."""
    params: dict[str, Any] = {"RoleArn": role_arn, "RoleSessionName": session_name, "DurationSeconds": duration}
    if external_id is not None:
        params["ExternalId"] = external_id
    if serial is not None and code is not None:
        params["SerialNumber"] = serial
        params["TokenCode"] = code
    if tags:
        params["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
        if transitive_tag_keys:
            params["TransitiveTagKeys"] = list(transitive_tag_keys)
    if source_identity is not None:
        params["SourceIdentity"] = source_identity
    if policy_arns:
        params["PolicyArns"] = [{"arn": arn} for arn in policy_arns]
    if policy is not None:
        params["Policy"] = policy
    reply = sts.assume_role(**params)
    return _credentials(reply["Credentials"]), reply["AssumedRoleUser"]["Arn"]
