"""The read-only JSON endpoints: events, articles, relations, actors, search, stats.

Each route validates what FastAPI cannot (the store and analytics raise ``QueryError`` for
bad filters, turned into a 400 by the app's handler), reads through one ``Store`` under the
gateway's lock, and returns plain JSON. Offsets in ``evidence`` blocks are relative to the
evidence sentence, so a page can highlight it without the article text.
"""

from __future__ import annotations

from typing import Any, Optional

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel

from .. import analytics
from ..errors import QueryError
from ..store import Store

MAX_LIMIT = 500
MAX_OFFSET = 1_000_000_000
_ACTOR = "ISO3 country or CAMEO code prefix"


class ErrorBody(BaseModel):
    """Every failure of the API has this shape."""

    ok: bool = False
    error: str
    status: int
    code: str


_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "a bad parameter"},
    404: {"model": ErrorBody, "description": "no such record"},
}
router = APIRouter(prefix="/api", responses=_ERRORS)


def _store(request: Request):
    return request.app.state.gateway.store()


def _limit(value: int, name: str = "limit", most: int = MAX_LIMIT) -> int:
    if value < 1 or value > most:
        raise QueryError(f"{name} must be from 1 to {most} (got {value}); page with offset")
    return value


def _offset(value: int) -> int:
    if value < 0 or value > MAX_OFFSET:
        raise QueryError(f"offset must be from 0 to {MAX_OFFSET} (got {value})")
    return value


def _found(record: Optional[dict[str, Any]], kind: str, key: str) -> dict[str, Any]:
    if record is None:
        raise HTTPException(404, f"no {kind} with id {key!r} in this store")
    return record


# --- evidence: spans relative to their sentence ---


def locate(text: Optional[str], sentence: str, anchor: int) -> Optional[int]:
    """Where ``sentence`` starts in the article ``text``: the occurrence that holds
    character ``anchor`` (a span inside it), else the first one; None when absent."""
    if not text or not sentence:
        return None
    start = text.rfind(sentence, 0, anchor + 1)
    if start != -1 and start + len(sentence) >= anchor:
        return start
    start = text.find(sentence)
    return start if start != -1 else None


def evidence(text: Optional[str], record: dict[str, Any]) -> dict[str, Any]:
    """``{sentence, offset, spans: [{kind, text, start, end}]}`` for an event or mention:
    its source, target and trigger spans made relative to its sentence."""
    sentence = record.get("sentence") or ""
    spans = {k: record.get(k) for k in ("source", "target", "trigger")}
    starts = [s["start"] for s in spans.values() if s and s.get("start") is not None]
    offset = locate(text, sentence, min(starts)) if starts else None
    out = []
    for kind, span in spans.items():
        if not span:
            continue
        start, end = span.get("start"), span.get("end")
        if offset is not None and start is not None and offset <= start <= end <= offset + len(sentence):
            start, end = start - offset, end - offset
        else:  # the sentence is not verbatim in the text: find the words instead
            start = sentence.find(span.get("text") or "\0")
            if start < 0:
                continue
            end = start + len(span["text"])
        out.append({"kind": kind, "text": sentence[start:end], "start": start, "end": end})
    return {"sentence": sentence, "offset": offset, "spans": sorted(out, key=lambda s: s["start"])}


