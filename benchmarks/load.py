"""Load test: `dragoman serve` on loopback under a fixed number of concurrent requests.

    .venv/bin/python benchmarks/load.py [--requests 400] [--concurrency 4] [--analyses 20] [--articles DIR]

Seeds a temporary SQLite store with a few real articles (`dragoman analyze`, from
../shared/gold/fakes-dev by default), creates a token, starts `dragoman serve` on a free
loopback port, warms it up (the first analysis loads the model), then fires `--requests`
requests from `--concurrency` keep-alive clients: the read API (articles, one article, events
with and without filters, claims, actors, places, full-text search) and, `--analyses` of them,
article submissions (POST /api/articles, the whole pipeline). Then it stops the server and
prints p50/p99 latency per kind, throughput and the error count. Exit status 1 when any request
failed (status >= 400 or no answer).
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ARTICLES = ROOT.parent / "shared" / "gold" / "fakes-dev"
PUBLISHED = "2025-02-10"  # only anchors relative dates; the figures do not depend on it


def dragoman(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dragoman.cli", *args], env=env, capture_output=True, text=True,
                          timeout=600)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


class Client:
    """One keep-alive HTTP connection per worker thread."""

    local = threading.local()

    def __init__(self, port: int, token: str):
        self.port, self.token = port, token

    def request(self, method: str, path: str, body: dict | None = None) -> int:
        return self.exchange(method, path, body)[0]

    def exchange(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = self.local.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        headers = {"Accept": "application/json"}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode("utf-8")
            headers.update({"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"})
        try:
            conn.request(method, path, body=payload, headers=headers)
            response = conn.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException):
            self.local.conn = None
            conn.close()
            raise


def plan(n: int, analyses: int, docs: list[str], texts: list[tuple[str, str]], seed: int = 7) -> list[tuple]:
    """The fixed request mix, shuffled with a fixed seed: (kind, method, path, body)."""
    reads = [
        ("/api/articles", "list"), ("/api/events?limit=100", "list"), ("/api/claims?limit=100", "list"),
        ("/api/actors", "list"), ("/api/places", "list"), ("/api/events?country=SYR&since=2010-01-01", "filter"),
        ("/api/claims?stance=denied", "filter"), ("/api/events?q=attack", "search"),
        ("/api/articles?q=government", "search"),
    ] + [(f"/api/articles/{doc}", "article") for doc in docs]
    rng = random.Random(seed)
    requests = []
    for i in range(n - analyses):
        path, kind = reads[i % len(reads)]
        requests.append((kind, "GET", path, None))
    for i in range(analyses):
        name, text = texts[i % len(texts)]
        requests.append(("analyze", "POST", "/api/articles",
                         {"doc": f"load-{i}-{name}", "text": text, "published": PUBLISHED}))
    rng.shuffle(requests)
    return requests


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400, help="requests in all (default 400)")
    parser.add_argument("--concurrency", type=int, default=4, help="concurrent clients (default 4)")
    parser.add_argument("--analyses", type=int, default=20, help="of which article submissions (default 20)")
    parser.add_argument("--articles", type=Path, default=DEFAULT_ARTICLES, help="folder of .txt articles to seed from")
    parser.add_argument("--seed-docs", type=int, default=4, help="how many of them to seed the store with (default 4)")
    args = parser.parse_args(argv)
    files = sorted(args.articles.glob("*.txt"))
    if not files:
        print(f"load: no .txt articles under {args.articles} (../shared must be beside the repo)", file=sys.stderr)
        return 2
    files = files[:max(1, args.seed_docs)]
    texts = [(f.stem, f.read_text(encoding="utf-8")) for f in files]

    workdir = Path(tempfile.mkdtemp(prefix="dragoman-load-"))
    db = f"sqlite:///{workdir / 'load.db'}"
    env = {**os.environ, "DRAGOMAN_DB": db, "PYTHONPATH": str(ROOT)}
    server = None
    try:
        seeded = dragoman("analyze", *map(str, files), "--published", PUBLISHED, "--format", "json",
                          "--out", str(workdir / "out"), env=env)
        if seeded.returncode != 0:
            print(f"load: seeding failed: {seeded.stderr.strip()}", file=sys.stderr)
            return 2
        created = dragoman("token", "create", "--name", "load", env=env)
        match = re.search(r"dgm_[0-9a-f]{16}_[A-Za-z0-9_-]+", created.stdout + created.stderr)
        if not match:
            print(f"load: no token: {created.stderr.strip()}", file=sys.stderr)
            return 2
        port = free_port()
        server = subprocess.Popen([sys.executable, "-m", "dragoman.cli", "serve", "--host", "127.0.0.1",
                                   "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                                  stderr=open(workdir / "server.log", "w"), start_new_session=True)
        client = Client(port, match.group(0))
        deadline = time.monotonic() + 60
        while True:
            try:
                if client.request("GET", "/api/health") == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                print("load: the server did not start:\n" + (workdir / "server.log").read_text()[-2000:],
                      file=sys.stderr)
                return 2
            time.sleep(0.2)
        started = time.perf_counter()
        warm, answer = client.exchange("POST", "/api/articles", {"doc": "load-warm-up", "text": texts[0][1],
                                                                 "published": PUBLISHED})
        warm_s = time.perf_counter() - started
        if warm != 201:
            print(f"load: the warm-up analysis failed ({warm}): {answer[:300]!r}", file=sys.stderr)
            return 2

        requests = plan(args.requests, min(args.analyses, args.requests), [f.stem for f in files], texts)
        latencies: dict[str, list[float]] = defaultdict(list)
        errors: list[str] = []
        lock = threading.Lock()

        def fire(item):
            kind, method, path, body = item
            t0 = time.perf_counter()
            try:
                status = client.request(method, path, body)
            except Exception as err:  # counted, never fatal: the figures must show it
                status = f"{type(err).__name__}: {err}"
            elapsed = time.perf_counter() - t0
            with lock:
                latencies[kind].append(elapsed)
                if not isinstance(status, int) or status >= 400:
                    errors.append(f"{method} {path}: {status}")

        t0 = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
            list(pool.map(fire, requests))
        wall = time.perf_counter() - t0
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGINT)  # uvicorn shuts down cleanly on SIGINT
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        shutil.rmtree(workdir, ignore_errors=True)

    every = [x for values in latencies.values() for x in values]
    reads = [x for kind, values in latencies.items() if kind != "analyze" for x in values]
    print(f"dragoman serve under load: {len(every)} requests ({len(latencies['analyze'])} analyses), "
          f"{args.concurrency} concurrent clients, store seeded with {len(files)} articles")
    print(f"warm-up analysis (model load included): {warm_s:.2f} s")
    print(f"{'kind':<10} {'n':>5} {'p50 ms':>9} {'p99 ms':>9}")
    for kind in sorted(latencies):
        values = latencies[kind]
        print(f"{kind:<10} {len(values):>5} {percentile(values, 50) * 1000:>9.1f} {percentile(values, 99) * 1000:>9.1f}")
    print(f"{'reads':<10} {len(reads):>5} {percentile(reads, 50) * 1000:>9.1f} {percentile(reads, 99) * 1000:>9.1f}")
    print(f"{'all':<10} {len(every):>5} {percentile(every, 50) * 1000:>9.1f} {percentile(every, 99) * 1000:>9.1f}")
    print(f"throughput: {len(every) / wall:.1f} requests/s over {wall:.2f} s; "
          f"mean {statistics.fmean(every) * 1000:.1f} ms")
    print(f"errors: {len(errors)}")
    for line in errors[:10]:
        print(f"  {line}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
