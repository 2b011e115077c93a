"""Discover the accounts of an AWS Organization by walking its OU tree, and refresh the cached world.

The walk (list_roots, then list_organizational_units_for_parent and list_accounts_for_parent per OU, pages
of 20 like real AWS) gives every account its OU path in O(OUs + accounts / 20) calls, instead of a
list_parents call per account. Independent listings and the tag reads (list_tags_for_resource, one per
account, skipped when read_tags is false) run on a bounded thread pool; only the coordinating thread touches
the results and calls `progress`.

Failures, each one clear line:
- before the walk (not in an organization, not the management account or a delegated administrator, no or
  expired credentials, unreachable endpoint, throttled past every retry): RoleuiError, the cache untouched;
- credentials or the network failing during the walk: the same, the cache untouched;
- one OU failing while the rest succeed: the rest is kept, the failed subtree's accounts are kept from the
  previous cache, the new cache is marked incomplete, and `warn` says so — never silently.
Throttling is retried by botocore's standard mode (roleui/aws/clients.py) and then, for these calls only,
in a few more rounds with a longer exponential backoff: Organizations' request limits are low.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_COMPLETED, CancelledError, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from roleui.aws.errors import DENIED_CODES, EXPIRED_CODES, INVALID_CODES, THROTTLING_CODES, Call, aws_error
from roleui.core.clock import Clock, utc_now
from roleui.core.discovery_limits import DiscoveryLimits
from roleui.core.errors import EXIT_ACCESS_DENIED, EXIT_FAILURE, EXIT_THROTTLED, EXIT_USAGE, RoleuiError
from roleui.core.models import Catalog
from roleui.core.sources.organizations.cache import discovery_profile, load_org_snapshot, save_org_snapshot
from roleui.core.sources.organizations.model import DiscoveredAccount, OrgSnapshot
from roleui.core.sources.organizations.rules import tag_rules_without_tags

if TYPE_CHECKING:
    from mypy_boto3_organizations import OrganizationsClient

Progress = Callable[[str], None]
Warn = Callable[[str], None]

PAGE_SIZE = 20  # real AWS returns at most 20 accounts per page; moto honours any MaxResults
WORKERS = 8  # concurrent requests: Organizations throttles hard above a few per second
THROTTLE_ROUNDS = 4  # rounds on top of botocore's own retries
THROTTLE_BASE = 1.0  # seconds; doubled each round, with jitter
THROTTLE_CAP = 20.0
PROGRESS_INTERVAL = 0.1  # seconds between progress messages (the last one is always sent)
NOT_IN_USE = "AWSOrganizationsNotInUseException"
_FATAL_CODES = EXPIRED_CODES | INVALID_CODES | {NOT_IN_USE}


@dataclass
class DiscoveryReport:
    """What one discovery did: the snapshot written, and everything `roleui discover` reports."""

    snapshot: OrgSnapshot
    failures: list[str] = field(default_factory=list)  # one line per OU that could not be listed
    kept: int = 0  # accounts kept from the previous cache for those OUs
    api_calls: int = 0  # requests sent, retries included
    throttled: int = 0  # throttled responses retried by roleui
    seconds: float = 0.0
    cache_path: Path | None = None

    @property
    def complete(self) -> bool:
        return not self.snapshot.incomplete


@dataclass(frozen=True)
class _Task:
    kind: str  # "ous" | "accounts" | "tags"
    ident: str  # OU id, or account id for tags
    path: str  # the OU path of the parent (or of the account for tags)


class _Discovery:
    """One walk. Worker threads only call AWS; the coordinating thread owns every other piece of state."""

    def __init__(
        self,
        client: OrganizationsClient,
        *,
        read_tags: bool,
        previous: OrgSnapshot | None,
        base: str,
        progress: Progress | None,
        sleep: Callable[[float], None],
        monotonic: Callable[[], float],
    ) -> None:
        self.client = client
        self.read_tags = read_tags
        self.previous = previous
        self.base = base
        self.progress = progress
        self.sleep = sleep
        self.monotonic = monotonic
        self.lock = threading.Lock()
        self.calls = 0
        self.throttled = 0
        self.ous: dict[str, str] = {}  # OU id -> path
        self.walked = 0  # OUs (the root aside) whose two listings are done
        self.found: dict[str, dict[str, Any]] = {}  # account id -> the ListAccountsForParent entry
        self.paths: dict[str, str] = {}  # account id -> OU path
        self.tags: dict[str, dict[str, str]] = {}
        self.tags_denied: str | None = None
        self.tag_failures: dict[str, str] = {}  # account id -> error code
        self.failed: list[tuple[str, str, str]] = []  # (kind, OU path, "Code: message")
        self.last_progress = float("-inf")
        self.organization: dict[str, Any] = {}
        self.limits = DiscoveryLimits("AWS Organizations", monotonic)

    # -- calls (worker threads) ------------------------------------------------------------------------

    def call(self, operation: str, **params: Any) -> dict[str, Any]:
        """One API call, with roleui's throttling rounds on top of botocore's retries."""
        from botocore.exceptions import ClientError

        method = getattr(self.client, operation)
        for round_ in range(THROTTLE_ROUNDS + 1):
            with self.lock:
                self.calls += 1
            try:
                result: dict[str, Any] = method(**params)
                return result
            except ClientError as error:
                if _code(error) not in THROTTLING_CODES or round_ == THROTTLE_ROUNDS:
                    raise
                with self.lock:
                    self.throttled += 1
                delay = min(THROTTLE_CAP, THROTTLE_BASE * 2**round_)
                self.sleep(delay * random.uniform(0.5, 1.0))  # noqa: S311 - jitter, not a secret
        raise AssertionError("unreachable")  # pragma: no cover

    def pages(self, operation: str, key: str, *, paged: bool = True, **params: Any) -> list[dict[str, Any]]:
        """Every item of a paginated listing (MaxResults=20 where the API takes it)."""
        items: list[dict[str, Any]] = []
        token: str | None = None
        seen: set[str] = set()
        number = 0
        while True:
            request = dict(params)
            if paged:
                request["MaxResults"] = PAGE_SIZE
            if token:
                request["NextToken"] = token
            page = self.call(operation, **request)
            found = page.get(key, [])
            items.extend(found)
            token = page.get("NextToken")
            number += 1
            self.limits.page(operation, number, token, seen, len(found))  # an endless or huge answer stops here
            if not token:
                return items

    def run_task(self, task: _Task) -> list[dict[str, Any]]:
        if task.kind == "ous":
            return self.pages("list_organizational_units_for_parent", "OrganizationalUnits", ParentId=task.ident)
        if task.kind == "accounts":
            return self.pages("list_accounts_for_parent", "Accounts", ParentId=task.ident)
        return self.pages("list_tags_for_resource", "Tags", paged=False, ResourceId=task.ident)

    # -- the walk (coordinating thread) ----------------------------------------------------------------

    def start(self) -> tuple[dict[str, Any], str]:
        """describe_organization and list_roots: any failure here is the whole discovery's."""
        organization = self.call("describe_organization").get("Organization", {})
        self.organization = organization  # kept for the message if list_roots is denied
        roots = self.call("list_roots").get("Roots", [])
        if not roots:
            raise RoleuiError("the organization has no root — AWS returned an empty list_roots", exit_code=EXIT_FAILURE)
        return organization, str(roots[0]["Id"])

    def walk(self, root_id: str, workers: int) -> None:
        pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="roleui-org")
        pending: dict[Future[list[dict[str, Any]]], _Task] = {}

        def submit(task: _Task) -> None:
            pending[pool.submit(self.run_task, task)] = task

        try:
            submit(_Task("ous", root_id, ""))
            submit(_Task("accounts", root_id, ""))
            listings = {root_id: 2}  # OU id -> listings still running; the OU is walked at 0
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    task = pending.pop(future)
                    try:
                        items = future.result()
                    except CancelledError:
                        continue
                    except Exception as error:
                        self.failure(task, error, pending)
                        items = []
                    if task.kind == "tags":
                        if task.ident not in self.tag_failures:
                            self.tags[task.ident] = {str(t["Key"]): str(t.get("Value", "")) for t in items}
                        continue
                    if task.kind == "ous":
                        for ou in items:
                            ou_id = str(ou["Id"])
                            name = str(ou.get("Name") or ou_id)
                            path = f"{task.path}/{name}" if task.path else name
                            self.ous[ou_id] = path
                            listings[ou_id] = 2
                            submit(_Task("ous", ou_id, path))
                            submit(_Task("accounts", ou_id, path))
                    else:
                        for account in items:
                            account_id = str(account["Id"])
                            self.found[account_id] = account
                            self.paths[account_id] = task.path
                            if self.read_tags and self.tags_denied is None:
                                submit(_Task("tags", account_id, task.path))
                    listings[task.ident] -= 1
                    if listings[task.ident] == 0 and task.ident != root_id:
                        self.walked += 1
                self.report()
        finally:
            # On an error or Ctrl-C, queued requests are dropped; running ones end within the client timeouts.
            for future in pending:
                future.cancel()
            pool.shutdown(wait=False, cancel_futures=True)
        self.report(final=True)

    def failure(self, task: _Task, error: Exception, pending: Mapping[Future[list[dict[str, Any]]], _Task]) -> None:
        """A listing failed: abort on credentials/network errors, otherwise record it and go on."""
        from botocore.exceptions import BotoCoreError, ClientError

        if not isinstance(error, ClientError | BotoCoreError):
            raise error
        code = _code(error) if isinstance(error, ClientError) else ""
        if isinstance(error, BotoCoreError) or code in _FATAL_CODES:
            raise _org_error(error, "walking the organization", self.base) from error
        text = f"{code}: {_message(error)}"
        if task.kind == "tags":
            self.tag_failures[task.ident] = code
            if code in DENIED_CODES and self.tags_denied is None:
                self.tags_denied = text
                for future, queued in pending.items():
                    if queued.kind == "tags":
                        future.cancel()
            return
        self.failed.append((task.kind, task.path, text))  # both listings of an OU carry its own path

    def report(self, *, final: bool = False) -> None:
        if self.progress is None:
            return
        now = self.monotonic()
        if not final and now - self.last_progress < PROGRESS_INTERVAL:
            return
        self.last_progress = now
        text = f"{self.walked:,} of {len(self.ous):,} OUs walked, {len(self.found):,} accounts found"
        if self.read_tags and self.tags_denied is None:
            text += f", tags read for {len(self.tags):,}"
        self.progress(text)

    # -- the result --------------------------------------------------------------------------------------

    def snapshot(
        self, organization: Mapping[str, Any], now: datetime, source_profile: str | None, warn: Warn | None
    ) -> tuple[OrgSnapshot, list[str], int]:
        previous = {a.id: a for a in self.previous.accounts} if self.previous else {}
        accounts: dict[str, DiscoveredAccount] = {}
        for account_id, entry in self.found.items():
            if account_id in self.tags:
                tags = self.tags[account_id]
            else:  # not read (tags off, denied or failed): the cached ones, if any
                tags = previous[account_id].tags if account_id in previous and self.read_tags else {}
            arn = str(entry.get("Arn", ""))
            accounts[account_id] = DiscoveredAccount(
                id=account_id,
                name=str(entry.get("Name") or account_id),
                email=str(entry.get("Email", "")),
                state=str(entry.get("State") or entry.get("Status") or "ACTIVE"),
                ou_path=self.paths[account_id],
                tags=tags,
                discovered_at=now,
                partition=arn.split(":")[1] if arn.count(":") >= 2 else "aws",
            )
        failures: list[str] = []
        kept = 0
        when = self.previous.discovered_at.strftime("%Y-%m-%d %H:%M UTC") if self.previous else ""
        for kind, path, text in self.failed:
            keep = [
                a
                for a in (self.previous.accounts if self.previous else ())
                if a.id not in accounts and (_below(a.ou_path, path) if kind == "ous" else a.ou_path == path)
            ]
            for account in keep:
                accounts[account.id] = account
            kept += len(keep)
            what = "the OUs under" if kind == "ous" else "the accounts of"
            where = f"OU {path}" if path else "the root"
            line = f"could not list {what} {where} ({text})"
            if keep:
                line += f"; kept {len(keep)} of its accounts from the cache of {when}"
            elif self.previous is not None:
                line += "; the cache had none of its accounts to keep"
            else:
                line += "; its accounts are missing until a discovery succeeds"
            failures.append(line)
        if warn is not None:
            for line in failures:
                warn(line)
            if self.tags_denied is not None:
                warn(
                    f"cannot read account tags ({self.tags_denied}); kept the cached tags — grant "
                    "organizations:ListTagsForResource, or set read_tags = false in [organizations]"
                )
            elif self.tag_failures:
                codes = ", ".join(sorted(set(self.tag_failures.values())))
                warn(f"could not read the tags of {len(self.tag_failures)} accounts ({codes}); kept their cached tags")
        incomplete = tuple(sorted({path for _, path, _ in self.failed}))
        snapshot = OrgSnapshot(
            discovered_at=now,
            accounts=tuple(sorted(accounts.values(), key=lambda a: (a.ou_path, a.name.lower(), a.id))),
            organization_id=_str(organization.get("Id")),
            management_account_id=_str(organization.get("MasterAccountId")),
            ou_count=len(self.ous),
            source_profile=source_profile,
            tags_read=self.read_tags and self.tags_denied is None,
            incomplete=incomplete,
        )
        return snapshot, failures, kept


