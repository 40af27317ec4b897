"""Who did it to whom: source and target of a trigger from the dependency parse.

Works on spaCy tokens without importing spaCy. ``ActorIndex`` maps tokens to
the actor mentions of one article, and resolves pronouns to the nearest
earlier mention of the right kind (speaker of the quote for "I"/"we").
``antecedent`` and ``ActorIndex.speaker_of`` are shared with the quote finder
(quotes.py): who a pronoun stands for, and who is the subject of a speech verb.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable, Iterable, Optional, Sequence

from ..types import Actor, Location, Mention

SUBJ = {"nsubj", "csubj"}
PASSIVE_SUBJ = {"nsubjpass", "csubjpass"}
PERSON_PRONOUNS = {"he", "she", "him", "her", "his"}
GROUP_PRONOUNS = {"they", "them", "their"}
FIRST_PERSON = {"i", "we", "me", "us", "our", "my"}
THING_PRONOUNS = {"it", "its"}
# lemmas of verbs that report speech: the subject is the speaker ("Lavrov said", "he told")
SPEECH_VERBS = frozenset({
    "say", "tell", "add", "state", "declare", "write", "insist", "stress", "note",
    "warn", "explain", "ask", "argue", "claim", "report", "announce", "comment", "remark",
    "reply", "answer", "respond", "recall", "acknowledge", "admit", "concede", "assert",
    "affirm", "emphasise", "emphasize", "underline", "observe", "opine", "tweet", "conclude",
    "complain", "predict",
})
# verbs whose clause states what their subject will do ("threatened that it would ...")
COMMITTING_VERBS = {"threaten", "promise", "pledge", "vow", "decide", "agree", "confirm", "signal"}
LIGHT_VERBS = {"hold", "have", "make", "conduct", "host", "attend", "place", "pay", "begin",
               "resume", "start", "impose", "announce", "issue", "launch", "convene", "continue",
               "open", "join", "conclude", "complete", "stage", "organize", "organise", "chair",
               "co-chair", "initiate", "undertake", "extend", "introduce", "slap", "levy",
               "postpone", "delay", "reschedule", "cancel", "scrap"}
# "engaged in talks", "took part in the meeting": the verb's subject takes part in the event
PARTICIPATION = {("engage", "in"), ("participate", "in"), ("take", "in"), ("join", "in"),
                 ("enter", "into"), ("involve", "in"), ("go", "on"), ("embark", "on")}
# "the two leaders", "both sides": a group the discourse has just named
GROUP_PERSON_NOUNS = {"leader", "president", "minister", "counterpart", "man", "diplomat",
                      "statesman", "premier", "head", "envoy", "chief", "official"}
GROUP_ANY_NOUNS = {"side", "country", "nation", "power", "state", "government", "capital",
                   "party", "neighbour", "neighbor", "adversary", "rival", "ally"}
# "the foreign ministers of Germany and France": the sector the head noun gives each country
_AGENT_SECTOR = {"minister": "GOV", "leader": "GOV", "president": "GOV", "government": "GOV",
                 "official": "GOV", "diplomat": "GOV", "envoy": "GOV", "delegation": "GOV",
                 "representative": "GOV", "army": "MIL", "military": "MIL", "troop": "MIL",
                 "force": "MIL"}
# "before X are to meet": the parser makes X the object of the subordinator
SUBORDINATOR_PREPS = {"before", "after", "until", "till", "since", "once", "as", "while", "because"}
QUOTE_MARKS = set("\"“”‘’'«»")


class ActorIndex:
    """Token -> mention lookups for one article."""

    def __init__(self, doc, mentions: Sequence[Mention],
                 country_of: Optional[Callable[[str], Optional[Location]]] = None) -> None:
        self.doc = doc
        self.country_of = country_of  # demonym -> country ("Japanese" -> Japan), when known
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
            m = self.by_token[tok.i]
            # "Iranian nuclear scientist Mohsen Fakhrizadeh": a name the knowledge base does
            # not know, described by a national modifier that it does
            return m if m.actor.code else (self._coded_modifier(tok, m) or m)
        pron = self._pronoun(tok)
        if pron is not None:
            return at_token(pron, tok)
        if tok.lower_ in ("latter", "former") and any(c.lower_ == "the" for c in tok.children):
            pair = self._last_two(tok, "person")  # "the latter visited Sochi": the second of two
            if pair:
                return at_token(pair[-1] if tok.lower_ == "latter" else pair[0], tok)
            return None
        best, depth = None, 99
        for t in _shallow_subtree(tok, max_depth=3):
            m = self.by_token.get(t[0].i)
            if m is not None and t[1] < depth:
                best, depth = m, t[1]
        return best

    def all_at(self, tok) -> list[Mention]:
        """The mention at ``tok`` and at each of its conjuncts ("X and Y").

        Also: "they" (two actors of the sentence), "the two leaders" / "both sides" (the
        last two the discourse named), "U.S. and Russian officials" (one head noun, two
        national modifiers) and "the foreign ministers, Kerry and Lavrov" (a plural noun
        listed by name: the names are the actors).
        """
        if tok.pos_ == "PRON" and tok.lower_ in GROUP_PRONOUNS:
            return self._group(tok)
        group = self._group_noun(tok)
        if group:
            return group
        appos = children(tok, "appos")
        if appos and tok.i not in self.by_token:  # "Presidents Joe Biden and Vladimir Putin"
            return self.all_at(appos[0])
        conjuncts = _one_list(tok)
        listed = _listed_by_name(tok, conjuncts)
        if listed:
            found = [m for m in (self.at(t) for t in listed) if m is not None]
            if len(found) >= 2:
                return list(dict.fromkeys(found))
        out = self._modifier_group(tok) or self._of_group(tok)
        for t in [tok, *conjuncts]:
            if t is tok and out:
                continue
            m = self.at(t)
            if m is not None and m not in out:
                out.append(m)
        return out

    def _modifier_group(self, tok) -> list[Mention]:
        """"senior U.S. and Russian officials": each national modifier is an actor, with the
        head noun's sector ("officials": GOV)."""
        head = self.by_token.get(tok.i)
        sector = head.actor.sector if head is not None else None
        for c in tok.children:
            if c.dep_ not in ("amod", "nmod", "compound") or not any(x.dep_ == "conj" for x in c.children):
                continue
            found: list[Mention] = []
            for t in [c, *c.conjuncts]:
                m = self.by_token.get(t.i) or self.demonym(t)
                if m is not None and m.actor.code and m not in found:
                    found.append(m)
            if len({m.actor.country or m.actor.code for m in found}) >= 2:
                return [_with_sector(m, sector) for m in found]
        return []

    def _coded_modifier(self, tok, named: Mention) -> Optional[Mention]:
        for t, _ in _shallow_subtree(tok, max_depth=2):
            if t.dep_ not in ("compound", "amod", "nmod") or t.i in range(named.tok_start, named.tok_end):
                continue
            m = self.by_token.get(t.i)
            if m is not None and m.actor.code and not is_person(m):
                return m
            m = self.demonym(t)
            if m is not None:
                return m
        return None

    def demonym(self, tok) -> Optional[Mention]:
        """A national adjective the actor resolver left alone ("Japanese [and Korean officials]")."""
        if self.country_of is None or tok.ent_type_ not in ("NORP", "GPE"):
            return None
        loc = self.country_of(tok.text)
        return country_mention(tok, loc, "demonym") if loc is not None and loc.country else None

    def _of_group(self, tok) -> list[Mention]:
        """"the foreign ministers of Germany, France and Russia": one actor per country."""
        if tok.i in self.by_token or tok.pos_ != "NOUN":
            return []
        head_sector = _AGENT_SECTOR.get(tok.lemma_.lower())
        for o in prep_objects(tok, "of"):
            found = [m for m in (self.by_token.get(t.i) for t in [o, *o.conjuncts]) if m is not None]
            if len(found) >= 2:
                return [_with_sector(m, head_sector) for m in dict.fromkeys(found)]
        return []

    def _group_noun(self, tok) -> list[Mention]:
        """"the two leaders", "both sides": the last two distinct actors named before."""
        if tok.pos_ != "NOUN" or tok.i in self.by_token:
            return []
        lemma = tok.lemma_.lower()
        kind = "person" if lemma in GROUP_PERSON_NOUNS else "any" if lemma in GROUP_ANY_NOUNS else None
        counted = any((c.dep_ == "nummod" and c.lower_ == "two") or
                      (c.dep_ in ("det", "predet") and c.lower_ == "both") for c in tok.children)
        if kind is None or not counted:
            return []
        pair = self._last_two(tok, kind)
        return [at_token(m, tok) for m in pair] if len(pair) == 2 else []

    def _last_two(self, tok, kind: str, max_gap: int = 150) -> list[Mention]:
        """The last two distinct actors (persons when ``kind`` is "person") before ``tok``."""
        seen: dict[str, Mention] = {}
        for m in self.mentions:
            if m.tok_end > tok.i:
                break
            if tok.i - m.tok_end > max_gap or not m.actor.code:
                continue
            if kind == "person" and not is_person(m):
                continue
            key = (m.actor.kb_id or m.actor.code) if kind == "person" else (m.actor.country or m.actor.code)
            seen.pop(key, None)
            seen[key] = m
        return list(seen.values())[-2:]

    def _pronoun(self, tok) -> Optional[Mention]:
        low = tok.lower_
        if tok.pos_ != "PRON":
            return None
        if low in FIRST_PERSON:
            return self._speaker(tok)
        if low in PERSON_PRONOUNS:
            return self._previous(tok, person=True)
        if low == "it" and tok.dep_ in ("nsubj", "nsubjpass"):
            return self._reporter(tok)
        return None  # "they" is handled by all_at (two actors); other "it"s stay unresolved

    def _reporter(self, tok) -> Optional[Mention]:
        """"The US warned that it would impose sanctions": "it" in what a country or body
        says is the country or body that says it."""
        verb = tok.head
        while verb.dep_ in ("xcomp", "conj") and verb.head.i != verb.i:
            verb = verb.head
        head = verb.head
        if verb.dep_ != "ccomp" or not (is_speech_verb(head) or head.lemma_.lower() in COMMITTING_VERBS):
            return None
        m, _ = self.speaker_of(head)
        return m if m is not None and not is_person(m) else None

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
        return [at_token(m, tok) for m in last] if len(last) == 2 else []

    def _speaker(self, tok) -> Optional[Mention]:
        """"I"/"we": the subject of a speech verb in the same sentence ("he added": the person
        before); in a quote that goes on from the previous sentence, that sentence's speaker."""
        sent = tok.sent
        found = self._sentence_speaker(sent)
        if found is None and sent.start > 0 and _opens_with_quote(sent):
            found = self._sentence_speaker(self.doc[sent.start - 1].sent)
        return found

    def _sentence_speaker(self, sent) -> Optional[Mention]:
        for t in sent:
            if is_speech_verb(t):
                m, _ = self.speaker_of(t)
                if m is not None:
                    return m
        return None

    def _previous(self, tok, person: bool) -> Optional[Mention]:
        return antecedent(self.mentions, tok.i, "person" if person else "any")

    def speaker_of(self, verb, skip: Optional[Callable[[Mention], bool]] = None
                   ) -> tuple[Optional[Mention], Optional[object]]:
        """(mention, subject token) of who says what a speech verb reports.

        The subject's own mention, or one a few levels below it ("a Russian Foreign
        Ministry statement said"); "he"/"she" is the nearest earlier person and "it" the
        nearest earlier country or organisation (``antecedent``; ``skip`` leaves out
        mentions that cannot be the speaker, e.g. those inside the quote itself).
        "I", "we" and "they" stay unresolved. A passive verb has no speaker.
        """
        subj, passive = subject_of(verb)
        if subj is None or passive:
            return None, subj
        if subj.pos_ == "PRON":
            low = subj.lower_
            kind = "person" if low in PERSON_PRONOUNS else "group" if low in THING_PRONOUNS else None
            found = antecedent(self.mentions, subj.i, kind, skip) if kind else None
            return (at_token(found, subj) if found is not None else None), subj
        if subj.i in self.by_token:
            return self.by_token[subj.i], subj
        for t, _ in _shallow_subtree(subj, max_depth=3):
            if t.i in self.by_token:
                return self.by_token[t.i], subj
        return None, subj


