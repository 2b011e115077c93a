"""The UI's actions and their default keys; the catalog's `[keys]` table rebinds them (action = "key")."""

from __future__ import annotations

DEFAULT_KEYS: dict[str, str] = {
    "assume": "enter",
    "shell": "s",
    "copy_console_url": "c",
    "open_console": "o",
    "copy_exports": "y",
    "toggle_favorite": "f",
    "refresh_session": "r",
    "assume_scoped": "v",
    "history": "h",
    "forget_session": "x",
    "sign_in": "l",
    "focus_filter": "slash",
    "help": "question_mark",
    "quit": "q",
}
