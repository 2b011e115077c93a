"""Discover what IAM Identity Center assigns a signed-in user: every account (sso:ListAccounts) and in each the
permission sets (sso:ListAccountRoles), then refresh the cached world.

The portal API is REST-JSON and unsigned: each call carries the access token of the sign-in, from the token
cache AWS CLI v2 and botocore share, refreshed first when it can be (roleui/aws/sso_login.py: valid_token). It throttles at roughly 20 requests a second,
so the calls are paced (a shared token bucket, `rate`), run `workers` at a time, and a TooManyRequestsException
is retried with exponential backoff and jitter — roleui counts and retries these itself (botocore's retries are
off for this client), so the figures `roleui discover` prints are every request sent.

Calls: ceil(accounts / 100) ListAccounts pages + one ListAccountRoles per account (more only for an account with
over 100 permission sets), plus retries. An account whose permission sets cannot be listed keeps those of the
previous cache, the snapshot is marked incomplete and `warn` says so; an expired or revoked token stops the
discovery of that sign-in with "run `roleui login NAME`" and leaves its cache untouched.
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from roleui.aws.errors import THROTTLING_CODES, Call, aws_error
from roleui.aws.sso_login import sign_in_required, valid_token
from roleui.core.clock import Clock, utc_now
from roleui.core.discovery_limits import DiscoveryLimits
from roleui.core.discovery_settings import IcConfig
from roleui.core.errors import EXIT_THROTTLED, EXIT_USAGE, RoleuiError
from roleui.core.models import Catalog
from roleui.core.sources.aws_config.profiles import SsoSession
from roleui.core.sources.identity_center.cache import load_ic_snapshots, save_ic_snapshots
from roleui.core.sources.identity_center.model import IcAccount, IcSnapshot

Progress = Callable[[str], None]
Warn = Callable[[str], None]

PAGE_SIZE = 100  # the API's maximum for both listings
WORKERS = 8
RATE = 20.0  # requests a second: the portal API's throttle
THROTTLE_ROUNDS = 6
THROTTLE_BASE = 0.5  # seconds; doubled each round, with jitter
THROTTLE_CAP = 10.0
PROGRESS_INTERVAL = 0.1
UNAUTHORIZED = frozenset({"UnauthorizedException", "ForbiddenException"})


def sign_in_name(target: SsoSession) -> str:
    """How the user names a sign-in (`roleui login NAME`): the sso-session name, else the start URL."""
    return target.name or target.start_url


def resolve_sign_in(config: IcConfig, sessions: Mapping[str, SsoSession], where: str) -> SsoSession:
    """Where an entry signs in: the `[sso-session]` it names, or its own start URL and region (legacy form)."""
    if config.sso_session is None:
        return SsoSession(None, config.start_url or "", config.region or "us-east-1")
    session = sessions.get(config.sso_session)
    if session is None:
        raise RoleuiError(
            f"identity_center sso_session {config.sso_session!r} needs an [sso-session {config.sso_session}] with "
            f"sso_start_url and sso_region in {where}",
            exit_code=EXIT_USAGE,
        )
    return SsoSession(session.name, session.start_url, config.region or session.region, session.scopes)


def discovery_client(region: str) -> Any:
    """An unsigned `sso` client: roleui's timeouts, botocore's retries off (discovery paces and retries itself)."""
    from botocore import UNSIGNED
    from botocore.config import Config

    from roleui.aws.clients import client_config, lean_session

    config = client_config(region).merge(
        Config(signature_version=UNSIGNED, retries={"mode": "standard", "total_max_attempts": 1})
    )
    return lean_session().create_client("sso", region_name=region, config=config)


ACCOUNT_ID = re.compile(r"\d{12}", re.ASCII)  # what an account id is; anything else in an answer is skipped


class Pacer:
    """A token bucket shared by the workers: at most `rate` requests a second, in even steps."""

    def __init__(self, rate: float, sleep: Callable[[float], None], monotonic: Callable[[], float]) -> None:
        self.step = 1.0 / rate if rate > 0 else 0.0
        self.sleep = sleep
        self.monotonic = monotonic
        self.lock = threading.Lock()
        self.next = float("-inf")

    def wait(self) -> None:
        if not self.step:
            return
        with self.lock:
            now = self.monotonic()
            slot = max(now, self.next)
            self.next = slot + self.step
        if slot > now:
            self.sleep(slot - now)


@dataclass
class IcReport:
    """What one sign-in's discovery did, for `roleui discover` and the benchmarks."""

    snapshot: IcSnapshot
    failures: list[str] = field(default_factory=list)
    api_calls: int = 0  # requests sent, retries included
    account_pages: int = 0  # ListAccounts pages read (throttled attempts aside)
    throttled: int = 0
    seconds: float = 0.0
    cache_path: Path | None = None

    @property
    def complete(self) -> bool:
        return not self.snapshot.incomplete