def _below(ou_path: str, parent: str) -> bool:
    """Strictly below `parent` ("" = the root: every OU)."""
    return ou_path != "" if parent == "" else ou_path.startswith(parent + "/")


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _code(error: Exception) -> str:
    response = getattr(error, "response", {}) or {}
    return str(response.get("Error", {}).get("Code", ""))


def _message(error: Exception) -> str:
    response = getattr(error, "response", {}) or {}
    return " ".join(str(response.get("Error", {}).get("Message", "")).split())


def _org_error(error: Exception, doing: str, base: str, management: str | None = None) -> RoleuiError:
    """The one-line error of a discovery that cannot go on."""
    code = _code(error)
    if code == NOT_IN_USE:
        return RoleuiError(
            f"the account of {base} is not in an AWS Organization — set organizations.source_profile to the "
            "management account or a delegated administrator, or turn discovery off (enabled = false)",
            exit_code=EXIT_FAILURE,
        )
    if code in DENIED_CODES:
        who = f"the management account ({management})" if management else "the management account"
        return RoleuiError(
            f"access denied {doing} with {base}: it is not {who} or a delegated administrator — set "
            "organizations.source_profile to one that is",
            exit_code=EXIT_ACCESS_DENIED,
        )
    if code in THROTTLING_CODES:
        return RoleuiError(
            f"AWS Organizations kept throttling {doing} after every retry with backoff — wait a minute and run "
            "`roleui discover` again",
            exit_code=EXIT_THROTTLED,
        )
    return aws_error(error, Call(doing=doing, base=base))


