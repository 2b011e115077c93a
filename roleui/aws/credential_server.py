"""The local credential endpoint a subshell or command reads its keys from, so its session never runs out.

The child gets the SDKs' container-credentials variables (AWS_CONTAINER_CREDENTIALS_FULL_URI on 127.0.0.1 and
AWS_CONTAINER_AUTHORIZATION_TOKEN) instead of static keys; botocore, the aws CLI, the Go/Java/JS SDKs and
Terraform then ask this endpoint whenever their copy nears expiry. The endpoint lives in the roleui process that
waits for the child and stops with it. One random path and one random token per child; anything else gets a
401/403/404 JSON error. Before handing out a session with less than `refresh_margin` left it re-assumes the role
through the engine (the whole `via` chain and a cached MFA session are reused, so no code is asked while the MFA
session lasts). botocore refreshes 15 minutes before expiry and blocks at 10: handing out a session with less
than 15 minutes left would make every call of the child ask again, hence the 15-minute floor
(roleui/core/sessions/renewal.py). botocore gives the endpoint 2 s per attempt (3 attempts, 1 s apart), the JS
SDK v3 1 s (4 attempts, 1 s apart), less than a chain of STS calls can take: the endpoint renews on its own as
soon as the session is due (its server loop ticks twice a second), a request inside the margin is answered at
once with the held session while the renewal runs, and a request for a session within 5 minutes of its end waits
at most ANSWER_WAIT for the renewal, then gets the held session while it is valid, else a 503 saying why.
A failed renewal is told once per failure episode: `on_error` (by default one line on the terminal roleui was
started from, since the JS SDK shows only "status 503"), the status file, and the 503's message.

A small 0600 status file (role, expiry, colour, pid) follows every refresh: `roleui status` and the UI read it,
since the child's environment cannot carry an expiry that changes.
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from roleui.aws.bounded_http import BoundedHTTPServer, DeadlineHandler
from roleui.core.clock import Clock, utc_now
from roleui.core.errors import RoleuiError
from roleui.core.sessions.endpoint_status import EndpointStatus, prune_dead, status_dir, write_status
from roleui.core.sessions.renewal import due_for_renewal
from roleui.core.sessions.session import Session
from roleui.core.timefmt import format_time

if TYPE_CHECKING:
    from roleui.aws.engine import Engine
    from roleui.core.models import Role
    from roleui.core.sessions.assume_plan import AssumeOptions

HOST = "127.0.0.1"
STOP_WAIT = 10  # seconds a stopping endpoint waits for a renewal in flight
BACKGROUND_FLOOR = 5 * 60  # above this, a session due for renewal is still handed out while the renewal runs
ANSWER_WAIT = 0.5  # seconds a request waits for a renewal it needs: the JS SDK gives up on an attempt after 1 s
RETRY_AFTER = 60  # seconds (by the clock) between renewals the endpoint starts on its own

Renew = Callable[[Session], Session]  # the session held now -> a newer one


class CredentialEndpoint:
    """Serves one role session on 127.0.0.1:<port>/<path> to the holder of `token`; `start()` / `stop()`.

    `renew()` returns a newer session (it may raise RoleuiError); `on_error` hears the first failure of each
    episode (until a renewal succeeds). `clock` decides freshness, so tests cross an expiry without sleeping;
    `answer_wait` is how long a request may wait for a renewal (real seconds).
    """

    def __init__(
        self,
        session: Session,
        renew: Renew,
        *,
        cache_margin: int = 0,
        clock: Clock = utc_now,
        color: str | None = None,
        on_error: Callable[[str], None] | None = None,
        status_file: Path | None = None,
        answer_wait: float = ANSWER_WAIT,
        gate: Callable[[], str | None] | None = None,
    ) -> None:
        self._session = session
        self.gate = gate  # why to refuse now (a revoked child: roleui/core/sessions/handed.py), asked per request
        self._renew = renew
        self._cache_margin = cache_margin
        self._clock = clock
        self._color = color
        self._on_error = on_error
        self._answer_wait = answer_wait
        self._last_attempt: datetime | None = None
        self._lock = threading.Lock()
        self.path = "/" + secrets.token_urlsafe(18)
        self.token = secrets.token_urlsafe(32)
        self.status_file = status_file or status_dir() / f"{secrets.token_hex(8)}.status"
        self.refreshes = 0
        self.last_error: str | None = None
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ----------------------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the endpoint first"
        return f"http://{HOST}:{self._server.server_address[1]}{self.path}"

    @property
    def port(self) -> int:
        assert self._server is not None, "start() the endpoint first"
        return int(self._server.server_address[1])

    def start(self) -> CredentialEndpoint:
        try:
            server = _Server(self)
        except OSError as error:
            raise RoleuiError(
                f"cannot start the credential endpoint on {HOST}: {error.strerror} — pass --static for exported keys"
            ) from None
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name="roleui-credential-endpoint", daemon=True)
        self._thread.start()
        prune_dead(self.status_file.parent)
        self._write_status()
        return self

    def stop(self) -> None:
        """Close the port, let a renewal in flight finish (it writes the cache), remove the status file (idempotent)."""
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self.wait_for_renewal(timeout=STOP_WAIT)
        with suppress(OSError):
            self.status_file.unlink()

    def child_vars(self) -> dict[str, str]:
        """What the child needs to find this endpoint (see session_env.endpoint_env)."""
        return {
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": self.url,
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": self.token,
            "ROLEUI_STATUS_FILE": str(self.status_file),
        }

    # -- answering ----------------------------------------------------------------------------------------------

    @property
    def session(self) -> Session:
        return self._session

    def current(self) -> Session:
        """The session to hand out now: the held one while it has more than the margin left; within the margin
        but with more than `BACKGROUND_FLOOR` left, still the held one while a renewal runs in the background;
        closer to expiry, the renewed one if the renewal ends within `answer_wait` (RoleuiError if it failed)."""
        session = self._session
        if self._fresh(session):
            return session
        self._renew_in_background()
        if session.seconds_left(self._clock()) > BACKGROUND_FLOOR:
            return session
        return self._renewed_soon()

    def _renewed_soon(self) -> Session:
        """Within `answer_wait`: the renewed session; else the held one while it is valid; else RoleuiError."""
        finished = self._lock.acquire(timeout=self._answer_wait)  # the renewal holds the lock until it ends
        if finished:
            self._lock.release()
        session = self._session
        if self._fresh(session):
            return session
        if finished and self.last_error is not None:
            raise RoleuiError(self.last_error)
        if session.seconds_left(self._clock()) > 0:
            return session  # the SDK takes it and asks again soon; the renewal goes on meanwhile
        raise RoleuiError("AWS is slow to answer the renewal — try again in a moment")

    def tick(self) -> None:
        """Start a renewal once the session is due, before any request asks (the server loop calls this twice a
        second); at most one every RETRY_AFTER seconds (after a failure, or a clock so far off that the renewed
        session looks due at once, a request still tries at once)."""
        if self._fresh(self._session):
            return
        last = self._last_attempt
        if last is not None and (self._clock() - last).total_seconds() < RETRY_AFTER:
            return
        self._renew_in_background()

    def _renewed_under_lock(self) -> Session:
        session = self._session
        if self._fresh(session):
            return session  # another request renewed it while this one waited
        self._last_attempt = self._clock()
        try:
            renewed = self._renew(session)
        except RoleuiError as error:
            self._failed(error.message)
            raise
        except Exception as error:  # the engine turns AWS errors into RoleuiError; anything else, by name only
            message = f"unexpected {type(error).__name__} while renewing — try again, or leave and assume anew"
            self._failed(message)
            raise RoleuiError(message) from None
        self._session = renewed
        self.refreshes += 1
        self.last_error = None
        self._write_status()
        return renewed

    def _renew_in_background(self) -> None:
        """Start one renewal thread unless one runs (or another request holds the lock)."""
        if not self._lock.acquire(blocking=False):
            return

        def renew() -> None:
            try:
                self._renewed_under_lock()
            except RoleuiError:
                pass  # recorded by _failed; the next request close to expiry tries again and answers the error
            finally:
                self._lock.release()

        threading.Thread(target=renew, name="roleui-credential-renewal", daemon=True).start()

    def wait_for_renewal(self, timeout: float = 60) -> None:
        """Until a running renewal has finished (tests, and `stop()`). The renewal holds the lock from before its
        thread starts until it ends, so waiting on the lock never misses one that is just starting."""
        if self._lock.acquire(timeout=timeout):
            self._lock.release()

    def _fresh(self, session: Session) -> bool:
        return not due_for_renewal(session, self._clock(), self._cache_margin)

    def _failed(self, message: str) -> None:
        repeated = self.last_error is not None  # the same failure episode: told once
        self.last_error = message
        # Told before the status file says so: whoever reads a failed status (the shell's prompt, the UI once the
        # subshell ends) can count on the terminal line having been written while the child still had it.
        if self._on_error is not None and not repeated:
            self._on_error(message)
        self._write_status()

    def authorized(self, path: str, header: str | None) -> int:
        """200 when path and token match (constant-time), 404 for another path, 401 without a token, 403 wrong."""
        if not hmac.compare_digest(path.encode(), self.path.encode()):
            return 404
        if not header:
            return 401
        return 200 if hmac.compare_digest(header.encode(), self.token.encode()) else 403

    def _write_status(self) -> None:
        session = self._session
        status = EndpointStatus(
            role_key=session.role_key,
            account_id=session.account_id,
            expiration=session.expiration,
            color=self._color,
            pid=os.getpid(),
            error=self.last_error,
        )
        write_status(self.status_file, status)


def credentials_document(session: Session) -> dict[str, Any]:
    """The JSON botocore's ContainerProvider (and every other SDK's) expects."""
    creds = session.credentials
    return {
        "AccessKeyId": creds.access_key_id,
        "SecretAccessKey": creds.secret_access_key,
        "Token": creds.session_token or "",
        "Expiration": format_time(session.expiration),
        "AccountId": session.account_id,
    }


class _Server(BoundedHTTPServer):
    """127.0.0.1, a free port, a thread per request, a deadline per connection and a bound on open ones (another
    local user's idle connections cannot starve the child: roleui/aws/bounded_http.py); the handler finds its
    endpoint here."""

    def __init__(self, endpoint: CredentialEndpoint) -> None:
        super().__init__((HOST, 0), _Handler)
        self.endpoint = endpoint

    def service_actions(self) -> None:
        """Between requests (every poll of serve_forever): the bound on connections, then renew ahead of requests
        when due."""
        super().service_actions()
        self.endpoint.tick()


class _Handler(DeadlineHandler):
    server_version = "roleui"
    sys_version = ""

    def do_GET(self) -> None:
        assert isinstance(self.server, _Server)
        endpoint = self.server.endpoint
        status = endpoint.authorized(self.path, self.headers.get("Authorization"))
        if status == 404:
            self._answer(404, _error("NotFound", "no credentials here"))
            return
        if status == 401:
            self._answer(401, _error("Unauthorized", "the Authorization header is missing"))
            return
        if status == 403:
            self._answer(403, _error("AccessDenied", "wrong authorization token"))
            return
        refused = endpoint.gate() if endpoint.gate is not None else None
        if refused:
            self._answer(403, _error("AccessDenied", refused))
            return
        try:
            session = endpoint.current()
        except RoleuiError as error:
            from roleui.aws.endpoint_notice import renewal_failure

            message = renewal_failure(endpoint.session.role_key, error.message)
            self._answer(503, _error("CredentialsUnavailable", message))
            return
        self._answer(200, credentials_document(session))

    def _answer(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the child owns the terminal, and a request line is nobody's business."""


def _error(code: str, message: str) -> dict[str, str]:
    return {"Code": code, "Message": message}


def no_prompt(serial: str) -> str:
    """While the child owns the terminal nobody can type a code: say what would help instead."""
    raise RoleuiError(
        f"the MFA session of {serial} has expired and an MFA code is needed — set mfa_process in [defaults], "
        "or leave this shell and assume the role again"
    )


def engine_renewal(engine: Engine, role: Role, options: AssumeOptions) -> Renew:
    """Re-assume `role` as first assumed (same duration, name, tags, region), without a one-time MFA code.

    A session in the cache other than the held one (another roleui process renewed it, or the engine found the
    cached one stale and assumed anew) is taken as it is; the held one itself is replaced by assuming anew."""
    reuse = replace(options, mfa_code=None, use_cache=True)
    anew = replace(options, mfa_code=None, use_cache=False)

    def renew(held: Session) -> Session:
        found = engine.assume(role, reuse, mfa=no_prompt)
        if found.credentials.access_key_id != held.credentials.access_key_id:
            return found
        return engine.assume(role, anew, mfa=no_prompt)

    return renew


@contextmanager
def serving(
    engine: Engine,
    role: Role,
    session: Session,
    options: AssumeOptions,
    on_error: Callable[[str], None] | None = None,
    limit: Callable[[Renew], Renew] | None = None,
    gate: Callable[[], str | None] | None = None,
) -> Iterator[CredentialEndpoint]:
    """An endpoint for `session` of `role`, started for the `with` block and stopped (port closed) after it; a
    failed renewal is told by `on_error`, by default on the terminal roleui was started from. `limit` wraps its
    renewal and `gate` refuses requests (a named child: roleui/core/sessions/handed.py)."""
    from roleui.aws.endpoint_notice import terminal_notice

    renew = engine_renewal(engine, role, options)
    endpoint = CredentialEndpoint(
        session,
        limit(renew) if limit is not None else renew,
        cache_margin=engine.catalog.defaults.cache_margin,
        clock=engine.clock,
        color=role.effective_color(),
        on_error=on_error or terminal_notice(role.key),
        gate=gate,
    )
    endpoint.start()
    try:
        yield endpoint
    finally:
        endpoint.stop()