def is_speech_verb(tok) -> bool:
    return tok.lemma_.lower() in SPEECH_VERBS and tok.pos_ in ("VERB", "AUX")


QUESTION_WORDS = frozenset({"whether", "if", "what", "why", "how", "when", "where", "who", "which"})


def is_mandative(verb) -> bool:
    """A that-clause that states what someone must do ("demanded that NATO remove",
    "insisted that Kyiv must withdraw"), not what is the case ("insisted that Kyiv was to blame"):
    a bare subjunctive verb or a must/should modal."""
    aux = children(verb, "aux")
    bare = verb.tag_ in ("VB", "VBP") and verb.lower_ == verb.lemma_.lower()  # "the States stop"
    return (bare and not aux) or any(a.lower_ in ("must", "should") for a in aux)


def states_a_fact(verb) -> bool:
    """The verb's that-clause says what is the case, not what someone is to do: "insisted
    that Kyiv was to blame" (with a demand verb, an assertion, no demand)."""
    return any(not is_mandative(c) for c in children(verb, "ccomp"))


def asks_a_question(verb) -> bool:
    """"X asked whether / what / why ...": the verb asks a question (an indirect one in its
    clause complement) and names nobody it asks, so it is no appeal to anyone."""
    if verb.lemma_.lower() not in ("ask", "wonder", "question", "inquire", "enquire"):
        return False
    if any(c.dep_ in ("dobj", "dative") for c in verb.children):
        return False
    for c in verb.children:
        if c.dep_ == "ccomp" and any(t.lower_ in QUESTION_WORDS and t.i < c.i for t in c.subtree):
            return True
    return False


