"""Counts and the figures computed from them: precision, recall, F1, confusion matrices.

An undefined ratio (nothing predicted, nothing in the gold) is 0.0, never NaN, so
that JSON reports stay comparable run to run. Figures are rounded to 4 places in
``to_dict``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional, Sequence

NONE = "none"  # the confusion-matrix row/column for "no event" (a miss or a spurious event)


def ratio(num: float, den: float) -> float:
    return num / den if den else 0.0


def f1_of(precision: float, recall: float) -> float:
    return ratio(2 * precision * recall, precision + recall)


@dataclass(frozen=True)
class Counts:
    """True positives, false positives, false negatives."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float:
        return ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float:
        return ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float:
        return f1_of(self.precision, self.recall)

    def to_dict(self) -> dict[str, Any]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass(frozen=True)
class Confusion:
    """Gold label x predicted label counts; ``order`` fixes the row/column order."""

    cells: Counter = field(default_factory=Counter)  # (gold, predicted) -> count
    order: tuple[str, ...] = ()

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, str]], order: Sequence[str] = ()) -> "Confusion":
        return cls(Counter(pairs), tuple(order))

    @property
    def labels(self) -> list[str]:
        """Labels that occur, in ``order`` first, then sorted, with ``none`` last."""
        seen = {g for g, _ in self.cells} | {p for _, p in self.cells}
        first = [x for x in self.order if x in seen and x != NONE]
        rest = sorted(seen - set(first) - {NONE})
        return first + rest + ([NONE] if NONE in seen else [])

    def matrix(self) -> list[list[int]]:
        labels = self.labels
        return [[self.cells.get((g, p), 0) for p in labels] for g in labels]

    def top(self, n: int = 10) -> list[tuple[str, str, int]]:
        """The most frequent off-diagonal cells (gold, predicted, count)."""
        off = [(g, p, c) for (g, p), c in self.cells.items() if g != p]
        return sorted(off, key=lambda t: (-t[2], t[0], t[1]))[:n]

    def to_dict(self, top: int = 10) -> dict[str, Any]:
        return {"labels": self.labels, "matrix": self.matrix(),
                "top_confusions": [{"gold": g, "predicted": p, "count": c} for g, p, c in self.top(top)]}


@dataclass(frozen=True)
class ClassScores:
    """Per-class precision, recall, F1 and support from a confusion matrix."""

    label: str
    counts: Counts
    support: int

    def to_dict(self) -> dict[str, Any]:
        c = self.counts
        return {"precision": round(c.precision, 4), "recall": round(c.recall, 4), "f1": round(c.f1, 4),
                "support": self.support}


def per_class(confusion: Confusion, classes: Optional[Sequence[str]] = None) -> list[ClassScores]:
    """Scores of each class (default: every gold label but ``none``)."""
    cells = confusion.cells
    if classes is None:
        classes = [g for g in confusion.labels if g != NONE and any(k[0] == g for k in cells)]
    out = []
    for c in classes:
        tp = cells.get((c, c), 0)
        gold = sum(n for (g, _), n in cells.items() if g == c)
        pred = sum(n for (_, p), n in cells.items() if p == c)
        out.append(ClassScores(c, Counts(tp, pred - tp, gold - tp), gold))
    return out


def macro_f1(scores: Sequence[ClassScores]) -> float:
    return ratio(sum(s.counts.f1 for s in scores), len(scores))
