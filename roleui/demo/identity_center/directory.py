"""The state and rules of the local Identity Center: one user, their account assignments, OIDC clients and tokens.

Everything the HTTP side answers is decided here, as AWS does it:
- RegisterClient gives a client id and secret (valid `Lifetimes.registration`);
- the device flow: StartDeviceAuthorization gives a device code and a user code; CreateToken with the device code
  answers `authorization_pending` until the user code is approved (the verification page), `slow_down` when polled
  faster than the interval (which then grows by 5 s, RFC 8628), `expired_token` once the device code expired;
- the authorization-code flow with PKCE: the authorize endpoint gives a code for a loopback redirect URI, CreateToken
  checks the S256 challenge against the verifier;
- the refresh-token grant gives a new access token; refresh tokens exist for clients registered with scopes
  (the `sso-session` way), as with AWS;
- the portal: ListAccounts / ListAccountRoles (paginated), GetRoleCredentials (through a minter), Logout.
Failures are `ApiError`s that carry the HTTP status, the error shape's name and its body.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

from roleui.core.clock import Clock, utc_now

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
PAGE = 20  # the portal's default page size
MAX_PAGE = 100
_USER_CODE_LETTERS = "BCDFGHJKLMNPQRSTVWXZ"  # no vowels, no look-alikes: no words, no 0/O mix-ups

# (account id, permission set name, user, session seconds) -> the sso RoleCredentials structure.
Minter = Callable[[str, str, str, int], dict[str, Any]]


class ApiError(Exception):
    """A refusal: HTTP status, the error shape's name (x-amzn-ErrorType) and the JSON body."""

    def __init__(self, status: int, code: str, body: dict[str, str]) -> None:
        super().__init__(f"{status} {code}: {body}")
        self.status = status
        self.code = code
        self.body = body


def _oidc_error(status: int, code: str, error: str, description: str) -> ApiError:
    return ApiError(status, code, {"error": error, "error_description": description})


def _portal_error(status: int, code: str, message: str) -> ApiError:
    return ApiError(status, code, {"message": message})


@dataclass(frozen=True, slots=True)
class Lifetimes:
    """Seconds each thing lives; tests shorten them, the demo keeps AWS's defaults."""

    access_token: int = 3600
    device_code: int = 600
    authorization_code: int = 300
    registration: int = 90 * 24 * 3600
    role_session: int = 3600  # a permission set's session duration (AWS default: 1 h)
    poll_interval: int = 1


@dataclass(frozen=True, slots=True)
class Assignment:
    """An account the user may enter, with the permission sets assigned to them there."""

    account_id: str
    account_name: str
    email: str
    permission_sets: tuple[str, ...]


@dataclass(slots=True)
class _Client:
    secret: str
    expires: datetime
    scopes: tuple[str, ...]
    redirect_uris: tuple[str, ...]


@dataclass(slots=True)
class _DeviceCode:
    client_id: str
    user_code: str
    expires: datetime
    interval: int
    scopes: tuple[str, ...]
    approved: bool = False
    last_poll: datetime | None = None


@dataclass(frozen=True, slots=True)
class _AuthorizationCode:
    client_id: str
    redirect_uri: str
    challenge: str
    expires: datetime
    scopes: tuple[str, ...]


