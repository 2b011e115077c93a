"""The command palette (ctrl+p) offers every action of the app, with its key."""

from __future__ import annotations

from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.markup import escape

from roleui.ui.actions import ACTIONS, PALETTE_ONLY, Action


class ActionsProvider(Provider):
    """Every roleui action; choosing one runs it on the highlighted role."""

    def _entries(self) -> list[tuple[Action, str]]:
        keys: dict[str, str] = getattr(self.app, "action_keys", {})
        entries = []
        for action in (*ACTIONS, *PALETTE_ONLY):
            key = keys.get(action.name)
            shown = f"{action.help} · key {self.app.get_key_display(Binding(key, action.name))}" if key else action.help
            # Help text is markup to the palette: "[/]" from the `/` key would be a closing tag.
            entries.append((action, escape(shown)))
        return entries

    async def discover(self) -> Hits:
        for action, help_text in self._entries():
            yield DiscoveryHit(action.title, partial(self.app.run_action, action.name), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for action, help_text in self._entries():
            score = matcher.match(action.title)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(action.title), partial(self.app.run_action, action.name), help=help_text
                )
