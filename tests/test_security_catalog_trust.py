"""A catalog another local user could have written may not carry a command roleui runs as you (`mfa_process`):
refused with one line by every command, reported by `roleui doctor`; without a command it is still read."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from _engine_helpers import CATALOG, roleui, write_catalog

from roleui.core.errors import EXIT_USAGE

NOBODY = 65534
WITH_COMMAND = CATALOG.replace("[defaults]\n", '[defaults]\nmfa_process = "touch /tmp/roleui-owned-you"\n', 1)
as_root = pytest.mark.skipif(os.geteuid() != 0, reason="planting another user's file needs root (CI runs as root)")


def one_line(done: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in done.stderr, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


def shared(tmp_path: Path, text: str) -> Path:
    """A catalog in another user's directory, owned by them."""
    place = tmp_path / "theirs"
    place.mkdir()
    catalog = place / "roleui.toml"
    catalog.write_text(text)
    os.chown(place, NOBODY, NOBODY)
    os.chown(catalog, NOBODY, NOBODY)
    return catalog


@as_root
def test_another_users_catalog_with_mfa_process_is_refused_by_check_and_reported_by_doctor(tmp_path: Path) -> None:
    catalog = shared(tmp_path, WITH_COMMAND)
    check = roleui("check", env={"ROLEUI_CONFIG": str(catalog)})
    assert check.returncode == EXIT_USAGE
    line = one_line(check)
    assert f"is owned by another user (uid {NOBODY})" in line
    assert "mfa_process" in line
    doctor = roleui("doctor", env={"ROLEUI_CONFIG": str(catalog)})
    assert doctor.returncode == EXIT_USAGE
    assert f"{catalog} is owned by another user (uid {NOBODY}) and holds mfa_process" in doctor.stderr


@as_root
def test_a_symlink_at_the_default_path_to_another_users_catalog_with_a_command_is_refused(tmp_path: Path) -> None:
    catalog = shared(tmp_path, WITH_COMMAND)
    default = write_catalog()
    default.unlink()
    default.symlink_to(catalog)
    done = roleui("list")
    assert done.returncode == EXIT_USAGE
    assert "mfa_process" in one_line(done)


@as_root
def test_another_users_catalog_without_a_command_is_still_read(tmp_path: Path) -> None:
    catalog = shared(tmp_path, CATALOG)
    done = roleui("list", env={"ROLEUI_CONFIG": str(catalog)})
    assert done.returncode == 0, done.stderr
    assert "JumpRole" in done.stdout


def test_a_catalog_with_a_command_that_others_can_write_is_refused() -> None:
    catalog = write_catalog(WITH_COMMAND)
    catalog.chmod(0o666)
    done = roleui("check")
    assert done.returncode == EXIT_USAGE
    line = one_line(done)
    assert "is writable by other users" in line
    assert f"chmod go-w {catalog}" in line
    catalog.chmod(0o600)
    assert roleui("check").returncode == 0


def test_a_catalog_made_writable_by_others_after_its_world_was_cached_is_refused_from_the_cache(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The world cache answers while the catalog's mtime, size and inode are unchanged: chmod changes none of them.
    from roleui.aws.sources import load_world
    from roleui.core.catalog import parse
    from roleui.core.errors import ConfigError

    catalog = write_catalog(WITH_COMMAND)
    assert load_world(None, cached=True).defaults.mfa_process  # parsed, merged, cached
    monkeypatch.setattr(parse, "load_catalog", None)  # from here on the world can only come from the cache
    assert load_world(None, cached=True).defaults.mfa_process
    catalog.chmod(0o666)
    with pytest.raises(ConfigError, match="is writable by other users and holds mfa_process"):
        load_world(None, cached=True)
    done = roleui("env", "tooling/JumpRole")  # the commands that assume one role read the world cache too
    assert done.returncode == EXIT_USAGE
    assert f"chmod go-w {catalog}" in one_line(done)
