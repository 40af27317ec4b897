"""What every command shares: the app, consoles, options, error and output helpers."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Iterable, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn,
                           TimeRemainingColumn)
from rich.text import Text
from rich.table import Table

from ..config import Settings
from ..errors import DetenteError
from ..types import Actor, Location, Problem, Trigger

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="detente: news articles -> explainable event data.")
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, soft_wrap=True)  # one line per message, whatever the width
EXIT_SKIPPED = 3

DbOpt = typer.Option("detente.duckdb", "--db", envvar="DETENTE_DB", help="DuckDB file.")
FormatOpt = typer.Option("table", "--format", "-f", help="table | jsonl | csv | parquet")


def fail(exc: DetenteError) -> NoReturn:
    err.print(f"[bold red]error[/]: {escape(f'{exc} [{exc.code}]')}", highlight=False)
    raise typer.Exit(exc.exit_code)


def report_problems(problems: list[Problem]) -> None:
    for p in problems:
        err.print(f"[yellow]skipped[/] {escape(p.message())}", highlight=False)
    if problems:
        err.print(f"[yellow]{len(problems)} record(s) skipped[/]")


def build_pipeline():
    from ..pipeline import Pipeline

    return Pipeline.build(Settings.from_env())



def print_stats(s: dict) -> None:
    out.print(f"articles {s['articles']}, events {s['events']} (from {s['event_mentions']} reports), "
              f"actor mentions {s['mentions']}, "
              f"problems {s['problems']}, events dated {s['first_event_date']} .. {s['last_event_date']}")
    table = Table(title="top dyads")
    for col in ("source", "target", "events"):
        table.add_column(col)
    for d in s["top_dyads"]:
        table.add_row(str(d["source"]), str(d["target"]), str(d["events"]))
    out.print(table)


class _RateColumn(ProgressColumn):
    def render(self, task) -> Text:
        return Text(f"{task.speed:.1f} articles/s" if task.speed else "- articles/s")


def progress() -> Progress:
    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                    _RateColumn(), TimeRemainingColumn(), console=err, transient=False)


def suffix_format(path: Path) -> str:
    """The export format a file name asks for when --format is not given (csv by default)."""
    return {".parquet": "parquet", ".jsonl": "jsonl", ".ndjson": "jsonl"}.get(path.suffix.lower(), "csv")


def emit(rows: Iterable[dict], fmt: str, kind: str) -> None:
    if fmt == "jsonl":
        for r in rows:
            sys.stdout.write(json.dumps(r, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        _csv(rows, kind)
    elif fmt == "table":
        _table(list(rows), kind)
    else:
        raise typer.BadParameter(f"unknown format {fmt!r}; use jsonl, table or csv", param_hint="--format")


# Nested event fields become <field>_<key> columns even when null, so that every CSV row
# has the header's columns (the same names as the store's CSV export).
_EVENT_NESTED = {"source": tuple(Actor("", 0, 0).to_dict()), "target": tuple(Actor("", 0, 0).to_dict()),
                 "location": tuple(Location("", None, None, None).to_dict()),
                 "trigger": tuple(Trigger("", 0, 0).to_dict())}


def _csv(rows: Iterable[dict], kind: str) -> None:
    writer = None
    for r in rows:
        if kind == "events":
            r = {k: dict.fromkeys(_EVENT_NESTED[k]) if v is None and k in _EVENT_NESTED else v
                 for k, v in r.items()}
        flat = _flatten(r)
        if writer is None:
            writer = csv.DictWriter(sys.stdout, fieldnames=list(flat))
            writer.writeheader()
        writer.writerow(flat)


def _flatten(r: dict, prefix: str = "") -> dict:
    flat: dict = {}
    for k, v in r.items():
        if isinstance(v, dict):
            flat.update(_flatten(v, f"{prefix}{k}_"))
        elif isinstance(v, list):
            flat[prefix + k] = ";".join(map(str, v))
        else:
            flat[prefix + k] = v
    return flat


def _table(rows: list[dict], kind: str) -> None:
    table = Table(show_lines=False)
    if kind == "articles":
        cols = ["id", "published", "published_basis", "title", "outlet", "n_sentences", "n_events"]
        for c in cols:
            table.add_column(c)
        for r in rows:
            table.add_row(*[str(r.get(c) or "") for c in cols])
    else:
        for c in ("date", "source", "target", "cameo", "plover", "modality", "trigger", "article",
                  "articles"):
            table.add_column(c)
        for r in rows:  # "articles": how many articles report it (stored, merged events)
            src, tgt = r["source"], r["target"] or {}
            table.add_row(str(r["event_date"]), f"{src['code']} ({src['text']})",
                          f"{tgt.get('code')} ({tgt.get('text')})" if tgt else "-",
                          r["cameo"], str(r["plover"]), r["modality"], r["trigger"]["text"],
                          r["article_id"], str(r.get("num_articles", "")))
    out.print(table)

