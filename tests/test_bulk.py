"""Bulk ingest (dragoman ingest): streaming sources, resumption, batched writes, identical engines.

Real article text is read at run time from the FA-KES corpus in ../shared (Syrian-war news);
the tests skip when it is absent. The model loads once per module.
"""
from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pytest

from dragoman.bulk import CsvColumns, LocalEngine, SourceOptions, count_documents, iter_sources, run_ingest
from dragoman.bulk.sources import html_fragment_text, kind_of
from dragoman.ingest import IngestError
from dragoman.model import Article

from fakes_corpus import corpus_rows  # tests/ is on sys.path


def articles(items) -> tuple[list[Article], list[IngestError]]:
    items = list(items)
    good = [i for i in items if isinstance(i, Article)]
    bad = [i for i in items if isinstance(i, IngestError)]
    return good, bad


# ---------- sources ----------

def test_folder_is_read_recursively_with_ids_from_paths_and_gzip_by_magic(tmp_path):
    rows = corpus_rows(3)
    (tmp_path / "2017" / "april").mkdir(parents=True)
    (tmp_path / "top.txt").write_text(rows[0]["article_content"], encoding="utf-8")
    (tmp_path / "2017" / "april" / "deep.txt").write_text(rows[1]["article_content"], encoding="utf-8")
    # gzip recognised by its first bytes although the name says nothing about it
    with gzip.open(tmp_path / "2017" / "packed.txt", "wt", encoding="utf-8") as handle:
        handle.write(rows[2]["article_content"])
    (tmp_path / "notes.bin").write_bytes(b"\x00\x01")  # not a known kind: not read
    good, bad = articles(iter_sources([str(tmp_path)], SourceOptions(published="2017-04-10")))
    assert not bad
    assert [a.doc for a in good] == ["2017/april/deep", "2017/packed", "top"]
    assert good[1].text.split()[:5] == rows[2]["article_content"].split()[:5]
    assert all(a.published == "2017-04-10" for a in good)
    assert count_documents([str(tmp_path)]) == 3


def test_jsonl_gz_streams_records_and_names_the_bad_one(tmp_path):
    rows = corpus_rows(3)
    path = tmp_path / "feed.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(json.dumps({"id": "a", "text": rows[0]["article_content"], "published": "2017-04-05"}) + "\n")
        handle.write("{not json\n")
        handle.write(json.dumps({"id": "c", "text": rows[1]["article_content"]}) + "\n")
    good, bad = articles(iter_sources([str(path)], SourceOptions()))
    assert [a.doc for a in good] == ["a", "c"]
    assert good[0].published == "2017-04-05"
    assert len(bad) == 1 and bad[0].input_name.endswith("feed.jsonl.gz:2") and "malformed JSON" in bad[0].message
    assert count_documents([str(path)]) is None  # compressed: not counted in advance


def test_csv_columns_by_usual_name_or_option_and_dates_by_format(tmp_path):
    rows = corpus_rows(3)
    path = tmp_path / "news.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["unit_id", "headline", "body", "source", "when"])
        writer.writerow([rows[0]["unit_id"], rows[0]["article_title"], rows[0]["article_content"], "nna", "4/5/2017"])
        writer.writerow([rows[1]["unit_id"], "", "", "nna", "4/6/2017"])  # no text: reported, skipped
        writer.writerow([rows[2]["unit_id"], rows[2]["article_title"], rows[2]["article_content"], "sana", "13/13/2017"])
    options = SourceOptions(columns=CsvColumns(date="when", date_format="%m/%d/%Y"))
    good, bad = articles(iter_sources([str(path)], options))
    assert [a.doc for a in good] == [rows[0]["unit_id"]]
    first = good[0]
    assert (first.title, first.outlet, first.published) == (rows[0]["article_title"], "nna", "2017-04-05")
    assert [b.input_name for b in bad] == [f"{path}:3 (id {rows[1]['unit_id']})", f"{path}:4 (id {rows[2]['unit_id']})"]
    assert "empty" in bad[0].message and "--date-format" in bad[1].message
    # a column named on the command line must exist
    good, bad = articles(iter_sources([str(path)], SourceOptions(columns=CsvColumns(text="article"))))
    assert not good and "no column 'article'" in bad[0].message


def test_rss_feed_entries_become_articles_with_their_dates(tmp_path):
    rows = corpus_rows(2)
    items = "".join(
        f"<item><title>{r['article_title']}</title><link>https://example.org/{r['unit_id']}</link>"
        f"<guid>urn:{r['unit_id']}</guid><pubDate>Wed, 05 Apr 2017 10:00:00 GMT</pubDate>"
        f"<description><![CDATA[<p>{r['article_content']}</p><p>Second paragraph written for the test.</p>]]>"
        f"</description></item>" for r in rows)
    feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Example Wire</title>{items}</channel></rss>'
    path = tmp_path / "wire.xml.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(feed)
    good, bad = articles(iter_sources([str(path)], SourceOptions()))
    assert not bad
    assert [a.doc for a in good] == [f"urn:{r['unit_id']}" for r in rows]
    assert good[0].published == "2017-04-05" and good[0].outlet == "Example Wire"
    assert good[0].url == f"https://example.org/{rows[0]['unit_id']}"
    assert good[0].text.endswith("Second paragraph written for the test.")
    assert "<p>" not in good[0].text and "\n\n" in good[0].text


def test_kind_sniffing_and_fragment_text():
    assert kind_of("x.dat", b'{"id": 1}') == "jsonl"
    assert kind_of("x.dat", b"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'>") == "feed"
    assert kind_of("x.csv.gz") == "csv"
    assert html_fragment_text("<p>One.</p><p>Two <b>bold</b>.</p>") == "One.\n\nTwo bold."


