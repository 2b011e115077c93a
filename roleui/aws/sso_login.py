"""Sign in to IAM Identity Center: the OAuth flows of `roleui login`, made for a worker thread as much as a CLI.

`start_sign_in(target)` registers a client (or reuses the registration of the cached token) and starts a flow:
- the authorization code flow with PKCE (the default, as in AWS CLI v2): a loopback HTTP server on 127.0.0.1
  receives the code; the browser is sent to the OIDC authorize endpoint with the S256 challenge (no secret);
- the device flow (`device_code=True`): the user opens the verification URL and confirms the user code.
It returns a `PendingSignIn` (what to show: the URL and, for the device flow, the code); `pending.wait(cancelled)`
blocks until the user approved (polling at the interval AWS asks for, slower on `slow_down`), saves the token
where AWS CLI v2 and botocore look for it (roleui/aws/sso_tokens.py) and returns it.

`valid_token(target)` is the token to use now: the cached one while it is valid, else refreshed with its
refresh token (saved again), else None: the user must sign in.

The OIDC client is botocore's `sso-oidc` (unsigned; AWS_ENDPOINT_URL_SSO_OIDC points it elsewhere).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from roleui.aws.sso_tokens import SsoToken, load_token, save_token
from roleui.core.clock import Clock, utc_now
from roleui.core.errors import EXIT_CREDENTIALS, RoleuiError
from roleui.core.sources.aws_config import SsoSession

CLIENT_NAME = "roleui"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
CALLBACK_PATH = "/oauth/callback"
SIGN_IN_TIMEOUT = 600.0  # seconds the loopback waits for the browser (AWS's authorization codes live 5 min)
REFRESH_MARGIN = 60.0  # a token with less left than this is refreshed before use
SLOW_DOWN_STEP = 5  # RFC 8628: after slow_down, poll 5 s less often

OpenUrl = Callable[[str], bool]


def open_in_browser(url: str) -> bool:
    """webbrowser (which honours $BROWSER). The URL carries no secret: a device URL or a PKCE challenge. Only an
    http(s) URL is opened: one from the network must not reach a browser command line as an option or a path."""
    import webbrowser

    if not url.startswith(("https://", "http://")):
        return False

    try:
        return webbrowser.open(url)
    except webbrowser.Error:
        return False


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
    if token.is_valid(now, REFRESH_MARGIN):
        return token
    if not token.can_refresh(now):
        return None
    return refresh_token(token, clock=clock, client=client)


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
    url = started.get("verificationUriComplete") or started["verificationUri"]
    deadline = clock() + timedelta(seconds=int(started["expiresIn"]))

    def wait(cancelled: threading.Event) -> SsoToken:
        from botocore.exceptions import BotoCoreError, ClientError

        interval = max(1, int(started.get("interval") or 5))
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
                    interval += SLOW_DOWN_STEP
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
    return PendingSignIn(target, url, started["userCode"], int(started["expiresIn"]), opened, wait)


# -- the authorization code flow with PKCE ------------------------------------------------------------------------


def _start_pkce(oidc: Any, target: SsoSession, open_url: OpenUrl | None, clock: Clock) -> PendingSignIn:
    receiver = _Loopback()
    try:
        redirect_uri = f"http://127.0.0.1:{receiver.port}{CALLBACK_PATH}"
        registration = _registration(oidc, target, clock, pkce_redirect=f"http://127.0.0.1{CALLBACK_PATH}")
        verifier = secrets.token_urlsafe(64)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        state = secrets.token_urlsafe(24)
        query = {
            "response_type": "code",
            "client_id": registration.client_id,
            "redirect_uri": redirect_uri,
            "state": state,
            "code_challenge_method": "S256",
            "scopes": " ".join(target.scopes),
            "code_challenge": challenge,
        }
        url = f"{oidc.meta.endpoint_url.rstrip('/')}/authorize?{urlencode(query)}"
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
    """A one-request HTTP server on 127.0.0.1 (free port) that receives the authorization code."""

    def __init__(self) -> None:
        self.answer: dict[str, str] = {}
        self.arrived = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_GET(self) -> None:
                url = urlsplit(self.path)
                if url.path != CALLBACK_PATH:
                    self.send_error(404)
                    return
                if not receiver.arrived.is_set():
                    receiver.answer = {k: v[-1] for k, v in parse_qs(url.query).items()}
                    receiver.arrived.set()
                page = b"<!doctype html><title>roleui</title><p>roleui is signed in. You can close this page.</p>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)

        self._server = HTTPServer(("127.0.0.1", 0), Handler)
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
    expires = datetime.fromtimestamp(int(answer["clientSecretExpiresAt"]), UTC)
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
    return SsoToken(
        start_url=start_url,
        region=region,
        access_token=answer["accessToken"],
        expires_at=(clock() + timedelta(seconds=int(answer["expiresIn"]))).replace(microsecond=0),  # as stored
        session_name=session,
        refresh_token=answer.get("refreshToken") if session is not None else None,
    )


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
