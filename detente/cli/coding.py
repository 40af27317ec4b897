"""Commands that code text without a store: extract, classify, eval."""

from __future__ import annotations

import json
import sys

import typer
from rich.markup import escape
from rich.table import Table

from .. import __version__, service
from ..errors import DetenteError, InputError
from ..types import Problem
from . import common
from .common import (EXIT_SKIPPED, app, emit, fail, out, report_problems)


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
        coded = service.extract(common.build_pipeline(), paths, stdin=sys.stdin, problems=problems)
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
            emit((q.to_dict() for c in coded for q in c.quotes), fmt, kind="quotes")
        elif articles:
            rows = (c.article_dict() for c in coded)
            emit(rows, fmt, kind="articles")
        else:
            rows = (e.to_dict() for c in coded for e in c.events)
            emit(rows, fmt, kind="events")
    except DetenteError as exc:
        fail(exc)
    report_problems(problems)
    if problems:
        raise typer.Exit(EXIT_SKIPPED)



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
        fail(InputError(f"cannot read: {exc.strerror}", where=path))
    except DetenteError as exc:
        fail(exc)
    if fmt == "table":
        table = Table()
        for col in ("id", "plover", "cameo", "quad_class", "penta", "label", "probability"):
            table.add_column(col)
        for r in rows:
            table.add_row(*(str(r[c]) for c in ("id", "plover", "cameo", "quad_class", "penta", "label",
                                                 "probability")))
        out.print(table)
    else:
        emit(rows, fmt, kind="rows")
    report_problems(problems)
    if problems:
        raise typer.Exit(EXIT_SKIPPED)


@app.command("eval")
def eval_(gold: str = typer.Argument(..., help="Gold JSONL: {id, text, date?, events: [{source, target, code}]}."),
          classify_mode: bool = typer.Option(False, "--classify",
                                             help="Score {text, source, target, plover|penta} records."),
          fmt: str = typer.Option("table", "--format", "-f", help="table | json"),
          limit: int = typer.Option(0, "--limit", min=0, help="Score the first N valid records; 0 = all.")) -> None:
    """Score the coder against gold: precision, recall, F1, dyad accuracy, confusion."""
    from .. import evaluate
    from ..config import CODER_VERSION

    if fmt not in ("table", "json"):
        raise typer.BadParameter(f"unknown format {fmt!r}; use table or json", param_hint="--format")
    problems: list[Problem] = []
    try:
        if classify_mode:
            from ..service import classify

            data = evaluate.load_classification(gold, limit or None)
            problems += data.problems
            report_problems(problems)
            report = evaluate.evaluate_classification(evaluate.require_records(data, classify=True), classify)
        else:
            book = evaluate.CodeBook.default()
            data = evaluate.load_extraction(gold, book, limit or None)
            problems += data.problems
            report_problems(problems)
            evaluate.require_records(data, classify=False)
            pipeline = common.build_pipeline()
            report = evaluate.evaluate_extraction(
                data, lambda articles: pipeline.run(articles, on_problem=problems.append), book)
            report_problems(problems[len(data.problems):])
    except DetenteError as exc:
        fail(exc)
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

