"""Sessions-engine benchmark: how fast roleui answers, against the baselines the issue names.

1. `roleui credential-process ROLE` on a cache hit (it runs before every aws CLI call of its profile) against
   `python -c pass` — target: at most 3x. Measured through the installed `roleui` script and through
   `roleui.launcher` (the console-script entry that answers hits before argparse loads).
2. A cold `roleui exec ROLE -- true` (no cached session: GetCallerIdentity + AssumeRole + exec) against
   `aws sts assume-role` for the same role on the same local moto server — target: faster than the aws CLI.

Run: `.venv/bin/python benchmarks/bench_sessions.py [--runs N]`. Everything is local (moto on 127.0.0.1) and
isolated in a temporary HOME and cache; medians are printed (the machine is shared, so expect noise).
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PYTHON = str(BIN / "python")
ROLE = "shared-data/CrossAccountS3ReadOnly"
ROLE_ARN = "arn:aws:iam::222222222222:role/CrossAccountS3ReadOnly"
CATALOG = """
[defaults]
region = "eu-west-1"
duration = "1h"

[[accounts]]
id = "222222222222"
name = "shared-data"

  [[accounts.roles]]
  name = "CrossAccountS3ReadOnly"
  external_id = "bench-external-id"
"""


def median_seconds(command: list[str], env: dict[str, str], runs: int, before: object = None) -> float:
    """Median wall time of `command` (stdout discarded); `before` runs untimed before each run."""
    times: list[float] = []
    for _ in range(runs):
        if callable(before):
            before()
        started = time.perf_counter()
        done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
        times.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise SystemExit(
                f"benchmark command failed ({done.returncode}): {' '.join(command)}\n{done.stderr.decode()}"
            )
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="runs per measurement (default 21)")
    runs = parser.parse_args().runs

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
        (work / "home").mkdir()
        catalog = work / "roleui.toml"
        catalog.write_text(CATALOG)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ROLEUI_"))}
        env.update(
            HOME=str(work / "home"),
            AWS_CONFIG_FILE=str(work / "home" / "aws-config"),
            AWS_SHARED_CREDENTIALS_FILE=str(work / "home" / "aws-credentials"),
            AWS_ENDPOINT_URL=endpoint,
            AWS_ACCESS_KEY_ID=key["AccessKeyId"],
            AWS_SECRET_ACCESS_KEY=key["SecretAccessKey"],
            AWS_DEFAULT_REGION="eu-west-1",
            AWS_EC2_METADATA_DISABLED="true",
            ROLEUI_CONFIG=str(catalog),
            ROLEUI_CACHE_DIR=str(work / "cache"),
            ROLEUI_DATA_DIR=str(work / "data"),
        )
        roleui = str(BIN / "roleui")
        warm = subprocess.run(
            [roleui, "credential-process", ROLE], env=env, capture_output=True, text=True, check=False
        )
        if warm.returncode != 0:
            raise SystemExit(f"cannot fill the cache: {warm.stderr}")

        baseline = median_seconds([PYTHON, "-c", "pass"], env, runs)
        hit_script = median_seconds([roleui, "credential-process", ROLE], env, runs)
        # What the console script would run with the entry point roleui.launcher:entrypoint.
        launcher = "from roleui.launcher import entrypoint; entrypoint()"
        hit_launcher = median_seconds([PYTHON, "-c", launcher, "credential-process", ROLE], env, runs)

        def cold() -> None:
            shutil.rmtree(work / "cache", ignore_errors=True)

        cold_runs = max(5, runs // 2)
        exec_cold = median_seconds([roleui, "exec", ROLE, "--", "true"], env, cold_runs, before=cold)
        cli = median_seconds(
            [
                str(BIN / "aws"),
                "sts",
                "assume-role",
                "--role-arn",
                ROLE_ARN,
                "--role-session-name",
                "deepak.dev",
                "--external-id",
                "bench-external-id",
                "--duration-seconds",
                "3600",
            ],
            env,
            cold_runs,
        )
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)

    def ms(seconds: float) -> str:
        return f"{seconds * 1000:7.1f} ms"

    print(f"python -c pass                                   {ms(baseline)}")
    print(f"roleui credential-process (hit, installed script) {ms(hit_script)}  {hit_script / baseline:4.1f}x")
    print(
        f"roleui credential-process (hit, roleui.launcher)  {ms(hit_launcher)}  {hit_launcher / baseline:4.1f}x"
        f"  target <= 3x: {'met' if hit_launcher <= 3 * baseline else 'MISSED'}"
    )
    print(f"roleui exec ROLE -- true (cold)                   {ms(exec_cold)}")
    print(
        f"aws sts assume-role (same role, same moto)        {ms(cli)}"
        f"  roleui {'faster' if exec_cold < cli else 'SLOWER'} by {abs(cli - exec_cold) * 1000:.0f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
