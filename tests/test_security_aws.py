"""Hostile endpoints and secrets: overall deadlines on AWS calls (a trickling endpoint), redaction in every
encoding, clock-skew errors, and no secret on any command line (`--open`, `--mfa-code`)."""

from __future__ import annotations

import io
import json
import socket
import stat
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, quote_plus

import hypothesis.strategies as st
import pytest
from _engine_helpers import roleui, write_catalog
from botocore.exceptions import ClientError
from hypothesis import given, settings

from roleui.aws.clients import DeadlineExceeded, command_deadline, with_deadline
from roleui.aws.errors import Call, aws_error, redact
from roleui.commands.session_args import mfa_code_from
from roleui.core.errors import EXIT_CREDENTIALS, EXIT_NETWORK, UsageError
from roleui.ui.browser import open_secret_url, redirect_page

# -- deadlines --------------------------------------------------------------------------------------------------


@pytest.fixture
def trickling_endpoint() -> Iterator[str]:
    """An HTTP endpoint that answers one byte every half second, forever: no read ever times out."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    stop = threading.Event()

    def trickle(conn: socket.socket) -> None:
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 100000\r\n\r\n")
            while not stop.is_set():
                try:
                    conn.sendall(b" ")
                except OSError:
                    return
                stop.wait(0.5)

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            threading.Thread(target=trickle, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        server.close()


@pytest.mark.parametrize(
    "argv",
    [["env", "tooling/JumpRole"], ["credential-process", "tooling/JumpRole"], ["discover"]],
    ids=["env", "credential-process", "discover"],
)
def test_a_trickling_endpoint_fails_at_the_deadline_with_exit_5_and_one_line(
    argv: list[str], trickling_endpoint: str
) -> None:
    write_catalog(
        '[defaults]\nregion = "eu-west-1"\n\n[organizations]\nenabled = true\n\n'
        '[[accounts]]\nid = "111111111111"\nname = "tooling"\n\n  [[accounts.roles]]\n  name = "JumpRole"\n'
    )
    started = time.monotonic()
    done = roleui(
        *argv,
        env={
            "AWS_ENDPOINT_URL": trickling_endpoint,
            "AWS_ACCESS_KEY_ID": "AKIAEXAMPLEEXAMPLE",
            "AWS_SECRET_ACCESS_KEY": "secret",
            "ROLEUI_READ_TIMEOUT": "3",  # longer than the half-second trickle: botocore alone would wait forever
            "ROLEUI_CALL_DEADLINE": "2",
        },
        timeout=60,
    )
    elapsed = time.monotonic() - started
    assert done.returncode == EXIT_NETWORK, done.stderr
    assert "did not finish within 2 s" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert elapsed < 20


def test_a_call_past_its_deadline_raises_and_the_command_budget_counts_only_call_time() -> None:
    with pytest.raises(DeadlineExceeded) as late:
        with_deadline("a slow call", lambda: time.sleep(5), seconds=0.2)
    assert late.value.exit_code == EXIT_NETWORK
    with command_deadline(0.5):
        assert with_deadline("quick", lambda: 42, seconds=10) == 42
        with pytest.raises(DeadlineExceeded):
            with_deadline("slow", lambda: time.sleep(5))  # cut to the command's 0.5 s, not 30 s


def test_an_error_inside_a_deadline_reaches_the_caller_as_is() -> None:
    def fail() -> None:
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        with_deadline("failing", fail, seconds=5)


# -- redaction --------------------------------------------------------------------------------------------------

secrets = st.text(st.sampled_from("abcXYZ0189+=,.@:/-_ ~!*'()\"\\é€😀"), min_size=2, max_size=40).filter(
    lambda s: s.strip() == s and len(set(s)) > 1
)


def spellings(secret: str) -> list[str]:
    forms = [secret, quote(secret), quote(secret, safe=""), quote_plus(secret), json.dumps(secret)[1:-1]]
    forms += [json.dumps(secret, ensure_ascii=False)[1:-1], quote(quote(secret, safe=""), safe="")]
    return [f for f in forms if f]


@settings(max_examples=300, deadline=None)
@given(secret=secrets, before=st.text(max_size=10), after=st.text(max_size=10))
def test_a_secret_is_redacted_in_every_encoding_a_message_can_carry(secret: str, before: str, after: str) -> None:
    for form in spellings(secret):
        text = redact(f"{before}Parameter ExternalId={form} is invalid{after}", [secret])
        assert form not in text.replace("***", "\0"), (form, text)


def test_an_external_id_echoed_percent_encoded_by_aws_is_hidden() -> None:
    secret = "my/secret:ext+id=1"
    error = ClientError(
        {"Error": {"Code": "ValidationError", "Message": f"bad value {quote_plus(secret)} and {quote(secret)}"}},
        "AssumeRole",
    )
    message = str(aws_error(error, Call(doing="assuming a/b", base="profile p", secrets=(secret,))))
    assert quote_plus(secret) not in message
    assert quote(secret) not in message
    assert "***" in message


# -- clock skew ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "message", "said"),
    [
        (
            "SignatureDoesNotMatch",
            "Signature expired: 20260101T000000Z is now earlier than 20260101T001500Z (20260101T002000Z - 5 min.)",
            "20 min 0 s behind",
        ),
        (
            "InvalidSignatureException",
            "Signature not yet current: 20260101T003000Z is still later than 20260101T002500Z "
            "(20260101T002000Z + 5 min.)",
            "10 min 0 s ahead of",
        ),
        ("RequestExpired", "Request has expired.", "clock is off"),
    ],
)
def test_a_clock_skew_error_says_the_clock_is_off_and_by_how_much(code: str, message: str, said: str) -> None:
    error = ClientError({"Error": {"Code": code, "Message": message}}, "AssumeRole")
    result = aws_error(error, Call(doing="assuming a/b", base="profile p"))
    assert said in str(result)
    assert "clock" in str(result)
    assert "does not recognise" not in str(result)
    assert result.exit_code == EXIT_CREDENTIALS


def test_a_signature_mismatch_without_a_time_problem_still_reads_as_bad_credentials() -> None:
    error = ClientError({"Error": {"Code": "SignatureDoesNotMatch", "Message": "The request signature..."}}, "X")
    assert "does not recognise the credentials" in str(aws_error(error, Call(doing="x", base="profile p")))


# -- secrets off the command line ------------------------------------------------------------------------------


def test_a_secret_url_reaches_the_browser_as_a_private_file_that_redirects() -> None:
    url = "https://signin.aws.amazon.com/federation?Action=login&SigninToken=TOKEN-42&x=<\"'>"
    seen: list[tuple[str, int, str]] = []

    def browser(address: str) -> bool:
        path = Path(address.removeprefix("file://"))
        seen.append((address, stat.S_IMODE(path.stat().st_mode), path.read_text(encoding="utf-8")))
        return True

    assert open_secret_url(url, opener=browser)
    ((address, mode, page),) = seen
    assert "TOKEN-42" not in address
    assert mode == 0o600
    assert page == redirect_page(url)
    assert "TOKEN-42" in page
    assert "<\"'>" not in page


def test_a_refused_secret_url_leaves_no_file_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    assert not open_secret_url("https://x/?SigninToken=T", opener=lambda _: False)
    assert list((tmp_path / "tmp").iterdir()) == []


def test_console_url_open_never_puts_the_url_on_the_browsers_command_line(tmp_path: Path) -> None:
    record = tmp_path / "argv"
    browser = tmp_path / "browser"
    browser.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {record}\n', encoding="utf-8")
    browser.chmod(0o700)
    write_catalog('[[accounts]]\nid = "111111111111"\nname = "tooling"\n\n  [[accounts.roles]]\n  name = "JumpRole"\n')
    done = roleui("console-url", "tooling/JumpRole", "--open", env={"BROWSER": f"{browser} %s"})
    assert done.returncode == 0, done.stderr
    for _ in range(50):
        if record.exists():
            break
        time.sleep(0.1)
    argv = record.read_text(encoding="utf-8")
    assert argv.startswith("file://")
    assert "signin.aws.amazon.com" not in argv


def test_mfa_code_dash_reads_stdin_and_the_environment_is_a_fallback() -> None:
    assert mfa_code_from("-", {}, io.StringIO("123456\n")) == "123456"
    assert mfa_code_from(None, {"ROLEUI_MFA_CODE": "654321"}, io.StringIO()) == "654321"
    assert mfa_code_from("111111", {"ROLEUI_MFA_CODE": "654321"}, io.StringIO()) == "111111"
    with pytest.raises(UsageError, match="no code on stdin"):
        mfa_code_from("-", {}, io.StringIO(""))


def test_the_help_says_how_to_keep_the_mfa_code_out_of_ps() -> None:
    done = roleui("env", "--help")
    text = " ".join(done.stdout.split())
    assert "`--mfa-code -` reads the code from stdin" in text
    assert "ROLEUI_MFA_CODE" in text


def test_fullwidth_mfa_codes_and_durations_are_refused() -> None:
    write_catalog('[[accounts]]\nid = "111111111111"\nname = "tooling"\n\n  [[accounts.roles]]\n  name = "JumpRole"\n')
    for args in (["--mfa-code", "１２３４５６"], ["--duration", "３６００"], ["--region", "eu-west-1\n"]):
        done = roleui("env", "tooling/JumpRole", *args)
        assert done.returncode == 2, (args, done.stderr)
        assert "Traceback" not in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
