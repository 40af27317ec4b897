"""Commands over the merged events: relations, issues, network, export, actors top."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any, Callable, Optional, TypeVar

import typer
from rich.markup import escape
from rich.table import Table

from ..errors import DetenteError
from .actors import actors_app
from .common import DbOpt, app, err, fail, out

T = TypeVar("T")

SinceOpt = typer.Option(None, "--since", help="YYYY-MM-DD (inclusive).")
UntilOpt = typer.Option(None, "--until", help="YYYY-MM-DD (inclusive).")
ModalityOpt = typer.Option("asserted", "--modality",
                           help="Comma-separated: asserted, planned, hypothetical, negated.")
OutputOpt = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout.")
TableFmt = typer.Option("table", "--format", "-f", help="table | csv | jsonl | parquet")


def _modalities(value: str) -> tuple[str, ...]:
    return tuple(m.strip() for m in value.split(",") if m.strip())


ParquetOpt = typer.Option(None, "--parquet", help="Query the Parquet dataset left by "
                          "`ingest --cluster ... --no-merge` in this folder instead of --db.")


def _open(db: str, parquet: Optional[Path] = None):
    from ..store import Store
    from ..store.parquet import open_dataset

    return open_dataset(parquet) if parquet else Store(db, read_only=True)


def _query(db: str, parquet: Optional[Path], ask: Callable[[Any], T]) -> T:
    """``ask(store)`` on the store (read-only) or the Parquet dataset; a DetenteError
    (bad store, bad period ...) ends the command with its message."""
    try:
        with _open(db, parquet) as store:
            return ask(store)
    except DetenteError as exc:
        fail(exc)


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    """Lists of dicts become ``;``-joined ids, lists of text ``;``-joined text."""
    flat = {}
    for k, v in row.items():
        if isinstance(v, (list, tuple)):
            v = ";".join(str(x["id"]) if isinstance(x, dict) else str(x) for x in v)
        flat[k] = v
    return flat


def write_rows(rows: list[dict[str, Any]], fmt: str, output: Optional[Path],
               columns: list[str], title: str = "") -> None:
    """Rows as a table (chosen columns), CSV, JSONL or Parquet (file only)."""
    if fmt == "parquet":
        if output is None:
            raise typer.BadParameter("--format parquet needs --output FILE", param_hint="--format")
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist(rows), output)
    elif fmt in ("csv", "jsonl"):
        with (open(output, "w", encoding="utf-8", newline="") if output else _stdout()) as fh:
            if fmt == "jsonl":
                for r in rows:
                    fh.write(json.dumps(r, ensure_ascii=False, default=str) + "\n")
            elif rows:
                writer = csv.DictWriter(fh, fieldnames=list(_flat(rows[0])))
                writer.writeheader()
                writer.writerows(_flat(r) for r in rows)
    elif fmt == "table":
        table = Table(title=title or None)
        for c in columns:
            table.add_column(c, overflow="fold")
        for r in rows:
            flat = _flat(r)
            table.add_row(*(escape("" if flat.get(c) is None else _cell(flat[c])) for c in columns))
        out.print(table)
    else:
        raise typer.BadParameter(f"unknown format {fmt!r}; use table, csv, jsonl or parquet",
                                 param_hint="--format")
    if output is not None:
        err.print(f"wrote {len(rows)} row(s) to {output}")


def _cell(v: Any) -> str:
    return f"{v:.2f}" if isinstance(v, float) else str(v)


class _stdout:
    def __enter__(self):
        return sys.stdout

    def __exit__(self, *exc: object) -> None:
        sys.stdout.flush()


@app.command()
def relations(a: str = typer.Argument(..., help="ISO3 country, e.g. USA."),
              b: str = typer.Argument(..., help="ISO3 country, e.g. RUS."),
              db: str = DbOpt, parquet: Optional[Path] = ParquetOpt,
              by: str = typer.Option("month", "--by", help="day | week | month | quarter | year"),
              since: Optional[str] = SinceOpt, until: Optional[str] = UntilOpt,
              direction: str = typer.Option("all", "--direction", help="all | both | a_to_b | b_to_a"),
              modality: str = ModalityOpt, fmt: str = TableFmt, output: Optional[Path] = OutputOpt,
              plot: Optional[Path] = typer.Option(None, "--plot", help="Also draw the timeline to this PNG.")) -> None:
    """How relations between A and B move: counts by quad class, Goldstein, the
    cooperation–conflict index, top issues and events, turning points."""
    from .. import analytics

    if direction not in ("all", "both", "a_to_b", "b_to_a"):
        raise typer.BadParameter("use all, both, a_to_b or b_to_a", param_hint="--direction")
    rel = _query(db, parquet, lambda store: analytics.relations(
        store, a, b, by=by, since=since, until=until, modalities=_modalities(modality)))
    rows = [p.to_dict() for p in rel.rows(None if direction == "all" else direction)]
    cols = ["period", "direction", "events", "articles", "verbal_coop", "material_coop",
            "verbal_conflict", "material_conflict", "goldstein_mean", "index", "top_issues"]
    write_rows(rows, fmt, output, cols, title=f"{rel.a}–{rel.b} by {rel.by}")
    if fmt == "table":
        for tp in rel.turning_points:
            out.print(f"[bold]{tp.kind}[/] from {tp.period}: index {tp.before:+.2f} -> "
                      f"{tp.after:+.2f}; driven by {', '.join(tp.events) or '-'}", highlight=False)
        if not rel.turning_points:
            out.print("no turning points", highlight=False)
    if plot is not None:
        err.print(f"chart: {analytics.plot_relations(rel, plot)}")


@app.command("event")
def event_cmd(event_id: str = typer.Argument(..., help="A stored event id, or the id of any of its mentions."),
              db: str = DbOpt) -> None:
    """One stored event with every article and sentence that reports it (JSON)."""
    found = _query(db, None, lambda store: store.event(event_id))
    if found is None:
        err.print(f"[bold red]error[/]: no stored event or mention has the id {escape(event_id)!r}")
        raise typer.Exit(1)
    sys.stdout.write(json.dumps(found, ensure_ascii=False, indent=1, default=str) + "\n")


@app.command("issues")
def issues_cmd(db: str = DbOpt, parquet: Optional[Path] = ParquetOpt, by: str = typer.Option("month", "--by", help="day | week | month | quarter | year"),
               since: Optional[str] = SinceOpt, until: Optional[str] = UntilOpt,
               modality: str = ModalityOpt, fmt: str = TableFmt, output: Optional[Path] = OutputOpt) -> None:
    """Volume of happenings per issue tag over time."""
    from .. import analytics

    rows = _query(db, parquet, lambda store: analytics.issues_over_time(
        store, by=by, since=since, until=until, modalities=_modalities(modality)))
    write_rows(rows, fmt, output, ["period", "issue", "events", "articles"], title=f"issues by {by}")


@app.command()
def network(db: str = DbOpt, parquet: Optional[Path] = ParquetOpt, since: Optional[str] = SinceOpt, until: Optional[str] = UntilOpt,
            min_events: int = typer.Option(1, "--min-events", help="Leave out pairs with fewer."),
            modality: str = ModalityOpt,
            fmt: str = typer.Option("json", "--format", "-f", help="json | graphml"),
            output: Optional[Path] = OutputOpt) -> None:
    """The directed country network (who did what to whom, how often, how warmly)."""
    from .. import analytics

    if fmt not in ("json", "graphml"):
        raise typer.BadParameter("use json or graphml", param_hint="--format")
    net = _query(db, parquet, lambda store: analytics.network(
        store, since=since, until=until, min_events=min_events, modalities=_modalities(modality)))
    text = json.dumps(net, ensure_ascii=False, indent=1) if fmt == "json" else _graphml(net)
    if output is None:
        sys.stdout.write(text + "\n")
    else:
        output.write_text(text + "\n", encoding="utf-8")
        err.print(f"wrote {len(net['nodes'])} node(s), {len(net['edges'])} edge(s) to {output}")


def _graphml(net: dict[str, Any]) -> str:
    import networkx as nx

    g = nx.DiGraph()
    for n in net["nodes"]:
        g.add_node(n["id"], events=n["events"])
    for e in net["edges"]:
        g.add_edge(e["source"], e["target"], **{k: v for k, v in e.items()
                                                 if k not in ("source", "target")})
    return "\n".join(nx.generate_graphml(g))


@app.command()
def export(fmt: str = typer.Argument(..., help="gdelt | plover | parquet"),
           path: Path = typer.Argument(..., help="Output file (a folder for parquet)."),
           db: str = DbOpt, parquet: Optional[Path] = ParquetOpt,
           since: Optional[str] = SinceOpt, until: Optional[str] = UntilOpt, header: bool = typer.Option(False, "--header", help="gdelt: write a header line.")) -> None:
    """Export happenings as a GDELT 2.0 event table, PLOVER/POLECAT JSON, or every table as Parquet."""
    from .. import analytics

    written = _query(db, parquet, lambda store: analytics.export(
        store, fmt, path, since=since, until=until, header=header))
    for file, n in written.items():
        err.print(f"wrote {n} row(s) to {file}")


@actors_app.command("top")
def actors_top(db: str = DbOpt, parquet: Optional[Path] = ParquetOpt, since: Optional[str] = SinceOpt, until: Optional[str] = UntilOpt,
               limit: int = typer.Option(20, "--limit"),
               role: str = typer.Option("any", "--role", help="any | source | target"),
               modality: str = ModalityOpt, fmt: str = TableFmt, output: Optional[Path] = OutputOpt) -> None:
    """The actors in most happenings."""
    from .. import analytics

    rows = _query(db, parquet, lambda store: analytics.top_actors(
        store, since=since, until=until, limit=limit, role=role, modalities=_modalities(modality)))
    write_rows(rows, fmt, output, ["id", "name", "code", "country", "events", "as_source",
                                   "as_target", "goldstein_mean"], title="top actors")
