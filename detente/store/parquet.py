"""Parquet shards of coded articles: what distributed workers write and the client reads.

A shard holds one partition of the input: one row per ``CodedArticle``, with the
article, its events, mentions and quotes as nested columns whose Arrow types are
derived from the dataclasses in ``detente/types.py`` (so a field added there is carried
without touching this module). Reading a shard gives back *equal* ``CodedArticle``
records, which then go through the one write path, ``Store.write``: the same skipping
by content hash, replacement of changed articles and upserts by event id as a
single-process ingest.

Files are named by partition (``part-<seq>-<key>.parquet``) and written to a temporary
name, then renamed: a retried or duplicated task overwrites its own shard, never adds a
second one, and a shard that exists is complete. Problems met while coding the
partition travel in the file's metadata (``detente.problems``, JSON).

A folder of shards is a dataset: ``open_dataset(DIR)`` loads it into an in-memory
DuckDB store, so ``detente events --parquet DIR`` answers exactly as the store would.
The nested columns are also readable by any Parquet tool, e.g. in DuckDB::

    SELECT e.* FROM (SELECT unnest(events) AS e FROM read_parquet('DIR/*.parquet'))

This module does not import duckdb (``db.py`` does).
"""

from __future__ import annotations

import dataclasses
import json
import os
import types
import typing
import uuid
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import StoreError
from ..types import CodedArticle, Problem

if typing.TYPE_CHECKING:  # pragma: no cover
    from .db import Store

SHARD_FORMAT = "detente-shard/1"
SHARD_GLOB = "part-*.parquet"
_META_FORMAT, _META_PROBLEMS = b"detente.format", b"detente.problems"

# --- dataclass type hints -> Arrow types, records <-> plain values ---


@lru_cache(maxsize=None)
def _hints(cls: type) -> tuple[tuple[str, Any], ...]:
    hints = typing.get_type_hints(cls)
    return tuple((f.name, hints[f.name]) for f in dataclasses.fields(cls))


def _optional(hint: Any) -> Any:
    """``Optional[X]`` -> ``X``; anything else unchanged."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(inner) == 1:
            return inner[0]
    return hint


def arrow_type(hint: Any) -> pa.DataType:
    """The Arrow type that holds values of a field annotated ``hint``."""
    hint = _optional(hint)
    scalar = {str: pa.string(), int: pa.int64(), float: pa.float64(), bool: pa.bool_()}
    if hint in scalar:
        return scalar[hint]
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Literal and all(isinstance(a, str) for a in args):
        return pa.string()
    if origin is tuple and args and all(a is Ellipsis or a == args[0] for a in args):
        return pa.list_(arrow_type(args[0]))  # tuple[X, ...] and tuple[X, X]
    if dataclasses.is_dataclass(hint):
        return pa.struct([pa.field(name, arrow_type(h)) for name, h in _hints(hint)])
    raise StoreError(f"a record field of type {hint!r} cannot be stored in a Parquet shard; "
                     "use str, int, float, bool, Optional, tuple or a dataclass in detente/types.py")


def _plain(value: Any) -> Any:
    """A record as nested dicts and lists (what ``pa.Table.from_pylist`` takes)."""
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


Decode = Callable[[Any], Any]


@lru_cache(maxsize=None)
def _decoder(hint: Any) -> Decode:
    """The inverse of ``_plain`` for one annotated type, built once per type:
    nested dicts and lists -> the record."""
    hint = _optional(hint)
    if dataclasses.is_dataclass(hint):
        fields = [(name, _decoder(h)) for name, h in _hints(hint)]
        return lambda v: None if v is None else hint(**{n: dec(v[n]) for n, dec in fields})
    if typing.get_origin(hint) is tuple:
        item = _decoder(typing.get_args(hint)[0])
        return lambda v: None if v is None else tuple(item(x) for x in v)
    return _same


def _same(value: Any) -> Any:
    return value


SHARD_SCHEMA = pa.schema([pa.field(name, arrow_type(h)) for name, h in _hints(CodedArticle)])

# --- shards ---


def shard_name(seq: int, key: str) -> str:
    """``part-<seq>-<key>.parquet``: the same partition always gets the same name."""
    return f"part-{seq:06d}-{key}.parquet"


def write_shard(folder: str | Path, name: str, coded: list[CodedArticle],
                problems: list[Problem]) -> Path:
    """Write one partition's coded articles to ``folder/name`` (temporary file, then an
    atomic rename: a retry overwrites, a reader never sees half a shard)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / name
    tmp = folder / f".{name}.{uuid.uuid4().hex[:8]}.tmp"
    meta = {_META_FORMAT: SHARD_FORMAT.encode(),
            _META_PROBLEMS: json.dumps([dataclasses.asdict(p) for p in problems]).encode()}
    try:
        table = pa.Table.from_pylist([_plain(c) for c in coded], schema=SHARD_SCHEMA)
        pq.write_table(table.replace_schema_metadata(meta), tmp, compression="zstd")
        os.replace(tmp, final)
    except (OSError, pa.ArrowException) as ex:
        tmp.unlink(missing_ok=True)
        raise StoreError(f"cannot write the shard {final}: {ex}; check that the shards folder "
                         "is writable (and shared by all workers)") from ex
    return final


def read_shard(path: str | Path) -> tuple[list[CodedArticle], list[Problem]]:
    """The coded articles of one shard, in the order they were written, and its problems."""
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowException) as ex:
        raise StoreError(f"cannot read the shard {path}: {ex}; is the shards folder shared "
                         "with the machine reading it?") from ex
    meta = table.schema.metadata or {}
    if meta.get(_META_FORMAT) != SHARD_FORMAT.encode():
        raise StoreError(f"{path} is not a detente shard ({SHARD_FORMAT}); point --parquet at "
                         "a folder written by `detente ingest --cluster ... --no-merge`")
    problems = [Problem(**p) for p in json.loads(meta.get(_META_PROBLEMS, b"[]"))]
    decode = _decoder(CodedArticle)
    coded = [decode(row) for row in table.select(SHARD_SCHEMA.names).to_pylist()]
    return coded, problems


def shard_paths(folder: str | Path) -> list[Path]:
    """The complete shards of a dataset folder, in partition order."""
    folder = Path(folder)
    if not folder.is_dir():
        raise StoreError(f"no Parquet dataset at {folder}: the folder does not exist; "
                         "give the --shards folder of a `detente ingest --cluster` run")
    return sorted(folder.glob(SHARD_GLOB))


def iter_dataset(folder: str | Path) -> Iterator[tuple[list[CodedArticle], list[Problem]]]:
    for path in shard_paths(folder):
        yield read_shard(path)


def open_dataset(folder: str | Path, batch_size: int = 256,
                 path: Optional[str] = None) -> "Store":
    """A Store (in memory unless ``path``) holding every shard of ``folder``, written in
    partition order through ``Store.write``; the shards' problems are kept too."""
    from .db import Store

    paths = shard_paths(folder)
    if not paths:
        raise StoreError(f"no shards ({SHARD_GLOB}) in {folder}; give the --shards folder of "
                         "a finished `detente ingest --cluster ... --no-merge` run")
    store = Store(path or ":memory:")
    try:
        batch: list[CodedArticle] = []
        for shard in paths:
            coded, problems = read_shard(shard)
            for problem in problems:
                store.log_problem(problem)
            batch += coded
            if len(batch) >= batch_size:
                store.write(batch)
                batch = []
        if batch:
            store.write(batch)
    except BaseException:
        store.close()
        raise
    return store
