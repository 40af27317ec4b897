"""The parent's side of a parallel ingest: read and filter the input, and be the single
writer. Workers never touch the store."""

from __future__ import annotations

import uuid
from itertools import islice
from typing import Iterable, Iterator, Optional, TextIO

from ..ingest import read_sources
from ..service import IngestReport, Progress
from ..store import Store
from ..types import Article, CodedArticle, Problem


class BatchWriter:
    """Collects coded articles *in input order* and writes them in batches of
    ``batch_size`` through ``Store.write`` -- the batches a single-process ingest would
    write, so ids and stored rows do not depend on how many workers coded them."""

    def __init__(self, store: Optional[Store], batch_size: int,
                 progress: Optional[Progress] = None) -> None:
        self.store = store
        self.batch_size = batch_size
        self.progress = progress
        self.report = IngestReport(run_id=uuid.uuid4().hex[:12])
        self._batch: list[CodedArticle] = []

    def problem(self, problem: Problem) -> None:
        self.report.problems.append(problem)
        if self.store is not None:
            self.store.log_problem(problem, self.report.run_id)

    def add(self, coded: Iterable[CodedArticle]) -> None:
        for c in coded:
            self._batch.append(c)
            if len(self._batch) >= self.batch_size:
                self.flush()

    def flush(self) -> None:
        if not self._batch or self.store is None:
            return
        result = self.store.write(self._batch)
        self.report.articles_written += result.articles_written
        self.report.articles_skipped += result.articles_skipped
        self.report.events_written += result.events_written
        if self.progress:
            self.progress(len(self._batch), result.events_written)
        self._batch = []

    def new_articles(self, paths: Iterable[str], stdin: Optional[TextIO]) -> Iterator[Article]:
        """The input's articles not already stored with the same content hash; reading
        problems are reported on the way (what ``service.ingest`` does before parsing)."""
        stored = self.store.stored_hashes() if self.store is not None else {}
        for item in read_sources(paths, stdin=stdin):
            if isinstance(item, Problem):
                self.problem(item)
            elif stored.get(item.id) == item.content_hash:
                self.report.articles_skipped += 1
            else:
                yield item


def chunked(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    """Consecutive lists of at most ``size`` items, read lazily (bounded memory)."""
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk
