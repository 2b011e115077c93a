"""The first run: `roleui check` says where roleui looked, `roleui init` writes a starter catalog (never over a
file), and the complete example ships with the package (`roleui init --example`)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from _aws_setups import without_aws_files

from roleui.core.catalog.parse import load_catalog, parse_catalog
from roleui.core.catalog.starter import OrgProbe, starter_catalog
from roleui.core.models import Account, Role, Source
from tests._org_helpers import org_client

ROOT = Path(__file__).resolve().parent.parent
PROFILES = """\
[default]
region = eu-west-1

[profile prod-admin]
role_arn = arn:aws:iam::123456789012:role/Admin
source_profile = default

[profile data]
role_arn = arn:aws:iam::210987654321:role/ops/Reader
external_id = the-external-id
source_profile = default
"""


def roleui(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "roleui", *args], check=False, capture_output=True, text=True, env=dict(os.environ)
    )


def default_catalog() -> Path:
    return Path(os.environ["XDG_CONFIG_HOME"]) / "roleui" / "config.toml"


def aws_config() -> Path:
    return Path(os.environ["AWS_CONFIG_FILE"])


def write_profiles() -> None:
    aws_config().parent.mkdir(parents=True, exist_ok=True)
    aws_config().write_text(PROFILES)


def test_check_with_no_catalog_and_no_profiles_says_where_it_looked_and_what_to_do() -> None:
    result = roleui("check")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"roleui: nothing to check: no catalog at {default_catalog()} and no role profiles in {aws_config()} — "
        "`roleui init` writes a starter catalog there; `roleui demo` tries roleui without an AWS account\n"
    )


def test_check_with_profiles_but_no_catalog_is_ok_and_suggests_roleui_init() -> None:
    write_profiles()
    result = roleui("check")
    assert (result.returncode, result.stdout) == (0, f"OK: 2 accounts, 2 roles (2 from {aws_config()})\n")
    assert result.stderr == (
        f"note: no catalog at {default_catalog()}: the roles come from {aws_config()} alone; "
        "`roleui init` writes a starter catalog that names, tags and colors their accounts\n"
    )


def test_init_writes_a_starter_catalog_naming_the_accounts_of_the_role_profiles() -> None:
    write_profiles()
    result = roleui("init")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"wrote {default_catalog()}: 2 accounts from 2 role profiles in {aws_config()}; ")
    assert stat.S_IMODE(default_catalog().stat().st_mode) == 0o600
    assert roleui("check").stdout == f"OK: 2 accounts, 2 roles (2 from {aws_config()})\n"
    listed = roleui("list").stdout.splitlines()
    assert [line.split()[:3] for line in listed[1:]] == [
        ["prod-admin", "123456789012", "Admin"],
        ["data", "210987654321", "ops/Reader"],
    ]
    text = default_catalog().read_text()
    assert 'region = "eu-west-1"' in text
    assert "the-external-id" not in text, "the profile keeps its ExternalId; the catalog does not copy it"


def test_init_without_credentials_leaves_discovery_commented_out_and_says_why() -> None:
    without_aws_files(Path.home())  # a user with no ~/.aws files either
    result = roleui("init")
    assert result.returncode == 0, result.stderr
    assert "organization discovery left commented out (not readable: no base credentials found" in result.stdout
    catalog = load_catalog(default_catalog())
    assert not catalog.organizations.enabled
    assert "\n# [organizations]\n" in default_catalog().read_text()


def test_init_enables_discovery_when_the_credentials_can_read_the_organization(aws: str) -> None:
    organization = org_client().create_organization(FeatureSet="ALL")["Organization"]
    result = roleui("init")
    assert result.returncode == 0, result.stderr
    assert f"organization discovery enabled (organization {organization['Id']}, readable" in result.stdout
    catalog = load_catalog(default_catalog())
    assert catalog.organizations.enabled
    assert catalog.organizations.roles == ("OrganizationAccountAccessRole",)


def test_init_outside_an_organization_says_so_in_the_catalog(aws: str) -> None:
    result = roleui("init")
    assert result.returncode == 0, result.stderr
    assert "not readable: " in result.stdout
    assert not load_catalog(default_catalog()).organizations.enabled


def test_init_never_overwrites_a_catalog(tmp_path: Path) -> None:
    mine = tmp_path / "mine.toml"
    mine.write_text("# my own\n")
    result = roleui("init", "--config", str(mine))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"roleui: {mine} already exists and roleui init never overwrites — edit it (`roleui check` validates it), "
        "or write another with --config PATH\n"
    )
    assert mine.read_text() == "# my own\n"


def test_a_missing_named_catalog_points_at_roleui_init_which_writes_it_there(tmp_path: Path) -> None:
    wanted = tmp_path / "team catalog.toml"
    check = roleui("check", "--config", str(wanted))
    assert check.stderr == (
        f"roleui: {wanted}: no such catalog file — fix the path, or write a starter one: roleui init --config '{wanted}'\n"
    )
    init = roleui("init", "--config", str(wanted))
    assert init.returncode == 0, init.stderr
    assert init.stdout.splitlines()[-1] == (
        f"next: `roleui check --config '{wanted}'`, then `roleui --config '{wanted}'` "
        f"(or `roleui list --config '{wanted}'`)"
    )
    assert wanted.is_file()


def test_the_starter_catalog_holds_hostile_profile_names_and_error_text_safely() -> None:
    account = Account(id="123456789012", name="123456789012", source=Source.AWS_CONFIG)
    hostile = 'evil"\x1b[31m/\\name\x7f\nnext = 1'
    roles = [Role(account=account, name="Admin", profile=hostile, source=Source.AWS_CONFIG)]
    probe = OrgProbe(readable=False, why="AccessDenied\n[organizations]\nenabled = true \x1b]52;c;x\x07")
    catalog = parse_catalog(starter_catalog(roles, region="eu-west-1", aws_config="/x", organization=probe))
    assert not catalog.organizations.enabled
    assert [a.name for a in catalog.accounts] == ['evil"-[31m-\\name-next-=-1']
    assert all(ch.isprintable() for ch in catalog.accounts[0].name)


def test_init_example_prints_the_example_catalog_of_the_repository() -> None:
    result = roleui("init", "--example")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == (ROOT / "config.example.toml").read_text()


def test_the_wheel_ships_the_example_catalog_inside_the_package(tmp_path: Path) -> None:
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(tmp_path), str(ROOT)],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = tmp_path.glob("roleui-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        shipped = archive.read("roleui/config.example.toml")
    assert shipped == (ROOT / "config.example.toml").read_bytes()


@pytest.mark.parametrize(
    "args", [("init", "--example", "--config", "x.toml"), ("--config", "x.toml", "init", "--example")]
)
def test_init_example_ignores_where_the_catalog_would_go(args: tuple[str, ...]) -> None:
    assert roleui(*args).stdout == (ROOT / "config.example.toml").read_text()


def test_list_with_no_roles_at_all_points_at_roleui_init() -> None:
    result = roleui("list")
    assert (result.returncode, result.stdout) == (0, "")
    assert result.stderr == (
        "roleui: no roles yet — `roleui init` writes a starter catalog, `roleui check` says where roleui looked\n"
    )
