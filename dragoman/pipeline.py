"""Follow one article from text to analysis: ingest has made an Article, this runs the stages.

ingest → nlp (spaCy + dragoman components: actors, places, dates, events, claims) → Analysis.

`article_doc` and `doc_analysis` are the two ends of that journey, shared by
`analyze_articles` (one process) and the bulk engines (dragoman.bulk: several processes,
Dask workers), so every engine turns the same Doc into the same Analysis.
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


def article_doc(nlp, article: Article):
    """A tokenised Doc of the article's text, carrying the article and its publication date."""
    doc = nlp.make_doc(article.text)
    doc._.published = _published(article)
    doc._.article = article
    return doc


def doc_analysis(doc) -> Analysis:
    """The Analysis a processed Doc holds. The stages built validated models already; pydantic
    takes model instances as they are (no revalidation), so this costs little per document."""
    from dragoman.nlp import freeze_loaded_data

    freeze_loaded_data()
    article = doc._.article
    return Analysis(
        doc=article.doc,
        article=article,
        actors=doc._.actors or [],
        places=doc._.places or [],
        dates=doc._.dates or [],
        events=doc._.events or [],
        claims=doc._.claims or [],
        pipeline_version=PIPELINE_VERSION,
    )


def analyze_articles(articles: Iterable[Article], nlp=None, batch_size: int = 8) -> Iterator[Analysis]:
    """Analyse articles in a stream; the model is loaded once for all of them."""
    from dragoman.nlp import load_pipeline

    nlp = nlp or load_pipeline()
    docs = (article_doc(nlp, article) for article in articles)
    for doc in nlp.pipe(docs, batch_size=batch_size):
        yield doc_analysis(doc)


def analyze_article(article: Article, nlp=None) -> Analysis:
    return next(analyze_articles([article], nlp=nlp))
