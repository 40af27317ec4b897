"""One event, many reports — within one article.

An article often reports the same event more than once: "Putin's phone call to
Cameron on Monday" ... "Cameron's 30-minute phone conversation with Putin" ...
"yesterday's phone call". Each sentence is coded on its own (coder.py); here the
reports of one event are folded into one:

- ``most_specific``: in one sentence, a generic code ("130" threaten) is dropped
  when the same source did something more specific of the same kind to the same
  target ("1312" threaten with sanctions);
- ``merge_reports``: across sentences, events with the same source, target, CAMEO
  root and modality are one event when their dates agree (the same day, a day
  within the month or year the other gives, or one of them has no date of its
  own). The report with the most precise date of its own is kept; a place
  another report gives fills in a missing one. Two triggers of one sentence with
  different specific codes are two acts, not two reports ("imposed sanctions on X
  and expelled ten diplomats": 163 and 161).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Optional

from ..types import Actor, Event

PRECISION_RANK = {"day": 3, "month": 2, "year": 1, None: 0}
MUTUAL_ROOTS = {"03", "04", "05", "06"}  # done with each other: intent, consult, diplomatic and material cooperation


def _who(a: Optional[Actor]) -> str:
    return (a.kb_id or a.code or a.text) if a is not None else ""


def _key(e: Event) -> tuple:
    return _who(e.source), _who(e.target), e.cameo_root, e.modality


def _pair_key(e: Event) -> tuple:
    """Cooperation (consult, agree, cooperate) is done with each other: the unordered pair."""
    pair = (_who(e.source), _who(e.target))
    if e.cameo_root in MUTUAL_ROOTS:
        pair = tuple(sorted(pair))
    return (*pair, e.cameo_root, e.modality)


def _generic(e: Event) -> bool:
    """The root's own code ("130" threaten), not one of its kinds ("1312")."""
    return e.cameo == e.cameo_root + "0"


def most_specific(events: list[Event]) -> list[Event]:
    """Drop "130" when "1312" says the same of the same pair in the same sentence."""
    specific = {(e.sentence_index, *_key(e)) for e in events if not _generic(e)}
    return [e for e in events
            if not (_generic(e) and (e.sentence_index, *_key(e)) in specific)]


def _same_time(a: Event, b: Event, dated: set[str]) -> bool:
    if a.id not in dated or b.id not in dated:
        return True  # one report does not say when: nothing says they differ
    if not a.event_date or not b.event_date:
        return a.event_date == b.event_date
    width = min(PRECISION_RANK[a.date_precision], PRECISION_RANK[b.date_precision])
    cut = {3: 10, 2: 7, 1: 4}.get(width, 0)
    return a.event_date[:cut] == b.event_date[:cut]


def _two_acts(a: Event, b: Event) -> bool:
    """Different specific codes of one root in one sentence name two acts."""
    return (a.sentence_index == b.sentence_index and a.cameo != b.cameo
            and not _generic(a) and not _generic(b))


def _rank(e: Event, dated: set[str]) -> tuple:
    return (e.id in dated, PRECISION_RANK[e.date_precision] if e.id in dated else 0,
            not _generic(e))


def merge_reports(events: list[Event], dated: set[str]) -> list[Event]:
    """Fold the reports of one event (events in text order) into the best-dated report.

    A report is what one trigger says about one pair (both directions of "X met Y");
    two reports of the same pair and kind, by different triggers, with dates that agree
    are one event. The best-dated report's events are kept, the others dropped.
    """
    reports: dict[tuple, list[Event]] = {}
    for e in events:
        reports.setdefault((e.trigger.start, _pair_key(e)), []).append(e)
    kept: list[tuple[tuple, list[Event]]] = []
    for (trigger, key), evs in reports.items():
        match = next((i for i in range(len(kept) - 1, -1, -1)  # the nearest earlier report
                      if kept[i][0][1] == key and kept[i][0][0] != trigger
                      and not _two_acts(kept[i][1][0], evs[0])
                      and _same_time(kept[i][1][0], evs[0], dated)), None)
        if match is None:
            kept.append(((trigger, key), evs))
            continue
        old = kept[match][1]
        best, other = (evs, old) if _rank(evs[0], dated) > _rank(old[0], dated) else (old, evs)
        place = next((e.location for e in other if e.location is not None), None)
        if place is not None:
            best = [e if e.location is not None else replace(e, location=place) for e in best]
        kept[match] = ((best[0].trigger.start, key), best)
    return [e for _, evs in kept for e in evs]
