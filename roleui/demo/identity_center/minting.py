"""Credentials for a permission set, minted by the local AWS (moto) so that they work everywhere.

Identity Center provisions a role `AWSReservedSSO_<PermissionSet>_<16 hex>` under the path
`/aws-reserved/sso.amazonaws.com/` in each account a permission set is assigned in, and GetRoleCredentials is a
session of that role named after the user. Here: the role is created in the account on first use (through
moto's `x-moto-account-id` header), then assumed through moto's STS, so `aws sts get-caller-identity` with the
credentials answers `assumed-role/AWSReservedSSO_<PermissionSet>_<hex>/<user>` in that account.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
from typing import Any

from roleui.core.models import PERMISSION_SET_PATH

_KEY_ID = "AKIADEMOSSOMINTER000"  # moto takes any key; the header decides the account
_SECRET = "demo-sso-minter-not-a-secret"  # noqa: S105 - a placeholder moto accepts
_REGION = "us-east-1"
_TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": "arn:aws:iam::{account}:saml-provider/AWSSSO_demo_DO_NOT_DELETE"},
                "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"],
                "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}},
            }
        ],
    }
)


def reserved_role_name(permission_set: str, instance: str = "demo") -> str:
    """`AWSReservedSSO_<name>_<16 hex>`: the suffix depends on the permission set, the same in every account."""
    return f"AWSReservedSSO_{permission_set}_{hashlib.sha256(f'{instance}/{permission_set}'.encode()).hexdigest()[:16]}"


class MotoMinter:
    """A `Minter` (see directory.py) on the moto server at `endpoint_url`."""

    def __init__(self, endpoint_url: str) -> None:
        import boto3

        session = boto3.session.Session(aws_access_key_id=_KEY_ID, aws_secret_access_key=_SECRET, region_name=_REGION)
        self._iam = session.client("iam", endpoint_url=endpoint_url)
        self._sts = session.client("sts", endpoint_url=endpoint_url)
        self._iam.meta.events.register("before-sign", self._stamp)
        self._local = threading.local()
        self._made: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def _stamp(self, request: Any, **_: Any) -> None:
        request.headers["x-moto-account-id"] = self._local.account

    def __call__(self, account_id: str, permission_set: str, user: str, seconds: int) -> dict[str, Any]:
        name = reserved_role_name(permission_set)
        with self._lock:  # boto3 clients are thread-safe, the account header per call is not: one at a time
            if (account_id, permission_set) not in self._made:
                self._local.account = account_id
                with contextlib.suppress(self._iam.exceptions.EntityAlreadyExistsException):
                    self._iam.create_role(
                        RoleName=name,
                        Path=PERMISSION_SET_PATH,
                        AssumeRolePolicyDocument=_TRUST.replace("{account}", account_id),
                        Description=f"Permission set {permission_set} (IAM Identity Center)",
                        MaxSessionDuration=max(3600, seconds),
                    )
                self._made.add((account_id, permission_set))
        answer = self._sts.assume_role(
            RoleArn=f"arn:aws:iam::{account_id}:role{PERMISSION_SET_PATH}{name}",
            RoleSessionName=user,
            DurationSeconds=seconds,
        )
        credentials = answer["Credentials"]
        return {
            "accessKeyId": credentials["AccessKeyId"],
            "secretAccessKey": credentials["SecretAccessKey"],
            "sessionToken": credentials["SessionToken"],
            "expiration": int(credentials["Expiration"].timestamp() * 1000),
        }
