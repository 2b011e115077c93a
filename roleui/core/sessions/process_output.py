"""The credential_process output (Version 1), which both the fast door and `roleui env --format json` print.

Standard library only: the fast door of `credential-process` imports it on a cache hit.
"""

from __future__ import annotations


def credential_process_json(
    access_key_id: str, secret_access_key: str, session_token: str | None, expiration: str | None
) -> str:
    """The credential_process output (Version 1); `expiration` in RFC 3339 UTC. Written as json.dumps would,
    without importing json (roleui/core/json_lite.py): a cache hit prints this."""
    from roleui.core.json_lite import dumps_flat

    data: dict[str, str | int] = {"Version": 1, "AccessKeyId": access_key_id, "SecretAccessKey": secret_access_key}
    if session_token:
        data["SessionToken"] = session_token
    if expiration:
        data["Expiration"] = expiration
    return dumps_flat(data) + "\n"
