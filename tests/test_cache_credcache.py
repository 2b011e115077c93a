"""The credential cache: reuse, the expiry margin, file modes, atomic writes, locking, and the key."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from _engine_helpers import PYTHON, ROLEUI, ROOT, StsProxy, roleui, write_catalog

from roleui.aws.engine import AssumeOptions, Engine
from roleui.core.clock import FrozenClock
from roleui.core.errors import RoleuiError
from roleui.core.models import Account, Catalog, Defaults, Role
from roleui.core.sessions import credcache
from roleui.core.sessions.assume_plan import plan_assume
from roleui.core.sessions.credcache import CredentialCache, base_ref, fresh_session, request_key
from roleui.core.sessions.session import Credentials, Session

pytest_plugins = ("_engine_fixtures",)  # the sts and user fixtures

DATA = Account(id="222222222222", name="shared-data")
ROLE = Role(
    account=DATA, name="Reader", external_id="ext-id-1234", session_tags={"team": "data"}, source_identity="deepak"
)
NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)


def catalog(*roles: Role, margin: int = 300) -> Catalog:
    return Catalog(defaults=Defaults(cache_margin=margin), accounts=(DATA,), roles=roles or (ROLE,))


def session(expires: datetime, key: str = "ASIAOLD") -> Session:
    return Session(
        role_key=ROLE.key,
        role_arn=ROLE.arn,
        account_id=DATA.id,
        assumed_role_arn=f"arn:aws:sts::{DATA.id}:assumed-role/Reader/deepak",
        session_name="deepak",
        credentials=Credentials(key, "secret-" + key, "token-" + key, expires),
        region="eu-west-1",
        issued_at=NOW,
    )


def key_for(role: Role = ROLE, options: AssumeOptions | None = None, environ: dict[str, str] | None = None) -> str:
    return request_key(plan_assume(catalog(role), role, options), environ if environ is not None else dict(os.environ))


def test_a_saved_session_reads_back_equal_and_is_fresh_until_the_margin() -> None:
    cache = CredentialCache()
    saved = session(NOW + timedelta(hours=1))
    cache.save_role(key_for(), saved, "environment credentials AKIA")
    assert cache.load_role(ROLE.arn, key_for()) == saved
    for left, fresh in ((3600, True), (301, True), (300, False), (10, False)):
        found = fresh_session(catalog(), ROLE, None, now=saved.expiration - timedelta(seconds=left), environ=os.environ)
        assert (found is not None) is fresh, left
    bigger = fresh_session(
        catalog(margin=1200), ROLE, None, now=saved.expiration - timedelta(seconds=900), environ=os.environ
    )
    assert bigger is None  # a configurable margin


def test_the_session_dir_is_0700_and_every_file_0600_even_when_the_dir_existed_open(tmp_path: Path) -> None:
    directory = tmp_path / "cache" / "sessions"
    directory.mkdir(parents=True, mode=0o755)
    directory.chmod(0o755)
    cache = CredentialCache()
    cache.save_role(key_for(), session(NOW), "base")
    with cache.lock(key_for(), ROLE.key):
        pass
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    files = list(directory.iterdir())
    assert files
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)


def test_a_lock_held_past_the_timeout_is_a_one_line_error_naming_what_is_assumed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(credcache, "LOCK_TIMEOUT", 0.2)
    cache = CredentialCache()
    held = cache.lock(key_for(), ROLE.key)
    second = cache.lock(key_for(), ROLE.key)  # another open file: held against it as against another process
    with held, pytest.raises(RoleuiError, match=f"assuming {ROLE.key}") as caught, second:
        pass
    assert "\n" not in str(caught.value)
    with cache.lock(key_for(), ROLE.key):
        pass  # released when the holder left


def test_a_crash_in_the_middle_of_a_write_leaves_the_old_session_whole() -> None:
    cache = CredentialCache()
    key = key_for()
    old = session(NOW + timedelta(hours=1), "ASIAOLD")
    cache.save_role(key, old, "base")
    crash = f"""
