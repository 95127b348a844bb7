"""Engines: how a stream of Articles becomes a stream of Analyses, on one machine or a cluster.

- `LocalEngine(n_process=1)`: spaCy's `nlp.pipe` with batching in this process; with
  `n_process > 1` spaCy forks that many children (dragoman.bulk.serial makes dragoman's
  Doc extensions travel between them).
- `DaskEngine(workers=N)` / `DaskEngine(scheduler="tcp://host:8786")`: batches of articles go
  to dask.distributed workers (a LocalCluster started here, or an existing cluster) running
  `dragoman.bulk.tasks.analyze_batch`; each worker loads the model once.

Every engine yields the analyses in input order, whatever finished first, so a run's results
and the order they are written in do not depend on scheduling; a document that fails is passed
to `on_error(doc, error)` and left out. The same Doc → Analysis code (dragoman.pipeline) runs
in every engine, so they give identical analyses.
"""
from __future__ import annotations

import sys
from collections import deque
from typing import Callable, Iterable, Iterator, Optional

from dragoman.model import Analysis, Article

OnError = Callable[[str, object], None]
ENGINES = ("local", "dask")


class LocalEngine:
    name = "local"

    def __init__(self, n_process: int = 1, batch_size: int = 16, seconds: Optional[float] = None):
        self.n_process = max(1, int(n_process))
        self.seconds = seconds  # per-document time limit (dragoman.limits); one process only
        self.batch_size = max(1, int(batch_size))
        self.workers = self.n_process

    def analyze(self, articles: Iterable[Article], on_error: OnError) -> Iterator[Analysis]:
        if self.n_process == 1:
            from dragoman.bulk.tasks import resilient
            from dragoman.nlp import load_pipeline

            yield from resilient(articles, load_pipeline(), on_error, self.batch_size, self.seconds)
        else:
            yield from self._forked(articles, on_error)

    def _forked(self, articles: Iterable[Article], on_error: OnError) -> Iterator[Analysis]:
        """spaCy's multiprocessing pipe. A document a child fails on is reported there (stderr) and
        dropped by spaCy; it is found here as the one that did not come back before its successor."""
        from spacy.tokens import Doc

        from dragoman.bulk import serial
        from dragoman.nlp import load_pipeline
        from dragoman.pipeline import article_doc, doc_analysis

        serial.register()
        _children_die_with_parent()
        if not Doc.has_extension(SEQ):
            Doc.set_extension(SEQ, default=None)
        # a private copy of the pipeline: its error handler must not change the shared one's
        nlp = load_pipeline.__wrapped__()
        # dragoman's components are plain functions: spaCy calls the pipeline's default handler for
        # them (spaCy's own trainable components keep theirs)
        nlp.default_error_handler = _report_in_child
        pending: dict[int, Article] = {}

        def docs():
            for seq, article in enumerate(articles):
                doc = article_doc(nlp, article)
                doc._.set(SEQ, seq)
                pending[seq] = article
                yield doc

        for doc in nlp.pipe(docs(), n_process=self.n_process, batch_size=self.batch_size):
            seq = doc._.get(SEQ)
            for earlier in [s for s in pending if s < seq]:
                on_error(pending.pop(earlier).doc, "analysis failed in a worker process")
            pending.pop(seq, None)
            try:
                yield doc_analysis(doc)
            except Exception as err:
                on_error(doc._.article.doc, f"analysis failed: {err}")
        for article in pending.values():
            on_error(article.doc, "analysis failed in a worker process")

    def close(self) -> None:
        pass


_DEATH_SIGNAL_SET = False


def _children_die_with_parent() -> None:
    """spaCy's children wait on a queue for their next batch forever: if this process is killed
    (SIGKILL gives it no chance to stop them), Linux is asked to kill them too (PR_SET_PDEATHSIG),
    from a fork hook so it applies to every child spaCy starts. Elsewhere: nothing to do."""
    global _DEATH_SIGNAL_SET
    if _DEATH_SIGNAL_SET or not sys.platform.startswith("linux"):
        return
    import ctypes
    import os
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return
    pr_set_pdeathsig = 1

    def in_child() -> None:
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)

    os.register_at_fork(after_in_child=in_child)
    _DEATH_SIGNAL_SET = True


