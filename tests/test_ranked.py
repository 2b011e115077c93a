"""A filter's result put in order as it is read (roleui/core/world/ranked.py): the same rows, in the same order, as
picking every quality's rows out at once; and only the rows read are picked out."""

from __future__ import annotations

from unittest.mock import patch

import pytest
from _ui_helpers import synthetic_catalog
from hypothesis import given
from hypothesis import strategies as st

from roleui.core.world import ranked
from roleui.core.world.filtering import RoleFilter, parse_query
from roleui.core.world.ranked import Ranked


def eager(indexes: list[int], qualities: bytes, parts: list[tuple[int, ...] | int]) -> tuple[int, ...]:
    """The plain definition: each part's rows, a quality's in catalog order."""
    rows: list[int] = []
    for part in parts:
        rows += part if isinstance(part, tuple) else [i for i, q in zip(indexes, qualities, strict=True) if q == part]
    return tuple(rows)


@st.composite
def rankings(draw: st.DrawFn) -> tuple[list[int], bytes, list[tuple[int, ...] | int]]:
    indexes = sorted(draw(st.sets(st.integers(0, 500), max_size=60)))
    qualities = bytes(
        draw(st.lists(st.sampled_from([0, 1, 4, 101, 107]), min_size=len(indexes), max_size=len(indexes)))
    )
    given_rows = tuple(draw(st.sets(st.integers(501, 600), max_size=4)))  # favorites: not among the others
    parts: list[tuple[int, ...] | int] = [given_rows, *sorted(set(qualities))]
    return indexes, qualities, parts


@given(rankings(), st.data())
def test_rows_read_in_any_order_are_the_rows_picked_out_at_once(
    ranking: tuple[list[int], bytes, list[tuple[int, ...] | int]], data: st.DataObject
) -> None:
    indexes, qualities, parts = ranking
    expected = eager(indexes, qualities, parts)
    rows = Ranked(indexes, qualities, list(parts))
    assert len(rows) == len(expected)
    order = data.draw(st.permutations(range(len(expected))))
    assert [rows[at] for at in order] == [expected[at] for at in order]
    assert [rows.index(row) for row in expected] == list(range(len(expected)))
    assert rows == expected
    assert tuple(rows) == expected
    assert rows[1:-1:2] == expected[1:-1:2]
    if expected:
        assert rows[-1] == expected[-1]
        assert expected[0] in rows
    assert 10_000 not in rows
    with pytest.raises(IndexError):
        rows[len(expected)]
    with pytest.raises(ValueError, match="not in the ranked rows"):
        rows.index(10_000)


def test_the_length_is_known_and_a_role_found_without_picking_out_any_other_qualitys_rows() -> None:
    indexes = list(range(0, 30_000, 3))
    qualities = bytes([1, 4, 107, 110]) * 2_500
    rows = Ranked(indexes, qualities, [(30_001,), 1, 4, 107, 110])
    picked: list[int] = []
    table = ranked.EQUALS

    class Spy(list[bytes]):
        def __getitem__(self, quality: int) -> bytes:  # type: ignore[override]
            picked.append(quality)
            return table[quality]

    with patch.object(ranked, "EQUALS", Spy(table)):
        assert len(rows) == 10_001
        assert picked == []
        assert rows.index(29_997) == 10_000  # the last row of the last quality
        assert picked == [110]
        assert rows.index(30_001) == 0  # a favorite, put first
        assert [rows[n] for n in range(1, 41)] == list(range(0, 40 * 12, 12))  # a screenful of the best quality
        assert picked == [110, 1]


def test_the_filter_hands_the_list_a_word_with_a_few_qualities_best_first_in_catalog_order_within_each() -> None:
    roles = RoleFilter(synthetic_catalog(3_000).roles)
    found = roles.filter("se")
    assert isinstance(found, Ranked)
    matches = roles._match(parse_query("se"))
    assert len(set(matches.qualities)) > 1
    by_quality = sorted(zip(matches.qualities, matches.indexes, strict=True))
    assert found == tuple(index for _, index in by_quality)
