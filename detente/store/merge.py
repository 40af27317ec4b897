"""One event per happening: the cross-article merge, as SQL over the stored events.

Every coded event is kept (it is a *mention*: one article's report of something). Mentions
that report the same happening are grouped under one *happening*, the unit that
``Store.events()``, the API, relations and exports count — like GDELT's events with
NumMentions / NumArticles / NumSources, but across the whole store, not a 15-minute window.

The rule (``MERGE_VERSION`` names it; changing it must bump the version, which makes the
next writable open rebuild every group):

1. **Block.** Mentions can only merge when they share a block: the same CAMEO root
   (``04`` consult, ``17`` coerce …), the same modality (a planned meeting is not the
   meeting) and the same dyad. The dyad is the pair of *countries* when both sides have a
   country and they differ (``Biden`` and ``Washington`` are both ``USA``), otherwise the
   pair of actor codes (so that two domestic events in one country — police against
   protesters, a court against a minister — do not collapse into one), otherwise the
   words. For the mutual roots (03–06: intent, consult, diplomatic and material
   cooperation) the dyad is unordered: "Kerry met Lavrov" and "Lavrov met Kerry" are one
   meeting.
2. **Time.** Inside a block, day-precise mentions are chained in date order; a gap of more
   than ``DAY_TOLERANCE`` days between neighbours starts a new happening (reports of one
   call are often a day or two apart: time zones, "on Friday" read from a Monday paper).
   A chain is cut into spans of ``MAX_SPAN`` days from its first mention, so daily reports
   of a weeks-long campaign give one happening per few days, not one for the whole war.
   Mentions dated only to a month or a year merge with others of the same precision in the
   same month or year. Undated mentions stay alone.
3. **Place.** Two neighbours in the chain with different known places (``location.name``)
   start a new happening; an unknown place is compatible with any.

The happening takes its fields from one *representative* mention: the best-dated one
(explicit, then relative, inferred, publication), then the most confident, then the most
specific code, then the smallest id. Its ``id`` is the representative's event id, so an
event reported once keeps the id ``detente extract`` gives it; every mention id still finds
its happening (``Store.event``). Counts: ``num_mentions`` = reports (sentences),
``num_articles`` = distinct articles, ``num_sources`` = distinct outlets (an article with
no known outlet counts as its own source).

The merge is incremental (each write regroups only the blocks it touched), deterministic
(the same stored mentions give the same groups, whatever the order they arrived in), and
reversible (mentions are never changed; ``Store.rebuild_happenings()`` regroups from them).
"""

from __future__ import annotations

from ..coding.reports import MUTUAL_ROOTS  # the roots whose dyad has no direction, as the coder folds them

MERGE_VERSION = "merge.v1"
DAY_TOLERANCE = 2
MAX_SPAN = 3  # days: a chain longer than this (a daily campaign) is cut into 3-day happenings

_MUTUAL = ", ".join(f"'{r}'" for r in sorted(MUTUAL_ROOTS))

# The block of one mention (an expression over the columns of ``events``): source and
# target side of the dyad, countries for an international pair, else codes, else words.
_S = """CASE WHEN source_country IS NOT NULL AND target_country IS NOT NULL
         AND source_country <> target_country THEN source_country
         ELSE coalesce(source_code, lower(source_text)) END"""
_T = """CASE WHEN source_country IS NOT NULL AND target_country IS NOT NULL
         AND source_country <> target_country THEN target_country
         ELSE coalesce(target_code, lower(target_text), '-') END"""
BLOCK_SQL = (f"cameo_root || '|' || modality || '|' || CASE WHEN cameo_root IN ({_MUTUAL}) "
             f"THEN least({_S}, {_T}) || '~' || greatest({_S}, {_T}) "
             f"ELSE {_S} || '>' || {_T} END")

# Statements run in order inside the write transaction. ``_merge_scope(id, block)`` is a
# temporary table holding every mention of the blocks to regroup.
SCOPE_NEW = f"""CREATE OR REPLACE TEMP TABLE _merge_scope AS
    WITH fresh AS (SELECT id, {BLOCK_SQL} AS block FROM events
                   WHERE id IN (SELECT unnest($ids::VARCHAR[]))),
         gone AS (SELECT block FROM happening_events
                  WHERE event_id NOT IN (SELECT id FROM events)),
         touched AS (SELECT block FROM fresh UNION SELECT block FROM gone
                     UNION SELECT block FROM happening_events
                     WHERE event_id IN (SELECT id FROM fresh))
    SELECT id, block FROM fresh
    UNION
    SELECT he.event_id AS id, he.block FROM happening_events he
    JOIN events e ON e.id = he.event_id
    WHERE he.block IN (SELECT block FROM touched)
      AND he.event_id NOT IN (SELECT id FROM fresh)"""

