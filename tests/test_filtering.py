"""Filtering and ranking roles as the user types (roleui/core/world/filtering.py): pure logic, no UI."""

from __future__ import annotations

import random
import re
from unittest.mock import patch

import pytest
from _ui_helpers import catalog, synthetic_catalog
from hypothesis import given, settings
from hypothesis import strategies as st

from roleui.core.models import Account, Role
from roleui.core.world.filtering import (
    RoleFilter,
    Token,
    highlight_positions,
    parse_query,
    role_fields,
)
from roleui.core.world.search import haystack

ROLES = catalog().roles  # 0 shared-data/CrossAccountS3ReadOnly, 1 main/AdminAccessRole, 2 main/ProdSupportRole,
#                          3 web-staging/Developer, 4 web-staging/BillingAdmin


def keys(roles: RoleFilter, query: str) -> list[str]:
    return [roles.roles[i].key for i in roles.filter(query)]


def test_an_empty_query_keeps_every_role_in_catalog_order() -> None:
    assert RoleFilter(ROLES).filter("  ") == (0, 1, 2, 3, 4)


def test_words_match_the_account_name_id_alias_role_ou_and_tag_values_case_insensitively() -> None:
    roles = RoleFilter(ROLES)
    assert keys(roles, "SHARED") == ["shared-data/CrossAccountS3ReadOnly"]
    assert keys(roles, "333333333333") == ["web-staging/Developer", "web-staging/BillingAdmin"]
    assert keys(roles, "production") == ["main/AdminAccessRole", "main/ProdSupportRole"]  # an alias
    assert keys(roles, "developer") == ["web-staging/Developer"]
    assert keys(roles, "platform") == ["main/AdminAccessRole", "main/ProdSupportRole"]  # a tag value
    assert keys(roles, "team") == []  # tag keys are not searched by plain words


def test_letters_may_be_skipped_but_a_word_never_spans_two_fields() -> None:
    roles = RoleFilter(ROLES)
    assert keys(roles, "wbstg") == ["web-staging/Developer", "web-staging/BillingAdmin"]
    assert keys(roles, "xacct") == []
    # "main" + "Admin..." are two fields: "mainadmin" matches no single field.
    assert keys(roles, "mainadmin") == []
    assert keys(roles, "main admin") == ["main/AdminAccessRole"]


def test_every_word_must_match() -> None:
    assert keys(RoleFilter(ROLES), "web bill") == ["web-staging/BillingAdmin"]


def test_key_value_words_match_tags_by_key_prefix_and_value() -> None:
    roles = RoleFilter(ROLES)
    assert keys(roles, "env:staging") == ["web-staging/Developer", "web-staging/BillingAdmin"]
    assert keys(roles, "environment:prod") == [r.key for r in ROLES[:3]]
    assert keys(roles, "team:plat") == ["main/AdminAccessRole", "main/ProdSupportRole"]
    assert keys(roles, "team:") == [r.key for r in ROLES]  # the key is present
    assert keys(roles, "owner:x") == []


def test_exact_fields_rank_before_prefixes_before_substrings_before_subsequences() -> None:
    account = Account(id="123456789012", name="ops")
    roles = RoleFilter(
        [
            Role(account=account, name="xAdmin"),  # substring
            Role(account=account, name="Axdmxin"),  # subsequence
            Role(account=account, name="AdminRole"),  # prefix
            Role(account=account, name="Admin"),  # exact
        ]
    )
    assert roles.filter("admin") == (3, 2, 0, 1)


def test_favorites_come_first_then_frecency_then_match_quality() -> None:
    roles = RoleFilter(ROLES)
    roles.set_priority({"web-staging/BillingAdmin"}, {"main/ProdSupportRole": 2.0, "main/AdminAccessRole": 0.5})
    assert keys(roles, "") == [
        "web-staging/BillingAdmin",
        "main/ProdSupportRole",
        "main/AdminAccessRole",
        "shared-data/CrossAccountS3ReadOnly",
        "web-staging/Developer",
    ]
    assert keys(roles, "admin") == ["web-staging/BillingAdmin", "main/AdminAccessRole"]
    roles.set_priority(set(), {})
    assert keys(roles, "admin") == ["main/AdminAccessRole", "web-staging/BillingAdmin"]


