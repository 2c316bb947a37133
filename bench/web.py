"""Web benchmark: the server under 50 concurrent clients.

Starts ``pariah``'s web app under uvicorn in a child process on 127.0.0.1 (a fresh SQLite
database with the bundled cases, in a temporary folder), then drives it from this process with
CONCURRENCY asyncio clients (httpx2, keep-alive), a bounded number of requests per target, and
prints one JSON object:

  status_api.*   GET /api/cases/taliban-2021/status, as of today and of 24 month starts (each
                 (case, as_of, known_on) is computed once, then served from the cache)
  case_page.*    GET /cases/taliban-2021 (the full page: map, charts, status, 300+ acts)
  *.requests, *.errors (non-200 answers and failed requests), *.rps (requests per second),
  *.p50_ms, *.p95_ms, *.p99_ms (latency seen by the client)
  errors         total errors; target 0
  status_p95_target_met   p95 of the status API under 100 ms

Only 127.0.0.1 is contacted; every loop is bounded in requests and in time, and the server is
stopped at the end.

Usage: python bench/web.py [--requests N] [--concurrency C]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CONCURRENCY = 50
REQUESTS = {"status_api": 20000, "case_page": 3000}
TIME_LIMIT_S = 60.0  # per target
SERVER = """
import sys, uvicorn
from pariah.ledger import Ledger
from pariah.web import create_app
app = create_app(Ledger(sys.argv[1]))
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning", access_log=False)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


async def drive(client, urls: list[str], total: int, concurrency: int) -> dict:
    latencies: list[float] = []
    errors = 0
    issued = 0
    deadline = time.monotonic() + TIME_LIMIT_S

    async def worker():
        nonlocal issued, errors
        while issued < total and time.monotonic() < deadline:
            url = urls[issued % len(urls)]
            issued += 1
            start = time.perf_counter()
            try:
                response = await client.get(url)
                await response.aread()
                if response.status_code != 200:
                    errors += 1
            except Exception:  # noqa: BLE001 - a failed request is counted, the run goes on
                errors += 1
            latencies.append(time.perf_counter() - start)

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - began
    return {
        "requests": len(latencies), "errors": errors, "seconds": round(elapsed, 2),
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(1000 * percentile(latencies, 50), 2),
        "p95_ms": round(1000 * percentile(latencies, 95), 2),
        "p99_ms": round(1000 * percentile(latencies, 99), 2),
    }


async def run(base: str, requests: dict[str, int], concurrency: int) -> dict:
    import httpx2 as httpx

    months = [f"{year}-{month:02d}-01" for year in (2022, 2023) for month in range(1, 13)]
    targets = {
        "status_api": ["/api/cases/taliban-2021/status"] + [f"/api/cases/taliban-2021/status?as_of={m}" for m in months],
        "case_page": ["/cases/taliban-2021"],
    }
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30.0) as client:
        for urls in targets.values():  # warm up: the first answer of each URL is computed
            for url in urls:
                (await client.get(url)).raise_for_status()
        return {name: await drive(client, urls, requests[name], concurrency) for name, urls in targets.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=None, help="Requests per target (default: 20000 status, 3000 page).")
    parser.add_argument("--concurrency", type=int, default=CONCURRENCY)
    args = parser.parse_args()
    requests = {k: args.requests or v for k, v in REQUESTS.items()}
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        from pariah.ledger import Ledger

        Ledger(url).close()  # build the database before the server starts
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        server = subprocess.Popen([sys.executable, "-c", SERVER, url, str(port)], env=env)
        try:
            deadline = time.monotonic() + 60
            while True:
                if server.poll() is not None:
                    raise SystemExit(f"the server exited with status {server.returncode}")
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                        break
                except OSError:
                    if time.monotonic() > deadline:
                        raise SystemExit("the server did not start within 60 s")
                    time.sleep(0.1)
            results = asyncio.run(run(base, requests, args.concurrency))
        finally:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
    out = {"concurrency": args.concurrency, **results,
           "errors": sum(r["errors"] for r in results.values()),
           "status_p95_target_met": results["status_api"]["p95_ms"] < 100,
           "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