class _Discovery:
    """One sign-in's discovery. Workers only call the API; the coordinating thread owns the results."""

    def __init__(
        self,
        client: Any,
        token: str,
        *,
        pacer: Pacer,
        sleep: Callable[[float], None],
        cancelled: threading.Event | None,
        limits: DiscoveryLimits,
    ) -> None:
        self.client = client
        self.token = token
        self.pacer = pacer
        self.sleep = sleep
        self.cancelled = cancelled
        self.lock = threading.Lock()
        self.calls = 0
        self.account_pages = 0
        self.throttled = 0
        self.limits = limits

    def call(self, operation: str, **params: Any) -> dict[str, Any]:
        from botocore.exceptions import ClientError

        method = getattr(self.client, operation)
        for round_ in range(THROTTLE_ROUNDS + 1):
            if self.cancelled is not None and self.cancelled.is_set():
                raise _Cancelled
            self.pacer.wait()
            with self.lock:
                self.calls += 1
            try:
                result: dict[str, Any] = method(accessToken=self.token, **params)
                if operation == "list_accounts":
                    with self.lock:
                        self.account_pages += 1
                return result
            except ClientError as error:
                if _code(error) not in THROTTLING_CODES or round_ == THROTTLE_ROUNDS:
                    raise
                with self.lock:
                    self.throttled += 1
                delay = min(THROTTLE_CAP, THROTTLE_BASE * 2**round_)
                self.sleep(delay * random.uniform(0.5, 1.0))  # noqa: S311 - jitter, not a secret
        raise AssertionError("unreachable")  # pragma: no cover

    def pages(self, operation: str, key: str, **params: Any) -> Iterable[list[dict[str, Any]]]:
        token: str | None = None
        seen: set[str] = set()
        number = 0
        while True:
            extra = {"nextToken": token} if token else {}
            page = self.call(operation, maxResults=PAGE_SIZE, **params, **extra)
            found = list(page.get(key) or [])
            token = page.get("nextToken")
            number += 1
            self.limits.page(operation, number, token, seen, len(found))  # an endless or huge answer stops here
            yield found
            if not token:
                return

    def roles(self, account_id: str) -> tuple[str, ...]:
        names: list[str] = []
        for page in self.pages("list_account_roles", "roleList", accountId=account_id):
            names += [str(r["roleName"]) for r in page if r.get("roleName")]
        return tuple(dict.fromkeys(names))


class _Cancelled(Exception):
    pass


def _message(error: Exception) -> str:
    response = getattr(error, "response", {}) or {}
    return " ".join(str(response.get("Error", {}).get("Message", "")).split())


def _code(error: Exception) -> str:
    response = getattr(error, "response", {}) or {}
    return str(response.get("Error", {}).get("Code", ""))


def discover_sign_in(
    client: Any,
    sign_in: SsoSession,
    token: str,
    *,
    previous: IcSnapshot | None = None,
    clock: Clock = utc_now,
    progress: Progress | None = None,
    warn: Warn | None = None,
    workers: int = WORKERS,
    rate: float = RATE,
    sleep: Callable[[float], None] = time.sleep,
    monotonic: Callable[[], float] = time.monotonic,
    cancelled: threading.Event | None = None,
) -> IcReport:
    """List every account and permission set the token's user is assigned. Raises SignInNeeded for a rejected
    token, RoleuiError when the accounts cannot be listed; one account failing only marks the snapshot incomplete."""
    from botocore.exceptions import BotoCoreError, ClientError

    limits = DiscoveryLimits(f"Identity Center {sign_in_name(sign_in)}", monotonic)
    discovery = _Discovery(
        client, token, pacer=Pacer(rate, sleep, monotonic), sleep=sleep, cancelled=cancelled, limits=limits
    )
    started = monotonic()
    found: dict[str, dict[str, Any]] = {}
    roles: dict[str, tuple[str, ...]] = {}
    failed: dict[str, str] = {}
    last_report = float("-inf")

    def report(final: bool = False) -> None:
        nonlocal last_report
        if progress is None or (not final and monotonic() - last_report < PROGRESS_INTERVAL):
            return
        last_report = monotonic()
        progress(
            f"{sign_in_name(sign_in)}: {len(found):,} accounts found, permission sets listed for {len(roles) + len(failed):,}"
        )

    def fatal(error: Exception) -> RoleuiError:
        code = _code(error)
        if code in UNAUTHORIZED:
            return sign_in_required(sign_in)  # signed out elsewhere, or expired on the server's clock
        if code in THROTTLING_CODES:
            return RoleuiError(
                f"Identity Center kept throttling {sign_in_name(sign_in)} after every retry — wait a minute and run "
                "`roleui discover` again",
                exit_code=EXIT_THROTTLED,
            )
        return aws_error(
            error,
            Call(
                doing=f"listing the Identity Center accounts of {sign_in_name(sign_in)}",
                base=sign_in.start_url,
                secrets=(token,),
            ),
        )

    pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="roleui-sso")
    pending: dict[Future[tuple[str, ...]], str] = {}

    def collect(block: bool) -> None:
        if not pending:
            return
        done, _ = wait(pending, timeout=None if block else 0, return_when=FIRST_COMPLETED)
        for future in done:
            account_id = pending.pop(future)
            try:
                roles[account_id] = future.result()
            except ClientError as error:
                if _code(error) in UNAUTHORIZED or isinstance(error, BotoCoreError):
                    raise fatal(error) from error
                failed[account_id] = f"{_code(error)}: {_message(error)}"
        report()

    try:
        # Role listings start while later account pages are still being read: the pace is the only limit.
        for page in discovery.pages("list_accounts", "accountList"):
            for account in page:
                account_id = str(account.get("accountId", ""))
                if not ACCOUNT_ID.fullmatch(account_id):
                    # One broken entry is skipped, not the whole answer (the cache would refuse it all).
                    if warn is not None:
                        warn(
                            f"{sign_in_name(sign_in)}: skipped an account whose id is not 12 digits ({account_id[:40]!r})"
                        )
                    continue
                if account_id in found:
                    continue
                found[account_id] = account
                pending[pool.submit(discovery.roles, account_id)] = account_id
            collect(block=False)
        while pending:
            collect(block=True)
    except _Cancelled:
        raise RoleuiError("Identity Center discovery cancelled") from None
    except (ClientError, BotoCoreError) as error:
        raise fatal(error) from error
    finally:
        for future in pending:
            future.cancel()
        pool.shutdown(wait=False, cancel_futures=True)
    report(final=True)

    kept = {a.id: a for a in previous.accounts} if previous else {}
    failures = []
    accounts: list[IcAccount] = []
    for account_id, entry in found.items():
        if account_id in failed:
            old = kept.get(account_id)
            note = f"; kept its {len(old.roles)} cached" if old else ""
            failures.append(f"could not list the permission sets of account {account_id} ({failed[account_id]}){note}")
        names = roles.get(account_id) or (kept[account_id].roles if account_id in kept else ())
        accounts.append(
            IcAccount(
                account_id, str(entry.get("accountName") or account_id), str(entry.get("emailAddress") or ""), names
            )
        )
    if warn is not None:
        for line in failures:
            warn(line)
    snapshot = IcSnapshot(
        name=sign_in_name(sign_in),
        start_url=sign_in.start_url,
        region=sign_in.region,
        discovered_at=clock(),
        accounts=tuple(sorted(accounts, key=lambda a: (a.name.lower(), a.id))),
        incomplete=tuple(sorted(failed)),
    )
    return IcReport(
        snapshot=snapshot,
        failures=failures,
        api_calls=discovery.calls,
        account_pages=discovery.account_pages,
        throttled=discovery.throttled,
        seconds=monotonic() - started,
    )


