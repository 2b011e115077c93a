"""Filter-as-you-type over the roles: fuzzy words, `key:value` tag words, ranking and match highlights.

A query is words separated by spaces; a role is kept when every word matches:
- a plain word is a subsequence (fuzzy) of one field: account name, id, an alias, role name, the ~/.aws/config
  profile the role came from (`sso-dev-admin`, as `roleui list` finds it), OU path or a tag value (the fields of
  `roleui.core.world.search.haystack`, see `role_fields`; a word never spans two fields);
- `key:value` matches a tag whose key starts with `key` and whose value contains `value` (`env:prod`).

Ranking: rows where every word is found whole (in a field, or as the starts of a role name's words) before rows
where a word was found only with letters skipped (`data` in AdministratorAccess); within each, favorites first, then
frecency, then match quality (exact field, field prefix, a role name whose words the query word covers from their
starts — `ro` in ReadOnly, `oaa` in OrganizationAccountAccessRole —, a role name word's prefix, substring, then the
tightest subsequence), then catalog order. Speed is the point (30,000 rows, one
keystroke per frame): each query's matches are cached, a grown query narrows the matches of the query it grew from,
a shrunk one (backspace) is a cache hit, and the haystacks are built on first use so the first screen does not wait for them.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from functools import reduce
from itertools import compress, islice, repeat
from operator import add, and_, itemgetter, le, sub
from typing import NamedTuple, TypeVar

from roleui.core.models import Role
from roleui.core.world.ranked import EQUALS as _EQUALS
from roleui.core.world.ranked import Ranked
from roleui.core.world.role_table import A_ALIASES, A_ID, A_NAME, A_OU_PATH, A_TAGS, S_NAME, S_PROFILE, RoleTable

_T = TypeVar("_T")

# Quality tiers of one word (lower is better); subsequence matches add their gaps to the last tier. INITIALS and
# WORD_START are found in role names only (a handful of distinct names: cheap on every keystroke).
# SUBSEQUENCE is above the sum of any 24 whole-word qualities, so a summed quality at or over it means "some word
# skipped letters". One word's quality for a row is a byte (NONE: not found; the skipped letters count up to
# _MAX_GAP), so a word's qualities for 30,000 rows are a 30 KB bytes object that C code picks rows out of (see
# `_match_token`), and the qualities of one-word queries are cached at a byte a row.
EXACT, PREFIX, INITIALS, WORD_START, SUBSTRING, SUBSEQUENCE = 0, 1, 2, 3, 4, 100
NONE = 255
_MAX_GAP = NONE - 1 - SUBSEQUENCE  # more skipped letters than this rank as this many
_NAME_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
_CACHED_QUERIES = 32
# At most this many cached indexes in all (8 bytes each): the ranked results of every query a long query was typed
# through, at 30,000 rows (`env:prod dev`: 124,000 indexes, ~1 MB; the empty query's is the roles' own tuple), so
# that backspace finds them; the matches a grown query narrows need only the last few.
_CACHED_ROWS = 160_000
_CACHED_MATCHES = 90_000

_UNSHOWN = ("alias", "profile")  # fields the list has no column for


class Token(NamedTuple):
    """One word of a query, lower-cased. `tag_key` is set for `key:value` words (then `text` is the value)."""

    text: str
    tag_key: str | None = None

    def implied_by(self, grown: Token) -> bool:
        """True when every role matched by `grown` is matched by this token (so results can be narrowed)."""
        return self.tag_key == grown.tag_key and grown.text.startswith(self.text)


def parse_query(query: str) -> tuple[Token, ...]:
    """The words of a query; `key:value` (non-empty key) becomes a tag token."""
    tokens: list[Token] = []
    for word in query.lower().split():
        key, colon, value = word.partition(":")
        tokens.append(Token(value, key) if colon and key else Token(word))
    return tuple(tokens)


class Field(NamedTuple):
    """A searchable field of a role: `label` says which ("account", "id", "alias", "role", "ou", "tag:KEY")."""

    label: str
    text: str


def role_fields(role: Role) -> list[Field]:
    """The fields of `haystack(role)`, in its order, with what each one is (for highlighting)."""
    account = role.account
    return fields_of(
        account.name, account.id, account.aliases, role.name, account.ou_path, account.tags, profile=role.profile
    )


def fields_of(
    name: str,
    ident: str,
    aliases: Sequence[str],
    role_name: str,
    ou_path: str | None,
    tags: Mapping[str, str],
    *,
    profile: str | None = None,
) -> list[Field]:
    """role_fields from the values themselves (a RoleTable's columns, without building the Role)."""
    fields = [Field("account", name), Field("id", ident)]
    fields += [Field("alias", alias) for alias in aliases]
    fields += [Field("role", role_name)]
    if profile:
        fields.append(Field("profile", profile))
    fields += [Field("ou", ou_path or "")]
    fields += [Field(f"tag:{key}", value) for key, value in tags.items()]
    return fields


def _subsequence_pattern(text: str) -> re.Pattern[str]:
    """`a[^\\nb]*b[^\\nc]*c`: the chars in order within one line; linear, no backtracking blow-up."""
    parts = [re.escape(text[0])]
    parts += [f"[^\\n{re.escape(c)}]*{re.escape(c)}" for c in text[1:]]
    return re.compile("".join(parts))


def name_words(name: str) -> tuple[str, ...]:
    """The words of a role name, lower-cased: CamelCase humps, digits, and what separators split."""
    return tuple(word.lower() for word in _NAME_WORD.findall(name))


def covers_words(word: str, words: Sequence[str]) -> bool:
    """True when `word` is prefixes of two or more consecutive `words` put together (`ro`: Read + Only)."""

    def from_word(rest: str, at: int, used: int) -> bool:
        if not rest:
            return used >= 2
        if at == len(words):
            return False
        current = words[at]
        for length in range(min(len(current), len(rest)), 0, -1):
            if rest[:length] == current[:length] and from_word(rest[length:], at + 1, used + 1):
                return True
        return False

    return any(words[at][:1] == word[:1] and from_word(word, at, 0) for at in range(len(words)))


def _name_quality(word: str, hay: str, words: Sequence[str], pattern: re.Pattern[str] | None) -> int | None:
    """The quality of a plain word in a role name (`hay` is "\nname\n" lower-cased, `words` its name_words)."""
    if f"\n{word}" in hay:
        return EXACT if f"\n{word}\n" in hay else PREFIX
    if len(word) > 1 and covers_words(word, words):
        return INITIALS
    if word in hay:
        return WORD_START if any(w.startswith(word) for w in words) else SUBSTRING
    if pattern is None:
        return None
    found = pattern.search(hay)
    return None if found is None else _skipped(found, word)


def _hay_quality(word: str, exact: str, prefix: str, pattern: re.Pattern[str] | None, hay: str) -> int:
    """The quality of a plain word in a haystack of fields ("\nfield\nfield\n"; `exact` is "\nword\n", `prefix`
    "\nword"): the tier when a field holds it whole, else the extra letters of its leftmost match; NONE."""
    if word in hay:
        return (EXACT if exact in hay else PREFIX) if prefix in hay else SUBSTRING
    if pattern is None or (found := pattern.search(hay)) is None:
        return NONE
    return _skipped(found, word)


def _skipped(found: re.Match[str], word: str) -> int:
    """The quality of a subsequence match: the tier plus the letters it skipped (at most _MAX_GAP)."""
    gap = found.end() - found.start() - len(word)
    return SUBSEQUENCE + (gap if gap < _MAX_GAP else _MAX_GAP)


def _tightest_subsequence(text: str, word: str) -> list[int] | None:
    """Positions of `word`'s chars in `text` in order, choosing the shortest span (visible rows only)."""
    best: list[int] | None = None
    start = text.find(word[0])
    while start != -1:
        positions = [start]
        for char in word[1:]:
            found = text.find(char, positions[-1] + 1)
            if found == -1:
                return best
            positions.append(found)
        if best is None or positions[-1] - positions[0] < best[-1] - best[0]:
            best = positions
        start = text.find(word[0], start + 1)
    return best


# Results are tuples, not lists: the collector walks every item of a list of ints at each collection of its
# generation (the cached results, ~250,000 items, added ~1.6 ms to every full collection), and it stops tracking a
# tuple of ints at the first one.
Rows = tuple[int, ...]
# A quality per row: bytes while every one fits in a byte (one word's always do; sums of several words often do),
# else a tuple.
Qualities = bytes | Rows


class _Matches(NamedTuple):
    indexes: Rows  # ascending catalog indexes
    qualities: Qualities  # parallel: summed quality of every word
    last: bytes  # parallel: the last word's own quality (the same object as `qualities` for a one-word query)


def _fitted(values: list[int]) -> Qualities:
    """Bytes when every value is below NONE (which `_rank` uses as a mark), else a tuple."""
    try:
        fitted = bytes(values)
    except ValueError:  # a sum over 255
        return tuple(values)
    return tuple(values) if NONE in fitted else fitted


# `bytes.translate` tables (byte q becomes table[q]): where a word is found (1, else 0: a `compress` selector);
# where a quality is v (0xFF, else 0: a `_select` mask, and a selector; `_EQUALS`, shared with ranked.py); each
# quality lowered to at most v.
_FOUND = bytes(quality != NONE for quality in range(256))
_AT_MOST: dict[int, bytes] = {}  # by v, built on first use (all 256 at import were ~0.7 ms of the first screen)
_MANY_NAME_QUALITIES = 8  # beyond this, rows take the better of their account and role name one by one
_FEW_QUALITIES = 8  # up to this many distinct qualities, the list picks out each one's rows; beyond, `_rank` sorts
_MOSTLY = 0.85  # a share of the roles above which a word is matched in every account, not only the candidates
_UNRANKED = 1 << 30  # above any sum of qualities: marks a row `_rank` puts first out of its buckets
_LETTER_MASKS = 64  # letters whose masks are kept (a byte per account each: 640 KB at 10,000 accounts)


def _picked(values: Sequence[_T], indexes: Sequence[int]) -> tuple[_T, ...]:
    """`values[i]` for each `i` of `indexes`: itemgetter's C loop, twice as fast as a `map` over `values.__getitem__`
    (every item of which is a call through a method wrapper)."""
    if len(indexes) > 1:
        picked: tuple[_T, ...] = itemgetter(*indexes)(values)
        return picked
    return tuple(values[i] for i in indexes)


def _at_most(v: int) -> bytes:
    """The `translate` table that lowers each quality to at most v."""
    table = _AT_MOST.get(v)
    if table is None:
        table = _AT_MOST[v] = bytes(range(v)) + bytes((v,)) * (256 - v)
    return table


def _select(mask: bytes, chosen: bytes, other: bytes) -> bytes:
    """`chosen`'s byte where `mask`'s is 0xFF, `other`'s where it is 0: all rows at once, as big ints."""
    where = int.from_bytes(mask, "little")
    picked = (int.from_bytes(chosen, "little") & where) | (int.from_bytes(other, "little") & ~where)
    return picked.to_bytes(len(mask), "little")


class RoleFilter:
    """Filters and ranks a fixed sequence of roles; results are tuples of indexes into that sequence."""

    def __init__(self, roles: Sequence[Role]) -> None:
        # The columns of a RoleTable (roleui/core/world/role_table.py): matching never builds a Role object.
        self._roles = RoleTable.of(roles)
        self._all: Rows = tuple(range(len(roles)))
        self._prepared = False
        # Roles of one account share every field but the role name: words are matched once per account (10,000)
        # and once per distinct role name (a handful), not once per role (30,000).
        # Made once by `prepare`.
        self._account_of: list[int] = []  # role -> account slot
        self._name_of: list[int] = []  # role -> role-name slot
        self._name_codes: bytes | None = None  # the same as bytes, while there are at most 256 slots
        # When the roles are grouped by account (an organization's are): each role's account slot modulo 256, and
        # where the roles of the accounts 256*k to 256*k+255 begin and end (see `_by_row`).
        self._account_low = b""
        self._account_spans: list[tuple[int, int]] | None = None
        self._account_hays: tuple[str, ...] = ()  # an account's own fields: name, id, aliases
        self._shared_hays: tuple[str, ...] = ()  # the fields accounts share with others, each set once: OU path, tags
        self._shared_of: list[int] = []  # account -> its set of shared fields
        self._has_letter: dict[str, bytes] = {}  # a letter -> per account, 1 where its own fields hold it
        self._account_tags: tuple[tuple[tuple[str, str], ...], ...] = ()
        self._name_hays: tuple[str, ...] = ()
        self._name_words: tuple[tuple[str, ...], ...] = ()
        self._priority: dict[int, tuple[int, float]] = {}
        self._matches: OrderedDict[tuple[Token, ...], _Matches] = OrderedDict()
        self._ranked: dict[tuple[Token, ...], Sequence[int]] = {}

    def __len__(self) -> int:
        return len(self._roles)

    @property
    def roles(self) -> RoleTable:
        return self._roles

    def prepare(self) -> None:
        """Build the haystacks now (the app calls it after the first screen, so the first keystroke is quick)."""
        if self._prepared:
            return
        table = self._roles
        tag_sets: dict[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]] = {}
        shared: dict[str, int] = {}
        account_hays: list[str] = []
        shared_of: list[int] = []
        account_tags: list[tuple[tuple[str, str], ...]] = []
        for row in table.each_account_row():  # not kept: the list draws ~40 rows, from their chunks alone
            tags: dict[str, str] = row[A_TAGS]
            # Padded with newlines: "\nword" means "a field starts with word", "\nword\n" "a field is word". An
            # account's own fields, then those it shares with many others (an OU's accounts, a team's tags: a few
            # dozen distinct sets among 10,000 accounts), kept once and matched once per set.
            account_hays.append("\n" + "\n".join([row[A_NAME], row[A_ID], *row[A_ALIASES]]).lower() + "\n")
            common = "\n" + "\n".join([row[A_OU_PATH] or "", *tags.values()]).lower() + "\n"
            shared_of.append(shared.setdefault(common, len(shared)))
            lowered = tuple((k.lower(), v.lower()) for k, v in tags.items())
            account_tags.append(tag_sets.setdefault(lowered, lowered))
        # A role's own fields: its name and the profile it came from (discovered roles have none, so the
        # 30,000 roles of an organization still share a handful of these).
        names: dict[tuple[str, str | None], int] = {}
        name_of_spec: list[int] = []
        name_hays: list[str] = []
        words: list[tuple[str, ...]] = []
        for spec in table.specs:
            name, profile = spec[S_NAME], spec[S_PROFILE]
            if (name, profile) not in names:
                names[name, profile] = len(name_hays)
                name_hays.append("\n" + "\n".join(filter(None, (name, profile))).lower() + "\n")
                words.append(name_words(name))
            name_of_spec.append(names[name, profile])
        needed = max(len(self._all), len(account_hays), len(name_hays))
        slots = self._all if len(self._all) >= needed else tuple(range(needed))  # shared ints: tuples of pointers
        self._account_of = [slots[a] for a in table.account_of]
        self._name_of = [slots[name_of_spec[s]] for s in table.spec_of]
        self._name_codes = bytes(self._name_of) if len(name_hays) <= 256 else None
        account_of = self._account_of
        if all(map(le, account_of, islice(account_of, 1, None))):
            self._account_low = bytes(map(and_, account_of, repeat(0xFF)))
            self._account_spans = [
                (bisect_left(account_of, high << 8), bisect_left(account_of, (high + 1) << 8))
                for high in range((len(account_hays) + 0xFF) >> 8)
            ]
        self._account_hays, self._shared_hays, self._account_tags = (
            tuple(account_hays),
            tuple(shared),
            tuple(account_tags),
        )
        self._shared_of = [slots[s] for s in shared_of]
        self._name_hays, self._name_words = tuple(name_hays), tuple(words)
        self._prepared = True

    def set_priority(self, favorites: Collection[str], frecency: Mapping[str, float]) -> None:
        """Rank favorites (by role key) first, then roles by frecency; drops the ranked (not matched) cache."""
        if not favorites and not any(v > 0 for v in frecency.values()):
            self._priority = {}
            self._ranked.clear()
            return
        priority: dict[int, tuple[int, float]] = {}
        for key in set(favorites) | {k for k, v in frecency.items() if v > 0}:
            for index in self._roles.indexes_of(key):
                # Sort key: favorites (0) before the rest (1), then higher frecency first.
                priority[index] = (0 if key in favorites else 1, -frecency.get(key, 0.0))
        self._priority = priority
        self._ranked.clear()

    def filter(self, query: str) -> Sequence[int]:
        """Indexes of the roles matching `query`, best first (a tuple, or a `Ranked` sequence)."""
        tokens = parse_query(query)
        ranked = self._ranked.get(tokens)
        if ranked is None:
            if tokens:
                matches = self._match(tokens)
                ranked = self._rank(matches.indexes, matches.qualities)
            else:
                ranked = self._rank(self._all, None)
            self._ranked[tokens] = ranked
            # Backspace goes back through the queries this one was typed through: their results stay (the first
            # letters' are the largest, and the slowest to find again).
            # The empty query's result is the roles' own tuple (no priority): it costs nothing to keep.
            _trim(
                self._ranked,
                lambda rows: 0 if rows is self._all else len(rows),
                keep={parse_query(query[:end]) for end in range(len(query))},
            )
        return ranked

    def _match(self, tokens: tuple[Token, ...]) -> _Matches:
        cached = self._matches.get(tokens)
        if cached is not None:
            self._matches.move_to_end(tokens)
            return cached
        self.prepare()
        # Narrow the smallest cached result whose words are implied, position by position, by the new words.
        source: tuple[tuple[Token, ...], _Matches] | None = None
        for old_tokens, old in self._matches.items():
            if (
                len(old_tokens) <= len(tokens)
                and all(o.implied_by(t) for o, t in zip(old_tokens, tokens, strict=False))
                and (source is None or len(old.indexes) <= len(source[1].indexes))
            ):
                source = (old_tokens, old)
        indexes, qualities, first = self._all, None, 0  # qualities None: nothing summed yet
        if source is not None:
            old_tokens, old = source
            indexes = old.indexes
            # A grown word can match better or worse than before, so it is matched again, and every word after it;
            # the words before it are the same words, whose qualities the old result has summed (typing grows the
            # last word or starts a new one: `ml adm` to `ml admi` matches `admi` alone).
            same = len(old_tokens) - 1
            if old_tokens[:same] == tokens[:same]:
                if old_tokens[same] == tokens[same]:
                    qualities, first = old.qualities, same + 1
                elif same:
                    qualities, first = _fitted(list(map(sub, old.qualities, old.last))), same
        last = b""
        for token in tokens[first:]:
            indexes, qualities, last = self._match_token(token, indexes, qualities)
        assert qualities is not None  # tokens: at least one word, and a cached query is a hit above
        matches = _Matches(indexes, qualities, last)
        self._matches[tokens] = matches
        _trim(self._matches, _slots, budget=_CACHED_MATCHES)
        return matches

    def _match_token(self, token: Token, indexes: Rows, qualities: Qualities | None) -> tuple[Rows, Qualities, bytes]:
        """The roles of `indexes` that `token` matches, their `qualities` plus the token's (the token's alone
        when None), and the token's alone."""
        account_quality: Sequence[int]
        if token.tag_key is not None:
            account_quality = self._tag_qualities(token)
            named = [NONE]  # a tag word is about the account alone
        else:
            account_quality, named = self._word_qualities(token.text, indexes)
        whole = indexes is self._all  # the first word typed: every role, so the columns themselves
        name_of = self._name_of
        # The word's quality for each row, a byte a row: picked from its account's (one C-level pass), then
        # lowered where its role name holds the word better, a few whole-bytes operations per distinct quality
        # the names have (a Python-level pass over 30,000 rows took ~2.5 ms of it; every pass below is C).
        best = self._by_row(account_quality, indexes)
        in_names = sorted(set(named) - {NONE})
        if in_names:
            if self._name_codes is not None:  # every row's name quality in one translate, then the rows picked
                of_name = self._name_codes.translate(bytes(named).ljust(256, b"\0"))
                of_name = of_name if whole else bytes(_picked(of_name, indexes))
            else:
                of_name = bytes(_picked(named, name_of if whole else _picked(name_of, indexes)))
            if len(in_names) > _MANY_NAME_QUALITIES:
                best = bytes(map(min, best, of_name))
            else:
                for quality in in_names:
                    best = _select(of_name.translate(_EQUALS[quality]), best.translate(_at_most(quality)), best)
        # A first letter often keeps every row: then nothing needs picking out.
        if NONE not in best:
            return indexes, best if qualities is None else _fitted(list(map(add, qualities, best))), best
        keep = best.translate(_FOUND)
        own = bytes(compress(best, keep))
        return (
            tuple(compress(indexes, keep)),
            own if qualities is None else _fitted(list(map(add, compress(qualities, keep), own))),
            own,
        )

    def _word_qualities(self, word: str, indexes: Rows) -> tuple[Sequence[int], list[int]]:
        """The quality of a plain word in each account's fields and in each role name (NONE: not there); only
        the accounts of the roles `indexes` are looked at."""
        exact, prefix = f"\n{word}\n", f"\n{word}"
        pattern = _subsequence_pattern(word) if len(word) > 1 else None
        named = [
            NONE if quality is None else quality
            for quality in (
                _name_quality(word, hay, words, pattern)
                for hay, words in zip(self._name_hays, self._name_words, strict=True)
            )
        ]
        # The shared fields are matched once per distinct set, and each account starts from its set's quality;
        # they come after the account's own in the haystack order, so they decide where the own fields do not hold
        # the word whole, or (skipping letters) at all. The own fields can hold the word only where they hold each
        # of its letters: those accounts are found from a mask per letter (built on the letter's first use), and
        # only they are looked at one by one (`we`: 1,250 of 10,000 accounts).
        by_set = [_hay_quality(word, exact, prefix, pattern, hay) for hay in self._shared_hays]
        holding = self._holding(word)
        accounts: Iterable[int]
        if len(indexes) >= _MOSTLY * len(self._all):
            # Every account, when the candidates are (nearly) every role: collecting the accounts of 27,000 roles
            # (`e` to `en`) costs more than the few accounts looked at for nothing. Two C-level passes.
            account_quality = bytearray(_picked(by_set, self._shared_of))
            accounts = compress(range(len(holding)), holding)
        else:  # only the accounts of the roles `indexes` (the others' qualities are never read)
            account_quality = bytearray(len(holding))
            shared_of = self._shared_of
            candidates = dict.fromkeys(_picked(self._account_of, indexes))
            for account in candidates:
                account_quality[account] = by_set[shared_of[account]]
            accounts = [account for account in candidates if holding[account]]
        account_hays = self._account_hays
        for account in accounts:
            hay = account_hays[account]
            common = account_quality[account]
            if word in hay:
                own = (EXACT if exact in hay else PREFIX) if prefix in hay else SUBSTRING
                if own < common:
                    account_quality[account] = own
            elif common >= SUBSEQUENCE and pattern is not None and (found := pattern.search(hay)) is not None:
                account_quality[account] = _skipped(found, word)  # the own fields come first: their match counts
        return account_quality, named

    def _by_row(self, by_account: Sequence[int], indexes: Rows) -> bytes:
        """For each role of `indexes`, its account's byte in `by_account`. Where the roles are grouped by account,
        every role's at once, one `translate` per 256 accounts (40 for 10,000: ~0.05 ms), then the rows picked;
        else each row's through itemgetter (~0.5 ms for 30,000)."""
        whole = indexes is self._all
        if self._account_spans is None:
            return bytes(_picked(by_account, self._account_of if whole else _picked(self._account_of, indexes)))
        table, low = bytes(by_account), self._account_low
        every = b"".join(
            low[start:end].translate(table[high << 8 : (high + 1) << 8].ljust(256, b"\0"))
            for high, (start, end) in enumerate(self._account_spans)
        )
        return every if whole else bytes(_picked(every, indexes))

    def _holding(self, word: str) -> bytes:
        """Per account, 1 where its own fields hold every letter of `word`."""
        masks = []
        for letter in set(word):
            mask = self._has_letter.get(letter)
            if mask is None:
                mask = bytes(map(str.__contains__, self._account_hays, repeat(letter)))
                if len(self._has_letter) >= _LETTER_MASKS:  # a paste of odd characters: the oldest goes
                    del self._has_letter[next(iter(self._has_letter))]
                self._has_letter[letter] = mask
            masks.append(mask)
        if len(masks) == 1:
            return masks[0]
        both = reduce(and_, [int.from_bytes(mask, "little") for mask in masks])
        return both.to_bytes(len(masks[0]), "little")

    def _tag_qualities(self, token: Token) -> list[int]:
        """The quality of a `key:value` word for each account: its best tag whose key starts with `key`. Accounts
        share a handful of tag sets (`prepare` keeps one tuple per distinct set), each looked at once."""
        key, value = token.tag_key or "", token.text
        by_set: dict[int, int] = {}
        for tags in self._account_tags:
            if id(tags) in by_set:
                continue
            best = NONE
            for tag_key, lowered in tags:
                if not tag_key.startswith(key):
                    continue
                if lowered == value:
                    best = EXACT
                    break
                if lowered.startswith(value):
                    best = PREFIX
                elif value in lowered and best == NONE:
                    best = SUBSTRING
            by_set[id(tags)] = best
        return [by_set[id(tags)] for tags in self._account_tags]

    def _rank(self, indexes: Rows, qualities: Qualities | None) -> Sequence[int]:
        """`indexes` (ascending) best first: by quality, catalog order within one; favorites and frequent roles
        first among those that hold every word whole (see `set_priority`)."""
        priority = self._priority
        if qualities is None:
            if not priority:
                return indexes
            first = sorted((priority[i], 0, i) for i in priority)
            return (*[i for _, _, i in first], *[i for i in indexes if i not in priority])
        # The prioritised rows (a few) are found by bisection (`indexes` is ascending) and marked out of the
        # buckets with a quality above any.
        front: list[tuple[tuple[int, float], int, int]] = []
        marked: list[int] = []
        for index in priority:
            at = bisect_left(indexes, index)
            if at < len(indexes) and indexes[at] == index:
                front.append((priority[index], qualities[at], index))
                marked.append(at)
        mark = NONE if isinstance(qualities, bytes) else _UNRANKED
        if marked:
            unmarked = bytearray(qualities) if isinstance(qualities, bytes) else list(qualities)
            for at in marked:
                unmarked[at] = mark
            qualities = bytes(unmarked) if isinstance(unmarked, bytearray) else tuple(unmarked)
        if isinstance(qualities, bytes):  # 256 memchr scans: ~0.04 ms, where a set of 30,000 bytes takes ~0.3
            distinct = [quality for quality in range(mark) if quality in qualities]
        else:
            distinct = sorted(set(qualities) - {mark})
        if len(distinct) == 1 and not front:  # a first letter, often: the order is the catalog's
            return indexes
        # Catalog order within a quality. A few qualities (most words): each one's rows are picked out when the
        # list first reads one of them (see roleui/core/world/ranked.py); more (the skipped letters of a short
        # word give many), or sums beyond a byte: a stable sort by quality, then the buckets are slices.
        buckets: dict[int, tuple[int, ...]] | None = None
        if len(distinct) > _FEW_QUALITIES or not isinstance(qualities, bytes):
            order = sorted(range(len(qualities)), key=qualities.__getitem__)[: len(qualities) - len(marked)]
            by_quality, ordered = _picked(qualities, order), _picked(indexes, order)
            buckets = {}
            for quality in distinct:
                start = bisect_left(by_quality, quality)
                buckets[quality] = ordered[start : bisect_right(by_quality, quality, start)]
        front.sort(key=lambda entry: (entry[1] >= SUBSEQUENCE, entry))
        # A favorite or a frequent role found only with skipped letters does not go before the rows that hold
        # every word whole: `data` must show the data accounts first, not ten AdministratorAccess rows.
        skipped = next((n for n, (_, quality, _) in enumerate(front) if quality >= SUBSEQUENCE), len(front))
        parts: list[tuple[int, ...] | int] = [tuple(i for _, _, i in front[:skipped])]
        for quality in distinct:
            if quality >= SUBSEQUENCE and skipped < len(front):
                parts.append(tuple(i for _, _, i in front[skipped:]))
                skipped = len(front)
            parts.append(quality if buckets is None else buckets[quality])
        parts.append(tuple(i for _, _, i in front[skipped:]))
        if buckets is None:
            assert isinstance(qualities, bytes)  # see above
            return Ranked(indexes, qualities, [part for part in parts if part != ()])
        ranked: list[int] = []
        for part in parts:
            assert isinstance(part, tuple)  # every quality's rows are picked out
            ranked += part
        return tuple(ranked)

    def highlights(self, index: int, query: str) -> dict[str, list[int]]:
        """Matched character positions per field label for one role (the list draws visible rows only)."""
        table = self._roles
        row = table.account_row(table.account_of[index])
        spec = table.specs[table.spec_of[index]]
        fields = fields_of(
            row[A_NAME], row[A_ID], row[A_ALIASES], spec[S_NAME], row[A_OU_PATH], row[A_TAGS], profile=spec[S_PROFILE]
        )
        return positions_in(fields, parse_query(query))


