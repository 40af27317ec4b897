"""Did it happen, is it planned, hypothetical or negated? Rules over the parse."""

from __future__ import annotations

from typing import Optional

NEGATING_HEADS = {"refrain", "decline", "refuse", "fail", "avoid", "stop", "deny", "reject"}
PLANNING_HEADS = {"schedule", "set", "plan", "expect", "due", "prepare", "intend", "arrange",
                  "agree", "invite", "propose", "seek", "hope", "want", "aim", "offer", "promise",
                  "pledge", "vow", "decide", "consider", "announce"}
HYPOTHETICAL_HEADS = {"consider", "could", "might", "may", "would", "rule", "speculate", "wonder"}
FUTURE_AUX = {"will", "shall", "'ll", "wo"}
MODAL_AUX = {"could", "might", "may", "would", "should", "must", "can", "ca"}
PLANNED_MODIFIERS = {"upcoming", "next", "planned", "proposed", "forthcoming", "future", "possible",
                     "potential", "expected", "scheduled"}
# "the talks were cancelled" did not happen; "were postponed" are still to happen
CANCELLING_VERBS = {"cancel", "scrap", "abandon", "scuttle"}
POSTPONING_VERBS = {"postpone", "delay", "reschedule", "defer", "push"}
# "a meeting will take place / is expected / cannot be ruled out": verbs that say whether the
# event their subject names happens; their tense and modals are the event's
OCCURRENCE_VERBS = {"take", "happen", "occur", "hold", "go", "rule", "expect", "schedule", "plan",
                    "set", "slate", "begin", "start", "resume", "come", "proceed", "continue",
                    "convene", "materialize", "materialise", "call", *CANCELLING_VERBS, *POSTPONING_VERBS}
SCHEDULE_PARTICIPLES = {"set", "schedule", "plan", "slate", "due", "expect"}
# "the US announced that it would provide ...": "would" is the future of the report, not a condition
REPORTING_HEADS = {"say", "announce", "tell", "confirm", "state", "declare", "add", "report",
                   "agree", "decide", "promise", "pledge", "vow", "warn", "insist", "write", "note"}
GENERIC_DETS = {"such", "any", "every", "each"}


def _aux(tok) -> set[str]:
    return {c.lower_ for c in tok.children if c.dep_ in ("aux", "auxpass")}


def _negated(tok) -> bool:
    return any(c.dep_ == "neg" for c in tok.children)


def conditional_clause(tok) -> Optional[object]:
    """The "if ..." clause attached to the trigger's clause, if any."""
    for t in (tok, tok.head):
        for c in t.children:
            if c.dep_ == "advcl" and any(m.lower_ in ("if", "unless") and m.dep_ == "mark" for m in c.children):
                return c
    return None


def in_conditional(tok) -> bool:
    """True when the trigger sits inside an "if"/"unless" clause."""
    t = tok
    for _ in range(4):
        if any(m.dep_ == "mark" and m.lower_ in ("if", "unless", "whether") for m in t.children):
            return True
        if t.head.i == t.i:
            break
        t = t.head
    return False


def is_generic(noun) -> bool:
    """A kind of event, not one event: "such meetings", "any talks", and a bare plural that
    is the subject of a general truth ("meetings between rivals lower tensions")."""
    if noun.pos_ not in ("NOUN", "PROPN"):
        return False
    if any(c.dep_ in ("det", "predet", "amod") and c.lower_ in GENERIC_DETS for c in noun.children):
        return True
    head = noun.head
    return (noun.tag_ == "NNS" and noun.dep_ == "nsubj" and head.tag_ in ("VBP", "VBZ")
            and head.lemma_.lower() not in OCCURRENCE_VERBS
            and not any(c.dep_ in ("det", "poss", "nummod") for c in noun.children))


def reduced_relative(noun) -> Optional[object]:
    """"the Geneva talks, set for January 9 and 10": the scheduling participle after the noun,
    wherever the parser attached it."""
    for c in noun.children:
        if c.dep_ in ("acl", "relcl") and c.lemma_.lower() in SCHEDULE_PARTICIPLES:
            return c
    doc = noun.doc
    i = noun.right_edge.i + 1
    if i < len(doc) and doc[i].text == ",":
        i += 1
    if i < len(doc) and doc[i].tag_ == "VBN" and doc[i].lemma_.lower() in SCHEDULE_PARTICIPLES \
            and doc[i].sent == noun.sent:
        return doc[i]
    return None


