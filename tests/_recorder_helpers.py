"""moto's own request recorder, for tests that assert what reached STS (or IAM) from any process.

The moto server of the tests runs in the test process, so its recorder (a module-level object) is pointed at a
file of the test's and switched on through the server's `/moto-api/recorder/` API; `calls(action)` reads back the
form parameters of each recorded request of that action. The demo's own moto records the same way when started
with MOTO_ENABLE_RECORDING and MOTO_RECORDER_FILEPATH (`recorded_calls(path, action)`).
"""

from __future__ import annotations

import base64
import json
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs


def recorded_calls(path: Path, action: str) -> list[dict[str, str]]:
    """The form parameters of every recorded request whose Action is `action`, in order."""
    found: list[dict[str, str]] = []
    if not path.exists():
        return found
    for line in path.read_text().splitlines():
        entry = json.loads(line)
        body = entry.get("body") or ""
        if entry.get("body_encoded"):
            body = base64.b64decode(body).decode("utf-8", "replace")
        params = {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}
        if params.get("Action") == action:
            found.append(params)
    return found


class Recording:
    def __init__(self, path: Path) -> None:
        self.path = path

    def calls(self, action: str) -> list[dict[str, str]]:
        return recorded_calls(self.path, action)


@contextmanager
def recording(server: str, path: Path) -> Iterator[Recording]:
    """moto's recorder on for the block, writing to `path`."""
    from moto.moto_api import recorder
    from moto.moto_api._internal.recorder.models import Recorder

    assert isinstance(recorder, Recorder)
    before = recorder._location
    recorder._location = str(path)
    path.write_text("")

    def post(what: str) -> None:
        request = urllib.request.Request(f"{server}/moto-api/recorder/{what}", method="POST")
        urllib.request.urlopen(request).read()

    post("start-recording")
    try:
        yield Recording(path)
    finally:
        post("stop-recording")
        recorder._location = before
