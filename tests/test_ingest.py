"""Ingest: pasted pages, saved HTML, JSON Lines, and every kind of bad input.

Real articles are read from ../shared at run time (never copied here); those tests skip
with a message where ../shared is absent. Short texts written for these tests are inline.
"""
from __future__ import annotations

import io
import json
import os
from datetime import date
from pathlib import Path

import pytest

from dragoman.ingest import (
    DEFAULT_MAX_BYTES, IngestError, article_from_html, article_from_text, read_inputs,
)

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("DRAGOMAN_SHARED", ROOT.parent / "shared"))
DEV = SHARED / "gold" / "dev"
FAKES = SHARED / "gold" / "fakes-dev"
needs_shared = pytest.mark.skipif(not DEV.is_dir(), reason=f"shared gold data not found at {SHARED}")

# Written for these tests: plain English news prose.
BODY = ("The defence ministers of the two countries met in the capital on Monday and signed an "
        "agreement on joint air defence training.\n"
        "A spokesman for the ministry said that the talks would continue next month.")


def _gold(path: Path) -> dict:
    return json.loads(path.with_name(path.name.replace(".txt", ".gold.json")).read_text(encoding="utf-8"))


def _ok(items) -> list:
    return [item for item in items if not isinstance(item, IngestError)]


def _errors(items) -> list[IngestError]:
    return [item for item in items if isinstance(item, IngestError)]


# --- the canonical pasted article --------------------------------------------------------

@pytest.fixture(scope="module")
def dev_article():
    if not DEV.is_dir():
        pytest.skip(f"shared gold data not found at {SHARED}")
    path = next(DEV.glob("*.txt"))
    raw = path.read_text(encoding="utf-8")
    return raw, _gold(path), article_from_text(raw, doc=path.stem, published=_gold(path)["published"])


@needs_shared
def test_dev_caption_kept_once_in_the_text(dev_article):
    raw, _, article = dev_article
    assert len(article.captions) == 1
    caption = article.captions[0]
    # the caption appears three times in the pasted page (image alt text and two lines);
    # it is analysed once (it holds the photographed meeting's date), where it first stood
    assert raw.count(caption) == 3
    assert article.text.count(caption) == 1
    assert article.text.startswith(caption + "\n")
    assert "![" not in article.text and "https://" not in article.text


@needs_shared
def test_dev_byline_found_and_removed(dev_article):
    raw, gold, article = dev_article
    assert article.outlet == gold["outlet"]
    assert article.author == gold["author"]
    byline = next(line for line in raw.splitlines() if gold["author"] in line)
    assert byline not in article.text.splitlines()
    # the article's own mentions of its outlet ("explained to <outlet>") stay
    assert gold["outlet"] in article.text


@needs_shared
def test_dev_correction_box_removed_and_body_kept_verbatim(dev_article):
    raw, _, article = dev_article
    raw_lines = [line for line in raw.splitlines() if line.strip()]
    assert "Send Correction" in raw_lines[-1]
    assert "Send Correction" not in article.text
    assert article.text.endswith(raw_lines[-2])
    # every kept line is in the source exactly as pasted
    for line in article.text.splitlines():
        assert line in raw_lines
    # the body: the caption once, then the first line after the byline to the last paragraph
    # (gone: the image line, two caption repeats, the byline, the correction box)
    assert len(article.text.splitlines()) == len(raw_lines) - 5 + 1
    assert article.published == "2025-02-10" and not article.published_inferred


@needs_shared
def test_fakes_keep_every_annotated_mention():
    """Cleaning must never drop text that an analyst annotated (page furniture included)."""
    paths = sorted(FAKES.glob("*.txt"))
    assert paths
    for path in paths:
        gold = _gold(path)
        article = article_from_text(path.read_text(encoding="utf-8"), doc=path.stem, published=gold["published"])
        for key in ("places", "dates", "actors"):
            for item in gold.get(key, []):
                if item.get("mention"):
                    assert item["mention"] in article.text, (path.name, key, item["mention"])
        for claim in gold.get("claims", []):
            assert claim["quote"] in article.text, (path.name, claim["quote"])


@needs_shared
def test_fakes_headline_becomes_title_and_stays_in_text():
    path = next(p for p in sorted(FAKES.glob("*.txt")))
    raw = path.read_text(encoding="utf-8")
    article = article_from_text(raw, doc=path.stem)
    headline = raw.splitlines()[0].strip()
    assert article.title and headline.startswith(article.title)
    assert article.text.startswith(headline)


# --- pasted-text rules on short texts written here ---------------------------------------

def test_by_line_and_trailing_furniture():
    text = ("By Jane Roe\n\n" + BODY + "\n\nRelated articles\nMinisters meet again\nTalks to resume in spring\n")
    article = article_from_text(text, doc="t")
    assert article.author == "Jane Roe" and article.outlet is None
    assert article.text == BODY


