"""Role profiles of ~/.aws/config (AWS_CONFIG_FILE) appear as roles, read through botocore's own parser."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from roleui.aws.sources import load_world
from roleui.core.catalog.refs import resolve_role
from roleui.core.errors import ConfigError
from roleui.core.models import Source

AWS_CONFIG = """\
[default]
region = eu-west-1

[profile tooling]
region = eu-west-1

[profile data]
role_arn = arn:aws:iam::222222222222:role/CrossAccountS3ReadOnly
source_profile = tooling
external_id = my-secret-external-id-1234
role_session_name = deepak.dev
duration_seconds = 7200
region = eu-central-1

[profile admin]
role_arn = arn:aws:iam::123456789012:role/AdminAccessRole
credential_source = Environment
mfa_serial = arn:aws:iam::123456789012:mfa/deepak.dev

[profile prod-support]
role_arn = arn:aws:iam::123456789012:role/support/ProdSupportRole
source_profile = admin
"""


def write_aws_config(text: str) -> Path:
    path = Path(os.environ["AWS_CONFIG_FILE"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def test_a_user_with_profiles_and_no_catalog_sees_every_role_profile() -> None:
    write_aws_config(AWS_CONFIG)
    world = load_world()
    assert [(r.profile, r.key, r.source) for r in world.roles] == [
        ("data", "222222222222/CrossAccountS3ReadOnly", Source.AWS_CONFIG),
        ("admin", "123456789012/AdminAccessRole", Source.AWS_CONFIG),
        ("prod-support", "123456789012/ProdSupportRole", Source.AWS_CONFIG),
    ]
    data, admin, _ = world.roles
    assert (data.external_id, data.session_name, data.duration, data.region) == (
        "my-secret-external-id-1234",
        "deepak.dev",
        7200,
        "eu-central-1",
    )
    assert data.source_profile == "tooling"
    assert (admin.credential_source, admin.mfa_serial) == ("Environment", "arn:aws:iam::123456789012:mfa/deepak.dev")


def test_a_source_profile_that_is_itself_a_role_profile_is_role_chaining() -> None:
    write_aws_config(AWS_CONFIG)
    support = resolve_role(load_world(), "prod-support")
    assert support.via == "123456789012/AdminAccessRole"
    assert support.source_profile is None
    assert support.path == "/support/"


def test_a_profile_for_a_role_the_catalog_lists_lends_it_its_name_instead_of_adding_a_row(tmp_path: Path) -> None:
    write_aws_config(AWS_CONFIG)
    catalog = tmp_path / "c.toml"
    catalog.write_text(
        '[[accounts]]\nid = "222222222222"\nname = "shared-data"\n[[accounts.roles]]\nname = "CrossAccountS3ReadOnly"\n'
    )
    world = load_world(str(catalog))
    assert [r.key for r in world.roles] == [
        "shared-data/CrossAccountS3ReadOnly",
        "123456789012/AdminAccessRole",
        "123456789012/ProdSupportRole",
    ]
    assert resolve_role(world, "data").source is Source.CATALOG
    assert [a.name for a in world.accounts] == ["shared-data", "123456789012"]


def test_check_reports_an_unusable_profile_with_its_line(monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_aws_config(
        AWS_CONFIG + "\n[profile broken]\nrole_arn = arn:aws:iam::12:role/x\nduration_seconds = 99\n"
    )
    with pytest.raises(ConfigError) as raised:
        load_world(strict=True)
    assert [str(p) for p in raised.value.problems] == [
        f"{path}:24: profile broken: role_arn: 'arn:aws:iam::12:role/x' is not a role ARN — write arn:aws:iam::123456789012:role/RoleName",
    ]


def test_other_commands_skip_an_unusable_profile_with_a_warning() -> None:
    write_aws_config("[profile broken]\nrole_arn = arn:aws:iam::123456789012:role/R\nduration_seconds = 99\n")
    warnings: list[str] = []
    world = load_world(warn=warnings.append)
    assert world.roles == ()
    assert warnings == [
        f"skipped: {os.environ['AWS_CONFIG_FILE']}:1: profile broken: duration_seconds: '99' is not within 900..43200 — write a number of seconds, 900 to 43200"
    ]


def test_an_aws_config_file_with_broken_syntax_is_one_clear_problem() -> None:
    write_aws_config("[profile x\nrole_arn = nope\n")
    with pytest.raises(ConfigError, match="cannot parse the AWS config file"):
        load_world(strict=True)
