"""The user's interactive `$SHELL` inside a role session, with a visible marker in the prompt.

bash gets an rc file that reads ~/.bashrc and then prefixes PS1; zsh a ZDOTDIR whose rc files read the user's
and then prefix PROMPT; fish an init command wrapping fish_prompt; any other shell PS1 from the environment.
ROLEUI_ROLE is set for every shell, for prompt themes (starship, powerlevel10k...).

The role key comes from other people (an account name is whatever its administrator typed), so it never reaches a
prompt as code: the prompt shows ROLEUI_PROMPT, the key cut down to a character set no shell expands (dash, ksh and
zsh with `prompt_subst` would run `$(...)` or a backquote found in PS1/PROMPT; zsh expands `%`). The rc files are
written into a fresh private directory (mkdtemp: 0700, random name) per shell, never into a shared or reused place,
and the rc removes its directory as soon as the shell has opened it (ShellCommand.cleanup removes it too).

ROLEUI_SHELL_PATH, when set (the demo sets it), goes back in front of PATH after the user's rc files, which may
have put a system `aws` first.

The user's rc files may also export AWS_PROFILE, AWS_DEFAULT_PROFILE or keys (issue 18), and a prompt hook
(direnv...) may do it later: the shell would then run as someone else. So the session's AWS view (`VIEW_NAMES`:
credentials, the files roleui overlaid, the endpoint's variables, and the competing variables it removed) is
kept: bash and zsh note it when their rc file starts (before the user's), fish reads it from ROLEUI_SHELL_VIEW
(its init command runs after the user's config; the variable is erased at once). After the user's rc files and
before every prompt `__roleui_view` puts back what changed and says so in one line on stderr.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from roleui.core.sessions.competing import COMPETING_VARS
from roleui.core.sessions.session import Session
from roleui.core.sessions.session_env import ENDPOINT_VARS, session_env

PROMPT_VARIABLE = "ROLEUI_PROMPT"
PATH_VARIABLE = "ROLEUI_SHELL_PATH"
RC_DIR_VARIABLE = "ROLEUI_RC_DIR"
_UNSAFE_IN_PROMPT = re.compile(r"[^A-Za-z0-9._/@+=,:-]")
MAX_PROMPT = 64

VIEW_VARIABLE = "ROLEUI_SHELL_VIEW"  # fish: the view to keep, `NAME=VALUE` lines (erased by the init command)
# What decides whose credentials the shell's commands get. Not the region: that is the user's to change.
VIEW_NAMES = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    *(name for name in ENDPOINT_VARS if name.startswith("AWS_")),
    *COMPETING_VARS,
)
_UNDONE = "roleui: %s: undid%s set in this shell — it runs as the role; `aws --profile NAME` reaches another profile"


def _sh_view() -> str:
    """bash/zsh: note the view (before the user's rc files), and `__roleui_view`, which puts it back."""
    save = "".join(f'if [ -n "${{{n}+x}}" ]; then __roleui_v_{n}=${n}; __roleui_s_{n}=1; fi\n' for n in VIEW_NAMES)
    checks = "".join(
        f'  if [ -n "${{__roleui_s_{n}-}}" ]; then\n'
        f'    if [ -z "${{{n}+x}}" ] || [ "${n}" != "$__roleui_v_{n}" ]; then '
        f'{n}=$__roleui_v_{n}; export {n}; __roleui_changed="$__roleui_changed {n}"; fi\n'
        f'  elif [ -n "${{{n}+x}}" ]; then unset {n}; __roleui_changed="$__roleui_changed {n}"; fi\n'
        for n in VIEW_NAMES
    )
    return (
        save
        + "__roleui_view() {\n  __roleui_changed=\n"
        + checks
        + f'  if [ -n "$__roleui_changed" ]; then printf \'{_UNDONE}\\n\' "${{ROLEUI_PROMPT-}}" "$__roleui_changed" >&2; fi\n'
        + "}\n"
    )


_FORGET_RC = 'command rm -rf -- "$ROLEUI_RC_DIR" 2>/dev/null; unset ROLEUI_RC_DIR\n'
_PATH_BACK = 'if [ -n "${ROLEUI_SHELL_PATH:-}" ]; then PATH="$ROLEUI_SHELL_PATH:$PATH"; export PATH; fi\n'

# The marker, unless the user's own prompt already shows the session (the README's `roleui status` snippets): a
# prompt saying `(roleui X) (X 59m)` says it twice. Without a session (`roleui demo -- bash`) the marker stays.
_UNLESS_SHOWN = (
    'case "${{ROLEUI_ROLE:+session}}:${var}" in\n'
    '  session:*"roleui status"*|session:*__roleui_ps1*) ;;\n'
    "  *) {set} ;;\n"
    "esac\n"
)

BASHRC = (
    "# Written by roleui for `roleui shell`: your ~/.bashrc, then the session marker in the prompt.\n"
    + _FORGET_RC  # bash has read this whole file already
    + _sh_view()
    + 'if [ -f "$HOME/.bashrc" ]; then . "$HOME/.bashrc"; fi\n'
    + _PATH_BACK
    + "__roleui_view\n"
    + 'PROMPT_COMMAND="${PROMPT_COMMAND:+$PROMPT_COMMAND; }__roleui_view"\n'
    # Single quotes: bash expands ${ROLEUI_PROMPT} at each prompt, as text (never expanded a second time).
    + _UNLESS_SHOWN.format(var="PS1", set="PS1='(roleui ${ROLEUI_PROMPT}) '\"$PS1\"")
)

ZSHENV = """\
# Written by roleui for `roleui shell`: your .zshenv first.
if [ -f "${ROLEUI_USER_ZDOTDIR:-$HOME}/.zshenv" ]; then . "${ROLEUI_USER_ZDOTDIR:-$HOME}/.zshenv"; fi
"""

ZSHRC = (
    "# Written by roleui for `roleui shell`: your .zshrc, then the session marker in the prompt.\n"
    + _FORGET_RC  # zsh has this file open: removing it is safe
    + 'ZDOTDIR="${ROLEUI_USER_ZDOTDIR:-$HOME}"\n'
    + _sh_view()
    + 'if [ -f "$ZDOTDIR/.zshrc" ]; then . "$ZDOTDIR/.zshrc"; fi\n'
    + _PATH_BACK
    + "__roleui_view\n"
    + "precmd_functions+=(__roleui_view)\n"
    # ROLEUI_PROMPT holds no % $ ` \\ or quote, so neither prompt escapes nor prompt_subst can make code of it.
    + _UNLESS_SHOWN.format(var="PROMPT", set='PROMPT="(roleui ${ROLEUI_PROMPT}) ${PROMPT}"')
)

FISH_VIEW = (
    "for __roleui_line in (string split \\n -- $ROLEUI_SHELL_VIEW); "
    "set -l __roleui_kv (string split -m 1 = -- $__roleui_line); set -g __roleui_v_$__roleui_kv[1] $__roleui_kv[2]; "
    "end; set -e ROLEUI_SHELL_VIEW; "
    "function __roleui_view --on-event fish_prompt; set -l changed; "
    f"for n in {' '.join(VIEW_NAMES)}; set -l saved __roleui_v_$n; "
    'if set -q $saved; if not set -q $n; or test "$$n" != "$$saved"; set -gx $n $$saved; set -a changed $n; end; '
    "else if set -q $n; set -e -g $n; set -a changed $n; end; end; "
    f'if set -q changed[1]; printf \'{_UNDONE}\\n\' "$ROLEUI_PROMPT" " $changed" >&2; end; end; '
    "__roleui_view; "
)

FISH_INIT = FISH_VIEW + (
    "if set -q ROLEUI_SHELL_PATH; set -gx PATH $ROLEUI_SHELL_PATH $PATH; end; "
    "functions -q fish_prompt; and functions -c fish_prompt __roleui_prompt; "
    "function fish_prompt; printf '(roleui %s) ' $ROLEUI_PROMPT; functions -q __roleui_prompt; and __roleui_prompt; end"
)


def prompt_marker(role_key: str) -> str:
    """The role key as the prompt shows it: ASCII letters, digits and `._/@+=,:-` only (others become `_`)."""
    marker = _UNSAFE_IN_PROMPT.sub("_", role_key)
    return marker if len(marker) <= MAX_PROMPT else marker[: MAX_PROMPT - 1] + "~"


@dataclass(frozen=True)
class ShellCommand:
    """argv and environment of the shell; `rc_dir` is the private directory of its rc files (or None)."""

    argv: list[str]
    env: dict[str, str]
    rc_dir: Path | None = None

    def finish(self, env: dict[str, str]) -> dict[str, str]:
        """The shell's final environment (`env`, the child's view): fish also gets it as ROLEUI_SHELL_VIEW."""
        if Path(self.argv[0]).name != "fish":
            return env
        view = "\n".join(f"{n}={env[n]}" for n in VIEW_NAMES if n in env and "\n" not in env[n])
        return {**env, VIEW_VARIABLE: view}

    def cleanup(self) -> None:
        """Remove the rc directory (the shell removes it itself once started; this covers a shell that did not)."""
        if self.rc_dir is not None:
            shutil.rmtree(self.rc_dir, ignore_errors=True)


def _write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    return path


def interactive_shell(session: Session) -> ShellCommand:
    """The user's `$SHELL` (else /bin/sh) running interactively in `session`."""
    env = session_env(session, os.environ)
    return marked_shell(os.environ.get("SHELL") or "/bin/sh", env, prompt_marker(session.role_key))


def marked_shell(shell: str, env: dict[str, str], marker: str) -> ShellCommand:
    """`shell` running interactively with `env`, `(roleui MARKER)` in front of its prompt; `marker` must be a
    `prompt_marker` (or as inert: it goes into the prompt as text)."""
    name = Path(shell).name
    env = {**env, PROMPT_VARIABLE: marker}
    if name in ("bash", "zsh"):
        rc_dir = Path(tempfile.mkdtemp(prefix="roleui-shell-"))  # 0700, a name nobody can guess
        env[RC_DIR_VARIABLE] = str(rc_dir)
        if name == "bash":
            rcfile = _write(rc_dir, "bashrc", BASHRC)
            return ShellCommand([shell, "--rcfile", str(rcfile), "-i"], env, rc_dir)
        _write(rc_dir, ".zshenv", ZSHENV)
        _write(rc_dir, ".zshrc", ZSHRC)
        env["ROLEUI_USER_ZDOTDIR"] = os.environ.get("ZDOTDIR") or os.environ.get("HOME", "")
        env["ZDOTDIR"] = str(rc_dir)
        return ShellCommand([shell, "-i"], env, rc_dir)
    if name == "fish":
        return ShellCommand([shell, "-i", "--init-command", FISH_INIT], env)
    # sh, dash, ksh...: no rc file of ours; PS1 from the environment, which these shells expand (hence the marker).
    if env.get(PATH_VARIABLE):
        env["PATH"] = os.pathsep.join([env[PATH_VARIABLE], env.get("PATH", "")])
    env["PS1"] = f"(roleui {marker}) " + os.environ.get("PS1", "$ ")
    return ShellCommand([shell, "-i"], env)
