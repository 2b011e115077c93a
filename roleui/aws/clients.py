"""The one place botocore sessions and clients are made: short timeouts, botocore's standard retries, clear errors.

Every AWS call roleui makes goes through `make_client`, so none can hang: connect and read timeouts are a few
seconds, throttling is retried with backoff by botocore's standard retry mode, and an endpoint that does not
answer is tried at most twice (standard mode alone would wait out every attempt). ROLEUI_CONNECT_TIMEOUT and
ROLEUI_READ_TIMEOUT (seconds) override the timeouts for slow links and tests.

botocore's read timeout is per read: an endpoint that trickles a byte every few seconds never trips it. So every
call (retries included) also runs against an overall deadline (ROLEUI_CALL_DEADLINE, default 30 s) and within
the deadline of the command, if one is set (`command_deadline`): past it, DeadlineExceeded (exit 5, one line) and
the call is abandoned in its daemon thread.

botocore is imported inside the functions: importing this module costs nothing. boto3 is not imported at all: its
session is botocore's plus resources and S3 transfers (s3transfer, ~100 ms of imports) that roleui never uses.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from roleui.aws.endpoints_data import load_endpoints
from roleui.core.errors import EXIT_CREDENTIALS, EXIT_NETWORK, EXIT_USAGE, RoleuiError
from roleui.core.sessions.session import Credentials

if TYPE_CHECKING:
    from botocore.config import Config
    from botocore.session import Session

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


# The services roleui's sessions make clients of: its own calls, and botocore's SSO credential provider's.
SERVICES = ("sts", "organizations", "sso", "sso-oidc")


def lean_session(profile: str | None = None) -> Session:
    """A botocore session whose data loader knows roleui's SERVICES, without listing botocore's data directory
    or parsing the endpoints of every other service.

    botocore checks a service name against every service it ships (a walk of ~450 directories, once per model
    type: twice per client) before it loads one model, and builds every client's endpoint resolver from all of
    endpoints.json (~50 ms). Here the check covers SERVICES, found where botocore would find them (AWS_DATA_PATH,
    ~/.aws/models, its own data), and the endpoints are those of SERVICES (roleui/aws/endpoints_data.py); any
    other service is "unknown" — add it to SERVICES (and its endpoint prefix) first.

    Its event handlers are botocore's built-in ones that can fire for SERVICES (`_register_builtin_handlers`).
    """
    from botocore.exceptions import DataNotFoundError
    from botocore.loaders import Loader, instance_cache
    from botocore.session import Session

    class LeanLoader(Loader):
        @instance_cache
        def list_available_services(self, type_name: str) -> list[str]:
            found = {name for name in SERVICES for path in self.search_paths if os.path.isdir(os.path.join(path, name))}
            return sorted(found)

        @instance_cache
        def load_data_with_path(self, name: str) -> tuple[Any, str]:
            if name != "endpoints":
                return super().load_data_with_path(name)
            for base in (os.path.join(p, name) for p in self.search_paths if os.path.isdir(p)):  # botocore's order
                found = load_endpoints(base, self.file_loader.load_file, SERVICES, self.endpoint_prefixes)
                if found is not None:
                    return found, base  # the path tells botocore whether this is its own data: kept as it was
            raise DataNotFoundError(data_path=name)

        def endpoint_prefixes(self) -> list[str]:
            """Each service's key in endpoints.json, from its model (`sso` is `portal.sso`)."""
            found = []
            for service in SERVICES:
                with contextlib.suppress(DataNotFoundError):  # a botocore too old to know it: nothing to keep
                    found.append(str(self.load_service_model(service, "service-2")["metadata"]["endpointPrefix"]))
            return found

    session = Session(profile=profile, include_builtin_handlers=False)
    _register_builtin_handlers(session)
    data_path = session.get_config_variable("data_path")  # AWS_DATA_PATH: as botocore's create_loader reads it
    extra = [os.path.expanduser(os.path.expandvars(p)) for p in data_path.split(os.pathsep)] if data_path else None
    session.register_component("data_loader", LeanLoader(extra_search_paths=extra))
    return session


def handles_services(event: str) -> bool:
    """Whether a handler registered on `event` can fire for a client of SERVICES: its event names no service
    (`before-call`), any (`*`), or one of SERVICES. Events name the service second (`before-call.s3.PutObject`),
    documentation events third (`docs.*.s3.*.complete-section`); SERVICES are their own event names (a test
    checks it)."""
    parts = event.split(".")
    at = 2 if parts[0] == "docs" else 1
    return len(parts) <= at or parts[at] == "*" or parts[at] in SERVICES


