"""Read side of the store: validated filters, SELECT lists, rows -> contract dicts.

Only identifiers are ever put into SQL text; values always go through parameters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Optional

from ..errors import QueryError
from .rows import as_date
from .schema import ACTOR_FIELDS

EXPORT_FORMATS = ("csv", "parquet", "jsonl")


def _actor_struct_sql(side: str) -> str:
    return "{" + ", ".join(f"'{f}': {side}_{f}" for f in ACTOR_FIELDS) + "}"


_EVENT_COLUMNS = (
    ["id", "article_id", "sentence_index", "sentence"]
    + [f"{s}_{f}" for s in ("source", "target") for f in ACTOR_FIELDS]
    + ["cameo", "cameo_root", "plover", "plover_mode", "quad_class", "goldstein", "modality",
       "event_date", "date_precision", "date_basis", "location", "issues", "trigger",
       "confidence", "coder"]
)
EVENT_SELECT = ", ".join(f'"{c}"' for c in _EVENT_COLUMNS)
_COUNT_COLUMNS = ("num_mentions", "num_articles", "num_sources")
HAPPENING_SELECT = EVENT_SELECT + ", " + ", ".join(_COUNT_COLUMNS)
# One row per happening: its representative mention's columns plus the merge's counts.
# Event filters (bare column names) apply to it as they do to ``events``.
HAPPENINGS = ("(SELECT e.*, h.num_mentions, h.num_articles, h.num_sources "
              "FROM happenings h JOIN events e ON e.id = h.id) AS ev")


def happenings_where(f: "EventFilter", page: str = "") -> tuple[str, dict[str, Any]]:
    """``FROM`` source (with its WHERE) of happening rows for filter ``f``, ``page`` (an
    ORDER-less LIMIT/OFFSET clause) applied. Every filter but ``q`` uses only columns that
    ``happenings`` carries too, so filter, order and page are done there and only the page
    is joined to its mentions' rows (a million events are never joined whole); ``q``
    (words of the sentence) needs the mention's row first."""
    where, params = f.where()
    if f.q is None:
        return (f"(SELECT e.*, h.num_mentions, h.num_articles, h.num_sources FROM "
                f"(SELECT * FROM happenings{where} ORDER BY event_date NULLS LAST, id{page}) h "
                f"JOIN events e ON e.id = h.id) AS ev"), params
    return (f"(SELECT * FROM {HAPPENINGS}{where} ORDER BY event_date NULLS LAST, id{page}) "
            "AS paged"), params
# The reports of a page of happenings. Narrowed step by step (semi-joins on small lists)
# so that a million stored events are never joined whole.
MENTION_SELECT = """WITH he AS (SELECT event_id, happening_id FROM happening_events
        WHERE happening_id IN (SELECT unnest($ids::VARCHAR[]))),
    e AS (SELECT id, article_id, sentence_index, sentence, trigger, source_text, source_start,
          source_end, target_text, target_start, target_end, cameo, event_date
          FROM events WHERE id IN (SELECT event_id FROM he)),
    a AS (SELECT id, title, outlet, url, published FROM articles
          WHERE id IN (SELECT article_id FROM e))
    SELECT he.happening_id, e.id AS event_id, e.article_id, e.sentence_index,
        e.sentence, e.trigger, e.source_text, e.source_start, e.source_end, e.target_text,
        e.target_start, e.target_end, e.cameo, e.event_date,
        a.title, a.outlet, a.url, a.published
    FROM he JOIN e ON e.id = he.event_id LEFT JOIN a ON a.id = e.article_id
    ORDER BY a.published NULLS LAST, e.article_id, e.sentence_index, e.id"""
_JSON_SELECT = f"""id, article_id, sentence_index, sentence,
    {_actor_struct_sql("source")} AS source,
    CASE WHEN target_text IS NULL THEN NULL ELSE {_actor_struct_sql("target")} END AS target,
    cameo, cameo_root, plover, plover_mode, quad_class, goldstein, modality,
    strftime(event_date, '%Y-%m-%d') AS event_date, date_precision, date_basis,
    location, issues, trigger, confidence, coder, num_mentions, num_articles, num_sources"""


