"""Which Identity Center `roleui login` signs in to, and permission-set roles as the world cache stores them
(pure: no file, no network)."""

from __future__ import annotations

import pytest

from roleui.core.errors import UsageError
from roleui.core.models import Account, Source, permission_set_role
from roleui.core.sources.aws_config.profiles import (
    SsoSession,
    legacy_sso_sessions,
    roles_from_profiles,
    sign_in_target,
    sso_sessions_from_config,
)
from roleui.core.world.role_table import RoleTable

ACME = SsoSession("acme", "https://acme.awsapps.com/start", "eu-west-1")
OTHER = SsoSession("other", "https://other.awsapps.com/start", "us-east-1")
LEGACY = {"https://old.awsapps.com/start": SsoSession(None, "https://old.awsapps.com/start", "us-west-2")}


def test_no_argument_means_the_only_sso_session() -> None:
    assert sign_in_target(None, {"acme": ACME}, LEGACY) == ACME


def test_no_argument_with_several_sessions_asks_for_a_name() -> None:
    with pytest.raises(UsageError, match=r"name the sso-session to sign in to \(in the AWS config file: acme, other\)"):
        sign_in_target(None, {"acme": ACME, "other": OTHER}, {})


def test_a_start_url_finds_its_sso_session_else_its_legacy_profiles_else_needs_a_region() -> None:
    sessions = {"acme": ACME}
    assert sign_in_target("https://acme.awsapps.com/start", sessions, LEGACY) == ACME
    assert sign_in_target("https://old.awsapps.com/start", sessions, LEGACY) == LEGACY["https://old.awsapps.com/start"]
    assert sign_in_target("https://new.awsapps.com/start", sessions, {}, region="ap-south-1") == SsoSession(
        None, "https://new.awsapps.com/start", "ap-south-1"
    )
    with pytest.raises(UsageError, match="add --region"):
        sign_in_target("https://new.awsapps.com/start", sessions, {})


def test_legacy_start_urls_come_from_profiles_without_an_sso_session() -> None:
    profiles: dict[str, dict[str, object]] = {
        "a": {"sso_start_url": "https://old.awsapps.com/start", "sso_region": "us-west-2"},
        "b": {"sso_session": "acme", "sso_start_url": "https://acme.awsapps.com/start", "sso_region": "x"},
    }
    assert legacy_sso_sessions(profiles) == LEGACY


def test_registration_scopes_are_read_and_default_to_account_access() -> None:
    sections: dict[str, dict[str, object]] = {
        "a": {"sso_start_url": "https://a.awsapps.com/start", "sso_region": "eu-west-1"},
        "b": {
            "sso_start_url": "https://b.awsapps.com/start",
            "sso_region": "eu-west-1",
            "sso_registration_scopes": "sso:account:access, codewhisperer:completions",
        },
    }
    sessions, problems = sso_sessions_from_config(sections, file="config", lines={})
    assert problems == []
    assert sessions["a"].scopes == ("sso:account:access",)
    assert sessions["b"].scopes == ("sso:account:access", "codewhisperer:completions")


def test_a_govcloud_identity_center_gives_govcloud_accounts() -> None:
    gov = SsoSession("gov", "https://start.us-gov-west-1.us-gov-home.awsapps.com/directory/x", "us-gov-west-1")
    profiles: dict[str, dict[str, object]] = {
        "p": {"sso_session": "gov", "sso_account_id": "111122223333", "sso_role_name": "ReadOnly"}
    }
    roles, problems = roles_from_profiles(profiles, file="config", lines={}, sso_sessions={"gov": gov})
    assert problems == []
    assert roles[0].account.partition == "aws-us-gov"


def test_the_world_cache_keeps_the_identity_center_fields_of_a_role() -> None:
    account = Account(id="310000000001", name="dev", source=Source.IDENTITY_CENTER)
    role = permission_set_role(
        account,
        "AdministratorAccess",
        start_url="https://acme.awsapps.com/start",
        sso_region="eu-west-1",
        sso_session="acme",
        source=Source.IDENTITY_CENTER,
    )
    stored = RoleTable.from_bytes(RoleTable.of([role], [account]).to_bytes())
    assert stored is not None
    assert stored[0] == role
    assert stored[0].is_permission_set
    assert stored[0].path_and_name == "AdministratorAccess"
