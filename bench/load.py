#!/usr/bin/env python3
"""Load test of ``lintnews serve`` on loopback. Prints figures; it is not a test and exits 0.

Starts the server (``python -m lintnews serve --port 0``, the default workers: one per
core plus one, three on two cores) in a subprocess, then runs CLIENTS concurrent clients
for DURATION seconds, each posting one real article after another to ``POST /v1/check``
on a kept-alive connection and waiting for the answer before sending the next (a closed loop: the figures are what
32 busy editors or CMS processes would see, not an offered rate). Reports requests per
second, the 50th and 99th percentile latency and failed requests (anything but a 200 with
the JSON shape, or a connection error). Then, for comparison, runs the CLI once per
article (``python -m lintnews check --format json FILE``, a process each) on the same
articles, one at a time and two at a time.

Articles: ``examples/`` and ``bench/article.txt``, plus ``../shared/eval/bbc/`` read in
place when it is there (``--articles N`` of them, a fixed sample).

The clients speak HTTP/1.1 over asyncio streams with a few lines of code rather than
through an HTTP library: on a two-core machine the load generator shares the cores with
the server, and a heavy client would be measured as server latency.

Usage:  python3 bench/load.py [--clients 32] [--duration 30] [--workers N] [--articles 200]
                              [--cli-runs 40] [--no-cli] [--url http://127.0.0.1:PORT]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# ../shared next to the project (a worktree one level deeper looks one more up)
BBC = next((d / "eval" / "bbc" for d in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if d.is_dir()), ROOT / "no-bbc")
MAX_REQUESTS = 200_000  # a bound on the count whatever the duration
SUFFIX_FORMAT = {".md": "markdown", ".txt": "text", ".html": "html"}


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def articles(limit: int) -> list[tuple[str, str, str]]:
    """(filename, format, text) of each article."""
    paths = sorted(p for p in (ROOT / "examples").iterdir() if p.suffix in SUFFIX_FORMAT) + [BENCH / "article.txt"]
    if BBC.is_dir():
        bbc = sorted(BBC.glob("*/*.txt"))
        random.Random(12).shuffle(bbc)
        paths += bbc[:limit]
    out = []
    for p in paths:
        text = p.read_bytes().decode("utf-8", "replace")
        if text.strip():
            out.append((p.name, SUFFIX_FORMAT.get(p.suffix, "text"), text))
    return out


def start_server(workers: int | None, extra: list[str]) -> tuple[subprocess.Popen, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    args = [sys.executable, "-m", "lintnews", "serve", "--host", "127.0.0.1", "--port", "0", *extra]
    if workers:
        args += ["--workers", str(workers)]
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    line = proc.stderr.readline()
    m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    if not m:
        proc.kill()
        raise SystemExit(f"the server did not start: {line.strip() or proc.stderr.read()}")
    say(line.strip())
    return proc, f"http://127.0.0.1:{m.group(1)}"


async def request(reader, writer, host: str, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
    head = f"{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    writer.write(head.encode("ascii") + body)
    status_line = await reader.readline()
    length = 0
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    payload = await reader.readexactly(length)
    return int(status_line.split()[1]), payload


async def wait_healthy(url: str, deadline: float) -> None:
    host = url.split("//")[1]
    name, port = host.rsplit(":", 1)
    while time.monotonic() < deadline:
        try:
            reader, writer = await asyncio.open_connection(name, int(port))
            status, _ = await request(reader, writer, host, "GET", "/healthz")
            writer.close()
            if status == 200:
                return
        except OSError:
            pass
        await asyncio.sleep(0.1)
    raise SystemExit("the server did not become healthy in time")


async def client(url: str, bodies: list[bytes], stop_at: float, latencies: list[float], failures: list[str], seed: int, budget: list[int]) -> None:
    host = url.split("//")[1]
    name, port = host.rsplit(":", 1)
    order = list(range(len(bodies)))
    random.Random(seed).shuffle(order)
    reader = writer = None
    i = 0
    while time.monotonic() < stop_at and budget[0] > 0:
        budget[0] -= 1
        body = bodies[order[i % len(order)]]
        i += 1
        start = time.perf_counter()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(name, int(port))
            status, payload = await request(reader, writer, host, "POST", "/v1/check", body)
            latencies.append(time.perf_counter() - start)
            if status != 200 or not payload.startswith(b'{\n  "version": 1'):
                failures.append(f"HTTP {status}: {payload[:200]!r}")
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError) as exc:
            latencies.append(time.perf_counter() - start)
            failures.append(f"{type(exc).__name__}: {exc}")
            if writer is not None:
                writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


async def server_pids(url: str) -> tuple[int | None, list[int]]:
    """The worker processes' ids, from /healthz."""
    host = url.split("//")[1]
    name, port = host.rsplit(":", 1)
    reader, writer = await asyncio.open_connection(name, int(port))
    _, payload = await request(reader, writer, host, "GET", "/healthz")
    writer.close()
    return json.loads(payload)["workers"]["pids"]


