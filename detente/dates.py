"""Temporal expressions -> calendar dates, anchored to the article date.

Handles the forms news uses: "on Friday", "a day earlier", "yesterday",
"last week", "three days ago", "in April 2021", "on 19 May", "January 9 and
10", "end-January", "January 1", "2014". Weekday and month-without-year forms
carry both a past and a future reading; the coder picks one by modality.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import replace
from typing import Iterable, Iterator, Optional

from .types import ResolvedArticle, TimeExpression

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9
WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
           "seven": 7, "eight": 8, "nine": 9, "ten": 10, "several": 3, "few": 3, "couple": 2}
UNITS = {"day": 1, "days": 1, "week": 7, "weeks": 7, "month": 30, "months": 30, "year": 365, "years": 365}

_MON = r"(?P<mon>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
RE_ISO = re.compile(r"\b(?P<y>(19|20)\d\d)-(?P<m>\d\d)-(?P<d>\d\d)\b")
RE_DAY_MON = re.compile(r"\b(?P<d>\d{1,2})(st|nd|rd|th)?\s+(of\s+)?" + _MON + r"(,?\s+(?P<y>(19|20)\d\d))?", re.I)
RE_MON_DAY = re.compile(_MON + r"\s+(?P<d>\d{1,2})(st|nd|rd|th)?(\s*(and|-|–|to)\s*(?P<d2>\d{1,2}))?(,?\s+(?P<y>(19|20)\d\d))?\b", re.I)
RE_MON_YEAR = re.compile(r"\b(?P<edge>(early|mid|late|end|beginning of|end of|start of)[- ])?" + _MON + r"(\s+(of\s+)?(?P<y>(19|20)\d\d))?\b", re.I)
RE_YEAR = re.compile(r"\b(?P<y>(19|20)\d\d)\b")
RE_AGO = re.compile(r"\b(?P<n>\d+|" + "|".join(NUMBERS) + r")\s+(?P<u>days?|weeks?|months?|years?)\s+(ago|earlier|before|later)\b", re.I)
RE_REL_DAY = re.compile(r"\b(a|one|the)\s+day\s+(earlier|before|later|after)\b|\bthe\s+(previous|next|following)\s+day\b", re.I)


def _iso(d: dt.date) -> str:
    return d.isoformat()


def _safe_date(y: int, m: int, d: int) -> Optional[dt.date]:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _shift_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    return dt.date(d.year + y, m + 1, min(d.day, 28))


def resolve_expression(text: str, ref: Optional[dt.date], previous: Optional[dt.date] = None
                       ) -> Optional[dict]:
    """Anchor one expression. Returns date, precision, basis, future_date, end_date."""
    t = text.strip().lower()
    m = RE_ISO.search(t)
    if m:
        d = _safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
        return d and {"date": d, "precision": "day", "basis": "explicit"}
    for rx in (RE_DAY_MON, RE_MON_DAY):
        m = rx.search(t)
        if m:
            return _day_month(m, ref)
    if ref is None:
        m = RE_YEAR.search(t)
        return {"date": dt.date(int(m["y"]), 1, 1), "precision": "year", "basis": "explicit"} if m else None
    return _relative(t, ref, previous) or _month_or_year(t, ref)


def _day_month(m: re.Match, ref: Optional[dt.date]) -> Optional[dict]:
    mon = MONTHS[m["mon"].lower().rstrip(".")]
    day = int(m["d"])
    end_day = int(m["d2"]) if m.groupdict().get("d2") else None
    if m["y"]:
        d = _safe_date(int(m["y"]), mon, day)
        out = d and {"date": d, "precision": "day", "basis": "explicit"}
    elif ref is None:
        return None
    else:
        past = _safe_date(ref.year, mon, day)
        if past is None:
            return None
        future = past
        if past > ref + dt.timedelta(days=7):
            past = _safe_date(ref.year - 1, mon, day) or past
        if future < ref - dt.timedelta(days=7):
            future = _safe_date(ref.year + 1, mon, day) or future
        out = {"date": past, "future_date": future, "precision": "day", "basis": "relative"}
    if out and end_day:
        out["end_date"] = _safe_date(out["date"].year, mon, end_day)
        if out.get("future_date"):
            out["future_end_date"] = _safe_date(out["future_date"].year, mon, end_day)
    return out


def _relative(t: str, ref: dt.date, previous: Optional[dt.date]) -> Optional[dict]:
    base = previous or ref
    if re.search(r"\b(today|tonight|this morning|this afternoon|this evening)\b", t):
        return {"date": ref, "precision": "day", "basis": "relative"}
    if "yesterday" in t:
        return {"date": ref - dt.timedelta(days=1), "precision": "day", "basis": "relative"}
    if "tomorrow" in t:
        return {"date": ref + dt.timedelta(days=1), "precision": "day", "basis": "relative"}
    m = RE_REL_DAY.search(t)
    if m:
        later = any(w in m.group(0).lower() for w in ("later", "after", "next", "following"))
        return {"date": base + dt.timedelta(days=1 if later else -1), "precision": "day", "basis": "relative"}
    for name, wd in WEEKDAYS.items():
        if re.search(rf"\b{name}\b", t):
            back = (ref.weekday() - wd) % 7
            fwd = (wd - ref.weekday()) % 7
            past = ref - dt.timedelta(days=back)
            if re.search(r"\blast\b", t) and back == 0:
                past -= dt.timedelta(days=7)
            future = ref + dt.timedelta(days=fwd if (fwd or not re.search(r"\bnext\b", t)) else 7)
            return {"date": past, "future_date": future, "precision": "day", "basis": "relative"}
    m = RE_AGO.search(t)
    if m:
        n = int(m["n"]) if m["n"].isdigit() else NUMBERS[m["n"].lower()]
        unit = m["u"].lower()
        sign = 1 if m.group(0).lower().endswith(("later",)) else -1
        anchor = ref if m.group(0).lower().endswith("ago") else base
        prec = "day" if unit.startswith(("day", "week")) else ("month" if unit.startswith("month") else "year")
        return {"date": anchor + sign * dt.timedelta(days=n * UNITS[unit]), "precision": prec, "basis": "relative"}
    return _last_next(t, ref)


def _last_next(t: str, ref: dt.date) -> Optional[dict]:
    m = re.search(r"\b(last|past|previous|next|this|coming)\s+(week|month|year)\b", t)
    if not m:
        return None
    step = {"last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1, "this": 0}[m[1]]
    unit = m[2]
    if unit == "week":
        d = ref + dt.timedelta(days=7 * step)
        return {"date": d - dt.timedelta(days=d.weekday()), "precision": "day", "basis": "relative"}
    if unit == "month":
        d = _shift_months(ref, step)
        return {"date": d.replace(day=1), "precision": "month", "basis": "relative"}
    return {"date": dt.date(ref.year + step, 1, 1), "precision": "year", "basis": "relative"}


def _month_or_year(t: str, ref: dt.date) -> Optional[dict]:
    m = RE_MON_YEAR.search(t)
    if m:
        mon = MONTHS[m["mon"].lower().rstrip(".")]
        edge = (m["edge"] or "").lower()
        day = 25 if edge.startswith(("end", "late")) else (15 if edge.startswith("mid") else 1)
        if m["y"]:
            return {"date": dt.date(int(m["y"]), mon, day), "precision": "month", "basis": "explicit"}
        past = dt.date(ref.year, mon, day)
        if past > ref:  # "in June" or "end-January" said of the past: the last one before the article
            past = dt.date(ref.year - 1, mon, day)
        future = dt.date(ref.year, mon, day)
        if future < ref.replace(day=1):
            future = dt.date(ref.year + 1, mon, day)
        return {"date": past, "future_date": future, "precision": "month", "basis": "relative"}
    m = RE_YEAR.search(t)
    if m:
        return {"date": dt.date(int(m["y"]), 1, 1), "precision": "year", "basis": "explicit"}
    return None


_EDGE_WORDS = re.compile(r"\b(end|mid|early|late)-(" + "|".join(calendar.month_name[1:]) + r")\b")


class DateResolver:
    """Stage: ResolvedArticle -> ResolvedArticle with ``times`` filled."""

    def __call__(self, articles: Iterable[ResolvedArticle]) -> Iterator[ResolvedArticle]:
        for r in articles:
            yield replace(r, times=self.times(r))

    def times(self, r: ResolvedArticle) -> tuple[TimeExpression, ...]:
        doc = r.parsed.doc
        ref = dt.date.fromisoformat(r.article.published) if r.article.published else None
        out: list[TimeExpression] = []
        previous: Optional[dt.date] = None  # "a day earlier" counts from the last date mentioned
        for si, sent in enumerate(doc.sents):
            ents = r.parsed.ents[si] if r.parsed.ents else tuple(sent.ents)
            for span in self._spans(doc, sent, ents):
                res = resolve_expression(span.text, ref, previous)
                if not res or not res.get("date"):
                    continue
                previous = res["date"]
                out.append(TimeExpression(
                    sentence_index=si, text=span.text, start=span.start_char, end=span.end_char,
                    tok_start=span.start, tok_end=span.end, date=_iso(res["date"]),
                    precision=res["precision"], basis=res["basis"],
                    end_date=_iso(res["end_date"]) if res.get("end_date") else None,
                    future_date=_iso(res["future_date"]) if res.get("future_date") else None))
        return tuple(out)

    @staticmethod
    def _spans(doc, sent, ents) -> list:
        spans = [e for e in ents if e.label_ in ("DATE", "TIME")]
        taken = {i for e in spans for i in range(e.start, e.end)}
        for m in _EDGE_WORDS.finditer(sent.text):
            span = doc.char_span(sent.start_char + m.start(), sent.start_char + m.end(),
                                 alignment_mode="expand")
            if span is not None and not any(i in taken for i in range(span.start, span.end)):
                spans.append(span)
        return sorted(spans, key=lambda s: s.start)
