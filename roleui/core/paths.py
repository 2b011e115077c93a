"""Where roleui keeps its files: the catalog, the caches and the user data (favorites, frecency).

Each OS's conventional place (`~/.config/roleui`, `~/.cache/roleui`, `~/.local/share/roleui` on Linux) comes
from roleui/core/user_dirs.py, which gives platformdirs' answers with the standard library alone. ROLEUI_CONFIG,
ROLEUI_CACHE_DIR and ROLEUI_DATA_DIR override them (tests and the demo use these to stay away from the user's
real files).
"""

from __future__ import annotations

import os
from pathlib import Path

from roleui.core.user_dirs import cache_dir_name, user_dir

ORGANIZATION_CACHE = "organization.json"
IDENTITY_CENTER_CACHE = "identity-center.json"


def default_config_path() -> Path:
    return Path(user_dir("config")) / "config.toml"


def config_path(explicit: str | None = None) -> tuple[Path, bool]:
    """The catalog path and whether the user named it (then a missing file is an error, not an empty catalog)."""
    if explicit:
        return Path(explicit).expanduser(), True
    env = os.environ.get("ROLEUI_CONFIG")
    if env:
        return Path(env).expanduser(), True
    return default_config_path(), False


def cache_dir() -> Path:
    return Path(cache_dir_name())


def organization_cache_file() -> Path:
    """Where the discovered organization is cached (roleui/core/sources/organizations/cache.py)."""
    return cache_dir() / ORGANIZATION_CACHE


def identity_center_cache_file() -> Path:
    """Where the discovered Identity Center assignments are cached (roleui/core/sources/identity_center/cache.py)."""
    return cache_dir() / IDENTITY_CENTER_CACHE


def data_dir() -> Path:
    env = os.environ.get("ROLEUI_DATA_DIR")
    return Path(env).expanduser() if env else Path(user_dir("data"))


def aws_config_path() -> Path:
    """The AWS config file the SDKs read: AWS_CONFIG_FILE, else ~/.aws/config."""
    return Path(os.environ.get("AWS_CONFIG_FILE") or "~/.aws/config").expanduser()


def sso_cache_dir() -> Path:
    """Where AWS CLI v2 and every botocore keep Identity Center tokens: ~/.aws/sso/cache (no variable moves it)."""
    return Path("~/.aws/sso/cache").expanduser()