def is_person(m: Mention) -> bool:
    """A person the knowledge base knows, or one the NER found ("Prof Rajan Kumar")."""
    return (m.actor.kb_id or "").startswith("person:") or m.actor.basis == "ner-person"


def antecedent(mentions: Sequence[Mention], before: int, kind: str = "any",
               skip: Optional[Callable[[Mention], bool]] = None,
               max_gap: int = 120) -> Optional[Mention]:
    """The nearest mention ending before token ``before`` that a pronoun can stand for.

    ``kind``: "person" (a person the knowledge base or the NER knows), "group" (a
    country, government or organisation: not a person) or "any". ``mentions`` are in
    text order; ``skip`` rejects candidates; none further back than ``max_gap`` tokens.
    """
    best = None
    for m in mentions:
        if m.tok_end > before:
            break
        person = is_person(m)
        if (kind == "person" and not person) or (kind == "group" and (person or not m.actor.code)):
            continue
        if skip is not None and skip(m):
            continue
        best = m
    if best is not None and before - best.tok_end > max_gap:
        return None
    return best


def country_mention(tok, loc: Location, basis: str) -> Mention:
    """A country as an actor, found through the place gazetteer (a demonym, a place visited)."""
    span = next((e for e in tok.doc.ents if e.start <= tok.i < e.end), tok.doc[tok.i:tok.i + 1])
    actor = Actor(text=span.text, start=span.start_char, end=span.end_char, name=loc.name,
                  code=loc.country, country=loc.country, kb_id=f"country:{loc.country}", basis=basis)
    si = sum(1 for s in tok.doc.sents if s.start <= tok.i) - 1
    return Mention(sentence_index=si, tok_start=span.start, tok_end=span.end, head=tok.i, actor=actor)


