"""Sentences + actors + times -> Events.

For every token that a trigger rule matches (lexicon), find the source and
target actors from the parse (dyads.py), the modality (modality.py), the
time expression that governs it, topic tags and a place; then emit one Event
per (source, target) pair with CAMEO, PLOVER, quad class and Goldstein.

Across the sentences of one article:

- an event noun with no actors of its own that refers back ("the Geneva talks,
  set for January 9 and 10") takes the participants of the event it refers to;
- the same event reported in several sentences ("Putin's call to Cameron on
  Monday" ... "Cameron's phone conversation with Putin") is one event: the
  report with the most precise date of its own is kept (``reports.py``).
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
from .modality import conditional_clause, is_generic, modality, reduced_relative
from .reports import MUTUAL_ROOTS, merge_reports, most_specific

Reresolve = Callable[[Mention, Optional[str]], Actor]
Locate = Callable[[str], Optional[Location]]
THREAT_OF = {"16": "1312", "17": "137", "18": "138", "19": "138", "20": "138"}
VISIT_CODES = {"042", "043"}  # a visit's target may be a place: "a visit to Sochi" -> Russia
PLACE_TARGET_ROOTS = {"18", "19", "20"}  # so may an attack's: "annexed Crimea" -> Ukraine
LOCATION_PREPS = {"in", "at"}
# "on the sidelines of the G20 in New Delhi", "at a summit in Geneva": where the place hangs
VENUE_NOUNS = {"sideline", "sidelines", "side-line", "side-lines", "margin", "margins", "summit",
               "meeting", "meetings", "conference", "session", "forum", "talks", "gathering"}
MAX_PARTIES = 5  # a multilateral meeting is coded as dyads among its first five parties
ANAPHOR_WINDOW = 8
# "demanded / urged / warned / complained that X ...": X is the target
CLAUSE_TARGET_ROOTS = {"02", "10", "11", "13"}
# "the journalist's detention", "Navalny's poisoning": the possessor is the one it happened to
PATIENT_NOUNS = {"arrest", "detention", "imprisonment", "jailing", "killing", "assassination",
                 "poisoning", "expulsion", "deportation", "abduction", "kidnapping", "execution",
                 "release", "extradition", "sentencing", "conviction", "indictment", "murder"}  # "X and Y agreed / met / cooperate": with each other  # sentences back an actorless "the talks" may look for its participants


@dataclass(frozen=True)
class Candidate:
    rule: TriggerRule
    tok: object
    sources: tuple[Mention, ...]
    targets: tuple[Mention, ...]
    code: str
    modality: str
    sentence: int = 0
    symmetric: bool = False  # each party did it with each other ("X and Y agreed to meet")


class EventCoder:
    """Stage: ResolvedArticle -> CodedArticle."""

    def __init__(self, lexicon: Lexicon, version: str, reresolve: Optional[Reresolve] = None,
                 locate: Optional[Locate] = None) -> None:
        self.lex = lexicon
        self.version = version
        self.reresolve = reresolve or (lambda m, day: m.actor)
        self.locate = locate or (lambda name: None)
        # the gazetteer may also say which country a demonym or code names ("Russian")
        self.country_of: Callable[[str], Optional[Location]] = getattr(locate, "country", None) or (lambda w: None)
        self._issue_rx = {tag: _words_rx(words) for tag, words in lexicon.issues.items()}

    def __call__(self, articles: Iterable[ResolvedArticle]) -> Iterator[CodedArticle]:
        for r in articles:
            yield self.code_article(r)

    def code_article(self, r: ResolvedArticle) -> CodedArticle:
        doc = r.parsed.doc
        index = dyads.ActorIndex(doc, r.mentions, country_of=self.country_of)
        events: list[Event] = []
        dated: set[str] = set()  # ids of events dated by a time expression of their own
        history: list[Candidate] = []
        for si, sent in enumerate(doc.sents):
            cands = _share_targets(list(self._candidates(si, sent, index, history)))
            cands = _outermost(cands)
            owners = _time_owners(doc, [t for t in r.times if t.sentence_index == si],
                                  {c.tok.i for c in cands})
            for cand in cands:
                for ev, own_time in self._events(r, si, sent, cand, owners):
                    events.append(ev)
                    if own_time:
                        dated.add(ev.id)
            history.extend(c for c in cands if c.sources)
        unique = list({e.id: e for e in events}.values())
        merged = merge_reports(most_specific(unique), dated)
        return CodedArticle(article=r.article, n_sentences=len(r.parsed.sentences),
                            events=tuple(sorted(merged, key=lambda e: (e.sentence_index, e.trigger.start))),
                            mentions=r.mentions)

    # ------------------------------------------------------------ candidates
    def _candidates(self, si: int, sent, index: dyads.ActorIndex,
                    history: list[Candidate]) -> Iterator[Candidate]:
        for tok in sent:
            pos = "VERB" if tok.pos_ in ("VERB", "AUX") else ("NOUN" if tok.pos_ in ("NOUN", "PROPN") else None)
            if pos is None:
                continue
            for rule in self.lex.rules_for(tok.lemma_.lower(), pos):
                if not dyads.governs_lemma(tok, rule.with_lemmas):
                    continue
                cand = self._dyad(si, rule, tok, index, history)
                if cand is not None:
                    yield cand
                break

    def _dyad(self, si: int, rule: TriggerRule, tok, index: dyads.ActorIndex,
              history: list[Candidate]) -> Optional[Candidate]:
        if rule.pos == "NOUN" and is_generic(tok):
            return None  # "such meetings bring the temperature down": a kind, not an event
        if rule.pos == "NOUN":
            sources, targets = self._nominal(si, rule, tok, index)
        elif dyads.asks_a_question(tok):
            return None  # "asked whether Russia would attack": a question, not an appeal
        elif rule.code[:2] == "10" and dyads.states_a_fact(tok):
            return None  # "insisted that Kyiv was to blame": an assertion, not a demand
        else:
            sources, targets = self._verbal(si, rule, tok, index)
        sources = [m for m in sources if m.actor.code]
        if dyads.is_speech_verb(tok):  # "Lavrov told RIA-Novosti that ...": the agency is no target
            targets = [m for m in targets if m.actor.sector != "MED"]
        code, mod = rule.code, rule.modality or modality(tok)
        if not sources and not targets and rule.pos == "NOUN" and rule.symmetric:
            ante = self._antecedent(si, tok, rule, mod, history)
            if ante is not None:  # "the Geneva talks": the talks named before, with their parties
                # (the evidence span is the noun that refers to them, as for a pronoun)
                sources = [dyads.at_token(m, tok) for m in ante.sources]
                targets = [dyads.at_token(m, tok) for m in ante.targets]
        if not sources:
            return None
        symmetric = rule.symmetric or (not targets and len(sources) > 1 and code[:2] in MUTUAL_ROOTS)
        if not targets and symmetric and len(sources) == 1:
            return None
        if symmetric and not targets and len(sources) > 1:
            targets = sources[1:]  # "X, Y and Z met": the first with each other (all pairs below)
            sources = sources[:1]
        cond = conditional_clause(tok)
        if cond is not None and mod in ("planned", "asserted") and code[:2] in THREAT_OF:
            code, mod = THREAT_OF[code[:2]], "asserted"  # "if X, we will impose sanctions": a threat
            if not targets:
                subj, _ = dyads.subject_of(cond)
                targets = [m for m in ([index.at(subj)] if subj is not None else []) if m]
        return Candidate(rule, tok, tuple(sources), tuple(targets), code, mod, si, symmetric)

    def _verbal(self, si: int, rule: TriggerRule, tok, index) -> tuple[list[Mention], list[Mention]]:
        subj, passive = dyads.subject_of(tok)
        agent = dyads.passive_agent(tok)
        if passive or (subj is None and agent is not None):  # "sanctions imposed by the US on X"
            sources = index.all_at(agent) if agent is not None else []
            targets = [m for m in index.all_at(subj) if m.actor.code] if subj is not None else []
            return sources, targets or self._targets(si, rule, tok, index)
        if subj is not None and subj.i not in index.by_token and self.lex.rules_for(subj.lemma_.lower(), "NOUN"):
            return [], []  # "the Moscow talks ended": an event, not an actor, did it
        sources = index.all_at(subj) if subj is not None else []
        targets = self._targets(si, rule, tok, index)
        if not targets and rule.code[:2] in CLAUSE_TARGET_ROOTS:
            targets = self._clause_subject(tok, index)
        return sources, targets

    @staticmethod
    def _clause_subject(tok, index) -> list[Mention]:
        """"demanded that the United States stop arms sales": who is asked, warned or blamed
        is the subject of the clause that says what."""
        for c in dyads.children(tok, "ccomp"):
            subj, _ = dyads.subject_of(c)
            if subj is not None and subj.pos_ != "PRON" and dyads.children(c, "nsubj", "nsubjpass"):
                return [m for m in index.all_at(subj) if m.actor.code]  # ("X insisted they ...": X)
        return []

    def _nominal(self, si: int, rule: TriggerRule, tok, index) -> tuple[list[Mention], list[Mention]]:
        agents = [m for o in dyads.prep_objects(tok, "by") for m in index.all_at(o)]
        sources, patients = _modifier_actors(tok, index, patient_poss=not dyads.prep_objects(tok, "of") and (
            bool(agents) or tok.lemma_.lower() in PATIENT_NOUNS))
        if len(sources) == 1 and sources[0].actor.basis == "metonym" and self._noun_place(tok) is not None:
            sources = []  # "the Tokyo talks": where they are held, not who holds them
        if "prep:of" not in rule.target:  # "the meeting of X with Y": X is the source
            for o in dyads.prep_objects(tok, "of"):
                sources += [m for m in index.all_at(o) if m not in sources]
        sources += [m for m in agents if m not in sources]  # "a visit by Kerry to Moscow"
        if not sources:
            sources = _sibling_agents(tok, index)  # "a visit by Kerry ... and a meeting with Putin"
        light = dyads.light_verb_of(tok)
        between = [m for o in dyads.prep_objects(tok, "between") for m in index.all_at(o) if m.actor.code]
        if between and not sources:  # "talks between X and Y": both are parties
            return between[:1], between[1:]
        participants = _participants(tok, index)  # "a conference involving X, Y and Z"
        if len(participants) > 1 and not sources:
            return participants[:1], participants[1:]
        targets = patients or self._targets(si, rule, tok, index)
        if not targets and light is not None:
            targets = self._targets(si, rule, light, index)
        if not targets:
            targets = self._stray_targets(si, rule, tok, index)
        if not sources:
            # "held talks with X" / "after talks with X, Y said": the clause's subject took part
            # ("after the talks, Y said" names no party: the talks are the ones named before)
            verb = light if light is not None else (dyads.clause_verb_of(tok) if targets else None)
            subj, passive = dyads.subject_of(verb) if verb is not None else (None, False)
            if subj is not None and not passive:
                sources = index.all_at(subj)
        if rule.needs_actor_modifier and not (sources or targets):
            return [], []
        if not sources and len(targets) > 1 and rule.symmetric:
            return targets[:1], targets[1:]
        return sources, targets

    def _targets(self, si: int, rule: TriggerRule, tok, index) -> list[Mention]:
        for spec in rule.target:
            found = self._target_spec(si, spec, rule, tok, index)
            if found:
                return found
        return []

    def _target_spec(self, si: int, spec: str, rule: TriggerRule, tok, index) -> list[Mention]:
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
        return self._actors_at(si, nodes, rule, index)

    def _actors_at(self, si: int, nodes: list, rule: TriggerRule, index) -> list[Mention]:
        out: list[Mention] = []
        for n in nodes:
            found = [m for m in index.all_at(n) if m.actor.code]
            if not found:  # "sanctions on Russian individuals", "a visit to Sochi"
                found = [m for m in (self._demonym_actor(t, index) for t in [n, *n.conjuncts]) if m]
                if not found and (rule.code in VISIT_CODES or rule.code[:2] in PLACE_TARGET_ROOTS):
                    found = [m for m in [self._place_actor(n)] if m]
            out += [m for m in found if m not in out]
        return out

    def _stray_targets(self, si: int, rule: TriggerRule, tok, index) -> list[Mention]:
        """"the visit by Kerry to Sochi": the parser may hang the "to" phrase that follows the
        noun phrase elsewhere; a preposition right after it still names the target."""
        doc = tok.doc
        i = tok.right_edge.i + 1
        if i >= len(doc) or doc[i].dep_ != "prep" or doc[i].head.i == tok.i:
            return []
        preps = {s.split(":", 1)[1] for s in rule.target if s.startswith("prep:")}
        if doc[i].lower_ not in preps:
            return []
        return self._actors_at(si, [c for c in doc[i].children if c.dep_ == "pobj"], rule, index)

    def _demonym_actor(self, node, index) -> Optional[Mention]:
        """"Russian individuals": no actor the knowledge base knows, but national ones (people
        or bodies in the plural; "the Russian initiative" is not an actor)."""
        if node.tag_ not in ("NNS", "NNPS"):
            return None
        for c in node.children:
            if c.dep_ in ("amod", "compound", "nmod"):
                m = index.demonym(c)
                if m is not None:
                    return m
        return None

    def _place_actor(self, node) -> Optional[Mention]:
        """"visited Sochi": the country of the place visited."""
        loc = self._place(node)
        return dyads.country_mention(node, self.country_of(loc.country) or loc, basis="place") \
            if loc is not None and loc.country else None

    def _antecedent(self, si: int, tok, rule: TriggerRule, mod: str,
                    history: list[Candidate]) -> Optional[Candidate]:
        """The earlier event an actorless, definite event noun refers to: "the Geneva talks"
        after "U.S. and Russian officials are to meet in Geneva". Same kind of event and
        modality, within a few sentences; one held at the same place first."""
        if not _definite(tok):
            return None
        near = [c for c in reversed(history) if c.code[:2] == rule.code[:2] and c.modality == mod
                and si - c.sentence <= ANAPHOR_WINDOW and c.targets]
        place = self._noun_place(tok)
        if place is not None:
            same = [c for c in near if self._location(c) == place]
            if same:
                return same[0]
        return near[0] if near else None

    # ------------------------------------------------------------ events
    def _events(self, r: ResolvedArticle, si: int, sent, cand: Candidate,
                owners: dict[int, TimeExpression]) -> Iterator[tuple[Event, bool]]:
        when, own_time = self._when(cand, owners, r.article)
        info = self.lex.codes[cand.code]
        location = self._location(cand)
        issues = tuple(tag for tag, rx in self._issue_rx.items() if rx.search(sent.text))
        if not cand.targets and cand.code[:2] < "13" and not _stands_alone(cand):
            return  # verbal/cooperative events need a target to mean anything
        targets = cand.targets or (None,)
        for src in cand.sources:
            for tgt in targets:
                if tgt is not None and (tgt is src or (tgt.actor.kb_id and tgt.actor.kb_id == src.actor.kb_id)):
                    continue
                source = self.reresolve(src, when[0])
                target = self.reresolve(tgt, when[0]) if tgt is not None else None
                yield self._event(r, si, sent, cand, info, source, target, when, location, issues), own_time
        if cand.symmetric:  # each party did it with each other: the reverse pairs too
            group = len(cand.sources) == 1  # "X, Y and Z met": Y and Z met each other as well
            for a in cand.targets[:MAX_PARTIES - 1]:
                for b in ([*cand.sources, *cand.targets[:MAX_PARTIES - 1]] if group else cand.sources):
                    if a is b or (a.actor.kb_id and a.actor.kb_id == b.actor.kb_id):
                        continue
                    yield self._event(r, si, sent, cand, info, self.reresolve(a, when[0]),
                                      self.reresolve(b, when[0]), when, location, issues), own_time

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
        """((date, precision, basis), dated by a time expression of its own?)"""
        own = _governing_time(cand.tok, owners)
        inferred = article.published_basis == "inferred"
        if own is None:
            if article.published:
                return (article.published, ("year" if inferred else "day"),
                        ("inferred" if inferred else "publication")), False
            return (None, None, None), False
        future = cand.modality == "planned" and own.future_date
        basis = "inferred" if inferred and own.basis == "relative" else own.basis
        return ((own.future_date if future else own.date), own.precision, basis), True

    # ------------------------------------------------------------ places
    def _location(self, cand: Candidate) -> Optional[Location]:
        tok = cand.tok
        roots = [tok]
        if tok.pos_ in ("NOUN", "PROPN"):
            place = self._noun_place(tok)
            if place is not None:
                return place
            roots += [t for t in (dyads.light_verb_of(tok), reduced_relative(tok)) if t is not None]
            if tok.dep_ in ("nsubj", "nsubjpass"):
                roots.append(tok.head)  # "a meeting is expected in Cairo"
        for root in roots:
            loc = self._place_under(root, depth=3)
            if loc is not None:
                return loc
        for obj in dyads.children(tok, "dobj"):  # "met the French President in Paris"
            loc = self._place_under(obj, depth=0)
            if loc is not None:
                return loc
        if cand.code in ("042", "036"):  # "visited Sochi", "invited X to Moscow"
            for t in cand.targets:
                loc = self._place(tok.doc[t.head]) if cand.code == "042" and t.tok_end - t.tok_start <= 3 else None
                if loc is not None:
                    return loc
            for o in dyads.prep_objects(tok, "to") + [o for d in dyads.children(tok, "dobj")
                                                      for o in dyads.prep_objects(d, "to")]:
                loc = self._place(o)
                if loc is not None:
                    return loc
        return None

    def _noun_place(self, tok) -> Optional[Location]:
        """"the Geneva talks": a place name modifying the event noun (not two of them: "the
        Washington-Moscow talks" are between the two)."""
        names = [t for c in tok.children if c.dep_ in ("compound", "nmod")
                 for t in c.subtree if t.pos_ == "PROPN" and t.ent_iob_ != "I"]  # one per name
        if len(names) > 1:
            return None
        for c in tok.children:
            if c.dep_ in ("compound", "nmod") and c.pos_ == "PROPN" and c.ent_type_ in ("GPE", "LOC", "FAC"):
                loc = self._place(c)
                if loc is not None:
                    return loc
        return None

    def _place_under(self, node, depth: int) -> Optional[Location]:
        """"in Geneva", "at talks in Geneva", "on the sidelines of the meetings in Reykjavik"."""
        for p in node.children:
            if p.dep_ != "prep":
                continue
            for o in p.children:
                if o.dep_ != "pobj":
                    continue
                if p.lower_ in LOCATION_PREPS:
                    loc = self._place(o)
                    if loc is not None:
                        return loc
                if depth > 0 and (p.lower_ in ("at", "during") or _venue(o) or o.ent_type_ == "DATE"
                                  or (p.lower_ == "of" and _venue(node))):
                    loc = self._place_under(o, depth - 1)
                    if loc is not None:
                        return loc
        return None

    def _place(self, tok) -> Optional[Location]:
        if tok.pos_ != "PROPN" and tok.ent_type_ not in ("GPE", "LOC", "FAC"):
            return None
        if tok.ent_type_ == "PERSON" and tok.ent_iob_ == "B" and tok.i + 1 < len(tok.doc) \
                and tok.doc[tok.i + 1].ent_type_ == "PERSON":
            return None  # a person's name, not a place
        span = next((e for e in tok.doc.ents if e.start <= tok.i < e.end), None)
        text = span.text if span is not None else " ".join(
            t.text for t in tok.subtree if t.dep_ == "compound" or t is tok)
        return self.locate(text) or (self.locate(tok.text) if text != tok.text else None)


def _venue(noun) -> bool:
    """"the sidelines", "the side-lines", "a summit": a noun a place can hang from."""
    words = "".join(t.text for t in noun.subtree if t.i <= noun.i and (t.dep_ in ("compound", "punct") or t is noun))
    return noun.lower_ in VENUE_NOUNS or words.lower() in VENUE_NOUNS


def _modifier_actors(noun, index, patient_poss: bool) -> tuple[list[Mention], list[Mention]]:
    """Actors named in an event noun's modifiers: "the Biden-Putin call", "his call", "an
    Israeli airstrike"; with ``patient_poss`` the possessor is the one the event happened to
    ("the journalist's detention by Russia"). Returns (doers, patients)."""
    doers: list[Mention] = []
    patients: list[Mention] = []
    for c in noun.children:
        if c.dep_ not in ("poss", "compound", "nmod", "amod"):
            continue
        if c.dep_ == "poss" and c.pos_ == "PRON":
            found = [m for m in index.all_at(c) if m.actor.code]
        else:  # both names of "the Biden-Putin call" hang below the noun
            found = [index.by_token[t.i] for t in c.subtree if t.i in index.by_token]
        if not found and c.dep_ == "amod":
            found = [m for m in [index.demonym(c)] if m]
        bucket = patients if c.dep_ == "poss" and patient_poss else doers
        bucket += [m for m in dict.fromkeys(found) if m not in bucket]
    return doers, patients


def _definite(noun) -> bool:
    """"the talks", "their meeting", "the Geneva talks": a reference to a known event."""
    return any((c.dep_ == "det" and c.lower_ in ("the", "this", "that", "these", "those"))
               or c.dep_ == "poss" for c in noun.children)


def _sibling_agents(tok, index) -> list[Mention]:
    """The agent of a coordinated event noun: "a visit by X to Moscow and a meeting with Y"."""
    head = tok.head
    siblings = [head] if tok.dep_ == "conj" and head.pos_ in ("NOUN", "PROPN") else [
        s for s in head.children if s is not tok and s.dep_ == tok.dep_ and s.i < tok.i
        and s.pos_ in ("NOUN", "PROPN")]
    for s in siblings:
        found = [m for o in dyads.prep_objects(s, "by") for m in index.all_at(o)]
        if found:
            return found
    return []


def _words_rx(words: Iterable[str]) -> re.Pattern:
    """Whole words, case-insensitive, except short all-caps acronyms ("IS" is not "is")."""
    def one(w: str) -> str:
        return re.escape(w) if w.isupper() and len(w) <= 4 else f"(?i:{re.escape(w)})"
    return re.compile(r"\b(" + "|".join(one(w) for w in words) + r")\b")


NESTING_DEPS = {"xcomp", "dobj", "pobj", "prep", "pcomp", "acl", "compound", "amod", "nmod", "attr", "conj"}
NESTING_PREPS = {"for", "to", "into", "on", "of", "with"}  # "invited X for talks"; not "after a call"


def _stands_alone(cand: Candidate) -> bool:
    """A verbal or cooperative event without a named target still says something when its
    source is the grammatical subject of the trigger verb itself ("Romania asked for aid",
    "China supplied vaccines to developing countries"), as PLOVER allows: not through a
    possessor ("the US' allies are pressing") or a purpose clause ("talks to broker a
    solution")."""
    tok = cand.tok
    if tok.pos_ != "VERB" or not cand.sources:
        return False
    doc = tok.doc
    return any(doc[m.head].dep_ == "nsubj" and doc[m.head].head.i == tok.i for m in cand.sources)


def _share_targets(cands: list[Candidate]) -> list[Candidate]:
    """Targets a trigger's clause leaves implicit:

    - "imposed sanctions on X and expelled ten diplomats": the second of two conjoined
      coercive acts by the same source, with no actor as object, has the first one's target;
    - "warned India that it would impose sanctions if ...": the threat made in the warning
      is made to the one warned.
    """
    by_tok = {c.tok.i: c for c in cands}
    out = []
    for c in cands:
        if not c.targets:
            head = by_tok.get(c.tok.head.i) if c.tok.dep_ in ("conj", "ccomp") and c.tok.pos_ == "VERB" else None
            if head is not None and head.targets and head.rule.pos == "VERB" and (
                    (c.tok.dep_ == "conj" and head.sources == c.sources and c.code[:2] >= "16"
                     and head.code[:2] >= "16")
                    or (c.tok.dep_ == "ccomp" and c.code[:2] == "13" and head.code[:2] == "13")):
                c = replace(c, targets=head.targets)
        out.append(c)
    return out


def _participants(noun, index) -> list[Mention]:
    """"a telephone conference involving the foreign ministers of X, Y and Z"."""
    for c in noun.children:
        if c.dep_ == "acl" and c.lemma_.lower() in ("involve", "include", "bring", "gather"):
            for o in dyads.children(c, "dobj"):
                found = [m for m in index.all_at(o) if m.actor.code]
                if len(found) > 1:
                    return found
    return []


def _outermost(cands: list[Candidate]) -> list[Candidate]:
    """"threatened to impose sanctions on X" is one event, not three: a trigger nested
    (as complement or object) under another trigger is folded into the outer one, which
    takes the inner one's target when it has none."""
    by_tok = {c.tok.i: c for c in cands}
    outer_of: dict[int, int] = {}
    for c in cands:
        t = c.tok
        for _ in range(4):
            if t.dep_ not in NESTING_DEPS or t.head.i == t.i:
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
            if node.pos_ in ("VERB", "AUX") or node.i in triggers or node.head.i == node.i:
                break
            node = node.head
        owners.setdefault(node.i, t)
    return owners


def _governing_time(tok, owners: dict[int, TimeExpression]) -> Optional[TimeExpression]:
    """The time expression attached to the trigger, else to the nearest clause above it.

    An event noun takes a time of its own ("the call on Monday"), its scheduling
    participle's ("the talks, set for January 9 and 10"), its light verb's clause's ("held
    talks on Friday"), or its predicate's when it is the subject ("a meeting is expected
    on Friday"); a temporal phrase lends its clause's month or year ("days after a call
    with X, Y acted in April 2021"). It is not dated by a clause it is only the topic of
    ("debriefed X on Friday on the Biden-Putin call", "said on Friday that the talks ...").
    """
    if tok.pos_ not in ("NOUN", "PROPN"):
        return _climb_time(tok, owners)
    while tok.dep_ == "conj" and tok.head.pos_ in ("NOUN", "PROPN") and tok.i not in owners:
        tok = tok.head  # "a visit to Moscow and a meeting with Putin next week"
    if tok.i in owners:
        return owners[tok.i]
    rel = reduced_relative(tok)
    if rel is not None and rel.i in owners:
        return owners[rel.i]
    light = dyads.light_verb_of(tok)
    if light is not None:
        return _climb_time(light, owners)
    if tok.dep_ in ("nsubj", "nsubjpass"):
        head = tok.head
        if head.i in owners:
            return owners[head.i]
        xcomp = [c for c in head.children if c.dep_ == "xcomp"]
        return owners.get(xcomp[0].i) if xcomp else None
    clause = dyads.clause_verb_of(tok)
    if clause is not None:
        own = _climb_time(clause, owners)
        return own if own is not None and own.precision != "day" else None
    return None


def _climb_time(node, owners: dict[int, TimeExpression]) -> Optional[TimeExpression]:
    for _ in range(8):
        if node.i in owners:
            return owners[node.i]
        if node.head.i == node.i:
            break
        node = node.head
    return None
