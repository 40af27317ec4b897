"""detente actors: resolve phrases, list office holders."""

from __future__ import annotations

import json
import sys
from typing import Optional

import typer
from rich.table import Table

from .. import service
from ..errors import DetenteError
from . import common
from .common import (app, emit, fail, out)


actors_app = typer.Typer(no_args_is_help=True, help="Who is who: resolve actor phrases, list office holders.")
app.add_typer(actors_app, name="actors")


@actors_app.command("resolve")
def actors_resolve(text: str = typer.Argument(..., help='An actor phrase, e.g. "the Secretary of State".'),
                   date: Optional[str] = typer.Option(None, "--date", help="YYYY-MM-DD"),
                   context: Optional[str] = typer.Option(None, "--context", help="The sentence around it."),
                   as_json: bool = typer.Option(False, "--json")) -> None:
    """Resolve one phrase on a date and say why."""
    try:
        res = service.resolve_phrase(common.build_pipeline(), text, date, context)
    except DetenteError as exc:
        fail(exc)
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
    from ..actors.kb import default_kb

    try:
        rows = service.holders_on(default_kb(), date, country)
    except DetenteError as exc:
        fail(exc)
    if fmt == "table":
        table = Table(title=f"office holders on {date}")
        for col in ("polity", "office", "person", "start", "end"):
            table.add_column(col)
        for r in rows:
            table.add_row(r["polity"], r["office"], r["person"], r["start"], r["end"] or "")
        out.print(table)
    else:
        emit(rows, fmt, kind="rows")

