"""``detente serve``: the HTTP API and the dashboard (detente/api) under uvicorn."""

from __future__ import annotations

from typing import Optional

import typer

from ..errors import DetenteError, QueryError
from .common import DbOpt, app, err, fail


@app.command()
def serve(db: str = DbOpt,
          host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
          port: int = typer.Option(8000, "--port", help="Port to listen on."),
          allow_ingest: bool = typer.Option(False, "--allow-ingest",
                                            help="Enable POST /api/ingest (needs a token)."),
          token: Optional[str] = typer.Option(None, "--token", envvar="DETENTE_TOKEN",
                                              help="Bearer token for POST /api/ingest.")) -> None:
    """Serve the HTTP API (OpenAPI at /docs) and the web dashboard at /."""
    import uvicorn

    from ..api import create_app

    try:
        if allow_ingest and not token:
            raise QueryError("--allow-ingest needs a token: pass --token T or set "
                             "DETENTE_TOKEN (clients send 'Authorization: Bearer T')")
        if not 0 < port < 65536:
            raise QueryError(f"--port must be from 1 to 65535 (got {port})")
        api = create_app(db, allow_ingest=allow_ingest, token=token if allow_ingest else None)
    except DetenteError as exc:
        fail(exc)
    mode = "read-write, ingest on" if allow_ingest else "read-only"
    err.print(f"detente serve: {db} ({mode}) — dashboard http://{host}:{port}/ , "
              f"API docs http://{host}:{port}/docs ; Ctrl-C stops", highlight=False)
    uvicorn.run(api, host=host, port=port, log_level="warning")
