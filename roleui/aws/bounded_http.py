"""A loopback HTTP server another local user cannot starve: a deadline for each connection's request, a bound on
open connections (the oldest idle ones are dropped first), and no busy loop when the process runs out of files.

Any local user can find a port on 127.0.0.1 (/proc/net/tcp) and open connections to it without sending a byte.
Python's ThreadingHTTPServer gives each one a thread that waits forever: at the process's file limit new
connections, the real client's among them, are no longer accepted, and the accept loop spins on EMFILE. Here:
- a connection has `HEADER_DEADLINE` seconds, in all, to send its request line and headers (a read timeout alone
  would let a client trickle one byte at a time), enforced by the accept loop's housekeeping;
- at most `MAX_CONNECTIONS` are open; accepting one more first drops the oldest that has not sent its headers yet;
- when accept fails for lack of descriptors, the oldest idle connection is dropped so the next accept succeeds.
A request whose headers arrived is never dropped: only idle connections compete with each other, and a real
client sends its request as soon as it connects.

Used by the credential endpoint (roleui/aws/credential_server.py) and the sign-in's loopback (sso_login.py).
"""

from __future__ import annotations

import contextlib
import errno
import socket
import threading
import time
from collections import OrderedDict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

HEADER_DEADLINE = 3.0  # seconds from accept to the end of the headers; loopback clients need milliseconds
MAX_CONNECTIONS = 64  # open at once; far above what one child's SDKs use
POLL_INTERVAL = 0.25  # the accept loop wakes this often to enforce the deadline


class BoundedHTTPServer(ThreadingHTTPServer):
    """ThreadingHTTPServer with a header deadline and a bound on open connections (see the module)."""

    daemon_threads = True
    request_queue_size = 128  # connections the kernel holds until accept: a burst of idle ones does not hide a real one
    header_deadline = HEADER_DEADLINE
    max_connections = MAX_CONNECTIONS

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(address, handler)
        self._idle: OrderedDict[socket.socket, float] = OrderedDict()  # not yet through their headers, oldest first
        self._counted: set[socket.socket] = set()  # accepted and not yet closed
        self._guard = threading.Lock()
        self.dropped = 0  # idle connections closed (deadline, bound or lack of descriptors)

    def serve_forever(self, poll_interval: float = POLL_INTERVAL) -> None:
        super().serve_forever(poll_interval)

    # -- accepting ----------------------------------------------------------------------------------------------

    def get_request(self) -> tuple[socket.socket, Any]:
        try:
            return super().get_request()
        except OSError as error:
            # No descriptor for the next connection: free one, or poll() reports the listener ready again at once
            # and the loop spins.
            if (
                error.errno in (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM)
                and not self._drop_oldest_idle()
            ):
                time.sleep(POLL_INTERVAL)
            raise

    def verify_request(self, request: Any, client_address: Any) -> bool:
        with self._guard:
            full = len(self._counted) >= self.max_connections
        if full and not self._drop_oldest_idle():
            return False  # every open connection is a request being answered: this one is closed
        sock: socket.socket = request
        sock.settimeout(self.header_deadline)  # no single read waits longer than the whole deadline
        with self._guard:
            self._counted.add(sock)
            self._idle[sock] = time.monotonic() + self.header_deadline
        return True

    def shutdown_request(self, request: Any) -> None:
        with self._guard:
            self._idle.pop(request, None)
            self._counted.discard(request)
        super().shutdown_request(request)

    def headers_received(self, sock: socket.socket) -> None:
        """The handler read the request line and headers: this connection is a request now, never dropped."""
        with self._guard:
            self._idle.pop(sock, None)

    @property
    def open_connections(self) -> int:
        return len(self._counted)

    # -- dropping -----------------------------------------------------------------------------------------------

    def service_actions(self) -> None:
        """Each turn of the accept loop: close the connections past their header deadline."""
        now = time.monotonic()
        late: list[socket.socket] = []
        with self._guard:
            for sock, deadline in self._idle.items():
                if deadline > now:
                    break  # ordered by accept time, and every deadline is the same length
                late.append(sock)
            for sock in late:
                del self._idle[sock]
        for sock in late:
            self._drop(sock)

    def _drop_oldest_idle(self) -> bool:
        with self._guard:
            if not self._idle:
                return False
            sock, _ = self._idle.popitem(last=False)
        self._drop(sock)
        return True

    def _drop(self, sock: socket.socket) -> None:
        """End the connection under its handler thread: its blocked read returns at once, and the thread closes
        the socket (and counts it out) as after any request."""
        self.dropped += 1
        with contextlib.suppress(OSError):  # already gone
            sock.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """socketserver prints a traceback to stderr for a broken or timed-out connection: the terminal belongs to
        the user (and the child), not to a stranger's connections."""


class DeadlineHandler(BaseHTTPRequestHandler):
    """A request handler for BoundedHTTPServer: reads time out with the header deadline, and the server hears when
    the headers are in (from then on the connection is a request, not an idle socket)."""

    timeout = HEADER_DEADLINE

    def parse_request(self) -> bool:
        parsed = super().parse_request()
        if parsed and isinstance(self.server, BoundedHTTPServer):
            self.server.headers_received(self.connection)
        return parsed

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: request lines are nobody's business, and the terminal is the user's."""
