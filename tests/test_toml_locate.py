"""The line locator maps parsed key paths back to the lines that wrote them."""

from __future__ import annotations

from roleui.core.catalog.toml_locate import Locator

TEXT = """\
# comment
[defaults]
region = "eu-west-1"

[[accounts]]
id = "1"
tags = { a = "x",
         b = "y" }
name = "a"   # after a multi-line inline table
  [[accounts.roles]]
  name = "R"
  description = \"\"\"
  name = "not a key"
  \"\"\"
  [[accounts.roles]]
  "quoted.key" = 1
[[accounts]]
id = "2"
"""


def test_keys_of_arrays_of_tables_get_their_index() -> None:
    lines = Locator(TEXT)
    assert lines.line_of(("defaults", "region")) == 3
    assert lines.line_of(("accounts", 0, "id")) == 6
    assert lines.line_of(("accounts", 0, "name")) == 9
    assert lines.line_of(("accounts", 0, "roles", 0, "name")) == 11
    assert lines.line_of(("accounts", 0, "roles", 1, "quoted.key")) == 16
    assert lines.line_of(("accounts", 1, "id")) == 18


def test_an_unknown_path_falls_back_to_its_nearest_known_ancestor() -> None:
    lines = Locator(TEXT)
    assert lines.line_of(("accounts", 0, "roles", 1, "missing")) == 15
    assert lines.line_of(("accounts", 0, "tags", "b")) == 7
    assert lines.line_of(("nothing",)) == 0