async def load(url: str, docs, clients: int, duration: float, server_pid: int | None = None) -> dict:
    bodies = [json.dumps({"text": text, "format": fmt, "filename": name}).encode() for name, fmt, text in docs]
    await wait_healthy(url, time.monotonic() + 60)
    # Warm-up: every article once, so the figures are of a warm server.
    warm_latencies: list[float] = []
    warm_failures: list[str] = []
    await asyncio.gather(*(client(url, bodies[k::4], time.monotonic() + 60, warm_latencies, warm_failures, k, [len(bodies[k::4])]) for k in range(4)))
    latencies: list[float] = []
    failures: list[str] = []
    budget = [MAX_REQUESTS]
    workers = await server_pids(url)
    server_cpu = [cpu_seconds(server_pid)] if server_pid else [0.0]
    worker_cpu = [cpu_seconds(pid) for pid in workers]
    start = time.monotonic()
    cpu = os.times()
    await asyncio.gather(*(client(url, bodies, start + duration, latencies, failures, k, budget) for k in range(clients)))
    elapsed = time.monotonic() - start
    cpu_end = os.times()
    n = max(1, len(latencies))
    server_ms = ((cpu_seconds(server_pid) if server_pid else 0.0) - server_cpu[0]) / n * 1000
    worker_ms = sum(cpu_seconds(pid) - before for pid, before in zip(workers, worker_cpu)) / n * 1000
    return {
        "server_ms": server_ms,
        "worker_ms": worker_ms,
        "requests": len(latencies),
        "elapsed": elapsed,
        "rps": len(latencies) / elapsed,
        "p50": percentile(latencies, 50),
        "p99": percentile(latencies, 99),
        "max": max(latencies),
        "failed": len(failures) + len(warm_failures),
        "failures": (warm_failures + failures)[:5],
        "client_cpu": (cpu_end.user - cpu.user + cpu_end.system - cpu.system) / elapsed,
    }


def cli_runs(docs, runs: int, parallel: int) -> dict:
    """The CLI once per article, a process each; ``parallel`` at a time."""
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for k, (name, fmt, text) in enumerate(docs[:runs] if len(docs) >= runs else (docs * runs)[:runs]):
            path = Path(tmp) / f"{k:03d}-{name}"
            path.write_text(text, encoding="utf-8")
            files.append(path)
        cmd = [sys.executable, "-m", "lintnews", "check", "--format", "json"]
        subprocess.run(cmd + [str(files[0])], cwd=ROOT, env=env, capture_output=True)  # warm the rule cache
        latencies: list[float] = []
        failed = 0
        start = time.monotonic()
        pending = list(files)
        running: list[tuple[subprocess.Popen, float]] = []
        while pending or running:
            while pending and len(running) < parallel:
                running.append((subprocess.Popen(cmd + [str(pending.pop(0))], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL), time.perf_counter()))
            proc, t0 = running.pop(0)
            code = proc.wait()
            latencies.append(time.perf_counter() - t0)
            failed += code not in (0, 1)
        elapsed = time.monotonic() - start
    return {"requests": len(latencies), "rps": len(latencies) / elapsed, "p50": percentile(latencies, 50), "p99": percentile(latencies, 99), "failed": failed}