def test_outlet_dash_author_byline_and_share_prompts():
    text = "Example Wire - John Smith\n" + BODY + "\nShare this article\nFollow us on Telegram\n"
    article = article_from_text(text, doc="t")
    assert (article.outlet, article.author) == ("Example Wire", "John Smith")
    assert article.text == BODY


def test_furniture_lines_inside_the_body_and_credits_at_the_end():
    first, second = BODY.splitlines()
    text = "\n".join(["Listen to this article", first, "Advertisement",
                      "Read also: Ministers to meet again in spring", second,
                      "Jane Roe contributed to this report.", "Source: Example Wire and news agencies"])
    article = article_from_text(text, doc="t")
    assert article.text == BODY


def test_body_sentences_that_mention_reading_or_sharing_are_kept():
    text = BODY + "\nOfficials said they would read more of the report and share its findings with allies."
    article = article_from_text(text, doc="t")
    assert article.text == text


def test_a_sentence_with_a_dash_is_not_a_byline():
    first = "Turkey - which hosts the talks - said the meeting would take place on Friday."
    article = article_from_text(first + "\n" + BODY, doc="t")
    assert article.outlet is None and article.author is None
    assert article.text.startswith(first)


def test_markdown_image_and_repeated_caption_mid_article():
    caption = "Soldiers stand guard at a checkpoint near the border (Reuters)"
    lines = BODY.splitlines()
    text = "\n".join([lines[0], f"![{caption}](https://example.org/a.jpg)", caption, caption, lines[1]])
    article = article_from_text(text, doc="t")
    assert article.captions == [caption]
    assert article.text == "\n".join([lines[0], caption, lines[1]])


def test_caption_repeated_without_image_line():
    caption = "The minister speaks to reporters in the capital, March 3 (AFP)"
    article = article_from_text(f"{caption}\n\n{caption}\n{BODY}", doc="t")
    assert article.captions == [caption]
    assert article.text == f"{caption}\n\n{BODY}"


def test_iso_timestamp_is_cut_to_a_date():
    assert article_from_text(BODY, doc="t", published="2025-02-10T08:30:00Z").published == "2025-02-10"


def test_missing_date_is_inferred_by_the_dates_stage(monkeypatch):
    import dragoman.dates
    monkeypatch.setattr(dragoman.dates, "infer_published", lambda text: date(2017, 4, 4), raising=False)
    article = article_from_text(BODY, doc="t")
    assert article.published == "2017-04-04" and article.published_inferred


