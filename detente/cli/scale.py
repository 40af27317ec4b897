"""Scaling commands and the parallel modes of ``ingest``: ``watch FOLDER``, and the
``--workers N`` / ``--cluster ADDRESS`` paths that ``store.ingest`` hands over to."""

from __future__ import annotations

from pathlib import Path
from typing import Optional, TextIO

import typer
from rich.markup import escape

from ..config import Settings
from ..errors import DetenteError
from ..service import IngestReport, Progress
from . import common
from .common import EXIT_SKIPPED, DbOpt, app, err, fail, report_problems


def default_shards(db: str) -> Path:
    """Where Dask workers write their Parquet shards unless --shards says: beside the db."""
    return Path(f"{db}.shards")


def ingest_parallel(paths: list[str], *, db: str, workers: Optional[int], cluster: Optional[str],
                    shards: Optional[Path], merge: bool, keep_parquet: bool, batch: int,
                    stdin: TextIO, progress: Progress, total: Optional[int]) -> Optional[IngestReport]:
    """Run ``ingest`` on worker processes or a Dask cluster; None means one process
    is enough (the caller runs the in-process path). Raises DetenteError."""
    from ..scale.local import auto_workers, chunk_size

    settings = Settings.from_env()
    if cluster is not None:
        return _ingest_cluster(paths, db=db, cluster=cluster, settings=settings,
                               shards=shards or default_shards(db), merge=merge,
                               keep=keep_parquet, batch=batch, stdin=stdin, progress=progress,
                               total=total)
    if not merge:
        raise DetenteError("--no-merge leaves a Parquet dataset and needs --cluster "
                           "(e.g. --cluster local:2)")
    n = auto_workers(workers, total)
    if n == 1:
        return None
    from ..scale.local import LocalPool, ingest_local
    from ..store import Store

    with Store(db) as store, LocalPool(n, settings) as pool:
        return ingest_local(store, paths, pool, stdin=stdin, progress=progress,
                            batch_size=batch, chunk=chunk_size(n, total))


def _ingest_cluster(paths: list[str], *, db: str, cluster: str, settings: Settings,
                    shards: Path, merge: bool, keep: bool, batch: int, stdin: TextIO,
                    progress: Progress, total: Optional[int]) -> IngestReport:
    from ..scale.dask import PARTITION_SIZE, DaskSession, ingest_dask
    from ..scale.local import chunk_size
    from ..store import Store

    with DaskSession(cluster, settings) as session:
        size = chunk_size(session.workers, total, cap=PARTITION_SIZE)
        if not merge:
            return ingest_dask(session, paths, store=None, shards=shards, stdin=stdin,
                               progress=progress, batch_size=batch, partition_size=size)
        with Store(db) as store:
            return ingest_dask(session, paths, store=store, shards=shards, stdin=stdin,
                               progress=progress, batch_size=batch, keep_shards=keep,
                               partition_size=size)


@app.command()
def watch(folder: Path = typer.Argument(..., help="The folder where articles arrive."),
          db: str = DbOpt,
          interval: float = typer.Option(2.0, "--interval", min=0.05, help="Seconds between polls."),
          once: bool = typer.Option(False, "--once", help="Ingest what is there now, then stop."),
          timeout: Optional[float] = typer.Option(None, "--timeout", help="Stop after this many seconds."),
          batch: int = typer.Option(16, "--batch", help="Articles per transaction.")) -> None:
    """Ingest files as they appear in FOLDER, new or changed (idempotent). Ctrl-C stops."""
    from ..scale.watch import WatchRound, check_folder, watch_folder
    from ..store import Store

    problems = []

    def show(done: WatchRound) -> None:
        r = done.report
        problems.extend(r.problems)
        report_problems(r.problems)
        err.print(f"{len(done.files)} new or changed file(s): stored {r.articles_written} "
                  f"article(s), {r.events_written} event(s); {r.articles_skipped} unchanged "
                  f"article(s) skipped", highlight=False)

    try:
        check_folder(folder)  # before the models load
        pipeline = common.build_pipeline()
        with Store(db) as store:
            if not once:
                err.print(f"watching {escape(str(folder))} every {interval:g}s -> {db} (Ctrl-C stops)",
                          highlight=False)
            try:
                summary = watch_folder(pipeline, store, folder, interval=interval, once=once,
                                       timeout=timeout, on_round=show, batch_size=batch)
                stored = summary.articles_written
            except KeyboardInterrupt:
                err.print("stopped; everything committed is kept")
                stored = None
    except DetenteError as exc:
        fail(exc)
    if stored is not None:
        err.print(f"stored {stored} article(s) in {summary.polls} poll(s) -> {db}")
    if problems:
        raise typer.Exit(EXIT_SKIPPED)

