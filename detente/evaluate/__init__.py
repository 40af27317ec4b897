"""Scoring the coder against annotated data (``detente eval``). Pure logic: no printing.

Codes
    A CAMEO code (``"064"``) has a full code, a root (its first two digits, ``"06"``)
    and a PLOVER type (``cameo.yaml``). A PLOVER name is folded into one of 15 types:
    CONCEDE, RETREAT and YIELD are YIELD; DEMAND is REQUEST; DISAPPROVE and INVESTIGATE
    are ACCUSE; FIGHT is ASSAULT. A CAMEO gold compares roots (root level) or whole
    codes (full level). A PLOVER gold compares the predicted code's PLOVER type at both
    levels. A gold code that is neither a CAMEO 1.1b3 code nor a PLOVER type makes its
    record malformed (skipped, with the reason).

Extraction (``evaluate_extraction``)
    Each gold record's text is coded as ``detente ingest`` would code that JSONL record
    (its ``date`` is the publication date). Every event the coder prints is a prediction,
    whatever its modality. Within a record, gold and predicted events are matched one
    to one, greedily, best pair first; each of four criteria has its own matching:
    root or full level x code only or code + dyad. A matched pair is a true positive, an
    unmatched prediction a false positive (all predictions in a ``noevents`` record are),
    an unmatched gold event a false negative. Precision, recall and F1 are micro-averaged
    over the file.

    Dyad: a gold actor that is null matches anything; otherwise the predicted actor code
    equals the gold code or starts with it, or the gold code's first three letters are
    the predicted actor's country. Dyad accuracy is, of the root-level code matches, the
    share with both actors right (source and target accuracy are given too).

    Confusion matrix (CAMEO roots, or PLOVER types when most gold events are PLOVER):
    the root-level code matches; then each missed gold event against the nearest
    unmatched prediction of the same record (both actors agree, then one, then none);
    the remaining misses in the ``none`` column, spurious predictions in the ``none`` row.

Classification (``evaluate_classification``)
    Each item (sentence, source phrase, target phrase) goes to ``classify``; accuracy and
    macro-F1 over the 15 PLOVER types (items with a PLOVER label) and over the 5 classes
    (0 statement, 1 verbal cooperation, 2 material cooperation, 3 verbal conflict,
    4 material conflict); per-class precision/recall/F1; confusion matrices. Macro-F1
    averages the classes present in the gold.

Undefined ratios are 0.0. ``to_dict()`` gives a JSON document with stable keys.
"""

from __future__ import annotations

from ..errors import InputError
from .classification import ClassificationReport, Classify, LevelReport, evaluate_classification
from .codes import PENTA_NAMES, PLOVER_TYPES, Code, CodeBook, plover_type
from .extraction import (ExtractionReport, PredictedEvent, RecordOutcome, actor_matches,
                         evaluate_extraction, match, score_record, summarise)
from .gold import ClassItem, GoldEvent, GoldFile, GoldRecord, load_classification, load_extraction
from .metrics import Confusion, Counts

__all__ = [
    "PENTA_NAMES", "PLOVER_TYPES",
    "ClassItem", "ClassificationReport", "Classify", "Code", "CodeBook", "Confusion", "Counts",
    "ExtractionReport", "GoldEvent", "GoldFile", "GoldRecord", "LevelReport", "PredictedEvent",
    "RecordOutcome",
    "actor_matches", "evaluate_classification", "evaluate_extraction", "load_classification",
    "load_extraction", "match", "plover_type", "require_records", "score_record", "summarise",
]


def require_records(gold: GoldFile, *, classify: bool) -> GoldFile:
    """``gold`` if it has a record to score; else InputError (exit 2) saying why."""
    if gold.records:
        return gold
    reason = f"no valid gold record ({gold.read} read, {gold.skipped} skipped)"
    if not classify and gold.looks_like_classification:
        reason += "; the records carry PLOVER/5-way labels: score them with --classify"
    elif classify:
        reason += "; classification records are {text, source, target, plover} (see detente eval --help)"
    raise InputError(reason, where=gold.path)
