"""Session policies (scopes): what reached STS (moto's request recorder), the cache kept apart, and the checks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from _engine_helpers import roleui, write_catalog
from _recorder_helpers import Recording, recording
from botocore.stub import Stubber

from roleui.aws.engine import AssumeOptions, Engine
from roleui.core.catalog.parse import parse_catalog
from roleui.core.errors import EXIT_USAGE, ConfigError, RoleuiError, UsageError
from roleui.core.models import Account, Catalog, Role
from roleui.core.scopes import partition_arn
from roleui.core.sessions.assume_plan import plan_assume

CATALOG = """
[defaults]
region = "eu-west-1"

[scopes]
logs = { policy_arns = ["CloudWatchLogsReadOnlyAccess", "arn:aws:iam::222222222222:policy/team-logs"] }

[[accounts]]
id = "111111111111"
name = "tooling"

  [[accounts.roles]]
  name = "JumpRole"

[[accounts]]
id = "222222222222"
name = "main"

  [[accounts.roles]]
  name = "AdminAccessRole"

  [[accounts.roles]]
  name = "DataReader"
  via = "tooling/JumpRole"

[[accounts]]
id = "333333333333"
name = "gov"
partition = "aws-us-gov"
region = "us-gov-west-1"

  [[accounts.roles]]
  name = "GovAdmin"
