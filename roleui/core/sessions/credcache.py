"""The credential cache: one JSON file per role session (and per MFA session) in the user cache dir.

Safety: the directory is 0700 and every file 0600 from its creation; a file is written to a temp file, synced
and renamed over the old one, so a reader or a crash never sees half a file; a per-key file lock (flock(2) on
POSIX, the `filelock` package elsewhere) keeps two roleui processes from assuming the same session twice. The key is a hash of everything that changes the session: role ARN, session name (or its template),
ExternalId, tags, source identity, duration, MFA device, session policies, the base credentials and the chain
(`via`) — so a changed catalog never returns a stale session, and a scoped session is never served for an unscoped
request or another scope (nor the reverse). No secret appears in a file name.

This module is pure (no boto3): `roleui credential-process` answers a cache hit from here alone.
"""

from __future__ import annotations

import configparser
import contextlib
import hashlib
import json
import os
import time
from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from roleui.core.errors import RoleuiError
from roleui.core.frozen_record import FrozenRecord, record
from roleui.core.models import Catalog, Role
from roleui.core.paths import cache_dir
from roleui.core.private_files import (
    UnsafePathError,
    check_private_dir,
    check_private_file,
    private_dir,
    read_private,
    write_private,
)
from roleui.core.sessions.assume_plan import AssumeOptions, AssumeRequest, plan_assume
from roleui.core.sessions.session import Credentials, Session
from roleui.core.timefmt import parse_time

if TYPE_CHECKING:
    from roleui.core.sessions.mfa_session import MfaSession

FORMAT = 1
LOCK_TIMEOUT = 120.0  # another roleui may be waiting for its MFA code; then give up with a clear message
LOCK_POLL = 0.05  # seconds between tries of a held lock
STALE_TEMP = 3600.0  # temp files older than this are leftovers of a crash

# Profile settings that decide who the base credentials are (secrets are left out: the key is a hash anyway,
# but there is no reason to feed it one).
_IDENTITY_KEYS = (
    "aws_access_key_id",
    "role_arn",
    "source_profile",
    "credential_source",
    "credential_process",
    "sso_session",
    "sso_account_id",
    "sso_role_name",
    "sso_start_url",
    "web_identity_token_file",
)


@record
class BaseRef(FrozenRecord):
    """Which base credentials a session starts from: for messages (`description`) and the cache key."""

    profile: str | None  # what boto3 is given; None = botocore's default chain
    description: str  # "profile tooling", "environment credentials AKIA...", ...
    fingerprint: str

    def __init__(self, profile: str | None, description: str, fingerprint: str) -> None:
        self._init(profile, description, fingerprint)


def _profile_items(profile: str, environ: Mapping[str, str]) -> list[str]:
    """The identity-deciding settings of `profile` in the AWS config and credentials files (no secrets)."""
    found: list[str] = []
    files = (
        (
            environ.get("AWS_CONFIG_FILE") or "~/.aws/config",
            f"profile {profile}" if profile != "default" else "default",
        ),
        (environ.get("AWS_SHARED_CREDENTIALS_FILE") or "~/.aws/credentials", profile),
    )
    for file, section in files:
        parser = configparser.RawConfigParser()
        try:
            parser.read(Path(file).expanduser(), encoding="utf-8")
        except (configparser.Error, OSError, UnicodeError):
            continue
        if parser.has_section(section):
            found += [f"{file}:{k}={parser.get(section, k)}" for k in _IDENTITY_KEYS if parser.has_option(section, k)]
    return found


def base_ref(profile: str | None, environ: Mapping[str, str]) -> BaseRef:
    """Describe and fingerprint the base credentials without calling AWS (a cache lookup must stay offline)."""
    if profile:
        return BaseRef(
            profile, f"profile {profile}", "\n".join(["profile", profile, *_profile_items(profile, environ)])
        )
    key_id = environ.get("AWS_ACCESS_KEY_ID")
    if key_id:
        return BaseRef(None, f"environment credentials {key_id}", f"env\n{key_id}")
    endpoint = environ.get("AWS_CONTAINER_CREDENTIALS_FULL_URI")
    if endpoint:
        # Inside a roleui session served by an endpoint (`--nest`): the outer role is the base, not the chain's.
        outer = environ.get("ROLEUI_ROLE_ARN") or endpoint
        return BaseRef(None, f"the credential endpoint of {outer}", f"endpoint\n{outer}")
    named = environ.get("AWS_DEFAULT_PROFILE") or environ.get("AWS_PROFILE")
    if named:
        return BaseRef(
            None,
            f"profile {named} (from the environment)",
            "\n".join(["profile", named, *_profile_items(named, environ)]),
        )
    return BaseRef(None, "the default credential chain", "\n".join(["chain", *_profile_items("default", environ)]))


