"""Full-text search over stored articles with DuckDB's ``fts`` extension (BM25).

The extension ships as a wheel (``duckdb-ext-fts``, pinned with duckdb): its files live in
``site-packages/duckdb_ext/extensions/v<duckdb>/<platform>/``, so the connection's
``extension_directory`` is pointed there and ``LOAD fts`` never downloads anything.

When the index is built: DuckDB's FTS index is a snapshot — it does not follow inserts.
``Store.refresh_search_index()`` rebuilds it (``PRAGMA create_fts_index('articles', 'id',
'title', 'text', overwrite=1)``, stemmed English, stopwords removed) and records in ``meta``
which articles it covers (count and latest ``ingested_at``). ``service.ingest`` calls it at
the end of every run that wrote something (and when the index is missing), so a store made by
``detente ingest`` or ``detente demo`` is searchable read-only.

Searching: with a current index the results are ranked by BM25 (``mode = "bm25"``). A store
without an index, or whose index no longer covers every article (written by an older
detente, or by a run that was killed before the refresh), is searched by case-insensitive
substring over title and text instead (``mode = "substring"``; a writable store rebuilds the
index first). Either way the query text is a bound parameter, never SQL.

This module holds SQL and row shaping only; ``db.py`` (the one ``import duckdb``) runs it.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from ..errors import QueryError, StoreError
from .query import ARTICLE_SELECT, article_dict, paging

if TYPE_CHECKING:  # pragma: no cover
    from .db import Store

MAX_QUERY = 500
SNIPPET = 90  # characters either side of the first hit
INDEX_KEY = "search_index"
FTS_SCHEMA = "fts_main_articles"

_COVERAGE_SQL = ("SELECT count(*) || '|' || coalesce(CAST(max(ingested_at) AS VARCHAR), '') "
                 "FROM articles")
_INDEXED_SQL = (f"SELECT count(*) FROM duckdb_schemas() WHERE schema_name = '{FTS_SCHEMA}' "
                "AND database_name = current_database()")
_BM25_SQL = f"""WITH hits AS (
    SELECT id, {FTS_SCHEMA}.match_bm25(id, $q) AS score FROM articles)
SELECT {ARTICLE_SELECT}, text, hits.score, count(*) OVER () AS total
FROM articles JOIN hits USING (id) WHERE hits.score IS NOT NULL
ORDER BY hits.score DESC, published NULLS LAST, id"""
_SUBSTRING_SQL = f"""SELECT {ARTICLE_SELECT}, text,
    (length(lower(coalesce(title, '') || ' ' || text))
     - length(replace(lower(coalesce(title, '') || ' ' || text), lower($q), '')))
     / length($q) AS score,
    count(*) OVER () AS total
FROM articles
WHERE contains(lower(coalesce(title, '') || ' ' || text), lower($q))
ORDER BY score DESC, published NULLS LAST, id"""


def extension_directory() -> Path:
    """The folder holding the ``fts`` extension from the ``duckdb-ext-fts`` wheel."""
    spec = importlib.util.find_spec("duckdb_ext")
    for root in (spec.submodule_search_locations or []) if spec else []:
        folder = Path(root) / "extensions"
        if any(folder.glob("v*/*/fts.duckdb_extension")):
            return folder
    raise StoreError("full-text search needs the DuckDB fts extension; install the pinned "
                     "package: pip install duckdb-ext-fts==1.4.4.20260205")


def load_extension(store: "Store") -> None:
    """``LOAD fts`` from the wheel's folder (a no-op when this connection has it)."""
    loaded = store._rows("SELECT count(*) FROM duckdb_extensions() "
                         "WHERE extension_name = 'fts' AND loaded")
    if loaded[0][0]:
        return
    folder = str(extension_directory()).replace("'", "''")
    store._execute("SET autoinstall_known_extensions = false")
    store._execute(f"SET extension_directory = '{folder}'")
    store._execute("LOAD fts")


def index_is_current(store: "Store") -> bool:
    """True when an FTS index exists and covers exactly the stored articles."""
    if not store._rows(_INDEXED_SQL)[0][0]:
        return False
    recorded = store._rows("SELECT value FROM meta WHERE key = ?", [INDEX_KEY])
    return bool(recorded) and recorded[0][0] == store._rows(_COVERAGE_SQL)[0][0]


def refresh_index(store: "Store", *, force: bool = False) -> bool:
    """Rebuild the FTS index over ``articles(title, text)`` unless it is current (or
    ``force``), and record what it covers. True when it was rebuilt."""
    if not force and index_is_current(store):
        return False
    if store.read_only:
        raise StoreError("cannot build the search index: the store was opened read-only; "
                         "run `detente ingest` (it builds the index) or open it for writing",
                         where=store.path)
    load_extension(store)
    store._execute("PRAGMA create_fts_index('articles', 'id', 'title', 'text', "
                   "stemmer = 'english', stopwords = 'english', overwrite = 1)")
    store._execute("INSERT OR REPLACE INTO meta VALUES (?, (" + _COVERAGE_SQL + "))",
                   [INDEX_KEY])
    return True


def search_articles(store: "Store", q: object, *, limit: Optional[int] = 20,
                    offset: int = 0) -> dict[str, Any]:
    """Articles matching ``q``: ``{q, mode, total, results: [article + score, snippet]}``."""
    text = _query_text(q)
    page, page_params = paging(limit, offset)
    current = index_is_current(store)
    if not current and not store.read_only:
        current = refresh_index(store, force=True)
    if current:
        load_extension(store)
    sql = (_BM25_SQL if current else _SUBSTRING_SQL) + page
    rows = store._dicts(sql, {"q": text, **page_params})
    total = int(rows[0]["total"]) if rows else _count(store, text, current, offset)
    return {"q": text, "mode": "bm25" if current else "substring", "total": total,
            "results": [_result(r, text) for r in rows]}


def _query_text(q: object) -> str:
    if not isinstance(q, str) or not q.strip():
        raise QueryError("q must be some words to search for, e.g. q=sanctions")
    if len(q) > MAX_QUERY:
        raise QueryError(f"q is too long ({len(q)} characters); use at most {MAX_QUERY}")
    return " ".join(q.split())


def _count(store: "Store", text: str, current: bool, offset: int) -> int:
    """The total when the page came back empty (an offset past the end)."""
    if not offset:
        return 0
    sql = f"SELECT count(*) FROM ({_BM25_SQL if current else _SUBSTRING_SQL})"
    return int(store._rows(sql, {"q": text})[0][0])


def _result(row: dict[str, Any], q: str) -> dict[str, Any]:
    text = row.pop("text") or ""
    score = row.pop("score")
    row.pop("total")
    return {**article_dict(row), "score": round(float(score), 4), "snippet": snippet(text, q)}


def snippet(text: str, q: str, width: int = SNIPPET) -> str:
    """The text around the first occurrence of a query word (its start when none)."""
    words = [w for w in re.findall(r"\w+", q.lower()) if len(w) > 2] or [q.lower()]
    lowered = text.lower()
    hits = [i for i in (lowered.find(w[: max(4, len(w) - 2)]) for w in words) if i >= 0]
    at = min(hits) if hits else 0
    start, end = max(0, at - width), min(len(text), at + width)
    start = text.rfind(" ", 0, start) + 1 if start else 0
    cut = text.find(" ", end)
    end = cut if cut != -1 else len(text)
    return ("…" if start else "") + " ".join(text[start:end].split()) + ("…" if end < len(text) else "")
