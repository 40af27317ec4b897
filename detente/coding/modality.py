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
        if t.head is t:
            break
        t = t.head
    return False


def modality(trigger) -> str:
    if trigger.dep_ == "conj" and trigger.pos_ in ("VERB", "AUX") and not _aux(trigger) \
            and trigger.head.pos_ in ("VERB", "AUX"):
        return modality(trigger.head)  # "must have asked X and blamed Y": blamed shares the modal
    # "will hold talks": the light verb's tense and modals are the event's; but "the meeting
    # should be considered a breakthrough" says nothing about whether the meeting happened
    light = trigger.pos_ in ("NOUN", "PROPN") and trigger.dep_ in ("dobj", "attr", "oprd") \
        and trigger.head.pos_ in ("VERB", "AUX")
    verb = trigger.head if light else trigger
    if in_conditional(trigger):
        return "hypothetical"
    if _negated(verb) or _negated(trigger):
        return "negated"
    head = verb.head if verb.dep_ in ("xcomp", "pcomp", "ccomp", "advcl", "acl") else None
    if head is not None and head.lemma_ in NEGATING_HEADS:
        return "negated"
    aux = _aux(verb)
    up = verb
    while up.dep_ in ("xcomp", "acomp", "pcomp") and up.head is not up:  # "will be interested to cooperate"
        up = up.head
        aux |= _aux(up)
    if aux & MODAL_AUX or (head is not None and head.lemma_ in HYPOTHETICAL_HEADS):
        return "hypothetical"
    if aux & FUTURE_AUX or (aux & {"to"} and head is not None and head.lemma_ in PLANNING_HEADS):
        return "planned"
    if head is not None and head.lemma_ in PLANNING_HEADS and verb.dep_ == "xcomp":
        return "planned"
    if trigger.pos_ in ("NOUN", "PROPN"):
        mods = {c.lower_ for c in trigger.children if c.dep_ in ("amod", "compound")}
        if mods & PLANNED_MODIFIERS or any(c.lemma_ in ("set", "schedule", "plan", "expect")
                                           for c in trigger.children if c.dep_ in ("acl", "relcl")):
            return "planned"
    if verb.lemma_ in ("schedule", "set", "plan") or (verb.head.lemma_ in ("schedule", "plan") and verb.dep_ == "xcomp"):
        return "planned"
    return "asserted"