def words_matched(roles: RoleFilter) -> list[tuple[Token, int]]:
    """From now on, each word `roles` matches and over how many roles: (word, roles looked at)."""
    matched: list[tuple[Token, int]] = []
    original = roles._match_token

    def spy(token: Token, indexes: tuple[int, ...], qualities: tuple[int, ...] | None):  # type: ignore[no-untyped-def]
        matched.append((token, len(indexes)))
        return original(token, indexes, qualities)

    roles._match_token = spy  # type: ignore[method-assign]
    return matched


def test_a_grown_query_narrows_the_previous_result_instead_of_scanning_everything() -> None:
    roles = RoleFilter(synthetic_catalog(2000).roles)
    roles.filter("pay")
    scanned = words_matched(roles)
    found = roles.filter("payprod")
    assert [count for _, count in scanned] == [len(roles.filter("pay"))]  # only the roles "pay" matched
    assert found == RoleFilter(synthetic_catalog(2000).roles).filter("payprod")
    scanned.clear()
    roles.filter("pay")  # backspace: from the cache
    assert scanned == []


def test_only_accounts_whose_own_fields_hold_every_letter_of_a_word_are_searched_for_it_one_by_one() -> None:
    from roleui.core.world import filtering

    roles = RoleFilter(synthetic_catalog(2000).roles)
    searched: list[str] = []
    pattern_of = filtering._subsequence_pattern

    class Counted:
        def __init__(self, text: str) -> None:
            self.pattern = pattern_of(text)

        def search(self, hay: str) -> re.Match[str] | None:
            searched.append(hay)
            return self.pattern.search(hay)

    with patch.object(filtering, "_subsequence_pattern", Counted):
        found = roles.filter("wa")  # `a` is in most accounts' fields, `w` in the web team's alone
    assert found == RoleFilter(synthetic_catalog(2000).roles).filter("wa")
    own = [hay for hay in searched if "\n1000000" in hay]  # accounts' own fields (their ids), not names, OUs or tags
    assert own  # web-staging-00016: w, then a skipping letters
    assert all("web-" in hay for hay in own)


def test_each_role_gets_its_accounts_quality_whether_or_not_the_roles_are_grouped_by_account() -> None:
    roles = synthetic_catalog(700).roles  # 700 accounts: the grouped path takes them 256 at a time
    mixed = list(roles)
    random.Random(7).shuffle(mixed)
    grouped_filter, mixed_filter = RoleFilter(roles), RoleFilter(mixed)
    grouped_filter.prepare()
    mixed_filter.prepare()
    assert grouped_filter._account_spans is not None
    assert mixed_filter._account_spans is None
    by_account = [(account * 7) % 251 for account in range(700)]
    for found in (grouped_filter, mixed_filter):
        assert found._by_row(by_account, found._all) == bytes(by_account[account] for account in found._account_of)
        some = found._all[5:1500:7]
        assert found._by_row(by_account, some) == bytes(by_account[found._account_of[row]] for row in some)
    for query in ("se", "web prod", "env:st 0042"):
        assert sorted(mixed[i].key for i in mixed_filter.filter(query)) == sorted(
            roles[i].key for i in grouped_filter.filter(query)
        )


def test_a_paste_of_many_odd_characters_keeps_a_bounded_number_of_letter_masks() -> None:
    from roleui.core.world.filtering import _LETTER_MASKS

    roles = RoleFilter(synthetic_catalog(300).roles)
    pasted = "".join(chr(0x4E00 + n) for n in range(3 * _LETTER_MASKS))
    assert roles.filter(pasted) == ()
    assert roles.filter("web") == RoleFilter(synthetic_catalog(300).roles).filter("web")
    assert len(roles._has_letter) <= _LETTER_MASKS


