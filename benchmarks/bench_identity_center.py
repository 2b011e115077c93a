"""Benchmark of IAM Identity Center discovery and of the cached start with Identity Center roles (issue 11).

1. Discovery of 1,000 accounts x 3 permission sets against the local stand-in of the portal
   (roleui/demo/identity_center) on 127.0.0.1, throttling at 20 requests a second like the real portal: API calls
   made against the bound ceil(accounts / 100) + accounts, throttled responses, and wall time against the
   throttle's floor (calls / 20 s). `--unpaced` also runs it without roleui's pacing (backoff only).
2. `roleui list --json` and the UI's first screen for a world of 30,000 roles: 9,000 organization accounts x 3
   roles + 1,000 Identity Center accounts x 3 permission sets, all from the caches: against `python -c pass`
   (target <= 6x) and a bare Textual app (target <= 1.2x), and whether boto3 was imported.

Run: .venv/bin/python benchmarks/bench_identity_center.py [--accounts 1000] [--runs 15] [--unpaced]
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
START_URL = "https://bench.awsapps.com/start"
REGION = "eu-west-1"
PERMISSION_SETS = ("AdministratorAccess", "ReadOnlyAccess", "Billing")
ORG_ACCOUNTS = 9000
ORG_ROLES = ("ReadOnly", "Developer", "Admin")


def discovery(accounts: int, unpaced: bool) -> None:
    from roleui.aws.identity_center import PAGE_SIZE, RATE, discover_sign_in, discovery_client
    from roleui.core.sources.aws_config.profiles import SsoSession
    from roleui.demo.identity_center import Assignment, Directory, IdentityCenterServer

    assigned = [
        Assignment(f"{400000000000 + n:012d}", f"team-{n:04d}", f"t{n}@example.com", PERMISSION_SETS)
        for n in range(accounts)
    ]
    bound = math.ceil(accounts / PAGE_SIZE) + accounts
    print(
        f"## Discovery: {accounts:,} accounts x {len(PERMISSION_SETS)} permission sets, the portal throttling at 20/s"
    )
    print(
        f"bound: ceil(accounts / {PAGE_SIZE}) + accounts = {bound:,} calls; floor: {accounts / 20:.1f} s (accounts / 20)"
    )
    print(f"| {'run':<32} | {'API calls':>9} | {'throttled':>9} | {'wall time':>9} | vs floor | accounts | roles |")
    print(f"|{'-' * 34}|{'-' * 11}|{'-' * 11}|{'-' * 11}|{'-' * 10}|{'-' * 10}|{'-' * 7}|")
    runs = [("paced at 20/s, 8 workers", RATE)] + ([("unpaced (backoff only), 8 workers", 0.0)] if unpaced else [])
    for label, rate in runs:
        directory = Directory(user="bench", assignments=assigned, requests_per_second=20)
        server = IdentityCenterServer(directory)
        server.start()
        try:
            os.environ["AWS_ENDPOINT_URL_SSO"] = server.url
            token = directory.issue_access_token()
            report = discover_sign_in(
                discovery_client(REGION), SsoSession("bench", START_URL, REGION), token, rate=rate, workers=8
            )
        finally:
            server.stop()
        snapshot = report.snapshot
        print(
            f"| {label:<32} | {report.api_calls:>9,} | {report.throttled:>9,} | {report.seconds:>7.1f} s | "
            f"{report.seconds / (accounts / 20):>7.2f}x | {len(snapshot.accounts):>8,} | {snapshot.role_count:>5,} |"
        )


def build_world(work: Path, ic_accounts: int) -> dict[str, str]:
    """The caches of a 30,000-role world (organization + Identity Center); returns the environment to run in."""
    from roleui.core.sources.identity_center.cache import save_ic_snapshots
    from roleui.core.sources.identity_center.model import IcAccount, IcSnapshot
    from roleui.core.sources.organizations.cache import save_org_snapshot
    from roleui.core.sources.organizations.model import DiscoveredAccount, OrgSnapshot

    home = work / "home"
    home.mkdir()
    env = {
        "HOME": str(home),
        "PATH": f"{ROOT / '.venv' / 'bin'}{os.pathsep}/usr/bin:/bin",
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",
        "LANG": "C.UTF-8",
        "ROLEUI_CONFIG": str(work / "catalog.toml"),
        "ROLEUI_CACHE_DIR": str(work / "cache"),
        "ROLEUI_DATA_DIR": str(work / "data"),
        "AWS_CONFIG_FILE": str(work / "aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(work / "aws-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",  # nothing can reach AWS: a call would fail, none is made
    }
    Path(env["AWS_CONFIG_FILE"]).write_text(
        f"[sso-session bench]\nsso_start_url = {START_URL}\nsso_region = {REGION}\n"
    )
    Path(env["ROLEUI_CONFIG"]).write_text(
        '[defaults]\nregion = "eu-west-1"\n\n[organizations]\nenabled = true\n'
        f'roles = ["{ORG_ROLES[0]}", "{ORG_ROLES[1]}", "{ORG_ROLES[2]}"]\n\n'
        '[[identity_center]]\nsso_session = "bench"\n'
    )
    os.environ.update(env)
    now = datetime.now(UTC)
    envs = ("prod", "staging", "dev", "sandbox")
    org = tuple(
        DiscoveredAccount(
            f"{100000000000 + n:012d}",
            f"org-{envs[n % 4]}-{n:05d}",
            f"o{n}@example.com",
            "ACTIVE",
            f"Workloads/{envs[n % 4].title()}",
            {"environment": envs[n % 4]},
            now,
        )
        for n in range(ORG_ACCOUNTS)
    )
    save_org_snapshot(OrgSnapshot(discovered_at=now, accounts=org, management_account_id="999999999999"))
    assigned = tuple(
        IcAccount(f"{400000000000 + n:012d}", f"team-{n:04d}", f"t{n}@example.com", PERMISSION_SETS)
        for n in range(ic_accounts)
    )
    save_ic_snapshots([IcSnapshot("bench", START_URL, REGION, now - timedelta(minutes=1), assigned)])
    return env


def timed(argv: list[str], env: dict[str, str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, cwd=ROOT)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def cached_start(ic_accounts: int, runs: int) -> None:
    import bench_ui

    with tempfile.TemporaryDirectory(prefix="roleui-bench-ic-") as tmp:
        env = build_world(Path(tmp), ic_accounts)
        python = bench_ui.PYTHON
        listing = [python, "-m", "roleui", "list", "--json"]
        first = subprocess.run(listing, env=env, capture_output=True, text=True, check=True, cwd=ROOT)
        rows = first.stdout.count('"key":')
        from_ic = first.stdout.count('"source": "identity-center"')
        imports = subprocess.run(
            [python, "-X", "importtime", "-m", "roleui", "list", "--json"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stderr
        imported = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in imports.splitlines() if "|" in line}
        timed([python, "-c", "pass"], env, 3)  # warm the page cache
        baseline = timed([python, "-c", "pass"], env, runs)
        listed = timed(listing, env, runs)
        print(
            f"\n## Start from the caches: {rows:,} roles, {from_ic:,} of them from Identity Center ({ic_accounts:,} accounts)"
        )
        print(
            f"`roleui list --json`: median of {runs} runs {listed * 1000:.0f} ms, `python -c pass` {baseline * 1000:.0f} ms: "
            f"{listed / baseline:.1f}x (target <= 6x); boto3 imported: {'boto3' in imported}, botocore: "
            f"{'botocore' in imported}"
        )
        screens: dict[str, list[float]] = {"bare": [], "roleui": []}

        def bare_label(lines: list[str]) -> bool:
            return any("bare textual app" in line for line in lines)

        for _ in range(runs):
            screens["bare"].append(bench_ui.first_screen([python, "-c", bench_ui.BARE_APP], env, bare_label))
            screens["roleui"].append(bench_ui.first_screen([bench_ui.ROLEUI], env, bench_ui.has_rows))
        ms = {name: statistics.median(values) * 1000 for name, values in screens.items()}
        print(
            f"UI first screen: `roleui` {ms['roleui']:.0f} ms, bare Textual app {ms['bare']:.0f} ms (medians of {runs}, "
            f"interleaved): {ms['roleui'] / ms['bare']:.2f}x (target <= 1.2x)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--unpaced", action="store_true", help="also discover without pacing (backoff only)")
    parser.add_argument("--cache-only", action="store_true", help="only the start from the caches")
    args = parser.parse_args()
    for name in list(os.environ):
        if name.startswith(("AWS_", "ROLEUI_")) or name == "PYTHONUNBUFFERED":
            del os.environ[name]
    work = Path(tempfile.mkdtemp(prefix="roleui-bench-ic-home-"))
    try:
        os.environ.update(HOME=str(work), ROLEUI_CACHE_DIR=str(work / "cache"), AWS_CONFIG_FILE=str(work / "config"))
        if not args.cache_only:
            discovery(args.accounts, args.unpaced)
        cached_start(args.accounts, args.runs)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