def _one_list(tok) -> list:
    """The conjuncts of ``tok`` in one list: "X, Y and Z" ends at "and Z" ("between Chile and
    Peru, Brazil and Argentina said": the parser may chain the next subject on)."""
    out = []
    for t in sorted(getattr(tok, "conjuncts", ()), key=lambda t: t.i):
        if t.i < tok.i:
            continue
        out.append(t)
        before = tok.doc[t.left_edge.i - 1] if t.left_edge.i > 0 else None
        if before is not None and before.pos_ == "CCONJ":
            break
    return out


def _opens_with_quote(sent) -> bool:
    first = next((t for t in sent if not t.is_space), None)
    return first is not None and first.text[:1] in QUOTE_MARKS


def _listed_by_name(tok, conjuncts: list) -> list:
    """"the foreign ministers, Kerry and Lavrov": a plural noun, a comma, then names."""
    if tok.tag_ != "NNS" or not conjuncts or tok.i + 1 >= len(tok.doc) or tok.doc[tok.i + 1].text != ",":
        return []
    names = [t for t in conjuncts if t.i > tok.i and t.pos_ == "PROPN"]
    return names if len(names) >= 2 else []


def _with_sector(m: Mention, sector: Optional[str]) -> Mention:
    """A bare country mention standing for the head noun's agents ("U.S. [officials]")."""
    a = m.actor
    if not sector or a.sector or not a.country or not (a.kb_id or "").startswith("country:"):
        return m
    return replace(m, actor=replace(a, code=a.country + sector, sector=sector))


