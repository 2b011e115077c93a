"""Federated console sign-in: trade a role session for a sign-in URL (the federation endpoint's getSigninToken).

GET `<endpoint>?Action=getSigninToken&Session=<JSON of the credentials>[&SessionDuration=N]` answers
`{"SigninToken": ...}`; the login URL carries that token to the console destination (valid 15 minutes).
SessionDuration is left out for chained sessions (the endpoint refuses it with 400). The endpoint is the
partition's real one unless ROLEUI_FEDERATION_ENDPOINT (tests, the demo) or `endpoint` names another.
Only the standard library is used; the request has roleui's read timeout and never appears in a message
(its query string holds the session's secrets).
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from urllib.parse import urlencode

from roleui.aws.clients import timeouts, with_deadline
from roleui.core.clock import Clock, utc_now
from roleui.core.console import console_home_url, partition_of, signin_host
from roleui.core.errors import EXIT_CREDENTIALS, EXIT_FAILURE, EXIT_NETWORK, RoleuiError
from roleui.core.models import MAX_DURATION, MIN_DURATION
from roleui.core.sessions.session import Session

ISSUER = "roleui"
MAX_REPLY = 64 * 1024  # a SigninToken answer is ~1 kB: read no more from an endpoint that keeps talking


def federation_endpoint(partition: str, endpoint: str | None = None) -> str:
    """Where the session's keys are sent for a sign-in token. An override (ROLEUI_FEDERATION_ENDPOINT, `endpoint`)
    receives the keys themselves: only https to an AWS sign-in host, or http to loopback (the demo), is accepted."""
    from roleui.core.errors import UsageError
    from roleui.core.web_urls import federation_endpoint_problem

    chosen = endpoint or os.environ.get("ROLEUI_FEDERATION_ENDPOINT")
    if not chosen:
        return f"https://{signin_host(partition)}/federation"
    problem = federation_endpoint_problem(chosen)
    if problem is not None:
        raise UsageError(
            f"ROLEUI_FEDERATION_ENDPOINT is not an AWS sign-in endpoint ({problem}) — unset it, or use "
            "https://signin.aws.amazon.com/federation (http only to 127.0.0.1)"
        )
    return chosen


def signin_token_url(session: Session, endpoint: str, now_seconds_left: float) -> str:
    """The getSigninToken request (holds secrets: never print it)."""
    creds = session.credentials
    payload = json.dumps(
        {"sessionId": creds.access_key_id, "sessionKey": creds.secret_access_key, "sessionToken": creds.session_token}
    )
    params = {"Action": "getSigninToken", "Session": payload}
    if not session.chained:
        params["SessionDuration"] = str(int(min(max(now_seconds_left, MIN_DURATION), MAX_DURATION)))
    return f"{endpoint}?{urlencode(params)}"


def _signin_token(request: urllib.request.Request) -> object:
    with urllib.request.urlopen(request, timeout=timeouts()[1]) as reply:  # noqa: S310
        return json.loads(reply.read(MAX_REPLY + 1)[:MAX_REPLY].decode("utf-8"))["SigninToken"]


def federated_console_url(
    session: Session, *, destination: str | None = None, endpoint: str | None = None, clock: Clock = utc_now
) -> str:
    """A console sign-in URL for `session`, landing on `destination` (default: the console home of its region)."""
    partition = partition_of(session.role_arn)
    where = federation_endpoint(partition, endpoint)
    if session.is_expired(clock()):
        raise RoleuiError(
            f"the session of {session.role_key} has expired — assume it again", exit_code=EXIT_CREDENTIALS
        )
    url = signin_token_url(session, where, session.seconds_left(clock()))
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310 (https, or a local test endpoint)
    try:
        token = with_deadline(f"the federation endpoint {where}", lambda: _signin_token(request))
    except urllib.error.HTTPError as error:
        hint = "chained sessions cannot set a console session length" if error.code == 400 else "try again later"
        raise RoleuiError(
            f"the federation endpoint {where} refused the session of {session.role_key} (HTTP {error.code}) — {hint}",
            exit_code=EXIT_FAILURE,
        ) from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise RoleuiError(
            f"cannot reach the federation endpoint {where} ({reason}) — check the network and proxy settings",
            exit_code=EXIT_NETWORK,
        ) from None
    except (ValueError, KeyError, TypeError):
        raise RoleuiError(
            f"the federation endpoint {where} answered without a SigninToken — check the endpoint"
        ) from None
    from roleui.core.sessions import trail

    trail.record(
        "console",
        clock(),
        role_key=session.role_key,
        role_arn=session.role_arn,
        session_name=session.session_name,
        access_key_id=session.credentials.access_key_id,
        scope=session.scope,
        region=session.region,
        result="ok",
    )
    params = {
        "Action": "login",
        "Issuer": ISSUER,
        "Destination": destination or console_home_url(partition, session.region),
        "SigninToken": str(token),
    }
    return f"{where}?{urlencode(params)}"
