"""The columnar world (roleui/core/world/role_table.py): a stored and reloaded table is the same roles, built lazily."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from roleui.core.catalog.parse import parse_catalog
from roleui.core.location import Location
from roleui.core.models import Account, Role, Source
from roleui.core.sources.organizations.merge import merge_organization
from roleui.core.sources.organizations.model import DiscoveredAccount, OrgSnapshot
from roleui.core.world.role_table import CHUNK, RoleTable

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
maybe_text = st.none() | text
tags = st.dictionaries(text, text, max_size=3)
locations = st.none() | st.builds(Location, text, st.integers(0, 10_000))
accounts = st.builds(
    Account,
    id=st.from_regex(r"\A[0-9]{12}\Z"),
    name=text,
    aliases=st.tuples(text) | st.just(()),
    tags=tags,
    color=maybe_text,
    region=maybe_text,
    ou_path=maybe_text,
    state=st.sampled_from(["ACTIVE", "SUSPENDED"]),
    source=st.sampled_from(list(Source)),
    location=locations,
)


@st.composite
def worlds(draw: st.DrawFn) -> tuple[list[Account], list[Role]]:
    listed = draw(st.lists(accounts, max_size=6))
    pool = listed + draw(st.lists(accounts, min_size=1, max_size=3))  # some accounts only roles point at
    roles = draw(
        st.lists(
            st.builds(
                Role,
                account=st.sampled_from(pool),
                name=text,
                path=st.sampled_from(["/", "/ops/"]),
                external_id=maybe_text,
                duration=st.none() | st.integers(900, 43200),
                session_tags=tags,
                transitive_tag_keys=st.tuples(text) | st.just(()),
                confirm=st.booleans(),
                via=maybe_text,
                source=st.sampled_from(list(Source)),
                location=locations,
            ),
            max_size=12,
        )
    )
    return listed, roles


@settings(max_examples=150, deadline=None)
@given(worlds())
def test_a_stored_table_gives_back_equal_roles_and_accounts(world: tuple[list[Account], list[Role]]) -> None:
    listed, roles = world
    loaded = RoleTable.from_bytes(RoleTable.of(roles, listed).to_bytes())
    assert loaded is not None
    assert list(loaded) == roles
    assert list(loaded.accounts()) == listed
    for index, role in enumerate(roles):
        assert loaded.key(index) == role.key
        assert index in loaded.indexes_of(role.key)
    for source in Source:
        assert loaded.count_source(source) == sum(1 for r in roles if r.source is source)


def big_world() -> list[Role]:
    """A merged organization of 1,000 accounts (4 chunks) x 2 roles."""
    catalog = parse_catalog('[organizations]\nenabled = true\nroles = ["ReadOnly", "Admin"]\n', "c.toml")
    found = tuple(
        DiscoveredAccount(f"{n:012d}", f"acct-{n:04d}", "a@example.com", "ACTIVE", f"OU/{n % 7}", {"n": str(n % 3)}, T0)
        for n in range(1000)
    )
    return list(merge_organization(catalog, OrgSnapshot(discovered_at=T0, accounts=found)).roles)


def test_the_roles_of_one_account_share_one_account_object_after_a_reload() -> None:
    loaded = RoleTable.from_bytes(RoleTable.of(big_world()).to_bytes())
    assert loaded is not None
    assert loaded[0].account is loaded[1].account
    assert loaded[0].account is not loaded[2].account


def test_the_columns_answer_without_building_a_role() -> None:
    roles = big_world()
    loaded = RoleTable.from_bytes(RoleTable.of(roles).to_bytes())
    assert loaded is not None
    assert loaded.widest_names() == (max(len(r.account.name) for r in roles), max(len(r.name) for r in roles))
    assert loaded.count_source(Source.ORGANIZATIONS) == 2000
    last = roles[-1]
    assert loaded.indexes_of(last.key) == [1999]
    assert loaded.role_name(1999) == last.name
    assert loaded._roles == [None] * 2000, "no Role was built"  # the point of the table


def test_a_role_asked_for_decodes_only_its_own_chunk_of_accounts() -> None:
    roles = big_world()
    loaded = RoleTable.from_bytes(RoleTable.of(roles).to_bytes())
    assert loaded is not None
    index = 2 * CHUNK * 2 + 1  # two roles per account: an account of the third chunk
    assert loaded[index] == roles[index]
    assert [chunk is not None for chunk in loaded._rows._decoded] == [False, False, True, False]


def test_preparing_the_filter_reads_every_account_but_keeps_only_the_chunks_already_decoded() -> None:
    from roleui.core.world.filtering import RoleFilter

    roles = big_world()
    loaded = RoleTable.from_bytes(RoleTable.of(roles).to_bytes())
    assert loaded is not None
    assert loaded[1] == roles[1]  # the list drew a row of the first chunk
    found = RoleFilter(loaded)
    found.prepare()
    assert [chunk is not None for chunk in loaded._rows._decoded] == [True, False, False, False]
    assert found.filter(roles[-1].account.name) == (len(roles) - 2, len(roles) - 1)  # both roles of that account


def test_damaged_or_foreign_bytes_are_refused_rather_than_misread() -> None:
    good = RoleTable.of(big_world()).to_bytes()
    flipped = bytearray(good)
    flipped[len(good) // 2] ^= 0xFF
    for data in (b"", b"roleui", good[:-10], bytes(flipped), b"\x02" + good[1:]):
        assert RoleTable.from_bytes(data) is None
