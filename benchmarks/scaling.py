"""Dask scaling: the same documents through `DaskEngine` with 1 worker, then 2 (target >= 1.7x).

Workers load the model before the clock starts (DaskEngine warms every worker up), so the
figure is analysis throughput, not start-up. Each worker is one process with one thread.
"""
from __future__ import annotations

import time

TARGET = 1.7


def measure(texts: list[tuple[str, str, str | None]], workers: tuple[int, ...] = (1, 2), batch_size: int = 4) -> dict:
    from dragoman.bulk import DaskEngine
    from dragoman.ingest import IngestError, article_from_text

    articles = []
    for doc, text, published in texts:
        try:
            articles.append(article_from_text(text, doc=doc, published=published))
        except IngestError:
            continue
    rates: dict[int, float] = {}
    for n in workers:
        engine = DaskEngine(workers=n, batch_size=batch_size)
        try:
            errors: list = []
            start = time.perf_counter()
            done = sum(1 for _ in engine.analyze(iter(articles), on_error=lambda d, e: errors.append(d)))
            rates[n] = done / (time.perf_counter() - start)
        finally:
            engine.close()
    return {"docs": len(articles), "rates": rates, "speedup": rates[workers[-1]] / rates[workers[0]]}


def report(result: dict) -> list[str]:
    rates = result["rates"]
    lines = [f"dask, {n} worker{'s' if n > 1 else ''}:{'':10}{rate:8.2f} docs/s" for n, rate in rates.items()]
    lines.append(f"speedup {max(rates)} vs {min(rates)} workers {result['speedup']:8.2f}x  (target >= {TARGET}x, "
                 f"{result['docs']} documents)")
    return lines
