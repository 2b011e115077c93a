"""A local stand-in for the AWS federation endpoint, so `--federated` and `o` work in the demo.

It speaks the two actions roleui uses: `getSigninToken` (checks the Session JSON like AWS does, then asks the
local AWS who those credentials belong to, and answers `{"SigninToken": ...}`) and `login` (a stand-in console page:
the role, its account's colour as a bar like the console's, and the console session's time left, so a person and a
test see which console is which), plus the console's sign-out (`/oauth?Action=logout&redirect_uri=`), which sends
the browser on to a sign-in URL of this endpoint.
"""

from __future__ import annotations

import html
import json
import secrets
import threading
from collections.abc import Mapping
from datetime import datetime, timedelta
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from typing import Any, NamedTuple
from urllib.parse import parse_qs, urlsplit

from roleui.core.clock import Clock, utc_now
from roleui.core.timefmt import format_countdown
from roleui.demo.loopback import LoopbackServer
from roleui.demo.story import REGION

PATH = "/federation"
SIGN_OUT_PATH = "/oauth"
MIN_SESSION_DURATION = 900
MAX_SESSION_DURATION = 43200
DEFAULT_CONSOLE_SESSION = 3600  # without SessionDuration (a chained role's sign-in): one hour


class SignIn(NamedTuple):
    arn: str  # the assumed-role ARN the token signs in as
    expires: datetime  # when the console session it opens ends


class AccountLook(NamedTuple):
    name: str
    color: str | None  # the console palette's hex, as the catalog resolved it


class FederationEndpoint(LoopbackServer):
    """An HTTP server on 127.0.0.1 (a free port) answering like signin.aws.amazon.com/federation."""

    def __init__(
        self, aws_endpoint_url: str, accounts: Mapping[str, AccountLook] | None = None, clock: Clock = utc_now
    ) -> None:
        self.aws_endpoint_url = aws_endpoint_url
        self.accounts = dict(accounts or {})  # account id -> how its console looks
        self.clock = clock
        self.sign_ins: dict[str, SignIn] = {}  # SigninToken -> who it signs in as, and until when
        self._lock = threading.Lock()
        super().__init__(_handler_for(self), "roleui-demo-federation")

    @property
    def url(self) -> str:
        return f"{self.origin}{PATH}"

    def issue_token(self, session: dict[str, Any], duration: int = DEFAULT_CONSOLE_SESSION) -> str:
        """A SigninToken for the Session JSON, or ValueError saying why AWS would have refused it."""
        keys = ("sessionId", "sessionKey", "sessionToken")
        if not all(isinstance(session.get(key), str) and session[key] for key in keys):
            raise ValueError("Session must hold sessionId, sessionKey and sessionToken")
        arn = self._caller_arn(session["sessionId"], session["sessionKey"], session["sessionToken"])
        token = secrets.token_urlsafe(32)
        with self._lock:
            self.sign_ins[token] = SignIn(arn, self.clock() + timedelta(seconds=duration))
        return token

    def _caller_arn(self, key_id: str, secret: str, token: str) -> str:
        import boto3
        from botocore.exceptions import BotoCoreError, ClientError

        sts = boto3.session.Session().client(
            "sts",
            endpoint_url=self.aws_endpoint_url,
            region_name=REGION,
            aws_access_key_id=key_id,
            aws_secret_access_key=secret,
            aws_session_token=token,
        )
        try:
            arn: str = sts.get_caller_identity()["Arn"]
        except (BotoCoreError, ClientError) as error:
            raise ValueError(f"the local AWS refused these credentials ({type(error).__name__})") from None
        if ":assumed-role/" not in arn and ":federated-user/" not in arn:
            raise ValueError("only temporary credentials (a role or federation session) can sign in")
        return arn

    def console_url(self, credentials: dict[str, Any], destination: str | None = None) -> str:
        """Where a portal shortcut link lands: this endpoint's `login` with a SigninToken for the role credentials
        (the sso portal's `roleCredentials` shape)."""
        from urllib.parse import urlencode

        token = self.issue_token(
            {
                "sessionId": credentials.get("accessKeyId"),
                "sessionKey": credentials.get("secretAccessKey"),
                "sessionToken": credentials.get("sessionToken"),
            }
        )
        query = {"Action": "login", "SigninToken": token, "Destination": destination or "the console home"}
        return f"{self.url}?{urlencode(query)}"

    def signed_in_as(self, token: str) -> str | None:
        sign_in = self.sign_in(token)
        return sign_in.arn if sign_in else None

    def sign_in(self, token: str) -> SignIn | None:
        with self._lock:
            return self.sign_ins.get(token)

    def console_page(self, sign_in: SignIn, destination: str) -> str:
        """The stand-in console: role key, the account's colour, the session's time left (ticking in the page)."""
        parts = sign_in.arn.split(":", 5)  # arn:aws:sts::ID:assumed-role/Role/session
        account_id, resource = (parts[4], parts[5]) if len(parts) == 6 else ("", sign_in.arn)
        role_name = resource.split("/")[1] if resource.count("/") >= 2 else resource
        look = self.accounts.get(account_id, AccountLook(account_id, None))
        key = f"{look.name}/{role_name}"
        color = f"#{look.color}" if look.color else "#d5dbdb"
        left = max((sign_in.expires - self.clock()).total_seconds(), 0)
        until = sign_in.expires.strftime("%H:%M UTC")
        body = (
            f"<div id='account-bar' data-color='{html.escape(color)}' style='background: {html.escape(color)}; "
            f"padding: .7em 1.2em; font-weight: bold'>{html.escape(look.name)} ({html.escape(account_id)}) · "
            "roleui demo console</div><div style='padding: 0 1.2em'>"
            f"<h1 id='role'>{html.escape(key)}</h1>"
            f"<p>Signed in as <code>{html.escape(sign_in.arn)}</code>.</p>"
            f"<p id='remaining' data-expires='{sign_in.expires.isoformat()}'>Console session: "
            f"<span id='left'>{html.escape(format_countdown(left))}</span> left (until {until})</p>"
            f"<p>With real AWS this sign-in opens the console at <code>{html.escape(destination)}</code>. "
            "The demo's local AWS has no console: this page stands in for it.</p></div>"
            "<script>(function () {"
            "var end = Date.parse(document.getElementById('remaining').dataset.expires);"
            "function tick() { var s = Math.max(0, Math.round((end - Date.now()) / 1000));"
            "var h = Math.floor(s / 3600), m = Math.floor(s % 3600 / 60), r = s % 60;"
            "document.getElementById('left').textContent = (h ? h + 'h ' : '') + m + 'm ' + (r < 10 ? '0' : '') + r + 's'; }"
            "setInterval(tick, 1000); })();</script>"
        )
        title = html.escape(f"{key} — roleui demo console")
        return (
            f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>"
            f"<body style='font-family: sans-serif; margin: 0'>{body}</body></html>"
        )


