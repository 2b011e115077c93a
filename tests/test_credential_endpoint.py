"""The credential endpoint: real botocore and the real aws CLI in children get renewing keys from it.

The endpoint runs in this process over moto (the `sts` proxy records who signed each AssumeRole); the clock the
endpoint and the engine share is frozen, so crossing an expiry is one `advance()`, never a sleep.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from _engine_helpers import AWS_CLI, BASE_USER, PYTHON, ROOT, StsProxy, roleui, write_catalog

from roleui.aws.credential_server import CredentialEndpoint, serving
from roleui.aws.engine import Engine
from roleui.core.catalog.parse import parse_catalog
from roleui.core.catalog.refs import resolve_role
from roleui.core.clock import FrozenClock, utc_now
from roleui.core.errors import RoleuiError
from roleui.core.sessions.assume_plan import AssumeOptions
from roleui.core.sessions.aws_overlay import child_view
from roleui.core.sessions.endpoint_status import read_status
from roleui.core.sessions.renewal import refresh_margin
from roleui.core.sessions.session import Credentials, Session
from roleui.core.sessions.session_env import endpoint_env, session_env

pytest_plugins = ("_engine_fixtures",)  # the sts and user fixtures

READER = "shared-data/CrossAccountS3ReadOnly"
READER_ARN = f"arn:aws:sts::222222222222:assumed-role/CrossAccountS3ReadOnly/{BASE_USER}"
WHO = (
    "import boto3; s = boto3.Session(); k = s.get_credentials().get_frozen_credentials().access_key; "
    "print(k, s.client('sts').get_caller_identity()['Arn'])"
)


def engine_with(clock: FrozenClock | None = None) -> Engine:
    """The engine over the test's catalog, on a frozen clock (at the real time: moto's expiries are real)."""
    clock = clock or FrozenClock(utc_now())
    path = write_catalog()
    return Engine(parse_catalog(path.read_text(), str(path)), clock=clock)


@contextmanager
def served(engine: Engine, key: str) -> Iterator[tuple[CredentialEndpoint, dict[str, str]]]:
    """An endpoint for `key` and the environment a child of it gets."""
    role = resolve_role(engine.catalog, key)
    session = engine.assume(role)
    with serving(engine, role, session, AssumeOptions()) as endpoint, served_view(session, endpoint) as env:
        yield endpoint, env


@contextmanager
def served_view(session: Session, endpoint: CredentialEndpoint) -> Iterator[dict[str, str]]:
    """The environment roleui gives a child of `endpoint`: the test HOME's `[default]` keys overlaid away."""
    view = child_view(session, endpoint_env(session_env(session, os.environ), endpoint.child_vars()), served=True)
    try:
        yield view.env
    finally:
        view.cleanup()


def child(env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60, cwd=ROOT, check=False)


