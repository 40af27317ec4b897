"""Commands over the store: ingest, events, stats, demo."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Optional

import typer

from .. import service
from ..errors import DetenteError
from . import common
from .common import (EXIT_SKIPPED, DbOpt, FormatOpt, app, emit, err, fail, out, print_stats,
                     progress, report_problems, suffix_format)


@app.command()
def ingest(paths: list[str] = typer.Argument(..., help="Files, folders, or - for stdin."),
           db: str = DbOpt,
           batch: int = typer.Option(16, "--batch", help="Articles per transaction."),
           workers: Optional[int] = typer.Option(
               None, "--workers", "-w", min=1, help="Worker processes (default: one per core, "
               "fewer for a small input; 1 = in this process)."),
           cluster: Optional[str] = typer.Option(
               None, "--cluster", help="Dask scheduler tcp://HOST:8786, or local:N to start N workers here."),
           shards: Optional[Path] = typer.Option(
               None, "--shards", help="Folder (shared by workers and client) for the cluster's "
               "Parquet shards; default DB.shards."),
           merge: bool = typer.Option(True, "--merge/--no-merge", help="--no-merge: leave the shards "
                                      "as a Parquet dataset (detente events --parquet DIR), no database."),
           keep_parquet: bool = typer.Option(False, "--keep-parquet", help="Keep the shards after merging.")
           ) -> None:
    """Code articles and store them (idempotent; an interrupted run resumes)."""
    from ..store import Store
    from .scale import default_shards, ingest_parallel

    total = None if "-" in paths else service.estimate_records(paths)
    try:
        with progress() as bar:
            task = bar.add_task("ingest", total=total)
            advance = lambda n, _e: bar.advance(task, n)  # noqa: E731
            started = time.perf_counter()
            report = ingest_parallel(paths, db=db, workers=workers, cluster=cluster, shards=shards,
                                     merge=merge, keep_parquet=keep_parquet, batch=batch,
                                     stdin=sys.stdin, progress=advance, total=total)
            if report is None:  # one process: the pipeline here
                pipeline = common.build_pipeline()
                with Store(db) as store:
                    started = time.perf_counter()
                    report = service.ingest(pipeline, store, paths, stdin=sys.stdin,
                                            batch_size=batch, progress=advance)
            elapsed = time.perf_counter() - started
    except DetenteError as exc:
        fail(exc)
    report_problems(report.problems)
    rate = report.articles_written / elapsed if elapsed > 0 else 0.0
    dest = db if merge else f"{shards or default_shards(db)} (query: detente events --parquet DIR)"
    err.print(f"stored {report.articles_written} article(s), {report.events_written} event(s); "
              f"{report.articles_skipped} unchanged article(s) skipped; {rate:.1f} articles/s -> {dest}")
    if report.problems:
        raise typer.Exit(EXIT_SKIPPED)


@app.command()
def events(db: str = DbOpt, source: Optional[str] = typer.Option(None, help="Country or code prefix."),
           target: Optional[str] = typer.Option(None), root: Optional[str] = typer.Option(None, help="CAMEO root, e.g. 04"),
           since: Optional[str] = typer.Option(None, help="YYYY-MM-DD"), until: Optional[str] = typer.Option(None),
           q: Optional[str] = typer.Option(None, help="Text in the sentence."),
           limit: int = typer.Option(50, help="Rows (table/stdout); 0 = all."),
           fmt: str = FormatOpt, output: Optional[Path] = typer.Option(None, "--output", "-o"),
           parquet: Optional[Path] = typer.Option(
               None, "--parquet", help="Query the Parquet dataset (shards) of `ingest --cluster "
               "... --no-merge` in this folder instead of --db.")) -> None:
    """Query stored events."""
    from ..store import Store
    from ..store.parquet import open_dataset

    filters = dict(source=source, target=target, root=root, since=since, until=until, q=q)
    try:
        with (open_dataset(parquet) if parquet else Store(db, read_only=True)) as store:
            if output is not None or fmt == "parquet":
                if output is None:
                    raise typer.BadParameter("--format parquet needs --output FILE")
                written = store.export_events(output, fmt if fmt != "table" else suffix_format(output),
                                              **filters)
                err.print(f"wrote {written} event(s) to {output}")
                return
            rows = store.events(**filters, limit=limit or None)
            emit(rows, fmt, kind="events")
    except DetenteError as exc:
        fail(exc)


@app.command()
def stats(db: str = DbOpt, as_json: bool = typer.Option(False, "--json")) -> None:
    """Counts, date range and top dyads of a store."""
    from ..store import Store

    try:
        with Store(db, read_only=True) as store:
            s = store.stats()
    except DetenteError as exc:
        fail(exc)
    if as_json:
        out.print_json(json.dumps(s, default=str))
        return
    print_stats(s)


@app.command()
def demo(db: str = typer.Option("detente-demo.duckdb", "--db", help="Where to build the demo store.")) -> None:
    """Ingest the bundled sample corpus and summarise it."""
    from ..store import Store

    corpus = service.demo_corpus()
    try:
        pipeline = common.build_pipeline()
        with Store(db) as store:
            report = service.ingest(pipeline, store, [str(corpus)])
            s = store.stats()
            series = store.quarterly_dyad_series("USA", "RUS")
    except DetenteError as exc:
        fail(exc)
    out.print(f"[bold]detente demo[/] — {corpus.name}: {report.articles_written} new article(s), "
              f"{report.articles_skipped} already stored")
    print_stats(s)
    out.print("\n[bold]US–Russia: cooperation (#) vs conflict (x) events per quarter[/]")
    for line in service.quarter_chart(series):
        out.print(line, highlight=False)
    out.print(f"\nStore: {db}. Try: detente events --db {db} --source USA --target RUS")
    out.print(f"Dashboard: detente serve --db {db}  then open http://127.0.0.1:8000/ "
              "(relations: http://127.0.0.1:8000/relations?a=USA&b=RUS)", highlight=False)

