"""Each widget of the first screen is styled once before that screen is drawn (the two whose focus moves, twice).

Textual styles each widget as it is registered, before it is mounted (cheap: nothing is laid out yet), and then
the default screen and every widget on it once more in one pass when the screen is first shown (its ScreenResume).
Between the two, a change of a widget's classes or pseudo-classes restyles that widget on the spot: Textual
focuses the first focusable widget (the filter), the app moves the focus to the list (the filter restyled again,
then the list with its twelve component classes)... and the pass restyles them all once more, mounted by then, so
that each style it sets marks the widget for a repaint and a layout (~4 ms for the first screen's 29 nodes).

Here the restyles asked for before the pass wait for it, and the pass restyles only the widgets (with what they
hold) that asked: the rest were styled at their registration with the classes they still have. The screen's
own size classes are set before its widgets are registered (app.py's compose), so the screen is not among them;
if it were, the pass would restyle everything, as Textual's does. From that pass on, every restyle happens as
Textual does it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import App
from textual.screen import Screen

if TYPE_CHECKING:
    from textual.dom import DOMNode


if TYPE_CHECKING:
    _AppBase = App[None]
else:
    _AppBase = object  # a plain mixin at run time, as the app's parts are (roleui/ui/app_parts.py)


class StyledOnce(_AppBase):
    """An app whose first screen's widgets are styled at their registration, and restyled in the screen's first
    pass only if they changed since (see the module)."""

    _screen_styled = False
    _asked: dict[DOMNode, None] | None = None  # the nodes whose restyle waits for the pass, in order

    def update_styles(self, node: DOMNode, animate: bool = True) -> None:
        if self._screen_styled or isinstance(node, App):
            super().update_styles(node, animate)
        elif isinstance(node, Screen) and node.stack_updates:
            # The default screen's first ScreenResume (which counts itself in `stack_updates` before its pass).
            self._screen_styled = True
            asked, self._asked = self._asked or {}, None
            if node in asked:  # the screen's own classes changed: everything, as Textual's pass does
                super().update_styles(node, animate)
                return
            for widget in asked:
                # A restyle covers what the widget holds: one whose ancestor asked too is restyled with it.
                if widget.is_attached and not any(ancestor in asked for ancestor in widget.ancestors):
                    super().update_styles(widget, animate)
        elif isinstance(node, Screen) and not node.children:
            # Its size classes, set before its widgets are registered (app.py's compose), which are styled with
            # them: the screen alone is restyled (not mounted yet, so nothing is marked for a repaint).
            self.stylesheet.apply(node, animate=False)
        else:
            if self._asked is None:
                self._asked = {}
            self._asked[node] = None
