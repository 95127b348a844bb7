"""Stage: claims (placeholder until its owner replaces it; keeps the pipeline runnable)."""
from __future__ import annotations

from datetime import date

from spacy.language import Language
from spacy.tokens import Doc


def extract_claims(doc: Doc) -> list:
    return []


@Language.factory("dragoman_claims")
def make_claims_component(nlp: Language, name: str):
    def component(doc: Doc) -> Doc:
        doc._.claims = extract_claims(doc)
        return doc
    return component
