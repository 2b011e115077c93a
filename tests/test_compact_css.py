"""The app hands Textual app.tcss written compactly (roleui/ui/compact_css.py): the same rules, fewer tokens."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.css.stylesheet import Stylesheet
from textual.css.tokenize import tokenize

import roleui.ui
from roleui.ui.app import RoleuiApp
from roleui.ui.compact_css import app_css, compact

SOURCE = (Path(roleui.ui.__file__).parent / "app.tcss").read_text(encoding="utf-8")


def _rules(css: str) -> list[tuple[str, str]]:
    """Each rule's selectors and declarations, as Textual parses them (layouts by name: they compare by identity)."""
    stylesheet = Stylesheet(variables=App().get_css_variables())
    stylesheet.add_source(css, read_from=("app.tcss", ""))
    stylesheet.parse()
    return [
        (str(rule.selector_set), repr(sorted((k, getattr(v, "name", v)) for k, v in rule.styles.get_rules().items())))
        for rule in stylesheet.rules
    ]


def test_the_compact_stylesheet_has_every_rule_of_app_tcss_and_nothing_else() -> None:
    assert RoleuiApp.CSS == app_css() == compact(SOURCE)
    assert _rules(app_css()) == _rules(SOURCE)
    assert len(_rules(SOURCE)) > 30


def test_it_is_about_half_the_tokens_none_of_them_a_comment() -> None:
    source, compacted = (list(tokenize(css, ("app.tcss", ""))) for css in (SOURCE, app_css()))
    assert "/*" in SOURCE
    assert "/*" not in app_css()
    assert len(compacted) < 0.65 * len(source)


def test_comments_and_spaces_go_but_the_spaces_that_separate_values_and_selectors_stay() -> None:
    css = "/* a */\nScreen.-narrow  #bottom {\n    border: round $primary;  /* b */\n}\n\nA > .b { color: red; }"
    assert compact(css) == "Screen.-narrow #bottom{border:round $primary;}A > .b{color:red;}"
