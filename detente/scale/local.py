"""All cores of one machine: ``detente ingest --workers N``.

N worker processes (``spawn``: no inherited torch threads or locks) each build the
Pipeline once, in the pool initializer, then code bounded chunks of articles sent by the
parent. The parent reads the input, drops what is already stored, and is the single
writer. At most ``2 * N`` chunks are in flight, so memory stays flat on any corpus, and
results are taken in submission order, so the store receives exactly the batches a
single-process ingest would write.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Iterable, Iterator, Optional, Sequence, TextIO

from ..config import Settings
from ..errors import DetenteError
from ..service import IngestReport, Progress
from ..store import Store
from ..types import Article, CodedArticle, Problem
from .worker import code_articles, peak_rss_mb, thread_env, threads_per_worker, worker_pipeline
from .writer import BatchWriter, chunked

MIN_ARTICLES_PER_WORKER = 16  # below this, another worker costs more (model load) than it saves
MAX_CHUNK = 16


@dataclass(frozen=True)
class ChunkResult:
    coded: list[CodedArticle]
    problems: list[Problem]
    pid: int


def auto_workers(requested: Optional[int], estimate: Optional[int]) -> int:
    """Workers for ``--workers``: as asked; by default one per core, but no more than the
    input keeps busy (``MIN_ARTICLES_PER_WORKER`` articles each)."""
    if requested is not None:
        if requested < 1:
            raise DetenteError(f"--workers must be >= 1 (got {requested})")
        return requested
    cores = os.cpu_count() or 1
    if estimate is None:
        return cores
    return max(1, min(cores, estimate // MIN_ARTICLES_PER_WORKER))


def chunk_size(workers: int, estimate: Optional[int], cap: int = MAX_CHUNK) -> int:
    """Articles per task: small inputs are spread over all workers (about eight chunks
    each, so none waits long idle at the end), large ones go in chunks of ``cap``."""
    if not estimate:
        return cap
    return max(1, min(cap, -(-estimate // (max(1, workers) * 8))))


# --- worker process side ---

_INIT_ERROR: Optional[BaseException] = None
_STARTED = None  # shared counter of workers done with their initializer


def _init_worker(settings: Settings, parent: int, started) -> None:
    """Pool initializer: Ctrl-C is the parent's to handle; die with the parent; build the
    pipeline now (a failure is kept and raised by every task, with its message)."""
    global _INIT_ERROR, _STARTED
    _STARTED = started
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    try:
        worker_pipeline(settings)
    except BaseException as exc:  # noqa: BLE001 - reported by each task instead
        _INIT_ERROR = exc
    finally:
        with started.get_lock():
            started.value += 1


def _exit_with_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)  # the parent died (even kill -9): nothing to write results to


def _code_chunk(settings: Settings, articles: list[Article]) -> ChunkResult:
    if _INIT_ERROR is not None:
        raise _INIT_ERROR
    coded, problems = code_articles(settings, articles)
    return ChunkResult(coded, problems, os.getpid())


def _ready(workers: int) -> int:
    """Returns once every worker has finished its initializer (models loaded)."""
    if _INIT_ERROR is not None:
        raise _INIT_ERROR
    while _STARTED is not None and _STARTED.value < workers:
        time.sleep(0.05)
    return os.getpid()


# --- parent side ---


class LocalPool:
    """``with LocalPool(2, settings) as pool:`` -- worker processes with the pipeline
    loaded (started on first use), and an ordered, bounded ``map`` over chunks of
    articles. Processes are started with ``spawn``: a script using it needs the
    ``if __name__ == "__main__":`` guard."""

    def __init__(self, workers: int, settings: Settings, max_inflight: Optional[int] = None) -> None:
        if workers < 1:
            raise DetenteError(f"workers must be >= 1 (got {workers})")
        self.workers = workers
        self.settings = settings
        self.max_inflight = max_inflight or 2 * workers
        self.chunks_by_pid: dict[int, int] = {}
        self._executor: Optional[ProcessPoolExecutor] = None

    def __enter__(self) -> "LocalPool":
        return self

    def start(self) -> "LocalPool":
        """Start the workers and wait until their models are loaded (``map_ordered`` does
        it on the first chunk, so a run with nothing new to code starts no process)."""
        if self._executor is not None:
            return self
        context = multiprocessing.get_context("spawn")
        started = context.Value("i", 0)
        with thread_env(threads_per_worker(self.workers)):
            self._executor = ProcessPoolExecutor(self.workers, mp_context=context,
                                                 initializer=_init_worker,
                                                 initargs=(self.settings, os.getpid(), started))
            try:
                self.warm()  # starts the processes while the thread variables are set
            except BaseException:
                self.__exit__()
                raise
        return self

    def __exit__(self, *exc: object) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def warm(self) -> list[int]:
        """Wait until the workers have loaded their models; their pids."""
        futures = [self._submit(_ready, self.workers) for _ in range(self.workers)]
        return sorted({self._result(f) for f in futures})

    def pids(self) -> list[int]:
        procs = getattr(self._executor, "_processes", None) or {}
        return sorted(procs)

    def peak_rss_mb(self) -> dict[int, Optional[float]]:
        """Peak RSS of each live worker (read before the pool is closed)."""
        return {pid: peak_rss_mb(pid) for pid in self.pids()}

    def map_ordered(self, chunks: Iterable[list[Article]]) -> Iterator[ChunkResult]:
        """Code each chunk in a worker; results in the order of ``chunks``, at most
        ``max_inflight`` chunks submitted and not yet taken."""
        pending: deque[Future] = deque()
        for chunk in chunks:
            self.start()
            pending.append(self._submit(_code_chunk, self.settings, chunk))
            if len(pending) >= self.max_inflight:
                yield self._take(pending.popleft())
        while pending:
            yield self._take(pending.popleft())

    def _take(self, future: Future) -> ChunkResult:
        result = self._result(future)
        self.chunks_by_pid[result.pid] = self.chunks_by_pid.get(result.pid, 0) + 1
        return result

    def _submit(self, fn, *args) -> Future:
        if self._executor is None:
            raise DetenteError("the worker pool is not started; call pool.start() first")
        try:
            return self._executor.submit(fn, *args)
        except BrokenProcessPool as exc:
            raise _broken(exc) from exc

    def _result(self, future: Future):
        try:
            return future.result()
        except BrokenProcessPool as exc:
            raise _broken(exc) from exc


def _broken(exc: BaseException) -> DetenteError:
    return DetenteError(f"a worker process died ({exc}); batches already written are kept. "
                        "Out of memory? Re-run with fewer --workers: the ingest resumes")


def ingest_local(store: Store, paths: Sequence[str], pool: LocalPool, *,
                 stdin: Optional[TextIO] = None, progress: Optional[Progress] = None,
                 batch_size: Optional[int] = None, chunk: int = MAX_CHUNK) -> IngestReport:
    """``service.ingest`` with the parsing and coding done by ``pool``'s workers: the same
    skipping, problems, batches and stored rows; only the parent writes."""
    writer = BatchWriter(store, batch_size or pool.settings.commit_every, progress)
    chunks = chunked(writer.new_articles(paths, stdin), chunk)
    for result in pool.map_ordered(chunks):
        for problem in result.problems:
            writer.problem(problem)
        writer.add(result.coded)
    return writer.finish()
