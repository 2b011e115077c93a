"""The one place boto3 sessions and clients are made: short timeouts, botocore's standard retries, clear errors.

Every AWS call roleui makes goes through `make_client`, so none can hang: connect and read timeouts are a few
seconds, throttling is retried with backoff by botocore's standard retry mode, and an endpoint that does not
answer is tried at most twice (standard mode alone would wait out every attempt). ROLEUI_CONNECT_TIMEOUT and
ROLEUI_READ_TIMEOUT (seconds) override the timeouts for slow links and tests.

botocore's read timeout is per read: an endpoint that trickles a byte every few seconds never trips it. So every
call (retries included) also runs against an overall deadline (ROLEUI_CALL_DEADLINE, default 30 s) and within
the deadline of the command, if one is set (`command_deadline`): past it, DeadlineExceeded (exit 5, one line) and
the call is abandoned in its daemon thread.

boto3 is imported inside the functions: importing this module costs nothing.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from roleui.core.errors import EXIT_NETWORK, EXIT_USAGE, RoleuiError
from roleui.core.sessions.session import Credentials

if TYPE_CHECKING:
    import boto3
    from botocore.config import Config

T = TypeVar("T")

CALL_DEADLINE = 30.0  # one AWS call, retries and backoff included
COMMAND_DEADLINE = 120.0  # every AWS call of a command that assumes a role (env, exec, credential-process...)
CONNECT_TIMEOUT = 3.0
READ_TIMEOUT = 5.0
MAX_ATTEMPTS = 4  # throttling: the first try and three retries with exponential backoff
NETWORK_ATTEMPTS = 2  # an endpoint that does not answer: one retry, then give up

# The region STS is called in when neither the role, the catalog nor the base profile names one.
PARTITION_REGIONS = {"aws": "us-east-1", "aws-us-gov": "us-gov-west-1", "aws-cn": "cn-north-1"}


def _seconds(name: str, default: float) -> float:
    text = os.environ.get(name, "")
    try:
        value = float(text)
    except ValueError:
        return default
    return value if value > 0 else default


def timeouts() -> tuple[float, float]:
    """(connect, read) timeouts in seconds, after the environment overrides."""
    return _seconds("ROLEUI_CONNECT_TIMEOUT", CONNECT_TIMEOUT), _seconds("ROLEUI_READ_TIMEOUT", READ_TIMEOUT)


class DeadlineExceeded(RoleuiError):
    """An AWS call (or a command's calls) went past its overall deadline; the call was abandoned."""

    exit_code = EXIT_NETWORK

    def __init__(self, what: str, seconds: float) -> None:
        super().__init__(
            f"{what} did not finish within {seconds:g} s — check the network, proxy settings and AWS_ENDPOINT_URL "
            "(ROLEUI_CALL_DEADLINE and ROLEUI_COMMAND_DEADLINE set the limits, in seconds)"
        )
        self.what = what
        self.seconds = seconds


class _Budget:
    left: float | None = None  # seconds of AWS calls the running command has left (None: no limit)


_budget = _Budget()


@contextmanager
def command_deadline(seconds: float | None = None) -> Iterator[None]:
    """The AWS calls inside may take `seconds` together (default ROLEUI_COMMAND_DEADLINE or 120 s). Only time
    spent in calls counts: a person typing an MFA code in between is not hurried."""
    previous = _budget.left
    limit = seconds if seconds is not None else _seconds("ROLEUI_COMMAND_DEADLINE", COMMAND_DEADLINE)
    _budget.left = limit if previous is None else min(previous, limit)
    try:
        yield
    finally:
        _budget.left = previous


def call_deadline() -> float:
    """Seconds the next call may take: the per-call deadline, cut to what is left of the command's."""
    limit = _seconds("ROLEUI_CALL_DEADLINE", CALL_DEADLINE)
    if _budget.left is not None:
        limit = max(0.0, min(limit, _budget.left))
    return limit


def _spent(seconds: float) -> None:
    if _budget.left is not None:
        _budget.left = max(0.0, _budget.left - seconds)


def with_deadline(what: str, work: Callable[[], T], seconds: float | None = None) -> T:
    """`work()`'s result, or DeadlineExceeded when it takes longer than `seconds` (default `call_deadline()`).

    The work runs in a daemon thread: a socket read cannot be interrupted from outside, but it can be abandoned
    (the process exits without waiting for it, and the UI carries on)."""
    limit = call_deadline() if seconds is None else seconds
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["result"] = work()
        except BaseException as error:
            box["error"] = error

    thread = threading.Thread(target=run, name=f"roleui-deadline {what}", daemon=True)
    started = time.monotonic()
    thread.start()
    try:
        thread.join(limit)
    finally:
        _spent(time.monotonic() - started)
    if thread.is_alive():
        raise DeadlineExceeded(what, limit)
    if "error" in box:
        raise box["error"]
    result: T = box["result"]
    return result


def client_config(region: str | None = None) -> Config:
    """botocore Config with roleui's timeouts and the standard retry mode."""
    from botocore.config import Config

    connect, read = timeouts()
    return Config(
        region_name=region,
        connect_timeout=connect,
        read_timeout=read,
        retries={"mode": "standard", "total_max_attempts": MAX_ATTEMPTS},
    )


def base_session(profile: str | None = None) -> boto3.Session:
    """A boto3 session on the named profile, or on botocore's default chain (env keys, AWS_PROFILE, SSO, IMDS...)."""
    import boto3
    from botocore.exceptions import ProfileNotFound

    try:
        return boto3.Session(profile_name=profile)
    except ProfileNotFound as error:
        raise _missing_profile(profile) from error


def _missing_profile(profile: str | None) -> RoleuiError:
    name = profile or os.environ.get("AWS_DEFAULT_PROFILE") or os.environ.get("AWS_PROFILE") or "default"
    where = os.environ.get("AWS_CONFIG_FILE") or "~/.aws/config"
    return RoleuiError(
        f"the AWS profile {name!r} does not exist in {where} — fix source_profile / AWS_PROFILE or add the profile",
        exit_code=EXIT_USAGE,
    )


def credentials_session(credentials: Credentials, region: str | None = None) -> boto3.Session:
    """A boto3 session on temporary credentials (a role session or an MFA session)."""
    import boto3
    from botocore.exceptions import ProfileNotFound

    try:
        return boto3.Session(
            aws_access_key_id=credentials.access_key_id,
            aws_secret_access_key=credentials.secret_access_key,
            aws_session_token=credentials.session_token,
            region_name=region,
        )
    except ProfileNotFound as error:  # AWS_PROFILE naming a missing profile fails even with explicit keys
        raise _missing_profile(None) from error


def _limit_network_retries(**kwargs: Any) -> bool | None:
    """needs-retry handler run before standard mode's: stop after NETWORK_ATTEMPTS when the endpoint is unreachable."""
    from botocore.exceptions import ConnectionError as BotoConnectionError
    from botocore.exceptions import HTTPClientError

    caught = kwargs.get("caught_exception")
    if isinstance(caught, BotoConnectionError | HTTPClientError) and int(kwargs.get("attempts", 1)) >= NETWORK_ATTEMPTS:
        return False  # a non-None answer wins: no retry
    return None  # let standard mode decide (throttling, 5xx, ...)


def make_client(session: boto3.Session, service: str, region: str | None = None) -> Any:
    """A client of `service` with roleui's timeouts and retry policy (AWS_ENDPOINT_URL* are honoured by boto3)."""
    client = session.client(service, region_name=region, config=client_config(region))  # type: ignore[call-overload]
    event = client.meta.service_model.service_id.hyphenize()
    client.meta.events.register_first(f"needs-retry.{event}", _limit_network_retries)
    # Every operation and paginator goes through the instance's _make_api_call: one place for the deadline.
    call = client._make_api_call
    endpoint = client.meta.endpoint_url

    def make_api_call(operation: str, params: dict[str, Any]) -> Any:
        return with_deadline(f"{endpoint} ({operation})", lambda: call(operation, params))

    client._make_api_call = make_api_call
    return client


def region_partition(region: str) -> str:
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws-cn" if region.startswith("cn-") else "aws"


def region_for(partition: str, *candidates: str | None) -> str:
    """The first region given that lies in `partition`, else the partition's default region (STS needs one)."""
    for candidate in candidates:
        if candidate and region_partition(candidate) == partition:
            return candidate
    return PARTITION_REGIONS.get(partition, "us-east-1")
