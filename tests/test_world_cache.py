"""The UI's world cache (roleui/core/world/world_cache.py via load_world(cached=True)): the same world, never stale."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from roleui.aws.sources import load_world
from roleui.core.catalog import parse as catalog_module
from roleui.core.sources.organizations import merge as org_merge
from roleui.core.sources.organizations.cache import save_org_snapshot
from roleui.core.sources.organizations.model import DiscoveredAccount, OrgSnapshot
from roleui.core.world.role_table import RoleTable

T0 = datetime.now(UTC)
CATALOG = """
[defaults]
region = "eu-west-1"

[keys]
copy_console_url = "u"

[organizations]
enabled = true
roles = ["ReadOnly"]

  [[organizations.rules]]
  ou = "Workloads*"
  tags = { team = "web-prod" }
  roles = ["Developer"]
  confirm = true

[[accounts]]
id = "111111111111"
name = "tooling"
  [[accounts.roles]]
  name = "Admin"
"""
PROFILE = "[profile ops]\nrole_arn = arn:aws:iam::222222222222:role/Ops\nsource_profile = default\n"


@pytest.fixture
def world_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    catalog = tmp_path / "catalog.toml"
    catalog.write_text(CATALOG)
    monkeypatch.setenv("ROLEUI_CONFIG", str(catalog))
    aws_config = Path(os.environ["AWS_CONFIG_FILE"])
    aws_config.parent.mkdir(parents=True, exist_ok=True)
    aws_config.write_text(PROFILE)
    discover("web-prod")
    return catalog


def discover(*names: str) -> None:
    accounts = tuple(
        DiscoveredAccount(f"33333333333{n}", name, "a@example.com", "ACTIVE", "Workloads", {"team": name}, T0)
        for n, name in enumerate(names)
    )
    save_org_snapshot(OrgSnapshot(discovered_at=T0, accounts=accounts))


def no_merging(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, parsing the catalog or merging the organization fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed or merged again: the cache was not used")

    monkeypatch.setattr(org_merge, "merge_organization", refuse)
    monkeypatch.setattr(catalog_module, "load_catalog", refuse)


def test_the_second_load_comes_from_the_cache_and_is_the_same_world(
    world_files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh = load_world(None)
    first = load_world(None, cached=True)
    no_merging(monkeypatch)
    second = load_world(None, cached=True)
    assert isinstance(second.roles, RoleTable)
    assert [r.key for r in fresh.roles] == [
        "tooling/Admin",
        "web-prod/ReadOnly",
        "web-prod/Developer",
        "222222222222/Ops",
    ]
    assert list(second.roles) == list(first.roles) == list(fresh.roles)
    assert list(second.accounts) == list(fresh.accounts)
    assert (second.defaults, second.organizations, second.keys, second.path, second.aws_config_path) == (
        fresh.defaults,
        fresh.organizations,
        fresh.keys,
        fresh.path,
        fresh.aws_config_path,
    )
    assert second.defaults.region == "eu-west-1"
    assert second.organizations.rules[0].location is not None
    assert second.keys == {"copy_console_url": "u"}


@pytest.mark.parametrize("change", ["catalog", "aws config", "organization"])
def test_a_change_to_any_file_the_world_came_from_is_seen_at_once(world_files: Path, change: str) -> None:
    load_world(None, cached=True)
    if change == "catalog":
        world_files.write_text(CATALOG.replace('name = "Admin"', 'name = "PowerUser"'))
        expected = "tooling/PowerUser"
    elif change == "aws config":
        Path(os.environ["AWS_CONFIG_FILE"]).write_text(PROFILE.replace("Ops", "Audit"))
        expected = "222222222222/Audit"
    else:
        discover("web-prod", "payments")
        expected = "payments/ReadOnly"
    assert expected in [r.key for r in load_world(None, cached=True).roles]


def test_the_warnings_of_the_merge_are_given_again_from_the_cache(world_files: Path) -> None:
    Path(os.environ["AWS_CONFIG_FILE"]).write_text(PROFILE + "[profile broken]\nrole_arn = nonsense\n")
    said: list[str] = []
    load_world(None, cached=True, warn=said.append)
    again: list[str] = []
    world = load_world(None, cached=True, warn=again.append)
    assert isinstance(world.roles, RoleTable)
    assert len(said) == 1
    assert again == said


def test_another_environment_has_its_own_entry(
    world_files: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_world(None, cached=True)
    other = tmp_path / "other-config"
    other.write_text(PROFILE.replace("Ops", "Elsewhere"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(other))
    assert "222222222222/Elsewhere" in [r.key for r in load_world(None, cached=True).roles]


def test_credentials_and_profiles_in_the_environment_do_not_split_the_cache(
    world_files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_world(None, cached=True)
    monkeypatch.setenv("AWS_PROFILE", "someone-else")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
    no_merging(monkeypatch)
    assert isinstance(load_world(None, cached=True).roles, RoleTable)


def test_a_damaged_entry_is_rebuilt(world_files: Path) -> None:
    expected = list(load_world(None).roles)
    load_world(None, cached=True)
    (entry,) = (Path(os.environ["ROLEUI_CACHE_DIR"]) / "world").iterdir()
    entry.write_bytes(entry.read_bytes()[:-7])
    assert list(load_world(None, cached=True).roles) == expected


REPORT_AT_FIRST_SCREEN = """
import json, os, sys
from roleui.ui import app as app_module

