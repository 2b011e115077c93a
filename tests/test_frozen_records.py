"""The records (roleui/core/frozen_record.py): dataclasses whose methods are written once, in the base, and whose
constructors are written by hand. The first four are checked against the dataclasses they were, declared here as
they were (the same constructor, repr with secrets left out, equality, hash, refusal to change); every record of
roleui is checked for a constructor that takes its fields in order, keeps each in its own slot, and makes its
default dicts anew."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
from dataclasses import FrozenInstanceError, dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest

from roleui.aws.sts import Identity
from roleui.core.frozen_record import FrozenRecord
from roleui.core.scopes import NONE, SessionPolicy
from roleui.core.sessions.credcache import BaseRef
from roleui.core.sessions.session import Credentials


@dataclass(frozen=True, slots=True)
class Credentials0:
    access_key_id: str
    secret_access_key: str = field(repr=False)
    session_token: str | None = field(default=None, repr=False)
    expiration: datetime | None = None


@dataclass(frozen=True, slots=True)
class BaseRef0:
    profile: str | None
    description: str
    fingerprint: str


@dataclass(frozen=True)
class Identity0:
    account: str
    arn: str
    user_id: str


@dataclass(frozen=True, slots=True)
class SessionPolicy0:
    label: str | None = None
    policy_arns: tuple[str, ...] = ()
    policy: str | None = None


EXPIRY = datetime(2026, 5, 1, 12, tzinfo=UTC)
# (record class, the dataclass it was, constructor arguments: positional, then keywords)
CASES: list[tuple[type[Any], type[Any], tuple[Any, ...], dict[str, Any]]] = [
    (Credentials, Credentials0, ("AKIAEXAMPLE", "the-secret"), {"session_token": "the-token", "expiration": EXPIRY}),
    (Credentials, Credentials0, ("AKIAEXAMPLE", "the-secret"), {}),
    (BaseRef, BaseRef0, (None, "environment credentials AKIA", "env\nAKIA"), {}),
    (BaseRef, BaseRef0, ("tooling", "profile tooling", "profile\ntooling"), {}),
    (Identity, Identity0, ("111111111111",), {"arn": "arn:aws:iam::111111111111:user/deepak", "user_id": "AIDA"}),
    (SessionPolicy, SessionPolicy0, (), {"label": "read-only", "policy_arns": ("arn:aws:iam::aws:policy/ReadOnly",)}),
    (SessionPolicy, SessionPolicy0, (), {}),
]


def _parameters(cls: type[Any]) -> list[str]:
    return [str(p) for p in inspect.signature(cls).parameters.values()]


def _renamed(text: str, record: type[Any], reference: type[Any]) -> str:
    return text.replace(reference.__qualname__ + "(", record.__qualname__ + "(")


@pytest.mark.parametrize(("record", "reference", "args", "kwargs"), CASES)
def test_a_record_is_made_shown_compared_and_hashed_as_its_dataclass_was(
    record: type[Any], reference: type[Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    made, was = record(*args, **kwargs), reference(*args, **kwargs)
    assert repr(made) == _renamed(repr(was), record, reference)
    assert _parameters(record) == _parameters(reference)
    assert made == record(*args, **kwargs)
    assert hash(made) == hash(record(*args, **kwargs))
    assert made != was  # another class, as two dataclasses with the same fields are never equal
    assert [getattr(made, f.name) for f in dataclasses.fields(reference)] == list(dataclasses.astuple(was))
    other = {**dict(zip(record.__slots__, made._values(), strict=True)), record.__slots__[0]: "something else"}
    assert record(**other) != made


@pytest.mark.parametrize("record", sorted({case[0] for case in CASES}, key=lambda c: c.__name__))
def test_a_record_refuses_to_change_and_to_take_attributes_it_does_not_have(record: type[FrozenRecord]) -> None:
    made = next(record(*args, **kwargs) for cls, _, args, kwargs in CASES if cls is record)
    name = record.__slots__[0]
    with pytest.raises(FrozenInstanceError):
        setattr(made, name, "x")
    with pytest.raises(FrozenInstanceError):
        delattr(made, name)
    with pytest.raises(AttributeError):  # FrozenInstanceError is one; no __dict__ takes a new attribute either
        made.elsewhere = 1  # type: ignore[attr-defined]
    with pytest.raises(TypeError):
        record(*[None] * (len(record.__slots__) + 1))


def test_the_secret_and_the_token_never_appear_in_the_repr_of_credentials_or_a_session() -> None:
    from roleui.core.sessions.session import Session

    credentials = Credentials("AKIAEXAMPLE", "the-secret", "the-token", EXPIRY)
    session = Session("a/R", "arn:aws:iam::1:role/R", "1", "arn:aws:sts::1:assumed-role/R/s", "s", credentials)
    for text in (repr(credentials), repr(session), str(credentials)):
        assert "the-secret" not in text
        assert "the-token" not in text
        assert "AKIAEXAMPLE" in text


def test_no_session_policy_is_falsy_and_the_shared_default_equals_a_new_empty_one() -> None:
    assert not NONE
    assert SessionPolicy() == NONE
    assert SessionPolicy(policy="{}")
    assert SessionPolicy(policy_arns=("arn:aws:iam::aws:policy/ReadOnlyAccess",)).plaintext == len(
        "arn:aws:iam::aws:policy/ReadOnlyAccess"
    )


def _records() -> list[type[FrozenRecord]]:
    """Every record roleui defines (the core and the AWS adapters hold them all)."""
    import pkgutil

    import roleui.aws
    import roleui.core

    found: dict[str, type[FrozenRecord]] = {}
    for package in (roleui.core, roleui.aws):
        for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            for value in vars(importlib.import_module(module.name)).values():
                if isinstance(value, type) and issubclass(value, FrozenRecord) and value is not FrozenRecord:
                    found[f"{value.__module__}.{value.__qualname__}"] = value
    return [found[name] for name in sorted(found)]


RECORDS = _records()


def test_the_catalog_and_session_records_are_all_found() -> None:
    names = {cls.__name__ for cls in RECORDS}
    assert {"Account", "Role", "Catalog", "Defaults", "OrgConfig", "Scope", "Location", "BrowserConfig"} <= names
    assert {"Credentials", "BaseRef", "Identity", "SessionPolicy"} <= names


@pytest.mark.parametrize("record", RECORDS, ids=lambda cls: cls.__name__)
def test_each_record_is_a_dataclass_whose_constructor_takes_its_fields_in_order(record: type[FrozenRecord]) -> None:
    names = [f.name for f in dataclasses.fields(record)]
    assert names == list(record.__slots__)
    assert [p.name for p in inspect.signature(record).parameters.values()] == names
    assert not hasattr(record(**_distinct(record)), "__dict__")


@pytest.mark.parametrize("record", RECORDS, ids=lambda cls: cls.__name__)
def test_each_record_keeps_every_value_given_in_its_own_field(record: type[FrozenRecord]) -> None:
    given = _distinct(record)
    made = record(**given)
    assert {name: getattr(made, name) for name in record.__slots__} == given
    assert all(getattr(made, name) is value for name, value in given.items())
    changed = dataclasses.replace(made, **{record.__slots__[-1]: "changed"})
    assert getattr(changed, record.__slots__[-1]) == "changed"
    assert changed != made
    assert dataclasses.replace(changed, **{record.__slots__[-1]: given[record.__slots__[-1]]}) == made


@pytest.mark.parametrize(
    "record", [cls for cls in RECORDS if cls.__name__ in ("Account", "Role", "Defaults", "OrgConfig", "Catalog")]
)
def test_a_record_made_twice_with_the_default_dicts_does_not_share_them(record: type[FrozenRecord]) -> None:
    required = {
        p.name: _distinct(record)[p.name] for p in inspect.signature(record).parameters.values() if p.default is p.empty
    }
    first, second = record(**required), record(**required)
    dicts = [name for name in record.__slots__ if isinstance(getattr(first, name), dict)]
    assert dicts
    assert first == second
    for name in dicts:
        assert getattr(first, name) == {}
        assert getattr(first, name) is not getattr(second, name)


def _distinct(record: type[FrozenRecord]) -> dict[str, Any]:
    """A value for each field that no default and no other field has."""
    return {name: f"<{record.__name__}.{name}>" for name in record.__slots__}


@pytest.mark.parametrize("record", RECORDS, ids=lambda cls: cls.__name__)
def test_each_record_copies_and_pickles_as_a_frozen_dataclass_does(record: type[FrozenRecord]) -> None:
    import copy
    import pickle

    made = record(**_distinct(record))
    for again in (copy.copy(made), copy.deepcopy(made), pickle.loads(pickle.dumps(made))):
        assert again == made
        assert type(again) is record
