"""`roleui status --format` in the consumers the README documents: a role or account name (another person's text)
is shown as text by tmux, zsh and bash prompts — it never runs a command, expands a variable or changes colour."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from roleui.fast.status import render

HOSTILE_KEY = "a#(touch {marker})#[fg=green]#{{host}}%n%F{{green}}\\u$(touch {marker})`touch {marker}`/Role"


def formatted(marker: Path, fmt: str = "{key}") -> str:
    env = {"ROLEUI_ROLE": HOSTILE_KEY.format(marker=marker), "AWS_CREDENTIAL_EXPIRATION": "2030-01-02T04:00:00Z"}
    code, out, err = render(fmt, False, env, 0.0)
    assert (code, err) == (0, "")
    return out.rstrip("\n")


def need(program: str) -> str:
    found = shutil.which(program)
    if found is None:
        pytest.fail(f"{program} is not installed: .ci/test installs it (apt-get install {program})")
    return found


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[list[str]]:
    """A private tmux server (its own socket), with one session to display formats in."""
    argv = [need("tmux"), "-S", str(tmp_path / "tmux.sock"), "-f", "/dev/null"]
    subprocess.run([*argv, "new-session", "-d", "-x", "80", "-y", "24", "sleep 60"], check=True, timeout=30)
    try:
        yield argv
    finally:
        subprocess.run([*argv, "kill-server"], check=False, timeout=30)


def test_tmux_shows_a_hostile_name_as_text_and_runs_nothing(tmux: list[str], tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    # The README's recipe: the pane option holds roleui's own style around the name, the status bar expands it.
    line = formatted(marker, "#[fg={color}]{key} {left}#[default]")
    subprocess.run([*tmux, "set", "-p", "@roleui", line], check=True, timeout=30)
    shown = subprocess.run(
        [*tmux, "display-message", "-p", "#{@roleui}|#{E:@roleui}"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    ).stdout
    assert not marker.exists(), "a name ran a command in tmux"
    expanded = shown.split("|", 1)[1]
    assert expanded.count("#[") == 2, f"only roleui's own two styles, not the name's: {expanded!r}"
    assert "#(" not in expanded
    assert "#{" not in expanded


def test_zsh_prompt_expansion_shows_a_hostile_name_as_text(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    line = formatted(marker)
    shown = subprocess.run(
        [need("zsh"), "-f", "-c", 'print -rP -- "$1"', "_", line],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert shown.stdout.rstrip("\n") == line
    assert not marker.exists()


def test_bash_prompt_decoding_shows_a_hostile_name_as_text(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    line = formatted(marker)
    shown = subprocess.run(
        [need("bash"), "--norc", "-c", 'PS1="$1"; printf "%s" "${PS1@P}"', "_", line],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert shown.stdout == line
    assert not marker.exists()