"""

POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}


@pytest.fixture
def recorded(aws: str, tmp_path: Path) -> Iterator[Recording]:
    with recording(aws, tmp_path / "moto-recording.jsonl") as rec:
        yield rec


def role(catalog: Catalog, key: str) -> Role:
    return next(r for r in catalog.roles if r.key == key)


def policy_arns(call: dict[str, str]) -> list[str]:
    return [v for k, v in sorted(call.items()) if k.startswith("PolicyArns.member.") and k.endswith(".arn")]


def test_read_only_scope_sends_the_partitions_read_only_access_arn(recorded: Recording) -> None:
    catalog = parse_catalog(CATALOG)
    engine = Engine(catalog)
    session = engine.assume(role(catalog, "main/AdminAccessRole"), AssumeOptions(scope="read-only"))
    (call,) = recorded.calls("AssumeRole")
    assert policy_arns(call) == ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
    assert "Policy" not in call
    assert session.scope == "read-only"


def test_in_govcloud_read_only_is_the_aws_us_gov_arn(recorded: Recording) -> None:
    catalog = parse_catalog(CATALOG)
    Engine(catalog).assume(role(catalog, "gov/GovAdmin"), AssumeOptions(scope="read-only"))
    (call,) = recorded.calls("AssumeRole")
    assert call["RoleArn"] == "arn:aws-us-gov:iam::333333333333:role/GovAdmin"
    assert policy_arns(call) == ["arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess"]


def test_an_unscoped_assume_sends_no_session_policy(recorded: Recording) -> None:
    catalog = parse_catalog(CATALOG)
    Engine(catalog).assume(role(catalog, "main/AdminAccessRole"))
    (call,) = recorded.calls("AssumeRole")
    assert not policy_arns(call)
    assert "Policy" not in call


def test_a_scoped_session_is_never_served_for_an_unscoped_request_nor_the_reverse(recorded: Recording) -> None:
    catalog = parse_catalog(CATALOG)
    admin = role(catalog, "main/AdminAccessRole")
    engine = Engine(catalog)
    scoped = engine.assume(admin, AssumeOptions(scope="read-only"))
    plain = engine.assume(admin)
    logs = engine.assume(admin, AssumeOptions(scope="logs"))
    assert len({scoped.credentials.access_key_id, plain.credentials.access_key_id, logs.credentials.access_key_id}) == 3
    # Each is served from the cache to a request like its own, and only to that.
    assert engine.assume(admin, AssumeOptions(scope="read-only")).credentials == scoped.credentials
    assert engine.assume(admin).credentials == plain.credentials
    assert engine.assume(admin, AssumeOptions(scope="logs")).credentials == logs.credentials
    calls = recorded.calls("AssumeRole")
    assert [policy_arns(c) for c in calls] == [
        ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
        [],
        ["arn:aws:iam::aws:policy/CloudWatchLogsReadOnlyAccess", "arn:aws:iam::222222222222:policy/team-logs"],
    ]
    assert plain.scope is None
    assert logs.scope == "logs"


def test_chaining_passes_the_scope_only_to_the_last_hop(recorded: Recording) -> None:
    catalog = parse_catalog(CATALOG)
    Engine(catalog).assume(role(catalog, "main/DataReader"), AssumeOptions(scope="read-only"))
    jump, last = recorded.calls("AssumeRole")
    assert jump["RoleArn"].endswith(":role/JumpRole")
    assert not policy_arns(jump)
    assert last["RoleArn"].endswith(":role/DataReader")
    assert policy_arns(last) == ["arn:aws:iam::aws:policy/ReadOnlyAccess"]


def test_policy_arn_and_policy_file_reach_sts_with_the_json_compacted(recorded: Recording) -> None:
    catalog = parse_catalog(CATALOG)
    document = json.dumps(POLICY, indent=4)
    options = AssumeOptions(policy_arns=("arn:aws:iam::222222222222:policy/extra",), policy=document)
    session = Engine(catalog).assume(role(catalog, "main/AdminAccessRole"), options)
    (call,) = recorded.calls("AssumeRole")
    assert policy_arns(call) == ["arn:aws:iam::222222222222:policy/extra"]
    assert json.loads(call["Policy"]) == POLICY
    assert call["Policy"] == json.dumps(POLICY, separators=(",", ":"))
    assert session.scope == "custom"


def test_a_roles_own_catalog_policies_are_sent_with_every_assume(recorded: Recording, tmp_path: Path) -> None:
    (tmp_path / "bucket.json").write_text(json.dumps(POLICY))
    text = CATALOG.replace(
        'name = "AdminAccessRole"',
        'name = "AdminAccessRole"\n  policy_arns = ["ViewOnlyAccess"]\n  policy = "bucket.json"',
    )
    catalog = parse_catalog(text, str(tmp_path / "catalog.toml"))
    Engine(catalog).assume(role(catalog, "main/AdminAccessRole"))
    (call,) = recorded.calls("AssumeRole")
    assert policy_arns(call) == ["arn:aws:iam::aws:policy/ViewOnlyAccess"]
    assert json.loads(call["Policy"]) == POLICY


def test_an_unknown_scope_is_a_usage_error_naming_the_known_ones() -> None:
    catalog = parse_catalog(CATALOG)
    with pytest.raises(UsageError, match=r"no scope named 'readonly'.*logs, read-only"):
        plan_assume(catalog, role(catalog, "main/AdminAccessRole"), AssumeOptions(scope="readonly"))


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (AssumeOptions(policy_arns=("arn:aws:iam::aws:role/Nope",)), "is not a policy ARN"),
        (AssumeOptions(policy_arns=tuple(f"P{i}" for i in range(11))), "at most 10"),
        (AssumeOptions(policy="{not json"), "is not JSON"),
        (AssumeOptions(policy="[1, 2]"), "is not a JSON object"),
        (AssumeOptions(policy=json.dumps({"Version": "2012-10-17", "Sid": "x" * 2100})), "AWS takes at most 2048"),
    ],
)
def test_what_aws_would_refuse_is_refused_before_any_call(options: AssumeOptions, said: str) -> None:
    catalog = parse_catalog(CATALOG)
    with pytest.raises(UsageError, match=said) as caught:
        plan_assume(catalog, role(catalog, "main/AdminAccessRole"), options)
    assert caught.value.exit_code == EXIT_USAGE


def test_the_catalog_checks_scopes_and_role_policies_with_their_lines(tmp_path: Path) -> None:
    text = (
        CATALOG.replace(
            'logs = { policy_arns = ["CloudWatchLogsReadOnlyAccess", "arn:aws:iam::222222222222:policy/team-logs"] }',
            'logs = { policy_arns = ["arn:aws:s3:::bucket"] }\nbroken = { policy = "{nope" }\nempty = {}',
        )
        + '\n  [[accounts.roles]]\n  name = "TooMany"\n  policy_arns = ['
        + ", ".join(f'"P{i}"' for i in range(11))
        + "]\n"
    )
    with pytest.raises(ConfigError) as caught:
        parse_catalog(text, "catalog.toml")
    said = {(p.key, p.message.split(" (")[0]) for p in caught.value.problems}
    assert ("scopes.logs.policy_arns", "'arn:aws:s3:::bucket' is not a policy ARN") in said
    assert ("scopes.broken.policy", "is not JSON") in said
    assert ("scopes.empty", "has no policy_arns and no policy") in said
    assert any(key.endswith("TooMany].policy_arns") and message == "11 policy ARNs" for key, message in said)
    assert all(p.line > 0 for p in caught.value.problems)


def test_a_permission_set_refuses_a_scope_and_offers_the_role_chained_from_it() -> None:
    account = Account(id="222222222222", name="main")
    permission_set = Role(
        account=account,
        name="AdministratorAccess",
        path="/aws-reserved/sso.amazonaws.com/",
        sso_start_url="https://d-1234567890.awsapps.com/start",
        sso_region="eu-west-1",
    )
    chained = Role(account=account, name="Deployer", via="main/AdministratorAccess")
    catalog = Catalog(accounts=(account,), roles=(permission_set, chained))
    with pytest.raises(UsageError) as caught:
        plan_assume(catalog, permission_set, AssumeOptions(scope="read-only"))
    assert "permission set: GetRoleCredentials takes no session policy" in caught.value.message
    assert "assume main/Deployer" in caught.value.message
    request = plan_assume(catalog, chained, AssumeOptions(scope="read-only"))
    assert request.session_policy.policy_arns == ("arn:aws:iam::aws:policy/ReadOnlyAccess",)
    assert request.via is not None
    assert not request.via.session_policy


def test_a_lone_permission_set_says_how_to_get_a_scoped_role() -> None:
    account = Account(id="222222222222", name="main")
    permission_set = Role(
        account=account, name="Admin", sso_start_url="https://x.awsapps.com/start", sso_region="eu-west-1"
    )
    with pytest.raises(UsageError, match="add an IAM role with via = 'main/Admin'"):
        plan_assume(
            Catalog(accounts=(account,), roles=(permission_set,)), permission_set, AssumeOptions(scope="read-only")
        )


def test_packed_policy_too_large_is_one_line_saying_it_is_awss_limit(aws: str) -> None:
    catalog = parse_catalog(CATALOG)
    stubbers: list[Stubber] = []

    def hook(client: object) -> None:
        stubber = Stubber(client)
        stubber.add_response(
            "get_caller_identity",
            {"Account": "111111111111", "Arn": "arn:aws:iam::111111111111:user/deepak.dev", "UserId": "AIDAEXAMPLE"},
        )
        stubber.add_client_error(
            "assume_role",
            service_error_code="PackedPolicyTooLarge",
            service_message="Packed policy consumes 112% of allotted space",
            http_status_code=400,
        )
        stubber.activate()
        stubbers.append(stubber)

    engine = Engine(catalog, client_hook=hook)
    with pytest.raises(RoleuiError) as caught:
        engine.assume(role(catalog, "main/AdminAccessRole"), AssumeOptions(scope="read-only"))
    message = caught.value.message
    assert "\n" not in message
    assert "PackedPolicyTooLarge" in message
    assert "AWS's own limit" in message
    assert caught.value.exit_code == EXIT_USAGE


def test_aws_managed_arns_follow_the_partition_and_customer_arns_stay() -> None:
    assert partition_arn("ReadOnlyAccess", "aws-cn") == "arn:aws-cn:iam::aws:policy/ReadOnlyAccess"
    assert partition_arn("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess", "aws-us-gov") == (
        "arn:aws-us-gov:iam::aws:policy/job-function/ViewOnlyAccess"
    )
    assert (
        partition_arn("arn:aws:iam::123456789012:policy/mine", "aws-us-gov") == "arn:aws:iam::123456789012:policy/mine"
    )


def test_status_shows_the_scope_of_the_session_it_runs_in(aws: str) -> None:
    write_catalog(CATALOG)
    argv = ["exec", "main/AdminAccessRole", "--scope", "read-only", "--", "roleui", "status", "--format"]
    scoped = roleui(*argv, "{key} [{scope}]")
    assert scoped.returncode == 0, scoped.stderr
    assert scoped.stdout == "main/AdminAccessRole [read-only]\n"
    full = roleui("exec", "main/AdminAccessRole", "--", "roleui", "status", "--format", "{key} [{scope}]")
    assert full.stdout == "main/AdminAccessRole []\n"


def test_check_says_what_it_checked_of_the_session_policies_and_that_the_packed_size_is_awss() -> None:
    write_catalog(CATALOG)
    done = roleui("check")
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == (
        "note: session policies of 1 scopes and 0 roles checked offline (JSON, ARN form, at most 10 ARNs, "
        "2,048 characters); their packed size is AWS's own limit (PackedPolicyTooLarge)"
    )
    write_catalog(CATALOG.replace('"arn:aws:iam::222222222222:policy/team-logs"', '"arn:aws:iam::2222:policy/x"'))
    bad = roleui("check")
    assert bad.returncode == EXIT_USAGE
    assert "scopes.logs.policy_arns: 'arn:aws:iam::2222:policy/x' is not a policy ARN" in bad.stderr
