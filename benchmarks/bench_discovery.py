"""Benchmark of AWS Organizations discovery and of the cached start (issue 4).

An organization of 5,000 accounts in 50 OUs (10 top-level OUs with 4 children each) is seeded in-process
through moto's backend (creating accounts over HTTP is quadratic in moto), served over HTTP by a
ThreadedMotoServer started in this process, with list pages of 20 like real AWS. It prints:

1. API calls and wall time of a full discovery: roleui's OU-tree walk (1 and 8 workers, tags off and on)
   against the naive way (list_accounts, then list_parents per account and per OU, describe_organizational_unit
   per OU), side by side, with the bound ceil(accounts / 20) + 2 x OUs + a small constant.
2. `roleui list --json` from the cache for 5,000 accounts x 2 roles, against `python -c pass` (target <= 6x),
   and whether boto3 / botocore were imported (`-X importtime`).

Run: .venv/bin/python benchmarks/bench_discovery.py [--accounts 5000] [--runs 15]
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MANAGEMENT = "123456789012"
TOP_OUS = 10
CHILD_OUS = 4


def start_server() -> str:
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    return f"http://{host}:{port}"


def seed(accounts: int) -> tuple[int, int]:
    """The organization, through moto's backend in this process. Returns (accounts, OUs)."""
    import boto3
    from moto.organizations.models import organizations_backends

    boto3.client("organizations", region_name="us-east-1").create_organization(FeatureSet="ALL")
    backend = organizations_backends[MANAGEMENT]["aws"]
    root = backend.org.root_id
    leaves: list[str] = []
    ous: list[str] = []
    for top in range(TOP_OUS):
        parent = backend.create_organizational_unit(ParentId=root, Name=f"Unit{top:02d}")["OrganizationalUnit"]["Id"]
        ous.append(parent)
        for child in range(CHILD_OUS):
            name = f"Team{child}"
            leaves.append(backend.create_organizational_unit(ParentId=parent, Name=name)["OrganizationalUnit"]["Id"])
    ous += leaves
    for index in range(accounts - 1):  # the management account is the first
        backend.create_account(
            AccountName=f"acct-{index:05d}",
            Email=f"acct-{index:05d}@example.com",
            Tags=[{"Key": "environment", "Value": "prod" if index % 3 else "dev"}],
        )
        backend.accounts[-1].parent_id = ous[index % len(ous)]  # what move_account does, without its O(n) lookup
        if index % 1000 == 999:
            backend.accounts[-1].close()
    return len(backend.accounts), len(ous)


def counted_client() -> tuple[Any, Counter[str]]:
    import boto3

    client = boto3.client("organizations", region_name="us-east-1")
    calls: Counter[str] = Counter()
    client.meta.events.register("before-call.organizations", lambda model, **_: calls.update([model.name]))
    return client, calls


def tree_walk(workers: int, read_tags: bool) -> tuple[int, float, int]:
    from roleui.aws.organizations import discover_organization

    client, calls = counted_client()
    started = time.perf_counter()
    report = discover_organization(client, read_tags=read_tags, workers=workers)
    return sum(calls.values()), time.perf_counter() - started, len(report.snapshot.accounts)


def naive(workers: int) -> tuple[int, float, int]:
    """list_accounts, then list_parents per account, and per OU up to the root with its name: the OU paths."""
    client, calls = counted_client()
    started = time.perf_counter()
    accounts: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        page = client.list_accounts(MaxResults=20, **({"NextToken": token} if token else {}))
        accounts += page["Accounts"]
        token = page.get("NextToken")
        if not token:
            break

    def parent_of(child: str) -> str:
        return str(client.list_parents(ChildId=child)["Parents"][0]["Id"])

    with ThreadPoolExecutor(max_workers=workers) as pool:
        parents = dict(zip([a["Id"] for a in accounts], pool.map(parent_of, [a["Id"] for a in accounts]), strict=True))
    names: dict[str, str] = {}
    up: dict[str, str] = {}
    for parent in set(parents.values()):
        ou = parent
        while ou.startswith("ou-") and ou not in names:
            names[ou] = client.describe_organizational_unit(OrganizationalUnitId=ou)["OrganizationalUnit"]["Name"]
            up[ou] = parent_of(ou)
            ou = up[ou]

    def path(ou: str) -> str:
        return "" if not ou.startswith("ou-") else "/".join(p for p in (path(up[ou]), names[ou]) if p)

    paths = {account: path(ou) for account, ou in parents.items()}
    return sum(calls.values()), time.perf_counter() - started, len(paths)


