"""Discovery of Identity Center assignments against the local stand-in of the portal (roleui/demo/identity_center):
every account and permission set, within the call bound, paced and retried under the stand-in's throttle; the
sign-in it needs; and `roleui discover` / `roleui list --json` as people run them."""

from __future__ import annotations

import json
import math
import os
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from _sso_helpers import SSO_CONFIG, SSO_REGION, START_URL, running_identity_center

from roleui.aws.identity_center import PAGE_SIZE, Pacer, discover_sign_in, discovery_client, refresh_identity_center
from roleui.aws.sso_tokens import SsoToken, save_token
from roleui.cli import main
from roleui.core.clock import utc_now
from roleui.core.errors import EXIT_CREDENTIALS, RoleuiError
from roleui.core.sources.aws_config.profiles import SsoSession
from roleui.core.sources.identity_center.cache import load_ic_snapshots, save_ic_snapshots
from roleui.core.sources.identity_center.model import IcAccount, IcSnapshot
from roleui.demo.identity_center import Assignment, Directory
from roleui.fast.listing import index_path, lists_directory, read_index

ACME = SsoSession("acme", START_URL, SSO_REGION)
PERMISSION_SETS = ("AdministratorAccess", "ReadOnlyAccess", "Billing")


def many(count: int) -> list[Assignment]:
    return [
        Assignment(f"{400000000000 + n:012d}", f"team-{n:04d}", f"t{n}@example.com", PERMISSION_SETS)
        for n in range(count)
    ]


def portal(monkeypatch: pytest.MonkeyPatch, directory: Directory) -> Iterator[Directory]:
    with running_identity_center(directory) as center:
        monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", center.url)
        monkeypatch.setenv("AWS_ENDPOINT_URL_SSO_OIDC", center.url)
        yield directory


def signed_in(directory: Directory, expires_in: float = 3600) -> str:
    """A sign-in to `acme` cached where botocore and AWS CLI v2 look for it."""
    token = directory.issue_access_token()
    save_token(SsoToken(START_URL, SSO_REGION, token, utc_now() + timedelta(seconds=expires_in), "acme"))
    return token


@pytest.fixture
def small(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, isolated_env: Path) -> Iterator[Directory]:
    (isolated_env / ".aws").mkdir(exist_ok=True)
    (isolated_env / ".aws" / "config").write_text(SSO_CONFIG)
    catalog = tmp_path / "roleui.toml"
    catalog.write_text('[[identity_center]]\nsso_session = "acme"\n')
    monkeypatch.setenv("ROLEUI_CONFIG", str(catalog))
    directory = Directory(
        user="ada.dev",
        assignments=[
            Assignment("310000000001", "dev", "dev@example.com", ("AdministratorAccess", "ReadOnlyAccess")),
            Assignment("310000000002", "prod", "prod@example.com", ("ReadOnlyAccess",)),
        ],
    )
    yield from portal(monkeypatch, directory)


