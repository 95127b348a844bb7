"""Property-based tests (hypothesis): whatever is fed to ingest and the pipeline, dragoman either
reads it or refuses it with an IngestError naming the input; it never crashes otherwise and never
hangs (every example runs under the per-document time limit of dragoman/limits.py).

Inputs: arbitrary unicode (control characters, surrogate-free astral text, line and paragraph
separators), raw bytes, huge lines, malformed and deeply nested HTML, broken JSON Lines.
Example counts are bounded so the module stays well under a minute; the coverage-guided
fuzzers in fuzz/ run the same entry points for as long as one likes.
"""
from __future__ import annotations

import io
import json
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dragoman import limits
from dragoman.ingest import IngestError, _read_stream, article_from_html, article_from_text, read_inputs
from dragoman.model import Analysis, Article

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # feedparser's, on every feed

# One example may take this long before it counts as a hang (ingest is milliseconds; the
# pipeline on a short text well under a second, on a loaded 2-core machine a few).
EXAMPLE_SECONDS = 20
FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=15, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# Characters that break naive line handling, offsets or parsers, mixed into ordinary prose.
AWKWARD = "\x00\x01\x07\x08\x0b\x0c\x1b\x1c\x1d\x1e\x7f\x85\xa0\u200b\u200e\u202e\u2028\u2029\ufeff\ufffd\r\n\t"
WORDS = ["Turkey", "Syria", "said", "on", "Monday", "the", "minister", "troops", "attacked", "Damascus",
         "denied", "by", "Reuters", "–", "By", "Jane", "Roe", "Advertisement", "Read also:", "Photo:", "(AFP)",
         "in", "and", "2025-02-10", "last", "week", "<b>", "</p>", "{", "\"text\":", "\u0627\u0644", "\u4e2d\u6587"]

prose = st.lists(st.one_of(st.sampled_from(WORDS), st.text(alphabet=AWKWARD, max_size=3),
                           st.text(max_size=12), st.just("\n"), st.just("\n\n")), max_size=80).map(" ".join)
any_text = st.one_of(st.text(max_size=2000), prose)


def ingest_outcome(call, name: str):
    """The Article, or the IngestError, of one ingest call; anything else fails the test."""
    try:
        with limits.deadline(EXAMPLE_SECONDS, name):
            return call()
    except IngestError as err:
        assert err.input_name and name in err.input_name, f"the error does not name {name!r}: {err}"
        assert "\n" not in str(err).strip(), "an error is one line"
        return err


def check_article(article: Article, doc: str) -> None:
    assert isinstance(article, Article) and article.doc == doc
    assert article.text.strip(), "an article always has text"
    assert "\x00" not in article.text


def check_read_or_refused(items: list, path) -> None:
    """Each item read from the file at `path` is a sound article or an error naming that file."""
    for item in items:
        if isinstance(item, IngestError):
            assert item.input_name.startswith(str(path)), item
        else:
            check_article(item, item.doc)


@FAST
@given(text=any_text)
def test_text_ingest_reads_or_refuses_by_name(text):
    out = ingest_outcome(lambda: article_from_text(text, doc="fuzz-doc"), "fuzz-doc")
    if isinstance(out, Article):
        check_article(out, "fuzz-doc")


@FAST
@given(text=prose, size=st.integers(min_value=1, max_value=400))
def test_size_limit_is_enforced(text, size):
    out = ingest_outcome(lambda: article_from_text(text, doc="sized", max_bytes=size), "sized")
    if isinstance(out, Article):
        assert len(text.encode("utf-8")) <= size


# --- HTML: valid skeletons with hostile or broken contents, and unstructured junk -------------

tags = st.sampled_from(["p", "div", "span", "b", "i", "a", "script", "style", "table", "tr", "td", "article",
                        "main", "h1", "figure", "figcaption", "iframe", "svg", "math", "template", "noscript"])


@st.composite
def nested_html(draw, depth: int = 0):
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        if depth < 6 and draw(st.booleans()):
            tag = draw(tags)
            attrs = draw(st.sampled_from(["", ' class="x"', ' onclick="alert(1)"', ' href="javascript:alert(1)"',
                                          " data-x='\"<>'", ' style="x:expression(1)"']))
            close = draw(st.sampled_from([f"</{tag}>", "", f"</{tag}", "</>"]))
            parts.append(f"<{tag}{attrs}>{draw(nested_html(depth + 1))}{close}")
        else:
            parts.append(draw(prose))
    return "".join(parts)


def page(body: str, head: str = "") -> str:
    return f"<!doctype html><html><head>{head}</head><body>{body}</body></html>"


