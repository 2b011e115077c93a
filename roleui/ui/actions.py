"""The UI's actions as people see them: the footer label, the palette title and the help text of each.

Names are those of `roleui.core.catalog.keys.DEFAULT_KEYS` (which the catalog's `[keys]` rebinds) plus a few that only
the command palette offers. Each name `x` is the app's `action_x`.
"""

from __future__ import annotations

from typing import NamedTuple

from roleui.core.browser_config import BrowserConfig
from roleui.core.browser_modes import mode_label


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
    Action(
        "sign_in", "sign in", "Sign in to Identity Center", "the highlighted permission set's sign-in, or the first one"
    ),
    Action(
        "focus_filter",
        "filter",
        "Filter roles",
        "then type; in the list, a key no action uses (p, 1, d...) starts the filter too, as in fzf, while the "
        "action keys above keep their action: a word starting with one of them needs / first",
    ),
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


# The key bar's few letters for each browser mode (the help screen says it in full).
MODE_FOOTER = {
    "default": "console",
    "firefox-container": "console·ff",
    "chromium-profile": "console·profile",
    "multi-session": "console·multi",
    "command": "console·cmd",
}


def actions_for(browser: BrowserConfig) -> tuple[Action, ...]:
    """ACTIONS, with `open_console` saying how the catalog's `[browser]` opens consoles (unchanged by default)."""
    if browser.mode == "default":
        return ACTIONS
    label = mode_label(browser)
    how = {
        "firefox-container": f"one Firefox container per role ({browser.extension} extension)",
        "chromium-profile": f"one {browser.browser} profile per {browser.profile_per}",
        "multi-session": "the console's multi-session mode (up to 5 sessions in one browser)",
        "command": "through the [browser] command",
    }[browser.mode]
    console = Action(
        "open_console", MODE_FOOTER[browser.mode], f"Open the console ({label})", f"federated sign-in, in {how}"
    )
    return tuple(console if a.name == "open_console" else a for a in ACTIONS)