def describe_base(profile: str | None) -> str:
    return f"profile {profile}" if profile else "the default credentials"


def discover_organization(
    client: OrganizationsClient,
    *,
    source_profile: str | None = None,
    read_tags: bool = True,
    previous: OrgSnapshot | None = None,
    clock: Clock = utc_now,
    progress: Progress | None = None,
    warn: Warn | None = None,
    workers: int = WORKERS,
    sleep: Callable[[float], None] = time.sleep,
    monotonic: Callable[[], float] = time.monotonic,
) -> DiscoveryReport:
    """Walk the organization behind `client`. Raises RoleuiError when nothing usable can be discovered."""
    from botocore.exceptions import BotoCoreError, ClientError

    base = describe_base(source_profile)
    discovery = _Discovery(
        client,
        read_tags=read_tags,
        previous=previous,
        base=base,
        progress=progress,
        sleep=sleep,
        monotonic=monotonic,
    )
    started = monotonic()
    try:
        organization, root_id = discovery.start()
        if progress is not None:
            progress(f"walking the OU tree of organization {organization.get('Id', '?')}")
        discovery.walk(root_id, workers)
    except (ClientError, BotoCoreError) as error:
        management = _str(discovery.organization.get("MasterAccountId"))
        raise _org_error(error, "listing the organization", base, management) from error
    snapshot, failures, kept = discovery.snapshot(organization, clock(), source_profile, warn)
    return DiscoveryReport(
        snapshot=snapshot,
        failures=failures,
        kept=kept,
        api_calls=discovery.calls,
        throttled=discovery.throttled,
        seconds=monotonic() - started,
    )