def _register_builtin_handlers(session: Session) -> None:
    """botocore's built-in event handlers that can fire for SERVICES, registered as botocore's Session registers
    them all: ~40 of its ~130. The others serve S3, EC2, Glacier and the like, and each registration costs the
    session's event aliasing a walk of its ~65 aliases: ~10 ms of a cold assume for handlers that never fire."""
    from botocore import handlers

    events = session.get_component("event_emitter")
    for spec in handlers.BUILTIN_HANDLERS:
        event, handler = spec[0], spec[1]
        if not handles_services(event):
            continue
        if len(spec) == 2:
            events.register(event, handler)
        elif spec[2] is handlers.REGISTER_FIRST:
            events.register_first(event, handler)
        elif spec[2] is handlers.REGISTER_LAST:
            events.register_last(event, handler)


def base_session(profile: str | None = None) -> Session:
    """A botocore session on the named profile, or on botocore's default chain (env keys, AWS_PROFILE, SSO,
    IMDS...); a missing profile is a usage error now, not at the first call."""
    from botocore.exceptions import ProfileNotFound

    try:
        session = lean_session(profile)
        session.get_scoped_config()  # reads the config files: raises ProfileNotFound
    except ProfileNotFound as error:
        raise _missing_profile(profile) from error
    return session


def session_region(session: Session) -> str | None:
    """The region the session's profile (or AWS_DEFAULT_REGION) names, if any."""
    region = session.get_config_variable("region")
    return str(region) if region else None


def access_key_id(session: Session) -> str | None:
    """The access key id of the session's credentials (resolving them: local for keys, a call for SSO or a role
    profile, which the first request would make anyway); None when there are none or they cannot be had."""
    from botocore.exceptions import BotoCoreError

    try:
        credentials = session.get_credentials()
        return str(credentials.access_key) if credentials is not None and credentials.access_key else None
    except BotoCoreError:
        return None  # the first request says what is wrong, in roleui's words (roleui/aws/errors.py)
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        # botocore passes some failures of a profile's own tools through unwrapped: a credential_process that
        # prints something other than its JSON is a JSONDecodeError, one without a key a KeyError. One line.
        profile = session.profile or "default"
        raise RoleuiError(
            f"the credentials of the AWS profile {profile!r} could not be read ({type(error).__name__}: its "
            "credential_process printed something other than the JSON the SDKs expect?) — run the command by hand "
            "and fix its output",
            exit_code=EXIT_CREDENTIALS,
        ) from None


def _missing_profile(profile: str | None) -> RoleuiError:
    name = profile or os.environ.get("AWS_DEFAULT_PROFILE") or os.environ.get("AWS_PROFILE") or "default"
    where = os.environ.get("AWS_CONFIG_FILE") or "~/.aws/config"
    return RoleuiError(
        f"the AWS profile {name!r} does not exist in {where} — fix source_profile / AWS_PROFILE or add the profile",
        exit_code=EXIT_USAGE,
    )


def credentials_session(credentials: Credentials, region: str | None = None) -> Session:
    """A botocore session on temporary credentials (a role session or an MFA session)."""
    from botocore.exceptions import ProfileNotFound

    try:
        session = lean_session()
        session.set_credentials(credentials.access_key_id, credentials.secret_access_key, credentials.session_token)
        if region:
            session.set_config_variable("region", region)
        session.get_scoped_config()
    except ProfileNotFound as error:  # AWS_PROFILE naming a missing profile fails even with explicit keys
        raise _missing_profile(None) from error
    return session


def _limit_network_retries(**kwargs: Any) -> bool | None:
    """needs-retry handler run before standard mode's: stop after NETWORK_ATTEMPTS when the endpoint is unreachable."""
    from botocore.exceptions import ConnectionError as BotoConnectionError
    from botocore.exceptions import HTTPClientError

    caught = kwargs.get("caught_exception")
    if isinstance(caught, BotoConnectionError | HTTPClientError) and int(kwargs.get("attempts", 1)) >= NETWORK_ATTEMPTS:
        return False  # a non-None answer wins: no retry
    return None  # let standard mode decide (throttling, 5xx, ...)


def make_client(session: Session, service: str, region: str | None = None) -> Any:
    """A client of `service` with roleui's timeouts and retry policy (AWS_ENDPOINT_URL* are honoured by botocore)."""
    client: Any = session.create_client(service, region_name=region, config=client_config(region))
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
