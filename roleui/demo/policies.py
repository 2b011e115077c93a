"""The trust and permission policies of the demo's roles, written as the AWS AssumeRole guide describes them.

The local AWS stores them but does not enforce trust policies, ExternalId or MFA conditions; they are here so
`aws iam get-role` inside the demo shows what a real setup needs.
"""

from __future__ import annotations

import json
from typing import Any

from roleui.demo.story import (
    ADMIN_ROLE,
    BUCKET,
    EXTERNAL_ID,
    MAIN_USER_ARN,
    PRODUCTION_ID,
    S3_READ_ROLE,
    SHARED_DATA_ID,
    USER_ARN,
    role_arn,
)

Document = dict[str, Any]
VERSION = "2012-10-17"


def as_json(document: Document) -> str:
    return json.dumps(document, indent=2)


def _trust(principal: str, condition: dict[str, Any] | None = None, *, actions: tuple[str, ...] = ()) -> Document:
    action: str | list[str] = ["sts:AssumeRole", *actions] if actions else "sts:AssumeRole"
    statement: Document = {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": action}
    if condition:
        statement["Condition"] = condition
    return {"Version": VERSION, "Statement": [statement]}


def s3_read_trust() -> Document:
    """Account B trusts account A's developer, only with the agreed ExternalId (the confused-deputy guard).

    Session tags and a source identity need their own actions in the trust policy.
    """
    return _trust(
        USER_ARN,
        {"StringEquals": {"sts:ExternalId": EXTERNAL_ID}},
        actions=("sts:TagSession", "sts:SetSourceIdentity"),
    )


def s3_read_permissions() -> Document:
    """List the bucket and read its objects; nothing else."""
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Sid": "ListTheBucket",
                "Effect": "Allow",
                "Action": "s3:ListBucket",
                "Resource": f"arn:aws:s3:::{BUCKET}",
            },
            {"Sid": "ReadObjects", "Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/*"},
        ],
    }


def admin_trust() -> Document:
    """Admin in the main account, for deepak.dev of that account, only with a recent MFA sign-in."""
    return _trust(
        MAIN_USER_ARN,
        {"Bool": {"aws:MultiFactorAuthPresent": "true"}, "NumericLessThan": {"aws:MultiFactorAuthAge": "43200"}},
    )


def admin_permissions() -> Document:
    return {"Version": VERSION, "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def support_trust() -> Document:
    """Production support is reached only from AdminAccessRole (role chaining: that session is capped at 1 h)."""
    return _trust(role_arn(PRODUCTION_ID, ADMIN_ROLE))


def support_permissions() -> Document:
    """Read-only logs and metrics."""
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Sid": "ReadLogs",
                "Effect": "Allow",
                "Action": ["logs:Describe*", "logs:Get*", "logs:FilterLogEvents", "logs:StartQuery", "logs:StopQuery"],
                "Resource": "*",
            },
            {
                "Sid": "ReadMetrics",
                "Effect": "Allow",
                "Action": ["cloudwatch:Describe*", "cloudwatch:Get*", "cloudwatch:List*"],
                "Resource": "*",
            },
        ],
    }


def developer_permissions() -> Document:
    """deepak.dev in the tooling account: the cross-account role, the organization's roles, reading the org."""
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Sid": "AssumeCrossAccountRoles",
                "Effect": "Allow",
                "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
                "Resource": [
                    role_arn(SHARED_DATA_ID, S3_READ_ROLE),
                    "arn:aws:iam::*:role/OrganizationAccountAccessRole",
                    "arn:aws:iam::*:role/ReadOnly",
                ],
            },
            {
                "Sid": "ReadTheOrganization",
                "Effect": "Allow",
                "Action": ["organizations:Describe*", "organizations:List*"],
                "Resource": "*",
            },
        ],
    }


def main_user_permissions() -> Document:
    """deepak.dev in the main account: open an MFA session, then switch to AdminAccessRole with it."""
    return {
        "Version": VERSION,
        "Statement": [
            {"Sid": "OpenMfaSessions", "Effect": "Allow", "Action": "sts:GetSessionToken", "Resource": "*"},
            {
                "Sid": "SwitchToAdminWithMfa",
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Resource": role_arn(PRODUCTION_ID, ADMIN_ROLE),
                "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
            },
        ],
    }


def organization_role_trust(management_account_id: str) -> Document:
    """What Organizations puts on the roles it creates in member accounts: the management account may enter."""
    return _trust(f"arn:aws:iam::{management_account_id}:root")


def read_only_permissions() -> Document:
    return {
        "Version": VERSION,
        "Statement": [{"Effect": "Allow", "Action": ["*:Describe*", "*:Get*", "*:List*"], "Resource": "*"}],
    }
