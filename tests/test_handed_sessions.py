"""Sessions handed to a tool or an agent: `exec --name --for --scope`, `roleui sessions`, `roleui revoke`.

The children are real: the aws CLI reads its keys from roleui's endpoint, and after `roleui revoke NAME` its next
credential request fails with roleui's message on its own stderr. Time limits run on a frozen clock.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import boto3
import pytest
from _engine_helpers import AWS_CLI, CATALOG, PYTHON, ROOT, StsProxy, roleui, write_catalog
from _recorder_helpers import Recording, recording

from roleui.aws.credential_server import Renew, serving
from roleui.aws.engine import Engine
from roleui.aws.revoke_sessions import POLICY_NAME
from roleui.core.catalog.parse import parse_catalog
from roleui.core.catalog.refs import resolve_role
from roleui.core.clock import FrozenClock, utc_now
from roleui.core.errors import EXIT_USAGE
from roleui.core.sessions import handed, trail
from roleui.core.sessions.assume_plan import AssumeOptions

pytest_plugins = ("_engine_fixtures",)  # the sts and user fixtures

# The child: one credential request, a signal that it holds keys, then (once told) the next request.
CHILD = f"""
{AWS_CLI} sts get-caller-identity --query Arn --output text || exit 9
touch "$1"
while [ ! -e "$2" ]; do sleep 0.05; done
exec {AWS_CLI} sts get-caller-identity --query Arn --output text
"""


@contextmanager
def exec_child(tmp_path: Path, *options: str) -> Iterator[tuple[subprocess.Popen[str], Path, Path]]:
    ready, go = tmp_path / "ready", tmp_path / "go"
    script = tmp_path / "child.sh"
    script.write_text(CHILD)
    argv = [PYTHON, "-m", "roleui", "exec", "tooling/JumpRole", *options, "--", "sh", str(script), str(ready), str(go)]
    child = subprocess.Popen(
        argv, cwd=str(ROOT), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 60
        while not ready.exists():
            assert child.poll() is None, child.communicate()
            assert time.monotonic() < deadline, "the child never got its first keys"
            time.sleep(0.05)
        yield child, ready, go
    finally:
        go.touch()  # a failed test leaves no child waiting
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
            child.communicate()


def test_revoke_makes_the_named_childs_next_credential_request_fail_with_a_clear_message(
    sts: StsProxy, user: tuple[str, str], tmp_path: Path
) -> None:
    write_catalog()
    with exec_child(tmp_path, "--scope", "read-only", "--name", "agent-7", "--for", "30m") as (child, _, go):
        listed = json.loads(roleui("sessions", "--json").stdout)
        (entry,) = [e for e in listed if e["kind"] == "child"]
        assert entry["name"] == "agent-7"
        assert entry["scope"] == "read-only"
        assert entry["role_key"] == "tooling/JumpRole"
        assert entry["renews_for"].startswith(("30m", "29m"))
        assert "token" not in json.dumps(entry).lower()
        table = roleui("sessions").stdout
        assert "child agent-7" in table
        assert "read-only" in table
        done = roleui("revoke", "agent-7")
        assert done.returncode == 0
        assert done.stdout.strip() == "revoked agent-7 (tooling/JumpRole): its next credential request is refused"
        go.touch()
        out, err = child.communicate(timeout=60)
    assert out.splitlines()[0] == "arn:aws:sts::111111111111:assumed-role/JumpRole/agent-7"  # NAME in the session name
    assert child.returncode != 0
    assert "roleui revoked the session agent-7 (tooling/JumpRole)" in err
    assert "ask its owner for a new session" in err
    # The assume that served it sent the scope; the trail holds the handing-out and the revocation.
    (call,) = sts.actions("AssumeRole")
    assert call.get("PolicyArns.member.1.arn") == "arn:aws:iam::aws:policy/ReadOnlyAccess"
    assert call.get("RoleSessionName") == "agent-7"
    assert call.get("DurationSeconds") == "1800"  # --for 30m asks STS for no more
    history = [json.loads(line) for line in roleui("history", "agent-7", "--json").stdout.splitlines()]
    assert [e["event"] for e in history] == ["assume", "handed", "revoke"]
    assert roleui("sessions", "--json").stdout.count('"child"') == 0  # gone with its roleui


def test_revoking_a_name_nobody_serves_says_which_are_live(sts: StsProxy, user: tuple[str, str]) -> None:
    write_catalog()
    done = roleui("revoke", "ghost")
    assert done.returncode == EXIT_USAGE
    assert done.stderr.strip() == "roleui: no live session named 'ghost' (live: none) — see `roleui sessions`"


def test_name_and_for_are_checked_before_anything_is_assumed(sts: StsProxy, user: tuple[str, str]) -> None:
    write_catalog()
    bad_name = roleui("exec", "tooling/JumpRole", "--name", "my agent", "--", "true")
    assert bad_name.returncode == EXIT_USAGE
    assert bad_name.stderr.startswith("roleui: --name 'my agent':")
    static = roleui("exec", "tooling/JumpRole", "--static", "--for", "30m", "--", "true")
    assert static.returncode == EXIT_USAGE
    assert "need the credential endpoint" in static.stderr
    bad_for = roleui("exec", "tooling/JumpRole", "--for", "soon", "--", "true")
    assert bad_for.returncode == EXIT_USAGE
    assert bad_for.stderr.startswith("roleui: --for:")
    assert not sts.actions("AssumeRole")


def test_the_endpoint_stops_renewing_after_for_and_the_child_is_told_why(sts: StsProxy, user: tuple[str, str]) -> None:
    clock = FrozenClock(utc_now())
    path = write_catalog()
    engine = Engine(parse_catalog(path.read_text(), str(path)), clock=clock)
    role = resolve_role(engine.catalog, "tooling/JumpRole")
    options = AssumeOptions(scope="read-only", duration=3600)
    session = engine.assume(role, options)
    until = handed.deadline(clock(), 50 * 60)

    def limit(renew: Renew) -> Renew:
        return handed.limited_renewal(renew, "agent", until, clock)

    with serving(engine, role, session, options, limit=limit) as endpoint:
        request = urllib.request.Request(endpoint.url, headers={"Authorization": endpoint.token})
        clock.advance(46 * 60)  # 14 minutes left, before --for: renewed (in the background)
        urllib.request.urlopen(request).read()
        endpoint.wait_for_renewal()
        assert len(sts.actions("AssumeRole")) == 2
        assert endpoint.session.credentials.access_key_id != session.credentials.access_key_id
        clock.advance(11 * 60)  # past --for, 3 minutes before the held session ends: no renewal, and why
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request)
        body = json.loads(refused.value.read())
        assert refused.value.code == 503
        assert "was handed out until" in body["Message"]
        assert "(--for): roleui does not renew it" in body["Message"]
    assert len(sts.actions("AssumeRole")) == 2
    # The renewal is recorded as one, under the child's name.
    renewals = [e for e in trail.read_entries() if e["event"] == "renewal"]
    assert [(e["child"], e["scope"]) for e in renewals] == [("agent", "read-only")]


@pytest.fixture
def recorded(sts: StsProxy, aws: str, tmp_path: Path) -> Iterator[Recording]:
    with recording(aws, tmp_path / "moto-recording.jsonl") as rec:
        yield rec


def test_revoke_in_aws_puts_the_consoles_deny_on_token_issue_time_after_naming_account_and_role(
    recorded: Recording, user: tuple[str, str], aws: str
) -> None:
    write_catalog(CATALOG)
    # The role in its own account (111111111111), made with a session there, as the IAM console's user would.
    sts = boto3.client("sts", region_name="us-east-1", endpoint_url=aws)
    keys = sts.assume_role(RoleArn="arn:aws:iam::111111111111:role/JumpRole", RoleSessionName="setup")["Credentials"]
    iam = boto3.client(
        "iam",
        region_name="us-east-1",
        endpoint_url=aws,
        aws_access_key_id=keys["AccessKeyId"],
        aws_secret_access_key=keys["SecretAccessKey"],
        aws_session_token=keys["SessionToken"],
    )
    iam.create_role(RoleName="JumpRole", AssumeRolePolicyDocument="{}")
    unconfirmed = roleui("revoke", "tooling/JumpRole", "--aws")
    assert unconfirmed.returncode == EXIT_USAGE
    assert "role JumpRole in account tooling (111111111111)" in unconfirmed.stderr
    assert "confirm with --yes" in unconfirmed.stderr
    assert not recorded.calls("PutRolePolicy")
    done = roleui("revoke", "tooling/JumpRole", "--aws", "--yes")
    assert done.returncode == 0, done.stderr
    (call,) = recorded.calls("PutRolePolicy")
    assert call["RoleName"] == "JumpRole"
    assert call["PolicyName"] == POLICY_NAME
    (statement,) = json.loads(call["PolicyDocument"])["Statement"]
    assert statement["Effect"] == "Deny"
    assert statement["Action"] == ["*"]
    assert statement["Resource"] == ["*"]
    assert set(statement["Condition"]["DateLessThan"]) == {"aws:TokenIssueTime"}
    # moto stores it (and enforces nothing: real AWS denies every older session from now on).
    stored = iam.get_role_policy(RoleName="JumpRole", PolicyName=POLICY_NAME)["PolicyDocument"]
    assert stored["Statement"][0]["Condition"] == statement["Condition"]
    assert os.environ.get("AWS_ENDPOINT_URL")  # never real AWS