def _digest(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def request_key(request: AssumeRequest, environ: Mapping[str, str]) -> str:
    """The cache key of a role session: a hash of everything that changes it (recursively through `via`)."""
    upstream = request_key(request.via, environ) if request.via is not None else None
    role = request.role
    if role.is_permission_set:  # its session comes from the Identity Center sign-in, whatever the environment
        base: str | None = f"identity-center\n{role.sso_session}\n{role.sso_start_url}\n{role.sso_region}"
    else:
        base = None if request.via is not None else base_ref(request.source_profile, environ).fingerprint
    # Session policies join the key only when there are some, so the keys of unscoped sessions stay as they were.
    policy = request.session_policy
    scoped = [["policy", list(policy.policy_arns), policy.policy]] if policy else []
    return _digest(
        FORMAT,
        request.role.arn,
        request.session_name,
        request.explicit_name,
        request.external_id,
        sorted(request.tags.items()),
        list(request.transitive_tag_keys),
        request.source_identity,
        request.duration,
        request.mfa_serial,
        base,
        upstream,
        *scoped,
    )


def mfa_key(serial: str, base: BaseRef) -> str:
    return _digest(FORMAT, "mfa", serial, base.fingerprint)


def identity_key(base: BaseRef, access_key_id: str) -> str:
    """The key of what the base credentials are (GetCallerIdentity): the base (profile, its SSO session or role
    settings, or the environment) and the access key id they resolve to. New keys, a refreshed SSO or role
    session, an edited profile: a new key, so the identity is asked again, once."""
    return _digest(FORMAT, "identity", base.fingerprint, access_key_id)


def is_fresh(expiration: datetime | None, now: datetime, margin: int) -> bool:
    """Usable: more than `margin` seconds left. Long-lived keys (no expiration) are never cached."""
    return expiration is not None and (expiration - now).total_seconds() > margin


def credentials_to_json(credentials: Credentials) -> dict[str, Any]:
    return {
        "AccessKeyId": credentials.access_key_id,
        "SecretAccessKey": credentials.secret_access_key,
        "SessionToken": credentials.session_token,
        # Full precision in the cache: a session read back equals the one that was written.
        "Expiration": credentials.expiration.isoformat() if credentials.expiration else None,
    }


def credentials_from_json(data: Mapping[str, Any]) -> Credentials:
    expiration = data.get("Expiration")
    return Credentials(
        access_key_id=str(data["AccessKeyId"]),
        secret_access_key=str(data["SecretAccessKey"]),
        session_token=str(data["SessionToken"]) if data.get("SessionToken") else None,
        expiration=parse_time(str(expiration)) if expiration else None,
    )


def session_to_json(session: Session, base: str) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "kind": "role",
        "role_key": session.role_key,
        "role_arn": session.role_arn,
        "account_id": session.account_id,
        "assumed_role_arn": session.assumed_role_arn,
        "session_name": session.session_name,
        "region": session.region,
        "chained": session.chained,
        "issued_at": session.issued_at.isoformat() if session.issued_at else None,
        "base": base,
        "scope": session.scope,
        "credentials": credentials_to_json(session.credentials),
    }


def session_from_json(data: Mapping[str, Any]) -> Session:
    issued = data.get("issued_at")
    return Session(
        role_key=str(data["role_key"]),
        role_arn=str(data["role_arn"]),
        account_id=str(data["account_id"]),
        assumed_role_arn=str(data["assumed_role_arn"]),
        session_name=str(data["session_name"]),
        credentials=credentials_from_json(data["credentials"]),
        region=str(data["region"]) if data.get("region") else None,
        chained=bool(data.get("chained", False)),
        issued_at=parse_time(str(issued)) if issued else None,
        scope=str(data["scope"]) if data.get("scope") else None,
    )


IDENTITY_CENTER_BASE = "IAM Identity Center ("


def identity_center_base(start_url: str | None) -> str:
    """What a permission set's session records as its base: the portal whose sign-in got it (`roleui logout` forgets
    the sessions of the portal it signs out of by this)."""
    return f"{IDENTITY_CENTER_BASE}{start_url})"


