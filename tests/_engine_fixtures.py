"""The sessions-engine fixtures (`sts`, `user`), loaded by test modules through `pytest_plugins`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from _engine_helpers import StsProxy, iam_user


@pytest.fixture
def sts(aws: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[StsProxy]:
    """moto behind a recording proxy; the environment's AWS_ENDPOINT_URL points at the proxy."""
    proxy = StsProxy(aws).start()
    monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
    try:
        yield proxy
    finally:
        proxy.stop()


@pytest.fixture
def user(sts: StsProxy, aws: str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """The base credentials are the IAM user deepak.dev's keys (in the environment)."""
    key_id, secret = iam_user(aws)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key_id)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret)
    return key_id, secret
