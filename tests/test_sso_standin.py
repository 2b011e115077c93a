"""The local Identity Center answers botocore's real `sso-oidc` and `sso` clients as AWS does (botocore parses
every answer against its service model)."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from roleui.core.clock import FrozenClock
from roleui.demo.identity_center import Lifetimes
from roleui.demo.identity_center.directory import DEVICE_GRANT
from tests._demo_helpers import as_account
from tests._sso_helpers import DEV_ID, PROD_ID, USER, LocalIdentityCenter, identity_center, local_identity_center

CLOCK_START = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(CLOCK_START)


@pytest.fixture
def center(aws: str, monkeypatch: pytest.MonkeyPatch, clock: FrozenClock) -> Iterator[LocalIdentityCenter]:
    yield from local_identity_center(aws, monkeypatch, clock=clock, lifetimes=Lifetimes(poll_interval=5))


def client(service: str) -> Any:
    return boto3.session.Session().client(service, region_name="eu-west-1", config=Config(signature_version=UNSIGNED))


def error_code(info: pytest.ExceptionInfo[ClientError]) -> str:
    return str(info.value.response["Error"]["Code"])


def registered(oidc: Any, **extra: Any) -> dict[str, Any]:
    return dict(oidc.register_client(clientName="test", clientType="public", **extra))


def device_token(oidc: Any, center: LocalIdentityCenter) -> dict[str, Any]:
    reg = registered(oidc, scopes=["sso:account:access"])
    started = oidc.start_device_authorization(
        clientId=reg["clientId"], clientSecret=reg["clientSecret"], startUrl="https://acme.awsapps.com/start"
    )
    urllib.request.urlopen(started["verificationUriComplete"]).read()
    return dict(
        oidc.create_token(
            clientId=reg["clientId"],
            clientSecret=reg["clientSecret"],
            grantType=DEVICE_GRANT,
            deviceCode=started["deviceCode"],
        )
    ) | {"client": reg}


def test_the_device_flow_is_pending_until_the_verification_page_is_opened(
    center: LocalIdentityCenter, clock: FrozenClock
) -> None:
    oidc = client("sso-oidc")
    reg = registered(oidc, scopes=["sso:account:access"])
    started = oidc.start_device_authorization(
        clientId=reg["clientId"], clientSecret=reg["clientSecret"], startUrl="https://acme.awsapps.com/start"
    )
    assert started["verificationUriComplete"].startswith(center.url)
    assert started["userCode"] in started["verificationUriComplete"]
    poll = {
        "clientId": reg["clientId"],
        "clientSecret": reg["clientSecret"],
        "grantType": DEVICE_GRANT,
        "deviceCode": started["deviceCode"],
    }
    with pytest.raises(oidc.exceptions.AuthorizationPendingException):
        oidc.create_token(**poll)
    with pytest.raises(oidc.exceptions.SlowDownException):
        oidc.create_token(**poll)  # again at once: faster than the 5 s interval
    page = urllib.request.urlopen(started["verificationUriComplete"]).read().decode()
    assert USER in page
    token = oidc.create_token(**poll)
    assert token["tokenType"] == "Bearer"
    assert token["expiresIn"] == 3600
    assert token["refreshToken"]  # a client registered with scopes gets a refresh token
    assert center.directory.is_signed_in(token["accessToken"])


def test_an_unapproved_device_code_expires(center: LocalIdentityCenter, clock: FrozenClock) -> None:
    oidc = client("sso-oidc")
    reg = registered(oidc)
    started = oidc.start_device_authorization(
        clientId=reg["clientId"], clientSecret=reg["clientSecret"], startUrl="https://acme.awsapps.com/start"
    )
    clock.advance(started["expiresIn"] + 1)
    with pytest.raises(oidc.exceptions.ExpiredTokenException) as info:
        oidc.create_token(
            clientId=reg["clientId"],
            clientSecret=reg["clientSecret"],
            grantType=DEVICE_GRANT,
            deviceCode=started["deviceCode"],
        )
    assert info.value.response["error"] == "expired_token"


def test_a_wrong_client_secret_is_an_invalid_client(center: LocalIdentityCenter) -> None:
    oidc = client("sso-oidc")
    reg = registered(oidc)
    with pytest.raises(oidc.exceptions.InvalidClientException):
        oidc.start_device_authorization(clientId=reg["clientId"], clientSecret="wrong", startUrl="https://x")


def test_the_authorize_endpoint_redirects_to_the_loopback_with_a_code_that_needs_the_verifier(
    center: LocalIdentityCenter,
) -> None:
    import base64
    import hashlib
    from urllib.parse import parse_qs, urlencode, urlsplit

    oidc = client("sso-oidc")
    reg = registered(
        oidc,
        scopes=["sso:account:access"],
        grantTypes=["authorization_code", "refresh_token"],
        redirectUris=["http://127.0.0.1/oauth/callback"],
        issuerUrl="https://acme.awsapps.com/start",
    )
    verifier = "v" * 64
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    redirect = "http://127.0.0.1:4321/oauth/callback"
    query = {
        "response_type": "code",
        "client_id": reg["clientId"],
        "redirect_uri": redirect,
        "state": "s1",
        "code_challenge_method": "S256",
        "code_challenge": challenge,
    }

    class NoFollow(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any) -> None:
            return None

    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.build_opener(NoFollow).open(f"{center.url}/authorize?{urlencode(query)}")
    location = info.value.headers["Location"]
    assert location.startswith(redirect + "?")
    answer = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    assert answer["state"] == "s1"
    common = {"clientId": reg["clientId"], "clientSecret": reg["clientSecret"], "grantType": "authorization_code"}
    with pytest.raises(oidc.exceptions.InvalidGrantException):
        oidc.create_token(**common, code=answer["code"], codeVerifier="w" * 64, redirectUri=redirect)
    # A code is used once: the failed attempt consumed it, as with AWS. A new one with the right verifier works.
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.build_opener(NoFollow).open(f"{center.url}/authorize?{urlencode(query)}")
    code = parse_qs(urlsplit(info.value.headers["Location"]).query)["code"][0]
    token = oidc.create_token(**common, code=code, codeVerifier=verifier, redirectUri=redirect)
    assert center.directory.is_signed_in(token["accessToken"])


def test_a_refresh_token_gives_a_new_access_token(center: LocalIdentityCenter) -> None:
    oidc = client("sso-oidc")
    first = device_token(oidc, center)
    again = oidc.create_token(
        clientId=first["client"]["clientId"],
        clientSecret=first["client"]["clientSecret"],
        grantType="refresh_token",
        refreshToken=first["refreshToken"],
    )
    assert again["accessToken"] != first["accessToken"]
    assert center.directory.is_signed_in(again["accessToken"])


def test_the_portal_lists_accounts_and_roles_in_pages(center: LocalIdentityCenter) -> None:
    token = center.directory.issue_access_token()
    sso = client("sso")
    pages = list(sso.get_paginator("list_accounts").paginate(accessToken=token, PaginationConfig={"PageSize": 1}))
    assert [a["accountId"] for p in pages for a in p["accountList"]] == [DEV_ID, PROD_ID]
    assert len(pages) == 2
    roles = sso.get_paginator("list_account_roles").paginate(
        accessToken=token, accountId=DEV_ID, PaginationConfig={"PageSize": 1}
    )
    assert [r["roleName"] for p in roles for r in p["roleList"]] == ["AdministratorAccess", "ReadOnlyAccess"]
    assert center.directory.calls["ListAccountRoles"] == 2


def test_role_credentials_are_a_session_of_the_reserved_role_in_that_account(center: LocalIdentityCenter) -> None:
    token = center.directory.issue_access_token()
    found = client("sso").get_role_credentials(roleName="AdministratorAccess", accountId=DEV_ID, accessToken=token)
    credentials = found["roleCredentials"]
    assert credentials["expiration"] > datetime.now(UTC).timestamp() * 1000
    sts = boto3.session.Session(
        aws_access_key_id=credentials["accessKeyId"],
        aws_secret_access_key=credentials["secretAccessKey"],
        aws_session_token=credentials["sessionToken"],
        region_name="us-east-1",
    ).client("sts")
    arn = sts.get_caller_identity()["Arn"]
    assert arn.startswith(f"arn:aws:sts::{DEV_ID}:assumed-role/AWSReservedSSO_AdministratorAccess_")
    assert arn.endswith(f"/{USER}")
    suffix = arn.split("/")[1].rsplit("_", 1)[1]
    assert len(suffix) == 16
    assert int(suffix, 16) >= 0
    roles = [r for r in _roles_in(center, DEV_ID) if r["RoleName"].startswith("AWSReservedSSO_AdministratorAccess_")]
    assert roles
    assert roles[0]["Path"] == "/aws-reserved/sso.amazonaws.com/"


def _roles_in(center: LocalIdentityCenter, account_id: str) -> list[dict[str, Any]]:
    iam = as_account("iam", account_id, os.environ["AWS_ENDPOINT_URL"])
    return list(iam.list_roles(PathPrefix="/aws-reserved/")["Roles"])


def test_a_permission_set_not_assigned_is_refused(center: LocalIdentityCenter) -> None:
    token = center.directory.issue_access_token()
    with pytest.raises(ClientError) as info:
        client("sso").get_role_credentials(roleName="AdministratorAccess", accountId=PROD_ID, accessToken=token)
    assert error_code(info) == "ForbiddenException"


def test_after_logout_or_expiry_the_token_is_unauthorized(center: LocalIdentityCenter, clock: FrozenClock) -> None:
    sso = client("sso")
    token = center.directory.issue_access_token()
    sso.logout(accessToken=token)
    with pytest.raises(sso.exceptions.UnauthorizedException):
        sso.list_accounts(accessToken=token)
    other = center.directory.issue_access_token()
    clock.advance(3601)
    with pytest.raises(sso.exceptions.UnauthorizedException):
        sso.list_accounts(accessToken=other)


def test_over_the_rate_the_portal_answers_too_many_requests(aws: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with identity_center(aws, monkeypatch, requests_per_second=2) as center:
        token = center.directory.issue_access_token()
        sso = boto3.session.Session().client(
            "sso",
            region_name="eu-west-1",
            config=Config(signature_version=UNSIGNED, retries={"mode": "standard", "total_max_attempts": 1}),
        )
        codes = []
        for _ in range(5):
            try:
                sso.list_accounts(accessToken=token)
                codes.append("ok")
            except sso.exceptions.TooManyRequestsException as error:
                codes.append(error.response["ResponseMetadata"]["HTTPStatusCode"])
        assert codes[:2] == ["ok", "ok"]
        assert 429 in codes
        assert center.directory.calls["ListAccounts"] == 5


def test_unknown_paths_answer_not_found(center: LocalIdentityCenter) -> None:
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(f"{center.url}/nothing")
    assert info.value.code == 404
    assert json.loads(info.value.read())["message"] == "not found"
