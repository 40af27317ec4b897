"""Library-level operations behind the CLI and the API: extract, ingest, demo.

The CLI only parses arguments and formats what these return; tests call them
directly.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Optional, TextIO

from .errors import QueryError
from .ingest import read_sources
from .store import Store
from .store.query import query_date
from .types import Article, CodedArticle, Problem

if TYPE_CHECKING:  # the pipeline (spaCy, torch) loads only when a command needs it
    from .pipeline import Pipeline

Progress = Callable[[int, int], None]  # (articles done, events in that batch)


@dataclass
class IngestReport:
    run_id: str
    articles_written: int = 0
    articles_skipped: int = 0
    events_written: int = 0
    problems: list[Problem] = field(default_factory=list)


def extract(pipeline: Pipeline, paths: Iterable[str], *, stdin: Optional[TextIO] = None,
            problems: Optional[list[Problem]] = None) -> Iterator[CodedArticle]:
    """Code articles without a database; problems are appended to ``problems``."""
    sink = problems if problems is not None else []
    yield from pipeline.process(paths, stdin=stdin, on_problem=sink.append)


def ingest(pipeline: Pipeline, store: Store, paths: Iterable[str], *, stdin: Optional[TextIO] = None,
           progress: Optional[Progress] = None, batch_size: Optional[int] = None) -> IngestReport:
    """Code and store articles. Unchanged articles already stored are skipped before
    parsing, so an interrupted run resumes where it stopped; each batch is one
    transaction, so nothing committed is lost and nothing is stored twice."""
    writer = BatchWriter(store, batch_size or pipeline.settings.commit_every, progress)
    writer.add(pipeline.process(paths, stdin=stdin, on_problem=writer.problem,
                                skip=writer.already_stored))
    return writer.finish()


class BatchWriter:
    """Collects coded articles *in input order* and writes them in batches of
    ``batch_size`` through ``Store.write`` -- the batches a single-process ingest would
    write, so ids and stored rows do not depend on how many workers coded them."""

    def __init__(self, store: Optional[Store], batch_size: int,
                 progress: Optional[Progress] = None) -> None:
        self.store = store
        self.batch_size = batch_size
        self.progress = progress
        self.report = IngestReport(run_id=uuid.uuid4().hex[:12])
        self._batch: list[CodedArticle] = []
        self._stored: Optional[dict[str, str]] = None  # article id -> content hash, read once

    def problem(self, problem: Problem) -> None:
        self.report.problems.append(problem)
        if self.store is not None:
            self.store.log_problem(problem, self.report.run_id)

    def add(self, coded: Iterable[CodedArticle]) -> None:
        for c in coded:
            self._batch.append(c)
            if len(self._batch) >= self.batch_size:
                self.flush()

    def finish(self) -> IngestReport:
        """Write what is left and bring the full-text index up to date (a no-op when
        current); the report of the whole run."""
        self.flush()
        if self.store is not None:
            self.store.refresh_search_index()
        return self.report

    def flush(self) -> None:
        if not self._batch or self.store is None:
            return
        result = self.store.write(self._batch)
        self.report.articles_written += result.articles_written
        self.report.articles_skipped += result.articles_skipped
        self.report.events_written += result.events_written
        if self.progress:
            self.progress(len(self._batch), result.events_written)
        self._batch = []

    def already_stored(self, article: Article) -> bool:
        """True (and counted as skipped) when the article is stored with the same content."""
        if self._stored is None:
            self._stored = self.store.stored_hashes() if self.store is not None else {}
        if self._stored.get(article.id) == article.content_hash:
            self.report.articles_skipped += 1
            return True
        return False

    def new_articles(self, paths: Iterable[str], stdin: Optional[TextIO]) -> Iterator[Article]:
        """The input's articles not already stored with the same content hash; reading
        problems are reported on the way (what ``ingest`` does before parsing)."""
        for item in read_sources(paths, stdin=stdin):
            if isinstance(item, Problem):
                self.problem(item)
            elif not self.already_stored(item):
                yield item


def demo_corpus() -> Path:
    """The sample articles that ship with the package."""
    return Path(str(resources.files("detente") / "data" / "demo" / "articles.jsonl"))


def quarter_chart(series: list[dict], width: int = 30) -> list[str]:
    """A small text chart: cooperation vs conflict events per quarter."""
    if not series:
        return ["(no events for this dyad)"]
    peak = max(max(r["cooperation"], r["conflict"]) for r in series) or 1
    lines = []
    for r in series:
        coop = round(width * r["cooperation"] / peak)
        conf = round(width * r["conflict"] / peak)
        lines.append(f"{r['period']}  {'#' * coop:<{width}} {r['cooperation']:>3} coop | "
                     f"{'x' * conf:<{width}} {r['conflict']:>3} conflict")
    return lines


def estimate_records(paths: Iterable[str]) -> Optional[int]:
    """A cheap count of input records for the progress bar (None when unknown)."""
    from .ingest import SUPPORTED_EXTENSIONS

    total = 0
    for raw in paths:
        p = Path(raw)
        files = sorted(p.rglob("*")) if p.is_dir() else [p]
        for f in files:
            suffix = f.suffix.lower()
            if not f.is_file() or suffix not in SUPPORTED_EXTENSIONS:
                continue
            if suffix in (".jsonl", ".ndjson", ".csv"):  # one record a line (a header for CSV)
                with f.open("rb") as fh:
                    total += sum(1 for line in fh if line.strip()) - (suffix == ".csv")
            else:
                total += 1
    return total or None


@dataclass
class Resolution:
    text: str
    date: Optional[str]
    actor: Optional[dict]
    why: list[str]


def resolve_phrase(pipeline: Pipeline, text: str, date: Optional[str] = None,
                   context: Optional[str] = None) -> Resolution:
    """Resolve one actor phrase on a date, optionally inside a context sentence."""
    from .actors.resolve import explain
    from .types import Article

    day = query_date(date, "date")
    prefix = f"{context.strip()} " if context else ""
    article = Article(id="phrase", text=prefix + text, published=date)
    parsed = next(pipeline.parser([article]))
    lo, hi = len(prefix), len(prefix) + len(text)
    inside = [m for m in pipeline.resolver.mentions(parsed, day)
              if m.actor.start < hi and m.actor.end > lo and (m.actor.code or m.actor.name)]
    if not inside:
        return Resolution(text, date, None, [f"no actor found in {text!r}"])
    best = max(inside, key=lambda m: (min(m.actor.end, hi) - max(m.actor.start, lo), bool(m.actor.code)))
    return Resolution(text, date, best.actor.to_dict(), explain(pipeline.kb, best, day))


@lru_cache(maxsize=1)
def _codes():
    from .coding.lexicon import load_lexicon

    return load_lexicon().codes


def classify(records: list[dict], classifier=None) -> list[dict]:
    """What did the source do to the target? ``records`` are ``{id, text, source, target}``
    (actor phrases as they appear in the text); returns ``{id, plover, cameo, quad_class,
    penta}`` per record, plus ``label`` (which may be STATEMENT or NONE) and ``probability``."""
    from .coding.classifier import Pair, default_classifier

    clf = classifier or default_classifier()
    verdicts = clf.classify([Pair(r["text"], r.get("source"), r.get("target")) for r in records])
    codes = _codes()
    return [{"id": r.get("id"), "plover": v.plover, "cameo": v.cameo,
             "quad_class": codes[v.cameo].quad_class, "penta": v.penta, "label": v.label,
             "probability": round(v.plover_probability, 3)} for r, v in zip(records, verdicts)]


def read_pairs(lines: Iterable[str], where: str, problems: list[Problem]) -> list[dict]:
    """JSONL ``{id, text, source, target}`` records; a bad line becomes a Problem naming
    ``where:line`` and the reason, and the rest are read."""
    out = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            if not isinstance(rec, dict):
                raise ValueError("not a JSON object")
            if not isinstance(rec.get("text"), str) or not rec["text"].strip():
                raise ValueError("needs a non-empty 'text'")
            for side in ("source", "target"):
                if rec.get(side) is not None and not isinstance(rec[side], str):
                    raise ValueError(f"'{side}' must be a string or null")
        except ValueError as exc:
            problems.append(Problem(where=f"{where}:{n}", reason=str(exc)))
            continue
        rec.setdefault("id", f"{where}:{n}")
        out.append(rec)
    return out


def holders_on(kb, date: str, country: Optional[str] = None) -> list[dict]:
    """Office holders on a date (optionally for one country or organisation)."""
    day = query_date(date, "date")
    if day is None:
        raise QueryError("date is required (YYYY-MM-DD)")
    rows = []
    for office, term in kb.holders_on(day, polity=country):
        rows.append({"polity": office.polity, "office": office.office, "title": office.title,
                     "person": kb.people[term.person].name, "kb_id": f"person:{term.person}",
                     "start": term.start.isoformat(), "end": term.end.isoformat() if term.end else None})
    return sorted(rows, key=lambda r: (r["polity"], r["office"]))
