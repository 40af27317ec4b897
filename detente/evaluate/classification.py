"""Scoring a classifier: given a sentence and two actor phrases, which PLOVER type
(15 classes, YIELD merged) and which 5-way class?

``classify(records)`` takes ``[{id, text, source, target}]`` and returns
``[{id, plover, cameo, quad_class, penta}]``; outputs are matched by ``id``. A missing
output, or a null/unknown PLOVER type, is a prediction of ``none`` (wrong); a null
PLOVER type with a 5-way class of 0 is ``STATEMENT`` (also wrong: no gold has it).
Without ``penta`` the predicted 5-way class comes from the PLOVER type, then a CAMEO 01
code (0), then the quad class.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional, Sequence

from .codes import PENTA_NAMES, PLOVER_PENTA, PLOVER_TYPES, STATEMENT, plover_type
from .gold import ClassItem, GoldFile
from .metrics import NONE, ClassScores, Confusion, macro_f1, per_class

Classify = Callable[[list[dict]], list[dict]]


@dataclass(frozen=True)
class LevelReport:
    """Accuracy, macro-F1 (over the classes present in the gold), per-class scores, confusion."""

    name: str
    n: int
    correct: int
    classes: tuple[ClassScores, ...]
    confusion: Confusion

    @property
    def accuracy(self) -> float:
        return self.correct / self.n if self.n else 0.0

    @property
    def macro_f1(self) -> float:
        return macro_f1(self.classes)

    def to_dict(self) -> dict[str, Any]:
        return {"n": self.n, "correct": self.correct, "accuracy": round(self.accuracy, 4),
                "macro_f1": round(self.macro_f1, 4),
                "per_class": {c.label: c.to_dict() for c in self.classes},
                "confusion": self.confusion.to_dict()}


@dataclass(frozen=True)
class Prediction:
    item: ClassItem
    plover: str  # a PLOVER type, STATEMENT or "none"
    penta: str  # a PENTA_NAMES entry or "none"
    raw: Optional[dict]


@dataclass(frozen=True)
class ClassificationReport:
    gold: str
    items: int
    skipped: int
    missing: int  # items the classifier returned nothing for
    plover: Optional[LevelReport]  # None when no gold item has a PLOVER type
    penta: LevelReport
    predictions: tuple[Prediction, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"mode": "classification", "gold": self.gold, "items": self.items,
                "skipped": self.skipped, "missing_predictions": self.missing,
                "plover": self.plover.to_dict() if self.plover else None,
                "penta": self.penta.to_dict()}


def evaluate_classification(gold: GoldFile, classify: Classify) -> ClassificationReport:
    items: Sequence[ClassItem] = gold.records
    outputs = classify([it.query() for it in items]) if items else []
    by_id = {o.get("id"): o for o in outputs if isinstance(o, dict)}
    preds = tuple(_prediction(it, by_id.get(it.id)) for it in items)
    plover_pairs = [(p.item.plover, p.plover) for p in preds if p.item.plover is not None]
    penta_pairs = [(PENTA_NAMES[p.item.penta], p.penta) for p in preds]
    return ClassificationReport(
        gold=gold.path, items=len(items), skipped=gold.skipped,
        missing=sum(p.raw is None for p in preds),
        plover=_level("plover", plover_pairs, PLOVER_TYPES + (STATEMENT,)) if plover_pairs else None,
        penta=_level("penta", penta_pairs, PENTA_NAMES), predictions=preds)


def _level(name: str, pairs: list[tuple[str, str]], order: Sequence[str]) -> LevelReport:
    confusion = Confusion.of(pairs, order)
    gold_classes = [c for c in order if any(g == c for g, _ in pairs)]
    return LevelReport(name, len(pairs), sum(g == p for g, p in pairs),
                       tuple(per_class(confusion, gold_classes)), confusion)


def _prediction(item: ClassItem, out: Optional[dict]) -> Prediction:
    if out is None:
        return Prediction(item, NONE, NONE, None)
    penta = predicted_penta(out)
    plover = plover_type(out.get("plover")) or (STATEMENT if penta == 0 else NONE)
    return Prediction(item, plover, PENTA_NAMES[penta] if penta is not None else NONE, out)


def predicted_penta(out: dict) -> Optional[int]:
    """The 5-way class of a classifier output: ``penta``, else from ``plover``, a CAMEO 01
    code (0) or ``quad_class``."""
    value = out.get("penta")
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 4:
        return value
    plover = plover_type(out.get("plover"))
    if plover is not None:
        return PLOVER_PENTA[plover]
    cameo = out.get("cameo")
    if isinstance(cameo, str) and cameo.startswith("01"):
        return 0
    quad = out.get("quad_class")
    if isinstance(quad, int) and not isinstance(quad, bool) and 1 <= quad <= 4:
        return quad
    return None
