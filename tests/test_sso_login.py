"""`roleui login` / `logout` and the sign-in flows against the local Identity Center: the token lands in the cache
AWS CLI v2 and botocore share, and the real aws CLI (v1, botocore's SSO provider) signs in with it."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from roleui.aws.sso_login import start_sign_in, valid_token
from roleui.aws.sso_tokens import SsoToken, load_token, save_token, token_path
from roleui.core.clock import FrozenClock
from roleui.core.errors import RoleuiError
from roleui.core.sources.aws_config.profiles import SsoSession
from roleui.demo.identity_center import Lifetimes
from tests._engine_helpers import roleui
from tests._sso_helpers import (
    DEV_ID,
    FOLLOWING_BROWSER,
    SSO_CONFIG,
    SSO_REGION,
    START_URL,
    USER,
    LocalIdentityCenter,
    browse,
    identity_center,
    local_identity_center,
)

ACME = SsoSession("acme", START_URL, SSO_REGION)
# A "browser" for child processes: fetches the URL (following the redirect to roleui's loopback), like a person
# who is already signed in to the portal and clicks Allow.
BROWSER = FOLLOWING_BROWSER


@pytest.fixture
def center(aws: str, monkeypatch: pytest.MonkeyPatch, isolated_env: Path) -> Iterator[LocalIdentityCenter]:
    config = isolated_env / ".aws" / "config"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(SSO_CONFIG)
    yield from local_identity_center(aws, monkeypatch)


class CountingEvent(threading.Event):
    """A cancel event whose waits return at once and are recorded (the poll intervals), running `on_wait` first."""

    def __init__(self, on_wait: object = None) -> None:
        super().__init__()
        self.waits: list[float] = []
        self.on_wait = on_wait

    def wait(self, timeout: float | None = None) -> bool:
        self.waits.append(timeout or 0)
        if callable(self.on_wait):
            self.on_wait(len(self.waits))
        return False


def test_a_pkce_sign_in_writes_the_shared_token_cache(center: LocalIdentityCenter, isolated_env: Path) -> None:
    opened: list[str] = []

    def browser(url: str) -> bool:
        opened.append(url)
        return browse(url)

    pending = start_sign_in(ACME, open_url=browser)
    token = pending.wait()
    assert pending.user_code is None
    assert pending.browser_opened
    assert "code_challenge=" in opened[0]
    assert "code_verifier" not in opened[0]
    path = isolated_env / ".aws" / "sso" / "cache" / f"{hashlib.sha1(b'acme').hexdigest()}.json"
    assert token_path("acme", START_URL) == path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = json.loads(path.read_text())
    assert set(data) == {
        "startUrl",
        "region",
        "accessToken",
        "expiresAt",
        "clientId",
        "clientSecret",
        "registrationExpiresAt",
        "refreshToken",
    }
    assert data["startUrl"] == START_URL
    assert data["region"] == SSO_REGION
    assert data["expiresAt"].endswith("Z")
    assert center.directory.is_signed_in(token.access_token)


def test_the_device_flow_polls_at_the_interval_and_slows_down_when_asked(
    aws: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FrozenClock(datetime(2026, 1, 1, tzinfo=UTC))  # the server sees every poll at the same instant
    with identity_center(aws, monkeypatch, clock=clock, lifetimes=Lifetimes(poll_interval=2)) as center:
        pending = start_sign_in(ACME, device_code=True, open_url=None)
        assert pending.user_code is not None
        assert pending.user_code in pending.url

        def approve_on_third(count: int) -> None:
            if count == 3:
                center.directory.approve(str(pending.user_code))

        cancel = CountingEvent(approve_on_third)
        token = pending.wait(cancel)
        # 2 s, then pending; 2 s again is too fast for the server: slow_down, so 7 s; then approved.
        assert cancel.waits == [2, 2, 7]
        assert load_token("acme", START_URL) == token


def test_a_device_code_left_unapproved_expires_with_a_hint(aws: str, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = FrozenClock(datetime(2026, 1, 1, tzinfo=UTC))
    with identity_center(aws, monkeypatch, clock=clock, lifetimes=Lifetimes(device_code=60)):
        pending = start_sign_in(ACME, device_code=True, open_url=None, clock=clock)
        with pytest.raises(RoleuiError) as info:
            pending.wait(CountingEvent(lambda _: clock.advance(30)))
        assert info.value.exit_code == 4
        assert "roleui login acme" in str(info.value)


def test_a_cancelled_sign_in_stops_waiting(center: LocalIdentityCenter) -> None:
    pending = start_sign_in(ACME, open_url=None)
    cancelled = threading.Event()
    cancelled.set()
    with pytest.raises(RoleuiError, match="cancelled"):
        pending.wait(cancelled)


def test_an_expired_token_is_refreshed_with_its_refresh_token(aws: str, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = FrozenClock(datetime.now(UTC))
    with identity_center(aws, monkeypatch, clock=clock) as center:
        first = start_sign_in(ACME, open_url=browse, clock=clock).wait()
        clock.advance(3600 + 1)
        assert not center.directory.is_signed_in(first.access_token)
        again = valid_token(ACME, clock=clock)
        assert again is not None
        assert again.access_token != first.access_token
        assert center.directory.is_signed_in(again.access_token)
        assert load_token("acme", START_URL) == again  # saved for the next process (and for aws)


def test_a_token_without_a_refresh_token_is_not_valid_once_expired(isolated_env: Path) -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    save_token(SsoToken(START_URL, SSO_REGION, "old", now - timedelta(minutes=1)))
    assert valid_token(SsoSession(None, START_URL, SSO_REGION), clock=lambda: now) is None


def test_the_aws_cli_uses_the_sign_in_of_roleui_login(center: LocalIdentityCenter) -> None:
    done = roleui("login", "acme", env={"BROWSER": BROWSER})
    assert done.returncode == 0, done.stderr
    assert "signed in to sso-session acme until" in done.stdout
    assert "code_verifier" not in done.stderr
    aws = Path(sys.executable).parent / "aws"
    import subprocess

    answer = subprocess.run(
        [str(aws), "sts", "get-caller-identity", "--profile", "dev-admin", "--output", "json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={k: v for k, v in os.environ.items() if k not in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")},
    )
    assert answer.returncode == 0, answer.stderr
    arn = json.loads(answer.stdout)["Arn"]
    assert arn.startswith(f"arn:aws:sts::{DEV_ID}:assumed-role/AWSReservedSSO_AdministratorAccess_")
    assert arn.endswith(f"/{USER}")


def test_login_keeps_a_valid_sign_in_and_logout_ends_it(center: LocalIdentityCenter) -> None:
    token = start_sign_in(ACME, open_url=browse).wait()
    again = roleui("login")  # the only sso-session; no browser needed: still valid
    assert again.returncode == 0, again.stderr
    assert "signed in to sso-session acme" in again.stdout
    out = roleui("logout", "acme")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "signed out of sso-session acme"
    assert load_token("acme", START_URL) is None
    assert not center.directory.is_signed_in(token.access_token)  # the portal's Logout was called


def test_logout_all_signs_out_of_every_cached_token(center: LocalIdentityCenter) -> None:
    start_sign_in(ACME, open_url=browse).wait()
    legacy = center.directory.issue_access_token()
    save_token(SsoToken(START_URL, SSO_REGION, legacy, datetime.now(UTC) + timedelta(hours=1)))
    out = roleui("logout", "--all")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "signed out of 2 Identity Center sessions"
    assert not center.directory.is_signed_in(legacy)


def test_login_to_an_unknown_session_is_a_usage_error(center: LocalIdentityCenter) -> None:
    done = roleui("login", "nope")
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "roleui: there is no [sso-session nope] in the AWS config file (sessions: acme) — add it"
    )


def test_login_with_the_device_code_prints_the_url_and_the_code(center: LocalIdentityCenter) -> None:
    done = roleui("login", "acme", "--device-code", env={"BROWSER": BROWSER})
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert lines[0].startswith(f"roleui: sign in to sso-session acme: a browser was opened at {center.url}/device?")
    code = lines[1].rsplit(" ", 1)[1]
    assert lines[1] == f"roleui: and check that the page shows the code {code}"
    assert f"user_code={code}" in lines[0]
    assert load_token("acme", START_URL) is not None
