"""Thin command-line layer: parse arguments, call the library, format output,
map errors to exit codes. Library code never prints or exits; this does.

Exit codes: 0 ok; 1 an error stopped the command; 2 bad usage or bad query;
3 the command finished but some input records were skipped (listed on stderr);
4 the spaCy model is missing; 5 the database cannot be opened or written;
6 a shipped knowledge file is broken.
"""

from __future__ import annotations

import csv
import json
import sys
import time
from pathlib import Path
from typing import Iterable, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn,
                           TimeRemainingColumn)
from rich.text import Text
from rich.table import Table

from . import __version__, service
from .config import Settings
from .errors import DetenteError, InputError
from .types import Actor, Location, Problem, Trigger

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="detente: news articles -> explainable event data.")
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, soft_wrap=True)  # one line per message, whatever the width
EXIT_SKIPPED = 3

DbOpt = typer.Option("detente.duckdb", "--db", envvar="DETENTE_DB", help="DuckDB file.")
FormatOpt = typer.Option("table", "--format", "-f", help="table | jsonl | csv | parquet")


def _fail(exc: DetenteError) -> None:
    err.print(f"[bold red]error[/]: {escape(f'{exc} [{exc.code}]')}", highlight=False)
    raise typer.Exit(exc.exit_code)


def _report_problems(problems: list[Problem]) -> None:
    for p in problems:
        err.print(f"[yellow]skipped[/] {escape(p.message())}", highlight=False)
    if problems:
        err.print(f"[yellow]{len(problems)} record(s) skipped[/]")


def _pipeline():
    from .pipeline import Pipeline

    return Pipeline.build(Settings.from_env())


@app.callback(invoke_without_command=True)
def _main(version: bool = typer.Option(False, "--version", help="Print the version.")) -> None:
    if version:
        out.print(f"detente {__version__}")
        raise typer.Exit(0)


@app.command()
def extract(paths: list[str] = typer.Argument(..., help="Files, folders, or - for stdin."),
            fmt: str = typer.Option("jsonl", "--format", "-f", help="jsonl | table"),
            articles: bool = typer.Option(False, "--articles", help="Print article records, not events."),
            quotes: bool = typer.Option(False, "--quotes", help="Print direct quotes and their speakers, not events.")) -> None:
    """Print one JSON line per event (no database)."""
    problems: list[Problem] = []
    if quotes and fmt not in ("jsonl", "table"):
        raise typer.BadParameter(f"--quotes prints jsonl or table, not {fmt!r}", param_hint="--format")
    try:
        coded = service.extract(_pipeline(), paths, stdin=sys.stdin, problems=problems)
        if quotes and fmt == "table":  # speaker name (code), verb, the quote cut to 80 characters
            table = Table(show_lines=False)
            for col in ("article", "date", "speaker", "verb", "quote"):
                table.add_column(col)
            for q in (q for c in coded for q in c.quotes):
                who = (f"{q.speaker.name or q.speaker.text} ({q.speaker.code or '-'})" if q.speaker
                       else f"? ({q.speaker_text or 'unattributed'})")
                text = q.text if len(q.text) <= 80 else q.text[:79] + "…"
                table.add_row(*map(escape, (q.article_id, q.date or "", who, q.speech_verb or "", text)))
            out.print(table)
        elif quotes:
            _emit((q.to_dict() for c in coded for q in c.quotes), fmt, kind="quotes")
        elif articles:
            rows = (c.article_dict() for c in coded)
            _emit(rows, fmt, kind="articles")
        else:
            rows = (e.to_dict() for c in coded for e in c.events)
            _emit(rows, fmt, kind="events")
    except DetenteError as exc:
        _fail(exc)
    _report_problems(problems)
    if problems:
        raise typer.Exit(EXIT_SKIPPED)


