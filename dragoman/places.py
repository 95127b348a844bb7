"""Stage: places (placeholder until its owner replaces it; keeps the pipeline runnable)."""
from __future__ import annotations

from datetime import date

from spacy.language import Language
from spacy.tokens import Doc


def find_places(doc: Doc) -> list:
    return []


@Language.factory("dragoman_places")
def make_places_component(nlp: Language, name: str):
    def component(doc: Doc) -> Doc:
        doc._.places = find_places(doc)
        return doc
    return component