def timed(argv: list[str], env: dict[str, str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, cwd=ROOT)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def cached_start(runs: int) -> None:
    from roleui.aws.refresh import refresh_world

    catalog = Path(os.environ["HOME"]) / ".config" / "roleui" / "config.toml"  # where a user's catalog is
    catalog.parent.mkdir(parents=True, exist_ok=True)
    catalog.write_text(
        '[organizations]\nenabled = true\nroles = ["OrganizationAccountAccessRole", "ReadOnly"]\n'
        "include_inactive_roles = true\nread_tags = false\n"
    )
    world = refresh_world(None)
    env = dict(os.environ, AWS_ENDPOINT_URL="http://127.0.0.1:9")  # a call would fail: none is made
    roleui = [str(Path(sys.executable).parent / "roleui"), "list", "--json"]  # the console script users run
    importtime = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "roleui", "list", "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    imported = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in importtime.stderr.splitlines() if "|" in line}
    rows = importtime.stdout.count('"key":')
    timed([sys.executable, "-c", "pass"], env, 3)  # warm the page cache
    timed(roleui, env, 1)
    baselines, listings = [], []
    for _ in range(runs):  # interleaved, so a busy moment of the shared machine hits both alike
        baselines.append(timed([sys.executable, "-c", "pass"], env, 1))
        listings.append(timed(roleui, env, 1))
    baseline, listing = statistics.median(baselines), statistics.median(listings)
    ratios = sorted(a / b for a, b in zip(listings, baselines, strict=True))
    cache = Path(os.environ["HOME"]) / ".cache" / "roleui"
    lists = cache / "lists"
    normal = []
    for _ in range(3):
        shutil.rmtree(lists)  # as after any change to the catalog, the AWS config or the organization cache
        normal.append(timed(roleui, env, 1))
    print(f"\n## Start from cache: `roleui list --json`, {len(world.accounts):,} accounts, {rows:,} roles")
    print(f"median of {runs} runs: python -c pass {baseline * 1000:.0f} ms, roleui list --json {listing * 1000:.0f} ms")
    size = (cache / "organization.json").stat().st_size
    quartiles = statistics.quantiles(ratios, n=4)
    print(
        f"ratio {statistics.median(ratios):.1f}x (median of the per-round ratios, p25-p75 {quartiles[0]:.1f}-"
        f"{quartiles[2]:.1f}x; target <= 6x); organization cache {size / 1e6:.1f} MB"
    )
    print(
        f"after a change (no list index: read, merge, render, leave the index): {statistics.median(normal) * 1000:.0f} ms"
    )
    print(
        f"imported boto3: {'boto3' in imported}; botocore: {'botocore' in imported}; textual: {'textual' in imported}"
    )
    stages(env)


STAGES = """
import io, json, sys, time
t0 = time.perf_counter()
from roleui.aws.sources import load_world
from roleui.commands.list_roles import as_record
from roleui.core.sources.organizations import merge as org_merge
from roleui.core.sources.organizations import cache as org_cache
from roleui.core.catalog.parse import load_catalog
t1 = time.perf_counter()
data = json.loads(org_cache.cache_file().read_bytes())
t2 = time.perf_counter()
snapshot = org_cache.parse_snapshot(data)
t3 = time.perf_counter()
catalog = load_catalog(sys.argv[1])
world = org_merge.merge_organization(catalog, snapshot)
t4 = time.perf_counter()
records = [as_record(r) for r in world.roles]
t5 = time.perf_counter()
json.dump(records, io.StringIO(), indent=1)
t6 = time.perf_counter()
"[\\n" + ",\\n".join(json.dumps(r) for r in records) + "\\n]"
t7 = time.perf_counter()
ms = lambda a, b: f"{(b - a) * 1000:.0f} ms"
print(f"imports {ms(t0, t1)}, json.loads {ms(t1, t2)}, snapshot {ms(t2, t3)}, merge ({len(world.roles):,} roles) {ms(t3, t4)}, "
      f"records {ms(t4, t5)}, json.dump indent=1 {ms(t5, t6)} (one json.dumps per row: {ms(t6, t7)})")
"""


def stages(env: dict[str, str]) -> None:
    """Where the time of a cached start goes, measured in one process."""
    result = subprocess.run(
        [sys.executable, "-c", STAGES, str(Path(env["HOME"]) / ".config" / "roleui" / "config.toml")],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    print(f"in-process stages: {result.stdout.strip()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--accounts", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--no-tags", action="store_true", help="skip the discovery with tags (moto: ~90 s)")
    parser.add_argument("--cache-only", action="store_true", help="only the start from cache")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="roleui-bench-discovery-"))
    try:
        run(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(args: argparse.Namespace, work: Path) -> None:
    for name in list(os.environ):
        # PYTHONUNBUFFERED would make every chunk of the JSON output a system call in the timed children.
        # No ROLEUI_* or XDG_* variable: roleui's files where a user's are, under a temporary HOME.
        if name.startswith(("AWS_", "ROLEUI_", "XDG_", "PYTHON")):
            del os.environ[name]
    os.environ.update(
        HOME=str(work / "home"),
        AWS_ENDPOINT_URL=start_server(),
        AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE",
        AWS_SECRET_ACCESS_KEY="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        AWS_DEFAULT_REGION="us-east-1",
    )
    started = time.perf_counter()
    accounts, ous = seed(args.accounts)
    print(f"seeded {accounts:,} accounts in {ous} OUs in-process in {time.perf_counter() - started:.1f} s")
    if args.cache_only:
        cached_start(args.runs)
        return
    bound = math.ceil(accounts / 20) + 2 * ous
    print(f"\n## Full discovery ({accounts:,} accounts, {ous} OUs, pages of 20)")
    print(f"bound: ceil(accounts / 20) + 2 x OUs = {bound} + a small constant (tags aside)")
    print(f"| {'method':<48} | {'API calls':>9} | {'wall time':>9} | accounts |")
    print(f"|{'-' * 50}|{'-' * 11}|{'-' * 11}|{'-' * 10}|")
    rows = [
        ("tree walk, 1 worker, no tags", lambda: tree_walk(1, False)),
        ("tree walk, 8 workers, no tags", lambda: tree_walk(8, False)),
        *([] if args.no_tags else [("tree walk, 8 workers, with tags", lambda: tree_walk(8, True))]),
        ("naive: list_accounts + list_parents, 1 worker", lambda: naive(1)),
        ("naive: list_accounts + list_parents, 8 workers", lambda: naive(8)),
    ]
    for label, run in rows:
        calls, seconds, found = run()
        print(f"| {label:<48} | {calls:>9,} | {seconds:>7.2f} s | {found:>8,} |")
    cached_start(args.runs)


if __name__ == "__main__":
    main()
