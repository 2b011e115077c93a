"""The UI's actions as people see them: the footer label, the palette title and the help text of each.

Names are those of `roleui.core.catalog.keys.DEFAULT_KEYS` (which the catalog's `[keys]` rebinds) plus a few that only
the command palette offers. Each name `x` is the app's `action_x`.
"""

from __future__ import annotations

from typing import NamedTuple


class Action(NamedTuple):
    name: str
    footer: str  # short label in the footer; "" keeps it out of the footer
    title: str  # the command palette and the help screen
    help: str


ACTIONS: tuple[Action, ...] = (
    Action("assume", "assume", "Assume the highlighted role", "a fresh cached session is reused"),
    Action("shell", "shell", "Open a subshell under the role", "$SHELL in the session (assumes first)"),
    Action("copy_console_url", "url", "Copy the console switch-role URL", "the AWS console's switch-role link"),
    Action("open_console", "console", "Open the console (federated sign-in)", "federated sign-in, in the browser"),
    Action("copy_exports", "exports", "Copy the export lines", "`export AWS_...` lines for another shell"),
    Action("toggle_favorite", "fav", "Toggle favorite", "favorites come first from the next filter"),
    Action("refresh_session", "refresh", "Refresh the session", "assume again, ignoring the cache"),
    Action("assume_scoped", "read-only", "Assume read-only (scoped)", "the role with the read-only session policy ◇"),
    Action("history", "history", "Show the history", "what roleui assumed and handed out: when, why, key id"),
    Action("forget_session", "forget", "Forget the session", "delete the role's cached session"),
    Action("sign_in", "", "Sign in to Identity Center", "the highlighted permission set's sign-in, or the first one"),
    Action("focus_filter", "filter", "Filter roles", "type to filter"),
    Action("help", "help", "Help", "this screen"),
    Action("quit", "quit", "Quit", "with --print-env, prints the last session's exports"),
)

# Only in the command palette (no default key).
PALETTE_ONLY: tuple[Action, ...] = (
    Action("clear_filter", "", "Clear the filter", "show every role again"),
    Action("forget_all", "", "Forget every session", "delete every cached role session"),
    Action("refresh_organization", "", "Refresh the organization now", "rediscover AWS Organizations accounts"),
)

BY_NAME: dict[str, Action] = {a.name: a for a in (*ACTIONS, *PALETTE_ONLY)}
