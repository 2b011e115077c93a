"""The credential endpoint under another local user's connections: idle sockets by the thousand, a client that
trickles its headers, and the child's real request answered all the same."""

from __future__ import annotations

import resource
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from roleui.aws.bounded_http import HEADER_DEADLINE, MAX_CONNECTIONS
from roleui.aws.credential_server import CredentialEndpoint
from roleui.core.sessions.session import Credentials, Session

IDLE = 1100  # past the 1,024 descriptors a process gets by default


def held_session() -> Session:
    return Session(
        role_key="acct/Role",
        role_arn="arn:aws:iam::123456789012:role/Role",
        account_id="123456789012",
        assumed_role_arn="arn:aws:sts::123456789012:assumed-role/Role/me",
        session_name="me",
        credentials=Credentials("ASIAHELD", "secret", "token", datetime.now(UTC) + timedelta(hours=8)),
    )


def never_renewed(session: Session) -> Session:
    raise AssertionError("an eight-hour session is not renewed")


@pytest.fixture
def endpoint() -> Iterator[CredentialEndpoint]:
    served = CredentialEndpoint(held_session(), never_renewed).start()
    try:
        yield served
    finally:
        served.stop()


@pytest.fixture
def default_file_limit() -> Iterator[None]:
    """The endpoint's process with the 1,024 descriptors a user's process gets by default (CI's may be higher)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(1024, hard), hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


# Another local user: opens IDLE connections to the port, sends nothing, says "ready", holds them until stdin ends.
ATTACKER = f"""
import resource, socket, sys
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, {2 * IDLE}), hard))
held = []
for _ in range({IDLE}):
    s = socket.socket()
    s.setblocking(False)
    s.connect_ex(("127.0.0.1", int(sys.argv[1])))
    held.append(s)
print("ready", flush=True)
sys.stdin.read()
"""

# The child's SDK: one request with a one-second timeout; prints the status and the key, or the error.
CHILD = """
import json, sys, time, urllib.request
started = time.monotonic()
request = urllib.request.Request(sys.argv[1], headers={"Authorization": sys.argv[2]})
try:
    with urllib.request.urlopen(request, timeout=1.0) as answer:
        print(answer.status, json.loads(answer.read())["AccessKeyId"], round(time.monotonic() - started, 3))
except Exception as error:
    print("failed", type(error).__name__, error)
"""


def idle_connections(port: int, count: int) -> list[socket.socket]:
    opened = []
    for _ in range(count):
        sock = socket.socket()
        sock.setblocking(False)
        sock.connect_ex(("127.0.0.1", port))  # in progress or done: either way it holds a slot and sends nothing
        opened.append(sock)
    return opened


def closed_by_peer(sock: socket.socket, within: float) -> bool:
    sock.settimeout(within)
    try:
        return sock.recv(1) == b""
    except TimeoutError:
        return False
    except ConnectionResetError:
        return True


def test_a_real_request_is_answered_within_a_second_while_1100_idle_connections_are_open(
    endpoint: CredentialEndpoint, default_file_limit: None
) -> None:
    attacker = subprocess.Popen(
        [sys.executable, "-c", ATTACKER, str(endpoint.port)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert attacker.stdout is not None
        assert attacker.stdout.readline() == "ready\n"
        time.sleep(0.5)  # the endpoint takes in what it can of the flood
        for _ in range(2):  # twice: not merely once, by luck of timing
            done = subprocess.run(
                [sys.executable, "-c", CHILD, endpoint.url, endpoint.token],
                capture_output=True,
                text=True,
                timeout=30,
                check=False,
            )
            words = done.stdout.split()
            assert words[:2] == ["200", "ASIAHELD"], done.stdout + done.stderr
            assert float(words[2]) < 1.0
        assert attacker.poll() is None, "the idle connections were still held"
    finally:
        attacker.kill()
        attacker.wait()


def test_open_connections_are_bounded_with_the_oldest_idle_dropped_first(endpoint: CredentialEndpoint) -> None:
    server = endpoint._server
    assert server is not None
    first = socket.create_connection(("127.0.0.1", endpoint.port))
    time.sleep(0.2)
    rest = [socket.create_connection(("127.0.0.1", endpoint.port)) for _ in range(MAX_CONNECTIONS + 10)]
    try:
        assert closed_by_peer(first, within=HEADER_DEADLINE / 2), "the oldest idle connection is dropped first"
        time.sleep(0.3)
        assert server.open_connections <= MAX_CONNECTIONS
        assert not closed_by_peer(rest[-1], within=0.1), "the newest is kept"
    finally:
        for sock in [first, *rest]:
            sock.close()


def test_a_connection_that_sends_nothing_is_closed_after_the_header_deadline(endpoint: CredentialEndpoint) -> None:
    sock = socket.create_connection(("127.0.0.1", endpoint.port))
    try:
        assert closed_by_peer(sock, within=HEADER_DEADLINE + 2)
    finally:
        sock.close()


def test_a_client_trickling_its_headers_is_closed_at_the_deadline_not_kept_alive_by_each_byte(
    endpoint: CredentialEndpoint,
) -> None:
    sock = socket.create_connection(("127.0.0.1", endpoint.port))
    started = time.monotonic()
    try:
        sock.sendall(f"GET {endpoint.path} HTTP/1.1\r\n".encode())
        closed = False
        while time.monotonic() - started < HEADER_DEADLINE + 3:
            try:
                sock.sendall(b"X")  # one byte at a time, well inside any per-read timeout
            except OSError:
                closed = True
                break
            if closed_by_peer(sock, within=0.5):
                closed = True
                break
        assert closed, "a trickling client must not hold its connection past the deadline"
        assert time.monotonic() - started < HEADER_DEADLINE + 2
    finally:
        sock.close()
