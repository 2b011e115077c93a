"""Seed the local AWS with the guide's story: the developer and his key, the shared bucket, the roles, the org.

IAM, S3 and CloudWatch Logs are seeded through boto3 against the in-process moto server, each call stamped with
moto's `x-moto-account-id` header so it lands in the right account. moto then ties each access key to the account
its user was created in: `aws sts get-caller-identity` with the base keys answers
`arn:aws:iam::111111111111:user/deepak.dev`.
The organization is seeded in-process (see organization.py), which is what makes 10,000 accounts quick.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from roleui.demo import policies
from roleui.demo.organization import DEFAULT_ACCOUNTS, OrgSummary, seed_organization
from roleui.demo.story import (
    ADMIN_ROLE,
    BUCKET,
    BUCKET_OBJECTS,
    LOG_GROUPS,
    MFA_SERIAL,
    PRODUCTION_ID,
    REGION,
    S3_READ_ROLE,
    SHARED_DATA_ID,
    SUPPORT_PATH,
    SUPPORT_ROLE,
    TOOLING_ID,
    USER_NAME,
)

if TYPE_CHECKING:
    from mypy_boto3_iam import IAMClient
    from mypy_boto3_s3 import S3Client

# The seeding calls carry the account in a header; these keys only have to look like keys.
_SEED_KEY_ID = "AKIADEMOSEEDEXAMPLE0"
_SEED_SECRET = "demo-seed-secret-not-a-real-key"  # noqa: S105 - a placeholder moto accepts, not a secret


@dataclass(frozen=True, slots=True)
class BaseKeys:
    """deepak.dev's access key: the demo's base credentials."""

    access_key_id: str
    secret_access_key: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class World:
    """What the demo seeded: deepak.dev's keys in the tooling account (the base credentials) and in the main
    account (profile `main`, for AdminAccessRole), and a summary of the organization."""

    keys: BaseKeys
    main_keys: BaseKeys
    organization: OrgSummary


class _Seeder:
    """boto3 clients on the local AWS whose requests go to `self.account` (moto's x-moto-account-id header)."""

    def __init__(self, endpoint_url: str) -> None:
        import boto3

        session = boto3.session.Session(
            aws_access_key_id=_SEED_KEY_ID, aws_secret_access_key=_SEED_SECRET, region_name=REGION
        )
        self.account = TOOLING_ID
        self.iam: IAMClient = session.client("iam", endpoint_url=endpoint_url)
        self.s3: S3Client = session.client("s3", endpoint_url=endpoint_url)
        self.logs: Any = session.client("logs", endpoint_url=endpoint_url)
        for client in (self.iam, self.s3, self.logs):
            client.meta.events.register("before-sign", self._stamp)

    def _stamp(self, request: Any, **_: Any) -> None:
        request.headers["x-moto-account-id"] = self.account

    @contextmanager
    def account_of(self, account_id: str) -> Iterator[None]:
        self.account = account_id
        yield

    def role(
        self, name: str, trust: policies.Document, permissions: policies.Document, description: str, path: str = "/"
    ) -> None:
        self.iam.create_role(
            RoleName=name,
            Path=path,
            AssumeRolePolicyDocument=policies.as_json(trust),
            Description=description,
            MaxSessionDuration=3600,
        )
        self.iam.put_role_policy(
            RoleName=name, PolicyName=f"{name}Policy", PolicyDocument=policies.as_json(permissions)
        )


def seed_world(endpoint_url: str, *, accounts: int = DEFAULT_ACCOUNTS) -> World:
    """Seed the whole demo world on the moto server at `endpoint_url` (running in this process)."""
    organization = seed_organization(accounts)
    keys, main_keys = seed_story(endpoint_url)
    return World(keys=keys, main_keys=main_keys, organization=organization)


def seed_story(endpoint_url: str) -> tuple[BaseKeys, BaseKeys]:
    """The guide's users, MFA device, roles, bucket and log groups; returns deepak.dev's keys (tooling, main)."""
    seeder = _Seeder(endpoint_url)
    with seeder.account_of(TOOLING_ID):
        keys = _seed_user(seeder.iam, "AssumeCrossAccountRoles", policies.developer_permissions())
    with seeder.account_of(SHARED_DATA_ID):
        seeder.role(
            S3_READ_ROLE,
            policies.s3_read_trust(),
            policies.s3_read_permissions(),
            f"Read-only on s3://{BUCKET} for the tooling account",
        )
        _seed_bucket(seeder.s3)
    with seeder.account_of(PRODUCTION_ID):
        main_keys = _seed_user(seeder.iam, "SwitchToAdminWithMfa", policies.main_user_permissions())
        _seed_mfa_device(seeder.iam)
        seeder.role(ADMIN_ROLE, policies.admin_trust(), policies.admin_permissions(), "Administrator access; MFA")
        seeder.role(
            SUPPORT_ROLE,
            policies.support_trust(),
            policies.support_permissions(),
            "Read-only logs and metrics, reached from AdminAccessRole",
            path=SUPPORT_PATH,
        )
        _seed_logs(seeder.logs)
    return keys, main_keys


def _seed_user(iam: IAMClient, policy_name: str, policy: policies.Document) -> BaseKeys:
    iam.create_user(UserName=USER_NAME, Tags=[{"Key": "team", "Value": "platform"}])
    iam.put_user_policy(UserName=USER_NAME, PolicyName=policy_name, PolicyDocument=policies.as_json(policy))
    key = iam.create_access_key(UserName=USER_NAME)["AccessKey"]
    return BaseKeys(access_key_id=key["AccessKeyId"], secret_access_key=key["SecretAccessKey"])


def _seed_mfa_device(iam: IAMClient) -> None:
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName=USER_NAME)["VirtualMFADevice"]
    assert device["SerialNumber"] == MFA_SERIAL, device["SerialNumber"]
    # Two consecutive codes enable a device; the local AWS accepts any.
    iam.enable_mfa_device(
        UserName=USER_NAME, SerialNumber=MFA_SERIAL, AuthenticationCode1="123456", AuthenticationCode2="654321"
    )


def _seed_bucket(s3: S3Client) -> None:
    s3.create_bucket(Bucket=BUCKET)
    for key, body in BUCKET_OBJECTS.items():
        s3.put_object(Bucket=BUCKET, Key=key, Body=body.encode())


def _seed_logs(logs: Any) -> None:
    now_ms = int(time.time() * 1000)
    for group in LOG_GROUPS:
        logs.create_log_group(logGroupName=group)
        logs.create_log_stream(logGroupName=group, logStreamName="i-0demo")
        logs.put_log_events(
            logGroupName=group,
            logStreamName="i-0demo",
            logEvents=[
                {"timestamp": now_ms - 2000, "message": "INFO started"},
                {"timestamp": now_ms - 1000, "message": "WARN slow response from payments (812 ms)"},
                {"timestamp": now_ms, "message": "INFO healthy"},
            ],
        )
