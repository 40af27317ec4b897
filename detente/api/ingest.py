"""``POST /api/ingest``: code and store articles sent over HTTP (off unless enabled).

Guarded three ways: the app must be created with ``allow_ingest=True`` (else 403), the
request must carry ``Authorization: Bearer <token>`` matching the app's token (compared with
``secrets.compare_digest``; else 401), and the body must be at most ``MAX_BODY`` bytes (413).

The body is one plain-text article or JSON Lines records (see the package docstring). A
text article without an ``id`` gets ``post-<hash of its text>``, and so does a record
without one, so posting the same thing twice stores it once (the store skips an article
whose id and content hash it already has). The records then go through the same reader and
pipeline as ``detente ingest -`` (``service.ingest``), which also refreshes the search index.
"""

from __future__ import annotations

import hashlib
import io
import json
import secrets
from typing import Any, Optional

from fastapi import APIRouter, HTTPException, Query, Request
from starlette.concurrency import run_in_threadpool

from .. import service
from ..errors import InputError

MAX_BODY = 5_000_000
JSONL_TYPES = ("application/x-ndjson", "application/jsonl", "application/json",
               "application/x-jsonlines", "application/jsonlines")
TEXT_FIELDS = ("title", "date", "source", "url")

router = APIRouter(prefix="/api")


def check_token(request: Request) -> None:
    """403 when ingest is off, 401 without the right bearer token."""
    state = request.app.state
    if not state.allow_ingest:
        raise HTTPException(403, "ingest over HTTP is off; start the server with "
                                 "`detente serve --allow-ingest --token T`")
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secrets.compare_digest(
            given.strip().encode(), str(state.token).encode()):
        raise HTTPException(401, "missing or wrong token; send the header "
                                 "'Authorization: Bearer <token>'",
                            headers={"WWW-Authenticate": "Bearer"})


def _post_id(text: str) -> str:
    return "post-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def text_record(body: str, params: dict[str, str]) -> str:
    """One JSONL line for a plain-text article and its query parameters."""
    record = {"id": params.get("id") or _post_id(body), "text": body}
    record.update({k: params[k] for k in TEXT_FIELDS if params.get(k)})
    return json.dumps(record, ensure_ascii=False)


def jsonl_records(body: str) -> str:
    """JSON Lines (or one JSON array/object) with ids filled in; lines that are not
    records are passed on as they are, for the reader to report with their line number."""
    stripped = body.lstrip()
    if stripped.startswith("["):
        try:
            items = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise InputError(f"the body is not a JSON array ({exc.msg} at line {exc.lineno})",
                             where="request body") from exc
        lines = [json.dumps(item, ensure_ascii=False) for item in items]
    else:
        lines = body.splitlines()
    return "\n".join(_with_id(line) for line in lines)


def _with_id(line: str) -> str:
    try:
        record = json.loads(line)
    except json.JSONDecodeError:
        return line
    if isinstance(record, dict) and not record.get("id") and isinstance(record.get("text"), str):
        record["id"] = _post_id(record["text"])
        return json.dumps(record, ensure_ascii=False)
    return line


async def _body(request: Request) -> str:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY:
        raise HTTPException(413, f"the body is larger than {MAX_BODY} bytes; send fewer records")
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise HTTPException(413, f"the body is larger than {MAX_BODY} bytes; send fewer records")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError("the body is not UTF-8 text", where="request body") from exc
    if not text.strip():
        raise InputError("the body is empty; send an article's text or JSON Lines records",
                         where="request body")
    return text


def _jsonl(content_type: str, body: str, params: dict[str, str]) -> str:
    kind = content_type.split(";")[0].strip().lower()
    if kind in JSONL_TYPES:
        return jsonl_records(body)
    if kind in ("text/plain", "text/markdown", ""):
        return text_record(body, params)
    raise HTTPException(415, f"Content-Type {kind!r} is not accepted; use text/plain for one "
                             "article or application/x-ndjson for JSON Lines records")


@router.post("/ingest", summary="Code and store articles (only with --allow-ingest and a token)",
             responses={401: {"description": "missing or wrong token"},
                        403: {"description": "ingest is off"}})
async def ingest(request: Request,
                 article_id: Optional[str] = Query(None, alias="id",
                                                   description="text/plain: the article id"),
                 title: Optional[str] = None,
                 date: Optional[str] = None, source: Optional[str] = None,
                 url: Optional[str] = None) -> dict[str, Any]:
    """Plain text (``text/plain``; ``id``, ``title``, ``date``, ``source``, ``url`` as query
    parameters) or JSON Lines records (``application/x-ndjson``)."""
    check_token(request)
    params = {"id": article_id, "title": title, "date": date, "source": source, "url": url}
    body = _jsonl(request.headers.get("content-type", ""), await _body(request),
                  {k: v for k, v in params.items() if v})
    return await run_in_threadpool(_run, request.app.state.gateway, body)


def _run(gateway: Any, jsonl: str) -> dict[str, Any]:
    pipeline = gateway.pipeline()
    with gateway.store() as store:
        report = service.ingest(pipeline, store, ["-"], stdin=io.StringIO(jsonl))
    return {"ok": True, "run_id": report.run_id, "articles_written": report.articles_written,
            "articles_skipped": report.articles_skipped, "events_written": report.events_written,
            "problems": [{"where": p.where, "reason": p.reason, "code": p.code}
                         for p in report.problems]}