# ---------- the run: resumption, failures, batched writes ----------

@pytest.fixture(scope="module")
def nlp():
    from dragoman.nlp import load_pipeline

    return load_pipeline()


def _jsonl(path: Path, rows: list[dict], published: str = "2017-04-05") -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps({"id": row["unit_id"], "text": row["article_content"],
                                     "title": row["article_title"], "published": published}) + "\n")
    return path


def test_run_skips_stored_documents_and_reanalyses_changed_ones(tmp_path, db_url, nlp):
    from dragoman.store import Store

    rows = corpus_rows(4)
    source = _jsonl(tmp_path / "docs.jsonl", rows)
    with open(source, "a", encoding="utf-8") as handle:
        handle.write(json.dumps({"id": "empty", "text": "  "}) + "\n")
    failures: list[str] = []
    with Store(db_url) as store:
        first = run_ingest([str(source)], store, LocalEngine(batch_size=2), batch_size=3,
                           on_error=lambda name, message: failures.append(name))
        assert (first.ingested, first.skipped, first.failed) == (4, 0, 1)
        assert failures == [f"{source}:5 (id empty)"]
        stored = {d["doc"]: d for d in store.documents(limit=None)}
        assert set(stored) == {r["unit_id"] for r in rows}
        assert all(d["events"] + d["actors"] > 0 for d in stored.values())

        # run again: nothing is analysed; one changed text is
        changed = dict(rows[1], article_content=rows[1]["article_content"] + "\n\nThe report was updated later.")
        _jsonl(source, [rows[0], changed, rows[2], rows[3]])
        second = run_ingest([str(source)], store, LocalEngine(batch_size=2), batch_size=3)
        assert (second.ingested, second.skipped, second.failed) == (1, 3, 0)
        assert store.analysis(rows[1]["unit_id"]).article.text.endswith("The report was updated later.")
        assert len(store.documents(limit=None)) == 4


def test_save_many_batches_equal_one_by_one_saves(tmp_path, nlp):
    from dragoman.pipeline import analyze_articles
    from dragoman.store import Store

    rows = corpus_rows(3)
    analyses = list(analyze_articles([Article(doc=r["unit_id"], text=r["article_content"], published="2017-04-05")
                                      for r in rows], nlp=nlp))
    with Store(f"sqlite:///{tmp_path / 'one.db'}") as one, Store(f"sqlite:///{tmp_path / 'many.db'}") as many:
        for analysis in analyses:
            one.save(analysis)
        assert many.save_many(analyses + analyses[:1], batch_size=10) == 4  # a document twice: stored once
        for analysis in analyses:
            assert many.analysis(analysis.doc) == one.analysis(analysis.doc) == analysis
        assert len(many.documents(limit=None)) == 3


def test_cli_ingest_reports_counts_and_names_failures(tmp_path):
    from click.testing import CliRunner

    from dragoman.cli import cli

    rows = corpus_rows(2)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(rows[0]["article_content"], encoding="utf-8")
    (folder / "broken.txt").write_bytes(b"\xff\xfe not utf-8 \xff")
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    result = CliRunner().invoke(cli, ["ingest", str(folder), "--db", db, "--published", "2017-04-05"])
    assert result.exit_code == 1, result.output
    assert f"{folder / 'broken.txt'}: not UTF-8" in result.output
    assert "ingested 1, skipped 0 (already stored), failed 1" in result.output
    again = CliRunner().invoke(cli, ["ingest", str(folder / "good.txt"), "--db", db, "--published", "2017-04-05"])
    assert again.exit_code == 0 and "ingested 0, skipped 1" in again.output


# ---------- engines give identical results ----------

def test_engines_give_identical_analyses(tmp_path, nlp):
    """spaCy in this process, spaCy with two processes, and two Dask workers: the same analyses."""
    from dragoman.bulk import DaskEngine

    rows = corpus_rows(4)
    batch = [Article(doc=r["unit_id"], text=r["article_content"], published="2017-04-05") for r in rows]
    errors: list = []

    def run(engine):
        try:
            return [a.model_dump() for a in engine.analyze(iter(batch), on_error=lambda d, e: errors.append((d, e)))]
        finally:
            engine.close()

    single = run(LocalEngine(n_process=1, batch_size=2))
    forked = run(LocalEngine(n_process=2, batch_size=2))
    dask = run(DaskEngine(workers=2, batch_size=1))
    assert not errors
    assert [a["doc"] for a in single] == [r["unit_id"] for r in rows]
    assert sum(len(a["events"]) + len(a["actors"]) for a in single) > 0
    assert forked == single
    assert dask == single


@pytest.mark.parametrize("n_process", [1, 2])
def test_a_document_failing_in_a_stage_is_reported_and_the_others_go_on(monkeypatch, nlp, n_process):
    import dragoman.dates

    find_dates = dragoman.dates.find_dates

    def failing(doc, published=None):  # a stage that chokes on two documents (inherited by forked children)
        if doc._.article.doc in ("d2", "d5"):
            raise RuntimeError("the stage failed")
        return find_dates(doc, published=published)

    monkeypatch.setattr(dragoman.dates, "find_dates", failing)
    text = "The foreign minister of Turkey met his Syrian counterpart in Damascus on Monday."
    batch = [Article(doc=f"d{i}", text=text, published="2020-01-06") for i in range(8)]
    errors: list = []
    done = [a.doc for a in LocalEngine(n_process=n_process, batch_size=2).analyze(
        iter(batch), on_error=lambda doc, err: errors.append(doc))]
    assert done == ["d0", "d1", "d3", "d4", "d6", "d7"]
    assert errors == ["d2", "d5"]
