"""Each widget of the first screen is styled once before that screen is drawn, not two or three times.

Textual styles the default screen and every widget on it in one pass when the screen is first shown (its
ScreenResume), after everything is mounted. Before that pass, a change of a widget's classes or pseudo-classes
restyles that widget on the spot: Textual focuses the first focusable widget (the filter), the app moves the focus
to the list (the filter restyled again, then the list with its twelve component classes), the sessions panel is
told it is empty... and the pass restyles them all once more. Those early restyles are skipped here: the pass that
follows gives every widget the styles its classes and pseudo-classes have by then, so the first frame is the same
(~5 ms less before it). From that pass on, every restyle happens as Textual does it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import App
from textual.screen import Screen

if TYPE_CHECKING:
    from textual.dom import DOMNode


class StyledOnce(App[None]):
    """An app whose widgets are not restyled before the first whole-screen style pass (see the module)."""

    _screen_styled = False

    def update_styles(self, node: DOMNode, animate: bool = True) -> None:
        if not self._screen_styled:
            if isinstance(node, Screen) and node.stack_updates:
                # The default screen's first ScreenResume (which counts itself in `stack_updates` before its pass).
                self._screen_styled = True
            elif not isinstance(node, App):
                # The screen's first pass, still to come, styles this node with its classes as they are then (the
                # screen itself too: the app gives it its size classes before that pass).
                return
        super().update_styles(node, animate)
