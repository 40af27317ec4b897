"""Schema of the detente database: migrations (DuckDB SQL) and the Arrow shape of
the rows ``write`` inserts. See the package docstring for what each table holds."""

from __future__ import annotations

import pyarrow as pa

ACTOR_FIELDS = ("text", "start", "end", "name", "code", "country", "sector", "role", "kb_id")


def _actor_columns_sql(side: str) -> str:
    return f"""
        {side}_text VARCHAR{" NOT NULL" if side == "source" else ""},
        {side}_start INTEGER, {side}_end INTEGER, {side}_name VARCHAR,
        {side}_code VARCHAR, {side}_country VARCHAR, {side}_sector VARCHAR,
        {side}_role VARCHAR, {side}_kb_id VARCHAR, {side}_basis VARCHAR,"""


_SCHEMA_V1 = [
    """CREATE TABLE articles (
        id VARCHAR PRIMARY KEY, path VARCHAR, title VARCHAR, outlet VARCHAR, url VARCHAR,
        authors VARCHAR[] NOT NULL, published DATE, published_basis VARCHAR NOT NULL,
        published_interval DATE[], language VARCHAR NOT NULL,
        content_hash VARCHAR NOT NULL, text VARCHAR NOT NULL,
        n_sentences INTEGER NOT NULL, n_events INTEGER NOT NULL,
        ingested_at TIMESTAMP NOT NULL)""",
    """CREATE TABLE mentions (
        article_id VARCHAR NOT NULL, sentence_index INTEGER NOT NULL,
        tok_start INTEGER NOT NULL, tok_end INTEGER NOT NULL, head INTEGER NOT NULL,
        text VARCHAR NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
        name VARCHAR, code VARCHAR, country VARCHAR, sector VARCHAR, role VARCHAR,
        kb_id VARCHAR, basis VARCHAR)""",
    "CREATE INDEX mentions_article ON mentions (article_id)",
    f"""CREATE TABLE events (
        id VARCHAR PRIMARY KEY, article_id VARCHAR NOT NULL,
        sentence_index INTEGER NOT NULL, sentence VARCHAR NOT NULL,
        {_actor_columns_sql("source")}
        {_actor_columns_sql("target")}
        cameo VARCHAR NOT NULL, cameo_root VARCHAR NOT NULL,
        plover VARCHAR, plover_mode VARCHAR, quad_class TINYINT NOT NULL,
        goldstein DOUBLE NOT NULL, modality VARCHAR NOT NULL,
        event_date DATE, date_precision VARCHAR, date_basis VARCHAR,
        location STRUCT(name VARCHAR, country VARCHAR, lat DOUBLE, lon DOUBLE),
        issues VARCHAR[] NOT NULL,
        trigger STRUCT(text VARCHAR, start INTEGER, "end" INTEGER) NOT NULL,
        confidence DOUBLE NOT NULL, coder VARCHAR NOT NULL)""",
    "CREATE INDEX events_article ON events (article_id)",
    """CREATE TABLE event_reports (
        event_id VARCHAR NOT NULL, article_id VARCHAR NOT NULL,
        sentence_index INTEGER NOT NULL,
        PRIMARY KEY (event_id, article_id, sentence_index))""",
    "CREATE INDEX event_reports_article ON event_reports (article_id)",
    "CREATE SEQUENCE problems_id",
    """CREATE TABLE problems (
        id BIGINT PRIMARY KEY DEFAULT nextval('problems_id'), run_id VARCHAR,
        "where" VARCHAR NOT NULL, reason VARCHAR NOT NULL, code VARCHAR NOT NULL,
        "at" TIMESTAMP NOT NULL)""",
]

# v2: direct quotes with their speaker (coding/quotes.py). Written out in full, not built
# from helpers shared with v1, so that changing a helper never changes a released step.
_SCHEMA_V2 = [
    """CREATE TABLE quotes (
        id VARCHAR PRIMARY KEY, article_id VARCHAR NOT NULL,
        sentence_index INTEGER NOT NULL, text VARCHAR NOT NULL,
        start INTEGER NOT NULL, "end" INTEGER NOT NULL,
        spans STRUCT(start INTEGER, "end" INTEGER)[] NOT NULL,
        speaker STRUCT(text VARCHAR, start INTEGER, "end" INTEGER, name VARCHAR, code VARCHAR,
                       country VARCHAR, sector VARCHAR, role VARCHAR, kb_id VARCHAR,
                       basis VARCHAR),
        speaker_text VARCHAR, speech_verb VARCHAR, attribution VARCHAR, date DATE)""",
    "CREATE INDEX quotes_article ON quotes (article_id)",
]

