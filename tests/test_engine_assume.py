"""The engine assumes roles for real against a local AWS, and we read back what reached STS."""

from __future__ import annotations

import os
import threading
from dataclasses import replace
from pathlib import Path

import boto3
import pytest
from _engine_helpers import BASE_USER, MFA_SERIAL, StsProxy

from roleui.aws.engine import AssumeOptions, Engine
from roleui.core.catalog.parse import parse_catalog
from roleui.core.errors import EXIT_USAGE, RoleuiError, UsageError
from roleui.core.models import Account, Catalog, Defaults, Role

pytest_plugins = ("_engine_fixtures",)  # the sts and user fixtures

TOOLING = Account(id="111111111111", name="tooling")
DATA = Account(id="222222222222", name="shared-data", region="eu-west-1")


def catalog(*roles: Role, **defaults: object) -> Catalog:
    return Catalog(defaults=Defaults(**defaults), accounts=(TOOLING, DATA), roles=roles)  # type: ignore[arg-type]


def identity_of(session_credentials: object) -> str:
    creds = session_credentials
    client = boto3.client(
        "sts",
        region_name="us-east-1",
        aws_access_key_id=creds.access_key_id,  # type: ignore[attr-defined]
        aws_secret_access_key=creds.secret_access_key,  # type: ignore[attr-defined]
        aws_session_token=creds.session_token,  # type: ignore[attr-defined]
    )
    return str(client.get_caller_identity()["Arn"])


def test_every_catalog_option_reaches_sts_as_the_matching_parameter(sts: StsProxy, user: tuple[str, str]) -> None:
    role = Role(
        account=DATA,
        name="CrossAccountS3ReadOnly",
        external_id="my-secret-external-id-1234",
        duration=5400,
        session_tags={"team": "data", "cost-center": "42"},
        transitive_tag_keys=("team",),
        source_identity="deepak.dev",
    )
    session = Engine(catalog(role)).assume(role)
    (call,) = sts.actions("AssumeRole")
    assert call.get("RoleArn") == "arn:aws:iam::222222222222:role/CrossAccountS3ReadOnly"
    assert call.get("ExternalId") == "my-secret-external-id-1234"
    assert call.get("DurationSeconds") == "5400"
    assert call.get("RoleSessionName") == BASE_USER
    assert {call.get("Tags.member.1.Key"), call.get("Tags.member.2.Key")} == {"team", "cost-center"}
    assert call.get("TransitiveTagKeys.member.1") == "team"
    assert call.get("SourceIdentity") == "deepak.dev"
    assert call.get("SerialNumber") is None
    assert call.get("TokenCode") is None
    assert call.access_key == user[0]
    assert session.assumed_role_arn == f"arn:aws:sts::222222222222:assumed-role/CrossAccountS3ReadOnly/{BASE_USER}"
    assert identity_of(session.credentials) == session.assumed_role_arn
    assert session.region == "eu-west-1"
    assert not session.chained


def test_command_line_overrides_win_over_the_catalog(sts: StsProxy, user: tuple[str, str]) -> None:
    role = Role(account=DATA, name="Reader", session_tags={"team": "data"}, transitive_tag_keys=("team",))
    options = AssumeOptions(
        duration=900, session_name="ci-job-17", region="eu-central-1", tags={"Team": "ops", "run": "17"}
    )
    session = Engine(catalog(role)).assume(role, options)
    (call,) = sts.actions("AssumeRole")
    assert call.get("DurationSeconds") == "900"
    assert call.get("RoleSessionName") == "ci-job-17"
    tags = {call.get(f"Tags.member.{i}.Key"): call.get(f"Tags.member.{i}.Value") for i in (1, 2)}
    assert tags == {"Team": "ops", "run": "17"}  # tag keys are case-insensitive: Team replaced team
    assert session.region == "eu-central-1"


def test_the_session_name_template_is_filled_and_cleaned_to_the_sts_charset(
    sts: StsProxy, user: tuple[str, str]
) -> None:
    role = Role(account=DATA, name="Reader", session_name="{user} on {account}/{role}")
    session = Engine(catalog(role)).assume(role)
    assert sts.actions("AssumeRole")[0].get("RoleSessionName") == "deepak.dev-on-shared-data-Reader"
    assert session.session_name == "deepak.dev-on-shared-data-Reader"


