"""Who is most active, what is talked about, and who deals with whom.

All counts are over happenings (merged events), each taken with its representative
mention's actors. An actor's id is its knowledge-base id when it has one
(``person:…``/Wikidata), else its CAMEO code (``RUSGOV``), else its words.
"""

from __future__ import annotations

from typing import Any, Optional

from ..errors import QueryError
from ..store.query import paging
from .relations import MODALITIES, check_period, period_label, window

_WHEN = """(CAST($since AS DATE) IS NULL OR h.event_date >= CAST($since AS DATE))
    AND (CAST($until AS DATE) IS NULL OR h.event_date <= CAST($until AS DATE))
    AND h.modality IN (SELECT unnest($modalities::VARCHAR[]))"""

_SIDES = f"""SELECT h.id, h.goldstein, h.event_date, 'source' AS side,
        e.source_kb_id AS kb_id, e.source_code AS code, e.source_name AS name,
        e.source_text AS text, e.source_country AS country, e.source_role AS role,
        e.target_country AS partner
    FROM happenings h JOIN events e ON e.id = h.id WHERE {_WHEN}
    UNION ALL
    SELECT h.id, h.goldstein, h.event_date, 'target', e.target_kb_id, e.target_code,
        e.target_name, e.target_text, e.target_country, e.target_role, e.source_country
    FROM happenings h JOIN events e ON e.id = h.id WHERE e.target_text IS NOT NULL AND {_WHEN}"""

_ACTOR_ID = "coalesce(kb_id, code, lower(text))"


def top_actors(store, *, since: object = None, until: object = None, limit: int = 20,
               role: str = "any", modalities: tuple[str, ...] = ("asserted",)) -> list[dict[str, Any]]:
    """The actors in most happenings: ``{id, code, name, country, events, as_source,
    as_target, goldstein_mean}``; ``role`` = ``any``, ``source`` or ``target``."""
    if role not in ("any", "source", "target"):
        raise QueryError(f"role must be any, source or target (got {role!r})")
    page, page_params = paging(limit, 0)
    having = "" if role == "any" else f" HAVING as_{role} > 0"
    order = "events" if role == "any" else f"as_{role}"
    sql = f"""SELECT {_ACTOR_ID} AS id, mode(code) AS code, mode(coalesce(name, text)) AS name,
        mode(country) AS country, count(DISTINCT sides.id) AS events,
        count(*) FILTER (WHERE side = 'source') AS as_source,
        count(*) FILTER (WHERE side = 'target') AS as_target,
        round(avg(goldstein), 3) AS goldstein_mean
        FROM ({_SIDES}) sides GROUP BY 1{having} ORDER BY {order} DESC, id{page}"""
    return store.query(sql, {**window(since, until, modalities), **page_params})


def actor(store, actor_id: str, *, by: str = "year") -> Optional[dict[str, Any]]:
    """One actor: names and codes it appears under, its roles over time (offices held on
    the event dates), its top partner countries, and its most reported happenings."""
    if not isinstance(actor_id, str) or not actor_id.strip():
        raise QueryError("actor id must be a kb_id, a CAMEO code or words")
    params = {**window(None, None, MODALITIES), "actor": actor_id.strip(), "by": check_period(by)}
    mine = f"SELECT * FROM ({_SIDES}) WHERE {_ACTOR_ID} = $actor"
    summary = store.query(f"""SELECT mode(code) AS code, mode(coalesce(name, text)) AS name,
        mode(country) AS country, count(DISTINCT id) AS events,
        count(*) FILTER (WHERE side = 'source') AS as_source,
        count(*) FILTER (WHERE side = 'target') AS as_target,
        list(DISTINCT text ORDER BY text) AS texts FROM ({mine})""", params)[0]
    if not summary["events"]:
        return None
    roles = store.query(f"""SELECT CAST(date_trunc($by, event_date) AS DATE) AS start, role,
        count(*) AS events FROM ({mine}) WHERE event_date IS NOT NULL
        GROUP BY ALL ORDER BY start, events DESC, role""", params)
    partners = store.query(f"""SELECT partner AS country, count(*) AS events,
        round(avg(goldstein), 3) AS goldstein_mean FROM ({mine}) WHERE partner IS NOT NULL
        GROUP BY ALL ORDER BY events DESC, country LIMIT 10""", params)
    events = store.query(f"""SELECT h.id, strftime(h.event_date, '%Y-%m-%d') AS event_date,
        h.cameo, e.plover, h.goldstein, h.num_articles, m.side, e.sentence
        FROM ({mine}) m JOIN happenings h ON h.id = m.id JOIN events e ON e.id = h.id
        ORDER BY h.num_articles DESC, h.event_date DESC NULLS LAST, h.id LIMIT 20""", params)
    for r in roles:
        r["period"] = period_label(r.pop("start"), by)
    return {"id": actor_id.strip(), **summary, "roles": roles, "partners": partners,
            "top_events": events}


def issues_over_time(store, *, by: str = "month", since: object = None, until: object = None,
                     modalities: tuple[str, ...] = ("asserted",)) -> list[dict[str, Any]]:
    """Happenings per issue tag and period: ``{period, start, issue, events, articles}``."""
    check_period(by)
    rows = store.query(f"""SELECT CAST(date_trunc($by, event_date) AS DATE) AS start, issue,
        count(*) AS events, sum(num_articles) AS articles FROM (
            SELECT h.event_date, h.num_articles, unnest(h.issues) AS issue FROM happenings h
            WHERE h.event_date IS NOT NULL AND {_WHEN})
        GROUP BY ALL ORDER BY start, events DESC, issue""",
        {**window(since, until, modalities), "by": by})
    return [{"period": period_label(r["start"], by), "start": r["start"].isoformat(),
             "issue": r["issue"], "events": r["events"], "articles": int(r["articles"])}
            for r in rows]


def network(store, *, since: object = None, until: object = None, min_events: int = 1,
            modalities: tuple[str, ...] = ("asserted",)) -> dict[str, Any]:
    """The directed country network: ``{nodes: [{id, events}], edges: [{source, target,
    events, cooperative, conflictual, goldstein_mean, articles}]}`` (domestic pairs left out)."""
    if isinstance(min_events, bool) or not isinstance(min_events, int) or min_events < 1:
        raise QueryError(f"min_events must be a whole number >= 1 (got {min_events!r})")
    edges = store.query(f"""SELECT h.source_country AS source, h.target_country AS target,
        count(*) AS events,
        count(*) FILTER (WHERE h.quad_class IN (1, 2) AND h.goldstein > 0) AS cooperative,
        count(*) FILTER (WHERE h.quad_class IN (3, 4) AND h.goldstein < 0) AS conflictual,
        round(avg(h.goldstein), 3) AS goldstein_mean, sum(h.num_articles) AS articles
        FROM happenings h WHERE h.source_country IS NOT NULL AND h.target_country IS NOT NULL
        AND h.source_country <> h.target_country AND {_WHEN}
        GROUP BY ALL HAVING count(*) >= $min ORDER BY events DESC, source, target""",
        {**window(since, until, modalities), "min": min_events})
    totals: dict[str, int] = {}
    for e in edges:
        e["articles"] = int(e["articles"])
        for side in ("source", "target"):
            totals[e[side]] = totals.get(e[side], 0) + e["events"]
    nodes = [{"id": c, "events": n} for c, n in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))]
    return {"nodes": nodes, "edges": edges}