import json, os
from datetime import datetime, timedelta, UTC
import roleui.core.sessions.credcache as cc
from roleui.core.sessions.session import Credentials, Session
real_write = os.write
def half_then_die(fd, data):  # the private writer's write: 60 bytes reach the file, then the process dies
    real_write(fd, bytes(data)[:60]); os._exit(9)
os.write = half_then_die
old = cc.CredentialCache().load_role({ROLE.arn!r}, {key!r})
new = Session(**{{**{{f: getattr(old, f) for f in old.__slots__}}, "credentials": Credentials("ASIANEW", "s", "t", old.expiration)}})
cc.CredentialCache().save_role({key!r}, new, "base")
"""
    done = subprocess.run(
        [sys.executable, "-c", crash], env=dict(os.environ), capture_output=True, text=True, check=False
    )
    assert done.returncode == 9, done.stderr
    assert cache.load_role(ROLE.arn, key) == old
    leftovers = list(cache.directory.glob(".*.tmp"))
    assert len(leftovers) == 1
    assert stat.S_IMODE(leftovers[0].stat().st_mode) == 0o600
    assert [s for s, _ in cache.role_sessions()] == [old]
    assert cache.remove_stale_temp_files(now=leftovers[0].stat().st_mtime + 7200) == 1


def test_a_damaged_cache_file_is_a_miss_and_is_replaced(sts: StsProxy, user: tuple[str, str]) -> None:
    role = Role(account=DATA, name="Reader")
    engine = Engine(catalog(role))
    engine.assume(role)
    (path,) = CredentialCache().directory.glob("role-*.json")
    path.write_text("{ not json")
    assert engine.cached(role) is None
    engine.assume(role)
    assert len(sts.actions("AssumeRole")) == 2
    assert json.loads(path.read_text())["role_key"] == "shared-data/Reader"


@pytest.mark.parametrize(
    "change",
    [
        {"name": "Writer"},
        {"external_id": "other-external-id"},
        {"session_tags": {"team": "ops"}},
        {"source_identity": "someone"},
        {"duration": 1800},
        {"session_name": "{user}-{role}"},
        {"mfa_serial": "arn:aws:iam::123456789012:mfa/deepak.dev"},
        {"source_profile": "tooling"},
    ],
)
def test_the_key_changes_with_everything_that_changes_the_session(change: dict[str, object]) -> None:
    assert key_for(replace(ROLE, **change)) != key_for()  # type: ignore[arg-type]


def test_the_key_covers_the_options_and_the_base_credentials_but_not_the_region_or_the_code() -> None:
    env = {"AWS_ACCESS_KEY_ID": "AKIAONE"}
    assert key_for(options=AssumeOptions(duration=1800), environ=env) != key_for(environ=env)
    assert key_for(options=AssumeOptions(session_name="ci"), environ=env) != key_for(environ=env)
    assert key_for(options=AssumeOptions(tags={"run": "1"}), environ=env) != key_for(environ=env)
    assert key_for(environ={"AWS_ACCESS_KEY_ID": "AKIATWO"}) != key_for(environ=env)
    assert key_for(environ={"AWS_PROFILE": "dev"}) != key_for(environ={"AWS_PROFILE": "prod"})
    assert key_for(options=AssumeOptions(region="us-west-2"), environ=env) == key_for(environ=env)
    assert key_for(options=AssumeOptions(mfa_code="123456"), environ=env) == key_for(environ=env)


def test_a_profile_whose_keys_change_is_another_base(isolated_env: Path) -> None:
    credentials = Path(os.environ["AWS_SHARED_CREDENTIALS_FILE"])
    credentials.parent.mkdir(exist_ok=True)
    credentials.write_text("[tooling]\naws_access_key_id = AKIAFIRST\naws_secret_access_key = s\n")
    first = base_ref("tooling", os.environ)
    credentials.write_text("[tooling]\naws_access_key_id = AKIASECOND\naws_secret_access_key = s\n")
    assert base_ref("tooling", os.environ).fingerprint != first.fingerprint
    assert "s\n" not in first.fingerprint
    assert "aws_secret_access_key" not in first.fingerprint


def test_the_engine_reassumes_once_the_session_is_inside_the_margin(sts: StsProxy, user: tuple[str, str]) -> None:
    role = Role(account=DATA, name="Reader")
    clock = FrozenClock(datetime.now(UTC))
    engine = Engine(catalog(role), clock=clock)
    first = engine.assume(role)
    clock.now = first.expiration - timedelta(seconds=301)
    assert engine.assume(role) == first
    clock.now = first.expiration - timedelta(seconds=299)
    assert engine.cached(role) is None
    second = engine.assume(role)
    assert second.credentials.access_key_id != first.credentials.access_key_id
    assert len(sts.actions("AssumeRole")) == 2


def test_two_processes_assuming_at_once_make_one_assume_role_call(sts: StsProxy, user: tuple[str, str]) -> None:
    write_catalog()
    sts.delays["AssumeRole"] = [2.0]  # hold the first call so the second process arrives while it is in flight
    env = dict(os.environ)
    procs = [
        subprocess.Popen(
            [*ROLEUI, "credential-process", "tooling/JumpRole"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=90) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    keys = {json.loads(out)["AccessKeyId"] for out, _ in outputs}
    assert len(keys) == 1
    assert len(sts.actions("AssumeRole")) == 1
    assert len(sts.actions("GetCallerIdentity")) == 1


PROBE = """
import json, sys
sys.argv = ["roleui", *sys.argv[1:]]
{entry}
code = main({argv})
print(json.dumps({{"code": code, "boto3": "boto3" in sys.modules, "botocore": "botocore" in sys.modules,
                  "engine": "roleui.aws.engine" in sys.modules, "world": "roleui.aws.sources" in sys.modules}}), file=sys.stderr)
