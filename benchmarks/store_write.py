"""Store: events written per second, SQLite and PostgreSQL, one document per transaction
(`Store.save`) and in batches (`Store.save_many`), on the analyses of the throughput run.

PostgreSQL: --pg URL, else $DRAGOMAN_TEST_PG, else a throwaway cluster started from Debian's
binaries (as the tests do); skipped when there is none.
"""
from __future__ import annotations

import os
import tempfile
import time
import uuid
from pathlib import Path


def _rate(url: str, analyses: list, batched: bool) -> tuple[float, float]:
    from dragoman.store import Store

    store = Store(url)
    try:
        start = time.perf_counter()
        if batched:
            store.save_many(analyses, batch_size=64)
        else:
            for analysis in analyses:
                store.save(analysis)
        seconds = time.perf_counter() - start
    finally:
        store.close()
    events = sum(len(a.events) for a in analyses)
    return events / seconds, len(analyses) / seconds


def _pg_database(server_url: str) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"dragoman_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def _pg_server(pg: str | None):
    """(server URL, cluster to stop or None), or (None, None) with no server at hand."""
    from dragoman.store import _as_url

    configured = pg or os.environ.get("DRAGOMAN_TEST_PG", "").strip()
    if configured:
        return _as_url(configured), None
    try:
        import importlib.util

        spec = importlib.util.spec_from_file_location(
            "dragoman_test_conftest", Path(__file__).resolve().parents[1] / "tests" / "conftest.py")
        conftest = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(conftest)
        bindir = conftest._pg_bin()
        if bindir is None:
            return None, None
        cluster = conftest._Cluster(bindir)
        return cluster.url, cluster
    except Exception:
        return None, None


def measure(analyses: list, pg: str | None = None) -> dict:
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="dragoman-bench-") as folder:
        results["SQLite"] = {
            "one": _rate(f"sqlite:///{folder}/one.db", analyses, batched=False),
            "batched": _rate(f"sqlite:///{folder}/many.db", analyses, batched=True),
        }
    server, cluster = _pg_server(pg)
    try:
        if server:
            results["PostgreSQL"] = {
                "one": _rate(_pg_database(server), analyses, batched=False),
                "batched": _rate(_pg_database(server), analyses, batched=True),
            }
    finally:
        if cluster is not None:
            cluster.stop()
    return {"docs": len(analyses), "events": sum(len(a.events) for a in analyses), "backends": results,
            "pg_skipped": server is None}


def report(result: dict) -> list[str]:
    lines = []
    for backend, runs in result["backends"].items():
        one, batched = runs["one"], runs["batched"]
        lines.append(f"store {backend:<10}           {batched[0]:8.0f} events/s batched ({batched[1]:.0f} docs/s); "
                     f"{one[0]:.0f} events/s one document per transaction ({one[1]:.0f} docs/s)")
    if result["pg_skipped"]:
        lines.append("store PostgreSQL: skipped (no server: --pg URL or $DRAGOMAN_TEST_PG, or Debian's postgresql)")
    return lines
