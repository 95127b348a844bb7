"""Follow one article from text to analysis: ingest has made an Article, this runs the stages.

ingest → nlp (spaCy + dragoman components: actors, places, dates, events, claims) → Analysis.
"""
from __future__ import annotations

from datetime import date
from typing import Iterable, Iterator

from dragoman import __version__
from dragoman.model import Analysis, Article

PIPELINE_VERSION = f"dragoman-{__version__}"


def _published(article: Article) -> date | None:
    if not article.published:
        return None
    return date.fromisoformat(article.published[:10])


def analyze_articles(articles: Iterable[Article], nlp=None, batch_size: int = 8) -> Iterator[Analysis]:
    """Analyse articles in a stream; the model is loaded once for all of them."""
    from dragoman.nlp import load_pipeline

    nlp = nlp or load_pipeline()

    def docs():
        for article in articles:
            doc = nlp.make_doc(article.text)
            doc._.published = _published(article)
            doc._.article = article
            yield doc

    for doc in nlp.pipe(docs(), batch_size=batch_size):
        yield Analysis(
            doc=doc._.article.doc,
            article=doc._.article,
            actors=doc._.actors or [],
            places=doc._.places or [],
            dates=doc._.dates or [],
            events=doc._.events or [],
            claims=doc._.claims or [],
            pipeline_version=PIPELINE_VERSION,
        )


def analyze_article(article: Article, nlp=None) -> Analysis:
    return next(analyze_articles([article], nlp=nlp))
