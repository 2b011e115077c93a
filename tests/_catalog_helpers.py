"""Helpers for catalog tests: parse TOML text and read back the problems as the user sees them."""

from __future__ import annotations

import textwrap

import pytest

from roleui.core.catalog.parse import parse_catalog
from roleui.core.errors import ConfigError
from roleui.core.models import Catalog


def catalog_of(text: str) -> Catalog:
    return parse_catalog(textwrap.dedent(text), "cat.toml")


def problems_of(text: str) -> list[str]:
    with pytest.raises(ConfigError) as raised:
        parse_catalog(textwrap.dedent(text), "cat.toml")
    return [str(p) for p in raised.value.problems]


def one_problem(text: str) -> str:
    problems = problems_of(text)
    assert len(problems) == 1, problems
    return problems[0]


ACCOUNT = """
[[accounts]]
id = "222222222222"
name = "shared-data"
"""
