"""Dating an undated article from its contents.

Evidence, strongest first:

* a person named *with* one of their office titles ("Secretary of State John
  Kerry", "President Barack Obama") — the article falls inside that term;
* the latest year the text mentions as a date (not "by 2030") — the article
  was written in or after that year;
* the month named most often in dates without a year ("on January 15",
  "end-January") — news names the days around its own date that way, so the
  estimate moves to that month's nearest occurrence inside the interval.

The terms are intersected; the result is an interval [lo, hi] and an
estimate inside it (the article date used to anchor "on Friday"). Returns
None when the text offers no evidence.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Optional, Sequence

from ..types import Mention
from .kb import KnowledgeBase

FUTURE_MARKERS = {"by", "until", "till", "before", "beyond"}
YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december")
MONTH = re.compile(r"\b(" + "|".join(MONTHS) + r")\b", re.IGNORECASE)


@dataclass(frozen=True)
class InferredDate:
    estimate: dt.date
    lo: dt.date
    hi: dt.date
    basis: str  # human-readable: which offices and years decided it


def _titled_terms(kb: KnowledgeBase, m: Mention) -> list[tuple[str, dt.date, dt.date]]:
    kind, _, pid = m.ref.partition(":")
    if kind != "person" or pid not in kb.people:
        return []
    text = m.actor.text.lower()
    out = []
    for office, term in kb.terms_of(pid):
        words = [office.title, *office.titles]
        if any(w.lower() in text for w in words if len(w) > 3):
            out.append((f"{kb.people[pid].name} as {office.title}", term.start, term.end or dt.date.max))
    return out


def latest_year(doc, today: dt.date) -> Optional[int]:
    years = []
    for ent in doc.ents:
        if ent.label_ != "DATE":
            continue
        before = doc[ent.start - 1].lower_ if ent.start > 0 else ""
        if before in FUTURE_MARKERS:
            continue
        years += [int(y) for y in YEAR.findall(ent.text) if int(y) <= today.year]
    return max(years) if years else None


def yearless_month(doc) -> Optional[int]:
    """The month (1-12) named most often in date expressions that carry no year; ties go to
    the month named first. None when there are none."""
    counts: dict[int, int] = {}
    for ent in doc.ents:
        if ent.label_ == "DATE" and not YEAR.search(ent.text):
            for name in MONTH.findall(ent.text):
                m = MONTHS.index(name.lower()) + 1
                counts[m] = counts.get(m, 0) + 1
    return max(counts, key=lambda m: counts[m]) if counts else None


def _nearest_month(month: int, estimate: dt.date, lo: dt.date, hi: dt.date) -> Optional[dt.date]:
    """The middle of ``month`` nearest to ``estimate`` that lies in [lo, hi]."""
    options = [dt.date(y, month, 15) for y in range(estimate.year - 1, estimate.year + 2)]
    inside = [d for d in options if lo <= d <= hi]
    return min(inside, key=lambda d: abs(d - estimate)) if inside else None


def infer_date(kb: KnowledgeBase, mentions: Sequence[Mention], doc,
               today: Optional[dt.date] = None) -> Optional[InferredDate]:
    today = today or dt.date.today()
    lo, hi = dt.date(1900, 1, 1), today
    reasons: list[str] = []
    for m in mentions:
        for terms in [_titled_terms(kb, m)]:
            if not terms:
                continue
            t_lo = min(t[1] for t in terms)
            t_hi = max(t[2] for t in terms)
            if max(lo, t_lo) <= min(hi, t_hi):  # ignore evidence that contradicts the rest
                lo, hi = max(lo, t_lo), min(hi, t_hi)
                reasons.append(terms[0][0])
    year = latest_year(doc, today)
    if year is not None and dt.date(year, 1, 1) <= hi:
        lo = max(lo, dt.date(year, 1, 1))
        reasons.append(f"mentions {year}")
        if not any("as" in r for r in reasons[:-1]):
            hi = min(hi, dt.date(year + 1, 12, 31))
    if not reasons:
        return None
    estimate = lo + (hi - lo) / 2
    month = yearless_month(doc)
    near = _nearest_month(month, estimate, lo, hi) if month else None
    if near is not None:
        estimate = near
        reasons.append(f"names {MONTHS[month - 1].title()} without a year")
    return InferredDate(estimate=estimate, lo=lo, hi=hi, basis="; ".join(dict.fromkeys(reasons)))