def test_a_grown_last_word_is_the_only_word_matched_again() -> None:
    roles = RoleFilter(synthetic_catalog(2000).roles)
    typed = "payments-prod deve"
    for end in range(1, len(typed)):
        roles.filter(typed[:end])
    matched = words_matched(roles)
    found = roles.filter(typed)
    assert [word for word, _ in matched] == [Token("deve")]  # `payments-prod`'s: the previous result's
    assert found == RoleFilter(synthetic_catalog(2000).roles).filter(typed)
    matched.clear()
    roles.filter(typed + " env:p")  # a new word: that word alone
    assert [word for word, _ in matched] == [Token("p", "env")]


def test_backspace_through_a_long_query_finds_every_result_it_was_typed_through_in_the_cache() -> None:
    roles = RoleFilter(synthetic_catalog(10_000).roles)  # 30,000 rows: the first letters keep most of them
    query = "environment:prod dev"
    typed = [roles.filter(query[:end]) for end in range(len(query) + 1)]
    assert sum(map(len, typed)) > 100_000  # more than the old budget of 90,000 cached rows
    scanned = words_matched(roles)
    erased = [roles.filter(query[:end]) for end in range(len(query), -1, -1)]
    assert scanned == []
    assert erased == typed[::-1]
    roles.filter("zzz")  # another query: the old one's results may go, the newest never
    roles.filter("yyy")
    assert roles.filter("yyy") is roles.filter("yyy")


def test_parse_query_splits_words_and_key_value_tokens() -> None:
    assert parse_query(" Web  env:Prod :x ") == (Token("web"), Token("prod", "env"), Token(":x"))
    assert Token("pro").implied_by(Token("prod"))
    assert not Token("prod").implied_by(Token("pro"))
    assert not Token("env").implied_by(Token("", "env"))


def test_the_fields_are_exactly_those_of_the_shared_haystack() -> None:
    for role in [*ROLES, *synthetic_catalog(3).roles]:
        assert "\n".join(f.text for f in role_fields(role)).lower() == haystack(role).partition("\0")[0]


def test_highlights_show_which_characters_of_which_field_matched() -> None:
    support = ROLES[2]
    assert highlight_positions(support, parse_query("psr")) == {"role": [0, 4, 9]}  # P-S-r, the tightest
    assert highlight_positions(support, parse_query("main sup")) == {"account": [0, 1, 2, 3], "role": [4, 5, 6]}
    assert highlight_positions(ROLES[3], parse_query("env:stag")) == {"tag:environment": [0, 1, 2, 3]}
    assert highlight_positions(ROLES[0], parse_query("zzz")) == {}


def test_a_word_found_in_an_alias_and_a_shown_field_highlights_the_shown_one() -> None:
    account = Account(id="123456789012", name="web-prod", aliases=("old-production",))
    assert highlight_positions(Role(account=account, name="ReadOnly"), parse_query("pro")) == {"account": [4, 5, 6]}


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="abcdeinoprstw-:0 ", max_size=8))
def test_any_query_gives_the_same_rows_typed_at_once_or_key_by_key(query: str) -> None:
    roles = RoleFilter(ROLES + synthetic_catalog(40).roles)
    fresh = RoleFilter(ROLES + synthetic_catalog(40).roles)
    for n in range(len(query) + 1):
        roles.filter(query[:n])
    assert roles.filter(query) == fresh.filter(query)
    assert sorted(fresh.filter(query)) == sorted(set(fresh.filter(query)))


@pytest.mark.parametrize("query", ["", "p", "pay", "env:prod dev", "04217", "zzz"])
def test_thirty_thousand_roles_filter_consistently_with_the_plain_definition(query: str) -> None:
    world = synthetic_catalog(10_000).roles
    found = set(RoleFilter(world).filter(query))
    # The definition, slowly: every word is a subsequence of one field (or a key:value tag match).
    expected = set()
    for index, role in enumerate(world):
        fields = [f.text.lower() for f in role_fields(role)]
        ok = True
        for token in parse_query(query):
            if token.tag_key is not None:
                ok = any(
                    k.lower().startswith(token.tag_key) and token.text in v.lower()
                    for k, v in role.account.tags.items()
                )
            else:
                ok = any(_subsequence(token.text, f) for f in fields)
            if not ok:
                break
        if ok:
            expected.add(index)
    assert found == expected


