"""The FastAPI app: one store gateway, one error shape, the API routers, the dashboard."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any, Optional

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..errors import DetenteError, InputError, ModelError, QueryError
from ..store import Store

log = logging.getLogger("detente.api")
STATIC = Path(__file__).with_name("static")
PAGES = ("/", "/relations", "/events", "/events/{event_id:path}", "/articles/{article_id:path}",
         "/actors", "/actors/{actor_id:path}", "/search")
_STATUS = ((QueryError, 400), (InputError, 400), (ModelError, 503))
_CODES = {400: "bad-request", 401: "unauthorized", 403: "forbidden", 404: "not-found",
          405: "method-not-allowed", 413: "too-large", 415: "unsupported-media-type",
          500: "internal-error"}


class Gateway:
    """The app's one store connection, used by one request at a time.

    Read-only unless ingest is allowed (DuckDB refuses a read-only and a writable
    connection to one file in one process, so the writer also serves the reads).
    ``pipeline`` is the NLP pipeline for ingest: injected, or built on first use.
    """

    def __init__(self, db_path: str | Path, *, writable: bool, pipeline: Any = None) -> None:
        self.db_path = str(db_path)
        self.writable = writable
        self._store: Optional[Store] = Store(self.db_path, read_only=not writable)
        self._lock = threading.Lock()
        self._pipeline = pipeline

    @contextmanager
    def store(self) -> Iterator[Store]:
        with self._lock:
            if self._store is None:
                self._store = Store(self.db_path, read_only=not self.writable)
            yield self._store

    def pipeline(self) -> Any:
        if self._pipeline is None:
            from ..pipeline import Pipeline  # heavy (spaCy): only when ingest is used

            self._pipeline = Pipeline.build()
        return self._pipeline

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None


def error_body(status: int, message: str, code: Optional[str] = None) -> dict[str, Any]:
    """The one error shape of the API."""
    return {"ok": False, "error": message, "status": status,
            "code": code or _CODES.get(status, "error")}


def error_response(status: int, message: str, code: Optional[str] = None,
                   headers: Optional[dict[str, str]] = None) -> JSONResponse:
    return JSONResponse(error_body(status, message, code), status_code=status, headers=headers)


def create_app(db_path: str | Path, *, allow_ingest: bool = False, token: Optional[str] = None,
               pipeline: Any = None) -> FastAPI:
    """The HTTP API and dashboard over the store at ``db_path`` (see the package docstring).

    ``allow_ingest`` needs a ``token``; ``pipeline`` may be injected (tests), else it is
    built on the first ingest request.
    """
    if allow_ingest and not token:
        raise QueryError("allow_ingest needs a token: pass token=... (detente serve --token "
                         "or DETENTE_TOKEN)")
    gateway = Gateway(db_path, writable=allow_ingest, pipeline=pipeline)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        gateway.close()

    app = FastAPI(title="detente", version=__version__, lifespan=lifespan, docs_url=None,
                  redoc_url=None, description="Event data from news articles: who did what "
                  "to whom, when. Every error: {ok: false, error, status, code}.")
    app.state.gateway = gateway
    app.state.allow_ingest = allow_ingest
    app.state.token = token
    _add_error_handlers(app)
    from . import ingest, routes

    app.include_router(routes.router)
    app.include_router(ingest.router)
    _add_pages(app)
    return app


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DetenteError)
    async def _detente(_req: Request, exc: DetenteError) -> JSONResponse:
        status = next((s for kind, s in _STATUS if isinstance(exc, kind)), 500)
        if status >= 500:
            log.error("%s [%s]", exc, exc.code)
        return error_response(status, str(exc), exc.code)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_req: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(400, validation_message(exc), "bad-query")

    @app.exception_handler(StarletteHTTPException)
    async def _http(_req: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404 and message == "Not Found":
            message = "no such page or endpoint; see /docs for the API"
        return error_response(exc.status_code, message, headers=getattr(exc, "headers", None))

    @app.middleware("http")
    async def _unexpected(request: Request, call_next):
        try:
            return await call_next(request)
        except Exception:  # the last resort: never a traceback or an HTML page
            log.exception("unexpected error on %s %s", request.method, request.url.path)
            return error_response(500, "internal error; the server log has the details")


def validation_message(exc: RequestValidationError) -> str:
    """'limit: Input should be a valid integer (got 'abc')' for each bad parameter."""
    parts = []
    for e in exc.errors():
        where = ".".join(str(p) for p in e.get("loc", ()) if p not in ("query", "path", "body"))
        got = f" (got {e['input']!r})" if "input" in e and e["input"] is not None else ""
        parts.append(f"{where or 'request'}: {e.get('msg', 'invalid')}{got}")
    return "; ".join(parts) or "invalid request"


def _add_pages(app: FastAPI) -> None:
    """The dashboard shell for every page route, its assets, and offline Swagger UI."""
    shell = STATIC / "index.html"

    def page() -> FileResponse:
        return FileResponse(shell, media_type="text/html")

    for path in PAGES:
        app.add_api_route(path, page, methods=["GET"], include_in_schema=False,
                          response_class=HTMLResponse, name=f"page:{path}")
    swagger = _swagger_folder()
    if swagger is not None:  # before /static, which would otherwise match first
        app.mount("/static/swagger", StaticFiles(directory=swagger), name="swagger")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        if swagger is None:
            return HTMLResponse("<p>Swagger UI is not installed (pip install "
                                "swagger-ui-bundle-v2); the API document is at "
                                "<a href='/openapi.json'>/openapi.json</a>.</p>")
        return get_swagger_ui_html(openapi_url="/openapi.json", title="detente API",
                                   swagger_js_url="/static/swagger/swagger-ui-bundle.js",
                                   swagger_css_url="/static/swagger/swagger-ui.css",
                                   swagger_favicon_url="/static/favicon.svg")


def _swagger_folder() -> Optional[Path]:
    try:
        from swagger_ui_bundle import swagger_ui_path
    except ImportError:
        return None
    folder = Path(str(swagger_ui_path))
    return folder if (folder / "swagger-ui-bundle.js").is_file() else None
