"""Role references (ROLE in every command): account/role, ARN, profile name, or a bare unique role name."""

from __future__ import annotations

from dataclasses import replace

import pytest

from roleui.core.catalog.refs import resolve_role
from roleui.core.errors import UsageError
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