@dataclass(slots=True)
class _Throttle:
    """A token bucket: `rate` requests a second, bursts of at most `rate`."""

    rate: float
    monotonic: Callable[[], float] = time.monotonic
    tokens: float = field(init=False)
    at: float = field(init=False)

    def __post_init__(self) -> None:
        self.tokens = self.rate
        self.at = self.monotonic()

    def admit(self) -> bool:
        now = self.monotonic()
        self.tokens = min(self.rate, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class Directory:
    """The Identity Center instance: `user` signs in (approving is opening the verification page) and is assigned
    `assignments`. Thread-safe: the HTTP server answers from several threads."""

    def __init__(
        self,
        *,
        user: str,
        assignments: Sequence[Assignment] = (),
        base_url: str = "",
        minter: Minter | None = None,
        lifetimes: Lifetimes = Lifetimes(),
        clock: Clock = utc_now,
        requests_per_second: float | None = None,
    ) -> None:
        self.user = user
        self.base_url = base_url  # the server sets it once it has a port
        self.minter = minter
        self.lifetimes = lifetimes
        self.clock = clock
        self.throttle = _Throttle(requests_per_second) if requests_per_second else None
        self.calls: dict[str, int] = {}  # operation -> how many times it was asked (throttled ones included)
        self._lock = threading.Lock()
        self._assignments: dict[str, Assignment] = {}
        self._clients: dict[str, _Client] = {}
        self._devices: dict[str, _DeviceCode] = {}
        self._codes: dict[str, _AuthorizationCode] = {}
        self._access: dict[str, datetime] = {}  # access token -> expiry
        self._refresh: dict[str, str] = {}  # refresh token -> client id
        for assignment in assignments:
            self.assign(assignment)

    # -- set-up -----------------------------------------------------------------------------------------------

    def assign(self, assignment: Assignment) -> None:
        with self._lock:
            self._assignments[assignment.account_id] = assignment

    def issue_access_token(self) -> str:
        """A signed-in access token without any flow (the demo's sign-in at start, tests)."""
        with self._lock:
            return self._new_access_token()

    # -- sso-oidc -------------------------------------------------------------------------------------------------

    def register_client(self, body: dict[str, Any]) -> dict[str, Any]:
        name, kind = body.get("clientName"), body.get("clientType")
        if not isinstance(name, str) or not name or kind != "public":
            raise _oidc_error(400, "InvalidRequestException", "invalid_request", "clientName and clientType public")
        grant_types = tuple(body.get("grantTypes") or ())
        redirect_uris = tuple(body.get("redirectUris") or ())
        if "authorization_code" in grant_types and not redirect_uris:
            raise _oidc_error(400, "InvalidRequestException", "invalid_request", "redirectUris are required")
        if any(not _is_loopback(uri) for uri in redirect_uris):
            raise _oidc_error(400, "InvalidRedirectUriException", "invalid_redirect_uri", "loopback URIs only")
        now = self.clock()
        client_id = secrets.token_urlsafe(16)
        client = _Client(
            secret=secrets.token_urlsafe(48),
            expires=now + timedelta(seconds=self.lifetimes.registration),
            scopes=tuple(body.get("scopes") or ()),
            redirect_uris=redirect_uris,
        )
        with self._lock:
            self._clients[client_id] = client
        return {
            "clientId": client_id,
            "clientSecret": client.secret,
            "clientIdIssuedAt": int(now.timestamp()),
            "clientSecretExpiresAt": int(client.expires.timestamp()),
            "authorizationEndpoint": f"{self.base_url}/authorize",
            "tokenEndpoint": f"{self.base_url}/token",
        }

    def start_device_authorization(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            client_id = self._client_of(body)
            if not isinstance(body.get("startUrl"), str):
                raise _oidc_error(400, "InvalidRequestException", "invalid_request", "startUrl is required")
            device_code = secrets.token_urlsafe(32)
            user_code = "-".join("".join(secrets.choice(_USER_CODE_LETTERS) for _ in range(4)) for _ in range(2))
            self._devices[device_code] = _DeviceCode(
                client_id=client_id,
                user_code=user_code,
                expires=self.clock() + timedelta(seconds=self.lifetimes.device_code),
                interval=self.lifetimes.poll_interval,
                scopes=self._clients[client_id].scopes,
            )
        return {
            "deviceCode": device_code,
            "userCode": user_code,
            "verificationUri": f"{self.base_url}/device",
            "verificationUriComplete": f"{self.base_url}/device?{urlencode({'user_code': user_code})}",
            "expiresIn": self.lifetimes.device_code,
            "interval": self.lifetimes.poll_interval,
        }

    def approve(self, user_code: str) -> bool:
        """The user opened the verification page for `user_code` (and signed in): its device code is approved."""
        with self._lock:
            now = self.clock()
            for device in self._devices.values():
                if device.user_code == user_code.strip().upper() and device.expires > now:
                    device.approved = True
                    return True
        return False

    def authorize(self, query: dict[str, str]) -> str:
        """The authorize endpoint (the user is signed in and consents): the loopback URL to redirect to, with the
        code and the state; ApiError for a request a browser must not be redirected for."""
        with self._lock:
            client = self._clients.get(query.get("client_id", ""))
            redirect_uri = query.get("redirect_uri", "")
            if client is None or query.get("response_type") != "code":
                raise _oidc_error(400, "InvalidClientException", "invalid_client", "unknown client")
            if not any(_same_loopback(redirect_uri, uri) for uri in client.redirect_uris):
                raise _oidc_error(400, "InvalidRequestException", "invalid_request", "redirect_uri not registered")
            challenge = query.get("code_challenge", "")
            if query.get("code_challenge_method") != "S256" or not challenge:
                raise _oidc_error(400, "InvalidRequestException", "invalid_request", "PKCE S256 is required")
            code = secrets.token_urlsafe(32)
            self._codes[code] = _AuthorizationCode(
                client_id=query["client_id"],
                redirect_uri=redirect_uri,
                challenge=challenge,
                expires=self.clock() + timedelta(seconds=self.lifetimes.authorization_code),
                scopes=client.scopes,
            )
        separator = "&" if "?" in redirect_uri else "?"
        return f"{redirect_uri}{separator}{urlencode({'code': code, 'state': query.get('state', '')})}"

    def create_token(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            client_id = self._client_of(body)
            grant = body.get("grantType")
            if grant == DEVICE_GRANT:
                scopes = self._device_grant(client_id, str(body.get("deviceCode", "")))
            elif grant == "authorization_code":
                scopes = self._code_grant(client_id, body)
            elif grant == "refresh_token":
                if self._refresh.get(str(body.get("refreshToken", ""))) != client_id:
                    raise _oidc_error(400, "InvalidGrantException", "invalid_grant", "unknown refresh token")
                scopes = self._clients[client_id].scopes
            else:
                raise _oidc_error(400, "UnsupportedGrantTypeException", "unsupported_grant_type", str(grant))
            answer: dict[str, Any] = {
                "accessToken": self._new_access_token(),
                "tokenType": "Bearer",
                "expiresIn": self.lifetimes.access_token,
            }
            if scopes:
                refresh = body.get("refreshToken") if grant == "refresh_token" else secrets.token_urlsafe(48)
                self._refresh[str(refresh)] = client_id
                answer["refreshToken"] = refresh
        return answer

    # -- sso (the portal) ---------------------------------------------------------------------------------------

    def count(self, operation: str) -> None:
        """Record a call, and refuse it when over the throttle's rate."""
        with self._lock:
            self.calls[operation] = self.calls.get(operation, 0) + 1
            if self.throttle is not None and not self.throttle.admit():
                raise _portal_error(429, "TooManyRequestsException", "Rate exceeded")

    def list_accounts(self, token: str, next_token: str | None, max_results: str | None) -> dict[str, Any]:
        with self._lock:
            self._check_token(token)
            accounts = sorted(self._assignments.values(), key=lambda a: a.account_id)
        page, following = _page(accounts, next_token, max_results)
        answer: dict[str, Any] = {
            "accountList": [
                {"accountId": a.account_id, "accountName": a.account_name, "emailAddress": a.email} for a in page
            ]
        }
        if following is not None:
            answer["nextToken"] = following
        return answer

    def list_account_roles(
        self, token: str, account_id: str, next_token: str | None, max_results: str | None
    ) -> dict[str, Any]:
        with self._lock:
            self._check_token(token)
            assignment = self._assignments.get(account_id)
        if assignment is None:
            raise _portal_error(404, "ResourceNotFoundException", "No access")
        page, following = _page(list(assignment.permission_sets), next_token, max_results)
        answer: dict[str, Any] = {"roleList": [{"roleName": name, "accountId": account_id} for name in page]}
        if following is not None:
            answer["nextToken"] = following
        return answer

    def get_role_credentials(self, token: str, account_id: str, role_name: str) -> dict[str, Any]:
        with self._lock:
            self._check_token(token)
        return self.portal_credentials(account_id, role_name)

    def portal_credentials(self, account_id: str, role_name: str) -> dict[str, Any]:
        """What the portal's shortcut link signs in with: the browser is the portal's session (one local user, no
        password), so no bearer token is asked; the assignment still is."""
        with self._lock:
            assignment = self._assignments.get(account_id)
        if assignment is None or role_name not in assignment.permission_sets:
            raise _portal_error(403, "ForbiddenException", "No access")
        if self.minter is None:
            raise _portal_error(500, "InternalServerException", "no local AWS to mint credentials with")
        return {"roleCredentials": self.minter(account_id, role_name, self.user, self.lifetimes.role_session)}

    def logout(self, token: str) -> None:
        with self._lock:
            self._check_token(token)
            del self._access[token]

    def is_signed_in(self, token: str) -> bool:
        with self._lock:
            expires = self._access.get(token)
            return expires is not None and expires > self.clock()

    # -- internals (the lock is held) ---------------------------------------------------------------------------

    def _client_of(self, body: dict[str, Any]) -> str:
        client_id = str(body.get("clientId", ""))
        client = self._clients.get(client_id)
        if client is None or client.secret != body.get("clientSecret"):
            raise _oidc_error(401, "InvalidClientException", "invalid_client", "unknown client or wrong secret")
        if client.expires <= self.clock():
            raise _oidc_error(401, "InvalidClientException", "invalid_client", "the client registration expired")
        return client_id

    def _device_grant(self, client_id: str, device_code: str) -> tuple[str, ...]:
        device = self._devices.get(device_code)
        if device is None or device.client_id != client_id:
            raise _oidc_error(400, "InvalidGrantException", "invalid_grant", "unknown device code")
        now = self.clock()
        if device.expires <= now:
            del self._devices[device_code]
            raise _oidc_error(400, "ExpiredTokenException", "expired_token", "the device code expired")
        if device.approved:
            del self._devices[device_code]
            return device.scopes
        polled, device.last_poll = device.last_poll, now
        if polled is not None and (now - polled).total_seconds() < device.interval:
            device.interval += 5
            raise _oidc_error(400, "SlowDownException", "slow_down", "polling faster than the interval")
        raise _oidc_error(400, "AuthorizationPendingException", "authorization_pending", "not approved yet")

    def _code_grant(self, client_id: str, body: dict[str, Any]) -> tuple[str, ...]:
        code = self._codes.pop(str(body.get("code", "")), None)
        verifier = str(body.get("codeVerifier", ""))
        digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if (
            code is None
            or code.client_id != client_id
            or code.expires <= self.clock()
            or code.redirect_uri != body.get("redirectUri")
            or not secrets.compare_digest(digest, code.challenge)
        ):
            raise _oidc_error(400, "InvalidGrantException", "invalid_grant", "invalid code, verifier or redirect URI")
        return code.scopes

    def _new_access_token(self) -> str:
        token = secrets.token_urlsafe(48)
        self._access[token] = self.clock() + timedelta(seconds=self.lifetimes.access_token)
        return token

    def _check_token(self, token: str) -> None:
        expires = self._access.get(token)
        if expires is None or expires <= self.clock():
            raise _portal_error(401, "UnauthorizedException", "Session token not found or invalid")


def _page(items: Sequence[Any], next_token: str | None, max_results: str | None) -> tuple[Sequence[Any], str | None]:
    """One page of `items` from the offset `next_token` encodes; the next token or None at the end."""
    try:
        size = int(max_results) if max_results else PAGE
        start = int(base64.urlsafe_b64decode(next_token.encode()).decode()) if next_token else 0
    except ValueError:
        raise _portal_error(400, "InvalidRequestException", "invalid nextToken or maxResults") from None
    if not 1 <= size <= MAX_PAGE or start < 0:
        raise _portal_error(400, "InvalidRequestException", f"maxResults must be 1..{MAX_PAGE}")
    end = start + size
    following = base64.urlsafe_b64encode(str(end).encode()).decode() if end < len(items) else None
    return items[start:end], following


def _is_loopback(uri: str) -> bool:
    parts = urlsplit(uri)
    return parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost", "::1")


def _same_loopback(asked: str, registered: str) -> bool:
    """Loopback redirect URIs match whatever their port (RFC 8252 7.3): the client picks a free one."""
    a, r = urlsplit(asked), urlsplit(registered)
    return _is_loopback(asked) and (a.scheme, a.hostname, a.path) == (r.scheme, r.hostname, r.path)
