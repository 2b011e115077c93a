"""Failures become one line that says what to do, with the documented exit status, and never a secret.

Errors a local AWS cannot produce come from botocore's Stubber (in process) or from the recording proxy
answering with real STS error responses (through botocore's retries); timeouts from a socket that never answers.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from _aws_setups import without_aws_files
from _engine_helpers import StsProxy, free_closed_port_url, roleui, silent_server, sts_error, write_catalog
from botocore.stub import Stubber

from roleui.aws.clients import MAX_ATTEMPTS, NETWORK_ATTEMPTS
from roleui.aws.engine import AssumeOptions, Engine
from roleui.core.errors import (
    EXIT_ACCESS_DENIED,
    EXIT_CREDENTIALS,
    EXIT_FAILURE,
    EXIT_NETWORK,
    EXIT_THROTTLED,
    EXIT_USAGE,
    RoleuiError,
)
from roleui.core.models import Account, Catalog, Defaults, Role

pytest_plugins = ("_engine_fixtures",)  # the sts and user fixtures

DATA = Account(id="222222222222", name="shared-data")
SECRET_EXTERNAL_ID = "my-secret-external-id-1234"
ROLE = Role(account=DATA, name="CrossAccountS3ReadOnly", external_id=SECRET_EXTERNAL_ID)
MFA_ROLE = Role(account=DATA, name="Admin", mfa_serial="arn:aws:iam::123456789012:mfa/deepak.dev")
CALLER = "arn:aws:iam::123456789012:user/deepak.dev"


def stubbed(*steps: Callable[[Stubber], None]) -> Callable[[Any], None]:
    """A client hook: the first STS client made gets every step's stubbed answers, in call order (the engine makes
    one client per set of credentials, so the base credentials' client serves GetCallerIdentity and what follows);
    any later client answers nothing."""
    queue = list(steps)

    def hook(client: Any) -> None:
        stub = Stubber(client)
        while queue:
            queue.pop(0)(stub)
        stub.activate()

    return hook


def identity(stub: Stubber) -> None:
    stub.add_response("get_caller_identity", {"Account": "123456789012", "Arn": CALLER, "UserId": "AIDAEXAMPLE"})


def fails(method: str, code: str, message: str, status: int = 400) -> Callable[[Stubber], None]:
    return lambda stub: stub.add_client_error(method, code, message, http_status_code=status)


def assume_error(role: Role, *steps: Callable[[Stubber], None], options: AssumeOptions | None = None) -> RoleuiError:
    engine = Engine(
        Catalog(defaults=Defaults(region="eu-west-1"), accounts=(DATA,), roles=(role,)), client_hook=stubbed(*steps)
    )
    with pytest.raises(RoleuiError) as caught:
        engine.assume(role, options or AssumeOptions())
    error = caught.value
    assert "\n" not in str(error)
    assert SECRET_EXTERNAL_ID not in str(error)
    return error


def test_access_denied_names_the_caller_and_the_usual_causes(aws: str) -> None:
    message = f"User: {CALLER} is not authorized to perform: sts:AssumeRole on resource: {ROLE.arn}"
    error = assume_error(ROLE, identity, fails("assume_role", "AccessDenied", message, 403))
    assert error.exit_code == EXIT_ACCESS_DENIED
    text = str(error)
    assert CALLER in text
    assert "trust policy" in text
    assert "ExternalId" in text
    assert "MFA" in text


def test_an_invalid_mfa_code_is_said_plainly_and_the_code_is_not_shown(aws: str) -> None:
    bad = "MultiFactorAuthentication failed with invalid MFA one time pass code. "
    error = assume_error(
        MFA_ROLE,
        identity,
        fails("get_session_token", "AccessDenied", bad, 403),
        options=AssumeOptions(mfa_code="135790"),
    )
    assert error.exit_code == EXIT_ACCESS_DENIED
    assert "MFA code for arn:aws:iam::123456789012:mfa/deepak.dev was not accepted" in str(error)
    assert "135790" not in str(error)


def test_expired_base_credentials_say_how_to_refresh(aws: str) -> None:
    error = assume_error(
        ROLE, fails("get_caller_identity", "ExpiredToken", "The security token included in the request is expired")
    )
    assert error.exit_code == EXIT_CREDENTIALS
    assert "have expired" in str(error)
    assert "environment credentials AKIAIOSFODNN7EXAMPLE" in str(error)


def test_unknown_access_keys_are_invalid_credentials(aws: str) -> None:
    error = assume_error(
        ROLE,
        fails(
            "get_caller_identity", "InvalidClientTokenId", "The security token included in the request is invalid.", 403
        ),
    )
    assert error.exit_code == EXIT_CREDENTIALS
    assert "does not recognise the credentials" in str(error)


def test_a_disabled_sts_region_says_where_to_activate_it(aws: str) -> None:
    error = assume_error(
        ROLE, identity, fails("assume_role", "RegionDisabledException", "STS is not activated in this region")
    )
    assert error.exit_code == EXIT_FAILURE
    assert "eu-west-1" in str(error)
    assert "Account settings" in str(error)


def test_a_validation_error_echoing_the_external_id_is_redacted(aws: str) -> None:
    echo = f"Value '{SECRET_EXTERNAL_ID}' at 'externalId' failed to satisfy constraint"
    error = assume_error(ROLE, identity, fails("assume_role", "ValidationError", echo))
    assert error.exit_code == EXIT_USAGE
    assert "***" in str(error)


def test_throttling_is_retried_with_backoff_until_sts_answers(sts: StsProxy, user: tuple[str, str]) -> None:
    sts.script["AssumeRole"] = [sts_error("Throttling", "Rate exceeded")] * (MAX_ATTEMPTS - 1)
    engine = Engine(Catalog(accounts=(DATA,), roles=(ROLE,)))
    session = engine.assume(ROLE)
    assert len(sts.actions("AssumeRole")) == MAX_ATTEMPTS
    assert session.assumed_role_arn.startswith("arn:aws:sts::222222222222:assumed-role/")


def test_throttling_that_never_stops_is_exit_status_6(sts: StsProxy, user: tuple[str, str]) -> None:
    sts.script["AssumeRole"] = [sts_error("Throttling", "Rate exceeded")] * (MAX_ATTEMPTS + 2)
    with pytest.raises(RoleuiError) as caught:
        Engine(Catalog(accounts=(DATA,), roles=(ROLE,))).assume(ROLE)
    assert caught.value.exit_code == EXIT_THROTTLED
    assert "throttling" in str(caught.value)
    assert len(sts.actions("AssumeRole")) == MAX_ATTEMPTS


def test_no_base_credentials_is_exit_status_4(aws: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    without_aws_files(Path.home())  # a user with no ~/.aws files either
    with pytest.raises(RoleuiError) as caught:
        Engine(Catalog(accounts=(DATA,), roles=(ROLE,))).assume(ROLE)
    assert caught.value.exit_code == EXIT_CREDENTIALS
    assert "no base credentials" in str(caught.value)
    assert "source_profile" in str(caught.value)


def test_an_endpoint_that_never_answers_times_out_quickly_after_two_tries(
    aws: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROLEUI_READ_TIMEOUT", "0.5")
    monkeypatch.setenv("ROLEUI_CONNECT_TIMEOUT", "0.5")
    with silent_server() as url:
        monkeypatch.setenv("AWS_ENDPOINT_URL", url)
        started = time.monotonic()
        with pytest.raises(RoleuiError) as caught:
            Engine(Catalog(accounts=(DATA,), roles=(ROLE,))).assume(ROLE)
        elapsed = time.monotonic() - started
    assert caught.value.exit_code == EXIT_NETWORK
    assert "did not answer" in str(caught.value)
    assert url in str(caught.value)
    assert elapsed < 30  # two 0.5 s reads and one backoff; generous for a busy machine
    assert NETWORK_ATTEMPTS == 2


def test_an_endpoint_refusing_connections_is_exit_status_5(aws: str, monkeypatch: pytest.MonkeyPatch) -> None:
    url = free_closed_port_url()
    monkeypatch.setenv("AWS_ENDPOINT_URL", url)
    with pytest.raises(RoleuiError) as caught:
        Engine(Catalog(accounts=(DATA,), roles=(ROLE,))).assume(ROLE)
    assert caught.value.exit_code == EXIT_NETWORK
    assert "cannot reach" in str(caught.value)


# The real program: one line on stderr, the documented status, no traceback, no secret.


def test_the_cli_prints_access_denied_as_one_line_with_status_3(sts: StsProxy, user: tuple[str, str]) -> None:
    write_catalog()
    sts.script["AssumeRole"] = [sts_error("AccessDenied", "User is not authorized to perform: sts:AssumeRole", 403)]
    done = roleui("env", "shared-data/CrossAccountS3ReadOnly")
    assert done.returncode == EXIT_ACCESS_DENIED
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("roleui: access denied assuming shared-data/CrossAccountS3ReadOnly as")
    assert "Traceback" not in done.stderr
    assert SECRET_EXTERNAL_ID not in done.stderr


def test_the_cli_times_out_with_status_5(aws: str, monkeypatch: pytest.MonkeyPatch) -> None:
    write_catalog()
    with silent_server() as url:
        done = roleui(
            "exec",
            "tooling/JumpRole",
            "--",
            "true",
            env={"AWS_ENDPOINT_URL": url, "ROLEUI_READ_TIMEOUT": "0.5", "ROLEUI_CONNECT_TIMEOUT": "0.5"},
        )
    assert done.returncode == EXIT_NETWORK
    assert done.stderr.count("\n") == 1
    assert "did not answer" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_cli_without_credentials_is_status_4(aws: str, monkeypatch: pytest.MonkeyPatch) -> None:
    write_catalog()
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    without_aws_files(Path.home())  # a user with no ~/.aws files either
    done = roleui("credential-process", "tooling/JumpRole")
    assert done.returncode == EXIT_CREDENTIALS
    assert done.stdout == ""
    assert done.stderr.startswith("roleui: no base credentials")
