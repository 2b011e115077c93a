"""A local stand-in for the AWS federation endpoint, so `--federated` and `o` work in the demo.

It speaks the two actions roleui uses: `getSigninToken` (checks the Session JSON like AWS does, then asks the
local AWS who those credentials belong to, and answers `{"SigninToken": ...}`) and `login` (a page saying which
role the real console would have opened, since the local AWS has no console).
"""

from __future__ import annotations

import html
import json
import secrets
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from roleui.demo.loopback import LoopbackServer
from roleui.demo.story import REGION

PATH = "/federation"
MIN_SESSION_DURATION = 900
MAX_SESSION_DURATION = 43200


class FederationEndpoint(LoopbackServer):
    """An HTTP server on 127.0.0.1 (a free port) answering like signin.aws.amazon.com/federation."""

    def __init__(self, aws_endpoint_url: str) -> None:
        self.aws_endpoint_url = aws_endpoint_url
        self.tokens: dict[str, str] = {}  # SigninToken -> the assumed-role ARN it signs in as
        self._lock = threading.Lock()
        super().__init__(_handler_for(self), "roleui-demo-federation")

    @property
    def url(self) -> str:
        return f"{self.origin}{PATH}"

    def issue_token(self, session: dict[str, Any]) -> str:
        """A SigninToken for the Session JSON, or ValueError saying why AWS would have refused it."""
        keys = ("sessionId", "sessionKey", "sessionToken")
        if not all(isinstance(session.get(key), str) and session[key] for key in keys):
            raise ValueError("Session must hold sessionId, sessionKey and sessionToken")
        arn = self._caller_arn(session["sessionId"], session["sessionKey"], session["sessionToken"])
        token = secrets.token_urlsafe(32)
        with self._lock:
            self.tokens[token] = arn
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
        with self._lock:
            return self.tokens.get(token)


def _handler_for(endpoint: FederationEndpoint) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "roleui-demo-federation"

        def log_message(self, format: str, *args: Any) -> None:
            return  # quiet: the demo's terminal belongs to the UI

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = {key: values[-1] for key, values in parse_qs(url.query).items()}
            if url.path != PATH:
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
                token = endpoint.issue_token(session if isinstance(session, dict) else {})
            except (ValueError, json.JSONDecodeError) as error:
                self._reply(HTTPStatus.BAD_REQUEST, "text/plain", f"{error}\n")
                return
            self._reply(HTTPStatus.OK, "application/json", json.dumps({"SigninToken": token}))

        def _login(self, query: dict[str, str]) -> None:
            arn = endpoint.signed_in_as(query.get("SigninToken", ""))
            if arn is None:
                self._reply(HTTPStatus.BAD_REQUEST, "text/html", _page("Sign-in failed", "<p>Unknown SigninToken.</p>"))
                return
            destination = query.get("Destination", "")
            body = (
                f"<p>Signed in as <code>{html.escape(arn)}</code>.</p>"
                f"<p>With real AWS this link opens the console at <code>{html.escape(destination)}</code>. "
                "The demo's local AWS has no console: this page is the end of the federated sign-in.</p>"
            )
            self._reply(HTTPStatus.OK, "text/html", _page("roleui demo: federated sign-in", body))

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
