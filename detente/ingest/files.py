"""Where articles come from: paths, folders and stdin -> Article | Problem.

Decoding policy (bytes -> str), in order:

1. empty or whitespace-only -> Problem "empty";
2. a UTF-16 byte-order mark -> decoded as UTF-16;
3. NUL bytes, or more than 5% control bytes in the first 8 KB -> Problem "binary";
4. UTF-8 (a UTF-8 BOM is dropped);
5. for HTML, the charset its ``<meta>`` declares;
6. Windows-1252, accepted only if every byte decodes *and* at most 20% of the
   characters are non-ASCII -- a file saved by a Windows editor with curly
   quotes passes, a file in another legacy encoding (Cyrillic, Shift-JIS...)
   does not, because guessing would silently produce mojibake;
7. otherwise -> Problem "undecodable", with the offending byte and offset.
"""

from __future__ import annotations

import codecs
import os
import sys
from pathlib import Path
from typing import Iterable, Iterator, Optional, TextIO

from ..types import Article, Problem
from .build import Located, build_article
from .html import declared_charset, html_article
from .records import read_csv, read_jsonl

TEXT, HTML, JSONL, CSV = "text", "html", "jsonl", "csv"
FORMATS = {
    ".txt": TEXT, ".text": TEXT, ".md": TEXT,
    ".html": HTML, ".htm": HTML,
    ".jsonl": JSONL, ".ndjson": JSONL,
    ".csv": CSV,
}
SUPPORTED_EXTENSIONS = tuple(FORMATS)
STDIN_NAME = "<stdin>"
_CONTROL = frozenset(range(0, 32)) - {9, 10, 12, 13} | {127}


def read_sources(paths: Iterable[str], *, stdin: Optional[TextIO] = None) -> Iterator[Article | Problem]:
    """Yield an Article for every readable article and a Problem for everything else.

    Never raises for bad input: a bad file or record is reported and the batch goes on.
    An id seen earlier in the same run makes the later record a "duplicate-id" Problem.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    first_seen: dict[str, str] = {}
    for path in paths:
        for where, item in _read_path(str(path), stdin):
            if isinstance(item, Article):
                if item.id in first_seen:
                    yield Problem(
                        where,
                        f"duplicate id {item.id!r} (already read from {first_seen[item.id]}); "
                        "give each article a unique id or file name",
                        "duplicate-id",
                    )
                    continue
                first_seen[item.id] = where
            yield item


def _read_path(path: str, stdin: Optional[TextIO]) -> Iterator[Located]:
    if path == "-":
        yield from read_stdin(stdin if stdin is not None else sys.stdin)
        return
    p = Path(path)
    if not p.exists():
        yield path, Problem(path, "no such file or folder", "not-found")
    elif p.is_dir():
        for entry in _walk(p):
            if isinstance(entry, Problem):
                yield entry.where, entry
            else:
                yield from read_file(entry, explicit=False)
    elif not p.is_file():
        yield path, Problem(path, "not a regular file (device, socket or pipe)", "unsupported")
    else:
        yield from read_file(p, explicit=True)


def _walk(folder: Path) -> Iterator[Path | Problem]:
    """Files under ``folder`` in sorted order; hidden entries skipped, symlinked folders not followed."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        yield Problem(str(folder), f"cannot list the folder ({exc.strerror or exc})", "unreadable")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        child = folder / entry.name
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(child)
        elif Path(entry.name).suffix.lower() in FORMATS and (entry.is_file() or entry.is_symlink()):
            yield child  # sockets, FIFOs and devices are skipped: reading them could block


def read_file(p: Path, *, explicit: bool = True) -> Iterator[Located]:
    """One file; an unknown extension is a Problem only when the file was named explicitly."""
    where = str(p)
    kind = FORMATS.get(p.suffix.lower())
    if kind is None:
        if explicit:
            known = ", ".join(SUPPORTED_EXTENSIONS)
            yield where, Problem(where, f"unsupported file type {p.suffix or '(none)'!r}; use one of {known}", "unsupported")
        return
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        yield where, Problem(where, "no such file", "not-found")
        return
    except OSError as exc:
        yield where, Problem(where, f"cannot read the file ({exc.strerror or exc})", "unreadable")
        return
    decoded = decode(data, where, declared=declared_charset(data) if kind == HTML else None)
    if isinstance(decoded, Problem):
        yield where, decoded
        return
    yield from _dispatch(kind, decoded, where=where, stem=p.stem, path=where)


def _dispatch(kind: str, text: str, *, where: str, stem: str, path: Optional[str]) -> Iterator[Located]:
    if kind == JSONL:
        yield from read_jsonl(text, where=where, stem=stem, path=path)
    elif kind == CSV:
        yield from read_csv(text, where=where, stem=stem, path=path)
    elif kind == HTML:
        yield where, html_article(text, article_id=stem, path=path, where=where)
    else:
        yield where, build_article(text, article_id=stem, path=path, where=where)


def read_stdin(stream: TextIO) -> Iterator[Located]:
    """``-``: JSONL if the first non-blank character is "{", HTML if "<", else one text article "stdin"."""
    try:
        text = stream.read()
    except UnicodeDecodeError as exc:
        yield STDIN_NAME, Problem(STDIN_NAME, f"stdin is not valid text ({exc.reason})", "undecodable")
        return
    except OSError as exc:
        yield STDIN_NAME, Problem(STDIN_NAME, f"cannot read stdin ({exc})", "unreadable")
        return
    problem = _text_problem(text, STDIN_NAME)
    if problem:
        yield STDIN_NAME, problem
        return
    first = text.lstrip()[0]
    kind = JSONL if first == "{" else HTML if first == "<" else TEXT
    yield from _dispatch(kind, text, where=STDIN_NAME, stem="stdin", path=None)


def decode(data: bytes, where: str, *, declared: Optional[str] = None) -> str | Problem:
    """Bytes -> text following the policy in the module docstring."""
    if not data.strip():
        return Problem(where, "the file is empty or whitespace only", "empty")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return _checked(data.decode("utf-16"), where)
        except UnicodeDecodeError:
            return Problem(where, "starts with a UTF-16 mark but is not valid UTF-16", "undecodable")
    sample = data[:8192]
    if b"\x00" in sample or sum(b in _CONTROL for b in sample) > 0.05 * len(sample):
        return Problem(where, "looks like a binary file (NUL or control bytes), not text", "binary")
    try:
        return _checked(data.decode("utf-8-sig"), where)
    except UnicodeDecodeError as exc:
        error = exc
    for encoding in filter(None, (declared, "cp1252")):
        text = _try_decode(data, encoding)
        if text is not None and (encoding == declared or _looks_like_latin_text(text)):
            return _checked(text, where)
    return Problem(
        where,
        f"not valid UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start}) and not plain "
        "Windows-1252 text; re-save the file as UTF-8",
        "undecodable",
    )


def _try_decode(data: bytes, encoding: str) -> Optional[str]:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _looks_like_latin_text(text: str) -> bool:
    non_ascii = sum(1 for c in text if ord(c) > 127)
    return non_ascii <= 0.2 * len(text)


def _checked(text: str, where: str) -> str | Problem:
    return _text_problem(text, where) or text


def _text_problem(text: str, where: str) -> Optional[Problem]:
    if not text.replace("\u00a0", " ").strip():
        return Problem(where, "empty or whitespace only", "empty")
    if "\x00" in text:
        return Problem(where, "contains NUL characters: binary data, not text", "binary")
    return None
