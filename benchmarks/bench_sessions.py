"""Sessions-engine benchmark, in the configuration users have, each figure a ratio to its anchor from the same run.

    .venv/bin/python benchmarks/bench_sessions.py [--runs 21] [--anchors DIR] [--only PHASE ...] [--skip-large]

The user's configuration: no ROLEUI_* variable, no XDG variable; a HOME (temporary) holding the catalog at
`~/.config/roleui/config.toml`, the base keys of an IAM user in `~/.aws/credentials` (`[default]`), a role
profile `data` in `~/.aws/config` for the anchors; roleui run through its console script in .venv. The only
addition is AWS_ENDPOINT_URL, which points roleui and both anchors at the same local moto server (and
AWS_EC2_METADATA_DISABLED, so no tool ever probes an instance metadata address).

The anchors are installed from PyPI into their own virtualenv (`--anchors`, default `.bench-anchors/`, made on the
first run): awsume and the aws CLI (v1). Figures, each measured interleaved with its anchor, run by run, so a busy
moment of the shared machine hits both alike; each is the median of the per-round ratios, with the middle half of
the rounds (p25-p75) as its spread:

1. `roleui credential-process ROLE`, a cache hit, against `python -c pass` in the same venv (target <= 1.3x);
2. `roleui list --json` over 30,000 roles (10,000 organization accounts x 3, from a fresh organization cache; the
   index the first call leaves answers) against `python -c pass` (target <= 2.5x), and over 300,000 roles (100,000
   accounts x 3) against the 30,000 (target <= 10x: cost grows no faster than the roles, without a cliff);
3. a cold `roleui env ROLE --no-cache` (AssumeRole anew; the base identity known from an earlier run, as it is
   after a user's first assume) against `awsume data -s` (target <= 0.5x) and `aws sts assume-role` for the same
   role (target <= 0.4x); also shown: the very first assume with new base credentials (GetCallerIdentity too).

By default every phase runs. `--only cold` (or `hit`, `list`; repeatable) runs only the phases named, and
`--skip-large` leaves out the 300,000-role listing, whose first call (the one that merges the world and writes the
index) takes minutes: `--only cold --runs 9` is a few minutes' work.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
ANCHORS = ROOT / ".bench-anchors"
ANCHOR_PACKAGES = ("awsume", "awscli")
PHASES = ("hit", "list", "cold")  # credential-process cache hit, list --json, cold assume
ROLE = "shared-data/CrossAccountS3ReadOnly"
ROLE_ARN = "arn:aws:iam::222222222222:role/CrossAccountS3ReadOnly"
CATALOG = """\
[defaults]
region = "eu-west-1"
duration = "1h"

[[accounts]]
id = "222222222222"
name = "shared-data"

  [[accounts.roles]]
  name = "CrossAccountS3ReadOnly"
"""
AWS_CONFIG = f"""\
[default]
region = eu-west-1

