"""`roleui list` from its index (roleui/fast/listing.py): the same bytes as the normal path, never stale.

Run as the real program. The index is proven to answer by what the process imports (`-X importtime`): a fast
answer never imports the catalog parser.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from roleui.fast.listing import index_path, lists_directory, read_index

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "config.example.toml"

LISTINGS = (
    ("list",),
    ("list", "--json"),
    ("list", "staging"),
    ("list", "--json", "2222", "read"),
    ("list", "nothing-matches-this"),
    ("list", "--json", "nothing-matches-this"),
    ("list", "--json", "env:prod", "team:data"),
    ("list", "env:"),
    ("list", "main/AdminAccessRole"),
    ("list", "--json", "arn:aws:iam::222222222222:role/CrossAccountS3ReadOnly"),
    ("list", "account-b/"),
)


def roleui(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real program, with the import log on stderr (`-X importtime`) split off into `.imports`."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "roleui", *args],
        check=False,
        capture_output=True,
        text=True,
        env=env or dict(os.environ),
        timeout=60,
    )
    lines = result.stderr.splitlines(keepends=True)
    imports = {line.rsplit("|", 1)[-1].strip() for line in lines if line.startswith("import time:")}
    result.stderr = "".join(line for line in lines if not line.startswith("import time:"))
    result.imports = imports  # type: ignore[attr-defined]
    return result


def answered_from_index(result: subprocess.CompletedProcess[str]) -> bool:
    return "roleui.core.catalog.parse" not in result.imports  # type: ignore[attr-defined]


def lists_dir() -> Path:
    return Path(lists_directory(os.environ)) / "lists"


@pytest.fixture
def catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "catalog.toml"
    shutil.copy(EXAMPLE, path)
    monkeypatch.setenv("ROLEUI_CONFIG", str(path))
    return path


def test_the_second_list_is_answered_from_the_index_without_reading_the_catalog(catalog: Path) -> None:
    first = roleui("list", "--json")
    second = roleui("list", "--json")
    assert not answered_from_index(first)
    assert answered_from_index(second)
    assert "boto3" not in second.imports  # type: ignore[attr-defined]
    assert "botocore" not in second.imports  # type: ignore[attr-defined]
    assert (second.returncode, second.stdout, second.stderr) == (first.returncode, first.stdout, first.stderr)
    assert len(json.loads(second.stdout)) == 9


@pytest.mark.parametrize("args", LISTINGS, ids=" ".join)
def test_the_index_prints_byte_for_byte_what_the_normal_path_prints(catalog: Path, args: tuple[str, ...]) -> None:
    roleui("list")  # leaves the index
    fast = roleui(*args)
    shutil.rmtree(lists_dir())
    normal = roleui(*args)
    assert answered_from_index(fast)
    assert not answered_from_index(normal)
    assert (fast.returncode, fast.stdout, fast.stderr) == (normal.returncode, normal.stdout, normal.stderr)


def test_an_edited_catalog_is_listed_at_once(catalog: Path) -> None:
    roleui("list")
    catalog.write_text(
        catalog.read_text()
        + '\n[[accounts]]\nid = "999999999999"\nname = "brand-new"\n[[accounts.roles]]\nname = "Fresh"\n'
    )
    after = roleui("list", "--json", "brand-new")
    assert [row["key"] for row in json.loads(after.stdout)] == ["brand-new/Fresh"]


def test_a_new_aws_config_profile_is_listed_at_once(catalog: Path) -> None:
    roleui("list")
    aws_config = Path(os.environ["AWS_CONFIG_FILE"])
    aws_config.parent.mkdir(parents=True, exist_ok=True)
    aws_config.write_text("[profile late]\nrole_arn = arn:aws:iam::555555555555:role/Late\nsource_profile = default\n")
    after = roleui("list", "--json", "late")
    assert [row["role_arn"] for row in json.loads(after.stdout)] == ["arn:aws:iam::555555555555:role/Late"]


def test_another_environment_gets_its_own_index(catalog: Path, tmp_path: Path) -> None:
    roleui("list")
    other = tmp_path / "other-aws-config"
    other.write_text("[profile elsewhere]\nrole_arn = arn:aws:iam::666666666666:role/Other\nsource_profile = default\n")
    result = roleui("list", "--json", "666666666666", env=dict(os.environ, AWS_CONFIG_FILE=str(other)))
    assert not answered_from_index(result)
    assert [row["role_name"] for row in json.loads(result.stdout)] == ["Other"]


def test_a_new_aws_session_in_the_shell_keeps_the_same_index(catalog: Path) -> None:
    roleui("list")
    session = dict(os.environ, AWS_ACCESS_KEY_ID="ASIAEXAMPLE", AWS_SESSION_TOKEN="token", AWS_PROFILE="other")
    assert answered_from_index(roleui("list", env=session))
    assert len(list(lists_dir().iterdir())) == 1


def test_a_run_that_warned_leaves_no_index_so_the_warning_is_never_lost(catalog: Path) -> None:
    aws_config = Path(os.environ["AWS_CONFIG_FILE"])
    aws_config.parent.mkdir(parents=True, exist_ok=True)
    aws_config.write_text("[profile broken]\nrole_arn = not-an-arn\nsource_profile = default\n")
    first, second = roleui("list"), roleui("list")
    assert "skipped" in first.stderr
    assert second.stderr == first.stderr
    assert not answered_from_index(second)


def test_a_corrupt_index_falls_back_to_the_normal_path(catalog: Path) -> None:
    expected = roleui("list", "--json").stdout
    for index in lists_dir().iterdir():
        index.write_bytes(index.read_bytes()[:200] + b"\x00garbage")
    result = roleui("list", "--json")
    assert (result.returncode, result.stdout, result.stderr) == (0, expected, "")


def test_a_stale_organization_cache_is_never_answered_from_the_index(tmp_path: Path, catalog: Path) -> None:
    from roleui.core.sources.organizations.cache import save_org_snapshot
    from roleui.core.sources.organizations.model import DiscoveredAccount, OrgSnapshot

    catalog.write_text('[organizations]\nenabled = true\ncache_lifetime = "1h"\n')
    discovered = datetime.now(UTC) - timedelta(minutes=10)
    account = DiscoveredAccount(id="123456789012", name="org-one", email="a@example.com", state="ACTIVE", ou_path="")
    save_org_snapshot(OrgSnapshot(discovered_at=discovered, accounts=(account,), organization_id="o-test", ou_count=0))
    assert roleui("list").stderr == ""
    assert answered_from_index(roleui("list"))

    path = index_path(None, os.environ, os.getcwd(), lists_directory(os.environ))
    fresh_until = discovered + timedelta(hours=1)
    assert read_index(path, (fresh_until - timedelta(seconds=1)).timestamp()) is not None
    assert read_index(path, fresh_until.timestamp()) is None, "stale: the normal path must say so"
    assert read_index(path, (discovered - timedelta(seconds=1)).timestamp()) is None, "the clock went back"


def test_a_reader_that_leaves_early_gets_no_traceback(catalog: Path) -> None:
    accounts = "".join(
        f'\n[[accounts]]\nid = "{n:012d}"\nname = "acct-{n}"\n[[accounts.roles]]\nname = "ReadOnly"\n'
        for n in range(1500)
    )
    catalog.write_text(accounts)
    for _ in range(2):  # the normal path, then the index
        result = subprocess.run(
            f"{sys.executable} -m roleui list --json | head -c 10",
            shell=True,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert (result.stdout, result.stderr) == ('[\n{"key": ', "")


def test_the_index_is_readable_by_its_owner_only(catalog: Path) -> None:
    roleui("list")
    (index,) = lists_dir().iterdir()
    assert (lists_dir().stat().st_mode & 0o777, index.stat().st_mode & 0o777) == (0o700, 0o600)


def synthetic_rows(accounts: int) -> list[tuple[str, str, tuple[str, ...]]]:
    """What `roleui list` leaves in its index for `accounts` x 3 discovered roles."""
    sys.path.insert(0, str(ROOT / "tests"))
    from _ui_helpers import synthetic_catalog

    from roleui.commands.list_roles import index_row

    return [index_row(role) for role in synthetic_catalog(accounts).roles]


def test_each_roles_json_object_is_kept_once_and_a_large_index_is_read_mapped(tmp_path: Path) -> None:
    from roleui.fast import listing

    rows = synthetic_rows(1500)
    path = str(tmp_path / "list-index")
    listing.write_index(path, rows, depends_on=[], fresh=None)
    data = Path(path).read_bytes()
    assert data.count(rows[7][1].encode()) == 1  # in the document only, not again in the row
    # ~0.85 KB a role (it was ~1.4 KB with the objects kept twice): a million roles within MAX_INDEX_BYTES.
    assert len(data) / len(rows) < listing.MAX_INDEX_BYTES / 1_000_000
    assert len(data) > 1 << 20  # so it is mapped, not read
    index = read_index(path, 0.0)
    assert index is not None
    assert type(index.document.obj).__name__ == "mmap"
    assert index.rows() == rows
    assert bytes(index.document) == listing.json_document([row[1] for row in rows]).encode()


def test_an_index_over_the_size_the_reader_accepts_is_not_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from roleui.fast import listing

    rows = synthetic_rows(20)
    path = tmp_path / "list-index"
    listing.write_index(str(path), rows, depends_on=[], fresh=None)
    size = path.stat().st_size
    # One byte less room: the reader would refuse it, and the writer would write it again on every call.
    monkeypatch.setattr(listing, "MAX_INDEX_BYTES", size - 1)
    listing.write_index(str(path), rows, depends_on=[], fresh=None)
    assert not path.exists()
