"""The app's parts (roleui/ui/app_parts.py) are plain mixins at run time, so each message they post is handled by
Textual's naming convention: a handler misnamed would never run, and nothing else would say so."""

from __future__ import annotations

import inspect
import threading

import pytest
from _ui_helpers import make_app, settle
from textual.app import App
from textual.message import Message

from roleui.ui import assuming, cache_watch, discovery_refresh, sign_in
from roleui.ui.app import RoleuiApp
from roleui.ui.app_parts import AppParts, Warned
from roleui.ui.styled_once import StyledOnce

PART_MODULES = (assuming, cache_watch, discovery_refresh, sign_in)
MESSAGES = sorted(
    {
        value
        for module in PART_MODULES
        for value in vars(module).values()
        if inspect.isclass(value) and issubclass(value, Message) and value.__module__ == module.__name__
    },
    key=lambda cls: cls.__name__,
)


def test_the_parts_post_these_messages() -> None:
    names = {cls.__name__ for cls in MESSAGES}
    assert {"RoleAssumed", "AssumeFailed", "SessionsLoaded", "CacheReread", "SignedIn", "SignInNeeded"} <= names


@pytest.mark.parametrize("message", [*MESSAGES, Warned], ids=lambda cls: cls.__name__)
def test_every_message_of_a_part_has_one_handler_textual_finds_on_the_app(message: type[Message]) -> None:
    handler = message.handler_name  # "on_role_assumed"
    found = [
        cls.__name__
        for cls in RoleuiApp.__mro__
        if f"_{handler}" in vars(cls) or handler in vars(cls) or _decorated(cls, message)
    ]
    assert len(found) == 1, (message.__name__, found)


def test_only_the_app_itself_is_an_app_class_the_parts_are_plain_mixins() -> None:
    apps = [cls.__name__ for cls in RoleuiApp.__mro__ if issubclass(cls, App)]
    assert apps == ["RoleuiApp", "App"]
    for part in (AppParts, StyledOnce, *(cls for cls in RoleuiApp.__mro__[1:] if issubclass(cls, AppParts))):
        assert not issubclass(part, App), part


def _decorated(cls: type, message: type[Message]) -> bool:
    """Whether `cls` has an `@on(message)` handler (Textual collects them only from its own classes)."""
    return message in vars(cls).get("_decorated_handlers", {})


async def test_leaving_the_app_ends_a_sign_in_that_waits_for_the_browser() -> None:
    """SignInFlow's Unmount handler (found by name, beside RoleuiApp's own): exit must not hang on the worker."""
    app = make_app()
    waiting = threading.Event()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app._sign_in_cancel = waiting
    assert waiting.is_set()
