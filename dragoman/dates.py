"""Stage: dates (placeholder until its owner replaces it; keeps the pipeline runnable)."""
from __future__ import annotations

from datetime import date

from spacy.language import Language
from spacy.tokens import Doc


def find_dates(doc: Doc, published: date | None = None) -> list:
    return []


@Language.factory("dragoman_dates")
def make_dates_component(nlp: Language, name: str):
    def component(doc: Doc) -> Doc:
        doc._.dates = find_dates(doc, published=doc._.published)
        return doc
    return component