"""


def probe(entry: str, argv: str) -> dict[str, object]:
    done = subprocess.run(
        [PYTHON, "-c", PROBE.format(entry=entry, argv=argv), "credential-process", "tooling/JumpRole"],
        env=dict(os.environ),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert json.loads(done.stdout)["Version"] == 1
    result: dict[str, object] = json.loads(done.stderr.strip().splitlines()[-1])
    return result


def test_a_cache_hit_of_credential_process_never_imports_boto3(sts: StsProxy, user: tuple[str, str]) -> None:
    write_catalog()
    assert roleui("credential-process", "tooling/JumpRole").returncode == 0  # fills the cache (and the index)
    calls = len(sts.calls)
    fast = probe("from roleui.launcher import main", "")
    assert fast == {"code": 0, "boto3": False, "botocore": False, "engine": False, "world": False}
    for index in CredentialCache().directory.glob("quick-*"):
        index.unlink()  # now the hit must come from the cache itself, through the world (from the world cache)
    full = probe("from roleui.cli import main", "['credential-process', 'tooling/JumpRole']")
    assert full["code"] == 0
    assert full["world"] is True
    assert full["boto3"] is False
    assert full["engine"] is False
    assert len(sts.calls) == calls


def test_the_fast_path_steps_aside_when_the_catalog_changes_or_the_session_is_forgotten(
    sts: StsProxy, user: tuple[str, str]
) -> None:
    path = write_catalog()
    first = json.loads(roleui("credential-process", "tooling/JumpRole").stdout)
    assert json.loads(roleui("credential-process", "tooling/JumpRole").stdout) == first
    path.write_text(path.read_text().replace('duration = "1h"', 'duration = "2h"'))
    second = json.loads(roleui("credential-process", "tooling/JumpRole").stdout)
    assert second["AccessKeyId"] != first["AccessKeyId"]  # a new duration is a new session
    assert sts.actions("AssumeRole")[-1].get("DurationSeconds") == "7200"
    assert roleui("forget", "tooling/JumpRole").returncode == 0
    third = json.loads(roleui("credential-process", "tooling/JumpRole").stdout)
    assert third["AccessKeyId"] != second["AccessKeyId"]
    assert len(sts.actions("AssumeRole")) == 3
