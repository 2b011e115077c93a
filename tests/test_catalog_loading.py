"""What a valid catalog becomes: accounts, roles, templates, chains and defaults, in a deterministic order."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from roleui.core.catalog.parse import load_catalog
from roleui.core.errors import ConfigError
from roleui.core.models import Source
from tests._catalog_helpers import catalog_of

ROOT = Path(__file__).resolve().parent.parent


def test_the_example_catalog_replays_the_guide() -> None:
    catalog = load_catalog(ROOT / "config.example.toml")
    roles = {r.key: r for r in catalog.roles}
    cross = roles["shared-data/CrossAccountS3ReadOnly"]
    assert cross.arn == "arn:aws:iam::222222222222:role/CrossAccountS3ReadOnly"
    assert cross.external_id == "my-secret-external-id-1234"
    assert cross.session_tags == {"team": "data", "environment": "prod"}
    assert cross.transitive_tag_keys == ("team",)
    assert roles["main/AdminAccessRole"].mfa_serial == "arn:aws:iam::123456789012:mfa/deepak.dev"
    assert roles["main/AdminAccessRole"].confirm
    assert roles["main/ProdSupportRole"].via == "main/AdminAccessRole"
    assert roles["main/ProdSupportRole"].path_and_name == "support/ProdSupportRole"
    assert roles["web-prod/OrganizationAccountAccessRole"].source is Source.TEMPLATE


def test_every_catalog_shown_in_the_readme_passes_check(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```toml\n(.*?)```", readme, flags=re.S)
    assert blocks, "the README shows at least one catalog"
    for number, block in enumerate(blocks):
        path = tmp_path / f"readme-{number}.toml"
        path.write_text(block)
        try:
            load_catalog(path)
        except ConfigError as error:  # pragma: no cover - the message is the point
            pytest.fail(f"README catalog #{number + 1} does not pass check:\n{error}")


def test_templates_add_roles_to_matching_accounts_after_their_own_roles() -> None:
    catalog = catalog_of(
        """
        [[accounts]]
        id = "111111111111"
        name = "prod"
        tags = { environment = "prod" }
          [[accounts.roles]]
          name = "Admin"
        [[accounts]]
        id = "222222222222"
        name = "dev"
        tags = { environment = "dev" }
        [[templates]]
        name = "ReadOnly"
        match_tags = { environment = ["prod", "staging"] }
        [[templates]]
        name = "Billing"
        """
    )
    assert [(r.key, r.source) for r in catalog.roles] == [
        ("prod/Admin", Source.CATALOG),
        ("prod/ReadOnly", Source.TEMPLATE),
        ("prod/Billing", Source.TEMPLATE),
        ("dev/Billing", Source.TEMPLATE),
    ]


def test_an_accounts_own_role_wins_over_a_template_of_the_same_name() -> None:
    catalog = catalog_of(
        """
        [[accounts]]
        id = "111111111111"
        name = "prod"
          [[accounts.roles]]
          name = "readonly"
          duration = "2h"
        [[templates]]
        name = "ReadOnly"
        """
    )
    assert [(r.name, r.duration, r.source) for r in catalog.roles] == [("readonly", 7200, Source.CATALOG)]


def test_via_is_stored_as_the_canonical_key_whatever_the_reference_style() -> None:
    catalog = catalog_of(
        """
        [[accounts]]
        id = "111111111111"
        name = "tooling"
        aliases = ["account-a"]
          [[accounts.roles]]
          name = "Jump"
        [[accounts]]
        id = "222222222222"
        name = "prod"
          [[accounts.roles]]
          name = "A"
          via = "ACCOUNT-A/jump"
          [[accounts.roles]]
          name = "B"
          via = "111111111111/Jump"
        """
    )
    assert [r.via for r in catalog.roles] == [None, "tooling/Jump", "tooling/Jump"]


def test_defaults_fill_what_roles_leave_out() -> None:
    catalog = catalog_of(
        """
        [defaults]
        region = "eu-west-1"
        duration = "2h"
        mfa_serial = "arn:aws:iam::111111111111:mfa/me"
        [[accounts]]
        id = "111111111111"
        name = "a"
        region = "us-east-1"
          [[accounts.roles]]
          name = "R"
          mfa = true
          [[accounts.roles]]
          name = "S"
          region = "ap-south-1"
          duration = 900
        """
    )
    r, s = catalog.roles
    assert (r.effective_region(catalog.defaults), r.effective_duration(catalog.defaults)) == ("us-east-1", 7200)
    assert (s.effective_region(catalog.defaults), s.effective_duration(catalog.defaults)) == ("ap-south-1", 900)
    assert r.mfa_serial == "arn:aws:iam::111111111111:mfa/me"
    assert s.mfa_serial is None


def test_colors_are_stored_as_console_hex_whether_named_or_written_in_hex() -> None:
    catalog = catalog_of(
        """
        [[accounts]]
        id = "111111111111"
        name = "a"
        color = "blue"
          [[accounts.roles]]
          name = "R"
          color = "#f2b0a9"
        """
    )
    assert catalog.accounts[0].color == "99BCE3"
    assert catalog.roles[0].color == "F2B0A9"


def test_an_empty_catalog_is_valid() -> None:
    assert catalog_of("").roles == ()


def test_a_missing_catalog_file_is_a_config_error_that_says_how_to_create_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        load_catalog(tmp_path / "nope.toml")
    assert str(raised.value) == (
        f"{tmp_path / 'nope.toml'}: no such catalog file — fix the path, or write a starter one: "
        f"roleui init --config {tmp_path / 'nope.toml'}"
    )


def test_a_catalog_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_bytes(b'[defaults]\nregion = "\xff"\n')
    with pytest.raises(ConfigError) as raised:
        load_catalog(path)
    assert str(raised.value) == f"{path}:2: not valid UTF-8 — save the catalog as UTF-8"
