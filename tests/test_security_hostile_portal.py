"""The Identity Center sign-in against other local users and hostile endpoints: the PKCE loopback (argv, idle
connections, a stranger's callback), sign-in URLs of any scheme or with hidden characters, numbers that overflow,
a credential_process that prints garbage, and a federation endpoint that is not AWS's."""

from __future__ import annotations

import os
import socket
import subprocess
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest
from _engine_helpers import roleui, write_catalog

from roleui.aws.sso_login import start_sign_in
from roleui.aws.sso_tokens import SsoToken, load_token
from roleui.core.errors import EXIT_CREDENTIALS, EXIT_USAGE, RoleuiError
from roleui.core.sources.aws_config.profiles import SsoSession
from roleui.core.web_urls import federation_endpoint_problem, web_url_problem
from roleui.demo.identity_center import Directory
from roleui.demo.identity_center.minting import MotoMinter
from tests._sso_helpers import (
    ASSIGNMENTS,
    FOLLOWING_BROWSER,
    SSO_CONFIG,
    SSO_REGION,
    START_URL,
    USER,
    LocalIdentityCenter,
    browse,
    identity_center,
    running_identity_center,
)

pytest_plugins = ("_engine_fixtures",)

ACME = SsoSession("acme", START_URL, SSO_REGION)


@pytest.fixture(autouse=True)
def aws_config(isolated_env: Path) -> None:
    config = isolated_env / ".aws" / "config"
    config.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    config.write_text(SSO_CONFIG)


@pytest.fixture
def center(aws: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalIdentityCenter]:
    with identity_center(aws, monkeypatch) as local:
        yield local