def sign_ins(catalog: Catalog) -> list[tuple[IcConfig, SsoSession]]:
    """Every `[[identity_center]]` entry with where it signs in (the AWS config file's [sso-session] sections)."""
    from roleui.aws.sources import read_sso_sessions
    from roleui.core.paths import aws_config_path

    sessions, _ = read_sso_sessions()
    where = str(aws_config_path())
    return [(config, resolve_sign_in(config, sessions, where)) for config in catalog.identity_center]


def refresh_identity_center(
    explicit_config: str | None,
    *,
    names: Iterable[str] | None = None,
    progress: Progress | None = None,
    warn: Warn | None = None,
    clock: Clock = utc_now,
    client_for: Callable[[SsoSession], Any] | None = None,
    workers: int = WORKERS,
    rate: float = RATE,
    sleep: Callable[[float], None] = time.sleep,
    cancelled: threading.Event | None = None,
) -> list[IcReport]:
    """Discover every `[[identity_center]]` sign-in of the catalog (or those `names`), write the cache.

    A sign-in that fails is said through `warn` and keeps its cached snapshot; when every one fails, the first
    error is raised (SignInNeeded when a sign-in is missing or expired)."""
    from roleui.aws.sources import read_catalog

    catalog = read_catalog(explicit_config)
    if not catalog.identity_center:
        where = catalog.path or "the catalog"
        raise RoleuiError(
            f'no Identity Center to discover — add an [[identity_center]] with sso_session = "NAME" to {where}',
            exit_code=EXIT_USAGE,
        )
    wanted = set(names) if names is not None else None
    previous = load_ic_snapshots(warn=warn)
    reports: list[IcReport] = []
    errors: list[RoleuiError] = []
    for config, target in sign_ins(catalog):
        if wanted is not None and config.name not in wanted:
            continue
        try:
            token = valid_token(target, clock=clock)
            if token is None:
                raise sign_in_required(target)
            client = client_for(target) if client_for is not None else discovery_client(target.region)
            reports.append(
                discover_sign_in(
                    client,
                    target,
                    token.access_token,
                    previous=previous.get(config.name),
                    clock=clock,
                    progress=progress,
                    warn=warn,
                    workers=workers,
                    rate=rate,
                    sleep=sleep,
                    cancelled=cancelled,
                )
            )
        except RoleuiError as error:
            errors.append(error)
    if reports:
        if warn is not None:
            for failed in errors:
                warn(f"not discovered: {failed}")
        written = save_ic_snapshots((r.snapshot for r in reports), keep=previous)
        for report in reports:
            report.cache_path = written
    elif errors:
        raise errors[0]
    return reports
