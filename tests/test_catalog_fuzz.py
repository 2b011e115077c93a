"""Property: whatever text or TOML document the loader is fed, it returns a Catalog or raises ConfigError."""

from __future__ import annotations

import string
from typing import Any

import hypothesis.strategies as st
from hypothesis import HealthCheck, given, settings

from roleui.core.catalog.parse import (
    ACCOUNT_KEYS,
    DEFAULTS_KEYS,
    ORG_KEYS,
    ROLE_KEYS,
    TEMPLATE_KEYS,
    TOP_KEYS,
    parse_catalog,
)
from roleui.core.errors import ConfigError
from roleui.core.models import Catalog

KNOWN_KEYS = sorted(
    {*TOP_KEYS, *DEFAULTS_KEYS, *ACCOUNT_KEYS, *ROLE_KEYS, *TEMPLATE_KEYS, *ORG_KEYS, "rules", "ou", "tags"}
)

scalars = st.one_of(
    st.text(max_size=20),
    st.sampled_from(
        ["1h", "90m", "123456789012", "arn:aws:iam::123456789012:mfa/x", "a/b", "blue", "eu-west-1", "{user}"]
    ),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.booleans(),
    st.floats(allow_nan=False),
)
keys = st.one_of(st.sampled_from(KNOWN_KEYS), st.text(alphabet=string.ascii_letters + "_-", min_size=1, max_size=8))
values: st.SearchStrategy[Any] = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=5),
    max_leaves=25,
)
documents = st.dictionaries(keys, values, max_size=6)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.encode("unicode_escape").decode("ascii").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f'"{k}" = {_toml_value(v)}' for k, v in value.items()) + "}"


def _to_toml(document: dict[str, Any]) -> str:
    return "\n".join(f'"{k}" = {_toml_value(v)}' for k, v in document.items())


def _loads_or_config_error(text: str) -> None:
    problems = []
    try:
        assert isinstance(parse_catalog(text, "fuzz.toml"), Catalog)
    except ConfigError as error:
        problems = error.problems
        assert problems, "a ConfigError always lists at least one problem"
    assert all(str(p).startswith("fuzz.toml") for p in problems)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_arbitrary_text_gives_a_catalog_or_a_config_error(text: str) -> None:
    _loads_or_config_error(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_arbitrary_toml_documents_give_a_catalog_or_a_config_error(document: dict[str, Any]) -> None:
    _loads_or_config_error(_to_toml(document))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.dictionaries(st.sampled_from(ACCOUNT_KEYS), values, max_size=6), max_size=4))
def test_arbitrary_account_tables_give_a_catalog_or_a_config_error(accounts: list[dict[str, Any]]) -> None:
    text = "\n".join("[[accounts]]\n" + _to_toml(account) for account in accounts)
    _loads_or_config_error(text)


roles = st.lists(st.dictionaries(st.sampled_from(ROLE_KEYS), values, max_size=8), max_size=3)
structured_accounts = st.lists(
    st.fixed_dictionaries(
        {"id": st.sampled_from(["123456789012", "222222222222", "12"]), "name": st.sampled_from(["a", "b", "A"])},
        optional={"roles": roles, "tags": st.dictionaries(keys, scalars, max_size=3)},
    ),
    max_size=3,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(structured_accounts, st.lists(st.dictionaries(st.sampled_from(TEMPLATE_KEYS), values, max_size=6), max_size=2))
def test_arbitrary_roles_and_templates_give_a_catalog_or_a_config_error(
    accounts: list[dict[str, Any]], templates: list[dict[str, Any]]
) -> None:
    _loads_or_config_error(_to_toml({"accounts": accounts, "templates": templates}))
