"""The local Identity Center on HTTP: the `sso-oidc` and `sso` REST-JSON APIs, the verification page, the
authorize endpoint — one server on 127.0.0.1 (a free port), since the two APIs' paths do not overlap.

Point botocore at it with AWS_ENDPOINT_URL_SSO and AWS_ENDPOINT_URL_SSO_OIDC (both `url`). Errors carry their
shape's name in `x-amzn-ErrorType`, as AWS's do, so botocore raises the modelled exception.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from roleui.demo.identity_center.directory import ApiError, Directory
from roleui.demo.loopback import LoopbackServer

TOKEN_HEADER = "x-amz-sso_bearer_token"  # noqa: S105 - a header name
_OIDC = {
    "/client/register": "RegisterClient",
    "/device_authorization": "StartDeviceAuthorization",
    "/token": "CreateToken",
}
CONSOLE_PATH = "/start/console"
# The portal page's script: `#/console?account_id=...&role_name=...[&destination=...]` (core/console.py's shortcut
# link) goes to CONSOLE_PATH with the same query; the fragment never reaches a server.
SHORTCUT_SCRIPT = (
    "var h = window.location.hash; if (h.indexOf('#/console?') === 0) "
    f"window.location.replace('{CONSOLE_PATH}?' + h.slice('#/console?'.length));"
)
ConsoleSignIn = Callable[[dict[str, Any], "str | None"], str]

_PORTAL = {
    "/assignment/accounts": "ListAccounts",
    "/assignment/roles": "ListAccountRoles",
    "/federation/credentials": "GetRoleCredentials",
    "/logout": "Logout",
}


class IdentityCenterServer(LoopbackServer):
    """Serves `directory` on 127.0.0.1; `start()`, `stop()` (twice is harmless)."""

    def __init__(self, directory: Directory) -> None:
        self.directory = directory
        # role credentials, destination -> the federated console URL they sign in at (the demo's federation
        # endpoint); None answers a shortcut link with a page saying so.
        self.console_sign_in: ConsoleSignIn | None = None
        super().__init__(_handler_for(directory, self), "roleui-demo-sso")
        directory.base_url = self.url

    @property
    def url(self) -> str:
        return self.origin


def _handler_for(directory: Directory, server: IdentityCenterServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "roleui-demo-identity-center"
        protocol_version = "HTTP/1.1"  # keep-alive: botocore reuses its connections

        def log_message(self, format: str, *args: Any) -> None:
            return  # quiet: the demo's terminal belongs to the UI

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = {key: values[-1] for key, values in parse_qs(url.query).items()}
            if url.path in ("/start", "/start/"):
                self._portal_page()
            elif url.path == CONSOLE_PATH:
                self._answer(lambda: self._console(query))
            elif url.path == "/device":
                self._device_page(query.get("user_code", ""))
            elif url.path == "/authorize":
                self._answer(lambda: self._redirect(directory.authorize(query)))
            elif url.path in _PORTAL:
                self._portal(url.path, query)
            else:
                self._json(HTTPStatus.NOT_FOUND, {"message": "not found"}, "ResourceNotFoundException")

        def do_POST(self) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            if url.path in _PORTAL:
                self._portal(url.path, {})
                return
            operation = _OIDC.get(url.path)
            if operation is None:
                self._json(HTTPStatus.NOT_FOUND, {"message": "not found"}, "ResourceNotFoundException")
                return
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                body = None
            if not isinstance(body, dict):
                self._json(HTTPStatus.BAD_REQUEST, {"error": "invalid_request"}, "InvalidRequestException")
                return
            handlers = {
                "RegisterClient": directory.register_client,
                "StartDeviceAuthorization": directory.start_device_authorization,
                "CreateToken": directory.create_token,
            }
            self._answer(lambda: self._json(HTTPStatus.OK, handlers[operation](body)))

        def _portal(self, path: str, query: dict[str, str]) -> None:
            token = self.headers.get(TOKEN_HEADER, "")
            operation = _PORTAL[path]

            def answer() -> None:
                directory.count(operation)
                if operation == "ListAccounts":
                    result = directory.list_accounts(token, query.get("next_token"), query.get("max_result"))
                elif operation == "ListAccountRoles":
                    result = directory.list_account_roles(
                        token, query.get("account_id", ""), query.get("next_token"), query.get("max_result")
                    )
                elif operation == "GetRoleCredentials":
                    result = directory.get_role_credentials(
                        token, query.get("account_id", ""), query.get("role_name", "")
                    )
                else:
                    directory.logout(token)
                    result = {}
                self._json(HTTPStatus.OK, result)

            self._answer(answer)

        def _answer(self, work: Any) -> None:
            try:
                work()
            except ApiError as error:
                self._json(HTTPStatus(error.status), error.body, error.code)

        def _device_page(self, user_code: str) -> None:
            # Opening the page stands for "sign in and allow": there is one user and no password locally.
            if user_code and directory.approve(user_code):
                body = (
                    f"<p>Signed in as <b>{html.escape(directory.user)}</b>: the request with code "
                    f"<code>{html.escape(user_code)}</code> is approved. You can close this page.</p>"
                )
                self._html(HTTPStatus.OK, "roleui demo: request approved", body)
            else:
                self._html(
                    HTTPStatus.NOT_FOUND, "roleui demo: unknown code", "<p>No pending request has this code.</p>"
                )

        def _portal_page(self) -> None:
            # The start URL: the AWS access portal. Its shortcut links carry their target after `#`, which no
            # browser sends: the page's script reads it and goes on to the console sign-in, as the real portal does.
            body = (
                f"<p>The local AWS access portal of <b>{html.escape(directory.user)}</b>. With IAM Identity Center, "
                "this page lists your accounts, and a shortcut link (<code>#/console?account_id=...</code>) opens the "
                "console as that permission set; here it signs in at the demo's federation endpoint.</p>"
                f"<script>{SHORTCUT_SCRIPT}</script>"
            )
            self._html(HTTPStatus.OK, "roleui demo: AWS access portal", body)

        def _console(self, query: dict[str, str]) -> None:
            answer = directory.portal_credentials(query.get("account_id", ""), query.get("role_name", ""))
            if server.console_sign_in is None:
                self._html(HTTPStatus.OK, "roleui demo: console", "<p>This portal has no console to sign in to.</p>")
                return
            try:
                location = server.console_sign_in(answer["roleCredentials"], query.get("destination"))
            except ValueError as error:  # the local AWS refused the minted credentials
                self._html(HTTPStatus.BAD_GATEWAY, "roleui demo: console", f"<p>{html.escape(str(error))}</p>")
                return
            self._redirect(location)

        def _redirect(self, location: str) -> None:
            self.send_response(HTTPStatus.FOUND)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _html(self, status: HTTPStatus, title: str, body: str) -> None:
            page = (
                f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title></head>"
                f"<body style='font-family: sans-serif; max-width: 48em; margin: 3em auto'>"
                f"<h1>{html.escape(title)}</h1>{body}</body></html>"
            )
            self._send(status, "text/html; charset=utf-8", page.encode(), None)

        def _json(self, status: HTTPStatus, body: dict[str, Any], error_type: str | None = None) -> None:
            self._send(status, "application/json", json.dumps(body).encode(), error_type)

        def _send(self, status: HTTPStatus, content_type: str, data: bytes, error_type: str | None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            if error_type:
                self.send_header("x-amzn-ErrorType", error_type)
            self.end_headers()
            self.wfile.write(data)

    return Handler
