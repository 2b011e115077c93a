"""What goes wrong when reading an organization, and what people are told: one line, the right exit status,
and a cache that is never replaced by a partial result without saying so.

Real failures where the local AWS can produce them (no organization, no credentials, an unreachable
endpoint); botocore's Stubber, or an error injected into the real client, where it cannot.
"""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from _aws_setups import without_aws_files
from _org_helpers import MANAGEMENT_ID, Org, build_org, inject_error, org_client, use_catalog
from botocore.exceptions import EndpointConnectionError
from botocore.stub import Stubber

from roleui.aws.organizations import THROTTLE_ROUNDS, discover_organization, refresh_organization
from roleui.aws.refresh import refresh_world
from roleui.core.clock import FrozenClock
from roleui.core.errors import (
    EXIT_ACCESS_DENIED,
    EXIT_CREDENTIALS,
    EXIT_FAILURE,
    EXIT_NETWORK,
    EXIT_THROTTLED,
    EXIT_USAGE,
    RoleuiError,
)
from roleui.core.sources.organizations.cache import cache_file, load_org_snapshot

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
ORGANIZATION = {"Organization": {"Id": "o-abcdefghij", "MasterAccountId": MANAGEMENT_ID}}
ROOTS = {"Roots": [{"Id": "r-ab12", "Name": "Root"}]}


def stubbed() -> tuple[Any, Stubber]:
    import boto3

    client = boto3.client(
        "organizations", region_name="us-east-1", aws_access_key_id="AKIAX", aws_secret_access_key="x"
    )
    return client, Stubber(client)


def error_of(raised: pytest.ExceptionInfo[RoleuiError]) -> tuple[int, str]:
    return raised.value.exit_code, str(raised.value)


# -- before the walk: nothing usable, nothing written ------------------------------------------------------


def test_credentials_of_a_member_account_are_denied_and_told_to_use_the_management_account() -> None:
    client, stub = stubbed()
    stub.add_response("describe_organization", ORGANIZATION)
    stub.add_client_error(
        "list_roots", "AccessDeniedException", "You don't have permissions to access this resource.", 400
    )
    with stub, pytest.raises(RoleuiError) as raised:
        discover_organization(client, source_profile="member", workers=1)
    assert error_of(raised) == (
        EXIT_ACCESS_DENIED,
        "access denied listing the organization with profile member: it is not the management account "
        f"({MANAGEMENT_ID}) or a delegated administrator — set organizations.source_profile to one that is",
    )