# --- HTML ------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html lang="en"><head>
<title>Ministers sign air defence pact | Example Wire</title>
<meta property="og:title" content="Ministers sign air defence pact">
<meta property="og:site_name" content="Example Wire">
<meta name="author" content="Jane Roe">
<meta property="article:published_time" content="2025-03-11T09:00:00+00:00">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<article>
<h1>Ministers sign air defence pact</h1>
<figure><img src="/ceremony.jpg" alt=""><figcaption>The two ministers at the signing ceremony on Monday (Example Wire)</figcaption></figure>
<p>The defence ministers of the two countries met in the capital on Monday and signed an agreement on joint air defence training that both governments described as a turning point.</p>
<p>A spokesman for the ministry said that the talks would continue next month, and that a joint exercise near the border was planned for the summer.</p>
<p>Opposition lawmakers criticised the deal, saying that parliament had not been consulted before the signing ceremony took place.</p>
</article>
<footer><p>Subscribe to our newsletter</p><p>© 2025 Example Wire. All rights reserved.</p></footer>
</body></html>"""


def test_html_page_text_metadata_and_date():
    article = article_from_html(PAGE, doc="page")
    assert "signed an agreement on joint air defence training" in article.text
    assert "Opposition lawmakers criticised the deal" in article.text
    assert "Sport" not in article.text and "Subscribe" not in article.text
    assert article.title == "Ministers sign air defence pact"
    assert article.outlet == "Example Wire"
    assert article.author == "Jane Roe"
    assert article.published == "2025-03-11" and article.published_inferred
    assert article.captions == ["The two ministers at the signing ceremony on Monday (Example Wire)"]
    assert "signing ceremony on Monday" not in article.text


def test_html_given_date_wins():
    article = article_from_html(PAGE, doc="page", published="2025-03-12")
    assert article.published == "2025-03-12" and not article.published_inferred


def test_html_file_through_read_inputs(tmp_path):
    path = tmp_path / "pact.html"
    path.write_text(PAGE, encoding="utf-8")
    (article,) = list(read_inputs([str(path)], published=None))
    assert not isinstance(article, IngestError), article
    assert article.doc == "pact"


# --- bad input: one line naming the input ----------------------------------------------

def _single_error(paths, **kwargs) -> IngestError:
    items = list(read_inputs(paths, **kwargs))
    assert len(items) == 1 and isinstance(items[0], IngestError), items
    return items[0]


def test_empty_file(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("  \n\n", encoding="utf-8")
    err = _single_error([str(path)])
    assert str(path) in str(err) and "empty" in err.message


def test_binary_file(tmp_path):
    path = tmp_path / "photo.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    err = _single_error([str(path)])
    assert str(path) in str(err) and "binary" in err.message


def test_undecodable_file(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes(BODY.replace("defence", "d\xe9fense").encode("latin-1"))
    err = _single_error([str(path)])
    assert str(path) in str(err) and "UTF-8" in err.message


def test_oversized_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.txt"
    path.write_text(BODY * 50, encoding="utf-8")
    err = _single_error([str(path)], max_bytes=1000)
    assert str(path) in str(err) and "too large" in err.message
    assert _ok(read_inputs([str(path)], max_bytes=DEFAULT_MAX_BYTES))


def test_malformed_html(tmp_path):
    path = tmp_path / "broken.html"
    path.write_text("<html><body><div><script>var a = 1;</script></div></body></html>", encoding="utf-8")
    err = _single_error([str(path)])
    assert str(path) in str(err) and "no article text" in err.message
    path.write_text("plain words with no markup at all", encoding="utf-8")
    assert "malformed HTML" in _single_error([str(path)]).message


def test_unparseable_published_date(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(BODY, encoding="utf-8")
    err = _single_error([str(path)], published="next Tuesday")
    assert "--published" in str(err) and "unparseable published date" in err.message
    with pytest.raises(IngestError, match="2025-02-30"):
        article_from_text(BODY, doc="a", published="2025-02-30")


def test_not_english(tmp_path):
    french = tmp_path / "fr.txt"
    french.write_text("Les ministres de la défense des deux pays se sont rencontrés lundi dans la capitale "
                      "et ont signé un accord sur la formation conjointe de leurs unités de défense aérienne.",
                      encoding="utf-8")
    err = _single_error([str(french)])
    assert str(french) in str(err) and "not English" in err.message and "French" in err.message
    arabic = tmp_path / "ar.txt"
    arabic.write_text("التقى وزيرا الدفاع في العاصمة يوم الاثنين ووقعا اتفاقا للتدريب المشترك", encoding="utf-8")
    assert "not English" in _single_error([str(arabic)]).message


def test_english_headline_with_few_function_words_passes():
    headline = "Airstrikes hit fuel depots near northern border town monitor Reuters Monday 3 March 2025"
    article = article_from_text(f"{headline}\n\n{headline}\n{BODY}", doc="h")
    assert article.text == f"{headline}\n\n{BODY}"  # a headline printed twice is kept once
    assert article.captions == []


def test_missing_file_and_folder_expansion(tmp_path):
    err = _single_error([str(tmp_path / "nope.txt")])
    assert "nope.txt" in str(err) and "no such file" in err.message
    (tmp_path / "b.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "a.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "notes.bin").write_bytes(b"\x00")
    assert [a.doc for a in read_inputs([str(tmp_path)])] == ["a", "b"]


# --- JSON Lines ------------------------------------------------------------------------

def test_jsonl_one_bad_line_is_reported_and_skipped(tmp_path):
    path = tmp_path / "batch.jsonl"
    lines = [
        json.dumps({"id": "one", "text": BODY, "published": "2025-02-10", "outlet": "Example Wire"}),
        '{"id": "two", "text": "unterminated',
        json.dumps({"id": "three", "text": BODY, "published": "10 February"}),
        json.dumps({"id": "four", "text": BODY}),
        json.dumps({"text": BODY}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(read_inputs([str(path)], published="2025-01-01"))
    good = _ok(items)
    assert [(a.doc, a.published) for a in good] == [("one", "2025-02-10"), ("four", "2025-01-01")]
    assert good[0].outlet == "Example Wire"
    errors = {e.input_name.split(" ")[0]: e.message for e in _errors(items)}
    assert set(errors) == {f"{path}:2", f"{path}:3", f"{path}:5"}
    assert "malformed JSON" in errors[f"{path}:2"]
    assert "unparseable published date" in errors[f"{path}:3"]
    assert "no 'id'" in errors[f"{path}:5"]


class _CountingStream(io.BytesIO):
    """A byte stream that counts the lines handed out, to show that reading is lazy."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.lines_read = 0

    def __next__(self):
        line = super().__next__()
        self.lines_read += 1
        return line

    def readline(self, *args):
        self.lines_read += 1
        return super().readline(*args)


