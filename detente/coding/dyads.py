"""Who did it to whom: source and target of a trigger from the dependency parse.

Works on spaCy tokens without importing spaCy. ``ActorIndex`` maps tokens to
the actor mentions of one article, and resolves pronouns to the nearest
earlier mention of the right kind (speaker of the quote for "I"/"we").
"""

from __future__ import annotations

from dataclasses import replace
from typing import Iterable, Optional, Sequence

from ..types import Mention

SUBJ = {"nsubj", "csubj"}
PASSIVE_SUBJ = {"nsubjpass", "csubjpass"}
PERSON_PRONOUNS = {"he", "she", "him", "her", "his"}
GROUP_PRONOUNS = {"they", "them", "their"}
FIRST_PERSON = {"i", "we", "me", "us", "our", "my"}
SPEECH_VERBS = {"say", "tell", "add", "state", "declare", "write", "insist", "stress", "note"}
LIGHT_VERBS = {"hold", "have", "make", "conduct", "host", "attend", "place", "pay", "begin",
               "resume", "start", "impose", "announce", "issue", "launch"}


class ActorIndex:
    """Token -> mention lookups for one article."""

    def __init__(self, doc, mentions: Sequence[Mention]) -> None:
        self.doc = doc
        self.mentions = [m for m in mentions if m.actor.code or m.actor.name]
        self.by_token: dict[int, Mention] = {}
        for m in self.mentions:
            for i in range(m.tok_start, m.tok_end):
                self.by_token[i] = m

    def at(self, tok) -> Optional[Mention]:
        """The mention a dependency node stands for (its own span or its subtree)."""
        if tok is None:
            return None
        if tok.i in self.by_token:
            return self.by_token[tok.i]
        pron = self._pronoun(tok)
        if pron is not None:
            return _at_token(pron, tok)
        best, depth = None, 99
        for t in _shallow_subtree(tok, max_depth=3):
            m = self.by_token.get(t[0].i)
            if m is not None and t[1] < depth:
                best, depth = m, t[1]
        return best

    def all_at(self, tok) -> list[Mention]:
        """The mention at ``tok`` and at each of its conjuncts ("X and Y")."""
        if tok.pos_ == "PRON" and tok.lower_ in GROUP_PRONOUNS:
            return self._group(tok)
        out = []
        for t in [tok, *getattr(tok, "conjuncts", ())]:
            m = self.at(t)
            if m is not None and m not in out:
                out.append(m)
        return out

    def _pronoun(self, tok) -> Optional[Mention]:
        low = tok.lower_
        if tok.pos_ != "PRON":
            return None
        if low in FIRST_PERSON:
            return self._speaker(tok)
        if low in PERSON_PRONOUNS:
            return self._previous(tok, person=True)
        return None  # "they" is handled by all_at (two actors); "it" stays unresolved

    def _group(self, tok) -> list[Mention]:
        """"they" after two actors in the same sentence: both of them."""
        seen: dict[str, Mention] = {}
        start = tok.sent.start
        for m in self.mentions:
            if m.tok_end > tok.i:
                break
            if m.tok_start >= start and m.actor.code:
                seen[m.actor.kb_id or m.actor.code] = m
        last = list(seen.values())[-2:]
        return [_at_token(m, tok) for m in last] if len(last) == 2 else []

    def _speaker(self, tok) -> Optional[Mention]:
        sent = tok.sent
        for t in sent:
            if t.lemma_ in SPEECH_VERBS:
                for c in t.children:
                    if c.dep_ in SUBJ and c.i in self.by_token:
                        return self.by_token[c.i]
        return None

    def _previous(self, tok, person: bool) -> Optional[Mention]:
        best = None
        for m in self.mentions:
            if m.tok_end > tok.i:
                break
            if person and not (m.actor.kb_id or "").startswith("person:") and m.actor.basis != "ner-person":
                continue
            best = m
        if best is not None and tok.i - best.tok_end > 120:
            return None
        return best


def _at_token(m: Mention, tok) -> Mention:
    """The antecedent's actor, with the evidence span of the pronoun that refers to it."""
    actor = replace(m.actor, text=tok.text, start=tok.idx, end=tok.idx + len(tok.text))
    return replace(m, tok_start=tok.i, tok_end=tok.i + 1, head=tok.i, actor=actor)


def _shallow_subtree(tok, max_depth: int) -> Iterable[tuple]:
    frontier = [(tok, 0)]
    while frontier:
        t, d = frontier.pop(0)
        yield t, d
        if d < max_depth:
            for c in t.children:
                if c.dep_ not in ("relcl", "advcl", "ccomp", "acl", "conj", "cc", "punct"):
                    frontier.append((c, d + 1))


def children(tok, *deps: str) -> list:
    return [c for c in tok.children if c.dep_ in deps]


def prep_objects(tok, prep: str) -> list:
    out = []
    for p in tok.children:
        if p.dep_ in ("prep", "agent", "dative") and p.lower_ == prep:
            out.extend(c for c in p.children if c.dep_ == "pobj")
    return out


def subject_of(verb) -> tuple[Optional[object], bool]:
    """(subject token, passive?) of a verb, climbing xcomp/conj/advcl chains.

    A passive subject found higher up ("X is scheduled to speak") is the
    logical subject of the lower verb, so it is not reported as passive.
    """
    t = verb
    for _ in range(4):
        subj = children(t, *SUBJ)
        if subj:
            return subj[0], False
        psubj = children(t, *PASSIVE_SUBJ)
        if psubj:
            return psubj[0], t is verb
        if t.dep_ in ("xcomp", "conj", "advcl", "pcomp", "acomp") and t.head is not t:
            t = t.head
            continue
        if t.dep_ == "acl" and t.head.dep_ in ("dobj", "attr") and t.head.head is not t.head:
            t = t.head.head  # "released a statement calling on X": the releaser calls
            continue
        break
    return None, False


def passive_agent(verb) -> Optional[object]:
    objs = prep_objects(verb, "by")
    return objs[0] if objs else None


def governs_lemma(tok, lemmas: frozenset[str], depth: int = 2) -> bool:
    """True when a word with one of ``lemmas`` hangs below ``tok`` (or is its head, for nouns)."""
    if not lemmas:
        return True
    for t, _ in _shallow_subtree(tok, max_depth=depth):
        if t is not tok and t.lemma_.lower() in lemmas:
            return True
    head = tok.head
    if tok.pos_ in ("NOUN", "PROPN") and head is not tok and head.lemma_.lower() in lemmas:
        return True
    return False


def light_verb_of(noun) -> Optional[object]:
    """"held talks", "made a call": the verb whose object the event noun is."""
    t = noun
    if t.dep_ in ("dobj", "attr", "nsubjpass") and t.head.pos_ in ("VERB", "AUX"):
        return t.head
    if t.dep_ == "pobj" and t.head.dep_ == "prep" and t.head.head.pos_ in ("VERB", "AUX"):
        return t.head.head
    return None
