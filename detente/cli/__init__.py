"""Thin command-line layer: parse arguments, call the library, format output,
map errors to exit codes. Library code never prints or exits; this does.

One module per group of commands; ``common`` holds the app, the consoles and the
output helpers they share.

Exit codes: 0 ok; 1 an error stopped the command; 2 bad usage or bad query;
3 the command finished but some input records were skipped (listed on stderr);
4 the spaCy model is missing; 5 the database cannot be opened or written;
6 a shipped knowledge file is broken.
"""

from __future__ import annotations

import typer

from .. import __version__
from . import actors, analysis, coding, scale, store, web  # noqa: F401  (each registers its commands on ``app``)
from .common import app, out

__all__ = ["app", "main"]


@app.callback(invoke_without_command=True)
def _main(version: bool = typer.Option(False, "--version", help="Print the version.")) -> None:
    if version:
        out.print(f"detente {__version__}")
        raise typer.Exit(0)


def main() -> None:
    app()