@app.command()
def ingest(paths: list[str] = typer.Argument(..., help="Files, folders, or - for stdin."),
           db: str = DbOpt,
           batch: int = typer.Option(16, "--batch", help="Articles per transaction.")) -> None:
    """Code articles and store them (idempotent; an interrupted run resumes)."""
    from .store import Store

    total = None if "-" in paths else service.estimate_records(paths)
    try:
        pipeline = _pipeline()
        with Store(db) as store, _progress() as bar:
            task = bar.add_task("ingest", total=total)
            started = time.perf_counter()
            report = service.ingest(pipeline, store, paths, stdin=sys.stdin, batch_size=batch,
                                    progress=lambda n, _e: bar.advance(task, n))
            elapsed = time.perf_counter() - started
    except DetenteError as exc:
        _fail(exc)
    _report_problems(report.problems)
    rate = report.articles_written / elapsed if elapsed > 0 else 0.0
    err.print(f"stored {report.articles_written} article(s), {report.events_written} event(s); "
              f"{report.articles_skipped} unchanged article(s) skipped; {rate:.1f} articles/s -> {db}")
    if report.problems:
        raise typer.Exit(EXIT_SKIPPED)


@app.command()
def events(db: str = DbOpt, source: Optional[str] = typer.Option(None, help="Country or code prefix."),
           target: Optional[str] = typer.Option(None), root: Optional[str] = typer.Option(None, help="CAMEO root, e.g. 04"),
           since: Optional[str] = typer.Option(None, help="YYYY-MM-DD"), until: Optional[str] = typer.Option(None),
           q: Optional[str] = typer.Option(None, help="Text in the sentence."),
           limit: int = typer.Option(50, help="Rows (table/stdout); 0 = all."),
           fmt: str = FormatOpt, output: Optional[Path] = typer.Option(None, "--output", "-o")) -> None:
    """Query stored events."""
    from .store import Store

    filters = dict(source=source, target=target, root=root, since=since, until=until, q=q)
    try:
        with Store(db, read_only=True) as store:
            if output is not None or fmt == "parquet":
                if output is None:
                    raise typer.BadParameter("--format parquet needs --output FILE")
                written = store.export_events(output, fmt if fmt != "table" else _suffix_format(output),
                                              **filters)
                err.print(f"wrote {written} event(s) to {output}")
                return
            rows = store.events(**filters, limit=limit or None)
            _emit(rows, fmt, kind="events")
    except DetenteError as exc:
        _fail(exc)


@app.command()
def stats(db: str = DbOpt, as_json: bool = typer.Option(False, "--json")) -> None:
    """Counts, date range and top dyads of a store."""
    from .store import Store

    try:
        with Store(db, read_only=True) as store:
            s = store.stats()
    except DetenteError as exc:
        _fail(exc)
    if as_json:
        out.print_json(json.dumps(s, default=str))
        return
    _print_stats(s)


@app.command()
def demo(db: str = typer.Option("detente-demo.duckdb", "--db", help="Where to build the demo store.")) -> None:
    """Ingest the bundled sample corpus and summarise it."""
    from .store import Store

    corpus = service.demo_corpus()
    try:
        pipeline = _pipeline()
        with Store(db) as store:
            report = service.ingest(pipeline, store, [str(corpus)])
            s = store.stats()
            series = store.quarterly_dyad_series("USA", "RUS")
    except DetenteError as exc:
        _fail(exc)
    out.print(f"[bold]detente demo[/] — {corpus.name}: {report.articles_written} new article(s), "
              f"{report.articles_skipped} already stored")
    _print_stats(s)
    out.print("\n[bold]US–Russia: cooperation (#) vs conflict (x) events per quarter[/]")
    for line in service.quarter_chart(series):
        out.print(line, highlight=False)
    out.print(f"\nStore: {db}. Try: detente events --db {db} --source USA --target RUS")


@app.command()
def classify(path: str = typer.Argument("-", help="JSONL file of {id, text, source, target}, or - for stdin."),
             fmt: str = typer.Option("jsonl", "--format", "-f", help="jsonl | table")) -> None:
    """What did the source do to the target? One {id, plover, cameo, quad_class, penta} line per record."""
    problems: list[Problem] = []
    try:
        if path == "-":
            records = service.read_pairs(sys.stdin, "<stdin>", problems)
        else:
            with open(path, encoding="utf-8") as fh:
                records = service.read_pairs(fh, path, problems)
        rows = service.classify(records) if records else []
    except OSError as exc:
        _fail(InputError(f"cannot read: {exc.strerror}", where=path))
    except DetenteError as exc:
        _fail(exc)
    if fmt == "table":
        table = Table()
        for col in ("id", "plover", "cameo", "quad_class", "penta", "label", "probability"):
            table.add_column(col)
        for r in rows:
            table.add_row(*(str(r[c]) for c in ("id", "plover", "cameo", "quad_class", "penta", "label",
                                                 "probability")))
        out.print(table)
    else:
        _emit(rows, fmt, kind="rows")
    _report_problems(problems)
    if problems:
        raise typer.Exit(EXIT_SKIPPED)


