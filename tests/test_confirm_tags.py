"""`[defaults] confirm_tags`: roles in accounts with any of these tags ask before they are assumed."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from roleui.core.catalog.parse import parse_catalog
from roleui.core.models import Account, Defaults, Role
from roleui.core.world.confirmation import confirmation_reason, needs_confirmation
from roleui.core.world.world_cache import CachedWorld, entry_for, load_world_entry, save_world
from tests._catalog_helpers import ACCOUNT, one_problem

PROD = Account(id="111111111111", name="web-prod", tags={"environment": "prod", "team": "web"})
DEV = Account(id="222222222222", name="web-dev", tags={"environment": "dev"})


def test_confirm_tags_is_read_from_the_defaults() -> None:
    catalog = parse_catalog('[defaults]\nconfirm_tags = { environment = "prod", tier = "*" }\n' + ACCOUNT, "c.toml")
    assert catalog.defaults.confirm_tags == {"environment": "prod", "tier": "*"}


def test_confirm_tags_must_be_a_table_of_strings() -> None:
    assert one_problem("[defaults]\nconfirm_tags = { environment = 1 }\n") == (
        'cat.toml:2: defaults.confirm_tags: expected string values — write confirm_tags = { name = "value" }'
    )


def test_a_role_asks_when_any_listed_tag_matches_its_account() -> None:
    defaults = Defaults(confirm_tags={"environment": "prod", "owner": "*"})
    assert needs_confirmation(Role(account=PROD, name="ReadOnly"), defaults)
    assert not needs_confirmation(Role(account=DEV, name="ReadOnly"), defaults)
    assert needs_confirmation(Role(account=replace(DEV, tags={"owner": "lena"}), name="ReadOnly"), defaults)


def test_a_role_marked_confirm_asks_without_any_confirm_tags_and_says_why() -> None:
    role = Role(account=DEV, name="Admin", confirm=True)
    assert needs_confirmation(role, Defaults())
    assert "marked confirm" in confirmation_reason(role, Defaults())
    prod = Role(account=PROD, name="ReadOnly")
    assert "tagged environment=prod" in confirmation_reason(prod, Defaults(confirm_tags={"environment": "prod"}))
    assert confirmation_reason(Role(account=DEV, name="ReadOnly"), Defaults()) == ""


def test_the_world_cache_keeps_confirm_tags(tmp_path: Path) -> None:
    source = tmp_path / "catalog.toml"
    source.write_text('[defaults]\nconfirm_tags = { environment = "prod" }\n' + ACCOUNT, encoding="utf-8")
    catalog = parse_catalog(source.read_text(encoding="utf-8"), str(source))
    entry = entry_for(str(tmp_path / "cache"), [str(source)], True)
    save_world(entry, CachedWorld(catalog, ()))
    loaded = load_world_entry(entry)
    assert loaded is not None
    assert loaded.catalog.defaults.confirm_tags == {"environment": "prod"}
