"""Identity Center tokens in the cache AWS CLI v2 and every botocore share: ~/.aws/sso/cache/<sha1>.json.

The file is named after the sha1 of the sso-session name, or of the start URL for a legacy profile (botocore's
SSOTokenLoader), and holds `startUrl`, `region`, `accessToken`, `expiresAt`, and for an sso-session the client
registration (`clientId`, `clientSecret`, `registrationExpiresAt`) and `refreshToken` that botocore's
SSOTokenProvider refreshes with. So `aws` sees roleui's sign-in and roleui sees theirs.
Files are written through roleui's one private writer (core/private_files.py: 0600, exclusive temporary file, in
a 0700 directory verified to be the user's) and read only when the user owns them and nobody else can write
them: a token another local user planted or could swap is refused with the command that fixes it.
Standard library only: the UI's header reads these without boto3.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from roleui.core.errors import RoleuiError
from roleui.core.paths import sso_cache_dir
from roleui.core.private_files import UnsafePathError, check_private_dir, read_private, write_private
from roleui.core.timefmt import format_time, parse_time


@dataclass(frozen=True, slots=True)
class SsoToken:
    """A signed-in Identity Center session. Secrets are kept out of the repr (it may reach a log)."""

    start_url: str
    region: str
    access_token: str = field(repr=False)
    expires_at: datetime
    session_name: str | None = None  # the [sso-session NAME]; None: a legacy profile's token
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    registration_expires_at: datetime | None = None
    refresh_token: str | None = field(default=None, repr=False)

    def is_valid(self, now: datetime, margin: float = 0) -> bool:
        return (self.expires_at - now).total_seconds() > margin

    def can_refresh(self, now: datetime) -> bool:
        return bool(
            self.refresh_token
            and self.client_id
            and self.client_secret
            and self.registration_expires_at is not None
            and self.registration_expires_at > now
        )

    def as_json(self) -> dict[str, str]:
        data = {
            "startUrl": self.start_url,
            "region": self.region,
            "accessToken": self.access_token,
            "expiresAt": format_time(self.expires_at),
        }
        if self.client_id and self.client_secret:
            data["clientId"] = self.client_id
            data["clientSecret"] = self.client_secret
        if self.registration_expires_at is not None:
            data["registrationExpiresAt"] = format_time(self.registration_expires_at)
        if self.refresh_token:
            data["refreshToken"] = self.refresh_token
        return data


def cache_key(session_name: str | None, start_url: str) -> str:
    """botocore's: the sha1 of the session name, or of the start URL when there is none."""
    return hashlib.sha1((session_name or start_url).encode("utf-8")).hexdigest()  # noqa: S324 - a name, not security


def token_path(session_name: str | None, start_url: str) -> Path:
    return sso_cache_dir() / f"{cache_key(session_name, start_url)}.json"


def load_token(session_name: str | None, start_url: str) -> SsoToken | None:
    """The cached token of this session (or legacy start URL), or None: missing, unreadable, another start URL.
    UnsafePathError (one line, exit 2) when the file or its directory is not private to the user."""
    try:
        data = json.loads(read_private(token_path(session_name, start_url)))
    except UnsafePathError:
        raise
    except (OSError, ValueError, UnicodeError):
        return None
    token = _from_json(data, session_name)
    return token if token is not None and token.start_url == start_url else None


def save_token(token: SsoToken) -> Path:
    """Write `token` where botocore looks for it: 0600 (directory 0700), atomically. RoleuiError on failure."""
    path = token_path(token.session_name, token.start_url)
    try:
        write_private(path, json.dumps(token.as_json(), indent=2).encode("utf-8"))
    except UnsafePathError:
        raise
    except OSError as error:
        raise RoleuiError(f"cannot write the Identity Center token to {path}: {error.strerror or error}") from None
    return path


def delete_token(session_name: str | None, start_url: str) -> bool:
    try:
        token_path(session_name, start_url).unlink()
    except FileNotFoundError:
        return False
    except OSError as error:
        raise RoleuiError(f"cannot delete the Identity Center token: {error.strerror or error}") from None
    return True


def _from_json(data: Any, session_name: str | None) -> SsoToken | None:
    if not isinstance(data, dict):
        return None
    try:
        start_url, region, access, expires = (data[k] for k in ("startUrl", "region", "accessToken", "expiresAt"))
        if not all(isinstance(v, str) for v in (start_url, region, access, expires)):
            return None
        registration = data.get("registrationExpiresAt")
        return SsoToken(
            start_url=start_url,
            region=region,
            access_token=access,
            expires_at=parse_time(expires),
            session_name=session_name,
            client_id=_text(data.get("clientId")),
            client_secret=_text(data.get("clientSecret")),
            registration_expires_at=parse_time(registration) if isinstance(registration, str) else None,
            refresh_token=_text(data.get("refreshToken")),
        )
    except (KeyError, ValueError):
        return None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def cached_tokens() -> list[tuple[Path, SsoToken]]:
    """Every Identity Center token in the cache (files of other kinds there, such as botocore's client
    registrations, are left out)."""
    found: list[tuple[Path, SsoToken]] = []
    check_private_dir(sso_cache_dir())
    for path in sorted(sso_cache_dir().glob("*.json")):
        try:
            data = json.loads(read_private(path))
        except UnsafePathError:
            raise
        except (OSError, ValueError, UnicodeError):
            continue
        token = _from_json(data, None)
        if token is not None:
            found.append((path, token))
    return found