@app.command("eval")
def eval_(gold: str = typer.Argument(..., help="Gold JSONL: {id, text, date?, events: [{source, target, code}]}."),
          classify_mode: bool = typer.Option(False, "--classify",
                                             help="Score {text, source, target, plover|penta} records."),
          fmt: str = typer.Option("table", "--format", "-f", help="table | json"),
          limit: int = typer.Option(0, "--limit", min=0, help="Score the first N valid records; 0 = all.")) -> None:
    """Score the coder against gold: precision, recall, F1, dyad accuracy, confusion."""
    from . import evaluate
    from .config import CODER_VERSION

    if fmt not in ("table", "json"):
        raise typer.BadParameter(f"unknown format {fmt!r}; use table or json", param_hint="--format")
    problems: list[Problem] = []
    try:
        if classify_mode:
            from .service import classify

            data = evaluate.load_classification(gold, limit or None)
            problems += data.problems
            _report_problems(problems)
            report = evaluate.evaluate_classification(evaluate.require_records(data, classify=True), classify)
        else:
            book = evaluate.CodeBook.default()
            data = evaluate.load_extraction(gold, book, limit or None)
            problems += data.problems
            _report_problems(problems)
            evaluate.require_records(data, classify=False)
            pipeline = _pipeline()
            report = evaluate.evaluate_extraction(
                data, lambda articles: pipeline.run(articles, on_problem=problems.append), book)
            _report_problems(problems[len(data.problems):])
    except DetenteError as exc:
        _fail(exc)
    doc = {"detente": __version__, "coder": CODER_VERSION, **report.to_dict()}
    if fmt == "json":
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    elif classify_mode:
        _print_classification_eval(doc)
    else:
        _print_extraction_eval(doc)
    if problems:
        raise typer.Exit(EXIT_SKIPPED)


def _pct(x: float) -> str:
    return f"{100 * x:.1f}"


def _print_extraction_eval(doc: dict) -> None:
    out.print(f"[bold]detente eval[/] {escape(doc['gold'])} — coder {doc['coder']}", highlight=False)
    out.print(f"records {doc['records']} (skipped {doc['skipped']}, {doc['noevent_records']} without events), "
              f"gold events {doc['gold_events']}, predicted {doc['predicted_events']} "
              f"({doc['noevent_false_positives']} in texts without events)", highlight=False)
    table = Table(title="events (micro-averaged, %)")
    for col in ("level", "match", "TP", "FP", "FN", "precision", "recall", "F1"):
        table.add_column(col, justify="left" if col in ("level", "match") else "right")
    for level, matches in doc["levels"].items():
        for match, c in matches.items():
            table.add_row(level, match.replace("_", " + "), str(c["tp"]), str(c["fp"]), str(c["fn"]),
                          _pct(c["precision"]), _pct(c["recall"]), _pct(c["f1"]))
    out.print(table)
    d = doc["dyad"]
    out.print(f"dyad accuracy {_pct(d['accuracy'])}% of {d['pairs']} root-level matches "
              f"(source {_pct(d['source_accuracy'])}%, target {_pct(d['target_accuracy'])}%)", highlight=False)
    label = "PLOVER type" if doc["label_scheme"] == "plover" else "CAMEO root"
    _print_confusion(doc["confusion"], f"confusion: gold {label} (rows) x predicted (columns)")


def _print_classification_eval(doc: dict) -> None:
    out.print(f"[bold]detente eval --classify[/] {escape(doc['gold'])}", highlight=False)
    out.print(f"items {doc['items']} (skipped records {doc['skipped']}, "
              f"missing predictions {doc['missing_predictions']})", highlight=False)
    for name, title in (("plover", "PLOVER type (15 classes)"), ("penta", "5-way class")):
        level = doc[name]
        if level is None:
            out.print(f"{title}: no gold labels", highlight=False)
            continue
        table = Table(title=f"{title}: accuracy {_pct(level['accuracy'])}%, macro-F1 "
                            f"{_pct(level['macro_f1'])}% (n={level['n']})")
        for col in ("class", "precision", "recall", "F1", "support"):
            table.add_column(col, justify="left" if col == "class" else "right")
        for cls, s in level["per_class"].items():
            table.add_row(cls, _pct(s["precision"]), _pct(s["recall"]), _pct(s["f1"]), str(s["support"]))
        out.print(table)
        _print_confusion(level["confusion"], f"confusion: gold {title} (rows) x predicted (columns)")