def _articles(store: Store, article_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The articles (with text) that the evidence sentences come from, once each."""
    found = {aid: store.article(aid) for aid in dict.fromkeys(article_ids)}
    return {aid: article for aid, article in found.items() if article is not None}


# --- events ---


@router.get("/events", summary="Events (merged happenings) with filters and paging")
def list_events(request: Request,
                source: Optional[str] = Query(None, description=_ACTOR, examples=["USA"]),
                target: Optional[str] = Query(None, description=_ACTOR, examples=["RUS"]),
                root: Optional[str] = Query(None, description="CAMEO root 01..20", examples=["04"]),
                since: Optional[str] = Query(None, description="YYYY-MM-DD, inclusive"),
                until: Optional[str] = Query(None, description="YYYY-MM-DD, inclusive"),
                q: Optional[str] = Query(None, description="words in the evidence sentence"),
                limit: int = Query(50, description=f"1..{MAX_LIMIT}"),
                offset: int = Query(0, description=">= 0")) -> dict[str, Any]:
    filters = dict(source=source, target=target, root=root, since=since, until=until, q=q)
    with _store(request) as store:
        total = store.count_events(**filters)
        events = store.events(**filters, limit=_limit(limit), offset=_offset(offset))
    return {"total": total, "limit": limit, "offset": offset, "events": events}


@router.get("/events/{event_id:path}", summary="One event with its evidence and all its mentions")
def get_event(request: Request, event_id: str) -> dict[str, Any]:
    with _store(request) as store:
        event = _found(store.event(event_id), "event", event_id)
        articles = _articles(store, [event["article_id"]]
                             + [m["article_id"] for m in event.get("mentions", [])])
    own = articles.get(event["article_id"], {})
    mentions = []
    for m in event.get("mentions", []):
        article = articles.get(m["article_id"], {})
        mentions.append({**m, "title": article.get("title"),
                         "evidence": evidence(article.get("text"), m)})
    return {**event, "article": {k: v for k, v in own.items() if k != "text"} or None,
            "evidence": evidence(own.get("text"), event), "mentions": mentions}


# --- articles ---

_MENTION_FIELDS = ("sentence_index", "text", "start", "end", "name", "code", "country",
                   "sector", "role", "kb_id")


@router.get("/articles/{article_id:path}", summary="One article with its entity and event spans")
def get_article(request: Request, article_id: str) -> dict[str, Any]:
    with _store(request) as store:
        article = _found(store.article(article_id), "article", article_id)
        mentions = [{k: m.get(k) for k in _MENTION_FIELDS} for m in store.mentions(article_id)]
        events = store.article_events(article_id)
        quotes = store.quotes(article_id=article_id)
    return {**article, "mentions": mentions, "events": events, "quotes": quotes}


# --- relations and actors (detente.analytics) ---


@router.get("/relations/{a}/{b}", summary="Cooperation–conflict series between two countries")
def get_relations(request: Request, a: str, b: str,
                  by: str = Query("month", description="month | quarter | year"),
                  since: Optional[str] = Query(None, description="YYYY-MM-DD"),
                  until: Optional[str] = Query(None, description="YYYY-MM-DD")) -> dict[str, Any]:
    with _store(request) as store:
        result = analytics.relations(store, a, b, by=by, since=since, until=until)
    return result.to_dict()


@router.get("/actors", summary="The most active actors")
def list_actors(request: Request, since: Optional[str] = Query(None, description="YYYY-MM-DD"),
                until: Optional[str] = Query(None, description="YYYY-MM-DD"),
                limit: int = Query(20, description="1..200")) -> dict[str, Any]:
    with _store(request) as store:
        actors = analytics.top_actors(store, since=since, until=until,
                                      limit=_limit(limit, most=200))
    return {"actors": actors}


@router.get("/actors/{actor_id:path}", summary="One actor: roles over time, top partners")
def get_actor(request: Request, actor_id: str) -> dict[str, Any]:
    with _store(request) as store:
        return _found(analytics.actor(store, actor_id), "actor", actor_id)


# --- search and stats ---


@router.get("/search", summary="Full-text search over articles (BM25)")
def search(request: Request, q: str = Query(..., description="words to search for"),
           limit: int = Query(20, description=f"1..{MAX_LIMIT}"),
           offset: int = Query(0, description=">= 0")) -> dict[str, Any]:
    with _store(request) as store:
        return store.search_articles(q, limit=_limit(limit), offset=_offset(offset))


@router.get("/stats", summary="Counts, date range and top dyads")
def stats(request: Request) -> dict[str, Any]:
    with _store(request) as store:
        return store.stats()
