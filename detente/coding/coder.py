"""Sentences + actors + times -> Events.

For every token that a trigger rule matches (lexicon), find the source and
target actors from the parse (dyads.py), the modality (modality.py), the
time expression that governs it, topic tags and a place; then emit one Event
per (source, target) pair with CAMEO, PLOVER, quad class and Goldstein.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from typing import Callable, Iterable, Iterator, Optional

from ..types import (Actor, CodedArticle, Event, Location, Mention, ResolvedArticle,
                     TimeExpression, Trigger)
from . import dyads
from .lexicon import Lexicon, TriggerRule
from .modality import conditional_clause, modality

Reresolve = Callable[[Mention, Optional[str]], Actor]
Locate = Callable[[str], Optional[Location]]
THREAT_OF = {"16": "1312", "17": "137", "18": "138", "19": "138", "20": "138"}
LOCATION_PREPS = {"in", "at"}


@dataclass(frozen=True)
class Candidate:
    rule: TriggerRule
    tok: object
    sources: tuple[Mention, ...]
    targets: tuple[Mention, ...]
    code: str
    modality: str


class EventCoder:
    """Stage: ResolvedArticle -> CodedArticle."""

    def __init__(self, lexicon: Lexicon, version: str, reresolve: Optional[Reresolve] = None,
                 locate: Optional[Locate] = None) -> None:
        self.lex = lexicon
        self.version = version
        self.reresolve = reresolve or (lambda m, day: m.actor)
        self.locate = locate or (lambda name: None)
        self._issue_rx = {tag: _words_rx(words) for tag, words in lexicon.issues.items()}

    def __call__(self, articles: Iterable[ResolvedArticle]) -> Iterator[CodedArticle]:
        for r in articles:
            yield self.code_article(r)

    def code_article(self, r: ResolvedArticle) -> CodedArticle:
        doc = r.parsed.doc
        index = dyads.ActorIndex(doc, r.mentions)
        events: dict[str, Event] = {}
        for si, sent in enumerate(doc.sents):
            cands = _outermost(list(self._candidates(sent, index)))
            owners = _time_owners(doc, [t for t in r.times if t.sentence_index == si],
                                  {c.tok.i for c in cands})
            for cand in cands:
                for ev in self._events(r, si, sent, cand, owners):
                    events.setdefault(ev.id, ev)
        return CodedArticle(article=r.article, n_sentences=len(r.parsed.sentences),
                            events=tuple(events.values()), mentions=r.mentions)

    # ------------------------------------------------------------ candidates
    def _candidates(self, sent, index: dyads.ActorIndex) -> Iterator[Candidate]:
        for tok in sent:
            pos = "VERB" if tok.pos_ in ("VERB", "AUX") else ("NOUN" if tok.pos_ in ("NOUN", "PROPN") else None)
            if pos is None:
                continue
            for rule in self.lex.rules_for(tok.lemma_.lower(), pos):
                if not dyads.governs_lemma(tok, rule.with_lemmas):
                    continue
                cand = self._dyad(rule, tok, index)
                if cand is not None:
                    yield cand
                break

    def _dyad(self, rule: TriggerRule, tok, index: dyads.ActorIndex) -> Optional[Candidate]:
        if rule.pos == "NOUN":
            sources, targets = self._nominal(rule, tok, index)
        else:
            sources, targets = self._verbal(rule, tok, index)
        sources = [m for m in sources if m.actor.code]
        if not sources:
            return None
        if not targets and rule.symmetric and len(sources) == 1:
            return None
        if rule.symmetric and not targets and len(sources) > 1:
            targets = sources[1:]
            sources = sources[:1]
        code, mod = rule.code, rule.modality or modality(tok)
        cond = conditional_clause(tok)
        if cond is not None and mod in ("planned", "asserted") and code[:2] in THREAT_OF:
            code, mod = THREAT_OF[code[:2]], "asserted"  # "if X, we will impose sanctions": a threat
            if not targets:
                subj, _ = dyads.subject_of(cond)
                targets = [m for m in ([index.at(subj)] if subj is not None else []) if m]
        return Candidate(rule, tok, tuple(sources), tuple(targets), code, mod)

    def _verbal(self, rule: TriggerRule, tok, index) -> tuple[list[Mention], list[Mention]]:
        subj, passive = dyads.subject_of(tok)
        if passive:
            agent = dyads.passive_agent(tok)
            sources = index.all_at(agent) if agent is not None else []
            targets = index.all_at(subj) if subj is not None else []
            return sources, targets
        sources = index.all_at(subj) if subj is not None else []
        return sources, self._targets(rule, tok, index)

    def _nominal(self, rule: TriggerRule, tok, index) -> tuple[list[Mention], list[Mention]]:
        sources: list[Mention] = []
        for c in tok.children:
            if c.dep_ not in ("poss", "compound", "nmod", "amod"):
                continue
            for t in c.subtree:  # "the Biden-Putin call": both names hang below the noun
                m = index.by_token.get(t.i)
                if m is not None and m not in sources:
                    sources.append(m)
        if "prep:of" not in rule.target:  # "the meeting of X with Y": X is the source
            for o in dyads.prep_objects(tok, "of"):
                sources += [m for m in index.all_at(o) if m not in sources]
        light = dyads.light_verb_of(tok)
        if not sources and light is not None:
            subj, passive = dyads.subject_of(light)
            if subj is not None and not passive:
                sources = index.all_at(subj)
        targets = self._targets(rule, tok, index)
        if not targets and light is not None:
            targets = self._targets(rule, light, index)
        if rule.needs_actor_modifier and not (sources or targets):
            return [], []
        if not sources and len(targets) > 1 and rule.symmetric:  # "talks between X and Y"
            return targets[:1], targets[1:]
        return sources, targets

    def _targets(self, rule: TriggerRule, tok, index) -> list[Mention]:
        for spec in rule.target:
            found = self._target_spec(spec, tok, index)
            if found:
                return found
        return []

    def _target_spec(self, spec: str, tok, index) -> list[Mention]:
        if spec in ("dobj", "dative"):
            nodes = dyads.children(tok, spec) + ([c for c in dyads.children(tok, "prep") if c.lower_ == "to"
                                                  and spec == "dative"])
        elif spec == "poss_of_dobj":
            nodes = [p for d in dyads.children(tok, "dobj") for p in dyads.children(d, "poss")]
        elif spec == "xcomp":
            nodes = dyads.children(tok, "dobj", "nsubj")
        else:
            prep = spec.split(":", 1)[1]
            nodes = dyads.prep_objects(tok, prep)
            for d in dyads.children(tok, "dobj"):
                nodes += dyads.prep_objects(d, prep)
        out: list[Mention] = []
        for n in nodes:
            for m in index.all_at(n):
                if m.actor.code and m not in out:
                    out.append(m)
        return out

    # ------------------------------------------------------------ events
    def _events(self, r: ResolvedArticle, si: int, sent, cand: Candidate,
                owners: dict[int, TimeExpression]) -> Iterator[Event]:
        when = self._when(cand, owners, r.article)
        info = self.lex.codes[cand.code]
        location = self._location(cand.tok)
        issues = tuple(tag for tag, rx in self._issue_rx.items() if rx.search(sent.text))
        if not cand.targets and cand.code[:2] < "13":
            return  # verbal/cooperative events need a target to mean anything
        targets = cand.targets or (None,)
        for src in cand.sources:
            for tgt in targets:
                if tgt is not None and (tgt is src or (tgt.actor.kb_id and tgt.actor.kb_id == src.actor.kb_id)):
                    continue
                source = self.reresolve(src, when[0])
                target = self.reresolve(tgt, when[0]) if tgt is not None else None
                yield self._event(r, si, sent, cand, info, source, target, when, location, issues)
            if cand.rule.symmetric and cand.sources and len(cand.targets) == 1 and len(cand.sources) == 1:
                tgt = cand.targets[0]
                if tgt.actor.kb_id != src.actor.kb_id:
                    yield self._event(r, si, sent, cand, info, self.reresolve(tgt, when[0]),
                                      self.reresolve(src, when[0]), when, location, issues)

    def _event(self, r, si, sent, cand, info, source: Actor, target: Optional[Actor], when,
               location, issues) -> Event:
        tok = cand.tok
        trig = Trigger(text=tok.text, start=tok.idx, end=tok.idx + len(tok.text))
        key = "|".join([r.article.id, str(si), str(trig.start), source.code or "",
                        (target.code if target else "") or "", str(source.start),
                        str(target.start if target else ""), cand.code])
        confidence = 0.5 + 0.2 * bool(target) + 0.15 * (cand.rule.pos == "VERB") + 0.1 * bool(
            source.kb_id and (target is None or target.kb_id))
        return Event(
            id=hashlib.sha1(key.encode()).hexdigest()[:16], article_id=r.article.id, sentence_index=si,
            sentence=sent.text.strip(), source=source, target=target, cameo=cand.code,
            cameo_root=cand.code[:2], plover=info.plover, plover_mode=info.plover_mode,
            quad_class=info.quad_class, goldstein=info.goldstein, modality=cand.modality,
            event_date=when[0], date_precision=when[1], date_basis=when[2], location=location,
            issues=issues, trigger=trig, confidence=round(min(confidence, 0.95), 2),
            coder=f"{self.version}:{cand.rule.id}")

    def _when(self, cand: Candidate, owners: dict[int, TimeExpression], article):
        own = _governing_time(cand.tok, owners)
        inferred = article.published_basis == "inferred"
        if own is None:
            if article.published:
                return article.published, ("year" if inferred else "day"), ("inferred" if inferred else "publication")
            return None, None, None
        future = cand.modality == "planned" and own.future_date
        basis = "inferred" if inferred and own.basis == "relative" else own.basis
        return (own.future_date if future else own.date), own.precision, basis

    def _location(self, tok) -> Optional[Location]:
        heads = [tok] + ([tok.head] if tok.pos_ in ("NOUN", "PROPN") else [])
        for h in heads:
            for p in h.children:
                if p.dep_ == "prep" and p.lower_ in LOCATION_PREPS:
                    for o in p.children:
                        if o.dep_ == "pobj" and o.ent_type_ in ("GPE", "LOC", "FAC"):
                            span = next((e for e in o.doc.ents if e.start <= o.i < e.end), None)
                            loc = self.locate(span.text if span is not None else o.text)
                            if loc:
                                return loc
        return None


def _words_rx(words: Iterable[str]) -> re.Pattern:
    """Whole words, case-insensitive, except short all-caps acronyms ("IS" is not "is")."""
    def one(w: str) -> str:
        return re.escape(w) if w.isupper() and len(w) <= 4 else f"(?i:{re.escape(w)})"
    return re.compile(r"\b(" + "|".join(one(w) for w in words) + r")\b")


NESTING_DEPS = {"xcomp", "dobj", "pobj", "prep", "pcomp", "acl", "compound", "amod", "nmod", "attr", "conj"}
NESTING_PREPS = {"for", "to", "into", "on", "of", "with"}  # "invited X for talks"; not "after a call"


def _outermost(cands: list[Candidate]) -> list[Candidate]:
    """"threatened to impose sanctions on X" is one event, not three: a trigger nested
    (as complement or object) under another trigger is folded into the outer one, which
    takes the inner one's target when it has none."""
    by_tok = {c.tok.i: c for c in cands}
    outer_of: dict[int, int] = {}
    for c in cands:
        t = c.tok
        for _ in range(4):
            if t.dep_ not in NESTING_DEPS or t.head is t:
                break
            if t.dep_ == "conj" and t.pos_ in ("VERB", "AUX"):
                break  # "met X and signed Y": two events
            if t.dep_ == "prep" and t.lower_ not in NESTING_PREPS:
                break  # "days after a call with Putin, X imposed sanctions": two events
            t = t.head
            if t.i in by_tok and by_tok[t.i].sources:
                outer_of[c.tok.i] = t.i
                break
    out = []
    for c in cands:
        if c.tok.i in outer_of:
            continue
        if not c.targets:
            inner = [d for d in cands if outer_of.get(d.tok.i) == c.tok.i and d.targets]
            if inner:
                c = replace(c, targets=inner[0].targets)
        out.append(c)
    return out


def _time_owners(doc, times: list[TimeExpression], triggers: set[int]) -> dict[int, TimeExpression]:
    """Token index of the trigger, verb or root each time expression of a sentence attaches to."""
    owners: dict[int, TimeExpression] = {}
    for t in times:
        node = doc[t.tok_start:t.tok_end].root.head
        for _ in range(6):
            if node.pos_ in ("VERB", "AUX") or node.i in triggers or node.head is node:
                break
            node = node.head
        owners.setdefault(node.i, t)
    return owners


def _governing_time(tok, owners: dict[int, TimeExpression]) -> Optional[TimeExpression]:
    """The time expression attached to the trigger, else to the nearest clause above it."""
    node = tok
    for _ in range(8):
        if node.i in owners:
            return owners[node.i]
        if node.head is node:
            break
        node = node.head
    return None