def organizations_client(catalog: Catalog) -> OrganizationsClient:
    """A client for the organization: the discovery profile's credentials, roleui's timeouts and retries."""
    from roleui.aws.clients import base_session, make_client, region_for, session_region

    session = base_session(discovery_profile(catalog))
    region = region_for("aws", catalog.organizations.region, session_region(session))
    client: OrganizationsClient = make_client(session, "organizations", region)
    return client


def update_organization(
    explicit_config: str | None,
    *,
    progress: Progress | None = None,
    warn: Warn | None = None,
    clock: Clock = utc_now,
    client: OrganizationsClient | None = None,
    workers: int = WORKERS,
    sleep: Callable[[float], None] = time.sleep,
) -> DiscoveryReport:
    """Discover now and write the cache (the organization's refresher in roleui/aws/refresh.py)."""
    from roleui.aws.sources import read_catalog

    world = read_catalog(explicit_config)  # for [organizations] and the base credentials: nothing to merge yet
    config = world.organizations
    if not config.enabled:
        where = world.path or "the catalog"
        raise RoleuiError(
            f"AWS Organizations discovery is off — add an [organizations] table with enabled = true to {where}",
            exit_code=EXIT_USAGE,
        )
    if warn is not None and tag_rules_without_tags(config):
        warn("[organizations] rules or filters use tags but read_tags = false: they match no account")
    previous = load_org_snapshot(warn=warn)
    profile = discovery_profile(world)
    if client is None:
        from botocore.exceptions import BotoCoreError

        try:
            client = organizations_client(world)
        except BotoCoreError as error:  # a broken config file, a credential source that fails...
            raise aws_error(error, Call(doing="reading the organization", base=describe_base(profile))) from error
    report = discover_organization(
        client,
        source_profile=profile,
        read_tags=config.read_tags,
        previous=previous,
        clock=clock,
        progress=progress,
        warn=warn,
        workers=workers,
        sleep=sleep,
    )
    report.cache_path = save_org_snapshot(report.snapshot)
    if warn is not None and not report.complete:
        warn(
            f"the organization cache was written incomplete ({len(report.snapshot.incomplete)} OU listings "
            "failed; the rest is current) — `roleui discover` retries"
        )
    return report


def refresh_organization(
    explicit_config: str | None,
    *,
    progress: Progress | None = None,
    warn: Warn | None = None,
    clock: Clock = utc_now,
    client: OrganizationsClient | None = None,
    workers: int = WORKERS,
    sleep: Callable[[float], None] = time.sleep,
    cached: bool = False,
) -> tuple[Catalog, DiscoveryReport]:
    """Discover now, write the cache, and return the merged world with the report (`roleui discover`);
    `cached` returns it through the world cache (load_world), as the UI holds it."""
    from roleui.aws.sources import load_world

    report = update_organization(
        explicit_config, progress=progress, warn=warn, clock=clock, client=client, workers=workers, sleep=sleep
    )
    return load_world(explicit_config, warn=warn, cached=cached), report
