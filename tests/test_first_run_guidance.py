"""Sign-in and first-run guidance (issue 20, section 3): `roleui login` never starts a console browser, the
demo's portal shortcut links reach its federated console, `roleui init` over a hand-written AWS config, the
no-catalog hints, and the messages a new user meets first."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from _aws_setups import without_aws_files
from _engine_helpers import ROLEUI, roleui
from _sso_helpers import SSO_CONFIG, LocalIdentityCenter, local_identity_center

from roleui.core.browsers import is_text_browser

# -- no console browser -----------------------------------------------------------------------------------------


def fake_browsers(directory: Path) -> Path:
    """lynx, w3m, links, elinks, browsh and www-browser on PATH, each leaving a mark when started."""
    directory.mkdir(parents=True, exist_ok=True)
    marks = directory / "started"
    for name in ("lynx", "w3m", "links", "elinks", "browsh", "www-browser"):
        script = directory / name
        script.write_text(f"#!/bin/sh\necho {name} >> {marks}\n")
        script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return marks


@pytest.fixture
def center(aws: str, monkeypatch: pytest.MonkeyPatch, isolated_env: Path) -> LocalIdentityCenter:
    config = isolated_env / ".aws" / "config"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(SSO_CONFIG)
    yield from local_identity_center(aws, monkeypatch)  # type: ignore[misc]


@pytest.mark.parametrize("flow", [(), ("--device-code",)])
def test_login_without_a_display_prints_the_url_and_waits_and_never_starts_a_console_browser(
    center: LocalIdentityCenter, tmp_path: Path, flow: tuple[str, ...]
) -> None:
    marks = fake_browsers(tmp_path / "bin")
    env = {**os.environ, "PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}", "TERM": "xterm"}
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER"):
        env.pop(name, None)
    child = subprocess.Popen(
        [*ROLEUI, "login", "acme", *flow], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert child.stderr is not None
        first = child.stderr.readline()
        assert first.startswith(f"roleui: sign in to sso-session acme: open {center.url}/")
        url = first.rsplit(" ", 1)[1].strip()
        if flow:
            assert child.stderr.readline().startswith("roleui: and check that the page shows the code ")
        time.sleep(0.5)
        assert child.poll() is None  # waiting for the approval
        urllib.request.urlopen(url, timeout=30).read()  # the person approves (the PKCE flow follows a redirect)
        out, _ = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 0
    assert out.startswith("signed in to sso-session acme until ")
    assert not marks.exists()


def test_a_browser_chosen_as_a_console_browser_is_not_one_roleui_starts() -> None:
    assert is_text_browser("lynx")
    assert is_text_browser("/usr/bin/w3m %s")
    assert is_text_browser("www-browser")
    assert not is_text_browser("firefox")
    assert not is_text_browser(f"{sys.executable} -c 'print(1)' %s")


def test_the_browser_is_the_one_browser_names_now_even_after_webbrowser_read_another(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import webbrowser

    from roleui.core.browsers import open_graphical

    first, second = tmp_path / "first", tmp_path / "second"
    for recorded in (first, second):
        monkeypatch.setenv(
            "BROWSER", f"{sys.executable} -c 'import sys; open(sys.argv[1], \"w\").write(sys.argv[2])' {recorded}"
        )
        webbrowser.get()  # webbrowser reads $BROWSER once per process: the first value would stay
        assert open_graphical("https://example.com/")
        deadline = time.monotonic() + 15
        while not recorded.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert recorded.read_text() == "https://example.com/"


def test_only_web_urls_reach_a_graphical_browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from roleui.aws.sso_login import open_in_browser

    opened = tmp_path / "opened"
    monkeypatch.setenv(
        "BROWSER", f"{sys.executable} -c 'import sys; open(sys.argv[1], \"a\").write(sys.argv[2])' {opened} %s"
    )
    assert not open_in_browser("--new-window=file:///etc/passwd")
    assert open_in_browser("https://device.sso.eu-west-1.amazonaws.com/?user_code=ABCD-EFGH")
    # The browser's argv (in everyone's `ps`) holds a private page's name; the page sends it on to the URL.
    page = opened.read_text()
    assert page.startswith("file://")
    assert "https://device.sso.eu-west-1.amazonaws.com/?user_code=ABCD-EFGH" in Path(page[7:]).read_text()
    monkeypatch.setenv("BROWSER", "lynx")
    assert not open_in_browser("https://device.sso.eu-west-1.amazonaws.com/?user_code=ABCD-EFGH")


# -- the demo's portal shortcut link ----------------------------------------------------------------------------


def test_the_demo_portal_shortcut_link_opens_its_federated_console() -> None:
    from roleui.demo.runtime import running_demo

    with running_demo():
        link = roleui("console-url", "sso-dev-admin")
        assert link.returncode == 0, link.stderr
        url = link.stdout.strip()
        assert "/start/#/console?" in url
        portal = urllib.request.urlopen(url, timeout=30).read().decode()  # the fragment stays in the browser
        assert "window.location.hash" in portal
        start, fragment = url.split("#/console?", 1)
        # What the page's script does with the fragment:
        landed = urllib.request.urlopen(f"{start}console?{fragment}", timeout=30)
        page = landed.read().decode()
        assert landed.status == 200
        assert "/federation?Action=login" in landed.url
        assert ":assumed-role/AWSReservedSSO_AdministratorAccess_" in page


# -- roleui init over a hand-written AWS config ----------------------------------------------------------------

HAND_WRITTEN = """\
[default]
region = eu-west-1

