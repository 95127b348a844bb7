"""A bounded cache for answers that recur across documents.

The stages keep answers that are the same in every document (a string id's string, a town's
countries, a name's gazetteer rows, a page's furniture spans): a long bulk run meets new keys
forever, so each such cache is emptied when it reaches its bound and fills again with what
the following documents ask about. Memory stays flat whatever the corpus size.
"""
from __future__ import annotations

from typing import Callable, Iterable


class BoundedDict(dict):
    """A dict emptied when it reaches `limit` entries; read it as any dict, add through `remember`."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit

    def remember(self, key, value):
        """Keep value under key (after emptying the dict when it is full); returns value."""
        if len(self) >= self.limit:
            self.clear()
        self[key] = value
        return value

    def remember_missing(self, keys: Iterable, lookup: Callable) -> None:
        """Keep lookup(key) for each of the keys not kept yet (after emptying the dict when it
        is full, so that every one of the keys is kept afterwards)."""
        if len(self) >= self.limit:
            self.clear()
        self.update((key, lookup(key)) for key in set(keys).difference(self))