def one_line(done: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in done.stderr, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


def waited(pending: Any, within: float) -> SsoToken:
    """pending.wait() in a thread, given `within` seconds (a hung loopback must fail the test, not hang it)."""
    result: list[object] = []
    cancel = threading.Event()
    thread = threading.Thread(target=lambda: result.append(_try(pending.wait, cancel)), daemon=True)
    thread.start()
    thread.join(within)
    if thread.is_alive():
        cancel.set()
        thread.join(5)
        pytest.fail(f"the sign-in did not land within {within} s")
    [outcome] = result
    if isinstance(outcome, BaseException):
        raise outcome
    assert isinstance(outcome, SsoToken)
    return outcome


def _try(function: Any, *args: object) -> object:
    try:
        return function(*args)
    except BaseException as error:  # handed to the test's thread
        return error


# -- item 4: the PKCE loopback ------------------------------------------------------------------------------------


def test_the_authorize_url_with_its_state_never_reaches_the_browsers_command_line(
    center: LocalIdentityCenter, tmp_path: Path
) -> None:
    record = tmp_path / "argv"
    done = roleui("login", "acme", env={"BROWSER": FOLLOWING_BROWSER, "TEST_BROWSER_ARGV": str(record)})
    assert done.returncode == 0, done.stderr
    argv = record.read_text()
    assert "file://" in argv
    assert "state=" not in argv
    assert "/authorize" not in argv
    assert "127.0.0.1:" not in argv.split("file://", 1)[1]


def test_an_idle_connection_to_the_loopback_does_not_hang_the_sign_in(center: LocalIdentityCenter) -> None:
    idle: list[socket.socket] = []

    def stranger_then_browser(url: str) -> bool:
        redirect = parse_qs(urlsplit(url).query)["redirect_uri"][0]
        port = urlsplit(redirect).port
        assert port is not None
        for _ in range(3):  # connected, never a byte sent, kept open
            idle.append(socket.create_connection(("127.0.0.1", port)))
        threading.Thread(target=browse, args=(url,), daemon=True).start()
        return True

    try:
        token = waited(start_sign_in(ACME, open_url=stranger_then_browser), within=15)
        assert center.directory.is_signed_in(token.access_token)
    finally:
        for sock in idle:
            sock.close()


def test_a_strangers_callback_without_the_state_changes_nothing_and_the_real_one_lands(
    center: LocalIdentityCenter,
) -> None:
    answers: list[int] = []

    def stranger_then_browser(url: str) -> bool:
        redirect = parse_qs(urlsplit(url).query)["redirect_uri"][0]
        for forged in ("?code=ATTACKERS&state=guessed", "?code=ATTACKERS", "?error=access_denied"):
            try:
                urllib.request.urlopen(redirect + forged, timeout=5).read()
                answers.append(200)
            except urllib.error.HTTPError as error:
                answers.append(error.code)
        threading.Thread(target=browse, args=(url,), daemon=True).start()
        return True

    token = waited(start_sign_in(ACME, open_url=stranger_then_browser), within=15)
    assert answers == [400, 400, 400]
    assert center.directory.is_signed_in(token.access_token)
    assert load_token("acme", START_URL) == token


# -- item 5: what is opened and copied --------------------------------------------------------------------------

HOSTILE_URLS = [
    "javascript:alert(document.cookie)//https://device.sso.eu-west-1.amazonaws.com/",
    "file:///etc/passwd",
    "https://device.sso.eu-west-1.amazonaws.com/\u202egpj.exe",
    "https://device.sso.eu-west-1.amazonaws.com/?x=1\nhttps://evil.example/",
    "https://device.sso.eu-west-1.amazonaws.com/\x1b]52;c;ZXZpbA==\x07",
    "http://evil.example/device",
    "https://aws.amazon.com@evil.example/",
]


class HostilePortal(Directory):
    """The local Identity Center, answering StartDeviceAuthorization with `url` as the verification URL."""

    url = ""

    def start_device_authorization(self, body: dict[str, Any]) -> dict[str, Any]:
        answer = super().start_device_authorization(body)
        return {**answer, "verificationUriComplete": self.url, "verificationUri": self.url}


@pytest.fixture
def hostile(aws: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[type[HostilePortal]]:
    portal = HostilePortal(user=USER, assignments=ASSIGNMENTS, minter=MotoMinter(aws))
    with running_identity_center(portal) as local:
        monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", local.url)
        monkeypatch.setenv("AWS_ENDPOINT_URL_SSO_OIDC", local.url)
        yield HostilePortal


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_a_hostile_verification_url_is_neither_opened_nor_shown_nor_copied(
    hostile: type[HostilePortal], url: str
) -> None:
    hostile.url = url
    opened: list[str] = []
    with pytest.raises(RoleuiError) as refused:
        start_sign_in(ACME, device_code=True, open_url=lambda u: opened.append(u) or True)
    assert opened == []
    assert refused.value.exit_code == EXIT_CREDENTIALS
    assert "will not open or copy" in str(refused.value)
    done = roleui("login", "acme", "--device-code", "--no-browser")
    assert done.returncode == EXIT_CREDENTIALS
    line = one_line(done)
    assert "evil" not in line
    assert "javascript" not in line


def test_only_https_or_loopback_http_with_visible_characters_is_a_web_url() -> None:
    assert web_url_problem("https://device.sso.eu-west-1.amazonaws.com/?user_code=ABCD-EFGH") is None
    assert web_url_problem("http://127.0.0.1:5001/device?user_code=ABCD") is None
    for url in HOSTILE_URLS:
        assert web_url_problem(url) is not None, url


def test_the_ui_copies_exactly_the_url_it_shows() -> None:
    """The sign-in screen shows `safe_text(url)` and the app copies `pending.url`: for every URL that gets that far
    (a web URL), the two are the same text."""
    from roleui.ui.screens.sign_in import safe_text

    for url in ("https://device.sso.eu-west-1.amazonaws.com/?user_code=ABCD-EFGH", "http://127.0.0.1:1/d?u=A"):
        assert web_url_problem(url) is None
        assert safe_text(url) == url


# -- item 7: numbers that overflow, a credential_process that prints garbage ------------------------------------


class AbsurdNumbers(Directory):
    """The local Identity Center, answering `absurd` (field -> value) in StartDeviceAuthorization and CreateToken."""

    absurd: ClassVar[dict[str, int]] = {}

    def start_device_authorization(self, body: dict[str, Any]) -> dict[str, Any]:
        answer = super().start_device_authorization(body)
        return {**answer, **{k: v for k, v in self.absurd.items() if k in ("interval", "expiresIn")}}

    def create_token(self, body: dict[str, Any]) -> dict[str, Any]:
        answer = super().create_token(body)
        return {
            **answer,
            **{k: v for k, v in self.absurd.items() if k == "tokenExpiresIn"},
            "expiresIn": (self.absurd.get("tokenExpiresIn", answer["expiresIn"])),
        }


@pytest.mark.parametrize(
    ("absurd", "argv"),
    [
        ({"tokenExpiresIn": 10**30}, ["login", "acme"]),
        ({"interval": 10**12}, ["login", "acme", "--device-code", "--no-browser"]),
        ({"expiresIn": 10**30}, ["login", "acme", "--device-code", "--no-browser"]),
    ],
)
def test_an_identity_center_answering_absurd_numbers_is_one_line_and_exit_4(
    aws: str, monkeypatch: pytest.MonkeyPatch, absurd: dict[str, int], argv: list[str]
) -> None:
    monkeypatch.setattr(AbsurdNumbers, "absurd", absurd)
    portal = AbsurdNumbers(user=USER, assignments=ASSIGNMENTS, minter=MotoMinter(aws))
    with running_identity_center(portal) as local:
        env = {"AWS_ENDPOINT_URL_SSO": local.url, "AWS_ENDPOINT_URL_SSO_OIDC": local.url, "BROWSER": FOLLOWING_BROWSER}
        done = roleui(*argv, env=env, timeout=60)
    assert done.returncode == EXIT_CREDENTIALS, done.stderr
    assert "Traceback" not in done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert "unusable" in last, done.stderr
    assert len(done.stderr.strip().splitlines()) <= 2  # the sign-in's own "a browser was opened" line, then this


def test_a_base_profile_whose_credential_process_prints_garbage_is_one_line_and_exit_4(
    sts: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_catalog()
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    Path(os.environ["AWS_SHARED_CREDENTIALS_FILE"]).unlink()  # the keys there would come first
    Path(os.environ["AWS_CONFIG_FILE"]).write_text(
        "[default]\ncredential_process = echo not-json\nregion = eu-west-1\n"
    )
    done = roleui("env", "tooling/JumpRole")
    assert done.returncode == EXIT_CREDENTIALS
    line = one_line(done)
    assert "'default'" in line
    assert "credential_process" in line


# -- item 10: the federation endpoint ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://evil.example/federation",
        "http://signin.aws.amazon.com/federation",
        "https://signin.aws.amazon.com.evil.example/federation",
        "ftp://127.0.0.1/federation",
        "file:///tmp/x",
    ],
)
def test_the_federation_endpoint_may_only_be_aws_sign_in_or_loopback(endpoint: str, sts: object, user: object) -> None:
    assert federation_endpoint_problem(endpoint) is not None
    write_catalog()
    done = roleui("console-url", "tooling/JumpRole", "--federated", env={"ROLEUI_FEDERATION_ENDPOINT": endpoint})
    assert done.returncode == EXIT_USAGE
    assert "ROLEUI_FEDERATION_ENDPOINT" in one_line(done)
    assert "https://signin" not in done.stdout


def test_aws_sign_in_hosts_and_loopback_http_are_federation_endpoints() -> None:
    for endpoint in (
        "https://signin.aws.amazon.com/federation",
        "https://us-east-1.signin.aws.amazon.com/federation",
        "https://signin.amazonaws-us-gov.com/federation",
        "https://signin.amazonaws.cn/federation",
        "http://127.0.0.1:5001/federation",
    ):
        assert federation_endpoint_problem(endpoint) is None, endpoint


def test_only_the_first_callback_with_the_state_is_taken() -> None:
    from roleui.aws.sso_login import CALLBACK_PATH, _Loopback

    receiver = _Loopback("the-state")
    receiver.start()
    try:
        base = f"http://127.0.0.1:{receiver.port}{CALLBACK_PATH}"
        with urllib.request.urlopen(f"{base}?code=FIRST&state=the-state", timeout=5) as first:
            assert first.status == 200
        with pytest.raises(urllib.error.HTTPError) as second:
            urllib.request.urlopen(f"{base}?code=SECOND&state=the-state", timeout=5)
        assert second.value.code == 409
        assert receiver.wait(threading.Event(), 5) == {"code": "FIRST", "state": "the-state"}
    finally:
        receiver.close()
