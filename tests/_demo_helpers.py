"""Helpers for the demo tests: boto3 clients on the local AWS, as an account (moto's header) or with given keys."""

from __future__ import annotations

from typing import Any

from roleui.demo.story import REGION
from roleui.demo.world import BaseKeys


def as_account(service: str, account_id: str, endpoint_url: str) -> Any:
    """A client whose every request lands in `account_id` (moto's x-moto-account-id header), like an admin there."""
    import boto3

    client: Any = boto3.session.Session().client(
        service,  # type: ignore[call-overload]
        endpoint_url=endpoint_url,
        region_name=REGION,
        aws_access_key_id="AKIATESTADMINEXAMPLE",
        aws_secret_access_key="test-admin",
    )

    def stamp(request: Any, **_: Any) -> None:
        request.headers["x-moto-account-id"] = account_id

    client.meta.events.register("before-sign", stamp)
    return client


def with_keys(service: str, endpoint_url: str, keys: BaseKeys | dict[str, str]) -> Any:
    """A client signing with deepak.dev's keys (BaseKeys) or with STS `Credentials` of an assumed role."""
    import boto3

    if isinstance(keys, BaseKeys):
        key_id, secret, token = keys.access_key_id, keys.secret_access_key, None
    else:
        key_id, secret, token = keys["AccessKeyId"], keys["SecretAccessKey"], keys["SessionToken"]
    client: Any = boto3.session.Session().client(
        service,  # type: ignore[call-overload]
        endpoint_url=endpoint_url,
        region_name=REGION,
        aws_access_key_id=key_id,
        aws_secret_access_key=secret,
        aws_session_token=token,
    )
    return client
