"""The sessions engine: assume a catalog role for real, with the cache, MFA sessions and chaining.

`Engine.assume` is what every command and the UI call. The order of work:
1. `plan_assume` checks every parameter against the STS limits (exit 2 before any call).
2. A fresh cached session is returned without a call (and without importing botocore).
3. Otherwise, under the cache key's file lock: the base credentials (the role's `source_profile`, the catalog
   default, else botocore's default chain), or for a role with `via` the session of that role (recursively);
   who the caller is (default session name `{user}`, MFA session eligibility, chaining) is asked with
   GetCallerIdentity once per base credentials and remembered in the cache (no secret: keyed by a hash of the base
   and its access key id), so a cold assume is one round trip. Each set of credentials gets one botocore session
   and one STS client per region for the life of the Engine.
4. MFA: an IAM user opens one MFA session (GetSessionToken with one code, cached for `mfa_session_duration`)
   that serves every role needing that device; a caller that is a role session sends the code with AssumeRole.
5. A chained session (via a role, or from a role session such as SSO) longer than 1 h is clamped, with a warning.
6. AssumeRole; the session is written to the cache; any failure becomes a one-line RoleuiError.
A permission set of IAM Identity Center takes sso:GetRoleCredentials with the sign-in's token instead of steps
3-6 (a missing or expired sign-in is exit 4 "run `roleui login`"); a role with `via` such a role chains from it.

Blocking and thread-safe: the UI runs it in a thread worker.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from roleui.aws.mfa import CodeSource, MfaCodeProvider
from roleui.aws.sts import Identity
from roleui.core.clock import Clock, utc_now
from roleui.core.errors import RoleuiError
from roleui.core.models import Catalog, Role
from roleui.core.sessions.assume_plan import AssumeOptions, AssumeRequest, clamp_chained, plan_assume
from roleui.core.sessions.credcache import (
    BaseRef,
    CredentialCache,
    base_ref,
    fresh_session,
    identity_center_base,
    identity_key,
    is_fresh,
    mfa_key,
    request_key,
    with_region,
)
from roleui.core.sessions.session import Credentials, Session
from roleui.core.sessions.session_name import is_iam_user_arn, is_role_session_arn, render_session_name, user_from_arn

if TYPE_CHECKING:
    from roleui.core.sessions.mfa_session import MfaSession

__all__ = ["AssumeOptions", "Engine", "Identity", "MfaCodeProvider"]

ClientHook = Callable[[Any], None]
DEFAULT_OPTIONS = AssumeOptions()  # frozen: safe to share as the default
KEPT_SESSIONS = 16  # botocore sessions (with their clients) an Engine keeps; a long UI run starts afresh past it


class Engine:
    """Assumes catalog roles. `warn` receives notices (a clamped chained session); `environ` defaults to os.environ.

    `client_hook` is called with every STS client made (tests attach botocore's Stubber there).
    """

    def __init__(
        self,
        catalog: Catalog,
        *,
        clock: Clock = utc_now,
        warn: Callable[[str], None] | None = None,
        environ: Mapping[str, str] | None = None,
        cache: CredentialCache | None = None,
        client_hook: ClientHook | None = None,
    ) -> None:
        self.catalog = catalog
        self.clock = clock
        self._warn = warn
        self._environ = environ
        self.cache = cache or CredentialCache()
        self._client_hook = client_hook
        # (kind, who) -> botocore session; (id(session), region) -> (session, STS client). Under the lock: a
        # botocore session must not make clients in two threads at once.
        self._sessions: dict[tuple[str, str], Any] = {}
        self._clients: dict[tuple[int, str], tuple[Any, Any]] = {}
        self._lock = threading.Lock()

    # -- what the commands and the UI call ---------------------------------------------------------------------

    def assume(
        self, role: Role, options: AssumeOptions = DEFAULT_OPTIONS, mfa: MfaCodeProvider | None = None
    ) -> Session:
        """The session of `role`: from the cache when fresh, else assumed now. RoleuiError on any failure.

        `options.use_cache=False` (--no-cache, the UI's refresh) assumes the role anew even when a cached session is
        fresh; the new session replaces it in the cache. The roles it chains through and the MFA session are still
        reused, so a refresh never asks for another MFA code while the MFA session lasts.
        """
        request = plan_assume(self.catalog, role, options)
        codes = CodeSource(options.mfa_code, self.catalog.defaults.mfa_process, mfa)
        return self._obtain(request, codes, reuse=options.use_cache, top=True)

    def cached(self, role: Role, scope: str | None = None) -> Session | None:
        """The fresh cached session of `role` with the catalog's options (and `scope`), or None (no call, no
        botocore)."""
        options = AssumeOptions(scope=scope) if scope else None
        try:
            return fresh_session(self.catalog, role, options, now=self.clock(), environ=self.environ, cache=self.cache)
        except RoleuiError:
            return None  # a request assume() would refuse has no session either

    def mfa_serial_needed(self, role: Role, options: AssumeOptions | None = None) -> str | None:
        """The MFA device whose code `assume` would ask the provider for now, else None (no network).

        None when the session or the MFA session is cached, when the role needs no MFA, when the catalog's
        mfa_process or `options.mfa_code` supplies the code, or when assume() would refuse the request first.
        """
        options = options or AssumeOptions()
        if self.catalog.defaults.mfa_process or options.mfa_code is not None:
            return None
        try:
            request = plan_assume(self.catalog, role, options)
        except RoleuiError:
            return None  # assume() refuses before asking for anything
        return self._needed(request, reuse=options.use_cache)

    def confirmations_due(self, role: Role, options: AssumeOptions | None = None) -> list[Role]:
        """The roles that ask before a new session (`role`, then the roles of its `via` chain) and that `assume`
        would give one now: a hop whose session is cached, and everything behind it, is not assumed again. Empty
        when nothing asks, or when assume() would refuse the request first (no network)."""
        from roleui.core.world.confirmation import needs_confirmation

        options = options or AssumeOptions()
        try:
            request: AssumeRequest | None = plan_assume(self.catalog, role, options)
        except RoleuiError:
            return []
        due: list[Role] = []
        reuse = options.use_cache
        while request is not None:
            if reuse and self._hit(request, request_key(request, self.environ)) is not None:
                break
            if needs_confirmation(request.role, self.catalog.defaults):
                due.append(request.role)
            request, reuse = request.via, True  # the chain's hops are reused while fresh, even on a refresh
        return due

    def sessions(self) -> list[Session]:
        """Every unexpired cached role session, soonest to expire first."""
        now = self.clock()
        alive = [s for s, _ in self.cache.role_sessions() if not s.is_expired(now)]
        return sorted(alive, key=lambda s: (s.expiration, s.role_key))

    def mfa_sessions(self) -> list[MfaSession]:
        now = self.clock()
        return sorted((m for m in self.cache.mfa_sessions() if m.expiration > now), key=lambda m: m.expiration)

    def forget(self, role: Role) -> int:
        return self.cache.forget_role(role.arn)

    def forget_all(self) -> int:
        return self.cache.forget_all()

    def base_identity(self, *, in_child: bool = False) -> Identity:
        """sts:GetCallerIdentity with the catalog's base credentials; `in_child` asks from a child process
        (roleui/aws/whoami.py), so this process never imports botocore for it."""
        if in_child:
            return self._identity_from_child()
        from roleui.aws.clients import region_for, session_region

        base = base_ref(self.catalog.defaults.source_profile, self.environ)
        session = self._base_session(base)
        region = region_for("aws", self.catalog.defaults.region, session_region(session))
        identity = self._identity(session, region, base)  # asked afresh: the header shows whether the keys work
        self._remember(session, base, identity)
        return identity

    # -- internals ---------------------------------------------------------------------------------------------

    def _identity_from_child(self) -> Identity:
        import json
        import subprocess
        import sys

        defaults = self.catalog.defaults
        argv = [sys.executable, "-m", "roleui.aws.whoami", defaults.source_profile or "", defaults.region or ""]
        try:
            done = subprocess.run(
                argv, env=dict(self.environ), capture_output=True, text=True, timeout=120, check=False
            )
            answer = json.loads(done.stdout.splitlines()[-1]) if done.stdout.strip() else {}
        except (OSError, subprocess.SubprocessError, ValueError) as error:
            raise RoleuiError(f"could not ask who the base credentials are: {error}") from None
        if "arn" in answer:
            return Identity(account=str(answer["account"]), arn=str(answer["arn"]), user_id=str(answer["user_id"]))
        message = str(answer.get("error") or f"the identity check exited with status {done.returncode}")
        raise RoleuiError(message, exit_code=int(answer.get("exit", 1)))

    @property
    def environ(self) -> Mapping[str, str]:
        return self._environ if self._environ is not None else os.environ

    def _notify(self, message: str) -> None:
        if self._warn is not None:
            self._warn(message)

    def _kept_session(self, kind: str, who: str, make: Callable[[], Any]) -> Any:
        with self._lock:
            session = self._sessions.get((kind, who))
            if session is None:
                if len(self._sessions) >= KEPT_SESSIONS:
                    self._sessions.clear()
                    self._clients.clear()
                session = self._sessions[kind, who] = make()
            return session

    def _base_session(self, base: BaseRef) -> Any:
        """The botocore session of the base credentials (one per base: its fingerprint changes with the profile)."""
        from roleui.aws.clients import base_session

        return self._kept_session("base", base.fingerprint, lambda: base_session(base.profile))

    def _credentials_session(self, credentials: Credentials, region: str) -> Any:
        """The botocore session of temporary credentials (a role or MFA session), one per access key and region."""
        from roleui.aws.clients import credentials_session

        who = f"{credentials.access_key_id}\n{region}"
        return self._kept_session("keys", who, lambda: credentials_session(credentials, region))

    def _sts(self, session: Any, region: str) -> Any:
        """The STS client of `session` in `region`: made once, reused by every call with those credentials."""
        from roleui.aws.clients import make_client

        with self._lock:
            kept = self._clients.get((id(session), region))
            if kept is not None:
                return kept[1]
            client = make_client(session, "sts", region)
            self._clients[id(session), region] = (session, client)  # the session kept alive: its id stays unique
        if self._client_hook is not None:
            self._client_hook(client)
        return client

    def _hit(self, request: AssumeRequest, key: str) -> Session | None:
        session = self.cache.load_role(request.role.arn, key)
        if session is None or not is_fresh(
            session.credentials.expiration, self.clock(), self.catalog.defaults.cache_margin
        ):
            return None
        return with_region(session, request.region)

    def _needed(self, request: AssumeRequest, *, reuse: bool = True) -> str | None:
        if reuse and self._hit(request, request_key(request, self.environ)) is not None:
            return None
        if request.via is not None:
            return self._needed(request.via) or request.mfa_serial  # a role caller sends the code itself
        if request.mfa_serial is None:
            return None
        base = base_ref(request.source_profile, self.environ)
        mfa = self.cache.load_mfa(mfa_key(request.mfa_serial, base))
        fresh = mfa is not None and is_fresh(mfa.expiration, self.clock(), self.catalog.defaults.cache_margin)
        return None if fresh else request.mfa_serial

    def _obtain(self, request: AssumeRequest, codes: CodeSource, *, reuse: bool = True, top: bool = False) -> Session:
        """The session of `request`: a fresh cached one when `reuse`, else assumed now and written to the cache.
        `top`: the session asked for (not a hop of its chain), whose reuse from the cache is recorded too."""
        key = request_key(request, self.environ)
        if reuse:
            hit = self._hit(request, key)
            if hit is not None:
                if top:
                    self._record(request, hit, cached=True)
                return hit
        with self.cache.lock(key, request.role.key):
            if reuse:
                hit = self._hit(request, key)  # another process (or thread) may have assumed it while we waited
                if hit is not None:
                    if top:
                        self._record(request, hit, cached=True)
                    return hit
            try:
                session, base = self._call(request, codes)
            except RoleuiError as error:
                self._record(request, None, error.message)
                raise
            self.cache.save_role(key, session, base)
            self._record(request, session)
            return session

    def _record(
        self, request: AssumeRequest, session: Session | None, failure: str | None = None, *, cached: bool = False
    ) -> None:
        """One line in the trail (roleui/core/sessions/trail.py) for each session obtained from AWS, or refused."""
        from roleui.core.sessions import trail

        event, child = trail.current_event()
        if cached and event != "assume":
            return  # an endpoint checking the cache before it renews: only what it gets from AWS is a renewal
        trail.record(
            event,
            self.clock(),
            role_key=request.role.key,
            role_arn=request.role.arn,
            session_name=session.session_name if session else None,
            source_identity=request.source_identity,
            access_key_id=session.credentials.access_key_id if session else None,
            expiration=session.expiration if session else None,
            scope=request.session_policy.label,
            reason=request.reason,
            child=child,
            region=session.region if session else request.region,
            result=failure or ("cached" if cached else "ok"),
        )

    def _known_identity(self, session: Any, region: str, base: BaseRef) -> Identity:
        """Who the base credentials are: remembered from an earlier answer for these credentials, else asked now."""
        from roleui.aws.clients import access_key_id

        key_id = access_key_id(session)
        known = self.cache.load_identity(identity_key(base, key_id)) if key_id else None
        if known is not None:
            return Identity(*known)
        identity = self._identity(session, region, base)
        self._remember(session, base, identity, key_id)
        return identity

    def _remember(self, session: Any, base: BaseRef, identity: Identity, key_id: str | None = None) -> None:
        from roleui.aws.clients import access_key_id

        key_id = key_id or access_key_id(session)
        if key_id:
            with contextlib.suppress(OSError):  # only an optimisation: the next assume asks again
                self.cache.save_identity(identity_key(base, key_id), identity.account, identity.arn, identity.user_id)

    def _identity(self, session: Any, region: str, base: BaseRef) -> Identity:
        from roleui.aws import sts
        from roleui.aws.errors import Call, aws_error

        try:
            return sts.caller_identity(self._sts(session, region))
        except Exception as error:
            raise aws_error(
                error, Call(doing="identifying the base credentials", base=base.description, region=region)
            ) from None

    def _call(self, request: AssumeRequest, codes: CodeSource) -> tuple[Session, str]:
        """Assume `request.role` now (its `via` role first); returns the session and who it was assumed as."""
        from roleui.aws import sts
        from roleui.aws.clients import region_for, session_region

        role = request.role
        partition = role.account.partition
        if role.is_permission_set and request.via is None:
            return self._permission_set(request), identity_center_base(role.sso_start_url)
        if request.via is not None:
            upstream = self._obtain(request.via, codes)
            region = region_for(partition, request.region, upstream.region)
            session_region_name = request.region or upstream.region
            caller: Any = self._credentials_session(upstream.credentials, region)
            caller_arn = upstream.assumed_role_arn
            base_text = f"the session of {upstream.role_key} ({caller_arn})"
            chained, through = True, f"via {upstream.role_key}"
        else:
            base = base_ref(request.source_profile, self.environ)
            caller = self._base_session(base)
            profile_region = session_region(caller)
            region = region_for(partition, request.region, profile_region)
            session_region_name = request.region or profile_region
            caller_arn = self._known_identity(caller, region, base).arn
            base_text = f"{base.description} ({caller_arn})"
            chained, through = is_role_session_arn(caller_arn), f"from the role session {caller_arn}"
            if request.mfa_serial is not None and is_iam_user_arn(caller_arn):
                # One code opens an MFA session that serves every role needing this device until it expires.
                mfa = self._mfa_session(caller, region, base, request.mfa_serial, codes)
                caller = self._credentials_session(mfa, region)
        duration = request.duration
        if chained:
            duration, warning = clamp_chained(role, duration, through)
            if warning:
                self._notify(warning)
        if request.explicit_name:
            name = request.session_name
        else:
            name = render_session_name(
                request.session_name, user=user_from_arn(caller_arn), account=role.account.name, role=role.name
            )
        serial = code = None
        if request.mfa_serial is not None and (request.via is not None or not is_iam_user_arn(caller_arn)):
            serial, code = (
                request.mfa_serial,
                codes.code(request.mfa_serial),
            )  # a role caller cannot open an MFA session
        try:
            credentials, assumed_arn = sts.assume_role(
                self._sts(caller, region),
                role_arn=role.arn,
                session_name=name,
                duration=duration,
                external_id=request.external_id,
                serial=serial,
                code=code,
                tags=request.tags,
                transitive_tag_keys=request.transitive_tag_keys,
                source_identity=request.source_identity,
                policy_arns=request.session_policy.policy_arns,
                policy=request.session_policy.policy,
            )
        except Exception as error:
            # Only a failure needs the words of its message (and roleui/aws/errors.py: ~2 ms of a cold assume).
            from roleui.aws.errors import Call, aws_error

            call = Call(
                doing=f"assuming {role.key}",
                base=base_text,
                caller=caller_arn,
                role_arn=role.arn,
                mfa_serial=request.mfa_serial,
                region=region,
                secrets=tuple(s for s in (request.external_id, code) if s),
            )
            raise aws_error(error, call) from None
        if credentials.expiration is None:
            raise RoleuiError(f"AWS returned no expiry for the session of {role.key} — try again")
        session = Session(
            role_key=role.key,
            role_arn=role.arn,
            account_id=role.account.id,
            assumed_role_arn=assumed_arn,
            session_name=name,
            credentials=credentials,
            region=session_region_name,
            chained=chained,
            issued_at=self.clock(),
            scope=request.session_policy.label,
        )
        return session, base_text

    def _permission_set(self, request: AssumeRequest) -> Session:
        """sso:GetRoleCredentials with the Identity Center sign-in (refreshed first when it can be); the
        permission set's own session duration decides the expiry."""
        from dataclasses import replace

        from botocore.exceptions import ClientError

        from roleui.aws import sso, sts
        from roleui.aws.clients import credentials_session, region_for
        from roleui.aws.errors import Call, aws_error
        from roleui.aws.sso_login import sign_in_required, valid_token
        from roleui.core.sources.aws_config.profiles import SsoSession

        role = request.role
        assert role.sso_start_url is not None
        assert role.sso_region is not None
        target = SsoSession(role.sso_session, role.sso_start_url, role.sso_region)
        token = valid_token(target, clock=self.clock)
        if token is None:
            raise sign_in_required(target)
        call = Call(
            doing=f"getting the credentials of {role.key} from IAM Identity Center",
            base=f"the Identity Center sign-in to {role.sso_start_url}",
            region=role.sso_region,
            secrets=(token.access_token,),
        )
        try:
            credentials = sso.role_credentials(
                sso.portal_client(role.sso_region),
                access_token=token.access_token,
                account_id=role.account.id,
                permission_set=role.name,
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "UnauthorizedException":
                raise sign_in_required(target) from None  # signed out elsewhere, or expired on the server's clock
            raise aws_error(error, call) from None
        except Exception as error:
            raise aws_error(error, call) from None
        region = region_for(role.account.partition, request.region)
        try:
            arn = sts.caller_identity(self._sts(credentials_session(credentials, region), region)).arn
        except Exception as error:
            raise aws_error(error, replace(call, doing=f"identifying the session of {role.key}")) from None
        return Session(
            role_key=role.key,
            role_arn=role.arn,
            account_id=role.account.id,
            assumed_role_arn=arn,
            session_name=user_from_arn(arn),
            credentials=credentials,
            region=request.region,
            chained=False,
            issued_at=self.clock(),
        )

    def _mfa_session(self, session: Any, region: str, base: BaseRef, serial: str, codes: CodeSource) -> Credentials:
        """The credentials of the MFA session for `serial`: cached, or opened now with one code."""
        margin = self.catalog.defaults.cache_margin
        key = mfa_key(serial, base)

        def cached() -> Credentials | None:
            mfa = self.cache.load_mfa(key)
            return mfa.credentials if mfa is not None and is_fresh(mfa.expiration, self.clock(), margin) else None

        found = cached()
        if found is not None:
            return found
        with self.cache.lock(key, f"the MFA session of {serial}"):
            found = cached()
            if found is not None:
                return found
            from roleui.core.sessions.mfa_session import MfaSession

            credentials = self._open_mfa_session(session, region, base, serial, codes)
            self.cache.save_mfa(key, MfaSession(serial, base.description, credentials))
            return credentials

    def _open_mfa_session(
        self, session: Any, region: str, base: BaseRef, serial: str, codes: CodeSource
    ) -> Credentials:
        from roleui.aws import sts
        from roleui.aws.errors import Call, aws_error

        code = codes.code(serial)
        call = Call(
            doing=f"opening an MFA session with {serial}",
            base=base.description,
            mfa_serial=serial,
            region=region,
            secrets=(code,),
        )
        try:
            credentials = sts.session_token(
                self._sts(session, region),
                serial=serial,
                code=code,
                duration=self.catalog.defaults.mfa_session_duration,
            )
        except Exception as error:
            raise aws_error(error, call) from None
        if credentials.expiration is None:
            raise RoleuiError(f"AWS returned no expiry for the MFA session of {serial} — try again")
        return credentials
