"""Docs that cross process boundaries: dragoman's Doc extensions made serialisable.

spaCy's `nlp.pipe(n_process=N)` sends each Doc to a child process and back as
`Doc.to_bytes()`, which packs `doc.user_data` (where `doc._.*` values live) with srsly's
msgpack. dragoman's stages keep pydantic models (`doc._.article`, `doc._.events`, ...) and a
`datetime.date` (`doc._.published`) there, which msgpack cannot pack. This module registers an
encoder/decoder pair with srsly so that they travel: a model as its class path and its JSON
data, a date as its ISO string. Only classes defined in dragoman's own modules are rebuilt.

Children started by fork (Linux's default for multiprocessing) inherit the registration;
`register()` is idempotent and is called by the engines before they start any child.
"""
from __future__ import annotations

from datetime import date, datetime
from importlib import import_module

MODEL_KEY = "__dragoman_model__"
DATE_KEY = "__dragoman_date__"
_registered = False


def _encode(obj, chain=None):
    from pydantic import BaseModel

    if isinstance(obj, BaseModel) and type(obj).__module__.startswith("dragoman."):
        cls = type(obj)
        return {MODEL_KEY: f"{cls.__module__}:{cls.__qualname__}", "data": obj.model_dump(mode="json")}
    if isinstance(obj, date) and not isinstance(obj, datetime):
        return {DATE_KEY: obj.isoformat()}
    return obj if chain is None else chain(obj)


def _decode(obj, chain=None):
    if isinstance(obj, dict):
        if MODEL_KEY in obj and "data" in obj:
            module, _, name = str(obj[MODEL_KEY]).partition(":")
            if module.startswith("dragoman."):
                cls = getattr(import_module(module), name)
                return cls.model_validate(obj["data"])
        elif DATE_KEY in obj and len(obj) == 1:
            return date.fromisoformat(obj[DATE_KEY])
    return obj if chain is None else chain(obj)


def register() -> None:
    """Teach srsly's msgpack (and so Doc.to_bytes/from_bytes) dragoman's models and dates."""
    global _registered
    if _registered:
        return
    import srsly.msgpack

    srsly.msgpack.msgpack_encoders.register("dragoman", func=_encode)
    srsly.msgpack.msgpack_decoders.register("dragoman", func=_decode)
    _registered = True
