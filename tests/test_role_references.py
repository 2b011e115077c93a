"""Role references (ROLE in every command): account/role, ARN, profile name, or a bare unique role name."""

from __future__ import annotations

from dataclasses import replace

import pytest

from roleui.core.catalog.refs import resolve_role
from roleui.core.errors import UsageError
from roleui.core.models import Account, Catalog, Role
from tests._catalog_helpers import catalog_of

CATALOG = catalog_of(
    """
    [[accounts]]
    id = "222222222222"
    name = "shared-data"
    aliases = ["account-b"]
      [[accounts.roles]]
      name = "CrossAccountS3ReadOnly"
      [[accounts.roles]]
      name = "ProdSupportRole"
      path = "/support/"
    [[accounts]]
    id = "333333333333"
    name = "web"
    [[templates]]
    name = "ReadOnly"
    """
)


@pytest.mark.parametrize(
    "ref",
    [
        "shared-data/CrossAccountS3ReadOnly",
        "Shared-Data/crossaccounts3readonly",
        "account-b/CrossAccountS3ReadOnly",
        "222222222222/CrossAccountS3ReadOnly",
        "arn:aws:iam::222222222222:role/CrossAccountS3ReadOnly",
        "CrossAccountS3ReadOnly",
    ],
)
def test_a_role_is_found_by_name_alias_id_arn_or_bare_name(ref: str) -> None:
    assert resolve_role(CATALOG, ref).key == "shared-data/CrossAccountS3ReadOnly"


def test_a_role_with_a_path_is_found_with_or_without_its_path() -> None:
    assert resolve_role(CATALOG, "shared-data/support/ProdSupportRole").name == "ProdSupportRole"
    assert resolve_role(CATALOG, "shared-data/ProdSupportRole").name == "ProdSupportRole"
    assert resolve_role(CATALOG, "arn:aws:iam::222222222222:role/support/ProdSupportRole").name == "ProdSupportRole"


def test_an_ambiguous_reference_lists_the_candidates() -> None:
    with pytest.raises(UsageError) as raised:
        resolve_role(CATALOG, "ReadOnly")
    assert str(raised.value) == (
        "'ReadOnly' matches 2 roles: shared-data/ReadOnly, web/ReadOnly — name one as account/role, by ARN or by profile"
    )
    assert raised.value.exit_code == 2


def test_a_profile_name_resolves_to_its_role() -> None:
    role = replace(CATALOG.roles[0], profile="data-reader")
    catalog = replace(CATALOG, roles=(role, *CATALOG.roles[1:]))
    assert resolve_role(catalog, "data-reader") is role


def test_an_unknown_reference_suggests_the_closest_keys() -> None:
    with pytest.raises(UsageError) as raised:
        resolve_role(CATALOG, "shared-data/CrossAccountS3Readonli")
    assert str(raised.value) == (
        "no role 'shared-data/CrossAccountS3Readonli' in the catalog — "
        "did you mean shared-data/CrossAccountS3ReadOnly, shared-data/ReadOnly?"
    )


def test_a_reference_with_no_catalog_says_how_to_make_one() -> None:
    from roleui.core.models import Catalog

    with pytest.raises(UsageError) as raised:
        resolve_role(Catalog(), "x/y")
    assert str(raised.value) == (
        "no role 'x/y': there are no roles yet — `roleui init` writes a starter catalog, `roleui check` says where "
        "roleui looked"
    )


def test_a_reference_into_an_empty_catalog_says_what_to_add_to_it() -> None:
    with pytest.raises(UsageError) as raised:
        resolve_role(catalog_of(""), "x/y")
    assert str(raised.value).startswith("no role 'x/y': there are no roles yet — cat.toml lists none: add [[accounts]]")


def test_a_bare_name_that_is_part_of_a_role_name_suggests_that_role() -> None:
    with pytest.raises(UsageError) as raised:
        resolve_role(CATALOG, "Support")
    assert str(raised.value) == "no role 'Support' in the catalog — did you mean shared-data/ProdSupportRole?"


