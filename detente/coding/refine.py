"""Second reading of rule-coded events by the classifier.

Stage: CodedArticle -> CodedArticle. The rules (coder.py) are precise about
*where* an event is and *who* is involved; the trained classifier
(classifier.py) is better at *what* happened when the wording is unusual. For
each event we ask the classifier what the source did to the target in that
sentence and

- drop the event when it is confident nothing happened between them
  ("such meetings bring the temperature down");
- recode it when it is confident the type is another one and gives the rule's
  type almost no weight ("X rebuffed Y's offer" matched as an offer) -- but
  only for a verb trigger in the sentence's main clause: the classifier reads the
  sentence's main event, so its verdict says nothing about a call mentioned in
  "days after a telephone conversation with Putin, X imposed sanctions". Nor is
  an event recoded when the rules found another act of the same pair in the
  sentence ("imposed sanctions on Russia and expelled ten diplomats": one verdict
  for the pair cannot tell the two apart), or when the sentence does not assert it
  (hypothetical or negated: "Russia should release Whelan" is Blinken's demand,
  not Russia's act);
- otherwise keep the rule's code, with a confidence that blends both readings.

The classifier, trained to the PLOVER manual, reads cooperation reported in the
future as an intention (AGREE, CAMEO 03), and so does CAMEO: "Portugal will
support Turkey's bid" is 032, and a planned act the rules coded 051 is recoded so.
Meetings are the one exception (``ANNOUNCED_AS``): a planned meeting is recorded as
the meeting, with modality planned and the meeting's own date ("will meet on 16
June"), so the classifier's AGREE weight counts for CONSULT and the meeting is
neither recoded to 036 nor marked down. (Treating roots 05-08 the same way was
tried: it lost the 032 of the CAMEO manual's own examples.)

Events that end up identical in one sentence (same source, target and code)
are kept once. The sentence embedding is computed once per sentence.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable, Optional

from ..types import CodedArticle, Event
from .classifier import EventClassifier, Pair
from .lexicon import CameoCode
from .plover import plover_class

DROP_AT = 0.75  # P(NONE) above which a rule event is dropped
RECODE_AT = 0.6  # P(other type) above which ...
RULE_FLOOR = 0.1  # ... and P(rule's type) below which the event is recoded
KEEP_MODALITY = {"hypothetical", "negated"}  # not asserted: the classifier neither drops nor recodes them
ANNOUNCED_AS = {"CONSULT": "AGREE"}  # rule type of a planned event -> how its announcement reads
SUBORDINATE = {"advcl", "acl", "relcl", "prep", "pobj", "pcomp", "npadvmod", "appos", "csubj"}


class EventRefiner:
    def __init__(self, load: Callable[[], EventClassifier], codes: dict[str, CameoCode]) -> None:
        self._load = load  # the encoder takes seconds to load: only when an event needs it
        self._classifier: Optional[EventClassifier] = None
        self.codes = codes

    @property
    def classifier(self) -> EventClassifier:
        if self._classifier is None:
            self._classifier = self._load()
        return self._classifier

    def __call__(self, coded: CodedArticle, doc=None) -> CodedArticle:
        """``doc`` (the article's parse) tells which triggers are in a main clause;
        without it no event is recoded."""
        if not coded.events:
            return coded
        verdicts = self.classifier.classify([_pair(e) for e in coded.events])
        acts: dict[tuple, set[int]] = {}  # triggers of each pair in each sentence
        for ev in coded.events:
            acts.setdefault(_parties(ev), set()).add(ev.trigger.start)
        kept: dict[tuple, Event] = {}
        for ev, v in zip(coded.events, verdicts):
            recodable = (doc is not None and ev.modality not in KEEP_MODALITY
                         and len(acts[_parties(ev)]) == 1 and _main_clause(doc, ev))
            new = self._refine(ev, v, recodable)
            if new is None:
                continue
            key = (new.sentence_index, new.source.start, new.source.code,
                   new.target.start if new.target else None, new.cameo, new.modality)
            if key not in kept or kept[key].confidence < new.confidence:
                kept[key] = new
        return replace(coded, events=tuple(kept.values()))

    def _refine(self, ev: Event, v, recodable: bool) -> Optional[Event]:
        rule_type = plover_class(ev.plover)
        p_rule = v.probs.get(rule_type, 0.0) if rule_type else v.probs.get("STATEMENT", 0.0)
        if ev.modality == "planned" and rule_type in ANNOUNCED_AS:
            p_rule += v.probs.get(ANNOUNCED_AS[rule_type], 0.0)
        if v.label == "NONE" and v.probability >= DROP_AT and ev.modality not in KEEP_MODALITY:
            return None
        if (recodable and v.plover != rule_type and v.plover_probability >= RECODE_AT and p_rule < RULE_FLOOR
                and v.cameo in self.codes):
            info = self.codes[v.cameo]
            return replace(ev, cameo=info.code, cameo_root=info.root, plover=info.plover,
                           plover_mode=info.plover_mode, quad_class=info.quad_class,
                           goldstein=info.goldstein, coder=f"{ev.coder}+clf",
                           confidence=round(min(0.95, (ev.confidence + v.plover_probability) / 2), 2))
        return replace(ev, confidence=round(min(0.95, (2 * ev.confidence + p_rule) / 3), 2))


def _parties(ev: Event) -> tuple:
    """The sentence and the pair's countries (codes when there is none)."""
    def who(a):
        return (a.country or a.code) if a is not None else None
    return ev.sentence_index, who(ev.source), who(ev.target)


def _pair(ev: Event) -> Pair:
    return Pair(ev.sentence, ev.source.text, ev.target.text if ev.target else None)


def _main_clause(doc, ev: Event) -> bool:
    """Is the trigger the predicate of its sentence's main line (root, complements,
    conjuncts) rather than inside an adverbial, relative or prepositional phrase? An
    event noun is not: the sentence says something *about* it ("Putin's phone call to
    Cameron needs to be taken as a sign ...")."""
    span = doc.char_span(ev.trigger.start, ev.trigger.end, alignment_mode="expand")
    if span is None or not len(span) or span.root.pos_ not in ("VERB", "AUX"):
        return False
    tok = span.root
    while tok.head.i != tok.i:
        if tok.dep_ in SUBORDINATE:
            return False
        tok = tok.head
    return True