def fetch(url: str, token: str | None) -> tuple[int, dict[str, str]]:
    """GET the endpoint as an SDK does, but without the SDKs' 2-second timeout (a loaded machine is slow)."""
    request = urllib.request.Request(url, headers={"Authorization": token} if token is not None else {})
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def port_is_open(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_botocore_in_a_child_gets_the_roles_keys_from_the_endpoint_and_no_static_keys(
    sts: StsProxy, user: tuple[str, str]
) -> None:
    with served(engine_with(), READER) as (endpoint, env):
        assert "AWS_ACCESS_KEY_ID" not in env
        assert "AWS_CREDENTIAL_EXPIRATION" not in env
        assert env["AWS_CONTAINER_CREDENTIALS_FULL_URI"].startswith("http://127.0.0.1:")
        assert env["AWS_DEFAULT_REGION"] == env["AWS_REGION"] == "eu-west-1"
        assert env["ROLEUI_ROLE"] == READER
        done = child(env, PYTHON, "-c", WHO)
        assert done.returncode == 0, done.stderr
        assert done.stdout.split() == [endpoint.session.credentials.access_key_id, READER_ARN]


def test_the_aws_cli_renews_across_an_expiry_without_sleeping_and_gets_new_keys(
    sts: StsProxy, user: tuple[str, str]
) -> None:
    clock = FrozenClock(utc_now())
    with served(engine_with(clock), READER) as (endpoint, env):
        first = endpoint.session.credentials.access_key_id
        cli = [AWS_CLI, "sts", "get-caller-identity", "--query", "Arn", "--output", "text"]
        assert child(env, *cli).stdout.strip() == READER_ARN
        assert len(sts.actions("AssumeRole")) == 1
        clock.advance(50 * 60)  # 10 minutes left: inside the SDKs' 15, so the endpoint renews...
        done = child(env, *cli)  # ...in the background, answering at once with the still valid session
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == READER_ARN
        endpoint.wait_for_renewal()
        assert endpoint.refreshes == 1
        renewed = endpoint.session.credentials.access_key_id
        assert renewed != first
        assert child(env, PYTHON, "-c", WHO).stdout.split() == [renewed, READER_ARN]
        assert len(sts.actions("AssumeRole")) == 2  # renewed once, then served from memory
        status = read_status(Path(env["ROLEUI_STATUS_FILE"]))
        assert status is not None
        assert status.expiration == endpoint.session.expiration.replace(microsecond=0)


def test_a_session_close_to_its_end_is_renewed_and_the_request_waits_briefly_for_it(
    sts: StsProxy, user: tuple[str, str]
) -> None:
    clock = FrozenClock(utc_now())
    with served(engine_with(clock), READER) as (endpoint, env):
        first = endpoint.session.credentials.access_key_id
        clock.advance(57 * 60)  # 3 minutes left: the request waits up to ANSWER_WAIT for the renewal...
        status, held_or_new = fetch(env["AWS_CONTAINER_CREDENTIALS_FULL_URI"], env["AWS_CONTAINER_AUTHORIZATION_TOKEN"])
        assert status == 200
        endpoint.wait_for_renewal()
        assert endpoint.refreshes == 1
        assert held_or_new["AccessKeyId"] in (first, endpoint.session.credentials.access_key_id)  # ...or gets the held
        clock.now = utc_now()  # back to moto's time, by which the renewed session has its full hour
        status, document = fetch(env["AWS_CONTAINER_CREDENTIALS_FULL_URI"], env["AWS_CONTAINER_AUTHORIZATION_TOKEN"])
        assert document["AccessKeyId"] == endpoint.session.credentials.access_key_id != first
        assert child(env, PYTHON, "-c", WHO).stdout.split() == [document["AccessKeyId"], READER_ARN]


def test_a_chained_role_is_renewed_through_its_chain(sts: StsProxy, user: tuple[str, str]) -> None:
    clock = FrozenClock(utc_now())
    with served(engine_with(clock), "shared-data/DataReader") as (endpoint, env):
        jump_keys = [c.access_key for c in sts.actions("AssumeRole")]
        clock.advance(58 * 60)  # the jump role's session is within the cache margin too
        fetch(env["AWS_CONTAINER_CREDENTIALS_FULL_URI"], env["AWS_CONTAINER_AUTHORIZATION_TOKEN"])
        endpoint.wait_for_renewal()
        clock.now = utc_now()  # back to moto's time, by which the renewed session has its full hour
        status, document = fetch(env["AWS_CONTAINER_CREDENTIALS_FULL_URI"], env["AWS_CONTAINER_AUTHORIZATION_TOKEN"])
        assert status == 200
        calls = sts.actions("AssumeRole")[len(jump_keys) :]
        assert [c.get("RoleArn") for c in calls] == [
            "arn:aws:iam::111111111111:role/JumpRole",
            "arn:aws:iam::222222222222:role/DataReader",
        ]
        assert calls[0].access_key == user[0]  # the base user assumes the jump role...
        assert calls[1].access_key not in (user[0], *jump_keys)  # ...whose new session assumes the data role
        done = child(env, PYTHON, "-c", WHO)
        assert done.returncode == 0, done.stderr
        key, arn = done.stdout.split()
        assert key == document["AccessKeyId"]
        assert arn.startswith("arn:aws:sts::222222222222:assumed-role/DataReader/")


def test_a_wrong_or_missing_token_or_path_is_refused(sts: StsProxy, user: tuple[str, str]) -> None:
    with served(engine_with(), READER) as (_endpoint, env):
        url, token = env["AWS_CONTAINER_CREDENTIALS_FULL_URI"], env["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
        assert fetch(url, None) == (401, {"Code": "Unauthorized", "Message": "the Authorization header is missing"})
        assert fetch(url, token[:-1] + "x")[0] == 403
        assert fetch(url.rsplit("/", 1)[0] + "/other", token)[0] == 404
        status, document = fetch(url, token)
        assert status == 200
        assert set(document) >= {"AccessKeyId", "SecretAccessKey", "Token", "Expiration"}
        wrong = child({**env, "AWS_CONTAINER_AUTHORIZATION_TOKEN": "guess"}, AWS_CLI, "sts", "get-caller-identity")
        assert wrong.returncode != 0
        assert "403" in wrong.stderr
        assert token not in wrong.stderr


def test_a_renewal_that_fails_answers_an_error_the_sdks_show_and_is_reported_once() -> None:
    now = utc_now()
    session = Session(
        READER,
        "arn:aws:iam::222222222222:role/CrossAccountS3ReadOnly",
        "222222222222",
        READER_ARN,
        BASE_USER,
        Credentials("ASIAOLD", "secret", "token", now + timedelta(minutes=5)),
        issued_at=now - timedelta(minutes=55),
    )
    heard: list[str] = []

    def renew(_held: Session) -> Session:
        raise RoleuiError("the MFA session has expired — set mfa_process")

    endpoint = CredentialEndpoint(session, renew, clock=lambda: now, on_error=heard.append).start()
    try:
        with served_view(session, endpoint) as env:
            for _ in range(2):
                status, body = fetch(endpoint.url, endpoint.token)
                assert status == 503
                assert body["Code"] == "CredentialsUnavailable"
                assert "the MFA session has expired" in body["Message"]
            done = child(env, AWS_CLI, "sts", "get-caller-identity")
            assert done.returncode != 0
            assert "503" in done.stderr
            assert heard == ["the MFA session has expired — set mfa_process"]
            assert endpoint.last_error == heard[0]
            status_file = read_status(endpoint.status_file)
            assert status_file is not None
            assert status_file.error == heard[0]
    finally:
        endpoint.stop()


def test_the_refresh_margin_is_the_sdks_15_minutes_but_at_most_half_a_short_session() -> None:
    now = utc_now()

    def lasting(seconds: int) -> Session:
        creds = Credentials("ASIA", "s", "t", now + timedelta(seconds=seconds))
        return Session(READER, "arn", "222222222222", READER_ARN, "n", creds, issued_at=now)

    assert refresh_margin(lasting(3600), 300) == 900
    assert refresh_margin(lasting(900), 300) == 450
    assert refresh_margin(lasting(900), 600) == 600


def test_exec_serves_its_command_and_closes_the_port_and_status_file_when_it_exits(
    sts: StsProxy, user: tuple[str, str]
) -> None:
    write_catalog()
    script = 'echo "$AWS_CONTAINER_CREDENTIALS_FULL_URI $ROLEUI_STATUS_FILE ${AWS_ACCESS_KEY_ID-none}"; exit 3'
    done = roleui("exec", READER, "--", "sh", "-c", script)
    assert done.returncode == 3, done.stderr
    url, status_file, static = done.stdout.split()
    assert static == "none"
    assert not port_is_open(int(url.split(":")[2].split("/")[0]))
    assert not Path(status_file).exists()


def test_exec_passes_on_a_signal_and_exits_128_plus_its_number(sts: StsProxy, user: tuple[str, str]) -> None:
    write_catalog()
    done = roleui("exec", READER, "--", "sh", "-c", "kill -TERM $$")
    assert done.returncode == 128 + 15


@pytest.mark.parametrize("how", ["--static", "catalog"])
def test_static_mode_keeps_todays_exported_keys(sts: StsProxy, user: tuple[str, str], how: str) -> None:
    from _engine_helpers import CATALOG

    write_catalog(CATALOG.replace('duration = "1h"', 'duration = "1h"\ncredentials = "static"'))
    flags = ["--static"] if how == "--static" else []
    script = 'echo "${AWS_CONTAINER_CREDENTIALS_FULL_URI-none} $AWS_CREDENTIAL_EXPIRATION"; exec "$@"'
    cli = [AWS_CLI, "sts", "get-caller-identity", "--query", "Arn", "--output", "text"]
    done = roleui("exec", READER, *flags, "--", "sh", "-c", script, "sh", *cli)
    assert done.returncode == 0, done.stderr
    uri, expiry, arn = done.stdout.split()
    assert uri == "none"
    assert expiry.endswith("Z")
    assert arn == READER_ARN


def test_an_unknown_credentials_mode_in_the_catalog_is_a_usage_error(sts: StsProxy, user: tuple[str, str]) -> None:
    from _engine_helpers import CATALOG

    write_catalog(CATALOG.replace('duration = "1h"', 'duration = "1h"\ncredentials = "forever"'))
    done = roleui("exec", READER, "--", "true")
    assert done.returncode == 2
    assert "credentials" in done.stderr
    assert '"static"' in done.stderr


def test_inside_a_served_session_the_base_credentials_are_the_outer_role_not_the_default_chain() -> None:
    from roleui.core.sessions.credcache import base_ref

    outer = {"AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:1/x", "ROLEUI_ROLE_ARN": "arn:aws:iam::1:role/A"}
    served_base = base_ref(None, outer)
    assert served_base.description == "the credential endpoint of arn:aws:iam::1:role/A"
    assert served_base.fingerprint != base_ref(None, {}).fingerprint  # nested sessions never reuse the outer's cache
    assert base_ref(None, {**outer, "ROLEUI_ROLE_ARN": "arn:aws:iam::1:role/B"}).fingerprint != served_base.fingerprint