SCOPE_ALL = f"""CREATE OR REPLACE TEMP TABLE _merge_scope AS
    SELECT id, {BLOCK_SQL} AS block FROM events"""

_BASIS_RANK = ("CASE e.date_basis WHEN 'explicit' THEN 0 WHEN 'relative' THEN 1 "
               "WHEN 'inferred' THEN 2 ELSE 3 END")

REGROUP = [
    # forget the old groups of every block in scope (and of mentions no longer stored)
    """DELETE FROM happenings WHERE block IN (SELECT block FROM _merge_scope)
       OR id IN (SELECT happening_id FROM happening_events
                 WHERE event_id NOT IN (SELECT id FROM events))""",
    """DELETE FROM happening_events WHERE block IN (SELECT block FROM _merge_scope)
       OR event_id IN (SELECT id FROM _merge_scope)
       OR event_id NOT IN (SELECT id FROM events)""",
    # chain the mentions of each block into runs
    f"""CREATE OR REPLACE TEMP TABLE _merge_runs AS
    WITH m AS (
        SELECT s.id, s.block, e.event_date AS d, e.location.name AS place,
               CASE WHEN e.event_date IS NULL THEN 'none:' || s.id
                    WHEN e.date_precision = 'month' THEN 'month:' || strftime(e.event_date, '%Y-%m')
                    WHEN e.date_precision = 'year' THEN 'year:' || strftime(e.event_date, '%Y')
                    ELSE 'day' END AS part,
               {_BASIS_RANK} AS basis_rank, e.confidence, length(e.cameo) AS specificity
        FROM _merge_scope s JOIN events e ON e.id = s.id),
    flagged AS (
        SELECT *, CASE
            WHEN lag(d) OVER w IS NULL THEN 1
            WHEN part = 'day' AND date_diff('day', lag(d) OVER w, d) > {DAY_TOLERANCE} THEN 1
            WHEN part = 'day' AND place IS NOT NULL AND lag(place) OVER w IS NOT NULL
                 AND place <> lag(place) OVER w THEN 1
            ELSE 0 END AS starts
        FROM m WINDOW w AS (PARTITION BY block, part ORDER BY d, place NULLS LAST, id)),
    chains AS (
        SELECT *, sum(starts) OVER (PARTITION BY block, part ORDER BY d, place NULLS LAST, id
                                    ROWS UNBOUNDED PRECEDING) AS chain
        FROM flagged),
    runs AS (
        SELECT *, CASE WHEN part = 'day' THEN floor(date_diff(
                      'day', min(d) OVER (PARTITION BY block, part, chain), d) / {MAX_SPAN})
                  ELSE 0 END AS run
        FROM chains)
    SELECT id, block, first(id ORDER BY basis_rank, confidence DESC, specificity DESC, id)
               OVER (PARTITION BY block, part, chain, run) AS happening_id
    FROM runs""",
    """INSERT INTO happening_events (event_id, happening_id, block)
       SELECT id, happening_id, block FROM _merge_runs""",
    """INSERT INTO happenings BY NAME
    WITH counts AS (
        SELECT r.happening_id, any_value(r.block) AS block,
               count(*) AS num_mentions, count(DISTINCT rep.article_id) AS num_articles,
               count(DISTINCT coalesce(a.outlet, 'article:' || rep.article_id)) AS num_sources,
               min(e.event_date) AS first_date, max(e.event_date) AS last_date
        FROM _merge_runs r JOIN events e ON e.id = r.id
        JOIN event_reports rep ON rep.event_id = r.id
        LEFT JOIN articles a ON a.id = rep.article_id
        GROUP BY r.happening_id)
    SELECT c.happening_id AS id, c.block, e.event_date, c.first_date, c.last_date,
           e.source_country, e.target_country, e.source_code, e.target_code,
           e.cameo, e.cameo_root, e.quad_class, e.goldstein, e.modality, e.issues,
           c.num_mentions, c.num_articles, c.num_sources
    FROM counts c JOIN events e ON e.id = c.happening_id""",
    "DROP TABLE _merge_runs",
    "DROP TABLE _merge_scope",
]
