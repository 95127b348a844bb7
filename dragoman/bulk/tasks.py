"""What a Dask worker runs: importable by name, so each worker process loads the model once.

`dragoman.nlp.load_pipeline` is cached per process, so the first task on a worker loads the
spaCy model and dragoman's data and every later task of that worker reuses them. Articles
travel as JSON and analyses come back as JSON (pydantic's own fast serialisation); a document
the pipeline fails on comes back as an error naming it, and the rest of its batch is analysed.
"""
from __future__ import annotations

import os


# A sentence written for warming up: it touches every stage, so their lazily loaded data
# (gazetteer, knowledge base, lexicons) is in memory before the first real batch.
WARM_UP_TEXT = ("The foreign minister of Turkey met his Syrian counterpart in Damascus on Monday, "
                "and officials said the army had shelled a village near Aleppo last week.")


def warm_up() -> int:
    """Load the pipeline and its stages' data on this worker (before any timing starts); returns
    the worker's pid."""
    from dragoman.model import Article
    from dragoman.nlp import load_pipeline
    from dragoman.pipeline import analyze_articles

    list(analyze_articles([Article(doc="warm-up", text=WARM_UP_TEXT, published="2020-01-06")], nlp=load_pipeline()))
    return os.getpid()


def resilient(articles, nlp, on_error, batch_size: int = 8, seconds: float | None = None):
    """dragoman.cli.analyze_resilient (a failing document is reported and skipped, its batch goes
    on), with the per-document time limit of dragoman.limits when that is available."""
    import inspect

    from dragoman.cli import analyze_resilient

    extra = {"seconds": seconds} if seconds and "seconds" in inspect.signature(analyze_resilient).parameters else {}
    return analyze_resilient(articles, nlp, on_error=on_error, batch_size=batch_size, **extra)


def analyze_batch(payload: list[str], batch_size: int = 8, seconds: float | None = None) -> list[tuple]:
    """Analyse a batch of Article JSON strings: ("ok", analysis JSON) or ("error", doc, message) each."""
    from dragoman.model import Article
    from dragoman.nlp import load_pipeline

    articles = [Article.model_validate_json(item) for item in payload]
    results: list[tuple] = []

    def failed(doc: str, err: Exception) -> None:
        results.append(("error", doc, f"analysis failed: {err}"))

    for analysis in resilient(articles, load_pipeline(), failed, batch_size, seconds):
        results.append(("ok", analysis.model_dump_json()))
    return results
