"""JSON for the fast doors without importing `json`: its decoder imports `re` (with enum and functools), which
costs a `credential-process` cache hit more than reading and answering it does.

CPython's `_json` accelerator (what `json` itself runs on) is a builtin module that imports nothing: `loads` and
`dumps_flat` use it and give exactly json's answers. Where it is missing they fall back to `json`.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs a fast path ~4 ms
if TYPE_CHECKING:
    from collections.abc import Mapping


class _Context:
    """What `_json.make_scanner` reads from a json.JSONDecoder: json.loads' defaults."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = float  # NaN, Infinity, -Infinity: what json.loads makes of them too


def loads(text: str) -> object:
    """json.loads(text); ValueError when `text` is not one JSON document."""
    try:
        from _json import make_scanner
    except ImportError:  # another Python: the standard way
        import json

        return json.loads(text)
    scan = make_scanner(_Context())  # type: ignore[arg-type]  # it reads only _Context's attributes
    start = len(text) - len(text.lstrip(" \t\n\r"))
    try:
        value, end = scan(text, start)
    except StopIteration:
        raise ValueError("not a JSON document") from None
    if text[end:].strip(" \t\n\r"):
        raise ValueError("extra data after the JSON document")
    return value


def dumps_flat(data: Mapping[str, str | int]) -> str:
    """json.dumps(data) for an object of strings and integers, byte for byte."""
    try:
        from _json import encode_basestring_ascii as quote
    except ImportError:
        import json

        return json.dumps(data)
    items = (f"{quote(key)}: {value if isinstance(value, int) else quote(value)}" for key, value in data.items())
    return "{" + ", ".join(items) + "}"
