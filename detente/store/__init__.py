"""The event store: one embedded DuckDB file (``db.py`` is the only module importing duckdb).

One ``Store`` is one connection and the one writer. Writes are idempotent: an article
already stored with the same ``content_hash`` is skipped, a changed one replaces its
rows, events are upserted by their stable ``id``. Each ``write`` is one transaction, so
a killed ingest loses nothing committed and leaves no partial batch.

Schema (version 3; ``MIGRATIONS`` holds the SQL, each step applied in one transaction;
version 1 had every table below but ``quotes`` (step 2) and the happenings (step 3))

``meta(key PK, value)``
    ``app`` = ``detente`` (marks the file as ours), ``schema_version``.
``articles``
    every ``Article`` field (``authors VARCHAR[]``, ``published DATE``,
    ``published_interval DATE[2]`` or NULL), ``content_hash`` (the record's, or
    ``sha256:<hex of text>`` when the record has none), ``text``, ``n_sentences``,
    ``n_events`` (events coded in that article), ``ingested_at`` (UTC ``TIMESTAMP``).
``mentions``
    one row per ``Mention``: ``article_id, sentence_index, tok_start, tok_end, head``,
    the actor's ``text, start, "end"`` (character span) and ``name, code, country,
    sector, role, kb_id, basis``. Indexed on ``article_id``.
``events``
    ``id`` PK, ``article_id, sentence_index, sentence``; the actors flattened to
    ``source_*`` / ``target_*`` columns (``text, start, end, name, code, country,
    sector, role, kb_id, basis``; all target columns NULL when there is no target);
    ``cameo, cameo_root, plover, plover_mode, quad_class, goldstein, modality``;
    ``event_date DATE, date_precision, date_basis``;
    ``location STRUCT(name, country, lat, lon)`` or NULL; ``issues VARCHAR[]``
    (empty list, never NULL); ``trigger STRUCT(text, start, "end")``;
    ``confidence, coder``. Indexed on ``article_id``. Range filters on
    ``event_date`` rely on DuckDB's zone maps, not on an index.
``event_reports(event_id, article_id, sentence_index)``
    which articles report which event. An event id reported by several articles is
    one ``events`` row (last write wins); replacing an article deletes only the
    events no other article reports.
``quotes``
    one row per ``Quote`` (schema v2): ``id`` PK (hash of article id and offsets),
    ``article_id, sentence_index, text, start, "end"``, ``spans`` (list of
    ``STRUCT(start, "end")``), ``speaker STRUCT(text, start, "end", name, code,
    country, sector, role, kb_id, basis)`` or NULL, ``speaker_text, speech_verb,
    attribution``, ``date DATE``. Indexed on ``article_id``. Replaced with the
    article's events when the article changes.
``happenings``
    one row per merged event (``merge.py``): ``id`` (its representative mention's event
    id), ``block``, ``event_date, first_date, last_date``, the dyad's countries and codes,
    ``cameo, cameo_root, quad_class, goldstein, modality, issues`` (denormalised for fast
    series), ``num_mentions, num_articles, num_sources``.
``happening_events(event_id, happening_id, block)``
    which mention belongs to which happening. Both are derived: rebuilt by
    ``rebuild_happenings()`` and, per touched block, by every ``write``; ``meta``
    ``merge_version`` names the rule that built them (a writable open regroups when it
    changed; a read-only open refuses).
``problems(id, run_id, "where", reason, code, at)``
    records that could not be processed (``Problem``), with the run that met them.

Writing: ``write(batch)`` is one transaction. Per article: same id and hash as stored
-> skipped; changed hash -> its article row, mentions, quotes and reports are replaced; new ->
inserted. ``articles_skipped`` also counts repeats of an id inside the batch (the last
one is kept). A record the store cannot hold (bad ISO date, event whose ``article_id``
is not its article's) is rejected as a ``Problem`` (also kept in ``problems``), the
rest of the batch is written, and a stored older version of it is left alone.

Reading: ``events()`` gives one row per happening in the ``Event.to_dict()`` shape of
its representative mention plus ``num_mentions``, ``num_articles``, ``num_sources`` and
``mentions``; ``event(id)`` takes a happening id or any mention's id;
``article_events(article_id)`` lists one article's mentions with their ``happening_id``.
``query``/``copy`` run the SELECTs that ``detente.analytics`` builds. ``source``/``target`` match the actor's ISO3 country or a prefix
of its CAMEO code; ``since``/``until`` are inclusive; events without a date sort last
and drop out of date filters. ``quarterly_dyad_series`` lists only quarters with
events and counts every modality (negated and hypothetical events included).
``stats()["top_dyads"]`` leaves out domestic pairs (source country = target
country). ``articles()`` is ordered by published date (undated last), then id.
``actor.basis`` is stored (``*_basis`` columns) but is not part of the contract dicts.
``quotes()`` gives ``Quote.to_dict()`` dicts, filtered by article and/or speaker.

DuckDB locks the file: one process at a time may open it (even read-only opens fail
while an ingest holds it). A ``Store`` is not meant to be shared between threads.

Exports: ``jsonl`` is one ``Event.to_dict()`` object per line. ``csv`` and ``parquet``
are flat: actor, ``location`` and ``trigger`` fields become ``source_code``,
``location_lat``, ``trigger_start``..., ``event_date`` is a date; ``issues`` stays a
list in Parquet and is joined with ``;`` in CSV.
"""

from __future__ import annotations

from .db import Store
from .query import EXPORT_FORMATS, EventFilter
from .rows import WriteResult
from .schema import MIGRATIONS, SCHEMA_VERSION

__all__ = ["EXPORT_FORMATS", "MIGRATIONS", "SCHEMA_VERSION", "EventFilter", "Store", "WriteResult"]
