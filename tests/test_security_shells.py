"""Hostile names against shells: `env` in every format evaluated by the real shells installed, and the prompt of
`roleui shell` in bash, dash, zsh (with prompt_subst, as oh-my-zsh sets it) and fish.

A name is whatever another account's administrator typed, so the strategies draw from the whole of Unicode
(controls, quotes of every kind, `$(...)`, backquotes, `%`) — everything but NUL, which no environment can hold.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import hypothesis.strategies as st
import pexpect
import pytest
from hypothesis import HealthCheck, given, settings

from roleui.aws.shell import interactive_shell, prompt_marker
from roleui.core.sessions.session import Credentials, Session
from roleui.core.sessions.session_env import POWERSHELL_QUOTES, export_script

SHELLS = {name: shutil.which(name) for name in ("bash", "dash", "zsh", "fish")}
INSTALLED = [name for name, path in SHELLS.items() if path]
HOSTILE_PIECES = ["'", '"', "`", "$(", ")", "\\", "\n", "\r", "\x1b", "\x07", "%", "!", "*", "$HOME", "\t", " "]
HOSTILE_PIECES += [*POWERSHELL_QUOTES, "\u201c", "\u201d", "\u202e", "\x85", "\x9b", "{", "}", ";", "|", "&"]

hostile_text = st.lists(
    st.one_of(
        st.sampled_from(HOSTILE_PIECES),
        st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=8),
    ),
    max_size=12,
).map("".join)


def session_named(text: str) -> Session:
    expires = datetime(2030, 1, 1, tzinfo=UTC) + timedelta(hours=1)
    return Session(
        role_key=f"acct/{text}",
        role_arn=f"arn:aws:iam::123456789012:role/{text}",
        account_id=text,
        assumed_role_arn="arn:aws:sts::123456789012:assumed-role/R/s",
        session_name="s",
        credentials=Credentials("AKIAEXAMPLE", "secret'\"$(x)", "token`y`", expires),
        region=text,
    )


def values_seen_by(shell: str, script: str, tmp: Path) -> list[str]:
    """Source `script` in `shell`, then print the variables a name reaches (NUL-separated)."""
    path = tmp / "exports"
    path.write_text(script, encoding="utf-8")
    names = ("ROLEUI_ROLE_ARN", "ROLEUI_ACCOUNT_ID", "AWS_REGION", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")
    if shell == "fish":
        show = "; ".join(f'printf "%s\\0" "${name}"' for name in names)
        code = f"source {path}; {show}"
    else:
        show = "; ".join(f'printf "%s\\0" "${name}"' for name in names)
        code = f". {path}; {show}"
    done = subprocess.run(
        [SHELLS[shell] or shell, "-c", code],
        capture_output=True,
        timeout=30,
        check=False,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.decode("utf-8", "surrogateescape").split("\0")[:-1]


@pytest.mark.parametrize("shell", INSTALLED)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=hostile_text)
def test_env_in_the_shells_format_gives_every_installed_shell_exactly_the_names_value(
    shell: str, text: str, tmp_path: Path
) -> None:
    session = session_named(text)
    script = export_script(session, "fish" if shell == "fish" else "sh", {})
    assert values_seen_by(shell, script, tmp_path) == [
        session.role_arn,
        text,
        text,
        session.credentials.secret_access_key,
        session.credentials.session_token,
    ]


def test_zsh_and_fish_are_installed_so_the_property_tests_cover_them() -> None:
    assert {"bash", "dash", "zsh", "fish"} <= set(INSTALLED), "install zsh and fish (.ci/venv.sh does with apt)"


def powershell_single_quoted(line: str) -> tuple[str, str]:
    """(value, rest of the line) of a PowerShell single-quoted string at the start of `line`, by the language's
    rules: any of ' U+2018 U+2019 U+201A U+201B opens and closes it, and two of them in a row stand for one."""
    assert line[0] in POWERSHELL_QUOTES
    value, i = [], 1
    while i < len(line):
        if line[i] in POWERSHELL_QUOTES:
            if i + 1 < len(line) and line[i + 1] in POWERSHELL_QUOTES:
                value.append(line[i])
                i += 2
                continue
            return "".join(value), line[i + 1 :]
        value.append(line[i])
        i += 1
    raise AssertionError("the string never ends")


def powershell_assignments(script: str) -> dict[str, str]:
    """Read the script statement by statement as PowerShell would: `$Env:NAME = '...'` and Remove-Item lines."""
    found: dict[str, str] = {}
    rest = script
    while rest:
        if rest.startswith("Remove-Item "):
            rest = rest.split("\n", 1)[1]
            continue
        assert rest.startswith("$Env:"), rest[:40]
        name, _, rest = rest[len("$Env:") :].partition(" = ")
        found[name], rest = powershell_single_quoted(rest)
        assert rest.startswith("\n"), "anything after the closing quote would run as code"
        rest = rest[1:]
    return found


@settings(max_examples=300, deadline=None)
@given(text=hostile_text)
def test_powershell_quoting_holds_against_typographic_quotes(text: str) -> None:
    session = session_named(text)
    assignments = powershell_assignments(export_script(session, "powershell", {}))
    assert assignments["ROLEUI_ACCOUNT_ID"] == text
    assert assignments["ROLEUI_ROLE_ARN"] == session.role_arn
    assert assignments.get("AWS_REGION", "") == text


def test_a_typographic_quote_cannot_end_a_powershell_string() -> None:
    script = export_script(session_named("x\u2019; Remove-Item -Recurse ~ #"), "powershell", {})
    assert "$Env:AWS_REGION = 'x\u2019\u2019; Remove-Item -Recurse ~ #'" in script


# -- the prompt of `roleui shell` ---------------------------------------------------------------------------


EVIL = "acct/$(touch {canary}-dollar)`touch {canary}-tick`%F{{red}}\x1b]0;owned\x07"


def run_shell(shell: str, tmp: Path, home: Path, monkeypatch: pytest.MonkeyPatch, *commands: str) -> str:
    """Start `shell` as `roleui shell` would, for a role whose key tries to run code; returns what it printed."""
    path = SHELLS[shell]
    assert path is not None
    monkeypatch.setenv("SHELL", path)
    monkeypatch.setenv("TERM", "dumb")
    canary = tmp / "canary"
    command = interactive_shell(session_named(EVIL.format(canary=canary)[len("acct/") :]))
    child = pexpect.spawn(command.argv[0], command.argv[1:], env=command.env, encoding="utf-8", timeout=20)
    try:
        child.expect_exact("(roleui ")
        for line in commands:
            child.sendline(line)
        child.sendline("exit")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
        command.cleanup()
    assert not list(tmp.glob("canary*")), "the role key ran as code in the prompt"
    return str(child.before or "")


@pytest.mark.parametrize("shell", [s for s in ("bash", "dash", "zsh", "fish") if SHELLS[s]])
def test_a_role_key_holding_code_is_shown_in_the_prompt_and_never_run(
    shell: str, tmp_path: Path, isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # oh-my-zsh's setting, under which zsh expands $(...) and backquotes in PROMPT at every prompt.
    (isolated_env / ".zshrc").write_text("setopt prompt_subst\nPROMPT='%# '\n", encoding="utf-8")
    (isolated_env / ".bashrc").write_text("PS1='\\$ '\n", encoding="utf-8")
    run_shell(shell, tmp_path, isolated_env, monkeypatch, "true")


def test_the_prompt_marker_keeps_only_characters_no_shell_expands() -> None:
    assert prompt_marker("prod/Admin") == "prod/Admin"
    assert prompt_marker("a$(b)`c`%d\\e'f\x1b") == "a__b__c__d_e_f_"
    assert len(prompt_marker("x" * 500)) == 64


@pytest.mark.parametrize("shell", [s for s in ("bash", "zsh") if SHELLS[s]])
def test_the_rc_files_live_in_a_private_directory_that_is_gone_after_the_shell(
    shell: str, tmp_path: Path, isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHELL", SHELLS[shell] or shell)
    command = interactive_shell(session_named("R"))
    assert command.rc_dir is not None
    assert command.rc_dir.stat().st_mode & 0o777 == 0o700
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in command.rc_dir.iterdir())
    child = pexpect.spawn(command.argv[0], command.argv[1:], env=command.env, encoding="utf-8", timeout=20)
    child.expect_exact("(roleui ")
    assert not command.rc_dir.exists(), "the shell removes its rc directory as soon as it has started"
    child.sendline("exit")
    child.expect(pexpect.EOF)
    child.close()


@pytest.mark.parametrize("shell", [s for s in ("bash", "zsh", "fish", "dash") if SHELLS[s]])
def test_the_demos_tools_come_first_on_path_even_after_the_users_rc_puts_others_first(
    shell: str, tmp_path: Path, isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tools = tmp_path / "tools"
    tools.mkdir()
    monkeypatch.setenv("ROLEUI_SHELL_PATH", str(tools))
    for rc in (".bashrc", ".zshrc"):
        (isolated_env / rc).write_text('export PATH="/usr/local/bin:/usr/bin:$PATH"\n', encoding="utf-8")
    fish_config = isolated_env / ".config" / "fish"
    fish_config.mkdir(parents=True)
    (fish_config / "config.fish").write_text("set -gx PATH /usr/local/bin /usr/bin $PATH\n", encoding="utf-8")
    monkeypatch.setenv("SHELL", SHELLS[shell] or shell)
    command = interactive_shell(session_named("R"))
    child = pexpect.spawn(command.argv[0], command.argv[1:], env=command.env, encoding="utf-8", timeout=20)
    try:
        child.expect_exact("(roleui ")
        child.sendline("printf 'P%s%s=P\\n' '=' \"$PATH\"")  # the echoed command line holds no "P="
        child.expect(r"P=([^\r\n]*)=P")
        first = str(child.match.group(1)).split(":")[0]
        child.sendline("exit")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
        command.cleanup()
    assert first == str(tools)


def test_the_demo_environment_points_every_endpoint_variable_at_the_local_aws_and_keeps_its_tools_first(
    tmp_path: Path,
) -> None:
    from roleui.demo.environment import ENDPOINT_SERVICES, demo_environ

    env = demo_environ(
        {"PATH": "/usr/bin", "AWS_ENDPOINT_URL_STS": "https://sts.amazonaws.com"},
        directory=tmp_path,
        tools=tmp_path / "bin",
        endpoint_url="http://127.0.0.1:5000",
    )
    assert env["ROLEUI_SHELL_PATH"] == str(tmp_path / "bin")
    assert env["AWS_ENDPOINT_URL"] == "http://127.0.0.1:5000"
    assert {"STS", "ORGANIZATIONS", "IAM", "S3"} <= set(ENDPOINT_SERVICES)
    for service in ENDPOINT_SERVICES:
        assert env[f"AWS_ENDPOINT_URL_{service}"] == "http://127.0.0.1:5000"