def _handler_for(endpoint: FederationEndpoint) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "roleui-demo-federation"

        def log_message(self, format: str, *args: Any) -> None:
            return  # quiet: the demo's terminal belongs to the UI

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = {key: values[-1] for key, values in parse_qs(url.query).items()}
            if url.path == SIGN_OUT_PATH and query.get("Action") == "logout":
                self._sign_out(query.get("redirect_uri", ""))
            elif url.path != PATH:
                self._reply(HTTPStatus.NOT_FOUND, "text/plain", "not found\n")
            elif query.get("Action") == "getSigninToken":
                self._get_signin_token(query)
            elif query.get("Action") == "login":
                self._login(query)
            else:
                self._reply(HTTPStatus.BAD_REQUEST, "text/plain", "unknown Action\n")

        def _get_signin_token(self, query: dict[str, str]) -> None:
            duration = query.get("SessionDuration")
            if duration is not None and (
                not duration.isdigit() or not MIN_SESSION_DURATION <= int(duration) <= MAX_SESSION_DURATION
            ):
                self._reply(HTTPStatus.BAD_REQUEST, "text/plain", "SessionDuration must be 900..43200\n")
                return
            try:
                session = json.loads(query.get("Session", ""))
                lasts = int(duration) if duration is not None else DEFAULT_CONSOLE_SESSION
                token = endpoint.issue_token(session if isinstance(session, dict) else {}, lasts)
            except (ValueError, json.JSONDecodeError) as error:
                self._reply(HTTPStatus.BAD_REQUEST, "text/plain", f"{error}\n")
                return
            self._reply(HTTPStatus.OK, "application/json", json.dumps({"SigninToken": token}))

        def _login(self, query: dict[str, str]) -> None:
            sign_in = endpoint.sign_in(query.get("SigninToken", ""))
            if sign_in is None:
                self._reply(HTTPStatus.BAD_REQUEST, "text/html", _page("Sign-in failed", "<p>Unknown SigninToken.</p>"))
                return
            self._reply(HTTPStatus.OK, "text/html", endpoint.console_page(sign_in, query.get("Destination", "")))

        def _sign_out(self, redirect_uri: str) -> None:
            # Like AWS, the sign-out only sends the browser on to its own sign-in pages.
            if not redirect_uri.startswith(endpoint.url + "?"):
                self._reply(
                    HTTPStatus.BAD_REQUEST, "text/plain", "redirect_uri must be a sign-in URL of this endpoint\n"
                )
                return
            self.send_response(HTTPStatus.FOUND)
            self.send_header("Location", redirect_uri)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _reply(self, status: HTTPStatus, content_type: str, text: str) -> None:
            data = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", f"{content_type}; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


def _page(title: str, body: str) -> str:
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title></head>"
        f"<body style='font-family: sans-serif; max-width: 48em; margin: 3em auto'>"
        f"<h1>{html.escape(title)}</h1>{body}</body></html>"
    )