class CredentialCache:
    """The session files in `directory` (default: `<cache dir>/sessions`)."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory if directory is not None else cache_dir() / "sessions"

    # -- names -------------------------------------------------------------------------------------------------

    @staticmethod
    def _role_prefix(role_arn: str) -> str:
        return "role-" + hashlib.sha256(role_arn.lower().encode()).hexdigest()[:16] + "-"

    def role_path(self, role_arn: str, key: str) -> Path:
        return self.directory / f"{self._role_prefix(role_arn)}{key[:40]}.json"

    def mfa_path(self, key: str) -> Path:
        return self.directory / f"mfa-{key[:40]}.json"

    def identity_path(self, key: str) -> Path:
        return self.directory / f"identity-{key[:40]}.json"

    # -- reading (never locks: a rename is atomic, so a reader sees the old file or the new one) ---------------

    @staticmethod
    def _read(path: Path) -> dict[str, Any] | None:
        try:
            data = json.loads(read_private(path))
        except (OSError, ValueError, RecursionError):
            return None  # missing or damaged (too big, too deep, not JSON): a miss, overwritten by the next save
        return data if isinstance(data, dict) and data.get("format") == FORMAT else None

    def load_role(self, role_arn: str, key: str) -> Session | None:
        data = self._read(self.role_path(role_arn, key))
        if data is None or data.get("kind") != "role":
            return None
        try:
            return session_from_json(data)
        except (KeyError, TypeError, ValueError, AttributeError):
            return None

    def load_mfa(self, key: str) -> MfaSession | None:
        from roleui.core.sessions.mfa_session import MfaSession  # only roles with an MFA device come here

        data = self._read(self.mfa_path(key))
        if data is None or data.get("kind") != "mfa":
            return None
        try:
            return MfaSession(
                str(data["serial"]), str(data.get("base", "")), credentials_from_json(data["credentials"])
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            return None

    def load_identity(self, key: str) -> tuple[str, str, str] | None:
        """(account, ARN, user id) of the base credentials `identity_key` names, if known."""
        data = self._read(self.identity_path(key))
        if data is None or data.get("kind") != "identity":
            return None
        try:
            return str(data["account"]), str(data["arn"]), str(data["user_id"])
        except KeyError:
            return None

    # -- writing -----------------------------------------------------------------------------------------------

    def ensure_directory(self) -> None:
        private_dir(self.directory)
        if self.directory.stat().st_mode & 0o777 != 0o700:
            self.directory.chmod(0o700)  # created by an older version or by hand: tighten it

    def _write(self, path: Path, data: Mapping[str, Any]) -> None:
        """Through the one private writer: the file is either the old one or the new one, 0600, never followed."""
        self.ensure_directory()
        write_private(path, json.dumps(data).encode("utf-8"))

    def save_role(self, key: str, session: Session, base: str) -> Path:
        path = self.role_path(session.role_arn, key)
        self._write(path, session_to_json(session, base))
        return path

    def save_mfa(self, key: str, mfa: MfaSession) -> Path:
        path = self.mfa_path(key)
        data = {
            "format": FORMAT,
            "kind": "mfa",
            "serial": mfa.serial,
            "base": mfa.base,
            "credentials": credentials_to_json(mfa.credentials),
        }
        self._write(path, data)
        return path

    def save_identity(self, key: str, account: str, arn: str, user_id: str) -> Path:
        """Remember who the base credentials are (no secret: the key is a hash, the file names a principal)."""
        path = self.identity_path(key)
        self._write(path, {"format": FORMAT, "kind": "identity", "account": account, "arn": arn, "user_id": user_id})
        return path

    @contextlib.contextmanager
    def lock(self, key: str, what: str) -> Iterator[None]:
        """Hold the per-key lock (between processes and between threads) while a session is checked and made.

        On POSIX an flock(2) on the key's lock file, polled until LOCK_TIMEOUT (each open file description is its
        own lock, so two threads exclude each other too; closing the file releases it, even in a crash); the
        `filelock` package elsewhere. filelock does the same on POSIX but its import costs a cold assume more than
        the lock itself."""
        self.ensure_directory()
        path = str(self.directory / f"{key[:40]}.lock")
        timed_out = RoleuiError(
            f"another roleui has been assuming {what} for {int(LOCK_TIMEOUT)} s (waiting for an MFA code?) — "
            "finish or stop it, then try again"
        )
        # Never follow a symlink planted in place of the lock: open it ourselves, without following, and check it.
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except OSError as error:
            if os.path.islink(path):
                raise UnsafePathError(path, "is a symbolic link", f"rm {path}") from error
            raise
        try:
            check_private_file(path, fd)
        except BaseException:
            os.close(fd)
            raise
        try:
            import fcntl
        except ImportError:  # Windows
            os.close(fd)
            from filelock import FileLock, Timeout

            lock = FileLock(path, timeout=LOCK_TIMEOUT, mode=0o600)
            try:
                lock.acquire()
            except Timeout:
                raise timed_out from None
            try:
                yield
            finally:
                lock.release()
            return
        try:
            deadline = time.monotonic() + LOCK_TIMEOUT
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise timed_out from None
                    time.sleep(LOCK_POLL)
            yield
        finally:
            os.close(fd)

    # -- listing and forgetting --------------------------------------------------------------------------------

    def _files(self, pattern: str) -> list[Path]:
        check_private_dir(self.directory)  # a foreign or symlinked sessions/ is refused, not read
        try:
            return sorted(self.directory.glob(pattern))
        except OSError:
            return []

    def role_sessions(self) -> list[tuple[Session, str]]:
        """Every readable role session file as (session, base description), expired ones included."""
        found: list[tuple[Session, str]] = []
        for path in self._files("role-*.json"):
            data = self._read(path)
            if data is None or data.get("kind") != "role":
                continue
            try:
                found.append((session_from_json(data), str(data.get("base", ""))))
            except (KeyError, TypeError, ValueError, AttributeError):
                continue
        return found

    def mfa_sessions(self) -> list[MfaSession]:
        found: list[MfaSession] = []
        for path in self._files("mfa-*.json"):
            mfa = self.load_mfa(path.stem.removeprefix("mfa-"))
            if mfa is not None:
                found.append(mfa)
        return found

    def _delete(self, paths: list[Path]) -> int:
        count = 0
        for path in paths:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                count += 1
        return count

    def forget_role(self, role_arn: str) -> int:
        """Delete every session of one role (any options); the count of sessions deleted."""
        return self._delete(self._files(f"{self._role_prefix(role_arn)}*.json"))

    def forget_signed_in(self, start_url: str | None) -> int:
        """Delete the permission-set sessions got with the sign-in of `start_url` (None: of every portal), as
        `aws sso logout` deletes the credentials it cached; the count deleted. Roles chained from them stay: they
        are STS sessions of their own, and end on their own."""
        wanted = identity_center_base(start_url)
        found: list[Path] = []
        for path in self._files("role-*.json"):
            base = str((self._read(path) or {}).get("base", ""))
            if base == wanted or (start_url is None and base.startswith(IDENTITY_CENTER_BASE)):
                found.append(path)
        return self._delete(found)

    def forget_all(self) -> int:
        """Delete every role and MFA session (and the remembered base identities, and leftovers of crashed writes);
        the count of sessions deleted."""
        self._delete(self._files(".*.tmp") + self._files("quick-*") + self._files("identity-*.json"))
        return self._delete(self._files("role-*.json") + self._files("mfa-*.json"))

    def remove_stale_temp_files(self, now: float | None = None) -> int:
        """Temp files a crash left behind (never a half-written session: those were never renamed)."""
        limit = (now if now is not None else time.time()) - STALE_TEMP
        stale: list[Path] = []
        for path in self._files(".*.tmp"):
            with contextlib.suppress(OSError):
                if path.stat().st_mtime < limit:
                    stale.append(path)
        return self._delete(stale)


def fresh_session(
    catalog: Catalog,
    role: Role,
    options: AssumeOptions | None,
    *,
    now: datetime,
    environ: Mapping[str, str],
    cache: CredentialCache | None = None,
) -> Session | None:
    """The cached session `assume` would return right now without calling AWS, or None (no boto3 here)."""
    options = options or AssumeOptions()
    if not options.use_cache:
        return None
    request = plan_assume(catalog, role, options)
    session = (cache or CredentialCache()).load_role(role.arn, request_key(request, environ))
    if session is None or not is_fresh(session.credentials.expiration, now, catalog.defaults.cache_margin):
        return None
    return with_region(session, request.region)


def with_region(session: Session, region: str | None) -> Session:
    """The session as used now: a region asked for on this call replaces the one it was cached with."""
    return replace(session, region=region) if region and region != session.region else session
