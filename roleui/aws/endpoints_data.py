"""botocore's endpoints.json cut down to the services roleui calls, and kept cut down in roleui's cache.

Every botocore client is made with an endpoint resolver built from `endpoints.json`: 1.2 MB of JSON naming every
endpoint of ~400 services in every partition, parsed (into OrderedDicts) in about 50 ms — a tenth of a cold
`roleui env`, to look up four services. The resolver reads nothing but the partitions' own fields and the entries
of the services it is asked about, so the same data with only roleui's services gives the same answers for them.

Which entries to keep is read from botocore's own models (each service's `endpointPrefix`: `sso` is
`portal.sso`, `sso-oidc` is `oidc`), when a cut copy is made, so a future botocore that renames one is followed.
The cut copy is written once per endpoints file and set of services (the file's path, size and modification time
are the key: a botocore upgrade or an AWS_DATA_PATH override makes a new one) to `~/.cache/roleui/botocore/`, a
private directory, and read with the private reader: a damaged, foreign or missing copy is treated as absent and
made again from the original. Nothing here changes which file botocore would have used; only how much of it is
parsed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from roleui.core.paths import cache_dir
from roleui.core.private_files import UnsafePathError, read_private, write_private

SUFFIXES = (".json", ".json.gz")  # as botocore's JSONFileLoader tries them
FORMAT = 1  # bump when the cut copy's shape changes
KEPT_COPIES = 4


def trimmed(endpoints: dict[str, Any], prefixes: Iterable[str]) -> dict[str, Any]:
    """`endpoints` with each partition's `services` limited to `prefixes` (everything else as it was)."""
    keep = set(prefixes)
    partitions = [
        {**partition, "services": {k: v for k, v in partition.get("services", {}).items() if k in keep}}
        for partition in endpoints.get("partitions", [])
    ]
    return {**endpoints, "partitions": partitions}


def data_file(base: str) -> str | None:
    """The file botocore reads for the data path `base` (without extension), or None."""
    for suffix in SUFFIXES:
        if os.path.isfile(base + suffix):
            return base + suffix
    return None


def cut_copy_path(source: str, st: os.stat_result, services: Iterable[str]) -> Path:
    import hashlib  # botocore has imported it already; only this path needs it

    identity = "\0".join(
        [str(FORMAT), os.path.realpath(source), str(st.st_size), str(st.st_mtime_ns), *sorted(services)]
    )
    return cache_dir() / "botocore" / f"endpoints-{hashlib.sha256(identity.encode()).hexdigest()[:24]}.json"


def load_endpoints(
    base: str,
    load_full: Callable[[str], dict[str, Any] | None],
    services: Sequence[str],
    prefixes: Callable[[], Iterable[str]],
) -> dict[str, Any] | None:
    """The endpoints data at the data path `base`, cut to `services`: from the cached cut copy when there is a good
    one, else from `load_full(base)` (botocore's own reader) cut to `prefixes()` (the services' endpoint
    prefixes, asked only then), and cached. None when there is no such file."""
    source = data_file(base)
    if source is None:
        return None
    copy = cut_copy_path(source, os.stat(source), services)
    try:
        cached = json.loads(read_private(copy))
        if isinstance(cached, dict) and isinstance(cached.get("partitions"), list):
            return cached
    except (OSError, ValueError, UnsafePathError):
        pass  # missing, damaged, too large or not the user's own: made again below
    full = load_full(base)
    if full is None:
        return None
    data = trimmed(full, prefixes())
    try:
        write_private(copy, json.dumps(data, separators=(",", ":")).encode())
        _remove_others(copy)
    except (OSError, UnsafePathError):
        pass  # a read-only or unsafe cache costs this run its 50 ms, nothing else (the session cache says why)
    return data


def _remove_others(keep: Path) -> None:
    """Keep the KEPT_COPIES newest cut copies: an upgraded botocore's old copy goes, while two installations of
    roleui (pipx and a project's venv) sharing the cache keep one each instead of replacing each other's."""
    copies = sorted(keep.parent.glob("endpoints-*.json"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in copies[KEPT_COPIES:]:
        if old != keep:
            old.unlink(missing_ok=True)
