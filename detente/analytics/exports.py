"""Exports that drop into existing workflows: GDELT 2.0 event table, PLOVER/POLECAT-style
JSON records, and Parquet of everything. One row per happening (merged event).

**GDELT 2.0 event table** (``gdelt``): tab-separated, no header (as GDELT ships it;
``header=True`` adds one), the 61 columns of the GDELT 2.0 Event codebook in their order,
then detente's own columns (``DETENTE_COLUMNS``). How ours fill theirs:

- ``GLOBALEVENTID``: a whole number derived from our event id (md5, 53 bits), stable.
- ``SQLDATE``/``MonthYear``/``Year``/``FractionDate``: the *event* date (not the
  publication date); undated happenings are left out of this export.
- ``Actor1*``: our source (``Actor2*`` the target). ``Code`` is the CAMEO actor code,
  ``Name`` the resolved name (else the words) in upper case, ``CountryCode`` our ISO
  3166-1 alpha-3 country (CAMEO's country codes are the same letters for almost every
  state), ``Type1Code`` the sector (``GOV``, ``MIL`` …). Known group, ethnic, religion
  and the second and third type codes are left empty: we do not code them.
- ``IsRootEvent``: 1 when the representative mention is in the first two sentences.
- ``EventCode``/``EventBaseCode``/``EventRootCode``, ``QuadClass``, ``GoldsteinScale``.
- ``NumMentions``/``NumSources``/``NumArticles``: over the whole store (see merge.py).
- ``AvgTone``: empty (we do not score tone).
- ``ActionGeo_*``: our event location — type 4 (world city) when the place is a city,
  1 (country) when the place is the country itself; FIPS country codes are not
  available offline, so ``CountryCode`` holds ISO3. Actor geography is left empty.
- ``DATEADDED``: when the first article reporting it was stored (UTC, YYYYMMDDHHMMSS);
  ``SOURCEURL``: the representative article's URL (else its id).

**PLOVER / POLECAT-style JSON** (``plover``): one object per line with the PLOVER
event type and mode, the actors with names, countries, sectors and titles, the place,
the contexts (our issue tags), the evidence sentence and the story ids.

**Parquet of everything** (``parquet``): a folder with one file per table
(``articles``, ``events`` = mentions, ``happenings``, ``happening_events``,
``event_reports``, ``mentions`` = actor mentions, ``quotes``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import QueryError

FORMATS = ("gdelt", "plover", "parquet")

_ACTOR_GDELT = ["Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode",
                "Religion1Code", "Religion2Code", "Type1Code", "Type2Code", "Type3Code"]
_GEO_GDELT = ["Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long",
              "FeatureID"]
GDELT_COLUMNS = (
    ["GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate"]
    + [f"Actor1{c}" for c in _ACTOR_GDELT] + [f"Actor2{c}" for c in _ACTOR_GDELT]
    + ["IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass",
       "GoldsteinScale", "NumMentions", "NumSources", "NumArticles", "AvgTone"]
    + [f"Actor1Geo_{c}" for c in _GEO_GDELT] + [f"Actor2Geo_{c}" for c in _GEO_GDELT]
    + [f"ActionGeo_{c}" for c in _GEO_GDELT] + ["DATEADDED", "SOURCEURL"]
)
DETENTE_COLUMNS = ["detente_id", "plover", "plover_mode", "modality", "event_date",
                   "date_precision", "date_basis", "issues", "source_kb_id", "target_kb_id",
                   "sentence", "confidence", "coder"]

_NULL = "CAST(NULL AS VARCHAR)"


def _actor_sql(side: str) -> list[str]:
    return [f"e.{side}_code", f"upper(coalesce(e.{side}_name, e.{side}_text))",
            f"e.{side}_country", _NULL, _NULL, _NULL, _NULL, f"e.{side}_sector", _NULL, _NULL]


def _geo_sql(prefix: str) -> list[str]:
    if prefix != "ActionGeo":
        return [_NULL] * len(_GEO_GDELT)
    loc = "e.location"
    return [f"CASE WHEN {loc} IS NULL THEN NULL WHEN {loc}.name = {loc}.country THEN 1 ELSE 4 END",
            f"{loc}.name", f"{loc}.country", _NULL, _NULL, f"{loc}.lat", f"{loc}.lon", _NULL]


def _gdelt_select() -> str:
    values = (
        ["CAST(md5_number(h.id) % 9007199254740992 AS BIGINT)",
         "CAST(strftime(h.event_date, '%Y%m%d') AS INTEGER)",
         "CAST(strftime(h.event_date, '%Y%m') AS INTEGER)", "year(h.event_date)",
         "round(year(h.event_date) + (dayofyear(h.event_date) - 1) / 365.0, 4)"]
        + _actor_sql("source") + _actor_sql("target")
        + ["CASE WHEN e.sentence_index <= 1 THEN 1 ELSE 0 END", "h.cameo",
           "substr(h.cameo, 1, 3)", "h.cameo_root", "h.quad_class", "h.goldstein",
           "h.num_mentions", "h.num_sources", "h.num_articles", _NULL]
        + _geo_sql("Actor1Geo") + _geo_sql("Actor2Geo") + _geo_sql("ActionGeo")
        + ["(SELECT strftime(min(a.ingested_at), '%Y%m%d%H%M%S') FROM event_reports r "
           "JOIN articles a ON a.id = r.article_id JOIN happening_events he "
           "ON he.event_id = r.event_id WHERE he.happening_id = h.id)",
           "coalesce(art.url, e.article_id)"]
        + ["h.id", "e.plover", "e.plover_mode", "h.modality",
           "strftime(h.event_date, '%Y-%m-%d')", "e.date_precision", "e.date_basis",
           "array_to_string(h.issues, ';')", "e.source_kb_id", "e.target_kb_id",
           "replace(replace(e.sentence, chr(9), ' '), chr(10), ' ')", "e.confidence", "e.coder"]
    )
    names = GDELT_COLUMNS + DETENTE_COLUMNS
    assert len(values) == len(names), (len(values), len(names))
    cols = ", ".join(f'{v} AS "{n}"' for v, n in zip(values, names))
    return (f"SELECT {cols} FROM happenings h JOIN events e ON e.id = h.id "
            "LEFT JOIN articles art ON art.id = e.article_id WHERE h.event_date IS NOT NULL "
            "AND (CAST($since AS DATE) IS NULL OR h.event_date >= CAST($since AS DATE)) "
            "AND (CAST($until AS DATE) IS NULL OR h.event_date <= CAST($until AS DATE)) "
            "ORDER BY h.event_date, h.id")


def _actor_json(side: str) -> str:
    return (f"CASE WHEN e.{side}_text IS NULL THEN NULL ELSE {{'name': coalesce(e.{side}_name, "
            f"e.{side}_text), 'text': e.{side}_text, 'code': e.{side}_code, "
            f"'country': e.{side}_country, 'sector': e.{side}_sector, 'title': e.{side}_role, "
            f"'kb_id': e.{side}_kb_id}} END")


_PLOVER_SELECT = f"""SELECT h.id AS event_id, strftime(h.event_date, '%Y-%m-%d') AS event_date,
    e.date_precision, e.plover AS event_type, e.plover_mode AS event_mode,
    h.goldstein AS event_intensity, h.quad_class AS quad_code, h.cameo AS cameo,
    h.modality, h.issues AS contexts,
    {_actor_json("source")} AS actor, {_actor_json("target")} AS recipient,
    e.location AS location, e.sentence AS event_text, e.article_id AS story_id,
    strftime(art.published, '%Y-%m-%d') AS story_date, art.title AS headline,
    art.outlet AS publication, art.url AS url,
    (SELECT list(DISTINCT r.article_id ORDER BY r.article_id) FROM event_reports r
     JOIN happening_events he ON he.event_id = r.event_id WHERE he.happening_id = h.id) AS story_ids,
    h.num_mentions, h.num_articles, h.num_sources, e.coder AS version
    FROM happenings h JOIN events e ON e.id = h.id LEFT JOIN articles art ON art.id = e.article_id
    WHERE (CAST($since AS DATE) IS NULL OR h.event_date >= CAST($since AS DATE))
    AND (CAST($until AS DATE) IS NULL OR h.event_date <= CAST($until AS DATE))
    ORDER BY h.event_date NULLS LAST, h.id"""

TABLES = ("articles", "events", "happenings", "happening_events", "event_reports", "mentions",
          "quotes")


def export(store, fmt: str, path: str | Path, *, since: object = None, until: object = None,
           header: bool = False) -> dict[str, int]:
    """Write ``fmt`` to ``path`` (a file; a folder for ``parquet``); rows written per file."""
    from ..store.query import query_date

    if fmt not in FORMATS:
        raise QueryError(f"format must be one of {', '.join(FORMATS)} (got {fmt!r})")
    params: dict[str, Any] = {"since": query_date(since, "since"), "until": query_date(until, "until")}
    path = Path(path)
    if fmt == "gdelt":
        options = f"FORMAT csv, DELIMITER '\\t', HEADER {str(header).lower()}, QUOTE ''"
        return {str(path): store.copy(_gdelt_select(), params, path, options)}
    if fmt == "plover":
        return {str(path): store.copy(_PLOVER_SELECT, params, path, "FORMAT json")}
    if params["since"] or params["until"]:
        raise QueryError("the parquet export writes every table whole; leave out --since/--until")
    path.mkdir(parents=True, exist_ok=True)
    return {str(path / f"{t}.parquet"): store.copy(f"SELECT * FROM {t}", {}, path / f"{t}.parquet",
                                                   "FORMAT parquet") for t in TABLES}