SEQ = "dragoman_bulk_seq"  # the position of a Doc in the input, to find the ones a child dropped


def _report_in_child(name, _proc, docs, err) -> None:
    """spaCy's error handler in a child process: say which document failed where, and go on."""
    for doc in docs or []:
        article = doc._.article if doc is not None else None
        print(f"dragoman: error: {article.doc if article else '?'}: analysis failed in {name}: "
              f"{' '.join(str(err).split())}", file=sys.stderr, flush=True)


class DaskEngine:
    """Batches of articles analysed by dask.distributed workers, results written by the caller."""
    name = "dask"

    def __init__(self, workers: int = 2, scheduler: Optional[str] = None, batch_size: int = 16,
                 seconds: Optional[float] = None, memory_limit: str = "auto"):
        import logging

        import dask
        from distributed import Client, LocalCluster

        # Dask's statistical profiler samples the running task's stack every 10 ms, holding the
        # GIL: on dragoman's pure-Python stages that halves a worker's throughput. Workers of the
        # LocalCluster started here inherit this setting; an existing cluster keeps its own.
        dask.config.set({"distributed.worker.profile.enabled": False})
        self.batch_size = max(1, int(batch_size))
        self.seconds = seconds
        self.cluster = None
        if scheduler:
            self.client = Client(scheduler, timeout="30s")
        else:
            self.cluster = LocalCluster(n_workers=max(1, int(workers)), threads_per_worker=1, processes=True,
                                        dashboard_address=None, silence_logs=logging.CRITICAL,
                                        memory_limit=memory_limit)
            self.client = Client(self.cluster)
        from dragoman.bulk.tasks import warm_up

        self.client.run(warm_up)  # every worker loads the model now, once
        self.workers = max(1, sum(self.client.nthreads().values()))

    def analyze(self, articles: Iterable[Article], on_error: OnError) -> Iterator[Analysis]:
        from dragoman.bulk.tasks import analyze_batch

        # two batches per worker in flight: the workers never wait, the client never holds more
        in_flight: deque = deque()
        limit = 2 * self.workers

        def collect(entry) -> Iterator[Analysis]:
            future, docs = entry
            try:
                results = future.result()
            except Exception as err:  # the task itself failed (a worker died): its whole batch
                for doc in docs:
                    on_error(doc, f"analysis failed on a Dask worker: {err}")
                return
            for result in results:
                if result[0] == "ok":
                    yield Analysis.model_validate_json(result[1])
                else:
                    on_error(result[1], result[2])

        batch: list[Article] = []

        def submit(batch):
            payload = [a.model_dump_json() for a in batch]
            future = self.client.submit(analyze_batch, payload, self.batch_size, self.seconds, pure=False)
            in_flight.append((future, [a.doc for a in batch]))

        for article in articles:
            batch.append(article)
            if len(batch) >= self.batch_size:
                submit(batch)
                batch = []
                while len(in_flight) >= limit:
                    yield from collect(in_flight.popleft())
        if batch:
            submit(batch)
        while in_flight:
            yield from collect(in_flight.popleft())

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def make_engine(name: str, n_process: int = 1, workers: int = 2, scheduler: Optional[str] = None,
                batch_size: int = 16, seconds: Optional[float] = None):
    if name == "local":
        return LocalEngine(n_process=n_process, batch_size=batch_size, seconds=seconds)
    if name == "dask":
        return DaskEngine(workers=workers, scheduler=scheduler, batch_size=batch_size, seconds=seconds)
    raise ValueError(f"unknown engine {name!r} (one of {', '.join(ENGINES)})")
