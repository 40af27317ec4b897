"""A Dask cluster: ``detente ingest --cluster tcp://HOST:8786`` (or ``local:N``).

The client reads the input (so duplicate ids and bad records are found exactly as in
one process), drops what the store already holds, and cuts the rest into partitions of
``partition_size`` articles. Each partition is one Dask task, run by
``code_partition`` on a worker: the worker's pipeline is built once, when the worker
joins (``PipelinePlugin``), and kept in the process; the task codes its articles and
writes them as one Parquet shard named after the partition (``store/parquet.py``: a
temporary file, then a rename). A task that fails is retried (``retries``) and
overwrites its own shard, so nothing is duplicated; a worker that dies has its tasks
rerun elsewhere by the scheduler, with the same effect.

The client takes the results in partition order, at most ``2 * workers + 2`` partitions
in flight, and either merges each shard into the store through ``Store.write`` (the
same batches as one process would write, so the same rows), deleting the shards
afterwards unless ``keep_shards``; or, with no store, leaves the folder of shards as a
dataset for ``detente events --parquet DIR``. A second run without a store skips the
partitions whose shard exists, so an interrupted run resumes.

The shards folder must be reachable at the same path by the workers and the client
(one machine, or a shared file system on several).
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional, Sequence, TextIO

from distributed import Client, Future, LocalCluster, WorkerPlugin

from ..config import Settings
from ..errors import DetenteError
from ..service import IngestReport, Progress
from ..store import Store
from ..store.parquet import read_shard, shard_name, write_shard
from ..types import Article, Problem
from .worker import code_articles, peak_rss_mb, worker_pipeline
from .writer import BatchWriter, chunked

PARTITION_SIZE = 64
PLUGIN_NAME = "detente-pipeline"
_INSTALL_FIX = ("install the same detente version and its pinned dependencies on every worker "
                "(CPU torch first; see the README, 'Scaling out')")


@dataclass(frozen=True)
class Partition:
    """A slice of the input: ``seq`` is its place in the input, ``key`` a hash of its
    articles' ids and content hashes; together they name its shard."""

    seq: int
    key: str
    articles: tuple[Article, ...]

    @property
    def name(self) -> str:
        return shard_name(self.seq, self.key)


@dataclass(frozen=True)
class PartitionResult:
    name: str
    path: str
    coded: int  # articles coded (a failed article is a problem instead)
    events: int
    problems: tuple[Problem, ...]


def partitions(articles: Iterable[Article], size: int) -> Iterator[Partition]:
    for seq, chunk in enumerate(chunked(articles, size)):
        digest = hashlib.sha256()
        for a in chunk:
            digest.update(f"{a.id}\0{a.content_hash}\n".encode("utf-8"))
        yield Partition(seq, digest.hexdigest()[:16], tuple(chunk))


# --- worker side ---


def code_partition(part: Partition, settings: Settings, shards: str) -> PartitionResult:
    """The Dask task: code one partition with this worker's pipeline, write its shard."""
    coded, problems = code_articles(settings, part.articles)
    path = write_shard(shards, part.name, coded, problems)
    return PartitionResult(part.name, str(path), len(coded), sum(len(c.events) for c in coded),
                           tuple(problems))


class PipelinePlugin(WorkerPlugin):
    """Builds the pipeline when a worker starts (or joins later), once per process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def setup(self, worker: Any) -> None:
        worker_pipeline(self.settings)


# --- client side ---


class DaskSession:
    """``with DaskSession("local:2", settings) as session:`` -- a client on a cluster whose
    workers have the pipeline loaded. ``local:N`` starts N worker processes (one thread
    each) on 127.0.0.1 and stops them on exit; ``tcp://HOST:PORT`` joins a running
    scheduler (``dask scheduler``) and its workers (``dask worker tcp://HOST:PORT``)."""

    def __init__(self, address: str, settings: Settings, timeout: float = 30.0) -> None:
        self.address = address
        self.settings = settings
        self.timeout = timeout
        self.client: Optional[Client] = None
        self._cluster: Optional[LocalCluster] = None

    def __enter__(self) -> "DaskSession":
        try:
            self.client = self._connect()
            self.client.wait_for_workers(1, timeout=self.timeout)
            self.client.register_plugin(PipelinePlugin(self.settings), name=PLUGIN_NAME)
        except DetenteError:
            self.__exit__()
            raise
        except Exception as exc:  # noqa: BLE001 - any failure to start is the user's to fix
            self.__exit__()
            raise DetenteError(f"cannot use the Dask cluster {self.address!r}: "
                               f"{type(exc).__name__}: {exc}; is `dask scheduler` running there, "
                               f"with at least one `dask worker`? Then {_INSTALL_FIX}") from exc
        return self

    def __exit__(self, *exc: object) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def _connect(self) -> Client:
        if self.address.startswith("local:"):
            n = _local_workers(self.address)
            self._cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                         host="127.0.0.1", dashboard_address=None,
                                         silence_logs=logging.ERROR)
            return Client(self._cluster, timeout=self.timeout)
        if "://" not in self.address:
            raise DetenteError(f"--cluster {self.address!r}: give tcp://HOST:PORT (a running "
                               "`dask scheduler`) or local:N (N worker processes here)")
        return Client(self.address, timeout=self.timeout)

    @property
    def workers(self) -> int:
        return len(self._client().scheduler_info()["workers"])

    def peak_rss_mb(self) -> dict[str, Optional[float]]:
        """Peak RSS of each worker process, by worker address."""
        return self._client().run(peak_rss_mb)

    def _client(self) -> Client:
        if self.client is None:
            raise DetenteError("the Dask session is not open; use `with DaskSession(...)`")
        return self.client


