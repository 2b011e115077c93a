"""The user's interactive `$SHELL` inside a role session, with a visible marker in the prompt.

bash gets an rc file that reads ~/.bashrc and then prefixes PS1; zsh a ZDOTDIR whose rc files read the user's
and then prefix PROMPT; fish an init command wrapping fish_prompt; any other shell PS1 from the environment.
ROLEUI_ROLE is set for every shell, for prompt themes (starship, powerlevel10k...). The rc files hold no
session data (the prompt reads ROLEUI_ROLE), so they are written once into roleui's cache dir and reused.
"""

from __future__ import annotations

import os
from pathlib import Path

from roleui.core.paths import cache_dir
from roleui.core.sessions.session import Session
from roleui.core.sessions.session_env import session_env

BASHRC = """\
# Written by roleui for `roleui shell`: your ~/.bashrc, then the session marker in the prompt.
if [ -f "$HOME/.bashrc" ]; then . "$HOME/.bashrc"; fi
PS1='(roleui ${ROLEUI_ROLE}) '"$PS1"
"""

ZSHENV = """\
# Written by roleui for `roleui shell`: your .zshenv first.
if [ -f "${ROLEUI_USER_ZDOTDIR:-$HOME}/.zshenv" ]; then . "${ROLEUI_USER_ZDOTDIR:-$HOME}/.zshenv"; fi
"""

ZSHRC = """\
# Written by roleui for `roleui shell`: your .zshrc, then the session marker in the prompt.
ZDOTDIR="${ROLEUI_USER_ZDOTDIR:-$HOME}"
if [ -f "$ZDOTDIR/.zshrc" ]; then . "$ZDOTDIR/.zshrc"; fi
PROMPT="(roleui ${ROLEUI_ROLE//\\%/%%}) ${PROMPT}"
"""

FISH_INIT = (
    "functions -q fish_prompt; and functions -c fish_prompt __roleui_prompt; "
    "function fish_prompt; printf '(roleui %s) ' $ROLEUI_ROLE; functions -q __roleui_prompt; and __roleui_prompt; end"
)


def _write_once(path: Path, text: str) -> Path:
    """Write `text` to `path` unless it already holds exactly that (0600; the directory 0700)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        if path.read_text(encoding="utf-8") == text:
            return path
    except OSError:
        pass
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(temp, path)
    return path


def interactive_shell_command(session: Session) -> tuple[list[str], dict[str, str]]:
    """argv and environment of the user's `$SHELL` (else /bin/sh) running interactively in `session`."""
    shell = os.environ.get("SHELL") or "/bin/sh"
    name = Path(shell).name
    env = session_env(session, os.environ)
    rc_dir = cache_dir() / "shell"
    if name == "bash":
        return [shell, "--rcfile", str(_write_once(rc_dir / "bashrc", BASHRC)), "-i"], env
    if name == "zsh":
        zdotdir = rc_dir / "zsh"
        _write_once(zdotdir / ".zshenv", ZSHENV)
        _write_once(zdotdir / ".zshrc", ZSHRC)
        env["ROLEUI_USER_ZDOTDIR"] = os.environ.get("ZDOTDIR") or os.environ.get("HOME", "")
        env["ZDOTDIR"] = str(zdotdir)
        return [shell, "-i"], env
    if name == "fish":
        return [shell, "-i", "--init-command", FISH_INIT], env
    env["PS1"] = f"(roleui {session.role_key}) " + os.environ.get("PS1", "$ ")
    return [shell, "-i"], env
