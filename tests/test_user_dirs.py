"""roleui's directories from the standard library (roleui/core/user_dirs.py) are platformdirs' answers."""

from __future__ import annotations

import os
import pwd
from pathlib import Path

import platformdirs.macos
import platformdirs.unix
import platformdirs.windows
import pytest

from roleui.core.paths import cache_dir, data_dir, default_config_path
from roleui.core.user_dirs import cache_dir_name, user_dir

KINDS = ("config", "cache", "data")
XDG = ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME")


def reference(platform: platformdirs.unix.Unix | platformdirs.macos.MacOS, kind: str) -> str:
    return str(getattr(platform, f"user_{kind}_dir"))


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in (*XDG, "ROLEUI_CACHE_DIR", "ROLEUI_CONFIG", "ROLEUI_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "someone"))
    return tmp_path / "someone"


@pytest.mark.parametrize("kind", KINDS)
def test_without_xdg_variables_linux_places_match_platformdirs(home: Path, kind: str) -> None:
    assert user_dir(kind, platform="linux") == reference(platformdirs.unix.Unix("roleui"), kind)
    assert user_dir(kind, platform="linux").startswith(str(home))


@pytest.mark.parametrize("kind", KINDS)
def test_absolute_xdg_variables_win_and_relative_ones_are_ignored_as_platformdirs_does(
    home: Path, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in XDG:
        monkeypatch.setenv(name, f"/xdg/{name.lower()}")
    assert user_dir(kind, platform="linux") == reference(platformdirs.unix.Unix("roleui"), kind)
    assert user_dir(kind, platform="linux").startswith("/xdg/")
    for name in XDG:
        monkeypatch.setenv(name, "relative/dir")
    assert user_dir(kind, platform="linux") == reference(platformdirs.unix.Unix("roleui"), kind)
    assert user_dir(kind, platform="linux").startswith(str(home))


@pytest.mark.parametrize("kind", KINDS)
def test_macos_places_match_platformdirs_with_and_without_xdg(
    home: Path, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert user_dir(kind, platform="darwin") == reference(platformdirs.macos.MacOS("roleui"), kind)
    assert "/Library/" in user_dir(kind, platform="darwin")
    for name in XDG:
        monkeypatch.setenv(name, f"/xdg/{name.lower()}")
    assert user_dir(kind, platform="darwin") == reference(platformdirs.macos.MacOS("roleui"), kind)


@pytest.mark.parametrize("kind", KINDS)
def test_windows_places_are_under_localappdata_as_platformdirs_says(
    home: Path, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # platformdirs asks the Windows shell; off Windows it is given the variable it falls back to.
    monkeypatch.setattr(platformdirs.windows, "get_win_folder", platformdirs.windows.get_win_folder_from_env_vars)
    monkeypatch.setenv("LOCALAPPDATA", "/users/someone/AppData/Local")
    monkeypatch.setenv("APPDATA", "/users/someone/AppData/Roaming")
    expected = str(getattr(platformdirs.windows.Windows("roleui"), f"user_{kind}_dir"))
    assert user_dir(kind, platform="win32") == expected


def test_a_relative_or_missing_home_falls_back_to_the_accounts_home_directory(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    account_home = pwd.getpwuid(os.getuid()).pw_dir.rstrip("/")
    monkeypatch.setenv("HOME", "not/absolute")
    assert user_dir("cache", platform="linux") == reference(platformdirs.unix.Unix("roleui"), "cache")
    assert user_dir("cache", platform="linux") == f"{account_home}/.cache/roleui"
    monkeypatch.delenv("HOME")
    assert user_dir("cache", platform="linux") == f"{account_home}/.cache/roleui"


def test_roleui_cache_dir_overrides_the_os_place_and_paths_agree(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert cache_dir() == Path(platformdirs.user_cache_dir("roleui"))
    assert data_dir() == Path(platformdirs.user_data_dir("roleui"))
    assert default_config_path() == Path(platformdirs.user_config_dir("roleui")) / "config.toml"
    monkeypatch.setenv("ROLEUI_CACHE_DIR", "~/elsewhere")
    assert cache_dir_name() == str(home / "elsewhere")
    assert cache_dir() == home / "elsewhere"