[profile deployer]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = Deployer
sso_account_name = tooling

[profile prod-admin]
role_arn = arn:aws:iam::222222222222:role/Admin
source_profile = default

[profile prod-readonly]
role_arn = arn:aws:iam::222222222222:role/ReadOnly
source_profile = default

[profile sandbox]
role_arn = arn:aws:iam::333333333333:role/Developer
source_profile = default

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
"""


def test_init_names_accounts_by_their_own_names_guesses_no_tags_it_cannot_and_offers_the_sso_session(
    isolated_env: Path,
) -> None:
    (isolated_env / ".aws" / "config").write_text(HAND_WRITTEN)
    done = roleui("init")
    assert done.returncode == 0, done.stderr
    assert "3 accounts from 4 role profiles" in done.stdout
    text = (isolated_env / ".config" / "roleui" / "config.toml").read_text()
    assert 'id = "111111111111"\nname = "tooling"' in text  # its sso_account_name, not the profile's name
    assert 'id = "222222222222"\nname = "prod"' in text  # what its profiles share
    assert text.count('environment = "prod" }\n# color = "red"') == 1  # only where the name says prod
    assert '# [[identity_center]]\n# sso_session = "corp"' in text
    checked = roleui("check")
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith("OK: 3 accounts, 4 roles")


def test_init_in_the_demo_counts_the_profiles_check_counts(tmp_path: Path) -> None:
    from roleui.demo.runtime import running_demo

    with running_demo():
        checked = roleui("check")
        done = roleui("init", "--config", str(tmp_path / "new.toml"))
    assert done.returncode == 0, done.stderr
    assert "no role profiles" not in done.stdout
    assert "from 2 role profiles" in done.stdout
    assert "from 2 " in checked.stdout or "(2 from" in checked.stdout
    text = (tmp_path / "new.toml").read_text()
    assert '[[identity_center]]\nsso_session = "demo"' in text  # signed in: enabled


# -- no catalog ---------------------------------------------------------------------------------------------------


def test_list_after_init_wrote_a_catalog_without_roles_says_what_to_add(isolated_env: Path) -> None:
    done = roleui("init")
    assert done.returncode == 0, done.stderr
    path = isolated_env / ".config" / "roleui" / "config.toml"
    for _ in range(2):  # the second answers from the fast path's index, if it kept one
        listed = roleui("list")
        assert listed.returncode == 0
        assert "`roleui init` writes a starter catalog" not in listed.stderr
        assert listed.stderr.startswith(f"roleui: no roles yet — {path} lists none: add [[accounts]]")


async def test_the_empty_list_and_the_header_guide_a_user_whose_profiles_have_their_own_source(
    isolated_env: Path,
) -> None:
    from _ui_helpers import make_app, notifications, settle

    from roleui.aws.sources import load_world

    without_aws_files(isolated_env)  # no default profile: every profile has its own source
    (isolated_env / ".aws" / "config").write_text(
        HAND_WRITTEN.replace("source_profile = default", "source_profile = base")
    )
    app = make_app(load_world(None))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        header = str(app.header_bar.render())
        assert "no base credentials found" not in header
        assert "base each profile's own" in header
        assert not [n for n in notifications(app) if n.startswith("Base identity unknown")]
    empty = make_app(load_world(None).__class__())
    async with empty.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        line = "".join(s.text for s in empty.role_list.render_line(1))
        assert "roleui init --example" in line
        assert "config.example.toml" not in line
        base = [n for n in notifications(empty) if n.startswith("Base identity unknown")]
        assert base
        assert "roleui login" in base[0]
        assert "aws sso login" not in base[0]
        assert "(" not in base[0].split(": ", 1)[1].split(" — ")[0]  # the detail is left to the header's gist


# -- messages -----------------------------------------------------------------------------------------------------

TWO_SESSIONS = (
    SSO_CONFIG + "\n[sso-session other]\nsso_start_url = https://other.awsapps.com/start\nsso_region = us-east-1\n"
)


def test_logout_without_naming_one_of_two_sso_sessions_says_sign_out_of(isolated_env: Path) -> None:
    (isolated_env / ".aws" / "config").write_text(TWO_SESSIONS)
    done = roleui("logout")
    assert done.returncode == 2
    assert done.stderr.startswith("roleui: name the sso-session to sign out of (in the AWS config file: acme, other)")
    login = roleui("login")
    assert login.stderr.startswith("roleui: name the sso-session to sign in to")


def test_a_mistyped_global_option_is_named_not_its_value() -> None:
    done = roleui("--confg", "x", "list")
    assert done.returncode == 2
    assert done.stderr == "roleui: `roleui` has no option '--confg' — did you mean --config? (see `roleui --help`)\n"


def test_a_missing_catalog_file_is_a_roleui_line() -> None:
    done = roleui("--config", "/nonexistent", "list")
    assert done.returncode == 2
    assert done.stderr.startswith("roleui: /nonexistent: no such catalog file")


def test_the_missing_demo_error_names_the_readmes_install_command() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    source = (Path(__file__).resolve().parent.parent / "roleui" / "commands" / "demo.py").read_text()
    assert "pip install '.[demo]'" in readme
    assert "pip install '.[demo]'" in source
    assert "roleui[demo]" not in source


def test_the_subshell_marker_gives_way_to_the_readmes_status_prompt(isolated_env: Path) -> None:
    from roleui.aws.shell import BASHRC

    (isolated_env / ".bashrc").write_text(
        "__roleui_ps1() { roleui status --format $'\\001{ansi}\\002({key} {left})\\001{reset}\\002 ' 2>/dev/null; }\n"
        "PS1='$(__roleui_ps1)'\"$PS1\"\n"
    )
    rc = isolated_env / "rc"
    rc.write_text(BASHRC)
    probe = f". {rc}; printf '%s' \"$PS1\""
    session = subprocess.run(
        ["bash", "-c", probe],
        env={**os.environ, "PS1": "$ ", "ROLEUI_ROLE": "main/Admin", "ROLEUI_PROMPT": "main/Admin"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert session.stdout.startswith("$(__roleui_ps1)")
    assert "(roleui " not in session.stdout
    (isolated_env / ".bashrc").write_text("")
    plain = subprocess.run(
        ["bash", "-c", probe],
        env={**os.environ, "PS1": "$ ", "ROLEUI_ROLE": "main/Admin", "ROLEUI_PROMPT": "main/Admin"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert plain.stdout.startswith("(roleui ${ROLEUI_PROMPT}) ")


def test_a_shell_in_the_demo_says_it_is_the_demo_in_its_prompt() -> None:
    pexpect = pytest.importorskip("pexpect")
    child = pexpect.spawn(
        ROLEUI[0], [*ROLEUI[1:], "demo", "--", "bash"], env={**os.environ, "PS1": "$ "}, encoding="utf-8", timeout=90
    )
    try:
        child.expect_exact("(roleui demo) ")
        child.sendline("echo $AWS_ENDPOINT_URL_STS; exit")
        child.expect_exact("http://127.0.0.1:")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