def test_a_misspelt_bare_name_suggests_the_role_it_is_closest_to() -> None:
    with pytest.raises(UsageError) as raised:
        resolve_role(CATALOG, "ProdSuportRol")
    assert str(raised.value) == "no role 'ProdSuportRol' in the catalog — did you mean shared-data/ProdSupportRole?"


def test_a_word_in_many_roles_suggests_a_few_and_says_how_to_list_them_all() -> None:
    accounts = "".join(f'[[accounts]]\nid = "{n}00000000000"\nname = "team-{n}"\n' for n in range(1, 7))
    many = catalog_of(accounts + '[[templates]]\nname = "ReadOnly"\n')
    with pytest.raises(UsageError) as raised:
        resolve_role(many, "Read")
    assert str(raised.value) == (
        "no role 'Read' in the catalog — did you mean team-1/ReadOnly, team-2/ReadOnly, team-3/ReadOnly? "
        "(3 more: `roleui list Read`)"
    )


def _tangled() -> Catalog:
    """Accounts whose names, ids and aliases collide (a merged world can hold what one catalog file may not)."""
    tooling = Account(id="111111111111", name="tooling", aliases=("Shared",))
    shared = Account(id="222222222222", name="shared")
    numbered = Account(id="333333333333", name="111111111111")
    gov = Account(id="444444444444", name="gov", partition="aws-us-gov")
    roles = (
        Role(account=tooling, name="Admin"),
        Role(account=tooling, name="ProdSupportRole", path="/support/"),
        Role(account=shared, name="admin", profile="Reader"),
        Role(account=shared, name="Reader"),
        Role(account=numbered, name="Admin", profile="ops"),
        Role(account=gov, name="Reader", path="/a/b/"),
        Role(account=gov, name="ops"),
    )
    return Catalog(accounts=(tooling, shared, numbered, gov), roles=roles)


TANGLED = _tangled()
TANGLED_REFS = [
    *(role.key for role in TANGLED.roles),
    *(role.arn for role in TANGLED.roles),
    *(role.arn.upper().replace("ARN:", "arn:") for role in TANGLED.roles),
    "shared/admin",  # an alias of one account and the name of another
    "111111111111/Admin",  # an id and another account's name
    "tooling/support/ProdSupportRole",
    "tooling/ProdSupportRole",
    "TOOLING/SUPPORT/PRODSUPPORTROLE",
    "gov/a/b/Reader",
    "admin",
    "Reader",
    " Reader ",
    "ops",
    "ARN:aws:iam::111111111111:role/Admin",
    "tooling/Adm",
    "nobody/Admin",
    "Admin/",
    "/Admin",
    "",
]


@pytest.mark.parametrize("ref", TANGLED_REFS)
def test_the_world_cache_table_finds_exactly_the_roles_the_list_of_roles_finds(ref: str) -> None:
    # A RoleTable narrows by its columns before building roles; it may never lose a role or find another.
    from roleui.core.catalog.refs import candidates
    from roleui.core.world.role_table import RoleTable

    table = RoleTable.from_bytes(RoleTable.of(TANGLED.roles, TANGLED.accounts).to_bytes())
    assert table is not None
    cached = replace(TANGLED, roles=table, accounts=table.accounts())
    assert candidates(cached, ref) == candidates(TANGLED, ref)
    assert len(table.could_mean(ref)) <= len(table)


def test_the_table_builds_only_the_roles_a_reference_could_name() -> None:
    from roleui.core.world.role_table import RoleTable

    table = RoleTable.from_bytes(RoleTable.of(TANGLED.roles, TANGLED.accounts).to_bytes())
    assert table is not None
    assert [table.key(i) for i in table.could_mean("tooling/Admin")] == ["tooling/Admin"]
    assert resolve_role(replace(TANGLED, roles=table), "gov/a/b/Reader").key == "gov/Reader"
    assert table._roles.count(None) == len(table) - 1  # one Role built, not every one