html_inputs = st.one_of(
    nested_html().map(page),
    st.builds(page, prose, st.sampled_from(["", "<title>T</title>", '<meta property="article:published_time" '
                                            'content="2025-99-99">', "<meta charset='x-unknown'>", "<base href=x>"])),
    st.text(max_size=500).map(lambda t: "<html>" + t),
    st.just("<" * 5000), st.just("<div>" * 3000 + "text" + "</div>" * 10),  # deep nesting
    st.text(alphabet="<>/!-=\"'ab &;#x", max_size=400),
)


@FAST
@given(html=html_inputs)
def test_html_ingest_reads_or_refuses_by_name(html):
    out = ingest_outcome(lambda: article_from_html(html, doc="page"), "page")
    if isinstance(out, Article):
        check_article(out, "page")


# --- JSON Lines, files and standard input ------------------------------------------------------

json_record = st.fixed_dictionaries(
    {"id": st.one_of(st.text(max_size=20), st.integers(), st.none(), st.just({"x": 1}))},
    optional={"text": st.one_of(prose, st.integers(), st.none(), st.lists(st.text(), max_size=2)),
              "published": st.one_of(st.text(max_size=12), st.just("2025-02-10"), st.integers(), st.just("2025-02-30")),
              "url": st.one_of(st.text(max_size=20), st.integers()), "outlet": st.text(max_size=10),
              "extra": st.text(max_size=5)})
jsonl_line = st.one_of(json_record.map(json.dumps), st.text(max_size=200), st.just("{"), st.just("[1, 2]"),
                       st.just('{"id": "x", "text": "' + "a" * 5000), st.just("null"),
                       st.binary(max_size=50).map(lambda b: b.decode("latin-1")))


@FAST
@given(lines=st.lists(jsonl_line, max_size=8), ending=st.sampled_from(["\n", "\r\n"]))
def test_jsonl_yields_articles_or_errors_naming_file_and_line(tmp_path_factory, lines, ending):
    path = tmp_path_factory.mktemp("jsonl") / "batch.jsonl"
    path.write_bytes(ending.join(lines).encode("utf-8", errors="surrogatepass"))
    with limits.deadline(EXAMPLE_SECONDS, str(path)):
        items = list(read_inputs([str(path)]))
    assert items, "every file gives at least an error"
    check_read_or_refused(items, path)


@FAST
@given(data=st.one_of(st.binary(max_size=3000), any_text.map(lambda t: t.encode("utf-8", errors="surrogatepass")),
                      st.builds(lambda n: b"A long line " * n, st.integers(1, 30000))),
       suffix=st.sampled_from([".txt", ".html", ".jsonl", ".md", ".dat"]))
def test_any_file_is_read_or_refused_by_name(tmp_path_factory, data, suffix):
    path = tmp_path_factory.mktemp("files") / f"input{suffix}"
    path.write_bytes(data)
    with limits.deadline(EXAMPLE_SECONDS, str(path)):
        items = list(read_inputs([str(path)], max_bytes=200_000))
    assert items
    check_read_or_refused(items, path)


@FAST
@given(data=st.one_of(st.binary(max_size=2000), st.lists(jsonl_line, max_size=4).map(
    lambda ls: "\n".join(ls).encode("utf-8", errors="surrogatepass"))))
def test_standard_input_is_read_or_refused_by_name(data):
    with limits.deadline(EXAMPLE_SECONDS, "<stdin>"):
        items = list(_read_stream(io.BytesIO(data), "<stdin>", "stdin", None, 100_000))
    assert items
    for item in items:
        assert isinstance(item, Article) or item.input_name.startswith("<stdin>"), item


def test_huge_line_is_refused_quickly():
    line = "word " * 1_000_000  # 5 MB on one line
    with limits.deadline(EXAMPLE_SECONDS, "huge"):
        with pytest.raises(IngestError, match="too large"):
            article_from_text(line, doc="huge")


# --- the analysis pipeline ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def nlp():
    from dragoman.nlp import load_pipeline

    return load_pipeline()


sentence_text = st.lists(st.one_of(st.sampled_from(WORDS), st.text(alphabet=string.ascii_letters + AWKWARD + ".,;:'\"()",
                                                                    max_size=8)), min_size=1, max_size=120).map(" ".join)


@SLOW
@given(text=st.one_of(sentence_text, st.text(min_size=1, max_size=600)),
       published=st.sampled_from([None, "2025-02-10", "1900-01-01", "2099-12-31"]))
def test_pipeline_analyses_any_ingested_text(nlp, text, published):
    from dragoman.pipeline import analyze_article

    try:
        article = article_from_text(text, doc="fuzz", published=published)
    except IngestError:
        return
    with limits.deadline(EXAMPLE_SECONDS, "fuzz"):
        analysis = analyze_article(article, nlp=nlp)
    Analysis.model_validate(analysis.model_dump())  # the output contract holds
    n = len(article.text)
    for mention in [*analysis.actors, *analysis.places, *analysis.dates]:
        assert 0 <= mention.start <= mention.end <= n
        assert article.text[mention.start:mention.end] == mention.mention
    for event in analysis.events:
        assert all(0 <= s <= e <= n for s, e in event.spans)


