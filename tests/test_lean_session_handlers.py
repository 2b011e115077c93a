"""roleui's botocore sessions register only botocore's built-in event handlers that can fire for the services
roleui makes clients of (roleui/aws/clients.py): for every event of those services they fire exactly the handlers
botocore's own session would, and none of the ~90 that serve S3, EC2, Glacier and the like."""

from __future__ import annotations

from typing import Any

import botocore.session
from botocore import handlers
from botocore.hooks import EVENT_ALIASES

from roleui.aws.clients import SERVICES, handles_services, lean_session


def fired(session: Any, event: str) -> list[Any]:
    """The handlers the session's emitter would call for `event`, in order (botocore's own lookup)."""
    return list(session.get_component("event_emitter")._emitter._handlers.prefix_search(event))


def events_of_roleuis_services() -> list[str]:
    """Every built-in handler's event, made concrete for each service roleui uses (`before-call.s3.PutObject`
    becomes `before-call.sts.PutObject`...; an event that names no service gets one and an operation)."""
    events = []
    for service in SERVICES:
        for spec in handlers.BUILTIN_HANDLERS:
            parts = spec[0].split(".")
            at = 2 if parts[0] == "docs" else 1
            parts += ["*"] * (at + 2 - len(parts))
            parts[at] = service
            events.append(".".join("Operation" if part == "*" else part for part in parts))
    return events


def test_each_service_roleui_uses_is_named_in_events_by_the_name_roleui_knows_it_by() -> None:
    reference = botocore.session.Session()
    for service in SERVICES:
        assert reference.get_service_model(service).service_id.hyphenize() == service
    assert not set(EVENT_ALIASES.values()) & set(SERVICES)  # no other name is turned into one of them


def test_for_every_event_of_roleuis_services_the_lean_session_fires_what_botocores_would() -> None:
    reference, lean = botocore.session.Session(), lean_session()
    events = events_of_roleuis_services()
    assert len(events) > 400
    for event in events:
        assert fired(lean, event) == fired(reference, event), event
    assert any(fired(lean, event) for event in events)


def test_the_handlers_of_other_services_are_not_registered() -> None:
    lean = lean_session()
    assert fired(lean, "before-parameter-build.s3.PutObject") == fired(lean, "before-parameter-build.sts.X")
    assert len(fired(botocore.session.Session(), "before-parameter-build.s3.PutObject")) > len(
        fired(lean, "before-parameter-build.s3.PutObject")
    )
    assert handles_services("before-call")
    assert handles_services("before-parse.sso-oidc.*")
    assert handles_services("docs.*.sts.*.complete-section")
    assert not handles_services("docs.*.s3.*.complete-section")
    assert not handles_services("after-call.iam")
    dropped = [spec for spec in handlers.BUILTIN_HANDLERS if not handles_services(spec[0])]
    assert len(dropped) > len(handlers.BUILTIN_HANDLERS) / 2
