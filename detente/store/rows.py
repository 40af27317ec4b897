"""Write side of the store: typed records -> validated rows for DuckDB."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any, Optional

from ..types import Actor, Article, CodedArticle, Event, Mention, Problem, Quote
from .schema import ACTOR_FIELDS

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class _BadRecord(ValueError):
    """A record the store cannot hold (reported as a Problem, the batch goes on)."""


def as_date(value: object) -> Optional[date]:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _record_date(value: Optional[str], what: str) -> Optional[date]:
    if value is None:
        return None
    parsed = as_date(value)
    if parsed is None:
        raise _BadRecord(f"{what} {value!r} is not an ISO date (YYYY-MM-DD)")
    return parsed


@dataclass(frozen=True)
class WriteResult:
    """What one ``Store.write`` did. ``problems`` lists the records it rejected."""

    articles_written: int
    articles_skipped: int
    events_written: int
    problems: tuple[Problem, ...] = ()


# --- records -> rows ---


def content_hash(article: Article) -> str:
    if article.content_hash:
        return article.content_hash
    return "sha256:" + hashlib.sha256(article.text.encode("utf-8")).hexdigest()


def _actor_row(side: str, actor: Optional[Actor]) -> dict[str, Any]:
    fields = [*ACTOR_FIELDS, "basis"]
    if actor is None:
        return {f"{side}_{f}": None for f in fields}
    return {f"{side}_{f}": getattr(actor, f) for f in fields}


def _article_row(coded: CodedArticle, now: datetime) -> dict[str, Any]:
    a = coded.article
    interval = None
    if a.published_interval is not None:
        interval = [_record_date(d, "published_interval") for d in a.published_interval]
    return {
        "id": a.id, "path": a.path, "title": a.title, "outlet": a.outlet, "url": a.url,
        "authors": list(a.authors), "published": _record_date(a.published, "published"),
        "published_basis": a.published_basis, "published_interval": interval,
        "language": a.language, "content_hash": content_hash(a), "text": a.text,
        "n_sentences": coded.n_sentences, "n_events": len(coded.events), "ingested_at": now,
    }


def _mention_row(article_id: str, m: Mention) -> dict[str, Any]:
    row = {"article_id": article_id, "sentence_index": m.sentence_index,
           "tok_start": m.tok_start, "tok_end": m.tok_end, "head": m.head}
    row.update({f: getattr(m.actor, f) for f in ACTOR_FIELDS})
    row["basis"] = m.actor.basis
    return row


def _event_row(article_id: str, e: Event) -> dict[str, Any]:
    if e.article_id != article_id:
        raise _BadRecord(f"event {e.id} says article_id {e.article_id!r}, "
                         f"but it was coded from article {article_id!r}")
    row: dict[str, Any] = {"id": e.id, "article_id": e.article_id,
                           "sentence_index": e.sentence_index, "sentence": e.sentence}
    row.update(_actor_row("source", e.source))
    row.update(_actor_row("target", e.target))
    row.update({
        "cameo": e.cameo, "cameo_root": e.cameo_root, "plover": e.plover,
        "plover_mode": e.plover_mode, "quad_class": e.quad_class, "goldstein": e.goldstein,
        "modality": e.modality, "event_date": _record_date(e.event_date, f"event {e.id}: date"),
        "date_precision": e.date_precision, "date_basis": e.date_basis,
        "location": e.location.to_dict() if e.location else None, "issues": list(e.issues),
        "trigger": e.trigger.to_dict(), "confidence": e.confidence, "coder": e.coder,
    })
    return row


def _quote_row(article_id: str, q: Quote) -> dict[str, Any]:
    if q.article_id != article_id:
        raise _BadRecord(f"quote {q.id} says article_id {q.article_id!r}, "
                         f"but it was found in article {article_id!r}")
    speaker = None
    if q.speaker is not None:
        speaker = {f: getattr(q.speaker, f) for f in (*ACTOR_FIELDS, "basis")}
    return {
        "id": q.id, "article_id": q.article_id, "sentence_index": q.sentence_index,
        "text": q.text, "start": q.start, "end": q.end,
        "spans": [{"start": s, "end": e} for s, e in q.spans], "speaker": speaker,
        "speaker_text": q.speaker_text, "speech_verb": q.speech_verb,
        "attribution": q.attribution, "date": _record_date(q.date, f"quote {q.id}: date"),
    }


@dataclass
class Rows:
    articles: list[dict[str, Any]]
    mentions: list[dict[str, Any]]
    events: dict[str, dict[str, Any]]  # by event id: the last report wins
    reports: dict[tuple[str, str, int], dict[str, Any]]
    quotes: list[dict[str, Any]] = field(default_factory=list)


def _where(article: Article) -> str:
    return f"{article.path}#{article.id}" if article.path else article.id


def build_rows(batch: Sequence[CodedArticle], now: datetime) -> tuple[Rows, list[Problem]]:
    rows, problems = Rows([], [], {}, {}), []
    for coded in batch:
        aid = coded.article.id
        try:
            if not aid:
                raise _BadRecord("article has an empty id")
            article = _article_row(coded, now)
            events = [_event_row(aid, e) for e in coded.events]
            quotes = [_quote_row(aid, q) for q in coded.quotes]
        except _BadRecord as ex:
            problems.append(Problem(_where(coded.article), str(ex), "bad-record"))
            continue
        rows.articles.append(article)
        rows.mentions += [_mention_row(aid, m) for m in coded.mentions]
        rows.quotes += quotes
        for event in events:
            rows.events[event["id"]] = event
            key = (event["id"], aid, event["sentence_index"])
            rows.reports[key] = dict(zip(("event_id", "article_id", "sentence_index"), key))
    return rows, problems


def last_per_id(batch: Sequence[CodedArticle]) -> dict[str, CodedArticle]:
    unique: dict[str, CodedArticle] = {}
    for coded in batch:
        unique.pop(coded.article.id, None)
        unique[coded.article.id] = coded
    return unique


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)

