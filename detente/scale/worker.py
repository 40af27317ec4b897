"""What runs inside a worker process, local or Dask: the pipeline built once per process,
coding one bounded batch of articles, thread limits, memory figures."""

from __future__ import annotations

import os
from contextlib import contextmanager
from functools import lru_cache
from typing import Iterator, Optional, Sequence

from ..config import Settings
from ..types import Article, CodedArticle, Problem

# numpy/BLAS, OpenMP (torch) and MKL read these when they are first imported, so a
# worker must get them in its environment before it starts.
THREAD_VARS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")


def threads_per_worker(workers: int, cores: Optional[int] = None) -> int:
    """Cores shared fairly: 2 workers on 2 cores get one thread each, never fewer than 1."""
    return max(1, (cores or os.cpu_count() or 1) // max(1, workers))


@contextmanager
def thread_env(threads: int) -> Iterator[None]:
    """Set the thread variables while worker processes are started (they copy the
    environment), and restore the parent's afterwards."""
    saved = {k: os.environ.get(k) for k in THREAD_VARS}
    os.environ.update({k: str(threads) for k in THREAD_VARS})
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@lru_cache(maxsize=2)
def worker_pipeline(settings: Settings):
    """The Pipeline of this process, built on first use and kept: models load once per
    worker, not per task. The classifier (loaded lazily by the pipeline) is loaded too,
    so the first batch is not slower than the others."""
    from ..pipeline import Pipeline

    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    pipeline = Pipeline.build(settings)
    if pipeline.refiner is not None:
        pipeline.refiner.classifier  # noqa: B018 - loads the model now
    return pipeline


def code_articles(settings: Settings, articles: Sequence[Article]
                  ) -> tuple[list[CodedArticle], list[Problem]]:
    """Code a batch with this process's pipeline. A bad article becomes a Problem and the
    batch goes on (``Pipeline.run``); a missing model raises ``ModelError``."""
    problems: list[Problem] = []
    coded = list(worker_pipeline(settings).run(articles, on_problem=problems.append))
    return coded, problems


def peak_rss_mb(pid: Optional[int] = None) -> Optional[float]:
    """Peak resident memory (VmHWM) of a process in MB of 2^20 bytes, from /proc
    (Linux); None where that is not available."""
    try:
        with open(f"/proc/{pid or os.getpid()}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        return None
    return None