[profile data]
role_arn = {ROLE_ARN}
source_profile = default
region = eu-west-1
"""


def anchors_venv(directory: Path) -> Path:
    """The anchors' virtualenv (awsume, the aws CLI from PyPI), made on the first run; returns its bin directory."""
    bin_dir = directory / "bin"
    if not all((bin_dir / name).exists() for name in ("awsume", "awsumepy", "aws")):
        print(f"installing the anchors ({', '.join(ANCHOR_PACKAGES)}) into {directory} ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(directory)], check=True)
        subprocess.run(
            [
                str(bin_dir / "python"),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                *ANCHOR_PACKAGES,
            ],
            check=True,
        )
    return bin_dir


def user_home(work: Path, key_id: str, secret: str) -> Path:
    home = work / "home"
    (home / ".config" / "roleui").mkdir(parents=True)
    (home / ".config" / "roleui" / "config.toml").write_text(CATALOG, encoding="utf-8")
    (home / ".aws").mkdir()
    (home / ".aws" / "config").write_text(AWS_CONFIG, encoding="utf-8")
    credentials = f"[default]\naws_access_key_id = {key_id}\naws_secret_access_key = {secret}\n"
    (home / ".aws" / "credentials").write_text(credentials, encoding="utf-8")
    return home


def user_environment(home: Path, endpoint: str) -> dict[str, str]:
    """The environment of a user's shell: nothing of roleui's, nothing of AWS's but where AWS is (moto)."""
    # PYTHON* too: a development shell's PYTHONDONTWRITEBYTECODE would make roleui (installed editable, so not
    # compiled by pip as the anchors are) compile itself on every run.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ROLEUI_", "XDG_", "PYTHON"))}
    env.update(HOME=str(home), AWS_ENDPOINT_URL=endpoint, AWS_EC2_METADATA_DISABLED="true")
    return env


# Written in a child process, so the organization cache lands in that HOME's cache dir (roleui reads the
# environment for its directories).
ORG_WORLD = """
import json, sys
from datetime import UTC, datetime
from pathlib import Path
from roleui.core.sources.organizations.cache import save_org_snapshot
from roleui.core.sources.organizations.model import DiscoveredAccount, OrgSnapshot

accounts, home = int(sys.argv[1]), Path(sys.argv[2])
teams = ("web", "data", "payments", "search", "ml", "infra", "mobile", "identity")
envs = ("prod", "staging", "dev", "sandbox")
catalog = home / ".config" / "roleui" / "config.toml"
catalog.parent.mkdir(parents=True)
catalog.write_text(
    '[defaults]\\nregion = "eu-west-1"\\n\\n[organizations]\\nenabled = true\\n'
    'roles = ["ReadOnly", "Developer", "Admin"]\\ncache_lifetime = "24h"\\n'
)
now = datetime.now(UTC)
save_org_snapshot(OrgSnapshot(
    discovered_at=now,
    accounts=tuple(
        DiscoveredAccount(
            id=f"{100000000000 + n:012d}",
            name=f"{teams[n % 8]}-{envs[(n // 8) % 4]}-{n:06d}",
            email=f"aws+{n}@example.com",
            state="ACTIVE",
            ou_path=f"Workloads/{envs[(n // 8) % 4].title()}/{teams[n % 8]}",
            tags={"environment": envs[(n // 8) % 4], "team": teams[n % 8]},
            discovered_at=now,
        )
        for n in range(accounts)
    ),
    organization_id="o-bench",
    ou_count=20,
))
"""


def org_world(work: Path, accounts: int, env: dict[str, str]) -> dict[str, str]:
    """A HOME whose catalog turns on [organizations] with a fresh cache of `accounts` x 3 roles; its environment."""
    home = work / f"org-{accounts}"
    home.mkdir()
    world_env = dict(env, HOME=str(home))
    subprocess.run([str(BIN / "python"), "-c", ORG_WORLD, str(accounts), str(home)], env=world_env, check=True)
    return world_env


def run_once(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"benchmark command failed ({done.returncode}): {' '.join(command)}\n{done.stderr.decode()}")
    return elapsed


Program = tuple[list[str], dict[str, str], Callable[[], None] | None]


def interleaved(programs: dict[str, Program], rounds: int) -> dict[str, list[float]]:
    """Every program once per round, in the same order; `before` (untimed) runs before its program."""
    times: dict[str, list[float]] = {name: [] for name in programs}
    for _ in range(rounds):
        for name, (command, env, before) in programs.items():
            if before is not None:
                before()
            times[name].append(run_once(command, env))
    return times


def ratio(times: dict[str, list[float]], name: str, anchor: str) -> tuple[float, float, float]:
    """(median, p25, p75) of the per-round ratios name/anchor."""
    ratios = sorted(a / b for a, b in zip(times[name], times[anchor], strict=True))
    quartiles = statistics.quantiles(ratios, n=4)
    return statistics.median(ratios), quartiles[0], quartiles[2]


def line(times: dict[str, list[float]], name: str, anchor: str, target: float) -> str:
    median, low, high = ratio(times, name, anchor)
    verdict = "met" if median <= target else "MISSED"
    ms = statistics.median(times[name]) * 1000
    anchor_ms = statistics.median(times[anchor]) * 1000
    return (
        f"  {name}: {ms:.0f} ms vs {anchor} {anchor_ms:.0f} ms: {median:.2f}x (p25-p75 {low:.2f}-{high:.2f}x), "
        f"target <= {target}x: {verdict}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="interleaved rounds per figure (default 21)")
    parser.add_argument("--anchors", type=Path, default=ANCHORS, help=f"the anchors' venv (default {ANCHORS})")
    parser.add_argument(
        "--only",
        action="append",
        choices=PHASES,
        help="run only this phase (repeatable): hit = credential-process cache hit, list = list --json, "
        "cold = cold assume (default: all)",
    )
    parser.add_argument(
        "--skip-large", action="store_true", help="list --json at 30,000 roles only, not at 300,000 (minutes)"
    )
    args = parser.parse_args()
    phases = set(args.only or PHASES)
    anchor_bin = anchors_venv(args.anchors) if "cold" in phases else args.anchors / "bin"

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    work = Path(tempfile.mkdtemp(prefix="roleui-bench-"))
    try:
        import boto3

        iam = boto3.client(
            "iam",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
            aws_secret_access_key="x" * 40,
        )
        iam.create_user(UserName="deepak.dev")
        key = iam.create_access_key(UserName="deepak.dev")["AccessKey"]
        home = user_home(work, key["AccessKeyId"], key["SecretAccessKey"])
        env = user_environment(home, endpoint)
        anchor_env = dict(env, PATH=f"{anchor_bin}{os.pathsep}{env.get('PATH', '')}")  # awsume runs awsumepy
        roleui = str(BIN / "roleui")
        first_list: dict[str, float] = {}
        sessions = home / ".cache" / "roleui" / "sessions"

        def forget_identity() -> None:
            for path in sessions.glob("identity-*"):
                path.unlink()

        programs: dict[str, Program] = {
            "python -c pass": ([str(BIN / "python"), "-c", "pass"], env, None),
            "roleui credential-process (hit)": ([roleui, "credential-process", ROLE], env, None),
        }
        assume = [
            "sts",
            "assume-role",
            *("--role-arn", ROLE_ARN, "--role-session-name", "deepak.dev", "--duration-seconds", "3600"),
        ]
        cold: dict[str, Program] = {
            "roleui env --no-cache (cold)": ([roleui, "env", ROLE, "--no-cache"], env, None),
            # awsume is a shell function's script: sourced, as its alias does, it prints the exports with -s.
            "awsume data -s": (
                ["bash", "-c", f'. "{anchor_bin}/awsume" "$@"', "awsume", "data", "-s"],
                anchor_env,
                None,
            ),
            "aws sts assume-role": ([str(anchor_bin / "aws"), *assume], anchor_env, None),
            "roleui env --no-cache (first with new base keys)": (
                [roleui, "env", ROLE, "--no-cache"],
                env,
                forget_identity,
            ),
        }
        hits: dict[str, list[float]] = {}
        colds: dict[str, list[float]] = {}
        lists: dict[str, list[float]] = {}
        if "hit" in phases:
            for command, program_env, _ in programs.values():
                run_once(command, program_env)  # warm up: the first call leaves the index, .pyc written
            assert list(sessions.glob("quick-*")), "the first credential-process left no index: the hit is not measured"
            hits = interleaved(programs, args.runs)
        if "cold" in phases:
            for command, program_env, _ in cold.values():
                run_once(command, program_env)  # warm up: caches filled, .pyc written, awsume's config made
            colds = interleaved(cold, max(7, args.runs // 2))
        if "list" in phases:
            listings: dict[str, Program] = {"python -c pass": ([str(BIN / "python"), "-c", "pass"], env, None)}
            for accounts in (10_000,) if args.skip_large else (10_000, 100_000):
                world_env = org_world(work, accounts, env)
                name = f"roleui list --json ({accounts * 3:,} roles)"
                listings[name] = ([roleui, "list", "--json"], world_env, None)
                started = time.perf_counter()
                run_once([roleui, "list", "--json"], world_env)  # merges, renders, leaves the index
                first_list[name] = time.perf_counter() - started
            lists = interleaved(listings, max(5, args.runs // 3))
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)

    print(
        f"{os.cpu_count()} CPUs; medians of the per-round ratios (interleaved), middle half of the rounds in brackets"
    )
    if hits:
        print(f"credential-process cache hit ({args.runs} rounds):")
        print(line(hits, "roleui credential-process (hit)", "python -c pass", 1.3))
    if lists:
        print(f"roleui list --json from its index ({max(5, args.runs // 3)} rounds):")
        print(line(lists, "roleui list --json (30,000 roles)", "python -c pass", 2.5))
        if not args.skip_large:
            print(line(lists, "roleui list --json (300,000 roles)", "roleui list --json (30,000 roles)", 10))
        print(
            "  the first call, which merges the world and leaves the index: "
            + ", ".join(
                f"{name.removeprefix('roleui list --json ')} {seconds:.1f} s" for name, seconds in first_list.items()
            )
        )
    if colds:
        print(f"cold assume ({max(7, args.runs // 2)} rounds; local moto on 127.0.0.1):")
        print(line(colds, "roleui env --no-cache (cold)", "awsume data -s", 0.5))
        print(line(colds, "roleui env --no-cache (cold)", "aws sts assume-role", 0.4))
        first = ratio(colds, "roleui env --no-cache (first with new base keys)", "awsume data -s")
        print(
            f"  roleui env --no-cache, first assume with new base keys (GetCallerIdentity + AssumeRole): "
            f"{statistics.median(colds['roleui env --no-cache (first with new base keys)']) * 1000:.0f} ms, "
            f"{first[0]:.2f}x awsume (p25-p75 {first[1]:.2f}-{first[2]:.2f}x)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
