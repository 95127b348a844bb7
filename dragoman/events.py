"""Stage: events (placeholder until its owner replaces it; keeps the pipeline runnable)."""
from __future__ import annotations

from datetime import date

from spacy.language import Language
from spacy.tokens import Doc


def code_events(doc: Doc) -> list:
    return []


@Language.factory("dragoman_events")
def make_events_component(nlp: Language, name: str):
    def component(doc: Doc) -> Doc:
        doc._.events = code_events(doc)
        return doc
    return component
