"""Coverage-guided fuzzing of ingest (atheris + libFuzzer): text, HTML, JSON Lines and files.

    .venv/bin/python fuzz/fuzz_ingest.py -runs=2000                         # a quick look
    .venv/bin/python fuzz/fuzz_ingest.py fuzz/corpus/ingest -max_total_time=3600 -timeout=20   # the long run

Any exception other than an IngestError naming the input is a crash: libFuzzer stops, prints the
traceback and writes the input as crash-<sha1> (reproduce: `python fuzz/fuzz_ingest.py crash-...`).
`-timeout=N` makes an input that runs over N seconds a crash too (a hang). The seed inputs in
fuzz/corpus/ingest/ are short texts written for the fuzzer; libFuzzer adds what it finds there.
"""
from __future__ import annotations

import io
import os
import sys
import tempfile

import atheris

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

with atheris.instrument_imports(include=["dragoman"]):
    from dragoman.ingest import IngestError, _read_stream, article_from_html, article_from_text, read_inputs
    from dragoman.model import Article

TMP = tempfile.mkdtemp(prefix="dragoman-fuzz-")
SUFFIXES = (".txt", ".html", ".jsonl", ".md")


def check(item, name: str) -> None:
    """An Article, or an IngestError that names the input: anything else is a defect."""
    if isinstance(item, IngestError):
        if name not in item.input_name:
            raise AssertionError(f"error does not name {name!r}: {item}")
        return
    if not isinstance(item, Article) or not item.text.strip() or "\x00" in item.text:
        raise AssertionError(f"bad article from {name!r}: {item!r}")


def one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    route = fdp.ConsumeIntInRange(0, 4)
    max_bytes = fdp.ConsumeIntInRange(1, 100_000)
    rest = fdp.ConsumeBytes(fdp.remaining_bytes())
    text = rest.decode("utf-8", errors="surrogateescape")
    try:
        if route == 0:
            check(article_from_text(text, doc="fz", max_bytes=max_bytes), "fz")
        elif route == 1:
            check(article_from_html(text, doc="fz", max_bytes=max_bytes), "fz")
        elif route == 2:
            for item in _read_stream(io.BytesIO(rest), "<stdin>", "stdin", None, max_bytes):
                check(item, "<stdin>")
        else:
            path = os.path.join(TMP, "input" + SUFFIXES[(route - 3) * 2 + (max_bytes % 2)])
            with open(path, "wb") as out:
                out.write(rest)
            for item in read_inputs([path], max_bytes=max_bytes, max_records=50):
                check(item, path)
    except IngestError as err:
        check(err, "fz")


def main(argv: list[str]) -> None:
    atheris.Setup(argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