def _slots(found: _Matches) -> int:
    """The memory of cached matches, in 8-byte slots (an index is one; a byte quality an eighth)."""

    def size(values: Qualities) -> int:
        return len(values) // 8 if isinstance(values, bytes) else len(values)

    return len(found.indexes) + size(found.qualities) + (0 if found.last is found.qualities else size(found.last))


def _trim(
    cache: dict[tuple[Token, ...], _T],
    size: Callable[[_T], int],
    keep: Collection[tuple[Token, ...]] = (),
    budget: int = _CACHED_ROWS,
) -> None:
    """Drop the oldest entries until the cache is within its count and size budget: those not in `keep` first,
    then the oldest of the rest; never the newest."""
    total = sum(map(size, cache.values()))
    while len(cache) > 1 and (len(cache) > _CACHED_QUERIES or total > budget):
        newest = next(reversed(cache))
        oldest = next((tokens for tokens in cache if tokens not in keep and tokens != newest), next(iter(cache)))
        total -= size(cache.pop(oldest))


def highlight_positions(role: Role, tokens: Sequence[Token]) -> dict[str, list[int]]:
    """Which characters of which fields of `role` each word matched: field label -> sorted positions."""
    return positions_in(role_fields(role), tokens)


def positions_in(fields: Sequence[Field], tokens: Sequence[Token]) -> dict[str, list[int]]:
    """Which characters of which fields each word matched: field label -> sorted positions."""
    found: dict[str, set[int]] = {}
    for token in tokens:
        if token.tag_key is not None:
            for field in fields:
                if not field.label.startswith("tag:") or not field.label[4:].lower().startswith(token.tag_key):
                    continue
                lowered = field.text.lower()
                at = lowered.find(token.text)
                if at != -1:
                    span = range(at, at + len(token.text)) if token.text else range(len(field.text))
                    found.setdefault(field.label, set()).update(span)
            continue
        if not token.text:
            continue
        label, positions = _best_field(fields, token.text)
        if label is not None:
            found.setdefault(label, set()).update(positions)
    return {label: sorted(positions) for label, positions in found.items()}


def _best_field(fields: Sequence[Field], word: str) -> tuple[str | None, list[int]]:
    """The field a word matched best (aliases and the profile last on a tie: the list does not show them) and
    where."""
    best: tuple[tuple[int, bool], str, list[int]] | None = None
    for field in fields:
        lowered = field.text.lower()
        at = lowered.find(word)
        if at == -1:
            continue
        rank = (EXACT if lowered == word else PREFIX if at == 0 else SUBSTRING, field.label in _UNSHOWN)
        if best is None or rank < best[0]:
            best = (rank, field.label, list(range(at, at + len(word))))
    if best is not None:
        return best[1], best[2]
    for field in sorted(fields, key=lambda f: f.label in _UNSHOWN):
        positions = _tightest_subsequence(field.text.lower(), word)
        if positions is not None:
            return field.label, positions
    return None, []