def test_a_thousand_accounts_are_discovered_within_the_call_bound_through_the_throttle(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The stand-in refuses what exceeds 100 requests a second; roleui is told not to pace, so it meets the throttle
    # and must back off and retry until every account's permission sets are listed.
    directory = Directory(user="ada.dev", assignments=many(1000), requests_per_second=100)
    for _ in portal(monkeypatch, directory):
        token = directory.issue_access_token()
        report = discover_sign_in(discovery_client(SSO_REGION), ACME, token, rate=0, workers=16)
    snapshot = report.snapshot
    assert len(snapshot.accounts) == 1000
    assert {a.roles for a in snapshot.accounts} == {PERMISSION_SETS}
    assert snapshot.accounts[0] == IcAccount("400000000000", "team-0000", "t0@example.com", PERMISSION_SETS)
    assert report.complete
    bound = math.ceil(1000 / PAGE_SIZE) + 1000
    assert report.throttled > 0
    assert report.api_calls == bound + report.throttled  # every request counted, retries included
    assert sum(directory.calls.values()) == report.api_calls
    assert report.account_pages == math.ceil(1000 / PAGE_SIZE)


def test_paced_at_the_portal_rate_discovery_meets_no_throttle(monkeypatch: pytest.MonkeyPatch) -> None:
    directory = Directory(user="ada.dev", assignments=many(60), requests_per_second=40)
    for _ in portal(monkeypatch, directory):
        token = directory.issue_access_token()
        report = discover_sign_in(discovery_client(SSO_REGION), ACME, token, rate=36, workers=8)
    assert (report.throttled, report.api_calls, len(report.snapshot.accounts)) == (0, 61, 60)


def test_the_pacer_spaces_requests_evenly_at_its_rate() -> None:
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(round(seconds, 6))

    pacer = Pacer(20, sleep, lambda: now[0])
    for _ in range(4):
        pacer.wait()
    assert slept == [0.05, 0.1, 0.15]  # the first goes at once, then one every 1/20 s
    now[0] = 200.0
    pacer.wait()
    assert slept[-1] == 0.15  # idle long enough: no wait


def test_a_sign_in_revoked_during_discovery_says_to_run_roleui_login(small: Directory) -> None:
    token = small.issue_access_token()
    small.logout(token)
    with pytest.raises(RoleuiError) as raised:
        discover_sign_in(discovery_client(SSO_REGION), ACME, token)
    assert raised.value.exit_code == EXIT_CREDENTIALS
    assert "run `roleui login acme`" in str(raised.value)
    assert token not in str(raised.value)


def test_discovery_stops_when_cancelled(small: Directory) -> None:
    cancelled = threading.Event()
    cancelled.set()
    with pytest.raises(RoleuiError, match="cancelled"):
        discover_sign_in(discovery_client(SSO_REGION), ACME, small.issue_access_token(), cancelled=cancelled)
    assert small.calls == {}


def test_an_account_whose_permission_sets_cannot_be_listed_keeps_its_cached_ones(small: Directory) -> None:
    # Unassigning after the account list was read is what the stand-in answers 404 for: simulate it by asking
    # about an account the portal listed before and no longer knows.
    token = small.issue_access_token()
    client = discovery_client(SSO_REGION)
    real = client.list_accounts

    def with_a_gone_account(**params: object) -> dict[str, Any]:
        answer: dict[str, Any] = real(**params)
        answer["accountList"].append({"accountId": "310000000009", "accountName": "gone", "emailAddress": ""})
        return answer

    client.list_accounts = with_a_gone_account
    previous = IcSnapshot(
        "acme",
        START_URL,
        SSO_REGION,
        datetime(2025, 1, 1, tzinfo=UTC),
        (IcAccount("310000000009", "gone", "", ("ReadOnlyAccess",)),),
    )
    said: list[str] = []
    report = discover_sign_in(client, ACME, token, previous=previous, warn=said.append)
    assert report.snapshot.incomplete == ("310000000009",)
    gone = next(a for a in report.snapshot.accounts if a.id == "310000000009")
    assert gone.roles == ("ReadOnlyAccess",)
    assert said == [
        "could not list the permission sets of account 310000000009 (ResourceNotFoundException: No access); kept its 1 "
        "cached"
    ]


def test_without_a_sign_in_discover_exits_4_and_names_the_login_command(
    small: Directory, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["discover"]) == EXIT_CREDENTIALS
    err = capsys.readouterr().err
    assert "run `roleui login acme`" in err
    assert "Traceback" not in err
    assert load_ic_snapshots() == {}


def test_discover_then_list_json_shows_each_permission_set_with_its_sign_in(
    small: Directory, capsys: pytest.CaptureFixture[str]
) -> None:
    signed_in(small)
    assert main(["discover"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith(
        "discovered 2 accounts and 3 permission sets of acme (3 API calls, 0 throttled"
    )
    assert main(["list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    # The two SSO profiles of ~/.aws/config name two of the permission sets first: they keep them (and their
    # profile names); discovery adds the third, and names the accounts the profiles knew only by id.
    assert [(r["key"], r["source"], r["profile"], r["sso_session"], r["start_url"]) for r in rows] == [
        ("dev/AdministratorAccess", "aws-config", "dev-admin", "acme", START_URL),
        ("dev/ReadOnlyAccess", "identity-center", None, "acme", START_URL),
        ("prod/ReadOnlyAccess", "aws-config", "prod-read", None, START_URL),
    ]


def test_list_refresh_rediscovers_and_the_list_index_never_answers_from_an_older_cache(
    small: Directory, capsys: pytest.CaptureFixture[str]
) -> None:
    signed_in(small)
    assert main(["discover"]) == 0
    small.assign(Assignment("310000000003", "stage", "s@example.com", ("ReadOnlyAccess",)))
    assert main(["list", "--refresh"]) == 0
    assert "stage" in capsys.readouterr().out
    assert main(["list"]) == 0  # leaves the index the fast path answers from
    index = index_path(None, os.environ, os.getcwd(), lists_directory(os.environ))
    assert read_index(index, time.time()) is not None
    assert read_index(index, time.time() + 86400) is None  # past the sign-in's cache_lifetime
    cached = load_ic_snapshots()["acme"]
    save_ic_snapshots([IcSnapshot("acme", START_URL, SSO_REGION, utc_now(), cached.accounts[:1])])
    assert read_index(index, time.time()) is None  # the Identity Center cache changed


def test_one_sign_in_failing_keeps_its_cache_while_the_others_are_rediscovered(
    small: Directory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog = tmp_path / "two.toml"
    catalog.write_text(
        '[[identity_center]]\nsso_session = "acme"\n\n'
        '[[identity_center]]\nstart_url = "https://other.awsapps.com/start"\nregion = "eu-west-1"\n'
    )
    signed_in(small)
    said: list[str] = []
    reports = refresh_identity_center(str(catalog), warn=said.append)
    assert [r.snapshot.name for r in reports] == ["acme"]
    assert said == [
        "not discovered: not signed in to IAM Identity Center (https://other.awsapps.com/start) or the sign-in "
        "expired — run `roleui login https://other.awsapps.com/start`"
    ]
    assert set(load_ic_snapshots()) == {"acme"}
