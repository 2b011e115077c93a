"""Consoles side by side for real: `roleui console-url --federated --open` in the chromium-profile mode starts a
real headless Chromium (the Debian package `chromium`) once per role, through the demo's federation stand-in, and
each profile shows its own role. Also the command mode with a real program, and the default mode's sign-out."""

from __future__ import annotations

import html
import json
import os
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from _engine_helpers import CATALOG, StsProxy, roleui, write_catalog

from roleui.core.catalog.parse import parse_catalog
from roleui.demo.federation import AccountLook, FederationEndpoint

pytest_plugins = ("_engine_fixtures",)  # the sts and user fixtures

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# The flags a browser needs to run headless in a test: no sandbox (root in CI), no GPU, nothing fetched.
HEADLESS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--dump-dom",
    "--virtual-time-budget=4000",  # the redirect file's navigation finishes inside the dump
)
ROLES = ("shared-data/CrossAccountS3ReadOnly", "tooling/JumpRole")


@pytest.fixture
def federation(aws: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[FederationEndpoint]:
    looks = {a.id: AccountLook(a.name, a.color) for a in parse_catalog(CATALOG).accounts}
    endpoint = FederationEndpoint(aws, accounts=looks)
    endpoint.start()
    monkeypatch.setenv("ROLEUI_FEDERATION_ENDPOINT", endpoint.url)
    yield endpoint
    endpoint.stop()


def headless_wrapper(tmp_path: Path) -> Path:
    """What `[browser] executable` names in the test: Chromium, headless, dumping each profile's page to a file
    and recording its command line (which must hold no sign-in token)."""
    wrapper = tmp_path / "chromium-headless"
    wrapper.write_text(
        f"#!{sys.executable}\n"
        "import json, subprocess, sys\n"
        "args = sys.argv[1:]\n"
        f"open({str(tmp_path / 'argv.jsonl')!r}, 'a').write(json.dumps(args) + '\\n')\n"
        "profile = next(a.split('=', 1)[1] for a in args if a.startswith('--profile-directory='))\n"
        f"dom = subprocess.run([{CHROMIUM!r}, *{HEADLESS!r}, *args], capture_output=True, text=True, timeout=90).stdout\n"
        f"open({str(tmp_path)!r} + '/' + profile + '.html', 'w').write(dom)\n"
    )
    wrapper.chmod(0o755)
    return wrapper


def wait_for_file(path: Path, timeout: float = 90, lines: int = 1) -> str:
    """The browser runs detached from roleui: wait for what it writes (a process, not a clock)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        if text.count("\n") >= lines or (lines == 1 and text):
            return text
        time.sleep(0.2)
    raise AssertionError(f"{path.name} never appeared")


@pytest.mark.skipif(CHROMIUM is None, reason="needs the chromium package (.ci/test installs it as root)")
def test_two_roles_open_in_two_chromium_profiles_and_each_shows_its_own_role(
    sts: StsProxy, user: tuple[str, str], federation: FederationEndpoint, tmp_path: Path
) -> None:
    profiles = tmp_path / "profiles"
    wrapper = headless_wrapper(tmp_path)
    write_catalog(
        CATALOG + f'\n[browser]\nmode = "chromium-profile"\nexecutable = "{wrapper}"\nuser_data_dir = "{profiles}"\n'
    )
    pages: dict[str, str] = {}
    for count, key in enumerate(ROLES, 1):  # one at a time: two headless browsers never share a data dir at once
        done = roleui("console-url", key, "--federated", "--open")
        assert done.returncode == 0, done.stderr
        assert f"opened the console for {key} in the chromium profile '{key}'" in done.stderr
        assert done.stdout == ""
        argv = json.loads(wait_for_file(tmp_path / "argv.jsonl", lines=count).splitlines()[-1])
        directory = next(a.split("=", 1)[1] for a in argv if a.startswith("--profile-directory="))
        pages[key] = wait_for_file(tmp_path / f"{directory}.html")
    for key, page in pages.items():
        assert f'<h1 id="role">{html.escape(key)}</h1>' in page, page[:2000]
        other = next(k for k in ROLES if k != key)
        assert other not in page
    assert 'data-color="#99BCE3"' in pages["shared-data/CrossAccountS3ReadOnly"]  # the account's blue
    assert 'id="remaining"' in pages["tooling/JumpRole"]
    # The profile picker shows the role keys: Chromium took the names roleui gave the new profiles.
    state = json.loads((profiles / "Local State").read_text())
    names = {entry["name"] for entry in state["profile"]["info_cache"].values()}
    assert set(ROLES) <= names
    # No command line held the sign-in token (it is in a private redirect file).
    for line in (tmp_path / "argv.jsonl").read_text().splitlines():
        args = json.loads(line)
        assert not any("SigninToken" in a or "federation" in a for a in args)
        assert args[-1].startswith("file://")
        assert f"--user-data-dir={profiles}" in args


def test_the_command_mode_runs_the_template_without_a_shell_and_gives_it_the_redirect_file(
    sts: StsProxy, user: tuple[str, str], federation: FederationEndpoint, tmp_path: Path
) -> None:
    recorded = tmp_path / "recorded.json"
    program = tmp_path / "my browser"
    program.write_text(
        f"#!{sys.executable}\nimport json, sys\nopen({str(recorded)!r}, 'w').write(json.dumps(sys.argv[1:]))\n"
    )
    program.chmod(0o755)
    write_catalog(
        CATALOG.replace('name = "shared-data"', 'name = "shared data; $(touch pwned)"')
        + f'\n[browser]\nmode = "command"\ncommand = "\'{program}\' --name {{profile}} --color={{color}} {{url}}"\n'
    )
    key = "shared data; $(touch pwned)/CrossAccountS3ReadOnly"
    done = roleui("console-url", key, "--federated", "--open")
    assert done.returncode == 0, done.stderr
    args = json.loads(wait_for_file(recorded))
    assert args[:3] == ["--name", key, "--color=blue"]
    assert args[3].startswith("file://")
    page = Path(args[3].removeprefix("file://")).read_text(encoding="utf-8")
    login = html.unescape(page.split('content="0;url=', 1)[1].split('"', 1)[0])
    assert federation.signed_in_as(parse_qs(urlsplit(login).query)["SigninToken"][0])
    assert not (Path.cwd() / "pwned").exists()
    assert not (tmp_path / "pwned").exists()


def test_the_default_mode_signs_out_first_when_another_role_holds_the_console(
    sts: StsProxy, user: tuple[str, str], federation: FederationEndpoint, tmp_path: Path
) -> None:
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser"
    browser.write_text(f'#!/bin/sh\necho "$1" >> {opened}\n')
    browser.chmod(0o755)
    write_catalog()
    env = {"BROWSER": str(browser)}
    for key in (*ROLES, ROLES[1]):
        done = roleui("console-url", key, "--federated", "--open", env=env)
        assert done.returncode == 0, done.stderr
    first, second, again = (
        html.unescape(Path(u.removeprefix("file://")).read_text().split('content="0;url=', 1)[1].split('"', 1)[0])
        for u in opened.read_text().split()
    )
    assert first.startswith(federation.url + "?Action=login")  # nothing open yet: straight in
    parts = urlsplit(second)  # another role holds the console: through the sign-out, then the sign-in
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == federation.url.replace("/federation", "/oauth")
    redirect = parse_qs(parts.query)["redirect_uri"][0]
    assert redirect.startswith(federation.url + "?Action=login")
    # The stand-in's sign-out sends the browser on to that sign-in, which shows the second role.
    import urllib.request

    with urllib.request.urlopen(second) as reply:
        assert "<h1 id='role'>tooling/JumpRole</h1>" in reply.read().decode()
    assert again.startswith(federation.url + "?Action=login")  # the same role again: no sign-out
    records = json.loads((Path(os.environ["ROLEUI_DATA_DIR"]) / "consoles.json").read_text())
    # One identity per console in this mode: the signed-out role's console is no longer counted as open.
    assert [r["role_key"] for r in records] == ["tooling/JumpRole"]
    assert records[0]["expires"]


def test_browser_needs_open_and_an_unknown_mode_is_refused(sts: StsProxy, user: tuple[str, str]) -> None:
    write_catalog()
    done = roleui("console-url", ROLES[0], "--browser", "multi-session")
    assert (done.returncode, done.stderr.strip()) == (
        2,
        "roleui: --browser needs --open (it says how the console is opened)",
    )
    done = roleui("console-url", ROLES[0], "--open", "--browser", "firefox-containers")
    assert done.returncode == 2
    assert "firefox-container" in done.stderr
    assert "Traceback" not in done.stderr


def redirect_target(file_uri: str) -> str:
    page = Path(file_uri.removeprefix("file://")).read_text(encoding="utf-8")
    return html.unescape(page.split('content="0;url=', 1)[1].split('"', 1)[0])


def test_the_firefox_container_mode_hands_firefox_a_redirect_to_the_extension_url(
    sts: StsProxy, user: tuple[str, str], federation: FederationEndpoint, tmp_path: Path
) -> None:
    recorded = tmp_path / "firefox-argv.json"
    firefox = tmp_path / "firefox"
    firefox.write_text(
        f"#!{sys.executable}\nimport json, sys\nopen({str(recorded)!r}, 'w').write(json.dumps(sys.argv[1:]))\n"
    )
    firefox.chmod(0o755)
    write_catalog(
        CATALOG
        + f'\n[browser]\nmode = "firefox-container"\nexecutable = "{firefox}"\nextension = "open-url-in-container"\n'
    )
    done = roleui("console-url", ROLES[0], "--federated", "--open")
    assert done.returncode == 0, done.stderr
    assert f"in the Firefox container '{ROLES[0]}'" in done.stderr
    args = json.loads(wait_for_file(recorded))
    assert args[0] == "--new-tab"
    assert args[1].startswith("file://")
    target = redirect_target(args[1])
    assert target.startswith("ext+container:name=shared-data%2FCrossAccountS3ReadOnly&url=")
    assert target.endswith("&color=blue&icon=fingerprint")
    login = parse_qs(target.removeprefix("ext+container:"))["url"][0]
    assert federation.signed_in_as(parse_qs(urlsplit(login).query)["SigninToken"][0])


def test_the_multi_session_mode_warns_before_a_sixth_console(
    sts: StsProxy, user: tuple[str, str], federation: FederationEndpoint, tmp_path: Path
) -> None:
    from datetime import UTC, datetime, timedelta

    from roleui.core.open_consoles import OpenConsole, remember

    now = datetime.now(UTC)
    for n in range(5):  # five identities already signed in, as far as roleui knows
        remember(OpenConsole(f"acct-{n}/Role", f"99999999999{n}", "multi-session", now, now + timedelta(hours=1)), now)
    browser = tmp_path / "browser"
    browser.write_text("#!/bin/sh\nexit 0\n")
    browser.chmod(0o755)
    write_catalog(CATALOG + '\n[browser]\nmode = "multi-session"\n')
    done = roleui("console-url", ROLES[0], "--federated", "--open", env={"BROWSER": str(browser)})
    assert done.returncode == 0, done.stderr
    assert "the console holds at most 5 sessions and roleui opened 5 others" in done.stderr


def test_check_rejects_a_bad_browser_table_with_its_file_and_line(tmp_path: Path) -> None:
    path = write_catalog(CATALOG + '\n[browser]\nmode = "firefox-containers"\ncommand = "my-browser"\n')
    done = roleui("check")
    assert done.returncode == 2
    line = CATALOG.count("\n") + 3
    assert (
        f"{path}:{line}: browser.mode: 'firefox-containers' is not a browser mode — did you mean 'firefox-container'?"
        in done.stderr
    )
    assert f"{path}:{line + 1}: browser.command: has no {{url}}" in done.stderr
    assert "Traceback" not in done.stderr
