"""Sign in to IAM Identity Center: the OAuth flows of `roleui login`, made for a worker thread as much as a CLI.

`start_sign_in(target)` registers a client (or reuses the registration of the cached token) and starts a flow:
- the authorization code flow with PKCE (the default, as in AWS CLI v2): a loopback HTTP server on 127.0.0.1
  receives the code; the browser is sent to the OIDC authorize endpoint with the S256 challenge (no secret);
- the device flow (`device_code=True`): the user opens the verification URL and confirms the user code.
It returns a `PendingSignIn` (what to show: the URL and, for the device flow, the code); `pending.wait(cancelled)`
blocks until the user approved (polling at the interval AWS asks for, slower on `slow_down`), saves the token
where AWS CLI v2 and botocore look for it (roleui/aws/sso_tokens.py) and returns it.

`valid_token(target)` is the token to use now: the cached one while more than botocore's 15-minute refresh window
is left, else refreshed with its refresh token (saved again) — as botocore's SSOTokenProvider does, so roleui and
the aws CLI refresh at the same time — else the cached one while it still works, else None: the user must sign in.

The OIDC client is botocore's `sso-oidc` (unsigned; AWS_ENDPOINT_URL_SSO_OIDC points it elsewhere).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from roleui.aws.sso_tokens import SsoToken, load_token, save_token
from roleui.core.clock import Clock, utc_now
from roleui.core.errors import EXIT_CREDENTIALS, RoleuiError
from roleui.core.sources.aws_config.profiles import SsoSession

CLIENT_NAME = "roleui"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
CALLBACK_PATH = "/oauth/callback"
SIGN_IN_TIMEOUT = 600.0  # seconds the loopback waits for the browser (AWS's authorization codes live 5 min)
REFRESH_WINDOW = 15 * 60.0  # botocore's SSOTokenProvider refreshes a token with less left than this (JS SDK: 5 min)
USABLE_MARGIN = 60.0  # a token that cannot be refreshed is still used while it has this much left
SLOW_DOWN_STEP = 5  # RFC 8628: after slow_down, poll 5 s less often
MAX_POLL_INTERVAL = 300  # seconds between polls: more is a broken or hostile answer
MAX_DEVICE_CODE_LIFE = 24 * 3600  # AWS's device codes live 10 minutes
MAX_TOKEN_LIFE = 90 * 24 * 3600  # AWS's access tokens live 1 to 12 hours (up to 90 days with a custom session length)

OpenUrl = Callable[[str], bool]


def open_in_browser(url: str) -> bool:
    """A graphical browser (webbrowser's, which honours $BROWSER), never a console one: lynx or w3m would take over
    the terminal that shows the URL and the code (roleui/core/browsers.py). It gets a private redirect file: the
    PKCE authorize URL holds the `state` and the loopback port, and a browser's command line is in every local
    user's `ps` (core/private_browser.py). Only a web URL (core/web_urls.py) is opened: one from the network must
    not reach a browser as `javascript:`, an option or a path."""
    from roleui.core.private_browser import open_secret_url

    return open_secret_url(url)


def oidc_client(region: str) -> Any:
    """botocore's sso-oidc client for `region`: unsigned (the API takes no AWS credentials)."""
    from botocore import UNSIGNED

    from roleui.aws.clients import client_config, lean_session

    config = client_config(region).merge(_unsigned_config(UNSIGNED))
    return lean_session().create_client("sso-oidc", region_name=region, config=config)


def _unsigned_config(unsigned: Any) -> Any:
    from botocore.config import Config

    return Config(signature_version=unsigned)


class SignInRequired(RoleuiError):
    """No valid Identity Center sign-in for `target` (exit 4): the UI catches it to open its sign-in."""

    def __init__(self, target: SsoSession) -> None:
        name = target.name or target.start_url
        super().__init__(
            f"not signed in to IAM Identity Center ({target.start_url}) or the sign-in expired — "
            f"run `roleui login {name}`",
            exit_code=EXIT_CREDENTIALS,
        )
        self.target = target


def sign_in_required(target: SsoSession) -> SignInRequired:
    return SignInRequired(target)


def valid_token(target: SsoSession, *, clock: Clock = utc_now, client: Any = None) -> SsoToken | None:
    """The token to call the portal with: cached and valid, or refreshed now; None when a sign-in is needed."""
    token = load_token(target.name, target.start_url)
    if token is None:
        return None
    now = clock()
    if token.is_valid(now, REFRESH_WINDOW):
        return token
    still_usable = token if token.is_valid(now, USABLE_MARGIN) else None
    if not token.can_refresh(now):
        return still_usable
    try:
        return refresh_token(token, clock=clock, client=client) or still_usable
    except RoleuiError:
        if still_usable is None:
            raise
        return still_usable  # Identity Center unreachable: the token in hand still works for a while


def refresh_token(token: SsoToken, *, clock: Clock = utc_now, client: Any = None) -> SsoToken | None:
    """A new access token through the refresh token (saved to the cache); None when Identity Center refuses it."""
    from botocore.exceptions import BotoCoreError, ClientError

    oidc = client or oidc_client(token.region)
    try:
        answer = oidc.create_token(
            clientId=token.client_id,
            clientSecret=token.client_secret,
            grantType="refresh_token",
            refreshToken=token.refresh_token,
        )
    except ClientError:
        return None  # revoked, expired or unknown: sign in again
    except BotoCoreError as error:
        raise RoleuiError(f"could not reach IAM Identity Center in {token.region}: {error}") from None
    fresh = _token_from(answer, token.start_url, token.region, token.session_name, clock)
    fresh = replace(
        fresh,
        client_id=token.client_id,
        client_secret=token.client_secret,
        registration_expires_at=token.registration_expires_at,
        refresh_token=fresh.refresh_token or token.refresh_token,
    )
    save_token(fresh)
    return fresh


@dataclass
class PendingSignIn:
    """A started sign-in: show `url` (and `user_code` for the device flow), then `wait()` for the token."""

    target: SsoSession
    url: str  # what the user opens: the verification URL with the code, or the authorize URL
    user_code: str | None  # the device flow's code to compare; None for the PKCE flow
    expires_in: int
    browser_opened: bool
    _wait: Callable[[threading.Event], SsoToken] = field(repr=False)
    _close: Callable[[], None] = field(repr=False, default=lambda: None)

    def wait(self, cancelled: threading.Event | None = None) -> SsoToken:
        """Block until the user approved; the token is saved and returned. RoleuiError when refused, expired or
        cancelled (set `cancelled` from another thread)."""
        try:
            return self._wait(cancelled or threading.Event())
        finally:
            self._close()

    def cancel(self) -> None:
        self._close()


def start_sign_in(
    target: SsoSession,
    *,
    device_code: bool = False,
    open_url: OpenUrl | None = open_in_browser,
    clock: Clock = utc_now,
    client: Any = None,
) -> PendingSignIn:
    """Register (or reuse the cached registration) and start the flow; `open_url` None opens nothing."""
    from botocore.exceptions import BotoCoreError, ClientError

    oidc = client or oidc_client(target.region)
    try:
        if device_code:
            return _start_device(oidc, target, open_url, clock)
        return _start_pkce(oidc, target, open_url, clock)
    except ClientError as error:
        raise _oidc_failure(error, target) from None
    except BotoCoreError as error:
        raise RoleuiError(f"could not reach IAM Identity Center in {target.region}: {error}") from None


# -- the device flow --------------------------------------------------------------------------------------------


def _start_device(oidc: Any, target: SsoSession, open_url: OpenUrl | None, clock: Clock) -> PendingSignIn:
    registration = _registration(oidc, target, clock, pkce_redirect=None)
    started = oidc.start_device_authorization(
        clientId=registration.client_id, clientSecret=registration.client_secret, startUrl=target.start_url
    )
    url = _web_url(started.get("verificationUriComplete") or started.get("verificationUri"), target)
    expires_in = _seconds(started, "expiresIn", MAX_DEVICE_CODE_LIFE, target)
    deadline = clock() + timedelta(seconds=expires_in)
    interval = _seconds(started, "interval", MAX_POLL_INTERVAL, target, default=5)

    def wait(cancelled: threading.Event) -> SsoToken:
        nonlocal interval
        from botocore.exceptions import BotoCoreError, ClientError

        while clock() < deadline:
            if cancelled.wait(interval):
                raise RoleuiError("the sign-in was cancelled", exit_code=EXIT_CREDENTIALS)
            try:
                answer = oidc.create_token(
                    clientId=registration.client_id,
                    clientSecret=registration.client_secret,
                    grantType=DEVICE_GRANT,
                    deviceCode=started["deviceCode"],
                )
            except ClientError as error:
                code = error.response.get("Error", {}).get("Code", "")
                if code == "AuthorizationPendingException":
                    continue
                if code == "SlowDownException":
                    interval = min(interval + SLOW_DOWN_STEP, MAX_POLL_INTERVAL)
                    continue
                raise _oidc_failure(error, target) from None
            except BotoCoreError as error:
                raise RoleuiError(f"could not reach IAM Identity Center in {target.region}: {error}") from None
            return _saved(answer, target, registration, clock)
        raise RoleuiError(
            f"the sign-in code expired before it was approved — run `roleui login {target.name or target.start_url}` "
            "again",
            exit_code=EXIT_CREDENTIALS,
        )

    opened = bool(open_url(url)) if open_url is not None else False
    return PendingSignIn(target, url, _plain(started.get("userCode", "")), expires_in, opened, wait)


# -- the authorization code flow with PKCE ------------------------------------------------------------------------


def _start_pkce(oidc: Any, target: SsoSession, open_url: OpenUrl | None, clock: Clock) -> PendingSignIn:
    state = secrets.token_urlsafe(24)
    receiver = _Loopback(state)
    try:
        redirect_uri = f"http://127.0.0.1:{receiver.port}{CALLBACK_PATH}"
        registration = _registration(oidc, target, clock, pkce_redirect=f"http://127.0.0.1{CALLBACK_PATH}")
        verifier = secrets.token_urlsafe(64)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        query = {
            "response_type": "code",
            "client_id": registration.client_id,
            "redirect_uri": redirect_uri,
            "state": state,
            "code_challenge_method": "S256",
            "scopes": " ".join(target.scopes),
            "code_challenge": challenge,
        }
        url = _web_url(f"{oidc.meta.endpoint_url.rstrip('/')}/authorize?{urlencode(query)}", target)
    except BaseException:
        receiver.close()
        raise
    receiver.start()

    def wait(cancelled: threading.Event) -> SsoToken:
        from botocore.exceptions import BotoCoreError, ClientError

        answer = receiver.wait(cancelled, SIGN_IN_TIMEOUT)
        if answer.get("state") != state:
            raise RoleuiError(
                "the sign-in answer did not match this sign-in — run `roleui login` again", exit_code=EXIT_CREDENTIALS
            )
        if "code" not in answer:
            reason = answer.get("error_description") or answer.get("error") or "no code"
            raise RoleuiError(f"IAM Identity Center refused the sign-in: {_plain(reason)}", exit_code=EXIT_CREDENTIALS)
        try:
            token = oidc.create_token(
                clientId=registration.client_id,
                clientSecret=registration.client_secret,
                grantType="authorization_code",
                code=answer["code"],
                codeVerifier=verifier,
                redirectUri=redirect_uri,
            )
        except ClientError as error:
            raise _oidc_failure(error, target) from None
        except BotoCoreError as error:
            raise RoleuiError(f"could not reach IAM Identity Center in {target.region}: {error}") from None
        return _saved(token, target, registration, clock)

    opened = bool(open_url(url)) if open_url is not None else False
    return PendingSignIn(target, url, None, int(SIGN_IN_TIMEOUT), opened, wait, receiver.close)


class _Loopback:
    """The HTTP server on 127.0.0.1 (free port) that receives the authorization code.

    Any local user can connect to it. Each connection has a deadline and they are bounded (aws/bounded_http.py),
    so idle connections cannot hang the sign-in; only a callback that carries this sign-in's `state` is taken, and
    only the first one: a stranger's callback (another code, no state) changes nothing, and the browser's own
    callback still lands."""

    def __init__(self, state: str) -> None:
        from roleui.aws.bounded_http import BoundedHTTPServer, DeadlineHandler

        self.answer: dict[str, str] = {}
        self.arrived = threading.Event()
        self._taken = threading.Lock()
        receiver = self

        class Handler(DeadlineHandler):
            def do_GET(self) -> None:
                url = urlsplit(self.path)
                if url.path != CALLBACK_PATH:
                    self._page(404, "Not found.")
                    return
                answer = {k: v[-1] for k, v in parse_qs(url.query).items()}
                if not hmac.compare_digest(answer.get("state", "").encode(), state.encode()):
                    self._page(400, "This is not the answer to roleui's sign-in.")
                    return
                with receiver._taken:
                    first = not receiver.arrived.is_set()
                    if first:
                        receiver.answer = answer
                        receiver.arrived.set()
                if first:
                    self._page(200, "roleui is signed in. You can close this page.")
                else:
                    self._page(409, "roleui already has the answer to this sign-in.")

            def _page(self, status: int, text: str) -> None:
                page = f"<!doctype html><title>roleui</title><p>{text}</p>".encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)

        self._server = BoundedHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="roleui-sso-loopback", daemon=True)
        self._closed = False

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def start(self) -> None:
        self._thread.start()

    def wait(self, cancelled: threading.Event, timeout: float) -> dict[str, str]:
        waited = 0.0
        while not self.arrived.wait(0.2):
            waited += 0.2
            if cancelled.is_set():
                raise RoleuiError("the sign-in was cancelled", exit_code=EXIT_CREDENTIALS)
            if waited >= timeout:
                raise RoleuiError(
                    "no answer from the browser in 10 minutes — run `roleui login` again", exit_code=EXIT_CREDENTIALS
                )
        return self.answer

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join()
        self._server.server_close()