@pytest.mark.parametrize(
    ("change", "options", "words"),
    [
        ({}, AssumeOptions(duration=600), "outside 900..43200"),
        ({}, AssumeOptions(session_name="has space"), "not a valid session name"),
        ({}, AssumeOptions(region="Mars"), "not an AWS region"),
        ({}, AssumeOptions(mfa_code="12345"), "exactly 6 digits"),
        ({"external_id": "x"}, AssumeOptions(), "ExternalId is not valid"),
        ({"source_identity": "aws:me"}, AssumeOptions(), "starts with 'aws:'"),
        ({"mfa_serial": "arn:aws:iam::123456789012:u2f/root/key"}, AssumeOptions(), "FIDO/U2F"),
        ({"session_tags": {f"k{i}": "v" for i in range(51)}}, AssumeOptions(), "at most 50"),
        ({"session_tags": {"a": "1"}, "transitive_tag_keys": ("b",)}, AssumeOptions(), "not one of the session tags"),
    ],
)
def test_a_parameter_sts_would_refuse_is_refused_before_any_call(
    sts: StsProxy, user: tuple[str, str], change: dict[str, object], options: AssumeOptions, words: str
) -> None:
    role = replace(Role(account=DATA, name="Reader"), **change)  # type: ignore[arg-type]
    with pytest.raises(UsageError) as caught:
        Engine(catalog(role)).assume(role, options)
    assert words in str(caught.value)
    assert caught.value.exit_code == EXIT_USAGE
    assert sts.calls == []
    assert "my-secret" not in str(caught.value)


def test_a_fresh_cached_session_is_returned_without_a_call(sts: StsProxy, user: tuple[str, str]) -> None:
    role = Role(account=DATA, name="Reader")
    engine = Engine(catalog(role))
    first = engine.assume(role)
    calls = len(sts.calls)
    assert engine.assume(role) == first
    assert engine.cached(role) == first
    assert len(sts.calls) == calls
    refreshed = Engine(catalog(role)).assume(role, AssumeOptions(use_cache=False))  # --no-cache: assume anew
    assert refreshed.credentials.access_key_id != first.credentials.access_key_id
    assert len(sts.actions("AssumeRole")) == 2
    assert engine.cached(role) == refreshed  # the new session replaced the old one in the cache


