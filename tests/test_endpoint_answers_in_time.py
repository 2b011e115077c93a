"""The credential endpoint against its tightest client, the JavaScript SDK v3 (measured in its source,
@aws-sdk/credential-provider-http: 1 s per attempt, then `Server responded with status: 503` and nothing of the
body): a request that needs a renewal is answered within ANSWER_WAIT, the endpoint renews before anyone asks,
and a failed renewal is told on roleui's own terminal, once.

The clock is frozen (crossing an expiry is an `advance()`); a slow STS is a renewal that blocks on an event.
The JS SDK runs from the test cache of tests/_aws_setups.py (`.ci/test` installs it there; by hand:
`npm install --prefix ~/.cache/roleui-js @aws-sdk/credential-providers @aws-sdk/client-sts`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from _aws_setups import JS_MODULES
from _engine_helpers import BASE_USER, CATALOG, MFA_SERIAL, StsProxy, write_catalog

from roleui.aws.credential_server import RETRY_AFTER, CredentialEndpoint, serving
from roleui.aws.engine import Engine
from roleui.core.catalog.parse import parse_catalog
from roleui.core.catalog.refs import resolve_role
from roleui.core.clock import FrozenClock, utc_now
from roleui.core.errors import RoleuiError
from roleui.core.sessions.assume_plan import AssumeOptions
from roleui.core.sessions.session import Credentials, Session
from roleui.core.sessions.session_env import endpoint_env, session_env

pytest_plugins = ("_engine_fixtures",)  # the sts and user fixtures

READER = "shared-data/CrossAccountS3ReadOnly"
READER_ARN = f"arn:aws:sts::222222222222:assumed-role/CrossAccountS3ReadOnly/{BASE_USER}"
NODE_MODULES = JS_MODULES
JS_CREDENTIALS = """
const { fromHttp } = require("@aws-sdk/credential-providers");
fromHttp({})().then((c) => console.log("key " + c.accessKeyId), (e) => console.log("error " + e.message));
"""


def js_sdk(env: dict[str, str]) -> str:
    """What the JS SDK v3's container-credentials provider gets from the endpoint: `key ...` or `error ...`."""
    if shutil.which("node") is None or not (NODE_MODULES / "@aws-sdk" / "credential-providers").is_dir():
        pytest.skip(f"node and @aws-sdk/credential-providers in {NODE_MODULES} are needed (see .ci/test)")
    done = subprocess.run(
        ["node", "-e", JS_CREDENTIALS],
        env={**env, "NODE_PATH": str(NODE_MODULES)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def session_left(now: object, minutes: float, key: str = "ASIAHELD") -> Session:
    assert hasattr(now, "tzinfo")
    creds = Credentials(key, "secret", "token", now + timedelta(minutes=minutes))  # type: ignore[operator]
    issued = now - timedelta(minutes=60 - minutes)  # type: ignore[operator]
    return Session(READER, "arn:aws:iam::222222222222:role/X", "222222222222", READER_ARN, "n", creds, issued_at=issued)


class SlowSts:
    """A renewal that takes as long as the test says (an STS that is slow to answer); counts its calls."""

    def __init__(self, clock: FrozenClock) -> None:
        self.clock = clock
        self.answer = threading.Event()
        self.calls = 0

    def __call__(self, held: Session) -> Session:
        self.calls += 1
        if not self.answer.wait(60):
            raise RoleuiError("STS never answered")
        return session_left(self.clock(), 60, key=f"ASIANEW{self.calls}")


@contextmanager
def endpoint_for(session: Session, renew: object, clock: FrozenClock, **kw: object) -> Iterator[CredentialEndpoint]:
    endpoint = CredentialEndpoint(session, renew, clock=clock, **kw).start()  # type: ignore[arg-type]
    try:
        yield endpoint
    finally:
        endpoint.stop()


def env_of(endpoint: CredentialEndpoint) -> dict[str, str]:
    return endpoint_env(session_env(endpoint.session, os.environ), endpoint.child_vars())


def until(predicate: object, seconds: float = 30) -> None:
    """Wait for the endpoint's own thread to act (it ticks twice a second); fails after `seconds`."""
    deadline = time.monotonic() + seconds
    while not predicate():  # type: ignore[operator]
        assert time.monotonic() < deadline, "the endpoint never acted"
        time.sleep(0.05)


def test_a_request_that_needs_a_slow_renewal_gets_the_held_session_within_the_js_sdks_second() -> None:
    clock = FrozenClock(utc_now())
    sts = SlowSts(clock)
    with endpoint_for(session_left(clock(), 3), sts, clock) as endpoint:  # 3 minutes left: a request must wait
        env = env_of(endpoint)
        assert js_sdk(env) == "key ASIAHELD"  # answered inside the JS SDK's 1 s, though STS has not answered
        assert sts.calls == 1
        assert endpoint.refreshes == 0
        sts.answer.set()
        endpoint.wait_for_renewal()
        assert js_sdk(env) == "key ASIANEW1"
        assert sts.calls == 1


def test_an_expired_session_with_a_slow_renewal_is_a_fast_503_then_the_renewed_one() -> None:
    clock = FrozenClock(utc_now())
    sts = SlowSts(clock)
    with endpoint_for(session_left(clock(), 3), sts, clock) as endpoint:
        env = env_of(endpoint)
        clock.advance(4 * 60)  # expired while nobody asked (a laptop asleep)
        with pytest.raises(RoleuiError, match="AWS is slow to answer the renewal"):
            endpoint.current()
        # Within the JS SDK's 1 s: a 503 (a slower answer would be its timeout error instead).
        assert js_sdk(env) == "error Server responded with status: 503"
        sts.answer.set()
        endpoint.wait_for_renewal()
        assert js_sdk(env) == "key ASIANEW1"


def test_the_endpoint_renews_when_the_session_is_due_before_anyone_asks() -> None:
    clock = FrozenClock(utc_now())
    sts = SlowSts(clock)
    sts.answer.set()
    with endpoint_for(session_left(clock(), 60), sts, clock) as endpoint:
        clock.advance(46 * 60)  # 14 minutes left: due, and no request comes
        until(lambda: endpoint.refreshes == 1)
        assert endpoint.session.credentials.access_key_id == "ASIANEW1"
        assert sts.calls == 1


def test_after_a_failure_the_endpoint_retries_on_its_own_only_after_a_while() -> None:
    clock = FrozenClock(utc_now())
    calls: list[str] = []

    def failing(_held: Session) -> Session:
        calls.append("renew")
        raise RoleuiError("the MFA session has expired")

    with endpoint_for(session_left(clock(), 14), failing, clock) as endpoint:
        until(lambda: endpoint.last_error is not None)  # the server loop tried as soon as it was due
        for _ in range(3):
            endpoint.tick()
            endpoint.wait_for_renewal()
        assert calls == ["renew"]
        clock.advance(RETRY_AFTER + 1)
        endpoint.tick()  # (or the server loop's own tick, whichever comes first)
        until(lambda: len(calls) == 2)


def test_a_failed_renewal_is_one_line_on_roleuis_terminal_once_while_the_js_sdk_shows_only_503(
    sts: StsProxy, user: tuple[str, str], capfd: pytest.CaptureFixture[str]
) -> None:
    path = write_catalog(CATALOG.replace('external_id = "my-secret-external-id-1234"', f'mfa_serial = "{MFA_SERIAL}"'))
    clock = FrozenClock(utc_now())
    engine = Engine(parse_catalog(path.read_text(), str(path)), clock=clock)
    role = resolve_role(engine.catalog, READER)
    session = engine.assume(role, AssumeOptions(mfa_code="123456"))
    for mfa in Path(os.environ["ROLEUI_CACHE_DIR"], "sessions").glob("mfa-*.json"):
        mfa.unlink()  # the MFA session is over: only a new code would renew
    capfd.readouterr()
    with serving(engine, role, session, AssumeOptions()) as endpoint:
        env = endpoint_env(session_env(session, os.environ), endpoint.child_vars())
        clock.advance(57 * 60)
        assert js_sdk(env) == "error Server responded with status: 503"  # all the child's SDK can say
        assert js_sdk(env) == "error Server responded with status: 503"
    lines = capfd.readouterr().err.splitlines()
    assert lines == [
        f"roleui could not renew {READER}: the MFA session of {MFA_SERIAL} has expired and an MFA code is needed — "
        "set mfa_process in [defaults], or leave this shell and assume the role again"
    ]


async def test_in_the_ui_a_renewal_failing_while_the_subshell_has_the_terminal_is_a_line_there_then_a_notification(
    aws: str, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    from _engine_helpers import free_closed_port_url
    from _ui_helpers import frozen_now, make_app, no_suspend, notifications, settle

    from roleui.core.sessions.endpoint_status import read_status
    from roleui.ui import subshell

    clock = frozen_now()
    app = make_app(clock=clock)

    def the_shell(argv: list[str], env: dict[str, str], stdout: object = None, **_: object) -> int:
        """The subshell's process (run_interactive's own code runs around it): STS goes away, time passes."""
        monkeypatch.setenv("AWS_ENDPOINT_URL", free_closed_port_url())
        app.engine._sessions.clear()  # let the engine make clients that see the closed port
        app.engine._clients.clear()
        clock.advance(50 * 60)  # due: the endpoint renews on its own, and fails

        def failed() -> bool:
            status = read_status(Path(env["ROLEUI_STATUS_FILE"]))
            return status is not None and status.error is not None

        until(failed)
        return 0

    monkeypatch.setattr(subshell.subprocess, "call", the_shell)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        capfd.readouterr()
        with no_suspend(app):
            await pilot.press("s")
        await settle(pilot)
        lines = [line for line in capfd.readouterr().err.splitlines() if line]
        assert len(lines) == 1
        assert lines[0].startswith(f"roleui could not renew {READER}: ")
        assert any(n.startswith("Credentials not renewed: ") for n in notifications(app)), notifications(app)
