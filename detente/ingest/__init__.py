"""Ingest stage: sources -> Article.

``read_sources`` reads text, Markdown, HTML, JSONL and CSV files, folders
(recursively, sorted, hidden entries skipped) and stdin ("-"), and yields one
:class:`~detente.types.Article` per article -- cleaned of site furniture, with
title, outlet, authors and publication date recovered -- or a
:class:`~detente.types.Problem` naming the file or record that could not be read.
"""

from __future__ import annotations

from .build import content_hash
from .dates import parse_date
from .files import SUPPORTED_EXTENSIONS, read_sources
from .text import TextMeta, analyse_text

__all__ = [
    "SUPPORTED_EXTENSIONS",
    "TextMeta",
    "analyse_text",
    "content_hash",
    "parse_date",
    "read_sources",
]