def test_base_credentials_come_from_the_catalog_source_profile(
    sts: StsProxy, user: tuple[str, str], isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    credentials = isolated_env / ".aws" / "credentials"
    credentials.parent.mkdir(exist_ok=True)
    credentials.write_text(f"[tooling]\naws_access_key_id = {user[0]}\naws_secret_access_key = {user[1]}\n")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAWRONGWRONGWRONG0")  # the default chain would be wrong
    role = Role(account=DATA, name="Reader")
    session = Engine(catalog(role, source_profile="tooling")).assume(role)
    assert sts.actions("AssumeRole")[0].access_key == user[0]
    assert session.session_name == BASE_USER


def test_a_missing_source_profile_is_a_usage_error_naming_it(sts: StsProxy, user: tuple[str, str]) -> None:
    role = Role(account=DATA, name="Reader", source_profile="nope")
    with pytest.raises(RoleuiError) as caught:
        Engine(catalog(role)).assume(role)
    assert "'nope'" in str(caught.value)
    assert caught.value.exit_code == EXIT_USAGE
    assert sts.calls == []


def test_chaining_assumes_two_hops_and_the_second_hops_caller_is_the_first_role(
    sts: StsProxy, user: tuple[str, str]
) -> None:
    toml = """
[defaults]
duration = "2h"
[[accounts]]
id = "111111111111"
name = "tooling"
  [[accounts.roles]]
  name = "JumpRole"
[[accounts]]
id = "222222222222"
name = "shared-data"
  [[accounts.roles]]
  name = "Middle"
  via = "tooling/JumpRole"
[[accounts]]
id = "333333333333"
name = "prod"
  [[accounts.roles]]
  name = "Deep"
  via = "shared-data/Middle"
"""
    cat = parse_catalog(toml, "chain.toml")
    deep = next(r for r in cat.roles if r.name == "Deep")
    warnings: list[str] = []
    session = Engine(cat, warn=warnings.append).assume(deep)
    jump, middle, final = sts.actions("AssumeRole")
    assert str(jump.get("RoleArn")).endswith(":role/JumpRole")
    assert jump.access_key == user[0]
    assert jump.get("DurationSeconds") == "7200"  # the first hop is not chained
    jump_key = Engine(cat).cached(next(r for r in cat.roles if r.name == "JumpRole")).credentials.access_key_id  # type: ignore[union-attr]
    assert middle.access_key == jump_key  # hop two signed with hop one's credentials
    assert middle.get("DurationSeconds") == "3600"
    assert final.get("DurationSeconds") == "3600"
    assert any("shared-data/Middle" in w and "clamped to 1h" in w for w in warnings)
    assert any("prod/Deep" in w for w in warnings)
    assert session.chained
    assert identity_of(session.credentials) == f"arn:aws:sts::333333333333:assumed-role/Deep/{BASE_USER}"


def test_a_role_session_as_base_credentials_is_chaining_too_and_is_clamped(
    sts: StsProxy, user: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    sso_like = boto3.client("sts", region_name="us-east-1").assume_role(
        RoleArn="arn:aws:iam::111111111111:role/SSO", RoleSessionName="deepak"
    )
    creds = sso_like["Credentials"]
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", creds["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", creds["SecretAccessKey"])
    monkeypatch.setenv("AWS_SESSION_TOKEN", creds["SessionToken"])
    role = Role(account=DATA, name="Reader", duration=7200)
    warnings: list[str] = []
    session = Engine(catalog(role), warn=warnings.append).assume(role)
    assert sts.actions("AssumeRole")[-1].get("DurationSeconds") == "3600"
    assert warnings
    assert "role session" in warnings[0]
    assert session.chained
    assert session.session_name == "deepak"


def test_one_mfa_code_opens_one_mfa_session_that_serves_two_roles(sts: StsProxy, user: tuple[str, str]) -> None:
    first = Role(account=DATA, name="Admin", mfa_serial=MFA_SERIAL)
    second = Role(account=TOOLING, name="Deployer", mfa_serial=MFA_SERIAL)
    asked: list[str] = []

    def type_code(serial: str) -> str:
        asked.append(serial)
        return "123456"

    engine = Engine(catalog(first, second, mfa_session_duration=6 * 3600))
    assert engine.mfa_serial_needed(first) == MFA_SERIAL
    engine.assume(first, mfa=type_code)
    assert engine.mfa_serial_needed(second) is None  # the MFA session is cached
    engine.assume(second, mfa=type_code)
    assert asked == [MFA_SERIAL]
    (token,) = sts.actions("GetSessionToken")
    assert token.get("SerialNumber") == MFA_SERIAL
    assert token.get("TokenCode") == "123456"
    assert token.get("DurationSeconds") == "21600"
    assumes = sts.actions("AssumeRole")
    assert len(assumes) == 2
    assert all(c.get("SerialNumber") is None and c.get("TokenCode") is None for c in assumes)
    assert all(c.access_key != user[0] for c in assumes)  # signed with the MFA session's keys
    assert len({c.access_key for c in assumes}) == 1
    assert [m.serial for m in engine.mfa_sessions()] == [MFA_SERIAL]
    engine.assume(first, AssumeOptions(use_cache=False), mfa=type_code)  # a refresh reuses the MFA session
    assert asked == [MFA_SERIAL]
    assert len(sts.actions("GetSessionToken")) == 1
    assert len(sts.actions("AssumeRole")) == 3


def test_a_role_session_caller_sends_serial_and_code_with_assume_role(sts: StsProxy, user: tuple[str, str]) -> None:
    toml = f"""
[defaults]
mfa_serial = "{MFA_SERIAL}"
[[accounts]]
id = "111111111111"
name = "tooling"
  [[accounts.roles]]
  name = "JumpRole"
[[accounts]]
id = "222222222222"
name = "shared-data"
  [[accounts.roles]]
  name = "Guarded"
  via = "tooling/JumpRole"
  mfa = true
"""
    cat = parse_catalog(toml, "mfa.toml")
    guarded = next(r for r in cat.roles if r.name == "Guarded")
    engine = Engine(cat)
    assert engine.mfa_serial_needed(guarded) == MFA_SERIAL
    engine.assume(guarded, AssumeOptions(mfa_code="654321"))
    assert engine.mfa_serial_needed(guarded) is None
    assert (
        engine.mfa_serial_needed(guarded, AssumeOptions(use_cache=False)) == MFA_SERIAL
    )  # a role caller needs a new code
    assert sts.actions("GetSessionToken") == []
    last = sts.actions("AssumeRole")[-1]
    assert last.get("SerialNumber") == MFA_SERIAL
    assert last.get("TokenCode") == "654321"


def test_mfa_process_supplies_the_code_and_no_one_is_asked(
    sts: StsProxy, user: tuple[str, str], tmp_path: Path
) -> None:
    script = tmp_path / "otp"
    script.write_text('#!/bin/sh\necho "aws-account  $ROLEUI_MFA_SERIAL"\necho 987654\n')
    script.chmod(0o755)
    role = Role(account=DATA, name="Admin", mfa_serial=MFA_SERIAL)
    engine = Engine(catalog(role, mfa_process=str(script)))
    assert engine.mfa_serial_needed(role) is None  # nothing to ask the person

    def never(serial: str) -> str:
        raise AssertionError("the provider must not be asked")

    engine.assume(role, mfa=never)
    assert sts.actions("GetSessionToken")[0].get("TokenCode") == "987654"


def test_an_mfa_process_that_fails_is_a_clear_error(sts: StsProxy, user: tuple[str, str]) -> None:
    role = Role(account=DATA, name="Admin", mfa_serial=MFA_SERIAL)
    with pytest.raises(RoleuiError) as caught:
        Engine(catalog(role, mfa_process="exit 3")).assume(role)
    assert "exit status 3" in str(caught.value)
    assert sts.actions("GetSessionToken") == []
    assert sts.actions("AssumeRole") == []


def test_without_a_code_source_an_mfa_role_says_how_to_give_one(sts: StsProxy, user: tuple[str, str]) -> None:
    role = Role(account=DATA, name="Admin", mfa_serial=MFA_SERIAL)
    with pytest.raises(UsageError, match="--mfa-code"):
        Engine(catalog(role)).assume(role)


def test_threads_assuming_the_same_role_at_once_make_one_call(sts: StsProxy, user: tuple[str, str]) -> None:
    role = Role(account=DATA, name="Reader")
    engine = Engine(catalog(role))
    results: list[object] = []
    threads = [threading.Thread(target=lambda: results.append(engine.assume(role))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(results) == 4
    assert len({id(r) for r in results}) >= 1
    assert len({r.credentials.access_key_id for r in results}) == 1  # type: ignore[attr-defined]
    assert len(sts.actions("AssumeRole")) == 1


def test_base_identity_names_the_base_user(sts: StsProxy, user: tuple[str, str]) -> None:
    identity = Engine(catalog()).base_identity()
    assert identity.arn == f"arn:aws:iam::123456789012:user/{BASE_USER}"
    assert identity.account == "123456789012"


def test_the_base_identity_asked_from_a_child_process_is_the_same(sts: StsProxy, user: tuple[str, str]) -> None:
    engine = Engine(catalog())
    assert engine.base_identity(in_child=True) == engine.base_identity()


def test_a_child_that_cannot_identify_the_base_credentials_says_why_in_one_line(
    sts: StsProxy, user: tuple[str, str]
) -> None:
    engine = Engine(catalog(), environ={**os.environ, "AWS_PROFILE": "no-such-profile"})
    with pytest.raises(RoleuiError) as raised:
        engine.base_identity(in_child=True)
    assert "no-such-profile" in raised.value.message
    assert "\n" not in raised.value.message
    assert "Traceback" not in raised.value.message


def test_sessions_lists_live_sessions_and_forget_removes_them(sts: StsProxy, user: tuple[str, str]) -> None:
    a = Role(account=DATA, name="Reader")
    b = Role(account=TOOLING, name="JumpRole")
    engine = Engine(catalog(a, b))
    engine.assume(a)
    engine.assume(b)
    engine.assume(a, AssumeOptions(duration=1800))  # a second session of the same role
    assert sorted(s.role_key for s in engine.sessions()) == [
        "shared-data/Reader",
        "shared-data/Reader",
        "tooling/JumpRole",
    ]
    assert engine.forget(a) == 2
    assert [s.role_key for s in engine.sessions()] == ["tooling/JumpRole"]
    assert engine.forget_all() == 1
    assert engine.sessions() == []
