"""Helpers for the sessions-engine tests: see what reached STS, make STS misbehave, and run the real roleui.

- `StsProxy`: an HTTP proxy in front of the moto server that records every STS request (its form parameters and
  which access key signed it) and can answer chosen actions with scripted errors (throttling...).
- `silent_server`: a socket that accepts connections and never answers (timeouts).
- `FakeFederation`: a local federation endpoint (getSigninToken / login) that checks the Session JSON it receives.
- `iam_user`: a real IAM user with keys in moto, so GetCallerIdentity names a person.
- `roleui(...)`: the real roleui program in a child process.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
AWS_CLI = str(ROOT / ".venv" / "bin" / "aws")
ROLEUI = [PYTHON, "-m", "roleui"]

BASE_USER = "deepak.dev"
MFA_SERIAL = "arn:aws:iam::123456789012:mfa/deepak.dev"

CATALOG = """
[defaults]
region = "eu-west-1"
duration = "1h"

[[accounts]]
id = "111111111111"
name = "tooling"

  [[accounts.roles]]
  name = "JumpRole"

[[accounts]]
id = "222222222222"
name = "shared-data"
color = "blue"

  [[accounts.roles]]
  name = "CrossAccountS3ReadOnly"
  external_id = "my-secret-external-id-1234"

  [[accounts.roles]]
  name = "DataReader"
  via = "tooling/JumpRole"
"""


@dataclass
class StsCall:
    action: str
    params: dict[str, str]
    access_key: str  # the access key id that signed the request

    def get(self, name: str) -> str | None:
        return self.params.get(name)


def _signing_key(authorization: str) -> str:
    # "AWS4-HMAC-SHA256 Credential=AKIA.../20240101/us-east-1/sts/aws4_request, SignedHeaders=..., Signature=..."
    marker = "Credential="
    if marker not in authorization:
        return ""
    return authorization.split(marker, 1)[1].split("/", 1)[0]


@dataclass
class StsProxy:
    """Forwards to `target` (moto) and records STS calls; `script[action]` holds (status, body) answers to serve first."""

    target: str
    calls: list[StsCall] = field(default_factory=list)
    script: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    delays: dict[str, list[float]] = field(default_factory=dict)  # seconds to hold the next calls of an action
    url: str = ""
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def actions(self, action: str) -> list[StsCall]:
        with self._lock:
            return [c for c in self.calls if c.action == action]

    def start(self) -> StsProxy:
        proxy = self
        target = urlsplit(self.target)

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                params = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
                action = params.get("Action", "")
                if action:
                    with proxy._lock:
                        proxy.calls.append(StsCall(action, params, _signing_key(self.headers.get("Authorization", ""))))
                        scripted = proxy.script.get(action)
                        answer = scripted.pop(0) if scripted else None
                        delays = proxy.delays.get(action)
                        delay = delays.pop(0) if delays else 0.0
                    if delay:
                        time.sleep(delay)
                    if answer is not None:
                        status, text = answer
                        data = text.encode()
                        self.send_response(status)
                        self.send_header("Content-Type", "text/xml")
                        self.send_header("Content-Length", str(len(data)))
                        self.end_headers()
                        self.wfile.write(data)
                        return
                conn = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
                conn.request(self.command, self.path, body=body, headers=headers)
                reply = conn.getresponse()
                data = reply.read()
                self.send_response(reply.status)
                for key, value in reply.getheaders():
                    if key.lower() not in ("content-length", "transfer-encoding", "connection", "server", "date"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                conn.close()

            do_POST = _handle
            do_GET = _handle

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


def sts_error(code: str, message: str, status: int = 400) -> tuple[int, str]:
    """An STS error response body, as AWS sends it."""
    body = (
        '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
        f"<Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>"
        "<RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ErrorResponse>"
    )
    return status, body


def iam_user(endpoint: str, name: str = BASE_USER) -> tuple[str, str]:
    """Create an IAM user with an access key in moto; returns (access key id, secret)."""
    import boto3

    iam = boto3.client(
        "iam",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    )
    iam.create_user(UserName=name)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return key["AccessKeyId"], key["SecretAccessKey"]


@contextmanager
def silent_server() -> Iterator[str]:
    """A TCP endpoint that accepts connections and never answers; yields its URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        sock.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
                accepted.append(conn)
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(2)
        for conn in accepted:
            conn.close()
        sock.close()


def free_closed_port_url() -> str:
    """A URL on a port nothing listens on (connection refused)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}"


@dataclass
class FakeFederation:
    """A local federation endpoint: getSigninToken checks the Session JSON, login is never called by roleui."""

    expected: Callable[[], tuple[str, str, str]]  # (sessionId, sessionKey, sessionToken) it must receive
    requests: list[dict[str, str]] = field(default_factory=list)
    url: str = ""
    _server: ThreadingHTTPServer | None = None

    def start(self) -> FakeFederation:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
                fake.requests.append(query)
                status, body = 400, {"error": "bad request"}
                if query.get("Action") == "getSigninToken":
                    try:
                        session = json.loads(query.get("Session", ""))
                    except ValueError:
                        session = {}
                    got = (session.get("sessionId"), session.get("sessionKey"), session.get("sessionToken"))
                    if got == fake.expected() and set(session) == {"sessionId", "sessionKey", "sessionToken"}:
                        status, body = 200, {"SigninToken": "fake-signin-token-42"}
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/federation"
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


def write_catalog(text: str = CATALOG) -> Path:
    """The catalog where roleui looks by default (the user config dir, inside the test's HOME)."""
    from roleui.core.paths import config_path

    path = config_path()[0]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def roleui(
    *args: str, env: dict[str, str] | None = None, timeout: float = 60, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real roleui program (`python -m roleui`) with the test's environment (plus `env`)."""
    return subprocess.run(
        [*ROLEUI, *args],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        input=input,
        cwd=str(ROOT),
        check=False,
    )


def child_python(code: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
