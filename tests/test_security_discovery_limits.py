"""Discovery against endpoints that never end or answer junk: an Identity Center portal and an Organizations
endpoint that always give a next token stop with one line (exit 1, or 5 past the deadline) and the last good
cache stays; one malformed account id is skipped with a warning, not the whole answer."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import count
from pathlib import Path
from typing import Any, ClassVar

import pytest
from _engine_helpers import roleui
from _sso_helpers import SSO_CONFIG, SSO_REGION, START_URL, running_identity_center

from roleui.aws.identity_center import discover_sign_in, discovery_client
from roleui.aws.sso_tokens import SsoToken, save_token
from roleui.core import discovery_limits
from roleui.core.clock import utc_now
from roleui.core.errors import EXIT_FAILURE, EXIT_NETWORK, RoleuiError
from roleui.core.sources.aws_config.profiles import SsoSession
from roleui.core.sources.identity_center.cache import load_ic_snapshots, save_ic_snapshots
from roleui.core.sources.identity_center.model import IcAccount, IcSnapshot
from roleui.demo.identity_center import Assignment, Directory

ACME = SsoSession("acme", START_URL, SSO_REGION)
GOOD = Assignment("310000000001", "dev", "dev@example.com", ("ReadOnlyAccess",))


class EndlessPortal(Directory):
    """The local portal, but ListAccounts always has a next page: `mode` "same" repeats one token, "fresh" makes
    a new one each time, "junk" answers once with a malformed account id among good ones."""

    mode: ClassVar[str] = "same"
    _numbers = count()

    def list_accounts(self, token: str, next_token: str | None, max_results: str | None) -> dict[str, Any]:
        answer = super().list_accounts(token, None, max_results)
        if self.mode == "junk":
            answer["accountList"].insert(0, {"accountId": "12345\x1b[31m", "accountName": "broken"})
            return answer
        answer["nextToken"] = "again" if self.mode == "same" else f"t{next(self._numbers)}"
        return answer


@pytest.fixture
def endless(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, isolated_env: Path) -> Iterator[EndlessPortal]:
    (isolated_env / ".aws").mkdir(mode=0o700, exist_ok=True)  # beside the default profile
    (isolated_env / ".aws" / "config").write_text(SSO_CONFIG)
    catalog = tmp_path / "roleui.toml"
    catalog.write_text('[[identity_center]]\nsso_session = "acme"\n')
    monkeypatch.setenv("ROLEUI_CONFIG", str(catalog))
    directory = EndlessPortal(user="ada.dev", assignments=[GOOD])
    with running_identity_center(directory) as center:
        monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", center.url)
        monkeypatch.setenv("AWS_ENDPOINT_URL_SSO_OIDC", center.url)
        token = directory.issue_access_token()
        save_token(SsoToken(START_URL, SSO_REGION, token, utc_now() + timedelta(hours=1), "acme"))
        yield directory


def last_good_cache() -> IcSnapshot:
    snapshot = IcSnapshot(
        "acme", START_URL, SSO_REGION, datetime(2026, 1, 1, tzinfo=UTC), (IcAccount("310000000009", "old", "", ("X",)),)
    )
    save_ic_snapshots([snapshot])
    return snapshot


def one_line(stderr: str) -> str:
    """The error: one line, the last (progress lines come before it), never a traceback."""
    assert "Traceback" not in stderr, stderr
    lines = stderr.strip().splitlines()
    assert "stopped" not in " ".join(lines[:-1]), stderr
    return lines[-1]


def test_a_portal_repeating_its_next_token_stops_discover_with_one_line_and_keeps_the_cache(
    endless: EndlessPortal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(EndlessPortal, "mode", "same")
    kept = last_good_cache()
    done = roleui("discover", timeout=60)
    assert done.returncode == EXIT_FAILURE
    assert "already given" in one_line(done.stderr)
    assert load_ic_snapshots(remember=False)["acme"] == kept
    assert endless.calls["ListAccounts"] <= 3


def test_a_portal_with_ever_new_tokens_stops_at_the_page_limit(
    endless: EndlessPortal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(EndlessPortal, "mode", "fresh")
    monkeypatch.setattr(discovery_limits, "MAX_PAGES", 25)
    with pytest.raises(RoleuiError, match="past 25 pages") as stopped:
        discover_sign_in(discovery_client(SSO_REGION), ACME, endless.issue_access_token(), rate=0)
    assert stopped.value.exit_code == EXIT_FAILURE
    assert endless.calls["ListAccounts"] == 25


def test_a_discovery_past_its_deadline_stops_with_exit_5(
    endless: EndlessPortal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(EndlessPortal, "mode", "fresh")
    ticks = count()
    clock = lambda: next(ticks) * 60.0  # noqa: E731 - a minute per look at the clock, no sleeping
    with pytest.raises(RoleuiError, match="longer than 30 minutes") as stopped:
        discover_sign_in(discovery_client(SSO_REGION), ACME, endless.issue_access_token(), rate=0, monotonic=clock)
    assert stopped.value.exit_code == EXIT_NETWORK


def test_one_malformed_account_id_is_skipped_with_a_warning_and_the_rest_is_cached(
    endless: EndlessPortal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(EndlessPortal, "mode", "junk")
    done = roleui("discover", timeout=60)
    assert done.returncode == 0, done.stderr
    assert "not 12 digits" in done.stderr
    assert "\x1b" not in done.stderr
    [account] = load_ic_snapshots(remember=False)["acme"].accounts
    assert account.id == GOOD.account_id


def test_a_cache_with_one_malformed_account_keeps_the_others(isolated_env: Path) -> None:
    path = save_ic_snapshots(
        [IcSnapshot("acme", START_URL, SSO_REGION, utc_now(), (IcAccount("310000000001", "dev", "", ("R",)),))]
    )
    document = json.loads(path.read_bytes())
    document["sessions"]["acme"]["accounts"].append({"id": "12345", "name": "broken", "email": "", "roles": ["R"]})
    path.write_text(json.dumps(document))
    assert [a.id for a in load_ic_snapshots(remember=False)["acme"].accounts] == ["310000000001"]


# -- Organizations ----------------------------------------------------------------------------------------------


class _EndlessOrganizations(BaseHTTPRequestHandler):
    """An Organizations endpoint (JSON 1.1) whose listings never end: the same NextToken, every time."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        operation = self.headers.get("X-Amz-Target", "").rsplit(".", 1)[-1]
        self.server.requests += 1  # type: ignore[attr-defined]
        answers: dict[str, Any] = {
            "DescribeOrganization": {
                "Organization": {"Id": "o-endless", "MasterAccountId": "111111111111", "Arn": "arn:aws:x"}
            },
            "ListRoots": {"Roots": [{"Id": "r-root", "Name": "Root"}]},
            "ListOrganizationalUnitsForParent": {"OrganizationalUnits": [], "NextToken": "again"},
            "ListAccountsForParent": {
                "Accounts": [{"Id": "222222222222", "Name": "a", "Status": "ACTIVE"}],
                "NextToken": "again",
            },
        }
        body = json.dumps(answers.get(operation, {})).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return


def test_an_organizations_endpoint_that_never_ends_stops_discover_with_one_line(tmp_path: Path) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _EndlessOrganizations)
    server.requests = 0  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        catalog = tmp_path / "roleui.toml"
        catalog.write_text("[organizations]\nenabled = true\n")
        env = {
            "ROLEUI_CONFIG": str(catalog),
            "AWS_ENDPOINT_URL_ORGANIZATIONS": f"http://127.0.0.1:{server.server_address[1]}",
            "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE",
            "AWS_SECRET_ACCESS_KEY": "secret",
            "AWS_DEFAULT_REGION": "us-east-1",
        }
        done = roleui("discover", env=env, timeout=60)
    finally:
        server.shutdown()
        server.server_close()
    assert done.returncode == EXIT_FAILURE, done.stderr
    assert "already given" in one_line(done.stderr)
    assert server.requests < 20  # type: ignore[attr-defined]