def _event_verb(trigger):
    """The verb whose tense and modals are the event's: the trigger itself, the light verb of
    an event noun ("will hold talks"), or the verb saying whether it happens ("a meeting is
    expected"). "The meeting should be considered a breakthrough" says nothing about whether
    the meeting happened."""
    if trigger.pos_ not in ("NOUN", "PROPN") or trigger.head.pos_ not in ("VERB", "AUX"):
        return trigger
    if trigger.dep_ in ("dobj", "attr", "oprd"):
        return trigger.head
    if trigger.dep_ in ("nsubj", "nsubjpass") and trigger.head.lemma_.lower() in OCCURRENCE_VERBS:
        return trigger.head
    return trigger


def _clause_head(verb):
    """The verb a non-finite or subordinate clause hangs from ("refrained from blaming")."""
    if verb.dep_ not in ("xcomp", "pcomp", "ccomp", "advcl", "acl"):
        return None
    head = verb.head
    if head.pos_ == "ADP" and head.dep_ == "prep" and head.head.i != head.i:
        head = head.head
    return head


def _said_of_the_event(trigger, verb) -> Optional[str]:
    """Conditions, ruling out, cancelling and negation, which outrank tense and modals."""
    if in_conditional(trigger):
        return "hypothetical"
    if verb.lemma_.lower() == "rule" and any(c.lower_ == "out" for c in verb.children):
        # "a meeting cannot be ruled out" is possible; "ruled out a meeting" is not happening
        return "hypothetical" if _negated(verb) else "negated"
    if trigger.pos_ in ("NOUN", "PROPN") and trigger.dep_ in ("nsubj", "nsubjpass") \
            and _aux(trigger.head) & {"would", "could", "might"} \
            and not any(c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in trigger.children):
        return "hypothetical"  # "an invasion of Taiwan would be catastrophic" (not "the meeting
        # could be a turning point": a known event)
    if verb is not trigger and verb.lemma_.lower() in CANCELLING_VERBS | POSTPONING_VERBS:
        return "negated" if verb.lemma_.lower() in CANCELLING_VERBS else "planned"
    if _negated(verb) or _negated(trigger) or any(
            c.dep_ == "det" and c.lower_ == "no" for c in trigger.children):
        return "negated"
    return None


def modality(trigger) -> str:
    if trigger.dep_ == "conj" and trigger.pos_ in ("VERB", "AUX") and not _aux(trigger) \
            and trigger.head.pos_ in ("VERB", "AUX"):
        return modality(trigger.head)  # "must have asked X and blamed Y": blamed shares the modal
    verb = _event_verb(trigger)
    said = _said_of_the_event(trigger, verb)
    if said is not None:
        return said
    head = _clause_head(verb)
    if head is not None and (head.lemma_ in NEGATING_HEADS or (verb.dep_ in ("xcomp", "pcomp") and _negated(head))):
        return "negated"  # "refrained from blaming", "did not agree to meet"
    aux = _aux(verb)
    if aux == {"would"} and head is not None and verb.dep_ == "ccomp" \
            and head.lemma_.lower() in REPORTING_HEADS:
        return "planned"  # "announced that it would provide": the future of the report
    up = verb
    while up.dep_ in ("xcomp", "acomp", "pcomp") and up.head.i != up.i:  # "will be interested to cooperate"
        up = up.head
        aux |= _aux(up)
    if aux & MODAL_AUX or (head is not None and head.lemma_ in HYPOTHETICAL_HEADS):
        return "hypothetical"
    if aux & FUTURE_AUX or (aux & {"to"} and head is not None and head.lemma_ in PLANNING_HEADS):
        return "planned"
    if head is not None and head.lemma_ in PLANNING_HEADS and verb.dep_ == "xcomp":
        return "planned"
    if verb.dep_ == "xcomp" and head is not None and head.lemma_ == "be" and "to" in aux:
        return "planned"  # "officials are to meet in Geneva"
    if trigger.pos_ in ("NOUN", "PROPN"):
        mods = {c.lower_ for c in trigger.children if c.dep_ in ("amod", "compound")}
        if mods & PLANNED_MODIFIERS or reduced_relative(trigger) is not None:
            return "planned"
        if verb is not trigger and verb.lemma_.lower() in SCHEDULE_PARTICIPLES:
            return "planned"  # "a meeting is expected in Cairo"
    if verb.lemma_ in ("schedule", "set", "plan") or (verb.head.lemma_ in ("schedule", "plan") and verb.dep_ == "xcomp"):
        return "planned"
    return "asserted"
