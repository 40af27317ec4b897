"""HTTP API and web dashboard for a detente store (``detente serve``).

``create_app(db_path, allow_ingest=False, token=None)`` builds the FastAPI app. JSON
endpoints (OpenAPI document at ``/openapi.json``, Swagger UI at ``/docs``, served from the
``swagger-ui-bundle-v2`` wheel, no CDN):

``GET /api/events``
    happenings with filters ``source``, ``target`` (ISO3 country or CAMEO prefix), ``root``
    (CAMEO root ``01``..``20``), ``since``, ``until`` (ISO dates), ``q`` (words in the
    sentence); paging ``limit`` (1..500, default 50), ``offset`` (0..10^9). ``{total, limit, offset,
    events}``.
``GET /api/events/{id}``
    one event (a happening id or any of its mention ids) with ``evidence`` (its sentence and
    the source/target/trigger spans relative to it) and ``mentions``, each with its own
    evidence.
``GET /api/articles/{id}``
    the article with its text, actor ``mentions`` (entity spans), coded ``events`` (source,
    target and trigger spans) and ``quotes``; every offset indexes the article text.
``GET /api/relations/{a}/{b}?by=month|quarter|year&since=&until=``
    the cooperation–conflict series between two countries and its turning points
    (``detente.analytics.relations``).
``GET /api/actors`` and ``GET /api/actors/{id}``
    the most active actors; one actor (kb_id like ``person:sergey-lavrov`` or CAMEO code like
    ``RUSGOV``) with roles over time and top partners.
``GET /api/search?q=&limit=&offset=``
    full-text search over articles (DuckDB FTS, BM25; substring when the store has no index).
``GET /api/stats``
    counts and top dyads (the dashboard's home page).
``POST /api/ingest``
    only when the app was created with ``allow_ingest=True`` and a token: the request needs
    ``Authorization: Bearer <token>``; the body is one plain-text article (``Content-Type:
    text/plain``; ``id``, ``title``, ``date``, ``source``, ``url`` as query parameters) or
    JSON Lines records (``application/x-ndjson``, ``application/jsonl`` or
    ``application/json``: ``{id, text, title?, date?, ...}`` per line, or one JSON array).

Every failure — a bad parameter, an unknown id or route, ingest switched off, a wrong
token, an unexpected exception — is answered with one JSON shape::

    {"ok": false, "error": "<what is wrong and how to fix it>", "status": 400, "code": "bad-query"}

Bad parameters are 400 (never 500); unknown ids and routes 404; ingest off 403; a missing or
wrong token 401; a body too large 413. The store is opened once: read-only unless ingest is
allowed, one connection guarded by a lock (a DuckDB connection is not shared between
threads). Every query goes through the store's parameterised SQL.

Dashboard pages (one HTML shell, ``static/``; plain JS modules drawing inline SVG):
``/`` overview, ``/relations?a=USA&b=RUS``, ``/events``, ``/events/{id}``,
``/articles/{id}``, ``/actors``, ``/actors/{id}``, ``/search?q=``.
"""

from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
