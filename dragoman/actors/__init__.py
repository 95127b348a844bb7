"""Stage: actors. Finds every mention of an actor and resolves it against a dated knowledge base.

    find_actors(doc, published=None, kb=None) -> list[ActorMention]   (sorted by start offset)
    nlp.add_pipe("dragoman_actors")  sets doc._.actors

The knowledge base (people with dated offices, organisations, states, the role
lexicon) is data: dragoman/data/actors/*.yaml, described in dragoman/data/README-actors.md.
"""
from __future__ import annotations

from datetime import date

from spacy.language import Language
from spacy.tokens import Doc

from dragoman.actors.kb import Actor, ActorKB, Office, State
from dragoman.model import ActorMention
from dragoman.nlp import doc_text, token_attrs

__all__ = ["find_actors", "ActorKB", "Actor", "Office", "State", "make_actors_component"]


def find_actors(doc: Doc, published: date | None = None, kb: ActorKB | None = None) -> list[ActorMention]:
    """Every actor mention in a parsed Doc, resolved as of the publication date."""
    from dragoman.actors.coref import definite_group_coref, nominal_coref, pronoun_coref, surname_coref
    from dragoman.actors.finder import Finder

    finder = Finder(doc, published, kb or ActorKB.load())
    finder.kb_mentions()
    finder.role_phrases()
    finder.states()
    finder.entities()
    surname_coref(finder)
    pronoun_coref(finder)
    nominal_coref(finder)
    definite_group_coref(finder)
    mentions = []
    attrs, text = token_attrs(doc), doc_text(doc)
    for c in sorted(finder.cands, key=lambda c: (c.start, c.end, c.country or "")):
        if 0 <= c.start < c.end <= len(doc):  # the span's offsets and text read off the lists: no Span made
            start, end = attrs.idx[c.start], attrs.idx[c.end - 1] + len(attrs.text[c.end - 1])
            mention = text[start:end]
        else:
            span = doc[c.start:c.end]
            mention, start, end = span.text, span.start_char, span.end_char
        mentions.append(ActorMention(
            mention=mention, start=start, end=end, name=c.name, country=c.country,
            sector=c.sector, role=c.role, actor_id=c.actor_id, kind=c.kind, method=c.method))
    return mentions


@Language.factory("dragoman_actors")
def make_actors_component(nlp: Language, name: str):
    if not Doc.has_extension("actors"):
        Doc.set_extension("actors", default=None)
    if not Doc.has_extension("published"):
        Doc.set_extension("published", default=None)
    kb = ActorKB.load()

    def component(doc: Doc) -> Doc:
        doc._.actors = find_actors(doc, published=doc._.published, kb=kb)
        return doc
    return component