def _local_workers(address: str) -> int:
    try:
        n = int(address.split(":", 1)[1])
    except ValueError:
        n = 0
    if n < 1:
        raise DetenteError(f"--cluster {address!r}: local:N needs a number of workers >= 1")
    return n


Task = Callable[[Partition, Settings, str], PartitionResult]


def ingest_dask(session: DaskSession, paths: Sequence[str], *, store: Optional[Store],
                shards: str | Path, partition_size: int = PARTITION_SIZE,
                stdin: Optional[TextIO] = None, progress: Optional[Progress] = None,
                batch_size: Optional[int] = None, keep_shards: bool = False, retries: int = 2,
                task: Task = code_partition) -> IngestReport:
    """Code ``paths`` on the cluster. With a ``store``: merge every shard into it (through
    ``Store.write``) and delete the shards unless ``keep_shards``. Without: leave the
    shards in ``shards`` as a dataset. ``task`` is the per-partition function (a wrapper
    of ``code_partition``; it must be importable or picklable by value on the workers)."""
    if partition_size < 1:
        raise DetenteError(f"partition_size must be >= 1 (got {partition_size})")
    client, shards = session._client(), Path(shards).resolve()
    writer = BatchWriter(store, batch_size or session.settings.commit_every, progress)
    run, limit = uuid.uuid4().hex[:8], 2 * max(1, session.workers) + 2
    pending: deque[tuple[Partition, Future]] = deque()
    merged: list[Path] = []
    try:
        for part in partitions(writer.new_articles(paths, stdin), partition_size):
            if store is None and (shards / part.name).exists():
                writer.report.articles_skipped += len(part.articles)  # done by an earlier run
                continue
            pending.append((part, client.submit(task, part, session.settings, str(shards),
                                                key=f"detente-{run}-{part.name}",
                                                retries=retries, pure=False)))
            if len(pending) >= limit:
                merged.append(_take(writer, *pending.popleft()))
        while pending:
            merged.append(_take(writer, *pending.popleft()))
        writer.finish()
    finally:
        for _part, future in pending:
            future.cancel()
    if store is not None and not keep_shards:
        _remove(merged, shards)
    return writer.report


def _take(writer: BatchWriter, part: Partition, future: Future) -> Path:
    """Wait for one partition; report its problems; merge its shard (or count it)."""
    try:
        result: PartitionResult = future.result()
    except DetenteError:
        raise
    except Exception as exc:  # noqa: BLE001 - the task failed on every attempt
        raise DetenteError(f"partition {part.name} (articles {part.articles[0].id} .. "
                           f"{part.articles[-1].id}) failed on the cluster: "
                           f"{type(exc).__name__}: {exc}; batches already stored are kept, "
                           "re-run to resume") from exc
    finally:
        future.release()
    for problem in result.problems:
        writer.problem(problem)
    if writer.store is not None:
        coded, _problems = read_shard(result.path)
        writer.add(coded)
    else:
        writer.report.articles_written += result.coded
        writer.report.events_written += result.events
        if writer.progress:
            writer.progress(len(part.articles), result.events)
    return Path(result.path)


def _remove(paths: list[Path], folder: Path) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
    try:
        folder.rmdir()  # only when empty: shards of other runs stay
    except OSError:
        pass