# -- shared ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Registration:
    client_id: str
    client_secret: str = field(repr=False)
    expires_at: datetime


def _registration(oidc: Any, target: SsoSession, clock: Clock, *, pkce_redirect: str | None) -> _Registration:
    """The cached token's client registration while it lasts and fits the flow, else a new one."""
    cached = load_token(target.name, target.start_url)
    now = clock()
    # A registration made for the device flow has no redirect URI, so only a PKCE sign-in's registration is
    # reused by PKCE (and any by the device flow, which needs none).
    if (
        target.name is not None
        and cached is not None
        and cached.client_id
        and cached.client_secret
        and cached.registration_expires_at is not None
        and cached.registration_expires_at > now + timedelta(hours=1)
        and pkce_redirect is None
    ):
        return _Registration(cached.client_id, cached.client_secret, cached.registration_expires_at)
    request: dict[str, Any] = {"clientName": f"{CLIENT_NAME}-{int(now.timestamp())}", "clientType": "public"}
    if target.name is not None:
        request["scopes"] = list(target.scopes)  # scopes make Identity Center issue refresh tokens
    if pkce_redirect is not None:
        request.update(
            grantTypes=["authorization_code", "refresh_token"], redirectUris=[pkce_redirect], issuerUrl=target.start_url
        )
    answer = oidc.register_client(**request)
    try:
        expires = datetime.fromtimestamp(int(answer["clientSecretExpiresAt"]), UTC)
    except (KeyError, TypeError, ValueError, OverflowError, OSError):
        raise _unusable(target, "clientSecretExpiresAt") from None
    return _Registration(answer["clientId"], answer["clientSecret"], expires)