def at_token(m: Mention, tok) -> Mention:
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
    # "when asked if X ..., Y replied": a bare participle clause is passive; Y was asked
    reduced = verb.tag_ == "VBN" and verb.dep_ in ("advcl", "acl") and not children(verb, "aux", "auxpass")
    for _ in range(5):
        subj = children(t, *SUBJ)
        if subj:
            return subj[0], reduced and t is not verb
        psubj = children(t, *PASSIVE_SUBJ)
        if psubj:
            return psubj[0], t is verb
        if t is not verb and t.dep_ == "acl" and passive_agent(t) is not None:
            return passive_agent(t), False  # "the initiative taken by Kerry to phone Lavrov"
        if t.dep_ == "pcomp" and t.head.dep_ == "prep" and t.head.head.pos_ in ("VERB", "AUX"):
            up = t.head.head  # "refrained from blaming X": the refrainer blames
            obj = children(up, "dobj")
            if obj and t.head.lower_ == "from":
                return obj[0], False  # "kept Russia from joining": Russia joins
            t = up
            continue
        if t.dep_ in ("xcomp", "conj", "advcl", "pcomp", "acomp") and t.head.i != t.i:
            t = t.head
            continue
        if t.dep_ == "acl" and t.head.dep_ in ("dobj", "attr") and t.head.head.i != t.head.i:
            t = t.head.head  # "released a statement calling on X": the releaser calls
            continue
        stranded = _stranded_subject(t)
        if stranded is not None:
            return stranded, False
        break
    return None, False


def _stranded_subject(verb) -> Optional[object]:
    """"before senior officials are to meet": the parser hangs the subject on "before"."""
    if verb.dep_ not in ("ccomp", "advcl", "conj") or children(verb, "expl"):
        return None
    i = verb.i - 1
    while i > verb.sent.start and verb.doc[i].dep_ in ("aux", "auxpass", "neg", "advmod"):
        i -= 1
    if i < verb.sent.start:
        return None
    prev = verb.doc[i]
    if prev.dep_ == "pobj" and prev.pos_ in ("NOUN", "PROPN") and prev.head.lower_ in SUBORDINATOR_PREPS:
        return prev
    return None


def passive_agent(verb) -> Optional[object]:
    objs = prep_objects(verb, "by")
    return objs[0] if objs else None


def governs_lemma(tok, lemmas: frozenset[str], depth: int = 2) -> bool:
    """True when a word with one of ``lemmas`` hangs below ``tok`` (or is its head, for nouns)."""
    if not lemmas:
        return True
    for t, d in _shallow_subtree(tok, max_depth=depth):
        if t is not tok and t.lemma_.lower() in lemmas:
            return True
        if d == depth and any(c.dep_ == "compound" and c.lemma_.lower() in lemmas for c in t.children):
            return True  # "accused X of war crimes": a compound of the word two levels down
    head = tok.head
    if tok.pos_ in ("NOUN", "PROPN") and head is not tok and head.lemma_.lower() in lemmas:
        return True
    # "agreed that their advisers will meet": the head of the clause it reports
    return any(c.dep_ == "ccomp" and c.lemma_.lower() in lemmas for c in tok.children)


TEMPORAL_PREPS = {"after", "before", "following", "during", "since", "ahead"}


def clause_verb_of(noun) -> Optional[object]:
    """"After talks with X, Y said": the verb of the clause a temporal phrase opens; its
    subject took part in the event the noun names."""
    if noun.dep_ != "pobj" or noun.head.lower_ not in TEMPORAL_PREPS:
        return None
    verb = noun.head.head
    if verb.dep_ == "prep" and verb.lower_ == "ahead":
        verb = verb.head
    return verb if verb.pos_ in ("VERB", "AUX") else None


def light_verb_of(noun) -> Optional[object]:
    """"held talks", "made a call", "engaged in talks": the verb whose subject takes part in
    the event the noun names. Not any verb above it: "after talks with X, Y insisted"."""
    t = noun
    if t.dep_ in ("dobj", "attr", "nsubjpass", "oprd") and t.head.pos_ in ("VERB", "AUX") \
            and t.head.lemma_.lower() in LIGHT_VERBS:
        return t.head
    if t.dep_ == "conj" and t.head.pos_ in ("NOUN", "PROPN"):
        return light_verb_of(t.head)  # "held a meeting and a press conference"
    if t.dep_ == "pobj" and t.head.dep_ == "prep" and t.head.lower_ in ("in", "into", "on"):
        verb = t.head.head
        if verb.lower_ == "part" and verb.head.pos_ == "VERB":
            verb = verb.head  # "took part in talks"
        if verb.pos_ in ("VERB", "AUX") and (verb.lemma_.lower(), t.head.lower_) in PARTICIPATION:
            return verb
    return None
