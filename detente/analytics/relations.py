"""How relations between two countries move: a dyad's series by period.

Counted over *happenings* (merged events, see ``store/merge.py``), so that a meeting
reported by fifty articles counts once; ``articles`` says how much it was reported.
By default only ``asserted`` happenings count: a planned meeting, a hypothetical or a
denied event is not something that happened (``modalities`` widens that).

Per period and direction (``a_to_b``: A did it to B, ``b_to_a``, and ``both``):
counts by quad class, mean and summed Goldstein, and the cooperation–conflict index

    index = (cooperative − conflictual) / (cooperative + conflictual)

where cooperative = happenings of quad class 1–2 with Goldstein > 0 and conflictual =
quad class 3–4 (Goldstein < 0). Neutral statements (Goldstein 0) do not move it. It runs
from −1 (only conflict) to +1 (only cooperation) and is null when neither occurred.
The top issues are the commonest topic tags; the top events the most reported
happenings (then the strongest by |Goldstein|).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Optional

from ..errors import QueryError
from ..store.query import country, query_date

PERIODS = ("day", "week", "month", "quarter", "year")
MODALITIES = ("asserted", "planned", "hypothetical", "negated")
DIRECTIONS = ("a_to_b", "b_to_a", "both")
TOP = 3

_DYAD = """event_date IS NOT NULL AND modality IN (SELECT unnest($modalities::VARCHAR[]))
    AND ((source_country = $a AND target_country = $b) OR (source_country = $b AND target_country = $a))
    AND (CAST($since AS DATE) IS NULL OR event_date >= CAST($since AS DATE))
    AND (CAST($until AS DATE) IS NULL OR event_date <= CAST($until AS DATE))"""

_COUNTS = f"""SELECT CAST(date_trunc($by, event_date) AS DATE) AS start,
    CASE WHEN source_country = $a THEN 'a_to_b' ELSE 'b_to_a' END AS direction,
    count(*) AS events, sum(num_articles) AS articles,
    count(*) FILTER (WHERE quad_class = 1) AS verbal_coop,
    count(*) FILTER (WHERE quad_class = 2) AS material_coop,
    count(*) FILTER (WHERE quad_class = 3) AS verbal_conflict,
    count(*) FILTER (WHERE quad_class = 4) AS material_conflict,
    count(*) FILTER (WHERE quad_class IN (1, 2) AND goldstein > 0) AS cooperative,
    count(*) FILTER (WHERE quad_class IN (3, 4) AND goldstein < 0) AS conflictual,
    sum(goldstein) AS goldstein_sum
    FROM happenings WHERE {_DYAD} GROUP BY ALL ORDER BY start, direction"""

_ISSUES = f"""SELECT start, issue, count(*) AS n FROM (
    SELECT CAST(date_trunc($by, event_date) AS DATE) AS start, unnest(issues) AS issue
    FROM happenings WHERE {_DYAD}) GROUP BY ALL"""

_TOP_EVENTS = f"""SELECT * FROM (
    SELECT CAST(date_trunc($by, h.event_date) AS DATE) AS start, h.id, h.cameo, e.plover,
        strftime(h.event_date, '%Y-%m-%d') AS event_date, h.quad_class, h.goldstein,
        h.num_articles, h.source_country, h.target_country, e.sentence,
        row_number() OVER (PARTITION BY date_trunc($by, h.event_date)
                           ORDER BY h.num_articles DESC, abs(h.goldstein) DESC, h.id) AS rank
    FROM (SELECT * FROM happenings WHERE {_DYAD}) h JOIN events e ON e.id = h.id)
    WHERE rank <= $top ORDER BY start, rank"""


@dataclass(frozen=True)
class Period:
    """One period of one direction of a dyad."""

    period: str
    start: str
    direction: str
    events: int = 0
    articles: int = 0
    verbal_coop: int = 0
    material_coop: int = 0
    verbal_conflict: int = 0
    material_conflict: int = 0
    cooperative: int = 0
    conflictual: int = 0
    goldstein_sum: float = 0.0
    top_issues: tuple[str, ...] = ()
    top_events: tuple[dict[str, Any], ...] = ()

    @property
    def goldstein_mean(self) -> Optional[float]:
        return self.goldstein_sum / self.events if self.events else None

    @property
    def index(self) -> Optional[float]:
        n = self.cooperative + self.conflictual
        return (self.cooperative - self.conflictual) / n if n else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "period": self.period, "start": self.start, "direction": self.direction,
            "events": self.events, "articles": self.articles,
            "verbal_coop": self.verbal_coop, "material_coop": self.material_coop,
            "verbal_conflict": self.verbal_conflict, "material_conflict": self.material_conflict,
            "goldstein_mean": _round(self.goldstein_mean), "goldstein_sum": _round(self.goldstein_sum),
            "index": _round(self.index), "top_issues": list(self.top_issues),
            "top_events": [dict(e) for e in self.top_events],
        }


@dataclass(frozen=True)
class TurningPoint:
    """A change in a dyad's index: ``thaw`` (warmer after) or ``chill``."""

    period: str
    start: str
    kind: str
    before: float
    after: float
    events: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"period": self.period, "start": self.start, "kind": self.kind,
                "before": _round(self.before), "after": _round(self.after),
                "events": list(self.events)}


