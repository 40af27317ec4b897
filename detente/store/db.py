"""The Store: one DuckDB connection, the one writer. The ONLY module that imports duckdb."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, Optional, Union

import duckdb
import pyarrow as pa

from ..errors import QueryError, StoreError
from ..types import CodedArticle, Problem
from .merge import MERGE_VERSION, REGROUP, SCOPE_ALL, SCOPE_NEW
from .query import (ARTICLE_SELECT, EVENT_SELECT, EXPORT_FORMATS, EXPORT_SQL, HAPPENING_SELECT,
                    HAPPENINGS, MENTION_SELECT, happenings_where, QUOTE_SELECT, EventFilter, article_dict, country,
                    event_dict, iso, mention_dict, paging, quote_dict, quote_filter)
from .rows import Rows, WriteResult, build_rows, content_hash, last_per_id, utcnow
from .schema import (ARTICLE_ARROW, EVENT_ARROW, MENTION_ARROW, MIGRATIONS, QUOTE_ARROW,
                     REPORT_ARROW, SCHEMA_VERSION)

Params = Union[Sequence[Any], dict[str, Any]]  # positional ``?`` or named ``$name``

# --- opening ---

_OPEN_FIXES = (
    ("Could not set lock", "another process has this database open (a running "
     "`detente ingest` or `detente serve`?); stop it, or use another database path"),
    ("not a valid DuckDB database", "the file is not a DuckDB database; "
     "choose a new path for the detente database"),
    ("database does not exist", "there is no database here yet; run `detente ingest` first"),
    ("in-memory database in read-only", "an in-memory database cannot be read-only; "
     "open it without read_only"),
    ("No such file or directory", "the folder does not exist; create it first"),
    ("version number", "the file was written by another DuckDB version; "
     "install the duckdb version detente pins"),
)


def _connect(path: str, read_only: bool) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(path, read_only=read_only)
    except duckdb.Error as ex:
        fix = next((f for needle, f in _OPEN_FIXES if needle in str(ex)), "check the path")
        raise StoreError(f"cannot open the database: {fix} ({ex})", where=path) from ex


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = 'main'"
    ).fetchall()
    return {r[0] for r in rows}


def _stored_version(con: duckdb.DuckDBPyConnection, path: str, read_only: bool) -> int:
    tables = _tables(con)
    if "meta" not in tables:
        if tables:
            raise StoreError("this DuckDB file holds other data, not a detente database; "
                             "choose a new path for the detente database", where=path)
        if read_only:
            raise StoreError("the database is empty; run `detente ingest` first", where=path)
        con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)")
        con.execute("INSERT INTO meta VALUES ('app', 'detente'), ('schema_version', '0')")
    meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    if meta.get("app") != "detente" or "schema_version" not in meta:
        raise StoreError("this DuckDB file is not a detente database; "
                         "choose a new path for the detente database", where=path)
    return int(meta["schema_version"])


def _migrate(con: duckdb.DuckDBPyConnection, path: str, read_only: bool) -> int:
    current = _stored_version(con, path, read_only)
    if current > SCHEMA_VERSION:
        raise StoreError(f"the database has schema version {current}, newer than this "
                         f"detente knows ({SCHEMA_VERSION}); upgrade detente", where=path)
    if current < SCHEMA_VERSION and read_only:
        raise StoreError(f"the database has schema version {current} and needs migrating to "
                         f"{SCHEMA_VERSION}; open it once for writing (e.g. `detente ingest`)",
                         where=path)
    for version, statements in MIGRATIONS:
        if version <= current:
            continue
        con.begin()
        try:
            for sql in statements:
                con.execute(sql)
            con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(version)])
            con.commit()
        except duckdb.Error as ex:
            _rollback(con)
            raise StoreError(f"migration to schema version {version} failed: {ex}",
                             where=path) from ex
    return SCHEMA_VERSION


class Store:
    """The detente database. ``Store(":memory:")`` for a throwaway one."""

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        self.path = str(path)
        self.read_only = read_only
        self._con: Optional[duckdb.DuckDBPyConnection] = _connect(self.path, read_only)
        try:
            self.schema_version: int = _migrate(self._con, self.path, read_only)
            self._check_merge()
        except BaseException:
            self.close()
            raise

    def _check_merge(self) -> None:
        """Regroup every happening when the merge rule changed since the last write."""
        stored = self._rows("SELECT value FROM meta WHERE key = 'merge_version'")
        if stored and stored[0][0] == MERGE_VERSION:
            return
        if self.read_only:
            raise StoreError(f"the events were merged by {stored[0][0] if stored else 'nothing'}, "
                             f"this detente merges by {MERGE_VERSION}; open the database once "
                             "for writing (e.g. `detente ingest`) to regroup them", where=self.path)
        self.rebuild_happenings()

    # --- lifecycle ---

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _db(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            raise StoreError("the store is closed; open a new Store", where=self.path)
        return self._con

    def _execute(self, sql: str, params: Params = ()) -> Any:
        try:
            return self._db().execute(sql, params if isinstance(params, dict) else list(params))
        except duckdb.Error as ex:
            raise StoreError(f"query failed: {ex}", where=self.path) from ex

    def _rows(self, sql: str, params: Params = ()) -> list[tuple[Any, ...]]:
        return self._execute(sql, params).fetchall()

    def _dicts(self, sql: str, params: Params = ()) -> list[dict[str, Any]]:
        cur = self._execute(sql, params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]

    @contextmanager
    def _transaction(self, action: str) -> Iterator[duckdb.DuckDBPyConnection]:
        if self.read_only:
            raise StoreError(f"cannot {action}: the store was opened read-only", where=self.path)
        con = self._db()
        con.begin()
        try:
            yield con
            con.commit()
        except duckdb.Error as ex:
            _rollback(con)
            raise StoreError(f"could not {action}, nothing of it was stored: {ex}",
                             where=self.path) from ex
        except BaseException:
            _rollback(con)
            raise

    # --- writing ---

    def stored_hashes(self) -> dict[str, str]:
        """Article id -> content hash, to skip unchanged articles on re-ingest."""
        return dict(self._rows("SELECT id, content_hash FROM articles"))

    def write(self, batch: Sequence[CodedArticle]) -> WriteResult:
        """Store a batch in one transaction; unchanged articles are skipped."""
        unique = last_per_id(batch)
        with self._transaction("write the batch") as con:
            stored = dict(con.execute(
                "SELECT id, content_hash FROM articles WHERE id IN (SELECT unnest(?::VARCHAR[]))",
                [list(unique)],
            ).fetchall())
            todo = [c for c in unique.values()
                    if stored.get(c.article.id) != content_hash(c.article)]
            now = utcnow()
            rows, problems = build_rows(todo, now)
            replaced = [a["id"] for a in rows.articles if a["id"] in stored]
            reported_before = _delete_articles(con, replaced)
            _insert_rows(con, rows)
            if rows.events or replaced:
                _regroup(con, SCOPE_NEW, {"ids": sorted(set(rows.events) | reported_before)})
            for problem in problems:
                _insert_problem(con, problem, None, now)
        written = len(rows.articles)
        return WriteResult(written, len(batch) - written - len(problems), len(rows.events),
                           tuple(problems))

    def rebuild_happenings(self) -> int:
        """Regroup every stored mention into happenings (see store/merge.py); returns
        the number of happenings. Mentions are not touched, so this is always safe."""
        with self._transaction("regroup the events") as con:
            _regroup(con, SCOPE_ALL, {})
            con.execute("INSERT OR REPLACE INTO meta VALUES ('merge_version', ?)", [MERGE_VERSION])
        return int(self._rows("SELECT count(*) FROM happenings")[0][0])

    def log_problem(self, problem: Problem, run_id: Optional[str] = None) -> None:
        """Keep a record that could not be processed, and why."""
        with self._transaction("log a problem") as con:
            _insert_problem(con, problem, run_id, utcnow())

    def problems(self, run_id: Optional[str] = None) -> list[dict[str, Any]]:
        sql = 'SELECT "where", reason, code, run_id, "at" FROM problems'
        params = [] if run_id is None else [run_id]
        sql += "" if run_id is None else " WHERE run_id = ?"
        return self._dicts(sql + " ORDER BY id", params)

    # --- events ---

    def events(self, *, source: Optional[str] = None, target: Optional[str] = None,
               root: Optional[str] = None, since: Optional[str] = None,
               until: Optional[str] = None, q: Optional[str] = None,
               limit: Optional[int] = None, offset: int = 0) -> list[dict[str, Any]]:
        """Happenings (merged events) in the ``Event.to_dict()`` shape of their representative
        mention, plus ``num_mentions``, ``num_articles``, ``num_sources`` and ``mentions``;
        ordered by event_date, id. Filters apply to the representative mention."""
        page, page_params = paging(limit, offset)
        source_sql, params = happenings_where(EventFilter.of(
            source=source, target=target, root=root, since=since, until=until, q=q), page)
        sql = f"SELECT {HAPPENING_SELECT} FROM {source_sql} ORDER BY event_date NULLS LAST, id"
        return self._with_mentions([event_dict(r) for r in self._rows(sql, {**params, **page_params})])

    def _with_mentions(self, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        mentions: dict[str, list[dict[str, Any]]] = {e["id"]: [] for e in events}
        if events:
            for row in self._dicts(MENTION_SELECT, {"ids": list(mentions)}):
                mentions[row["happening_id"]].append(mention_dict(row))
        return [{**e, "mentions": mentions[e["id"]]} for e in events]

    def count_events(self, *, source: Optional[str] = None, target: Optional[str] = None,
                     root: Optional[str] = None, since: Optional[str] = None,
                     until: Optional[str] = None, q: Optional[str] = None) -> int:
        source_sql, params = happenings_where(EventFilter.of(
            source=source, target=target, root=root, since=since, until=until, q=q))
        return int(self._rows(f"SELECT count(*) FROM {source_sql}", params)[0][0])

    def event(self, event_id: str) -> Optional[dict[str, Any]]:
        """One happening with its mentions, by its id or by the id of any of its mentions."""
        found = self._rows("SELECT happening_id FROM happening_events WHERE event_id = ?",
                           [event_id])
        if not found:
            return None
        rows = self._rows(  # point lookups: events by its primary key, happenings by id
            f"SELECT {HAPPENING_SELECT} FROM (SELECT e.*, h.num_mentions, h.num_articles, "
            "h.num_sources FROM events e, happenings h WHERE e.id = $id AND h.id = $id)",
            {"id": found[0][0]})
        return self._with_mentions([event_dict(rows[0])])[0] if rows else None

    def article_events(self, article_id: str) -> list[dict[str, Any]]:
        """The event mentions coded in one article (``Event.to_dict()`` shape, in text
        order), each with the ``happening_id`` it was merged into."""
        rows = self._rows(
            f"SELECT {EVENT_SELECT}, he.happening_id FROM events "
            "LEFT JOIN happening_events he ON he.event_id = events.id "
            "WHERE article_id = ? ORDER BY sentence_index, trigger.start, id", [article_id])
        return [{**event_dict(r[:-1]), "happening_id": r[-1]} for r in rows]

    def export_events(self, path: str | Path, fmt: str, *, source: Optional[str] = None,
                      target: Optional[str] = None, root: Optional[str] = None,
                      since: Optional[str] = None, until: Optional[str] = None,
                      q: Optional[str] = None) -> int:
        """Write the filtered happenings to ``path`` with DuckDB COPY (one row each, with the
        merge's counts, no mention lists); returns the row count."""
        if fmt not in EXPORT_SQL:
            raise QueryError(f"format must be one of {', '.join(EXPORT_FORMATS)} (got {fmt!r})")
        where, params = EventFilter.of(source=source, target=target, root=root, since=since,
                                       until=until, q=q).where()
        select, options = EXPORT_SQL[fmt]
        sql = (f"COPY (SELECT {select} FROM {HAPPENINGS}{where} ORDER BY event_date NULLS LAST, id) "
               f"TO $path ({options})")
        try:
            written = self._db().execute(sql, {**params, "path": str(path)}).fetchone()
        except duckdb.Error as ex:
            raise StoreError(f"cannot export to {path}: {ex}; check that the folder exists "
                             "and is writable", where=self.path) from ex
        return int(written[0]) if written else 0

    # --- for analytics (detente/analytics builds the SELECTs; values always as parameters) ---

    def query(self, sql: str, params: Params = ()) -> list[dict[str, Any]]:
        """Rows of one SELECT as dicts. For detente.analytics: never pass user text as SQL.
        Named parameters the statement does not use are dropped (DuckDB refuses them)."""
        return self._dicts(sql, _used(sql, params))

    def copy(self, select_sql: str, params: dict[str, Any], path: str | Path, options: str) -> int:
        """``COPY (select) TO path (options)``; returns the number of rows written."""
        sql = f"COPY ({select_sql}) TO $path ({options})"
        try:
            written = self._db().execute(sql, _used(sql, {**params, "path": str(path)})).fetchone()
        except duckdb.Error as ex:
            raise StoreError(f"cannot write {path}: {ex}; check that the folder exists "
                             "and is writable", where=self.path) from ex
        return int(written[0]) if written else 0

    # --- articles ---

    def article(self, article_id: str) -> Optional[dict[str, Any]]:
        """The article contract dict plus its ``text``."""
        rows = self._dicts(f"SELECT {ARTICLE_SELECT}, text FROM articles WHERE id = ?",
                           [article_id])
        return article_dict(rows[0]) if rows else None

    def articles(self, limit: Optional[int] = None, offset: int = 0) -> list[dict[str, Any]]:
        """Article contract dicts (no text), ordered by published date, id."""
        page, params = paging(limit, offset)
        sql = f"SELECT {ARTICLE_SELECT} FROM articles ORDER BY published NULLS LAST, id{page}"
        return [article_dict(r) for r in self._dicts(sql, params)]

    def mentions(self, article_id: str) -> list[dict[str, Any]]:
        """Actor mentions of one article, in text order."""
        return self._dicts(
            "SELECT * FROM mentions WHERE article_id = ? ORDER BY start, sentence_index, tok_start",
            [article_id],
        )

    # --- quotes ---

    def quotes(self, article_id: Optional[str] = None, speaker: Optional[str] = None,
               limit: Optional[int] = None, offset: int = 0) -> list[dict[str, Any]]:
        """Quotes in the ``Quote.to_dict()`` shape, in article id and text order.

        ``speaker``: an upper-case ISO3 country or CAMEO code prefix (``RUS``, ``USAGOV``),
        else a ``kb_id`` (``person:sergey-lavrov``) or words of the speaker's name or of
        the article's words for the speaker (``lavrov``, ``associated press``).
        """
        where, params = quote_filter(article_id, speaker)
        page, page_params = paging(limit, offset)
        sql = f"SELECT {QUOTE_SELECT} FROM quotes{where} ORDER BY article_id, start{page}"
        return [quote_dict(r) for r in self._dicts(sql, {**params, **page_params})]

    # --- summaries ---

    def stats(self) -> dict[str, Any]:
        counts = self._dicts(
            "SELECT (SELECT count(*) FROM articles) AS articles, "
            "(SELECT count(*) FROM happenings) AS events, "
            "(SELECT count(*) FROM events) AS event_mentions, "
            "(SELECT count(*) FROM mentions) AS mentions, "
            "(SELECT count(*) FROM problems) AS problems, "
            "(SELECT min(event_date) FROM happenings) AS first_event_date, "
            "(SELECT max(event_date) FROM happenings) AS last_event_date"
        )[0]
        dyads = self._dicts(
            "SELECT source_country AS source, target_country AS target, count(*) AS events "
            "FROM happenings WHERE source_country IS NOT NULL AND target_country IS NOT NULL "
            "AND source_country <> target_country "
            "GROUP BY ALL ORDER BY events DESC, source, target LIMIT 10"
        )
        roots = self._rows("SELECT cameo_root, count(*) FROM happenings GROUP BY ALL ORDER BY 1")
        return {
            **counts,
            "first_event_date": iso(counts["first_event_date"]),
            "last_event_date": iso(counts["last_event_date"]),
            "top_dyads": dyads,
            "by_root": dict(roots),
            "schema_version": self.schema_version,
        }

    def quarterly_dyad_series(self, a: str, b: str) -> list[dict[str, Any]]:
        """Events between countries a and b (both directions) per quarter that has any."""
        a, b = country(a, "a"), country(b, "b")
        return self._dicts(
            "SELECT year(event_date) || '-Q' || quarter(event_date) AS period, "
            "count(*) FILTER (WHERE quad_class IN (1, 2)) AS cooperation, "
            "count(*) FILTER (WHERE quad_class IN (3, 4)) AS conflict, "
            "avg(goldstein) AS goldstein FROM happenings "
            "WHERE event_date IS NOT NULL AND ((source_country = ? AND target_country = ?) "
            "OR (source_country = ? AND target_country = ?)) GROUP BY ALL ORDER BY period",
            [a, b, b, a],
        )

    # --- full-text search over articles (SQL and rules in search.py; added for the API) ---

    def refresh_search_index(self, *, force: bool = False) -> bool:
        """Rebuild the articles' full-text index (BM25) unless it is current; True when
        rebuilt. ``service.ingest`` calls it at the end of every run."""
        from . import search

        return search.refresh_index(self, force=force)

    def search_index_is_current(self) -> bool:
        from . import search

        return search.index_is_current(self)

    def search_articles(self, q: str, *, limit: Optional[int] = 20,
                        offset: int = 0) -> dict[str, Any]:
        """``{q, mode, total, results}``: BM25 with a current index, else substring."""
        from . import search

        return search.search_articles(self, q, limit=limit, offset=offset)


# --- statements used inside a write transaction ---


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    try:
        con.rollback()
    except duckdb.TransactionException:
        pass  # the failed statement already ended the transaction


def _delete_articles(con: duckdb.DuckDBPyConnection, ids: list[str]) -> set[str]:
    """Remove stored articles that are being replaced, with their mentions, quotes and
    the events that no other article reports; returns the ids of the events they reported
    (their happenings must be regrouped)."""
    if not ids:
        return set()
    in_ids = "article_id IN (SELECT unnest($ids::VARCHAR[]))"
    reported = {r[0] for r in con.execute(
        f"SELECT DISTINCT event_id FROM event_reports WHERE {in_ids}", {"ids": ids}).fetchall()}
    con.execute(
        f"DELETE FROM events WHERE id IN (SELECT event_id FROM event_reports WHERE {in_ids}) "
        f"AND id NOT IN (SELECT event_id FROM event_reports WHERE NOT {in_ids})",
        {"ids": ids},
    )
    for table in ("event_reports", "mentions", "quotes"):
        con.execute(f"DELETE FROM {table} WHERE {in_ids}", {"ids": ids})
    con.execute("DELETE FROM articles WHERE id IN (SELECT unnest($ids::VARCHAR[]))", {"ids": ids})
    return reported


_INSERTS = (
    ("articles", ARTICLE_ARROW, "INSERT INTO articles BY NAME SELECT * FROM _new_rows"),
    ("mentions", MENTION_ARROW, "INSERT INTO mentions BY NAME SELECT * FROM _new_rows"),
    ("reports", REPORT_ARROW,
     "INSERT OR IGNORE INTO event_reports BY NAME SELECT * FROM _new_rows"),
    ("events", EVENT_ARROW, "INSERT OR REPLACE INTO events BY NAME SELECT * FROM _new_rows"),
    ("quotes", QUOTE_ARROW, "INSERT OR REPLACE INTO quotes BY NAME SELECT * FROM _new_rows"),
)


def _used(sql: str, params: Params) -> Params:
    if not isinstance(params, dict):
        return params
    named = set(re.findall(r"\$([A-Za-z_]\w*)", sql))
    return {k: v for k, v in params.items() if k in named}


def _regroup(con: duckdb.DuckDBPyConnection, scope_sql: str, params: dict[str, Any]) -> None:
    """Regroup the mentions of the blocks ``scope_sql`` selects (store/merge.py)."""
    con.execute(scope_sql, params)
    for sql in REGROUP:
        con.execute(sql)


def _insert_rows(con: duckdb.DuckDBPyConnection, rows: Rows) -> None:
    for name, schema, sql in _INSERTS:
        data = getattr(rows, name)
        records = list(data.values()) if isinstance(data, dict) else data
        if not records:
            continue
        try:
            table = pa.Table.from_pylist(records, schema=schema)
        except (pa.ArrowInvalid, pa.ArrowTypeError) as ex:
            raise StoreError(f"a field of the {name} rows has the wrong type ({ex}); fix "
                             "the stage that built them. Nothing of the batch was stored") from ex
        con.register("_new_rows", table)
        try:
            con.execute(sql)
        finally:
            con.unregister("_new_rows")


def _insert_problem(con: duckdb.DuckDBPyConnection, problem: Problem,
                    run_id: Optional[str], at: datetime) -> None:
    con.execute('INSERT INTO problems (run_id, "where", reason, code, "at") VALUES (?, ?, ?, ?, ?)',
                [run_id, problem.where, problem.reason, problem.code, at])