@SLOW
@given(body=nested_html().map(page))
def test_pipeline_analyses_any_readable_page(nlp, body):
    from dragoman.pipeline import analyze_article

    try:
        article = article_from_html(body, doc="page")
    except IngestError:
        return
    with limits.deadline(EXAMPLE_SECONDS, "page"):
        analyze_article(article, nlp=nlp)


# --- bulk sources: CSV and RSS/Atom feeds (dragoman/bulk/sources.py) -----------------------------

def _bulk_sources():
    return pytest.importorskip("dragoman.bulk.sources", reason="the bulk ingest sources are not there yet")


csv_cell = st.one_of(prose, st.text(max_size=40), st.sampled_from(['"', '""', '"a,b"', "\r\n", "2025-02-10", "x\x00y"]))
csv_rows = st.lists(st.lists(csv_cell, max_size=5), max_size=6)


@FAST
@given(header=st.one_of(st.just("id,text,published"), st.just("text"), st.just("title,body,date"), st.text(max_size=30)),
       rows=csv_rows, raw=st.one_of(st.none(), st.binary(max_size=300)))
def test_csv_rows_are_read_or_refused_by_name(tmp_path_factory, header, rows, raw):
    sources = _bulk_sources()
    import csv as csv_module

    if raw is None:
        out = io.StringIO()
        out.write(header + "\r\n")
        csv_module.writer(out).writerows(rows)
        data = out.getvalue().encode("utf-8", errors="surrogatepass")
    else:
        data = header.encode("utf-8", errors="surrogatepass") + b"\n" + raw
    path = tmp_path_factory.mktemp("csv") / "rows.csv"
    path.write_bytes(data)
    with limits.deadline(EXAMPLE_SECONDS, str(path)):
        items = list(sources.read_file(str(path), sources.SourceOptions()))
    for item in items:  # a header with blank rows only may give nothing
        assert isinstance(item, Article) or item.input_name.startswith(str(path)), item


entry = st.builds(lambda title, body, date, link: (
    f"<item><title>{title}</title><link>{link}</link><pubDate>{date}</pubDate>"
    f"<description><![CDATA[{body}]]></description></item>"),
    st.text(alphabet=string.ascii_letters + " <&", max_size=20), st.one_of(prose, nested_html()),
    st.sampled_from(["Mon, 10 Feb 2025 10:00:00 GMT", "yesterday", "", "Mon, 99 Feb 2025"]),
    st.sampled_from(["https://example.org/a", "javascript:alert(1)", "", "http://127.0.0.1:9/x"]))
feeds = st.one_of(
    st.lists(entry, max_size=4).map(lambda es: f'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>'
                                                f'{"".join(es)}</channel></rss>'),
    st.text(max_size=300).map(lambda t: "<rss>" + t), st.just('<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
                                                            '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><rss>&b;</rss>'))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(feed=feeds)
def test_feed_entries_are_read_or_refused_by_name(feed):
    sources = _bulk_sources()
    pytest.importorskip("feedparser")
    with limits.deadline(EXAMPLE_SECONDS, "news.rss"):
        items = list(sources.read_feed(io.BytesIO(feed.encode("utf-8", errors="surrogatepass")), "news.rss",
                                       sources.SourceOptions()))
    assert items
    for item in items:
        assert isinstance(item, Article) or item.input_name.startswith("news.rss"), item


# --- the coverage-guided harnesses of fuzz/, a few runs each ---------------------------------------

FUZZ_DIR = __import__("pathlib").Path(__file__).resolve().parents[1] / "fuzz"


@pytest.mark.parametrize("harness, runs", [("fuzz_ingest.py", 400), ("fuzz_pipeline.py", 15)])
def test_fuzz_harness_runs_clean(tmp_path, harness, runs):
    import shutil
    import subprocess
    import sys

    pytest.importorskip("atheris", reason="atheris is not installed (pip install atheris)")
    corpus = tmp_path / "corpus"  # libFuzzer adds what it finds to its first corpus folder: not the repository's
    shutil.copytree(FUZZ_DIR / "corpus" / harness.removeprefix("fuzz_").removesuffix(".py"), corpus)
    result = subprocess.run([sys.executable, str(FUZZ_DIR / harness), str(corpus), f"-runs={runs}", "-timeout=60",
                             f"-artifact_prefix={tmp_path}/", "-print_final_stats=1"],
                            capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"Done {runs} runs" in result.stderr
    assert not list(tmp_path.glob("crash-*")) and not list(tmp_path.glob("timeout-*"))