@dataclass(frozen=True)
class Relations:
    a: str
    b: str
    by: str
    since: Optional[str]
    until: Optional[str]
    modalities: tuple[str, ...]
    series: dict[str, list[Period]] = field(default_factory=dict)
    turning_points: tuple[TurningPoint, ...] = ()

    def rows(self, direction: Optional[str] = None) -> list[Period]:
        """Periods of one direction (or of every direction, period by period)."""
        if direction is not None:
            return list(self.series.get(direction, []))
        return sorted((p for d in DIRECTIONS for p in self.series.get(d, [])),
                      key=lambda p: (p.start, DIRECTIONS.index(p.direction)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a, "b": self.b, "by": self.by, "since": self.since, "until": self.until,
            "modalities": list(self.modalities),
            "series": {d: [p.to_dict() for p in self.series.get(d, [])] for d in DIRECTIONS},
            "turning_points": [t.to_dict() for t in self.turning_points],
        }


def relations(store, a: str, b: str, *, by: str = "month", since: object = None,
              until: object = None, modalities: tuple[str, ...] = ("asserted",),
              turning_points: bool = True) -> Relations:
    """The series of the dyad a–b (ISO3 countries) by ``by`` (day … year)."""
    params = _params(a, b, by, since, until, modalities)
    counts = store.query(_COUNTS, params)
    issues = _top_issues(store.query(_ISSUES, params))
    top = _top_events(store.query(_TOP_EVENTS, {**params, "top": TOP}))
    series = {d: [] for d in DIRECTIONS}
    for row in counts:
        start = row.pop("start")
        series[row["direction"]].append(Period(
            period=period_label(start, by), start=start.isoformat(),
            **{k: (float(v) if k == "goldstein_sum" else int(v)) for k, v in row.items()
               if k != "direction"}, direction=row["direction"],
            top_issues=issues.get(start, ()), top_events=top.get(start, ())))
    series["both"] = _combine(series["a_to_b"] + series["b_to_a"], issues, top)
    found: tuple[TurningPoint, ...] = ()
    if turning_points:
        from .turning import turning_points as find

        found = tuple(find(series["both"], by))
    return Relations(params["a"], params["b"], by, _iso(params["since"]), _iso(params["until"]),
                     tuple(params["modalities"]), series, found)


def _params(a: str, b: str, by: str, since: object, until: object,
            modalities: tuple[str, ...]) -> dict[str, Any]:
    a, b = country(a, "a"), country(b, "b")
    if a == b:
        raise QueryError(f"a and b are the same country ({a}); give two different ones")
    return {"a": a, "b": b, "by": check_period(by), **window(since, until, modalities)}


def check_period(by: str) -> str:
    if by not in PERIODS:
        raise QueryError(f"by must be one of {', '.join(PERIODS)} (got {by!r})")
    return by


def window(since: object, until: object, modalities: tuple[str, ...]) -> dict[str, Any]:
    """Validated ``$since``, ``$until`` and ``$modalities`` parameters of a query."""
    bad = [m for m in modalities if m not in MODALITIES]
    if bad or not modalities:
        raise QueryError(f"modalities must be some of {', '.join(MODALITIES)} (got {bad or 'none'})")
    start, end = query_date(since, "since"), query_date(until, "until")
    if start and end and start > end:
        raise QueryError(f"since ({start}) is after until ({end}); swap them")
    return {"since": start, "until": end, "modalities": list(modalities)}


def period_label(start: date, by: str) -> str:
    """``2021-12-30`` (day), ``2021-W52`` (ISO week), ``2021-12``, ``2021-Q4``, ``2021``."""
    if by == "day":
        return start.isoformat()
    if by == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    if by == "month":
        return f"{start.year}-{start.month:02d}"
    if by == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return str(start.year)


def _combine(rows: list[Period], issues: dict, top: dict) -> list[Period]:
    """Both directions of each period summed into one ``both`` row."""
    by_start: dict[str, list[Period]] = {}
    for p in rows:
        by_start.setdefault(p.start, []).append(p)
    numeric = ("events", "articles", "verbal_coop", "material_coop", "verbal_conflict",
               "material_conflict", "cooperative", "conflictual", "goldstein_sum")
    out = []
    for start in sorted(by_start):
        parts = by_start[start]
        day = date.fromisoformat(start)
        out.append(Period(period=parts[0].period, start=start, direction="both",
                          **{k: sum(getattr(p, k) for p in parts) for k in numeric},
                          top_issues=issues.get(day, ()), top_events=top.get(day, ())))
    return out


def _top_issues(rows: list[dict[str, Any]]) -> dict[date, tuple[str, ...]]:
    ranked: dict[date, list[tuple[int, str]]] = {}
    for r in rows:
        ranked.setdefault(r["start"], []).append((-int(r["n"]), r["issue"]))
    return {k: tuple(issue for _, issue in sorted(v)[:TOP]) for k, v in ranked.items()}


def _top_events(rows: list[dict[str, Any]]) -> dict[date, tuple[dict[str, Any], ...]]:
    out: dict[date, list[dict[str, Any]]] = {}
    for r in rows:
        start = r.pop("start")
        r.pop("rank")
        r["goldstein"] = float(r["goldstein"])
        out.setdefault(start, []).append(r)
    return {k: tuple(v) for k, v in out.items()}


def _round(x: Optional[float]) -> Optional[float]:
    return None if x is None else round(float(x), 4)


def _iso(d: Optional[date]) -> Optional[str]:
    return d.isoformat() if d else None
