"""The parent's side of a parallel ingest: the single writer is ``service.BatchWriter``
(the same one ``service.ingest`` uses); workers never touch the store."""

from __future__ import annotations

from itertools import islice
from typing import Iterable, Iterator

from ..service import BatchWriter
from ..types import Article

__all__ = ["BatchWriter", "chunked"]


def chunked(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    """Consecutive lists of at most ``size`` items, read lazily (bounded memory)."""
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk
