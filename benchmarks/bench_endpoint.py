"""Credential-endpoint benchmark: what serving renewing credentials costs a subshell, and what `roleui status` costs
a prompt.

1. The endpoint's answer for a held (cached) session: p50/p95 over 1,000 requests, one new connection each (as
   a new SDK process makes).
2. `aws sts get-caller-identity` through the endpoint against the same session's static keys, interleaved —
   target: the endpoint adds < 10 ms.
3. `roleui status` (installed script) against `python -c pass`, interleaved — target: well under 3x.

Run: `.venv/bin/python benchmarks/bench_endpoint.py [--runs N]`. Everything is local (moto on 127.0.0.1) and
isolated in a temporary HOME and cache; the machine is shared, so expect noise.
"""

from __future__ import annotations

import argparse
import http.client
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
CATALOG = """
[defaults]
region = "eu-west-1"
duration = "1h"

[[accounts]]
id = "222222222222"
name = "shared-data"

  [[accounts.roles]]
  name = "CrossAccountS3ReadOnly"
"""
REQUESTS = 1000


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"benchmark command failed ({done.returncode}): {' '.join(command)}\n{done.stderr.decode()}")
    return elapsed


def interleaved(
    a: tuple[list[str], dict[str, str]], b: tuple[list[str], dict[str, str]], runs: int
) -> tuple[float, float]:
    """Medians of a and b, run alternately so load on the shared machine hits both alike."""
    times_a: list[float] = []
    times_b: list[float] = []
    for _ in range(runs):
        times_a.append(timed(*a))
        times_b.append(timed(*b))
    return statistics.median(times_a), statistics.median(times_b)


def endpoint_latencies(url: str, token: str) -> list[float]:
    host_port, _, path = url.removeprefix("http://").partition("/")
    host, _, port = host_port.partition(":")
    times: list[float] = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        connection.request("GET", "/" + path, headers={"Authorization": token})
        answer = connection.getresponse()
        answer.read()
        connection.close()
        times.append(time.perf_counter() - started)
        if answer.status != 200:
            raise SystemExit(f"the endpoint answered {answer.status}")
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs per process measurement (default 15)")
    runs = parser.parse_args().runs

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    moto = f"http://{host}:{port}"
    work = Path(tempfile.mkdtemp(prefix="roleui-bench-"))
    try:
        import boto3

        iam = boto3.client(
            "iam",
            endpoint_url=moto,
            region_name="us-east-1",
            aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
            aws_secret_access_key="x" * 40,
        )
        iam.create_user(UserName="deepak.dev")
        key = iam.create_access_key(UserName="deepak.dev")["AccessKey"]
        (work / "home").mkdir()
        catalog = work / "roleui.toml"
        catalog.write_text(CATALOG)
        base = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ROLEUI_"))}
        base.update(
            HOME=str(work / "home"),
            AWS_CONFIG_FILE=str(work / "home" / "aws-config"),
            AWS_SHARED_CREDENTIALS_FILE=str(work / "home" / "aws-credentials"),
            AWS_ENDPOINT_URL=moto,
            AWS_ACCESS_KEY_ID=key["AccessKeyId"],
            AWS_SECRET_ACCESS_KEY=key["SecretAccessKey"],
            AWS_DEFAULT_REGION="eu-west-1",
            AWS_EC2_METADATA_DISABLED="true",
            ROLEUI_CONFIG=str(catalog),
            ROLEUI_CACHE_DIR=str(work / "cache"),
            ROLEUI_DATA_DIR=str(work / "data"),
        )
        os.environ.clear()
        os.environ.update(base)

        from roleui.aws.credential_server import serving
        from roleui.aws.engine import Engine
        from roleui.core.catalog.parse import load_catalog
        from roleui.core.catalog.refs import resolve_role
        from roleui.core.sessions.assume_plan import AssumeOptions
        from roleui.core.sessions.session_env import endpoint_env, session_env

        engine = Engine(load_catalog(catalog))
        role = resolve_role(engine.catalog, ROLE)
        session = engine.assume(role)
        static_env = session_env(session, base)
        with serving(engine, role, session, AssumeOptions()) as endpoint:
            served_env = endpoint_env(static_env, endpoint.child_vars())
            latencies = sorted(endpoint_latencies(endpoint.url, endpoint.token))
            cli = [str(BIN / "aws"), "sts", "get-caller-identity"]
            cli_served, cli_static = interleaved((cli, served_env), (cli, static_env), runs)
            status = [str(BIN / "roleui"), "status"]
            baseline, status_time = interleaved(([PYTHON, "-c", "pass"], served_env), (status, served_env), runs * 2)
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)

    def ms(seconds: float) -> str:
        return f"{seconds * 1000:7.2f} ms"

    p50 = latencies[len(latencies) // 2]
    p95 = latencies[int(len(latencies) * 0.95)]
    added = cli_served - cli_static
    print(f"endpoint answer, held session ({REQUESTS} requests)  p50 {ms(p50)}  p95 {ms(p95)}")
    print(f"aws sts get-caller-identity, static keys          {ms(cli_static)}")
    print(
        f"aws sts get-caller-identity, through the endpoint {ms(cli_served)}  added {added * 1000:+.1f} ms"
        f"  target < 10 ms: {'met' if added < 0.010 else 'MISSED'}"
    )
    print(f"python -c pass                                    {ms(baseline)}")
    print(
        f"roleui status (installed script)                  {ms(status_time)}  {status_time / baseline:4.2f}x"
        f"  target < 3x: {'met' if status_time < 3 * baseline else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