def _flat_select(issues_sql: str) -> str:
    actors = ", ".join(f'"{s}_{f}"' for s in ("source", "target") for f in ACTOR_FIELDS)
    return f"""id, article_id, sentence_index, sentence, {actors},
        cameo, cameo_root, plover, plover_mode, quad_class, goldstein, modality,
        event_date, date_precision, date_basis,
        location.name AS location_name, location.country AS location_country,
        location.lat AS location_lat, location.lon AS location_lon,
        {issues_sql} AS issues, trigger.text AS trigger_text,
        trigger.start AS trigger_start, trigger."end" AS trigger_end, confidence, coder,
        num_mentions, num_articles, num_sources"""


EXPORT_SQL = {
    "csv": (_flat_select("array_to_string(issues, ';')"), "FORMAT csv, HEADER true"),
    "parquet": (_flat_select("issues"), "FORMAT parquet"),
    "jsonl": (_JSON_SELECT, "FORMAT json"),
}
ARTICLE_SELECT = """id, path, title, outlet, url, authors, published, published_basis,
    language, n_sentences, n_events"""
QUOTE_SELECT = """id, article_id, sentence_index, text, start, "end", spans, speaker,
    speaker_text, speech_verb, attribution, date"""

# --- validation ---

_ACTOR_QUERY = re.compile(r"^[A-Z0-9]{2,32}$")
_ROOT = re.compile(r"^(0[1-9]|1[0-9]|20)$")
_COUNTRY = re.compile(r"^[A-Z]{3}$")


def query_date(value: object, name: str) -> Optional[date]:
    """An ISO date parameter, or QueryError naming it."""
    if value is None:
        return None
    parsed = as_date(value)
    if parsed is None:
        raise QueryError(f"{name} must be an ISO date like 2021-05-19 (got {value!r})")
    return parsed


def _actor_query(value: object, name: str) -> Optional[str]:
    if value is None:
        return None
    if not isinstance(value, str) or not _ACTOR_QUERY.match(value.strip().upper()):
        raise QueryError(
            f"{name} must be an ISO3 country or a CAMEO code prefix like USA, USAGOV or IGO "
            f"(got {value!r})"
        )
    return value.strip().upper()


def country(value: object, name: str) -> str:
    if not isinstance(value, str) or not _COUNTRY.match(value.strip().upper()):
        raise QueryError(f"{name} must be an ISO 3166-1 alpha-3 country like USA (got {value!r})")
    return value.strip().upper()


def paging(limit: object, offset: object) -> tuple[str, dict[str, int]]:
    """LIMIT/OFFSET clause with named parameters ``$limit``, ``$offset``."""
    for name, value in (("limit", limit), ("offset", offset)):
        bad = isinstance(value, bool) or not isinstance(value, int) or value < 0
        if value is not None and bad:
            raise QueryError(f"{name} must be a whole number >= 0 (got {value!r})")
    sql, params = "", {}
    if limit is not None:
        sql, params = " LIMIT $limit", {"limit": limit}
    if offset:
        sql, params = f"{sql} OFFSET $offset", {**params, "offset": offset}
    return sql, params


@dataclass(frozen=True)
class EventFilter:
    """Validated event filters, turned into a parameterised WHERE clause."""

    source: Optional[str] = None
    target: Optional[str] = None
    root: Optional[str] = None
    since: Optional[date] = None
    until: Optional[date] = None
    q: Optional[str] = None

    @classmethod
    def of(cls, *, source: object = None, target: object = None, root: object = None,
           since: object = None, until: object = None, q: object = None) -> "EventFilter":
        if root is not None and not (isinstance(root, str) and _ROOT.match(root)):
            raise QueryError(f"root must be a two-digit CAMEO root from 01 to 20 (got {root!r})")
        if q is not None and not isinstance(q, str):
            raise QueryError(f"q must be text (got {q!r})")
        start, end = query_date(since, "since"), query_date(until, "until")
        if start and end and start > end:
            raise QueryError(f"since ({start}) is after until ({end}); swap them")
        return cls(_actor_query(source, "source"), _actor_query(target, "target"), root,
                   start, end, q or None)

    def where(self) -> tuple[str, dict[str, Any]]:
        """`` WHERE ...`` (or "") with named parameters, safe to combine with other named ones."""
        clauses = [
            f"({side}_country = ${side} OR starts_with({side}_code, ${side}))"
            for side in ("source", "target") if getattr(self, side) is not None
        ]
        checks = (("root", "cameo_root = $root"), ("since", "event_date >= $since"),
                  ("until", "event_date <= $until"), ("q", "contains(lower(sentence), lower($q))"))
        clauses += [clause for name, clause in checks if getattr(self, name) is not None]
        params = {k: v for k, v in vars(self).items() if v is not None}
        return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def quote_filter(article_id: object, speaker: object) -> tuple[str, dict[str, Any]]:
    """`` WHERE ...`` for ``Store.quotes``: one article, and/or one speaker (see there)."""
    clauses, params = [], {}
    if article_id is not None:
        if not isinstance(article_id, str):
            raise QueryError(f"article_id must be text (got {article_id!r})")
        clauses.append("article_id = $article_id")
        params["article_id"] = article_id
    if speaker is not None:
        if not isinstance(speaker, str) or not speaker.strip():
            raise QueryError(f"speaker must be a code, a kb_id or a name (got {speaker!r})")
        value = speaker.strip()
        if _ACTOR_QUERY.match(value):  # as typed: upper case is a code
            clauses.append("(speaker.country = $speaker OR starts_with(speaker.code, $speaker))")
        else:
            clauses.append("(speaker.kb_id = $speaker OR contains(lower(speaker.name), lower($speaker)) "
                           "OR contains(lower(speaker_text), lower($speaker)))")
        params["speaker"] = value
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


