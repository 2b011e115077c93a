"""The Identity Center sign-in's files against another local user: `roleui login` under umask 000, planted
symlinks at the token's names, a token file another user planted or can write, a loose ~/.aws made by another
tool, and the one private writer every roleui file goes through."""

from __future__ import annotations

import os
import stat
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from _aws_setups import without_aws_dir
from _engine_helpers import roleui, write_catalog

from roleui.aws.sso_tokens import SsoToken, load_token, save_token, token_path
from roleui.core.errors import EXIT_USAGE
from roleui.core.private_files import UnsafePathError, write_private
from tests._sso_helpers import FOLLOWING_BROWSER, SSO_CONFIG, SSO_REGION, START_URL, LocalIdentityCenter
from tests._sso_helpers import local_identity_center as _local_identity_center

NOBODY = 65534


@pytest.fixture
def center(aws: str, monkeypatch: pytest.MonkeyPatch, isolated_env: Path) -> Iterator[LocalIdentityCenter]:
    """The local Identity Center, with the AWS config outside ~/.aws: the home has no ~/.aws until roleui makes it."""
    config = isolated_env / "aws-config"
    config.write_text(SSO_CONFIG)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    yield from _local_identity_center(aws, monkeypatch)


def token(expires: datetime | None = None) -> SsoToken:
    return SsoToken(START_URL, SSO_REGION, "ACCESS", expires or datetime.now(UTC) + timedelta(hours=8), "acme")


def one_line(done: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in done.stderr, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


def under_umask_000(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    old = os.umask(0)
    try:
        return roleui(*argv, env=env)
    finally:
        os.umask(old)


def test_login_under_umask_000_makes_every_directory_0700_and_the_token_0600(
    center: LocalIdentityCenter, isolated_env: Path
) -> None:
    without_aws_dir(isolated_env)  # a user who never ran an AWS tool: roleui makes ~/.aws itself
    done = under_umask_000("login", "acme", env={"BROWSER": FOLLOWING_BROWSER})
    assert done.returncode == 0, done.stderr
    aws = isolated_env / ".aws"
    for directory in (aws, aws / "sso", aws / "sso" / "cache"):
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700, directory
    [saved] = (aws / "sso" / "cache").iterdir()
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert load_token("acme", START_URL) is not None


def test_a_symlink_planted_at_the_tokens_temporary_name_is_never_followed(isolated_env: Path) -> None:
    path = token_path("acme", START_URL)
    path.parent.mkdir(parents=True, mode=0o700)
    os.chmod(path.parent.parent, 0o700)
    os.chmod(path.parent.parent.parent, 0o700)
    stolen = isolated_env / "stolen"
    # The names a writer without O_EXCL|O_NOFOLLOW and a random name would open: planted in advance.
    for name in (f".{path.name}.{os.getpid()}.tmp", f".{path.name}.tmp", f"{path.name}.{os.getpid()}.tmp"):
        (path.parent / name).symlink_to(stolen)
    save_token(token())
    assert not stolen.exists(), "the token went through a planted symlink"
    assert load_token("acme", START_URL) is not None


def test_a_symlink_planted_at_the_tokens_own_name_is_replaced_not_written_through(isolated_env: Path) -> None:
    path = token_path("acme", START_URL)
    path.parent.mkdir(parents=True, mode=0o700)
    elsewhere = isolated_env / "elsewhere.json"
    elsewhere.write_text("theirs")
    path.symlink_to(elsewhere)
    save_token(token())
    assert elsewhere.read_text() == "theirs"
    assert not path.is_symlink()


@pytest.mark.parametrize("how", ["writable by others", "a symlinked directory"])
def test_a_token_cache_directory_others_could_swap_is_refused_for_writing_and_reading(
    isolated_env: Path, how: str
) -> None:
    cache = token_path("acme", START_URL).parent
    if how == "writable by others":
        cache.mkdir(parents=True, mode=0o700)
        cache.chmod(0o777)
    else:
        theirs = isolated_env / "theirs"
        theirs.mkdir(mode=0o700)
        cache.parent.mkdir(parents=True, mode=0o700)
        cache.symlink_to(theirs)
    with pytest.raises(UnsafePathError):
        save_token(token())
    assert not any(cache.iterdir())
    with pytest.raises(UnsafePathError):
        load_token("acme", START_URL)


def test_a_token_file_others_can_write_is_refused_by_login_with_the_chmod_to_run(
    center: LocalIdentityCenter,
) -> None:
    save_token(token(datetime(2030, 1, 1, tzinfo=UTC)))
    path = token_path("acme", START_URL)
    path.chmod(0o666)
    done = roleui("login", "acme")
    assert done.returncode == EXIT_USAGE
    line = one_line(done)
    assert str(path) in line
    assert f"chmod 600 {path}" in line
    assert "signed in" not in done.stdout


@pytest.mark.skipif(os.geteuid() != 0, reason="planting another user's file needs root (CI runs as root)")
def test_a_token_file_planted_by_another_user_is_refused_by_login_and_discover(center: LocalIdentityCenter) -> None:
    save_token(token(datetime(2030, 1, 1, tzinfo=UTC)))
    path = token_path("acme", START_URL)
    path.chmod(0o644)
    os.chown(path, NOBODY, NOBODY)
    write_catalog('[[identity_center]]\nsso_session = "acme"\n')
    for argv in (["login", "acme"], ["discover"]):
        done = roleui(*argv)
        assert done.returncode == EXIT_USAGE, (argv, done.stdout, done.stderr)
        line = one_line(done)
        assert f"is owned by another user (uid {NOBODY})" in line
        assert str(path) in line
        assert "until 2030" not in done.stdout


def test_doctor_reports_a_loose_aws_directory_and_login_warns_once_without_changing_it(
    center: LocalIdentityCenter, isolated_env: Path
) -> None:
    without_aws_dir(isolated_env)
    aws = isolated_env / ".aws"
    aws.mkdir()
    aws.chmod(0o777)  # made by another tool under umask 000
    save_token(token())
    token_path("acme", START_URL).chmod(0o644)
    doctor = roleui("doctor")
    assert doctor.returncode == EXIT_USAGE
    assert f"roleui: {aws} is writable by other users — fix: chmod 700 {aws}" in doctor.stderr
    login = roleui("login", "acme")
    assert login.returncode == 0, login.stderr
    assert login.stderr.count("\n") == 1
    assert login.stderr.startswith(f"roleui: warning: {aws} is writable by other users")
    assert stat.S_IMODE(aws.stat().st_mode) == 0o777, "what roleui did not make, it does not change"
    aws.chmod(0o700)
    assert roleui("doctor").returncode == 0


def test_doctor_reports_a_token_file_others_can_write(isolated_env: Path) -> None:
    save_token(token())
    path = token_path("acme", START_URL)
    path.chmod(0o646)
    doctor = roleui("doctor")
    assert doctor.returncode == EXIT_USAGE
    assert f"{path} is writable by other users — fix: chmod 600 {path}" in doctor.stderr


def test_the_private_writer_refuses_a_directory_swapped_for_someone_elses(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    write_private(mine / "f.json", b"1")
    assert (mine / "f.json").read_bytes() == b"1"
    mine.chmod(0o757)
    with pytest.raises(UnsafePathError, match="chmod 700"):
        write_private(mine / "f.json", b"2")
    assert (mine / "f.json").read_bytes() == b"1"
    assert [p.name for p in mine.iterdir()] == ["f.json"], "no temporary file left behind"