def report(self):
    with open(os.environ["REPORT"], "w") as out:
        json.dump({"modules": sorted(sys.modules), "roles": len(self.catalog.roles)}, out)
    self.exit()

app_module.RoleuiApp._after_first_screen = report
sys.argv = ["roleui"]
from roleui.launcher import main
sys.exit(main())
"""


def test_the_ui_started_again_parses_no_toml_and_merges_nothing(world_files: Path, tmp_path: Path) -> None:
    """The real program in a pseudo-terminal, twice: the second first screen comes from the world cache."""
    import json
    import sys

    import pexpect

    reports = []
    for run in range(2):
        report = tmp_path / f"report-{run}.json"
        env = dict(os.environ, REPORT=str(report), TERM="xterm-256color")
        child = pexpect.spawn(sys.executable, ["-c", REPORT_AT_FIRST_SCREEN], env=env, dimensions=(40, 120), timeout=60)
        child.expect(pexpect.EOF)
        child.close()
        reports.append(json.loads(report.read_text()))
    first, second = reports
    assert first["roles"] == second["roles"] == 4
    assert "roleui.core.sources.merge" in first["modules"]
    for module in (
        "tomllib",
        "roleui.core.catalog.parse",
        "roleui.core.sources.merge",
        "roleui.core.sources.aws_config.profiles",
        "boto3",
    ):
        assert module not in second["modules"], module


def test_an_entry_is_readable_by_its_owner_only(world_files: Path) -> None:
    load_world(None, cached=True)
    directory = Path(os.environ["ROLEUI_CACHE_DIR"]) / "world"
    (entry,) = directory.iterdir()
    assert (directory.stat().st_mode & 0o777, entry.stat().st_mode & 0o777) == (0o700, 0o600)


def test_an_entry_over_the_size_the_reader_accepts_is_not_written(
    world_files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from roleui.core.world import world_cache

    load_world(None, cached=True)
    directory = Path(os.environ["ROLEUI_CACHE_DIR"]) / "world"
    (entry,) = directory.iterdir()
    # The reader would refuse one byte more than it takes: every start would merge and write it again for nothing.
    monkeypatch.setattr(world_cache, "MAX_CACHE_BYTES", entry.stat().st_size - 1)
    world_files.write_text(CATALOG + "\n")  # a change: the next load merges and saves again
    load_world(None, cached=True)
    assert list(directory.iterdir()) == []
