"""The coder's knowledge: CAMEO codes (with PLOVER, quad class, Goldstein),
trigger patterns and issue tags, loaded from ``detente/data`` and checked."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import yaml

from ..errors import KnowledgeError

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
VALID_TARGET = re.compile(r"^(dobj|dative|xcomp|poss_of_dobj|prep:[a-z]+)$")


@dataclass(frozen=True)
class CameoCode:
    code: str
    name: str
    goldstein: float
    quad_class: int
    plover: Optional[str]
    plover_mode: Optional[str]

    @property
    def root(self) -> str:
        return self.code[:2]


@dataclass(frozen=True)
class TriggerRule:
    id: str
    lemmas: frozenset[str]
    pos: str
    code: str
    with_lemmas: frozenset[str]
    target: tuple[str, ...]
    symmetric: bool
    needs_actor_modifier: bool
    modality: Optional[str]


@dataclass(frozen=True)
class Lexicon:
    codes: dict[str, CameoCode]
    rules: tuple[TriggerRule, ...]
    issues: dict[str, tuple[str, ...]]

    def rules_for(self, lemma: str, pos: str) -> list[TriggerRule]:
        return [r for r in self.rules if lemma in r.lemmas and r.pos == pos]


def _read(path: Path):
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeError(f"cannot read: {exc}", where=str(path)) from exc


def load_codes(path: Path) -> dict[str, CameoCode]:
    doc = _read(path) or {}
    out: dict[str, CameoCode] = {}
    for i, e in enumerate(doc.get("codes") or []):
        where = f"{path.name}:codes[{i}]"
        code = e.get("code")
        if not isinstance(code, str) or not code.isdigit():
            raise KnowledgeError(f"code must be a quoted digit string, got {code!r}", where=where)
        q = e.get("quad_class")
        if q not in (1, 2, 3, 4):
            raise KnowledgeError(f"quad_class must be 1-4, got {q!r}", where=where)
        g = float(e.get("goldstein", 0.0))
        if not -10 <= g <= 10:
            raise KnowledgeError(f"goldstein must be in -10..10, got {g}", where=where)
        out[code] = CameoCode(code, str(e.get("name", "")), g, q, e.get("plover"), e.get("plover_mode"))
    return out


def load_rules(path: Path, codes: dict[str, CameoCode]) -> tuple[TriggerRule, ...]:
    rules = []
    for i, e in enumerate(_read(path) or []):
        where = f"{path.name}[{i}]"
        code = str(e.get("code", ""))
        if code not in codes:
            raise KnowledgeError(f"unknown CAMEO code {code!r}; add it to cameo.yaml", where=where)
        lemmas = e.get("lemma")
        lemmas = [lemmas] if isinstance(lemmas, str) else list(lemmas or [])
        target = tuple(e.get("target") or ("dobj", "prep:with", "prep:to"))
        bad = [t for t in target if not VALID_TARGET.match(t)]
        if not lemmas or bad:
            raise KnowledgeError(f"needs lemma(s) and valid targets (bad: {bad})", where=where)
        rules.append(TriggerRule(
            id=str(e.get("id") or f"rule{i}"), lemmas=frozenset(lemmas), pos=e.get("pos", "VERB"),
            code=code, with_lemmas=frozenset(e.get("with") or ()), target=target,
            symmetric=bool(e.get("symmetric")), needs_actor_modifier=bool(e.get("only_with_actor_modifier")),
            modality=e.get("modality")))
    return tuple(rules)


def load_lexicon(data_dir: Path | str = DATA_DIR) -> Lexicon:
    data_dir = Path(data_dir)
    codes = load_codes(data_dir / "cameo.yaml")
    rules = load_rules(data_dir / "verbs.yaml", codes)
    issues = {str(k): tuple(v) for k, v in (_read(data_dir / "issues.yaml") or {}).items()}
    return Lexicon(codes=codes, rules=rules, issues=issues)