def report(title: str, clients: int, result: dict) -> None:
    print(f"lintnews serve, {title}: {clients} clients, {result['elapsed']:.1f} s, {result['requests']} requests, "
          f"{result['rps']:.1f} requests/s, p50 {result['p50'] * 1000:.0f} ms, p99 {result['p99'] * 1000:.0f} ms, "
          f"max {result['max'] * 1000:.0f} ms, failed {result['failed']}  (load generator: {result['client_cpu']:.2f} of a core)")
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    per_request = result["server_ms"] + result["worker_ms"]
    if per_request > 0:
        print(f"  CPU per request: {per_request:.1f} ms ({result['worker_ms']:.1f} ms linting in the workers, "
              f"{result['server_ms']:.1f} ms HTTP in the server process): {cores} cores answer at most "
              f"{cores * 1000 / per_request:.0f} requests/s, so {clients} clients wait {clients * per_request / cores:.0f} ms "
              f"on average at the least")
    for failure in result["failures"]:
        print(f"  failure: {failure}")
    verdict = "met" if result["failed"] == 0 and result["p99"] < 0.25 else "MISSED"
    print(f"  target (zero failed requests, p99 under 250 ms): {verdict}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of load per phase (default 30)")
    parser.add_argument("--workers", type=int, default=None, help="server worker processes (default: the server's own, one per core plus one)")
    parser.add_argument("--articles", type=int, default=200, help="BBC articles to post, when ../shared/eval/bbc is there")
    parser.add_argument("--cli-runs", type=int, default=40, help="articles for the CLI comparison")
    parser.add_argument("--no-cli", action="store_true", help="skip the CLI comparison")
    parser.add_argument("--no-cache-phase", action="store_true", help="skip the phase where answers are reused")
    parser.add_argument("--url", help="an already running server (loopback only) instead of starting one")
    args = parser.parse_args()
    if args.clients < 1 or args.duration <= 0:
        parser.error("--clients and --duration must be positive")
    if args.url and not re.fullmatch(r"http://(127\.0\.0\.1|localhost):\d+", args.url.rstrip("/")):
        parser.error("--url must be a loopback address, http://127.0.0.1:PORT")

    docs = articles(args.articles)
    words = sum(len(t.split()) for _, _, t in docs) / len(docs)
    say(f"{len(docs)} articles, {words:.0f} words on average; {args.clients} clients for {args.duration:g} s a phase")
    # Phase 1 lints every request (the cache off): what the rules cost. Phase 2 is the
    # default server, where an article sent again is answered from the cache.
    phases = [("every request linted (--cache 0)", ["--cache", "0"])]
    if not args.no_cache_phase:
        phases.append(("the same articles sent again (default cache)", []))
    if args.url:
        phases = [(f"the server at {args.url}", None)]
    for title, extra in phases:
        proc = None
        url = args.url.rstrip("/") if args.url else None
        if url is None:
            proc, url = start_server(args.workers, extra)
        try:
            result = asyncio.run(load(url, docs, args.clients, args.duration, proc.pid if proc else None))
        finally:
            if proc is not None:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
        report(title, args.clients, result)
    if not args.no_cli:
        for parallel in (1, 2):
            cli = cli_runs(docs, args.cli_runs, parallel)
            print(f"CLI, a process per article, {parallel} at a time: {cli['requests']} articles, {cli['rps']:.1f} articles/s, "
                  f"p50 {cli['p50'] * 1000:.0f} ms, p99 {cli['p99'] * 1000:.0f} ms, failed {cli['failed']}", flush=True)


if __name__ == "__main__":
    main()
