"""JSONL and CSV sources: one article per record.

A record carries ``id`` and ``text``, optionally ``title``, ``date``, ``url``,
``source`` (the outlet) and ``authors``. A record without ``id`` gets
``<file stem>-<line number>``. Problems name the record as ``path:LINE``.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from typing import Any, Iterator, Optional

from ..types import Article, Problem
from .build import Located, build_article
from .dates import parse_date
from .names import split_authors
from .text import normalise_outlet

# Accepted spellings of the optional fields, first match wins.
DATE_KEYS = ("date", "published", "published_at", "publish_date", "pubdate", "datetime")
AUTHOR_KEYS = ("authors", "author", "byline")
OUTLET_KEYS = ("source", "outlet", "publisher", "site")
CSV_FIELD_LIMIT = min(sys.maxsize, 2**31 - 1)


def read_jsonl(text: str, *, where: str, stem: str, path: Optional[str]) -> Iterator[Located]:
    """Records from JSON Lines; a malformed line is a Problem and the next line is read."""
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        loc = f"{where}:{number}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield loc, Problem(loc, f"malformed JSON ({exc.msg} at column {exc.colno})", "bad-json")
            continue
        if not isinstance(obj, dict):
            yield loc, Problem(loc, "expected a JSON object with 'id' and 'text'", "bad-json")
            continue
        yield loc, record_article(obj, loc=loc, default_id=f"{stem}-{number}", path=path)


def read_csv(text: str, *, where: str, stem: str, path: Optional[str]) -> Iterator[Located]:
    """Records from a CSV file with a header row (``id``, ``text``, ...)."""
    csv.field_size_limit(CSV_FIELD_LIMIT)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = [c.strip().lower() for c in reader.fieldnames or [] if c]
    if "text" not in columns:
        found = ", ".join(columns) or "none"
        yield where, Problem(where, f"no 'text' column in the header (columns: {found})", "missing-field")
        return
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            loc = f"{where}:{start}"
            yield loc, Problem(loc, f"malformed CSV ({exc}); the rest of the file was skipped", "bad-csv")
            return
        record = {k.strip().lower(): v for k, v in row.items() if isinstance(k, str)}
        if not any(isinstance(v, str) and v.strip() for v in record.values()):
            continue  # a blank row
        loc = f"{where}:{start}"
        yield loc, record_article(record, loc=loc, default_id=f"{stem}-{start}", path=path)


def record_article(record: dict[str, Any], *, loc: str, default_id: str, path: Optional[str]) -> Article | Problem:
    """One JSONL/CSV record -> Article, or a Problem naming the record and what to fix."""
    record_id = _string(record.get("id")) or default_id
    if record.get("text") is None:
        return Problem(loc, f"record {record_id!r} has no 'text' field", "missing-field")
    text = record["text"]
    if not isinstance(text, str):
        return Problem(loc, f"record {record_id!r}: 'text' must be a string, not {type(text).__name__}", "bad-field")
    if not text.strip():
        return Problem(loc, f"record {record_id!r} has empty 'text'", "empty")
    outlet = _first(record, OUTLET_KEYS)
    authors = next((record[k] for k in AUTHOR_KEYS if record.get(k)), None)
    return build_article(
        text,
        article_id=record_id,
        path=path,
        where=loc,
        title=_first(record, ("title", "headline")),
        outlet=normalise_outlet(outlet) if outlet else None,
        url=_first(record, ("url", "link")),
        authors=split_authors(authors),
        published=parse_date(_first(record, DATE_KEYS)),
    )


def _first(record: dict[str, Any], keys: tuple[str, ...]) -> Optional[str]:
    for key in keys:
        value = _string(record.get(key))
        if value:
            return value
    return None


def _string(value: Any) -> Optional[str]:
    """A scalar field as a trimmed string; None for missing, empty, lists and objects."""
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    text = " ".join(str(value).split())
    return text or None