def _subsequence(word: str, text: str) -> bool:
    it = iter(text)
    return all(char in it for char in word)


def test_matching_uses_the_same_fields_as_highlighting() -> None:
    """Words are matched per account (every field but the role name) and per role name: together, role_fields."""
    roles = RoleFilter([*ROLES, *synthetic_catalog(3).roles])
    roles.prepare()
    for index, role in enumerate(roles.roles):
        account = roles._account_of[index]
        account_fields = (roles._account_hays[account] + roles._shared_hays[account][1:]).strip("\n").split("\n")
        name_field = roles._name_hays[roles._name_of[index]].strip("\n")
        expected = [f.text.lower() for f in role_fields(role)]
        assert sorted([*account_fields, name_field]) == sorted(expected)


def test_a_word_covering_the_starts_of_a_role_names_words_ranks_above_a_plain_substring() -> None:
    account = Account(id="123456789012", name="lena-dev", ou_path="Workloads/Prod")
    roles = RoleFilter(
        [
            Role(account=account, name="OrganizationAccountAccessRole"),  # "ro" inside "Role"
            Role(account=account, name="ReadOnly"),  # "ro": Read + Only
        ]
    )
    assert [roles.roles[i].name for i in roles.filter("lena ro")] == ["ReadOnly", "OrganizationAccountAccessRole"]
    assert [roles.roles[i].name for i in roles.filter("oaa")] == ["OrganizationAccountAccessRole"]


def test_a_role_name_words_prefix_ranks_above_a_substring_inside_a_word() -> None:
    account = Account(id="123456789012", name="ops")
    roles = RoleFilter([Role(account=account, name="Boosted"), Role(account=account, name="AdminOstrich")])
    assert [roles.roles[i].name for i in roles.filter("ost")] == ["AdminOstrich", "Boosted"]


def test_name_words_split_camel_case_acronyms_digits_and_separators() -> None:
    from roleui.core.world.filtering import covers_words, name_words

    assert name_words("S3ReadOnly") == ("s", "3", "read", "only")
    assert name_words("AWSReservedSSO_Admin-x") == ("aws", "reserved", "sso", "admin", "x")
    assert covers_words("reado", name_words("ReadOnly"))
    assert not covers_words("ro", name_words("Role"))  # one word is a prefix, not a cover


def test_a_favorite_found_only_with_skipped_letters_ranks_after_the_rows_holding_the_word() -> None:
    data = Account(id="222222222222", name="shared-data")
    dev = Account(id="444444444444", name="payments-dev")
    roles = RoleFilter(
        [
            Role(account=dev, name="AdministratorAccess"),  # d-a-t-a with letters skipped
            Role(account=data, name="ReadOnly"),
            Role(account=dev, name="ReadOnly"),
            Role(account=data, name="Admin"),
        ]
    )
    roles.set_priority({"payments-dev/AdministratorAccess"}, {"payments-dev/AdministratorAccess": 9.0})
    assert keys(roles, "data") == ["shared-data/ReadOnly", "shared-data/Admin", "payments-dev/AdministratorAccess"]
    # Found whole, the favorite leads again, before an exact match.
    assert keys(roles, "admin") == ["payments-dev/AdministratorAccess", "shared-data/Admin"]


def test_a_profile_name_finds_the_role_it_names_as_roleui_list_does() -> None:
    account = Account(id="444444444444", name="payments-dev")
    named = Role(account=account, name="AdministratorAccess", profile="sso-dev-admin")
    roles = RoleFilter([Role(account=account, name="ReadOnly"), named])
    assert keys(roles, "sso-dev-admin") == ["payments-dev/AdministratorAccess"]
    assert "sso-dev-admin" in haystack(named)  # what `roleui list sso-dev-admin` searches
    assert {"label": "profile", "text": "sso-dev-admin"} in [f._asdict() for f in role_fields(named)]


