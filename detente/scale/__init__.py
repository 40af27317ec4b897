"""Scaling out: all cores of one machine, a Dask cluster, and a watched folder.

Design
------
Parsing and coding (spaCy and the classifier, ~1 GB and ~0.2 s per article) is the
work; reading the input and writing the store are cheap. So every mode splits the same
way:

* the **parent** (the CLI process, or the Dask client) reads the input with
  ``detente.ingest.read_sources`` -- duplicate ids and bad records are found exactly as
  in one process --, skips articles already stored with the same content hash, cuts the
  rest into bounded chunks, and is the **single writer**: it calls ``Store.write`` with
  the same batches, in the same input order, as ``service.ingest`` would;
* **workers** build the ``Pipeline`` once per process (``worker.worker_pipeline``) and
  turn chunks of ``Article`` into ``CodedArticle`` (frozen dataclasses: they pickle) plus
  the ``Problem`` s met on the way.

Event ids are derived from content, and the writes are taken in input order, so the
store holds the same rows, id for id, whatever the number of workers or machines.

Modules
-------
``local``   ``--workers N``: a ``spawn`` process pool (one thread per core each), at most
            ``2 N`` chunks in flight, results taken in order (``ingest_local``).
``dask``    ``--cluster tcp://HOST:8786`` or ``local:N``: one task per partition; a
            worker plugin loads the models once per worker; each task writes a Parquet
            shard named after its partition (temporary file, then rename), so a retried
            task overwrites and never duplicates; the client merges the shards through
            ``Store.write`` or leaves them as a dataset (``ingest_dask``; the shard
            format is ``detente/store/parquet.py``).
``watch``   ``detente watch FOLDER``: poll a folder and ingest new or changed files,
            with the same idempotence (``watch_folder``).
``worker``  what runs in a worker process: the cached pipeline, thread limits, peak RSS.
``writer``  the parent's side: reading and skipping, ordered batched writing.
"""

from __future__ import annotations

__all__ = ["DaskSession", "LocalPool", "auto_workers", "ingest_dask", "ingest_local",
           "watch_folder"]


def __getattr__(name: str):  # lazy: the CLI must not import distributed to ingest locally
    if name in ("LocalPool", "auto_workers", "ingest_local"):
        from . import local

        return getattr(local, name)
    if name in ("DaskSession", "ingest_dask"):
        from . import dask

        return getattr(dask, name)
    if name == "watch_folder":
        from .watch import watch_folder

        return watch_folder
    raise AttributeError(name)