def _print_confusion(conf: dict, title: str) -> None:
    table = Table(title=title)
    table.add_column("gold \\ pred")
    for lab in conf["labels"]:
        table.add_column(lab, justify="right")
    for lab, row in zip(conf["labels"], conf["matrix"]):
        table.add_row(lab, *(str(n) if n else "." for n in row))
    out.print(table)
    top = ", ".join(f"{c['gold']}->{c['predicted']} {c['count']}" for c in conf["top_confusions"])
    out.print(f"top confusions: {top or '(none)'}", highlight=False)


actors_app = typer.Typer(no_args_is_help=True, help="Who is who: resolve actor phrases, list office holders.")
app.add_typer(actors_app, name="actors")


@actors_app.command("resolve")
def actors_resolve(text: str = typer.Argument(..., help='An actor phrase, e.g. "the Secretary of State".'),
                   date: Optional[str] = typer.Option(None, "--date", help="YYYY-MM-DD"),
                   context: Optional[str] = typer.Option(None, "--context", help="The sentence around it."),
                   as_json: bool = typer.Option(False, "--json")) -> None:
    """Resolve one phrase on a date and say why."""
    try:
        res = service.resolve_phrase(_pipeline(), text, date, context)
    except DetenteError as exc:
        _fail(exc)
    if as_json:
        sys.stdout.write(json.dumps({"text": res.text, "date": res.date, "actor": res.actor,
                                     "why": res.why}, ensure_ascii=False) + "\n")
    else:
        a = res.actor or {}
        out.print(f"[bold]{text}[/] on {date or '(no date)'} -> {a.get('name')} "
                  f"[{a.get('code')}] {a.get('role') or ''}")
        for line in res.why:
            out.print("  " + line, highlight=False)
    if res.actor is None:
        raise typer.Exit(1)


@actors_app.command("on")
def actors_on(date: str = typer.Argument(..., help="YYYY-MM-DD"),
              country: Optional[str] = typer.Option(None, "--country", help="ISO3 or organisation code."),
              fmt: str = typer.Option("table", "--format", "-f", help="table | jsonl | csv")) -> None:
    """List office holders on a date."""
    from .actors.kb import default_kb

    try:
        rows = service.holders_on(default_kb(), date, country)
    except DetenteError as exc:
        _fail(exc)
    if fmt == "table":
        table = Table(title=f"office holders on {date}")
        for col in ("polity", "office", "person", "start", "end"):
            table.add_column(col)
        for r in rows:
            table.add_row(r["polity"], r["office"], r["person"], r["start"], r["end"] or "")
        out.print(table)
    else:
        _emit(rows, fmt, kind="rows")


def _print_stats(s: dict) -> None:
    out.print(f"articles {s['articles']}, events {s['events']}, mentions {s['mentions']}, "
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


def _progress() -> Progress:
    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                    _RateColumn(), TimeRemainingColumn(), console=err, transient=False)


def _suffix_format(path: Path) -> str:
    """The export format a file name asks for when --format is not given (csv by default)."""
    return {".parquet": "parquet", ".jsonl": "jsonl", ".ndjson": "jsonl"}.get(path.suffix.lower(), "csv")


def _emit(rows: Iterable[dict], fmt: str, kind: str) -> None:
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
        for c in ("date", "source", "target", "cameo", "plover", "modality", "trigger", "article"):
            table.add_column(c)
        for r in rows:
            src, tgt = r["source"], r["target"] or {}
            table.add_row(str(r["event_date"]), f"{src['code']} ({src['text']})",
                          f"{tgt.get('code')} ({tgt.get('text')})" if tgt else "-",
                          r["cameo"], str(r["plover"]), r["modality"], r["trigger"]["text"], r["article_id"])
    out.print(table)


def main() -> None:
    app()
