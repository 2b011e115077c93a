"""The UI's Identity Center sign-in with Pilot, against the local stand-in (roleui/demo/identity_center) and moto:
an assume that needs a sign-in opens the modal (URL and code, the URL on the clipboard) and goes on once the
browser approved; key `l` signs in; Escape cancels; the header shows each sign-in's state."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from _sso_helpers import (
    DEV_ID,
    SSO_CONFIG,
    SSO_REGION,
    START_URL,
    LocalIdentityCenter,
    browse,
    local_identity_center,
)
from _ui_helpers import make_app, notifications, settle, wait_for

from roleui.aws.sources import load_world
from roleui.aws.sso_tokens import SsoToken, load_token, save_token
from roleui.core.clock import utc_now
from roleui.core.models import Catalog
from roleui.core.sources.identity_center.cache import save_ic_snapshots
from roleui.core.sources.identity_center.model import IcAccount, IcSnapshot
from roleui.ui.app import RoleuiApp
from roleui.ui.screens.sign_in import SignInScreen
from roleui.ui.state import Active

DEV_ADMIN = f"{DEV_ID}/AdministratorAccess"  # the dev-admin SSO profile: an account known only by its id


@pytest.fixture
def center(aws: str, monkeypatch: pytest.MonkeyPatch, isolated_env: Path) -> Iterator[LocalIdentityCenter]:
    (isolated_env / ".aws").mkdir(exist_ok=True)
    (isolated_env / ".aws" / "config").write_text(SSO_CONFIG)
    yield from local_identity_center(aws, monkeypatch)


def world() -> Catalog:
    return load_world()


def header(app: RoleuiApp) -> str:
    return str(app.header_bar.render())


def highlight(app: RoleuiApp, key: str) -> None:
    app.role_list.move_cursor(list(app.role_list.rows).index(app.indexes_of(key)[0]))


async def test_an_assume_that_needs_a_sign_in_opens_it_and_goes_on_once_approved(center: LocalIdentityCenter) -> None:
    app = make_app(world())
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        assert "sso acme signed out (l)" in header(app)
        highlight(app, DEV_ADMIN)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SignInScreen))
        screen = app.screen
        assert isinstance(screen, SignInScreen)
        assert screen.url.startswith(center.url + "/device?user_code=")
        assert screen.code is not None
        assert screen.code in screen.url
        assert app.clipboard == screen.url
        assert screen.role_key == DEV_ADMIN
        await asyncio.to_thread(browse, screen.url)  # the person approves in the browser
        await wait_for(pilot, lambda: isinstance(app.states.get(DEV_ADMIN), Active), timeout=30)
        assert not isinstance(app.screen, SignInScreen)
        session = app.states[DEV_ADMIN]
        assert isinstance(session, Active)
        assert "assumed-role/AWSReservedSSO_AdministratorAccess_" in session.session.assumed_role_arn
        await wait_for(pilot, lambda: "sso acme until" in header(app))
        assert load_token("acme", START_URL) is not None  # in the cache botocore and AWS CLI v2 read
    assert any(n.startswith("Identity Center: acme: signed in until") for n in notifications(app))


async def test_key_l_signs_in_and_escape_cancels(center: LocalIdentityCenter) -> None:
    app = make_app(world())
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, SignInScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: any("sign-in cancelled" in n for n in notifications(app)))
        assert not isinstance(app.screen, SignInScreen)
        assert "sso acme signed out (l)" in header(app)
        await pilot.press("l")  # a new sign-in can start once the last one ended
        await wait_for(pilot, lambda: isinstance(app.screen, SignInScreen))
        screen = app.screen
        assert isinstance(screen, SignInScreen)
        await asyncio.to_thread(browse, screen.url)
        await wait_for(pilot, lambda: "sso acme until" in header(app), timeout=30)


async def test_the_palette_offers_the_sign_in(center: LocalIdentityCenter) -> None:
    app = make_app(world())
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await app.run_action("command_palette")
        await pilot.press(*"Sign in to Identity")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SignInScreen))


def stale_cache_world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Catalog:
    """A catalog with the acme sign-in (1 h lifetime) and a 2-hour-old cache that knew only the dev account."""
    catalog = tmp_path / "roleui.toml"
    catalog.write_text('[[identity_center]]\nsso_session = "acme"\ncache_lifetime = "1h"\n')
    monkeypatch.setenv("ROLEUI_CONFIG", str(catalog))
    old = IcSnapshot(
        "acme",
        START_URL,
        SSO_REGION,
        utc_now() - timedelta(hours=2),
        (IcAccount(DEV_ID, "dev", "", ("ReadOnlyAccess",)),),
    )
    save_ic_snapshots([old])
    return load_world(cached=True)


async def test_a_stale_identity_center_cache_is_shown_then_refreshed_in_the_background(
    center: LocalIdentityCenter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = center.directory.issue_access_token()
    save_token(SsoToken(START_URL, SSO_REGION, token, utc_now() + timedelta(hours=1), "acme"))
    app = make_app(stale_cache_world(tmp_path, monkeypatch))
    async with app.run_test(size=(140, 40)) as pilot:
        assert "prod/ReadOnlyAccess" not in [r.key for r in app.catalog.roles]  # the cached world, at once
        await wait_for(pilot, lambda: "prod/ReadOnlyAccess" in [r.key for r in app.catalog.roles], timeout=30)
        assert center.directory.calls["ListAccounts"] == 1


async def test_a_stale_cache_of_a_signed_out_sign_in_waits_for_the_sign_in(
    center: LocalIdentityCenter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(stale_cache_world(tmp_path, monkeypatch))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: "sso acme signed out (l)" in header(app))
        assert center.directory.calls == {}
        assert not [n for n in notifications(app) if "not refreshed" in n]


# -- issue 20: `l` in the key bar, a second sign-in said so, the header following the token cache ----------------


async def test_the_key_bar_shows_l_sign_in_once_a_sign_in_is_known(center: LocalIdentityCenter) -> None:
    app = make_app(world())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: "sso acme" in header(app))
        await pilot.pause()
        keys = str(app.key_bar.render())
        assert "l sign in" in keys
        assert keys.rstrip().endswith("? help")
        assert len(keys) <= 80


async def test_l_while_signed_in_says_it_signs_in_again_and_promises_no_assume(center: LocalIdentityCenter) -> None:
    token = center.directory.issue_access_token()
    expires = utc_now() + timedelta(hours=1)
    save_token(SsoToken(START_URL, SSO_REGION, token, expires, "acme"))
    app = make_app(world())
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: "sso acme until" in header(app))
        app.role_list.move_cursor(0)
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, SignInScreen))
        screen = app.screen
        assert isinstance(screen, SignInScreen)
        shown = " ".join(str(w.render()) for w in screen.query("Static"))
        assert f"signed in until {expires:%H:%M} UTC: this signs in again" in shown
        assert "the assume that needed it goes on" not in shown
        await pilot.press("escape")


async def test_the_header_follows_a_logout_and_a_login_done_elsewhere(center: LocalIdentityCenter) -> None:
    from roleui.aws.sso_tokens import delete_token

    token = center.directory.issue_access_token()
    save_token(SsoToken(START_URL, SSO_REGION, token, utc_now() + timedelta(hours=1), "acme"))
    app = make_app(world())
    clock = app.clock
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: "sso acme until" in header(app))
        delete_token("acme", START_URL)  # `roleui logout` in a subshell, or another terminal
        clock.advance(31)  # type: ignore[attr-defined]
        app.tick()
        await wait_for(pilot, lambda: "sso acme signed out (l)" in header(app))
        later = utc_now() + timedelta(hours=2)
        save_token(SsoToken(START_URL, SSO_REGION, center.directory.issue_access_token(), later, "acme"))
        app.follow_caches()  # as when the app resumes from a subshell
        await wait_for(pilot, lambda: f"sso acme until {later:%H:%M}" in header(app))