# --- rows -> dicts ---


def iso(value: Optional[date]) -> Optional[str]:
    return value.isoformat() if value is not None else None


def _actor_dict(row: dict[str, Any], side: str) -> Optional[dict[str, Any]]:
    if row[f"{side}_text"] is None:
        return None
    return {f: row[f"{side}_{f}"] for f in ACTOR_FIELDS}


def event_dict(values: tuple[Any, ...]) -> dict[str, Any]:
    """An ``Event.to_dict()`` dict from EVENT_SELECT values; with HAPPENING_SELECT values
    also ``num_mentions``, ``num_articles``, ``num_sources``."""
    row = dict(zip(_EVENT_COLUMNS + list(_COUNT_COLUMNS), values))
    counts = {k: row[k] for k in _COUNT_COLUMNS if k in row}
    return {
        "id": row["id"], "article_id": row["article_id"],
        "sentence_index": row["sentence_index"], "sentence": row["sentence"],
        "source": _actor_dict(row, "source"), "target": _actor_dict(row, "target"),
        "cameo": row["cameo"], "cameo_root": row["cameo_root"], "plover": row["plover"],
        "plover_mode": row["plover_mode"], "quad_class": row["quad_class"],
        "goldstein": row["goldstein"], "modality": row["modality"],
        "event_date": iso(row["event_date"]), "date_precision": row["date_precision"],
        "date_basis": row["date_basis"], "location": row["location"],
        "issues": list(row["issues"]), "trigger": row["trigger"],
        "confidence": row["confidence"], "coder": row["coder"], **counts,
    }


def mention_dict(row: dict[str, Any]) -> dict[str, Any]:
    """One report of a happening, for ``mentions`` lists: where it is, and the words and
    character spans (in its article's text) of its source, target and trigger."""
    spans = {side: None if row[f"{side}_text"] is None else
             {"text": row[f"{side}_text"], "start": row[f"{side}_start"], "end": row[f"{side}_end"]}
             for side in ("source", "target")}
    return {**spans,
        "event_id": row["event_id"], "article_id": row["article_id"],
        "sentence_index": row["sentence_index"], "sentence": row["sentence"],
        "trigger": row["trigger"], "source_text": row["source_text"],
        "target_text": row["target_text"], "cameo": row["cameo"],
        "event_date": iso(row["event_date"]), "title": row["title"], "outlet": row["outlet"],
        "url": row["url"], "published": iso(row["published"]),
    }


def article_dict(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "authors": list(row["authors"]), "published": iso(row["published"])}


def quote_dict(row: dict[str, Any]) -> dict[str, Any]:
    speaker = row["speaker"]
    return {
        "id": row["id"], "article_id": row["article_id"], "sentence_index": row["sentence_index"],
        "text": row["text"], "start": row["start"], "end": row["end"],
        "spans": [dict(s) for s in row["spans"]],
        "speaker": {f: speaker[f] for f in ACTOR_FIELDS} if speaker is not None else None,
        "speaker_text": row["speaker_text"], "speech_verb": row["speech_verb"],
        "attribution": row["attribution"], "date": iso(row["date"]),
    }
