"""Each OS's conventional place for an application's config, cache and data, found with the standard library's
cheapest calls.

The same answers as platformdirs (the tests compare the two on this platform, with XDG variables set and unset),
without importing it or pathlib: `roleui credential-process` runs before every aws CLI call of its profile, and
platformdirs with pathlib cost a cache hit ~25 ms before its index is even read. Strings, not Paths, for the same
reason (roleui/core/paths.py wraps them).

- Linux and other Unix: `$XDG_CONFIG_HOME`, `$XDG_CACHE_HOME`, `$XDG_DATA_HOME` when absolute (a relative one is
  ignored, as the XDG spec says), else `~/.config`, `~/.cache`, `~/.local/share`.
- macOS: the same XDG variables when absolute, else `~/Library/Application Support` (config and data) and
  `~/Library/Caches`.
- Windows: `%LOCALAPPDATA%\\roleui\\roleui` for config and data, `...\\Cache` for the cache (platformdirs asks the
  shell for the same folder; the variable is what it falls back to).
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs a fast path ~4 ms
if TYPE_CHECKING:
    from collections.abc import Mapping

APP = "roleui"

_XDG = {"config": ("XDG_CONFIG_HOME", "~/.config"), "cache": ("XDG_CACHE_HOME", "~/.cache")}
_XDG["data"] = ("XDG_DATA_HOME", "~/.local/share")
_MACOS = {
    "config": "~/Library/Application Support",
    "cache": "~/Library/Caches",
    "data": "~/Library/Application Support",
}


def _home(path: str, environ: Mapping[str, str]) -> str:
    """`path` with its leading `~` expanded: HOME when absolute, else the account's home directory."""
    home = environ.get("HOME", "")
    if not home.startswith("/"):
        import pwd  # a builtin module: cheap

        home = pwd.getpwuid(os.getuid()).pw_dir
    return home.rstrip("/") + path[1:]


def user_dir(kind: str, *, environ: Mapping[str, str] | None = None, platform: str | None = None) -> str:
    """roleui's directory of `kind` ("config", "cache" or "data") for this user on this (or `platform`'s) OS."""
    env = os.environ if environ is None else environ
    system = sys.platform if platform is None else platform
    if system == "win32":
        base = os.path.normpath(env.get("LOCALAPPDATA") or os.path.expanduser("~\\AppData\\Local"))
        parts = (APP, APP, "Cache") if kind == "cache" else (APP, APP)
        return os.path.join(base, *parts)
    variable, default = _XDG[kind]
    xdg = env.get(variable, "")
    if xdg.startswith("/"):
        return os.path.join(xdg, APP)
    return os.path.join(_home(_MACOS[kind] if system == "darwin" else default, env), APP)


def cache_dir_name(environ: Mapping[str, str] | None = None) -> str:
    """roleui's cache directory: ROLEUI_CACHE_DIR when set, else the OS's place (what core/paths.py's cache_dir
    wraps in a Path; the fast doors use this string as it is)."""
    env = os.environ if environ is None else environ
    override = env.get("ROLEUI_CACHE_DIR")
    return os.path.expanduser(override) if override else user_dir("cache", environ=env)
