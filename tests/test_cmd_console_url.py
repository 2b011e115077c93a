"""`roleui console-url`: exact switch-role URLs per partition, and the federated sign-in through a local endpoint."""

from __future__ import annotations

import html
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from _engine_helpers import FakeFederation, StsProxy, roleui, write_catalog

from roleui.aws.federation import federated_console_url
from roleui.core.console import switch_role_url
from roleui.core.errors import EXIT_USAGE, RoleuiError
from roleui.core.models import Account, Role
from roleui.core.sessions.credcache import CredentialCache
from roleui.core.sessions.session import Credentials, Session

pytest_plugins = ("_engine_fixtures",)  # the sts and user fixtures


@pytest.mark.parametrize(
    ("partition", "host"),
    [
        ("aws", "signin.aws.amazon.com"),
        ("aws-us-gov", "signin.amazonaws-us-gov.com"),
        ("aws-cn", "signin.amazonaws.cn"),
    ],
)
def test_the_switch_role_url_uses_the_sign_in_host_of_the_partition(partition: str, host: str) -> None:
    role = Role(
        account=Account(id="222222222222", name="shared-data", partition=partition, color="blue"), name="ReadOnly"
    )
    assert switch_role_url(role) == (
        f"https://{host}/switchrole?account=222222222222&roleName=ReadOnly&displayName=shared-data/ReadOnly&color=99BCE3"
    )


def test_a_role_with_a_path_keeps_it_in_role_name_and_the_display_name_stops_at_64() -> None:
    account = Account(id="333333333333", name="prod-" + "x" * 70)
    role = Role(account=account, name="ProdSupportRole", path="/ops/", color="#F2B0A9")
    url = switch_role_url(role)
    assert url.startswith(
        "https://signin.aws.amazon.com/switchrole?account=333333333333&roleName=ops/ProdSupportRole&displayName="
    )
    query = parse_qs(urlsplit(url).query)
    assert query["displayName"] == [("prod-" + "x" * 70 + "/ProdSupportRole")[:64]]
    assert query["color"] == ["F2B0A9"]


def test_a_color_outside_the_console_palette_is_left_out_and_a_display_name_is_encoded() -> None:
    role = Role(account=Account(id="222222222222", name="data", color="purple"), name="R")
    assert switch_role_url(role, display_name="Data & more") == (
        "https://signin.aws.amazon.com/switchrole?account=222222222222&roleName=R&displayName=Data%20%26%20more"
    )


def session(
    *, chained: bool, region: str | None = "eu-west-1", arn: str = "arn:aws:iam::222222222222:role/R"
) -> Session:
    return Session(
        role_key="data/R",
        role_arn=arn,
        account_id="222222222222",
        assumed_role_arn="arn:aws:sts::222222222222:assumed-role/R/deepak",
        session_name="deepak",
        credentials=Credentials("ASIAFED", "fed/secret+key", "fed-token==", datetime.now(UTC) + timedelta(hours=2)),
        region=region,
        chained=chained,
    )


@pytest.fixture
def federation() -> Iterator[FakeFederation]:
    fake = FakeFederation(expected=lambda: ("ASIAFED", "fed/secret+key", "fed-token==")).start()
    yield fake
    fake.stop()


def test_the_federated_flow_sends_the_session_json_and_builds_the_login_url(federation: FakeFederation) -> None:
    url = federated_console_url(session(chained=False), endpoint=federation.url)
    (request,) = federation.requests
    assert request["Action"] == "getSigninToken"
    assert 900 <= int(request["SessionDuration"]) <= 7200
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == federation.url
    assert parse_qs(parts.query) == {
        "Action": ["login"],
        "Issuer": ["roleui"],
        "Destination": ["https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1"],
        "SigninToken": ["fake-signin-token-42"],
    }


def test_a_chained_session_omits_session_duration_and_a_destination_is_kept(
    federation: FakeFederation, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROLEUI_FEDERATION_ENDPOINT", federation.url)
    url = federated_console_url(
        session(chained=True, arn="arn:aws-us-gov:iam::222222222222:role/R"),
        destination="https://console.amazonaws-us-gov.com/s3",
    )
    assert "SessionDuration" not in federation.requests[0]
    assert parse_qs(urlsplit(url).query)["Destination"] == ["https://console.amazonaws-us-gov.com/s3"]


def test_a_refusing_endpoint_is_one_line_without_secrets(federation: FakeFederation) -> None:
    federation.expected = lambda: ("other", "other", "other")
    with pytest.raises(RoleuiError) as caught:
        federated_console_url(session(chained=False), endpoint=federation.url)
    assert "HTTP 400" in str(caught.value)
    assert "fed/secret" not in str(caught.value)
    assert "fed-token" not in str(caught.value)


def test_the_cli_prints_the_switch_role_url_without_any_aws_call(sts: StsProxy, user: tuple[str, str]) -> None:
    write_catalog()
    done = roleui("console-url", "shared-data/CrossAccountS3ReadOnly")
    assert done.returncode == 0
    assert done.stdout.strip() == (
        "https://signin.aws.amazon.com/switchrole?account=222222222222&roleName=CrossAccountS3ReadOnly"
        "&displayName=shared-data/CrossAccountS3ReadOnly&color=99BCE3"
    )
    assert sts.calls == []
    assert roleui("console-url", "tooling/JumpRole", "--destination", "https://x").returncode == EXIT_USAGE


def test_the_cli_federated_url_uses_the_assumed_session_and_opens_in_the_browser(
    sts: StsProxy, user: tuple[str, str], tmp_path: Path
) -> None:
    write_catalog()
    fake = FakeFederation(expected=lambda: cached_credentials("shared-data/CrossAccountS3ReadOnly")).start()
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser"
    browser.write_text(f'#!/bin/sh\necho "$1" > {opened}\n')
    browser.chmod(0o755)
    try:
        env = {"ROLEUI_FEDERATION_ENDPOINT": fake.url, "BROWSER": str(browser)}
        done = roleui("console-url", "shared-data/CrossAccountS3ReadOnly", "--federated", "--open", env=env)
    finally:
        fake.stop()
    assert done.returncode == 0, done.stderr
    assert "opened the console" in done.stderr
    assert done.stdout == ""
    # The browser gets a private file that redirects, never the URL itself (its argv is visible in `ps`).
    page_url = opened.read_text().strip()
    assert page_url.startswith("file://")
    page = Path(page_url.removeprefix("file://")).read_text(encoding="utf-8")
    url = html.unescape(page.split('content="0;url=', 1)[1].split('"', 1)[0])
    assert parse_qs(urlsplit(url).query)["SigninToken"] == ["fake-signin-token-42"]
    assert fake.requests[0]["SessionDuration"]  # not chained
    assert len(sts.actions("AssumeRole")) == 1


def cached_credentials(role_key: str) -> tuple[str, str, str]:
    for found, _ in CredentialCache(Path(os.environ["ROLEUI_CACHE_DIR"]) / "sessions").role_sessions():
        if found.role_key == role_key:
            c = found.credentials
            return c.access_key_id, c.secret_access_key, c.session_token or ""
    return ("", "", "")
