"""Coverage-guided fuzzing of the analysis pipeline (atheris + libFuzzer): ingest, then every stage.

    .venv/bin/python fuzz/fuzz_pipeline.py -runs=200                        # a quick look
    .venv/bin/python fuzz/fuzz_pipeline.py fuzz/corpus/pipeline -max_total_time=3600 -timeout=30   # the long run

The spaCy model and dragoman's components load once (a few seconds), dragoman's own modules
instrumented for coverage. An input ingest refuses is skipped; an input it reads must analyse
into an Analysis whose mentions point at their own text. Anything else is a crash (traceback
and a crash-<sha1> file, as for fuzz_ingest.py).
"""
from __future__ import annotations

import os
import sys

import atheris

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

with atheris.instrument_imports(include=["dragoman"]):
    from dragoman.ingest import IngestError, article_from_html, article_from_text
    from dragoman.nlp import load_pipeline
    from dragoman.pipeline import analyze_article

NLP = load_pipeline()
PUBLISHED = (None, "2025-02-10", "1999-12-31", "2099-01-01")


def one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    as_html = fdp.ConsumeBool()
    published = PUBLISHED[fdp.ConsumeIntInRange(0, len(PUBLISHED) - 1)]
    text = fdp.ConsumeUnicodeNoSurrogates(4000)
    try:
        article = (article_from_html(text, doc="fz", published=published) if as_html
                   else article_from_text(text, doc="fz", published=published))
    except IngestError as err:
        if err.input_name != "fz":
            raise AssertionError(f"error does not name the input: {err}")
        return
    analysis = analyze_article(article, nlp=NLP)
    body = article.text
    for mention in (*analysis.actors, *analysis.places, *analysis.dates):
        if body[mention.start:mention.end] != mention.mention:
            raise AssertionError(f"mention {mention.mention!r} is not at {mention.start}:{mention.end}")
    for event in analysis.events:
        for start, end in event.spans:
            if not 0 <= start <= end <= len(body):
                raise AssertionError(f"event span {start}:{end} outside the text")


def main(argv: list[str]) -> None:
    atheris.Setup(argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