def _saved(answer: dict[str, Any], target: SsoSession, registration: _Registration, clock: Clock) -> SsoToken:
    token = _token_from(answer, target.start_url, target.region, target.name, clock)
    if target.name is not None:  # only sso-session tokens carry the registration (botocore refreshes with it)
        token = replace(
            token,
            client_id=registration.client_id,
            client_secret=registration.client_secret,
            registration_expires_at=registration.expires_at,
        )
    save_token(token)
    from roleui.core.sessions import trail

    trail.record("sign-in", clock(), role_key=target.name or target.start_url, region=target.region, result="ok")
    return token


def _token_from(answer: dict[str, Any], start_url: str, region: str, session: str | None, clock: Clock) -> SsoToken:
    where = SsoSession(session, start_url, region)
    if not isinstance(answer.get("accessToken"), str) or not answer["accessToken"]:
        raise _unusable(where, "accessToken")
    lifetime = _seconds(answer, "expiresIn", MAX_TOKEN_LIFE, where)
    return SsoToken(
        start_url=start_url,
        region=region,
        access_token=answer["accessToken"],
        expires_at=(clock() + timedelta(seconds=lifetime)).replace(microsecond=0),  # as stored
        session_name=session,
        refresh_token=answer.get("refreshToken") if session is not None else None,
    )