def _plain_rank(
    roles: list[Role], query: str, favorites: frozenset[str] = frozenset(), frecency: dict[str, float] | None = None
) -> tuple[int, ...]:
    """The ranking by its definition, one role at a time: each word's quality is the better of the account's
    haystack (every field but the role name, in order) and the role's name; tag words the best matching tag;
    rows by summed quality, then catalog order; favorites, then frequent roles, first among the rows that hold
    every word whole, and first among the rest."""
    from roleui.core.world.filtering import (
        EXACT,
        NONE,
        PREFIX,
        SUBSEQUENCE,
        SUBSTRING,
        _hay_quality,
        _name_quality,
        _subsequence_pattern,
        name_words,
    )

    ranked: list[tuple[int, int]] = []
    for index, role in enumerate(roles):
        fields = role_fields(role)
        account_hay = "\n" + "\n".join(f.text for f in fields if f.label not in ("role", "profile")).lower() + "\n"
        name_hay = "\n" + "\n".join(filter(None, (role.name, role.profile))).lower() + "\n"
        total = 0
        for token in parse_query(query):
            word = token.text
            if token.tag_key is not None:
                tag_qualities = [
                    EXACT if v.lower() == word else PREFIX if v.lower().startswith(word) else SUBSTRING
                    for k, v in role.account.tags.items()
                    if k.lower().startswith(token.tag_key) and word in v.lower()
                ]
                quality = min(tag_qualities, default=NONE)
            else:
                pattern = _subsequence_pattern(word) if len(word) > 1 else None
                named = _name_quality(word, name_hay, name_words(role.name), pattern)
                quality = min(
                    _hay_quality(word, f"\n{word}\n", f"\n{word}", pattern, account_hay),
                    NONE if named is None else named,
                )
            if quality >= NONE:
                break
            total += quality
        else:
            ranked.append((total, index))
    frecency = frecency or {}

    def order(found: tuple[int, int]) -> tuple[object, ...]:
        total, index = found
        key, tier = roles[index].key, int(total >= SUBSEQUENCE)
        if key in favorites or frecency.get(key, 0) > 0:
            return (tier, 0, key not in favorites, -frecency.get(key, 0.0), total, index)
        return (tier, 1, total, index)

    return tuple(index for _, index in sorted(ranked, key=order))


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.sampled_from(["a", "d", "e", "0", "4", "p", "s", "ad", "dv", "wd", "ps", "pr", "env:", "team:d"]), max_size=3
    )
)
def test_rows_rank_as_the_plain_definition_says_typed_key_by_key_or_at_once(words: list[str]) -> None:
    world = [*ROLES, *synthetic_catalog(60).roles]
    query = " ".join(words)
    typed = RoleFilter(world)
    for n in range(len(query) + 1):
        typed.filter(query[:n])
    assert typed.filter(query) == _plain_rank(world, query)
    assert RoleFilter(world).filter(query) == _plain_rank(world, query)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(["a", "d", "0", "4", "p", "ad", "dv", "wd", "ps", "env:", "team:d"]), max_size=3),
    st.sets(st.integers(0, 64), max_size=4),
    st.dictionaries(st.integers(0, 64), st.sampled_from([0.5, 1.0, 3.0]), max_size=5),
)
def test_favorites_and_frequent_roles_rank_as_the_plain_definition_says(
    words: list[str], favorite_rows: set[int], frequent_rows: dict[int, float]
) -> None:
    world = [*ROLES, *synthetic_catalog(20).roles]
    favorites = frozenset(world[i].key for i in favorite_rows)
    frecency = {world[i].key: uses for i, uses in frequent_rows.items()}
    query = " ".join(words)
    roles = RoleFilter(world)
    roles.set_priority(favorites, frecency)
    for n in range(len(query) + 1):
        assert roles.filter(query[:n]) == _plain_rank(world, query[:n], favorites, frecency), query[:n]


def test_a_word_found_with_hundreds_of_letters_skipped_still_matches_after_the_closer_ones() -> None:
    account = Account(id="123456789012", name="ops")
    far = Role(account=account, name="a" + "x" * 300 + "b")  # more skipped letters than a quality byte counts
    farther = Role(account=account, name="a" + "x" * 400 + "b")
    near = Role(account=account, name="axxb")
    assert RoleFilter([far, farther, near]).filter("ab") == (2, 0, 1)  # beyond the cap: catalog order