def test_an_account_outside_any_organization_says_so(aws: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_catalog(tmp_path, monkeypatch)
    with pytest.raises(RoleuiError) as raised:
        refresh_world(None)
    assert error_of(raised) == (
        EXIT_FAILURE,
        "the account of the default credentials is not in an AWS Organization — set organizations.source_profile "
        "to the management account or a delegated administrator, or turn discovery off (enabled = false)",
    )
    assert not cache_file().exists()


def test_throttling_is_retried_with_a_growing_backoff_then_succeeds() -> None:
    client, stub = stubbed()
    stub.add_response("describe_organization", ORGANIZATION)
    for _ in range(2):
        stub.add_client_error(
            "list_roots",
            "TooManyRequestsException",
            "AWS Organizations can't complete your request because another request is already in progress.",
            400,
        )
    stub.add_response("list_roots", ROOTS)
    stub.add_response("list_organizational_units_for_parent", {"OrganizationalUnits": []})
    stub.add_response(
        "list_accounts_for_parent",
        {
            "Accounts": [
                {
                    "Id": MANAGEMENT_ID,
                    "Name": "main",
                    "Email": "m@example.com",
                    "State": "ACTIVE",
                    "Arn": f"arn:aws:organizations::{MANAGEMENT_ID}:account/o-abcdefghij/{MANAGEMENT_ID}",
                }
            ]
        },
    )
    stub.add_response("list_tags_for_resource", {"Tags": [{"Key": "team", "Value": "platform"}]})
    slept: list[float] = []
    with stub:
        report = discover_organization(client, workers=1, sleep=slept.append)
        stub.assert_no_pending_responses()
    assert [(a.name, a.ou_path, a.tags) for a in report.snapshot.accounts] == [("main", "", {"team": "platform"})]
    assert report.throttled == 2
    assert report.api_calls == 7  # 5 calls, 2 of them sent again
    assert len(slept) == 2
    assert 0.5 <= slept[0] <= 1.0
    assert 1.0 <= slept[1] <= 2.0


def test_throttling_that_never_ends_fails_with_exit_status_6() -> None:
    client, stub = stubbed()
    stub.add_response("describe_organization", ORGANIZATION)
    for _ in range(THROTTLE_ROUNDS + 1):
        stub.add_client_error("list_roots", "TooManyRequestsException", "Rate exceeded", 400)
    slept: list[float] = []
    with stub, pytest.raises(RoleuiError) as raised:
        discover_organization(client, workers=1, sleep=slept.append)
    assert error_of(raised) == (
        EXIT_THROTTLED,
        "AWS Organizations kept throttling listing the organization after every retry with backoff — wait a "
        "minute and run `roleui discover` again",
    )
    assert len(slept) == THROTTLE_ROUNDS


def test_an_unreachable_endpoint_is_one_line_with_exit_status_5(
    aws: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{port}")
    use_catalog(tmp_path, monkeypatch)
    with pytest.raises(RoleuiError) as raised:
        refresh_world(None)
    code, message = error_of(raised)
    assert code == EXIT_NETWORK
    assert message == (
        f"cannot reach http://127.0.0.1:{port}/ (listing the organization) — check the network, proxy settings "
        "and AWS_ENDPOINT_URL"
    )
    assert "\n" not in message
    assert not cache_file().exists()


def test_no_base_credentials_is_exit_status_4(aws: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    without_aws_files(Path.home())  # a user with no ~/.aws files either
    use_catalog(tmp_path, monkeypatch)
    with pytest.raises(RoleuiError) as raised:
        refresh_world(None)
    assert raised.value.exit_code == EXIT_CREDENTIALS
    assert raised.value.message.startswith("no base credentials found")


def test_a_source_profile_that_does_not_exist_is_bad_input(
    aws: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_catalog(tmp_path, monkeypatch, 'enabled = true\nsource_profile = "org-reader"')
    with pytest.raises(RoleuiError) as raised:
        refresh_world(None)
    assert raised.value.exit_code == EXIT_USAGE
    assert "'org-reader' does not exist" in raised.value.message


# -- during the walk ---------------------------------------------------------------------------------------


@pytest.fixture
def org(aws: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Org:
    made = build_org()
    use_catalog(tmp_path, monkeypatch)
    return made


def first_discovery(at: datetime = T0) -> None:
    refresh_organization(None, clock=FrozenClock(at))


def test_credentials_expiring_mid_walk_fail_the_discovery_and_keep_the_old_cache(org: Org) -> None:
    first_discovery()
    before = cache_file().read_bytes()
    client = org_client()
    inject_error(
        client,
        "ListAccountsForParent",
        "ExpiredTokenException",
        when=lambda body: body["ParentId"] == org.ous["Security"],
    )
    with pytest.raises(RoleuiError) as raised:
        refresh_organization(None, client=client, clock=FrozenClock(T0 + timedelta(days=1)))
    assert raised.value.exit_code == EXIT_CREDENTIALS
    assert "have expired" in raised.value.message
    assert cache_file().read_bytes() == before


def test_the_network_failing_mid_walk_fails_the_discovery_and_keeps_the_old_cache(org: Org) -> None:
    first_discovery()
    before = cache_file().read_bytes()
    client = org_client()

    def drop(model: Any, **_: Any) -> None:
        if model.name == "ListTagsForResource":
            raise EndpointConnectionError(endpoint_url="http://organizations.example")

    client.meta.events.register("before-call.organizations", drop)
    with pytest.raises(RoleuiError) as raised:
        refresh_organization(None, client=client)
    assert error_of(raised)[0] == EXIT_NETWORK
    assert cache_file().read_bytes() == before


def test_one_ou_failing_keeps_the_rest_and_its_accounts_from_the_old_cache_and_says_so(org: Org) -> None:
    first_discovery()
    client = org_client()
    inject_error(
        client,
        "ListOrganizationalUnitsForParent",
        "AccessDeniedException",
        when=lambda body: body["ParentId"] == org.ous["Workloads/Prod"],
        message="You don't have permissions to access this resource.",
    )
    warnings: list[str] = []
    later = T0 + timedelta(days=1)
    world, report = refresh_organization(None, client=client, warn=warnings.append, clock=FrozenClock(later))
    assert warnings == [
        "could not list the OUs under OU Workloads/Prod (AccessDeniedException: You don't have permissions to "
        "access this resource.); kept 1 of its accounts from the cache of 2025-03-01 09:00 UTC",
        "the organization cache was written incomplete (1 OU listings failed; the rest is current) — "
        "`roleui discover` retries",
    ]
    assert not report.complete
    assert report.kept == 1
    snapshot = load_org_snapshot()
    assert snapshot is not None
    assert snapshot.incomplete == ("Workloads/Prod",)
    seen = {a.name: a.discovered_at for a in snapshot.accounts}
    assert seen["payments-prod"] == T0  # kept from the previous cache, with its own date
    assert seen["web-prod"] == later  # directly in Prod: its accounts listing worked
    assert len(seen) == 8
    assert "payments-prod" in {a.name for a in world.accounts}


def test_one_ou_failing_without_an_old_cache_writes_the_rest_and_says_what_is_missing(org: Org) -> None:
    client = org_client()
    inject_error(
        client,
        "ListAccountsForParent",
        "ServiceException",
        when=lambda body: body["ParentId"] == org.ous["Security"],
        status=500,
    )
    warnings: list[str] = []
    _world, report = refresh_organization(None, client=client, warn=warnings.append)
    assert warnings[0] == (
        "could not list the accounts of OU Security (ServiceException: injected); its accounts are missing "
        "until a discovery succeeds"
    )
    assert "written incomplete" in warnings[1]
    assert {a.name for a in report.snapshot.accounts} == {
        "master",
        "payments-prod",
        "web-prod",
        "sandbox-1",
        "sandbox-2",
        "old-app",
    }
    assert report.snapshot.incomplete == ("Security",)


def test_an_incomplete_discovery_makes_roleui_discover_exit_1(
    org: Org, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from roleui.aws import organizations
    from roleui.cli import main

    first_discovery()
    real = organizations.organizations_client

    def failing_client(catalog: Any) -> Any:
        client = real(catalog)
        inject_error(
            client,
            "ListAccountsForParent",
            "AccessDeniedException",
            when=lambda body: body["ParentId"] == org.ous["Security"],
        )
        return client

    monkeypatch.setattr(organizations, "organizations_client", failing_client)
    assert main(["discover"]) == EXIT_FAILURE
    out, err = capsys.readouterr()
    assert (
        "roleui: could not list the accounts of OU Security (AccessDeniedException: injected); kept 2 of its accounts"
        in err
    )
    assert "  2 kept from the previous cache for OUs that could not be listed" in out


def test_tags_denied_stop_the_tag_reads_keep_the_cached_tags_and_warn_once(org: Org) -> None:
    first_discovery()
    client = org_client()
    fired = inject_error(
        client,
        "ListTagsForResource",
        "AccessDeniedException",
        message="not authorized to perform: organizations:ListTagsForResource",
    )
    warnings: list[str] = []
    _, report = refresh_organization(None, client=client, warn=warnings.append, workers=1)
    assert warnings == [
        "cannot read account tags (AccessDeniedException: not authorized to perform: "
        "organizations:ListTagsForResource); kept the cached tags — grant organizations:ListTagsForResource, "
        "or set read_tags = false in [organizations]"
    ]
    assert fired["ListTagsForResource"] == 1  # the other reads were cancelled
    assert report.complete
    assert not report.snapshot.tags_read
    tags = {a.name: a.tags for a in report.snapshot.accounts}
    assert tags["payments-prod"] == {"environment": "prod", "team": "payments"}


def test_a_tag_read_throttled_past_every_retry_keeps_that_accounts_cached_tags(org: Org) -> None:
    first_discovery()
    client = org_client()
    audit = org.accounts["audit"]
    inject_error(
        client, "ListTagsForResource", "TooManyRequestsException", when=lambda body: body["ResourceId"] == audit
    )
    warnings: list[str] = []
    _, report = refresh_organization(None, client=client, warn=warnings.append, sleep=lambda _: None)
    assert warnings == ["could not read the tags of 1 accounts (TooManyRequestsException); kept their cached tags"]
    assert {a.name: a.tags for a in report.snapshot.accounts}["audit"] == {"team": "security"}
    assert report.snapshot.tags_read


def test_the_cache_file_of_an_incomplete_discovery_records_what_failed(org: Org) -> None:
    client = org_client()
    inject_error(
        client,
        "ListOrganizationalUnitsForParent",
        "AccessDeniedException",
        when=lambda body: body["ParentId"] == org.root,
    )
    refresh_organization(None, client=client)
    data = json.loads(cache_file().read_text())
    assert data["incomplete"] == [""]  # the root's children: every OU
    assert [a["name"] for a in data["accounts"]] == ["master"]