def _seconds(answer: dict[str, Any], key: str, most: int, target: SsoSession, default: int | None = None) -> int:
    """A number of seconds from Identity Center's answer, checked: a hostile or broken endpoint's 10**30 would
    overflow the clock (a traceback) and 10**12 would wait forever; one line (exit 4) instead."""
    value = answer.get(key)
    if value in (None, 0) and default is not None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= most:
        raise _unusable(target, key)
    return value


def _unusable(target: SsoSession, key: str) -> RoleuiError:
    return RoleuiError(
        f"IAM Identity Center ({_plain(target.region)}) answered an unusable {key} — try again later, or check "
        "AWS_ENDPOINT_URL_SSO_OIDC",
        exit_code=EXIT_CREDENTIALS,
    )


def _web_url(url: object, target: SsoSession) -> str:
    """The sign-in URL to open, show and copy, or one line (exit 4): only https (http to loopback), visible
    characters only, so what is shown is what is copied (core/web_urls.py)."""
    from roleui.core.web_urls import web_url_problem

    problem = web_url_problem(url)
    if problem is not None:
        raise RoleuiError(
            f"IAM Identity Center ({_plain(target.region)}) answered a sign-in URL roleui will not open or copy: "
            f"{problem}",
            exit_code=EXIT_CREDENTIALS,
        )
    assert isinstance(url, str)
    return url


def _plain(text: object) -> str:
    """AWS's (or a redirect's) text with control characters removed: it reaches the terminal."""
    return "".join(c if c.isprintable() else " " for c in str(text))[:200]


def _oidc_failure(error: Any, target: SsoSession) -> RoleuiError:
    details = error.response.get("Error", {})
    code = details.get("Code", "")
    message = _plain(details.get("Message") or error.response.get("error_description") or code)
    name = target.name or target.start_url
    if code == "ExpiredTokenException":
        return RoleuiError(f"the sign-in code expired — run `roleui login {name}` again", exit_code=EXIT_CREDENTIALS)
    if code in ("AccessDeniedException", "InvalidGrantException"):
        return RoleuiError(
            f"IAM Identity Center refused the sign-in ({code}) — run `roleui login {name}` again",
            exit_code=EXIT_CREDENTIALS,
        )
    return RoleuiError(f"IAM Identity Center ({target.region}) answered {code}: {message}", exit_code=EXIT_CREDENTIALS)
