"""Scoring extracted events against extraction gold, record by record.

Within a record, gold events and predicted events are matched one to one, greedily,
best pair first (a pair that also agrees on the full code and on both actors goes
before one that agrees on the root only); every match criterion has its own matching.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Literal, Optional, Sequence

from ..types import Actor, Article, CodedArticle, Event
from .codes import PLOVER_TYPES, Code, CodeBook, Scheme, codes_agree, label
from .gold import GoldEvent, GoldFile
from .metrics import NONE, Confusion, Counts

Level = Literal["root", "full"]
Match = Literal["code", "code_dyad"]
LEVELS: tuple[Level, ...] = ("root", "full")
MATCHES: tuple[Match, ...] = ("code", "code_dyad")
WILDCARD_ACTORS = frozenset({"---", "###"})  # PETRARCH's "country unknown"
Run = Callable[[list[Article]], Iterable[CodedArticle]]


@dataclass(frozen=True)
class PredictedEvent:
    code: Code
    source_code: Optional[str]
    source_country: Optional[str]
    target_code: Optional[str]
    target_country: Optional[str]

    @classmethod
    def of(cls, event: Event, book: CodeBook) -> "PredictedEvent":
        def parts(actor: Optional[Actor]) -> tuple[Optional[str], Optional[str]]:
            return (actor.code, actor.country) if actor is not None else (None, None)

        return cls(book.normalise(event.cameo), *parts(event.source), *parts(event.target))


def actor_matches(gold: Optional[str], code: Optional[str], country: Optional[str]) -> bool:
    """Does a predicted actor (CAMEO code, ISO3 country) match a gold actor code?

    A gold actor that is null (or PETRARCH's ``---``) matches anything. Otherwise the
    predicted code equals the gold code or starts with it (``USA`` ~ ``USAGOV``), or the
    gold code's first three letters are the predicted country (``USAGOV`` ~ country USA).
    ``---GOV`` (a government of an unknown country) matches any ``…GOV`` code.
    """
    if gold is None or gold.upper() in WILDCARD_ACTORS:
        return True
    g = gold.upper()
    c = (code or "").upper()
    if g[:3] in WILDCARD_ACTORS:
        return len(c) > 3 and c[3:].startswith(g[3:])
    return (bool(c) and c.startswith(g)) or (country or "").upper() == g[:3]


def _actors(g: GoldEvent, p: PredictedEvent) -> tuple[bool, bool]:
    return (actor_matches(g.source, p.source_code, p.source_country),
            actor_matches(g.target, p.target_code, p.target_country))


@dataclass(frozen=True)
class RecordOutcome:
    """How one gold record scored (kept for error analysis; not in the JSON report)."""

    id: str
    where: str
    gold: tuple[GoldEvent, ...]
    predicted: tuple[PredictedEvent, ...]
    counts: dict[tuple[Level, Match], Counts]
    dyads: tuple[tuple[bool, bool], ...]  # (source ok, target ok) of each root-level code match
    confusion: tuple[tuple[str, str], ...]  # (gold label, predicted label), "none" for a miss


def match(gold: Sequence[GoldEvent], predicted: Sequence[PredictedEvent], level: Level,
          with_dyad: bool) -> list[tuple[int, int]]:
    """One-to-one greedy matching, best pair first; returns (gold index, predicted index)."""
    candidates = []
    for i, g in enumerate(gold):
        for j, p in enumerate(predicted):
            if not codes_agree(g.code, p.code, level):
                continue
            src, tgt = _actors(g, p)
            if with_dyad and not (src and tgt):
                continue
            quality = (codes_agree(g.code, p.code, "full"), src and tgt, src + tgt)
            candidates.append((quality, i, j))
    candidates.sort(key=lambda c: (tuple(-int(q) for q in c[0]), c[1], c[2]))
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = []
    for _, i, j in candidates:
        if i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
            pairs.append((i, j))
    return sorted(pairs)


def score_record(gold: Sequence[GoldEvent], predicted: Sequence[PredictedEvent], scheme: Scheme,
                 *, id: str = "", where: str = "") -> RecordOutcome:
    """Counts at both levels, dyad agreement and confusion pairs for one record."""
    counts = {}
    for level in LEVELS:
        for m in MATCHES:
            tp = len(match(gold, predicted, level, m == "code_dyad"))
            counts[(level, m)] = Counts(tp, len(predicted) - tp, len(gold) - tp)
    pairs = match(gold, predicted, "root", False)
    dyads = tuple(_actors(gold[i], predicted[j]) for i, j in pairs)
    return RecordOutcome(id, where, tuple(gold), tuple(predicted), counts, dyads,
                         tuple(_confusion_pairs(gold, predicted, pairs, scheme)))


def _confusion_pairs(gold: Sequence[GoldEvent], predicted: Sequence[PredictedEvent],
                     pairs: list[tuple[int, int]], scheme: Scheme) -> list[tuple[str, str]]:
    """Matched pairs; then each missed gold event against the nearest spurious event of
    the same record (both actors agree, then one, then none); the rest against ``none``."""
    out = [(label(gold[i].code, scheme), label(predicted[j].code, scheme)) for i, j in pairs]
    matched_g, matched_p = {i for i, _ in pairs}, {j for _, j in pairs}
    left_g = [i for i in range(len(gold)) if i not in matched_g]
    left_p = [j for j in range(len(predicted)) if j not in matched_p]
    near = sorted(((-sum(_actors(gold[i], predicted[j])), i, j) for i in left_g for j in left_p))
    for _, i, j in near:
        if i in left_g and j in left_p:
            left_g.remove(i)
            left_p.remove(j)
            out.append((label(gold[i].code, scheme), label(predicted[j].code, scheme)))
    out += [(label(gold[i].code, scheme), NONE) for i in left_g]
    out += [(NONE, label(predicted[j].code, scheme)) for j in left_p]
    return out


@dataclass(frozen=True)
class DyadScore:
    pairs: int = 0  # root-level code matches
    both: int = 0
    source: int = 0
    target: int = 0

    @property
    def accuracy(self) -> float:
        return self.both / self.pairs if self.pairs else 0.0

    def to_dict(self) -> dict[str, Any]:
        r = (lambda n: round(n / self.pairs, 4) if self.pairs else 0.0)
        return {"pairs": self.pairs, "both": self.both, "accuracy": r(self.both),
                "source_accuracy": r(self.source), "target_accuracy": r(self.target)}


@dataclass(frozen=True)
class ExtractionReport:
    gold: str
    scheme: Scheme  # label space of the confusion matrix: CAMEO roots or PLOVER types
    records: int
    skipped: int
    noevent_records: int
    gold_events: int
    predicted_events: int
    noevent_false_positives: int  # predicted events in records marked as having none
    counts: dict[tuple[Level, Match], Counts]
    dyad: DyadScore
    confusion: Confusion
    outcomes: tuple[RecordOutcome, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "mode": "extraction",
            "gold": self.gold,
            "label_scheme": self.scheme,
            "records": self.records,
            "skipped": self.skipped,
            "noevent_records": self.noevent_records,
            "gold_events": self.gold_events,
            "predicted_events": self.predicted_events,
            "noevent_false_positives": self.noevent_false_positives,
            "levels": {level: {m: self.counts[(level, m)].to_dict() for m in MATCHES} for level in LEVELS},
            "dyad": self.dyad.to_dict(),
            "confusion": self.confusion.to_dict(),
        }


def evaluate_extraction(gold: GoldFile, run: Run, book: CodeBook) -> ExtractionReport:
    """Code every gold record's text with ``run`` (e.g. ``Pipeline.run``) and score it.

    A record the coder returns nothing for (it failed; ``run`` reports why) scores as
    having no predicted events.
    """
    coded = {c.article.id: c for c in run([r.article for r in gold.records])}
    scheme = gold_scheme(e for r in gold.records for e in r.events)
    outcomes = []
    for r in gold.records:
        found = coded.get(r.id)
        predicted = [PredictedEvent.of(e, book) for e in (found.events if found else ())]
        outcomes.append(score_record(r.events, predicted, scheme, id=r.id, where=r.where))
    return summarise(gold.path, scheme, outcomes, skipped=gold.skipped)


def gold_scheme(events: Iterable[GoldEvent]) -> Scheme:
    """PLOVER when most gold events are PLOVER-coded, else CAMEO."""
    votes = Counter(e.code.scheme for e in events)
    return "plover" if votes["plover"] > votes["cameo"] else "cameo"


def summarise(gold: str, scheme: Scheme, outcomes: Sequence[RecordOutcome], skipped: int = 0
              ) -> ExtractionReport:
    counts = {(level, m): sum((o.counts[(level, m)] for o in outcomes), Counts())
              for level in LEVELS for m in MATCHES}
    dyads = [d for o in outcomes for d in o.dyads]
    dyad = DyadScore(len(dyads), sum(s and t for s, t in dyads), sum(s for s, _ in dyads),
                     sum(t for _, t in dyads))
    order = PLOVER_TYPES + ("STATEMENT",) if scheme == "plover" else ()
    confusion = Confusion.of((pair for o in outcomes for pair in o.confusion), order)
    empty = [o for o in outcomes if not o.gold]
    return ExtractionReport(
        gold=gold, scheme=scheme, records=len(outcomes), skipped=skipped,
        noevent_records=len(empty), gold_events=sum(len(o.gold) for o in outcomes),
        predicted_events=sum(len(o.predicted) for o in outcomes),
        noevent_false_positives=sum(len(o.predicted) for o in empty),
        counts=counts, dyad=dyad, confusion=confusion, outcomes=tuple(outcomes))
