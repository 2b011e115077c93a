"""Damaged files, loose permissions and shared places, run as the real program: one line and the documented exit
status, never a traceback; a damaged cache is absent (and replaced), another user's or a symlinked one refused."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from _engine_helpers import ROLEUI, roleui, write_catalog

from roleui.core.errors import EXIT_INTERRUPTED, EXIT_USAGE
from roleui.core.private_files import UnsafePathError, private_dir, read_private
from roleui.core.sessions.credcache import CredentialCache
from roleui.core.sessions.session import Credentials, Session

pytest_plugins = ("_engine_fixtures",)


def no_traceback(done: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) <= 1, done.stderr


def cache() -> Path:
    return Path(os.environ["ROLEUI_CACHE_DIR"])


def session(key: str = "acct/Role") -> Session:
    return Session(
        role_key=key,
        role_arn="arn:aws:iam::123456789012:role/Role",
        account_id="123456789012",
        assumed_role_arn="arn:aws:sts::123456789012:assumed-role/Role/me",
        session_name="me",
        credentials=Credentials("ASIAEXAMPLE", "secret", "token", datetime.now(UTC) + timedelta(hours=1)),
    )


# -- permissions ----------------------------------------------------------------------------------------------


def test_directories_are_made_0700_even_under_umask_000(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        made = private_dir(tmp_path / "a" / "b" / "c")
    finally:
        os.umask(old)
    for path in (made, made.parent, made.parent.parent):
        assert path.stat().st_mode & 0o777 == 0o700


def test_a_world_writable_directory_is_refused_with_the_command_that_fixes_it(tmp_path: Path) -> None:
    loose = tmp_path / "loose"
    loose.mkdir()
    loose.chmod(0o777)
    with pytest.raises(UnsafePathError) as refused:
        private_dir(loose)
    assert f"chmod 700 {loose}" in str(refused.value)
    assert refused.value.exit_code == EXIT_USAGE


def test_a_symlinked_sessions_directory_is_refused_not_followed(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    cache().mkdir(mode=0o700, exist_ok=True)
    (cache() / "sessions").symlink_to(elsewhere)
    done = roleui("sessions")
    assert done.returncode == EXIT_USAGE
    assert "is a symbolic link" in done.stderr
    no_traceback(done)
    with pytest.raises(UnsafePathError):
        CredentialCache().save_role("k" * 40, session(), "base")
    assert list(elsewhere.iterdir()) == []


def test_a_symlinked_lock_is_refused_and_its_target_untouched(tmp_path: Path) -> None:
    target = tmp_path / "victim"
    target.write_text("precious", encoding="utf-8")
    credcache = CredentialCache()
    credcache.ensure_directory()
    (credcache.directory / ("k" * 40 + ".lock")).symlink_to(target)
    with pytest.raises(UnsafePathError, match="is a symbolic link"), credcache.lock("k" * 40, "acct/Role"):
        pass
    assert target.read_text(encoding="utf-8") == "precious"


def test_a_session_file_writable_by_others_is_refused(tmp_path: Path) -> None:
    path = CredentialCache().save_role("k" * 40, session(), "base")
    path.chmod(0o666)
    with pytest.raises(UnsafePathError):
        read_private(path)


def test_doctor_lists_each_problem_with_its_fix_and_exits_2() -> None:
    sessions = cache() / "sessions"
    sessions.mkdir(parents=True)
    sessions.chmod(0o777)
    (cache() / "lists").symlink_to("/etc")
    done = roleui("doctor")
    assert done.returncode == EXIT_USAGE
    assert f"{sessions} is writable by other users — fix: chmod 700 {sessions}" in done.stderr
    assert f"{cache() / 'lists'} is a symbolic link — fix: rm {cache() / 'lists'}" in done.stderr
    (cache() / "shell").mkdir(mode=0o700)
    assert "holds rc files of an older roleui" in roleui("doctor").stderr
    (cache() / "shell").rmdir()
    sessions.chmod(0o700)
    cache().chmod(0o700)  # made by mkdir(parents=True) above, under the test's umask
    (cache() / "lists").unlink()
    fine = roleui("doctor")
    assert (fine.returncode, fine.stderr) == (0, "")
    assert fine.stdout.startswith("OK: roleui's directories are private")


# -- damaged files ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        '{"format": 1, "kind": "role", "credentials": null}',
        '{"format": 1, "kind": "role", "credentials": ' + "[" * 100_000 + "]" * 100_000 + "}",
        "\xff\xfe not json",
        "[]",
    ],
    ids=["null credentials", "deep nesting", "not UTF-8", "not an object"],
)
def test_a_damaged_session_file_is_a_miss_for_every_command(content: str) -> None:
    write_catalog()
    path = CredentialCache().save_role("k" * 40, session(), "base")
    path.write_bytes(content.encode("utf-8", "surrogateescape"))
    assert CredentialCache().role_sessions() == []
    done = roleui("sessions")
    assert done.returncode == 0
    no_traceback(done)


def test_deeply_nested_toml_is_a_one_line_catalog_error(tmp_path: Path) -> None:
    catalog = tmp_path / "deep.toml"
    catalog.write_text("a = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    for command in ("check", "list"):
        done = roleui("--config", str(catalog), command)
        assert done.returncode == EXIT_USAGE
        assert "nested too deeply" in done.stderr
        no_traceback(done)


def test_a_config_of_endless_zeroes_is_refused_without_reading_it_all() -> None:
    started = time.monotonic()
    done = roleui("--config", "/dev/zero", "check", timeout=30)
    assert done.returncode == EXIT_USAGE
    assert "is larger than" in done.stderr
    no_traceback(done)
    assert time.monotonic() - started < 20


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: b"\xff\xfe" + text,  # invalid UTF-8
        lambda text: text.replace(b"\n", b"\n" + b"9" * 5000 + b"\n", 1),  # a huge number as the margin
        lambda text: text[:-20] + bytes(range(256)),  # truncated and garbage
    ],
    ids=["invalid UTF-8", "huge number", "garbage"],
)
def test_a_damaged_credential_process_index_falls_back_to_the_normal_path(
    damage: object, sts: object, user: object
) -> None:
    write_catalog()
    first = roleui("credential-process", "tooling/JumpRole")
    assert first.returncode == 0, first.stderr
    sessions = cache() / "sessions"
    for entry in sessions.glob("quick-*"):
        entry.write_bytes(damage(entry.read_bytes()))  # type: ignore[operator]
    again = roleui("credential-process", "tooling/JumpRole")
    assert again.returncode == 0
    no_traceback(again)
    assert json.loads(again.stdout)["AccessKeyId"] == json.loads(first.stdout)["AccessKeyId"]


def test_a_list_index_with_wrong_shaped_rows_falls_back_to_the_normal_path() -> None:
    import marshal

    from roleui.fast import listing

    write_catalog()
    first = roleui("list")
    assert first.returncode == 0, first.stderr
    (index,) = (cache() / "lists").glob("list-*")
    data = index.read_bytes()
    head, _, _ = data.partition(listing.SEPARATOR)
    document = b"[\n]\n"
    lines = head.split(b"\n")
    lines[2] = str(len(document)).encode()
    index.write_bytes(b"\n".join(lines) + listing.SEPARATOR + document + marshal.dumps([("x", "y", 5)]))
    again = roleui("list", "tooling")
    assert again.returncode == 0
    no_traceback(again)
    assert "JumpRole" in again.stdout


def test_ctrl_c_as_soon_as_the_launcher_is_loaded_is_one_line_and_exit_130() -> None:
    # The very first thing roleui runs; before it, only Python's own start-up stands (not roleui's to handle).
    code = "import os, signal, time, roleui.launcher; os.kill(os.getpid(), signal.SIGINT); time.sleep(5)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=30)
    assert (done.returncode, done.stderr) == (EXIT_INTERRUPTED, "roleui: interrupted\n")


def test_ctrl_c_while_a_command_runs_is_one_line_and_exit_130(tmp_path: Path) -> None:
    catalog = tmp_path / "slow.toml"
    catalog.write_text("", encoding="utf-8")
    fifo = tmp_path / "never-written"
    os.mkfifo(fifo)  # reading it blocks: the command is certainly inside its guard when Ctrl+C comes
    child = subprocess.Popen(
        [*ROLEUI, "--config", str(fifo), "check"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    time.sleep(1.5)
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=30)
    assert (child.returncode, err) == (EXIT_INTERRUPTED, "roleui: interrupted\n")


def test_under_umask_000_everything_roleui_creates_is_private(
    sts: object, user: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_catalog()
    home = Path(os.environ["HOME"])
    env = {"ROLEUI_CACHE_DIR": "", "ROLEUI_DATA_DIR": "", "XDG_CACHE_HOME": str(home / "fresh-cache")}
    env["XDG_DATA_HOME"] = str(home / "fresh-data")
    old = os.umask(0)
    try:
        for argv in (["credential-process", "tooling/JumpRole"], ["list"], ["env", "tooling/JumpRole"]):
            done = roleui(*argv, env=env)
            assert done.returncode == 0, done.stderr
        from roleui.core.world.frecency import Usage

        monkeypatch.setenv("XDG_DATA_HOME", env["XDG_DATA_HOME"])
        monkeypatch.delenv("ROLEUI_DATA_DIR")
        Usage().toggle_favorite("tooling/JumpRole")
    finally:
        os.umask(old)
    made = [home / "fresh-cache", home / "fresh-data"]
    paths = [p for top in made for p in [top, *top.rglob("*")]]
    assert any(p.name.endswith(".lock") for p in paths)
    assert any(p.parent.name == "sessions" for p in paths)
    for path in paths:
        mode = stat.S_IMODE(path.lstat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))


def test_a_directory_or_file_owned_by_another_user_is_refused_with_the_fix() -> None:
    from roleui.core.private_files import problem_of

    other = os.geteuid() + 1
    directory = os.stat_result((stat.S_IFDIR | 0o700, 1, 1, 1, other, other, 0, 0, 0, 0))
    found = problem_of("/c/sessions", directory, directory=True)
    assert found == (f"is owned by another user (uid {other})", "rm -r /c/sessions")
    file = os.stat_result((stat.S_IFREG | 0o600, 1, 1, 1, other, other, 0, 0, 0, 0))
    assert problem_of("/c/x.json", file, directory=False) is not None
    mine = os.stat_result((stat.S_IFREG | 0o600, 1, 1, 1, os.geteuid(), 0, 0, 0, 0, 0))
    assert problem_of("/c/x.json", mine, directory=False) is None


def test_both_discovery_caches_are_written_private_and_refused_once_others_can_write_them(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from roleui.core.sources.identity_center.cache import load_ic_snapshots, save_ic_snapshots
    from roleui.core.sources.identity_center.model import IcAccount, IcSnapshot
    from roleui.core.sources.organizations.cache import load_org_snapshot, save_org_snapshot
    from roleui.core.sources.organizations.model import OrgSnapshot

    monkeypatch.setenv("ROLEUI_CACHE_DIR", str(tmp_path / "fresh" / "cache"))
    now = datetime.now(UTC)
    old = os.umask(0)
    try:
        written = [
            save_org_snapshot(OrgSnapshot(discovered_at=now)),
            save_ic_snapshots(
                [
                    IcSnapshot(
                        "corp", "https://corp.awsapps.com/start", "eu-west-1", now, (IcAccount("123456789012", "a"),)
                    )
                ]
            ),
        ]
    finally:
        os.umask(old)
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        path.chmod(0o666)
    with pytest.raises(UnsafePathError, match="chmod 600"):
        load_org_snapshot()
    with pytest.raises(UnsafePathError, match="chmod 600"):
        load_ic_snapshots()
