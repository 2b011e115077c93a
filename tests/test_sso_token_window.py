"""The Identity Center access token against the real clients: refreshed in botocore's window (15 minutes before it
ends, as botocore's SSOTokenProvider does on the same cache), and read in every `expiresAt` form they write."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import botocore.session
import pytest
from botocore.tokens import SSOTokenProvider, _sso_json_dumps
from botocore.utils import JSONFileCache

from roleui.aws.sso_login import start_sign_in, valid_token
from roleui.aws.sso_tokens import SsoToken, load_token, save_token, token_path
from roleui.core.clock import FrozenClock
from roleui.core.paths import sso_cache_dir
from roleui.core.sources.aws_config.profiles import SsoSession
from tests._sso_helpers import SSO_CONFIG, SSO_REGION, START_URL, browse, identity_center

ACME = SsoSession("acme", START_URL, SSO_REGION)


@pytest.fixture
def config(isolated_env: Path) -> Path:
    path = isolated_env / ".aws" / "config"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(SSO_CONFIG)
    return path


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
def signed_in(aws: str, monkeypatch: pytest.MonkeyPatch, config: Path, clock: FrozenClock) -> Iterator[SsoToken]:
    """Signed in to the local Identity Center (tokens live an hour) on the frozen clock."""
    with identity_center(aws, monkeypatch, clock=clock):
        yield start_sign_in(ACME, open_url=browse, clock=clock).wait()


def botocore_token(clock: FrozenClock) -> str:
    """The access token botocore's own SSOTokenProvider uses now (it refreshes on the shared cache as it sees fit)."""
    session = botocore.session.Session(profile="dev-admin")
    cache = JSONFileCache(str(sso_cache_dir()), dumps_func=_sso_json_dumps)
    provider = SSOTokenProvider(session, cache=cache, time_fetcher=clock, profile_name="dev-admin")
    return str(provider.load_token().get_frozen_token().token)


@pytest.mark.parametrize("minutes_left", [16, 14, 10])
def test_roleui_refreshes_exactly_when_botocore_does(
    signed_in: SsoToken, clock: FrozenClock, minutes_left: int
) -> None:
    clock.advance(3600 - minutes_left * 60)
    path = token_path("acme", START_URL)
    before = path.read_bytes()
    botocore_refreshed = botocore_token(clock) != signed_in.access_token
    path.write_bytes(before)  # the same cache again, for roleui
    token = valid_token(ACME, clock=clock)
    assert token is not None
    roleui_refreshed = token.access_token != signed_in.access_token
    assert roleui_refreshed == botocore_refreshed == (minutes_left < 15)
    if roleui_refreshed:
        assert load_token("acme", START_URL) == token  # saved: the aws CLI now finds a token it need not refresh
        assert botocore_token(clock) == token.access_token


def test_a_token_that_cannot_be_refreshed_is_used_while_it_lasts(config: Path, clock: FrozenClock) -> None:
    now = clock()
    save_token(SsoToken(START_URL, SSO_REGION, "legacy", now + timedelta(minutes=10)))  # no refresh token
    token = valid_token(SsoSession(None, START_URL, SSO_REGION), clock=clock)
    assert token is not None
    assert token.access_token == "legacy"
    clock.advance(10 * 60 - 30)
    assert valid_token(SsoSession(None, START_URL, SSO_REGION), clock=clock) is None  # 30 s left: sign in again


def test_an_expires_at_written_with_a_utc_suffix_by_older_cli_v2_is_read(config: Path, clock: FrozenClock) -> None:
    path = token_path("acme", START_URL)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(
            {
                "startUrl": START_URL,
                "region": SSO_REGION,
                "accessToken": "from-cli-v2",
                "expiresAt": "2099-12-02T10:00:00UTC",
                "clientId": "client",
                "clientSecret": "secret",
                "registrationExpiresAt": "2099-12-01T10:00:00UTC",
                "refreshToken": "refresh",
            }
        )
    )
    token = load_token("acme", START_URL)
    assert token is not None
    assert token.expires_at == datetime(2099, 12, 2, 10, tzinfo=UTC)
    assert token.registration_expires_at == datetime(2099, 12, 1, 10, tzinfo=UTC)
    assert valid_token(ACME, clock=clock) == token
    assert botocore_token(clock) == "from-cli-v2"  # botocore reads the same file the same way
