"""Identity Center roles from ~/.aws/config: listed with no AWS call, assumed with sso:GetRoleCredentials and the
sign-in's token (cached like any session), chained into IAM roles, and exit 4 with "run `roleui login`" when the
sign-in is missing or ends."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from roleui.aws.engine import Engine
from roleui.aws.sources import load_world
from roleui.aws.sso_login import SignInRequired, start_sign_in
from roleui.aws.sso_tokens import SsoToken, save_token
from roleui.core.catalog.refs import resolve_role
from roleui.core.clock import FrozenClock
from roleui.core.models import Catalog, Role, Source
from roleui.core.sources.aws_config.profiles import SsoSession
from tests._engine_helpers import roleui
from tests._sso_helpers import (
    DEV_ID,
    PROD_ID,
    SSO_CONFIG,
    SSO_REGION,
    START_URL,
    USER,
    LocalIdentityCenter,
    browse,
    identity_center,
    local_identity_center,
)

CHAIN = f"""
[profile deployer]
role_arn = arn:aws:iam::{DEV_ID}:role/Deployer
source_profile = dev-admin
duration_seconds = 7200
"""
ACME = SsoSession("acme", START_URL, SSO_REGION)


def write_config(home: Path, text: str = SSO_CONFIG + CHAIN) -> None:
    path = home / ".aws" / "config"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


@pytest.fixture
def center(aws: str, monkeypatch: pytest.MonkeyPatch, isolated_env: Path) -> Iterator[LocalIdentityCenter]:
    write_config(isolated_env)
    yield from local_identity_center(aws, monkeypatch)


def role(catalog: Catalog, ref: str) -> Role:
    return resolve_role(catalog, ref)


def sign_in(center: LocalIdentityCenter) -> None:
    """A valid sign-in of the sso-session `acme` and a legacy one for the start URL, as `roleui login` leaves."""
    expires = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)
    for name in ("acme", None):
        save_token(SsoToken(START_URL, SSO_REGION, center.directory.issue_access_token(), expires, session_name=name))


def test_sso_profiles_become_permission_set_roles_without_any_call(center: LocalIdentityCenter) -> None:
    catalog = load_world()
    admin = role(catalog, "dev-admin")
    assert admin.key == f"{DEV_ID}/AdministratorAccess"
    assert admin.is_permission_set
    assert (admin.sso_session, admin.sso_start_url, admin.sso_region) == ("acme", START_URL, SSO_REGION)
    assert admin.source is Source.AWS_CONFIG
    assert admin.region == "eu-central-1"
    legacy = role(catalog, "prod-read")
    assert legacy.key == f"{PROD_ID}/ReadOnlyAccess"
    assert legacy.sso_session is None
    assert role(catalog, "deployer").via == admin.key
    assert center.directory.calls == {}


def test_a_profile_naming_a_missing_sso_session_is_skipped_with_a_warning(isolated_env: Path) -> None:
    write_config(
        isolated_env, "[profile broken]\nsso_session = nope\nsso_account_id = 310000000001\nsso_role_name = X\n"
    )
    warnings: list[str] = []
    catalog = load_world(warn=warnings.append)
    assert not catalog.roles
    assert warnings == [
        f"skipped: {isolated_env}/.aws/config:1: profile broken: sso_session: there is no usable "
        "[sso-session nope] — add the section or fix the name"
    ]


def test_a_permission_set_is_assumed_with_get_role_credentials_and_cached(center: LocalIdentityCenter) -> None:
    sign_in(center)
    engine = Engine(load_world())
    session = engine.assume(role(engine.catalog, "dev-admin"))
    assert session.assumed_role_arn.startswith(
        f"arn:aws:sts::{DEV_ID}:assumed-role/AWSReservedSSO_AdministratorAccess_"
    )
    assert session.assumed_role_arn.endswith(f"/{USER}")
    assert session.session_name == USER
    assert session.region == "eu-central-1"
    assert not session.chained
    assert engine.assume(role(engine.catalog, "dev-admin")) == session
    assert center.directory.calls == {"GetRoleCredentials": 1}


def test_credential_process_answers_a_permission_set_from_the_cache_the_second_time(
    center: LocalIdentityCenter,
) -> None:
    sign_in(center)
    first = roleui("credential-process", "prod-read")
    assert first.returncode == 0, first.stderr
    second = roleui("credential-process", "prod-read")
    assert json.loads(second.stdout) == json.loads(first.stdout)
    assert center.directory.calls == {"GetRoleCredentials": 1}


def test_chaining_from_a_permission_set_is_capped_at_one_hour(center: LocalIdentityCenter) -> None:
    sign_in(center)
    warnings: list[str] = []
    engine = Engine(load_world(), warn=warnings.append)
    session = engine.assume(role(engine.catalog, "deployer"))
    assert session.assumed_role_arn == f"arn:aws:sts::{DEV_ID}:assumed-role/Deployer/{USER}"
    assert session.chained
    assert session.seconds_left(datetime.now(UTC)) <= 3600
    assert warnings == [
        f"{DEV_ID}/Deployer is assumed by role chaining (via {DEV_ID}/AdministratorAccess): AWS caps that at 1h, "
        "so the 2h session was clamped to 1h"
    ]


def test_without_a_sign_in_the_assume_is_exit_4_naming_roleui_login(center: LocalIdentityCenter) -> None:
    done = roleui("env", "dev-admin")
    assert done.returncode == 4
    assert done.stderr == (
        f"roleui: not signed in to IAM Identity Center ({START_URL}) or the sign-in expired — run `roleui login acme`\n"
    )
    legacy = roleui("env", "prod-read")
    assert legacy.returncode == 4
    assert f"run `roleui login {START_URL}`" in legacy.stderr


def test_a_sign_in_that_ends_on_the_server_during_an_assume_is_exit_4(
    aws: str, monkeypatch: pytest.MonkeyPatch, isolated_env: Path
) -> None:
    write_config(isolated_env)
    server_clock = FrozenClock(datetime.now(UTC))
    with identity_center(aws, monkeypatch, clock=server_clock) as center:
        sign_in(center)
        server_clock.advance(3601)  # the portal's clock says expired while the cached file still says valid
        engine = Engine(load_world())
        with pytest.raises(SignInRequired) as info:
            engine.assume(role(engine.catalog, "dev-admin"))
        assert info.value.exit_code == 4
        assert info.value.target == ACME  # what the UI signs in to before it continues the assume
        assert "run `roleui login acme`" in str(info.value)


def test_an_expired_sign_in_is_refreshed_during_the_assume(
    aws: str, monkeypatch: pytest.MonkeyPatch, isolated_env: Path
) -> None:
    write_config(isolated_env)
    clock = FrozenClock(datetime.now(UTC))
    with identity_center(aws, monkeypatch, clock=clock) as center:
        start_sign_in(ACME, open_url=browse, clock=clock).wait()
        clock.advance(3600 + 60)
        engine = Engine(load_world(), clock=clock)
        session = engine.assume(role(engine.catalog, "dev-admin"))
        assert "AWSReservedSSO_AdministratorAccess_" in session.assumed_role_arn
        assert center.directory.calls == {"GetRoleCredentials": 1}


def test_the_console_link_of_a_permission_set_is_the_portal_shortcut(center: LocalIdentityCenter) -> None:
    done = roleui("console-url", "dev-admin", "--destination", "https://console.aws.amazon.com/s3/home")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        f"{START_URL}/#/console?account_id={DEV_ID}&role_name=AdministratorAccess"
        "&destination=https%3A%2F%2Fconsole.aws.amazon.com%2Fs3%2Fhome"
    )
    assert center.directory.calls == {}


def test_a_start_url_with_markup_characters_is_refused(isolated_env: Path) -> None:
    write_config(
        isolated_env, "[sso-session x]\nsso_start_url = https://a.awsapps.com/[b]start\nsso_region = us-east-1\n"
    )
    warnings: list[str] = []
    load_world(warn=warnings.append)
    assert len(warnings) == 1
    assert "sso-session x: sso_start_url: 'https://a.awsapps.com/[b]start' is not a start URL" in warnings[0]


def test_a_federated_console_sign_in_works_with_permission_set_credentials(
    center: LocalIdentityCenter, aws: str
) -> None:
    from urllib.parse import parse_qs, urlsplit

    from roleui.demo.federation import FederationEndpoint

    sign_in(center)
    endpoint = FederationEndpoint(aws)
    endpoint.start()
    try:
        done = roleui("console-url", "dev-admin", "--federated", env={"ROLEUI_FEDERATION_ENDPOINT": endpoint.url})
        assert done.returncode == 0, done.stderr
        token = parse_qs(urlsplit(done.stdout.strip()).query)["SigninToken"][0]
        arn = endpoint.signed_in_as(token)
    finally:
        endpoint.stop()
    assert arn is not None
    assert arn.startswith(f"arn:aws:sts::{DEV_ID}:assumed-role/AWSReservedSSO_AdministratorAccess_")


def test_a_permission_set_is_listed_by_its_name_with_its_source_profile(center: LocalIdentityCenter) -> None:
    done = roleui("list", "--json")
    assert done.returncode == 0, done.stderr
    rows = {row["profile"]: row for row in json.loads(done.stdout)}
    assert rows["dev-admin"]["role_name"] == "AdministratorAccess"
    assert rows["dev-admin"]["source"] == "aws-config"
    table = roleui("list", "AdministratorAccess")
    assert f"{DEV_ID}  {DEV_ID}  AdministratorAccess  " in table.stdout


def test_logout_forgets_the_permission_set_sessions_of_its_sign_in_as_aws_sso_logout_does(
    center: LocalIdentityCenter,
) -> None:
    start_sign_in(ACME, open_url=browse).wait()
    assert roleui("env", "deployer").returncode == 0  # chained from dev-admin: both sessions cached
    assert roleui("credential-process", "dev-admin").returncode == 0  # answered from the cache (and its index)
    out = roleui("logout", "acme")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "signed out of sso-session acme; 1 cached session forgotten"
    ended = roleui("credential-process", "dev-admin")  # the permission set's session ended with the sign-in
    assert ended.returncode == 4
    assert "run `roleui login acme`" in ended.stderr
    # A role assumed from it is an STS session of its own, cached like the aws CLI caches it: it runs its course.
    assert roleui("credential-process", "deployer").returncode == 0
    assert roleui("logout", "acme").stdout.strip() == "not signed in to sso-session acme"