# v3: happenings, the cross-article merge of events (store/merge.py fills them; no keys or
# indexes: the merge deletes and re-inserts whole blocks, and scans are cheap in DuckDB).
_SCHEMA_V3 = [
    """CREATE TABLE happenings (
        id VARCHAR NOT NULL, block VARCHAR NOT NULL,
        event_date DATE, first_date DATE, last_date DATE,
        source_country VARCHAR, target_country VARCHAR, source_code VARCHAR, target_code VARCHAR,
        cameo VARCHAR NOT NULL, cameo_root VARCHAR NOT NULL, quad_class TINYINT NOT NULL,
        goldstein DOUBLE NOT NULL, modality VARCHAR NOT NULL, issues VARCHAR[] NOT NULL,
        num_mentions INTEGER NOT NULL, num_articles INTEGER NOT NULL,
        num_sources INTEGER NOT NULL)""",
    """CREATE TABLE happening_events (
        event_id VARCHAR NOT NULL, happening_id VARCHAR NOT NULL, block VARCHAR NOT NULL)""",
    "INSERT OR IGNORE INTO meta VALUES ('merge_version', 'none')",
]

# Ordered (version, statements). Never edit a released step: append a new one.
MIGRATIONS: list[tuple[int, list[str]]] = [(1, _SCHEMA_V1), (2, _SCHEMA_V2), (3, _SCHEMA_V3)]
SCHEMA_VERSION = MIGRATIONS[-1][0]

# --- Arrow shapes of the rows ``write`` inserts (must match the tables above) ---

_STR, _INT = pa.string(), pa.int32()


def _actor_arrow(side: str) -> list[tuple[str, pa.DataType]]:
    fields = [*ACTOR_FIELDS, "basis"]
    return [(f"{side}_{f}", _INT if f in ("start", "end") else _STR) for f in fields]


ARTICLE_ARROW = pa.schema([
    ("id", _STR), ("path", _STR), ("title", _STR), ("outlet", _STR), ("url", _STR),
    ("authors", pa.list_(_STR)), ("published", pa.date32()), ("published_basis", _STR),
    ("published_interval", pa.list_(pa.date32())), ("language", _STR),
    ("content_hash", _STR), ("text", _STR), ("n_sentences", _INT), ("n_events", _INT),
    ("ingested_at", pa.timestamp("us")),
])
MENTION_ARROW = pa.schema(
    [("article_id", _STR), ("sentence_index", _INT), ("tok_start", _INT), ("tok_end", _INT),
     ("head", _INT)] + [(f, _INT if f in ("start", "end") else _STR) for f in ACTOR_FIELDS]
    + [("basis", _STR)]
)
EVENT_ARROW = pa.schema(
    [("id", _STR), ("article_id", _STR), ("sentence_index", _INT), ("sentence", _STR)]
    + _actor_arrow("source") + _actor_arrow("target")
    + [("cameo", _STR), ("cameo_root", _STR), ("plover", _STR), ("plover_mode", _STR),
       ("quad_class", pa.int8()), ("goldstein", pa.float64()), ("modality", _STR),
       ("event_date", pa.date32()), ("date_precision", _STR), ("date_basis", _STR),
       ("location", pa.struct([("name", _STR), ("country", _STR), ("lat", pa.float64()),
                               ("lon", pa.float64())])),
       ("issues", pa.list_(_STR)),
       ("trigger", pa.struct([("text", _STR), ("start", _INT), ("end", _INT)])),
       ("confidence", pa.float64()), ("coder", _STR)]
)
REPORT_ARROW = pa.schema([("event_id", _STR), ("article_id", _STR), ("sentence_index", _INT)])
QUOTE_ARROW = pa.schema([
    ("id", _STR), ("article_id", _STR), ("sentence_index", _INT), ("text", _STR),
    ("start", _INT), ("end", _INT),
    ("spans", pa.list_(pa.struct([("start", _INT), ("end", _INT)]))),
    ("speaker", pa.struct([(f, _INT if f in ("start", "end") else _STR)
                           for f in (*ACTOR_FIELDS, "basis")])),
    ("speaker_text", _STR), ("speech_verb", _STR), ("attribution", _STR), ("date", pa.date32()),
])