def test_jsonl_from_stdin_is_streamed():
    records = [json.dumps({"id": f"doc{i}", "text": BODY}) for i in range(50)]
    stream = _CountingStream(("\n".join(records) + "\n").encode("utf-8"))
    items = read_inputs(["-"], published="2025-02-10", stdin=stream)
    first = next(items)
    assert first.doc == "doc0"
    assert stream.lines_read <= 2
    assert len(list(items)) == 49


def test_plain_text_from_stdin():
    stream = io.BytesIO(BODY.encode("utf-8"))
    (article,) = list(read_inputs(["-"], published="2025-02-10", stdin=stream))
    assert article.doc == "stdin" and article.text == BODY


# --- pages flattened to one line (scraped archives) --------------------------------------

from dragoman.ingest import _flattened_furniture_spans, flattened_furniture_spans  # noqa: E402

# Written for these tests: a page whose line breaks were lost, with its site furniture inline.
FLAT_LEAD = ("Shelling hit a bakery in the old quarter on Sunday, killing four people, a monitoring group said.")
FLAT_BODY = ("At least four people were killed on Sunday when shells struck a bakery in the old quarter of the "
             "city, the monitoring group said, adding that a dozen more were wounded as they queued for bread.")


def _span_texts(text: str) -> list[str]:
    return [text[a:b] for a, b in flattened_furniture_spans(text)]


def test_flattened_tag_list_gets_a_line_of_its_own_and_nothing_is_lost():
    raw = FLAT_LEAD + " Tags Syria Idlib shelling civilian casualties " + FLAT_BODY
    article = article_from_text(raw, doc="t")
    assert _span_texts(raw) == ["Tags Syria Idlib shelling civilian casualties"]
    # the text keeps every character (analysts annotate names inside furniture): only the
    # spaces around the tag list became line breaks, so no sentence runs into it
    assert len(article.text) == len(raw) and article.text.split() == raw.split()
    assert "\nTags Syria Idlib shelling civilian casualties\n" in article.text
    # the events stage finds the same spans in the new text (searched afresh, not remembered)
    assert _flattened_furniture_spans(article.text) == tuple(flattened_furniture_spans(raw))
    assert _span_texts(article.text) == _span_texts(raw)


def test_furniture_spans_of_real_flattened_pages_are_found_again_after_ingest():
    """Ingest remembers each page's spans under the text it makes (the events stage asks for them
    next): that is right only if searching the new text finds the same spans."""
    from fakes_corpus import corpus_rows

    rows = corpus_rows(400, min_chars=0, max_chars=10**9)
    separated = 0
    for row in rows:
        try:
            article = article_from_text(row["article_content"], doc=row["unit_id"])
        except IngestError:
            continue
        if "\n" in article.text and "\n" not in row["article_content"].strip():
            separated += 1
        assert _flattened_furniture_spans(article.text) == tuple(flattened_furniture_spans(article.text)), row["unit_id"]
    assert separated >= 20  # the corpus's flattened pages with furniture were taken apart


def test_flattened_share_widget_photo_credit_and_related_list():
    raw = ("12.03.2017(updated 1530 12.03.2017) Get short URL 0 41 " + FLAT_BODY
           + " AP Photo Jane Roe Army Retakes Hilltop Village After Week of Clashes MOSCOW (Agency) " + FLAT_LEAD
           + " ... 57 Related Talks on Truce Stall in Geneva Aid Convoy Reaches Besieged Town"
           + " Tags Syria truce Community standardsDiscussion")
    assert _span_texts(raw) == [
        "Get short URL 0 41",
        "AP Photo Jane Roe Army Retakes Hilltop Village After Week of Clashes",
        "... 57 Related Talks on Truce Stall in Geneva Aid Convoy Reaches Besieged Town"
        " Tags Syria truce Community standardsDiscussion"]


def test_article_prose_is_not_taken_for_flattened_furniture():
    prose = (FLAT_BODY + " Photo evidence of the damage was shared by residents. Tags on the lorries showed "
             "they came from the north. " + FLAT_LEAD + " Related talks are due next week.")
    assert flattened_furniture_spans(prose) == []
    # an ordinary pasted page: short lines, furniture on lines of its own
    assert flattened_furniture_spans(BODY + "\n\nTags: Syria, truce") == []


def test_furniture_markers_skipped_by_their_words_are_those_a_full_search_misses(monkeypatch):
    """A furniture pattern runs only over a page holding a word it requires (a speed-up): on real
    flattened pages the spans are exactly those of every pattern searching every page."""
    from fakes_corpus import corpus_rows

    from dragoman import ingest

    texts = [row["article_content"] for row in corpus_rows(400, min_chars=0, max_chars=10**9)]
    found = [_flattened_furniture_spans(text) for text in texts]
    assert sum(map(len, found)) >= 40
    monkeypatch.setattr(ingest, "required_literals", lambda pattern: None)
    assert [_flattened_furniture_spans(text) for text in texts] == found
