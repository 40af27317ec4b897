"""Direct quotes and who said them: ResolvedArticle -> Quote records.

Quoted text (``quoted_stretches``, text only):

* “curly” double quotes pair up; a straight ``"`` opens after a space, an opening
  bracket, a dash or a colon (or at the start of a paragraph) and closes otherwise;
  curly single quotes (‘…’, British style) count when no double quote is open, and a ’
  inside a word ("I’m") or after a plural s ("the hackers’ ransomware") is an
  apostrophe; straight single quotes are never quote marks; marks inside a quote are
  part of its text.
* A quote may run over sentences and paragraphs. A new opening mark while a quote is
  open ends the open one there (long quotes re-open every paragraph; writers forget a
  closing mark). A quote never closed ends with its paragraph; a mark left open over
  more than three paragraph breaks was stray, and ends with its first paragraph.
* “We will respond,” Lavrov said, “and firmly.” is ONE quote: its first part ends with a
  comma and the words between the parts end with a comma or colon, inside one
  paragraph. ``text`` joins the parts with a space (a comma ending the last part is
  dropped), ``spans`` are the parts' exact offsets, ``start``/``end`` the first and last.

Who said it (the parse), first rule that applies; ``attribution`` names it:

* ``interrupted`` — the speech verb between the parts;
* ``after`` — a speech verb after the quote in its last sentence, when the quote opens
  its sentence or the verb follows within a few words (“…,” Lavrov said / said Lavrov);
* ``before`` — the nearest speech verb before the quote in its first sentence
  (Lavrov said: “…”; a partial quote inside reported speech);
* ``according-to`` — "according to X" in the quote's sentences;
* ``previous-sentence`` — the sentence before ends with a colon or a speech verb
  ("A Foreign Ministry statement said:" / "he said" then the quote as a paragraph);
* ``continuation`` — a quote with none of these takes the speaker of the quote in the
  sentence just before it ("…,” Mr. Biden said. “We will…”), else of an attributed
  quote that follows it with nothing but space between them.

Speech verbs are ``dyads.SPEECH_VERBS`` (say, tell, add, warn, comment, opine, ...). The
speaker is the verb's subject, found as the event coder finds actors
(``dyads.ActorIndex.speaker_of``): a named person, a title holder, an organisation or
metonym ("the Kremlin said"); "he"/"she" is the nearest earlier person and "it" the
nearest earlier country or organisation, never one inside a quote, nor in the same
sentence a non-subject ("after his meeting with Lavrov, he said" is not Lavrov), nor one
before a proper-noun subject no mention covers ("What did US Secretary tell media? …
he said": no speaker rather than a wrong one). A later short name the knowledge base
does not know takes the fullest earlier name ("Prof Rajan" -> "Prof Rajan Kumar"). The
speaker is re-resolved on the quote's date. A subject that is no known actor ("a source
said", "The Associated Press") gives ``speaker=None``, its words in ``speaker_text``.

Scare quotes are dropped, never returned or stored: fewer than four words that no
speech verb attributes (a “frank” conversation, a ‘reset’). A short quote a speech
verb attributes (Lavrov said the talks were "useful") is kept.

``date`` is the date of a time expression attached to the speech verb ("told reporters
on Friday"), else the article's date.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from typing import Callable, Iterable, Iterator, Optional

from ..types import Actor, Mention, Quote, ResolvedArticle, TimeExpression
from . import dyads

Reresolve = Callable[[Mention, Optional[str]], Actor]

MIN_WORDS = 4  # shorter unattributed quotes are scare quotes
MAX_BREAKS = 3  # paragraph breaks an unclosed quote may span
AFTER_GAP = 6  # tokens between a closing mark and a following speech verb
_MARKS = re.compile(r'[“”„"‘’]|\n[ \t]*\n')
_OPEN_AFTER = set("([{<—–-/:")
_WORD = re.compile(r"\w+")
NAME_TITLES = {"mr", "mrs", "ms", "dr", "prof", "professor", "sir", "dame"}
ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "prof", "st", "gen", "sen", "rep", "gov", "lt", "col",
                 "sgt", "jr", "sr", "u.s", "u.k", "no"}


@dataclass(frozen=True)
class Stretch:
    """Quoted words between marks. ``start``/``end``: the words (marks and outer space
    excluded); ``open``/``close``: the marks' offsets (``close`` None when never closed)."""

    open: int
    close: Optional[int]
    start: int
    end: int

    @property
    def last(self) -> int:
        """Offset of the closing mark, or the end of the words when there is none."""
        return self.close if self.close is not None else self.end


# ------------------------------------------------------------------ marks (text only)


def quoted_stretches(text: str) -> list[Stretch]:
    """Every quoted stretch of ``text`` in order (scare quotes included)."""
    out: list[Stretch] = []
    open_at: Optional[int] = None
    family, breaks, first_break = "", 0, None

    def emit(close: Optional[int], limit: int) -> None:
        inner = text[open_at + 1:limit]
        start = open_at + 1 + (len(inner) - len(inner.lstrip()))
        end = open_at + 1 + len(inner.rstrip())
        if _WORD.search(text, start, end):
            out.append(Stretch(open_at, close, start, end))

    for m in _MARKS.finditer(text):
        i, ch = m.start(), m.group()
        if ch[0] == "\n":
            if open_at is None:
                continue
            breaks += 1
            first_break = i if first_break is None else first_break
            if family == "single" or breaks > MAX_BREAKS:
                emit(None, first_break)
                open_at = None
            continue
        role = _role(text, i, ch, family if open_at is not None else "")
        if role in ("open", "open-single"):
            if open_at is not None:
                emit(None, i)  # a new opening mark ends the open quote
            open_at, family, breaks, first_break = i, "single" if role == "open-single" else "double", 0, None
        elif role == "close" and open_at is not None:
            emit(i, i)
            open_at = None
    if open_at is not None:
        emit(None, first_break if first_break is not None else len(text))
    return out


def _role(text: str, i: int, ch: str, open_family: str) -> Optional[str]:
    """What the mark at ``i`` does given the open quote's family ("" when none is open)."""
    prev = text[i - 1] if i > 0 else "\n"
    nxt = text[i + 1] if i + 1 < len(text) else "\n"
    opens = prev.isspace() or prev in _OPEN_AFTER
    if open_family == "single":
        return "close" if ch == "’" and _closes_single(text, i) else None
    if ch in "“„":
        return "open"
    if ch == "”":
        return "close" if open_family == "double" else None
    if ch == '"':
        if open_family == "double":
            return "open" if _paragraph_start(text, i) and not nxt.isspace() else "close"
        return "open" if opens and not nxt.isspace() else None
    if open_family == "" and ch == "‘" and opens and nxt.isalpha():
        return "open-single"
    return None


def _closes_single(text: str, i: int) -> bool:
    nxt = text[i + 1:i + 3]
    if nxt[:1].isalnum():
        return False  # I’m, don’t
    return not (text[i - 1:i] in ("s", "S") and re.match(r" [a-z]", nxt))  # the hackers’ ransomware


def _paragraph_start(text: str, i: int) -> bool:
    before = text[:i].rstrip(" \t")
    return not before or before.endswith("\n")


def utterances(text: str, stretches: list[Stretch]) -> list[tuple[Stretch, ...]]:
    """Stretches grouped into quotes: parts split by attribution are one quote."""
    groups: list[list[Stretch]] = []
    for s in stretches:
        if groups and _interrupted(text, groups[-1][-1], s):
            groups[-1].append(s)
        else:
            groups.append([s])
    return [tuple(g) for g in groups]


def _interrupted(text: str, a: Stretch, b: Stretch) -> bool:
    if a.close is None:
        return False
    gap = text[a.close + 1:b.open].strip()
    return (text[a.start:a.end].endswith((",", "—", "–")) and 0 < len(gap) <= 80
            and "\n" not in gap and gap.endswith((",", ":")) and not _ends_sentence(gap))


def _ends_sentence(words: str) -> bool:
    """A full stop (or ?/!) that ends a sentence, not one after "Mr" or an initial."""
    for m in re.finditer(r"(\w*)[.!?]\s+\S", words):
        if m.group(1).lower() not in ABBREVIATIONS and not (len(m.group(1)) == 1 and m.group(1).isupper()):
            return True
    return False


def quote_text(text: str, parts: tuple[Stretch, ...]) -> str:
    words = " ".join(text[p.start:p.end] for p in parts)
    return words[:-1].rstrip() if words.endswith(",") else words


# ------------------------------------------------------------------ the stage


@dataclass(frozen=True)
class _Draft:
    parts: tuple[Stretch, ...]
    first_sent: int
    last_sent: int
    verb: object = None  # spaCy token, or None
    attribution: Optional[str] = None
    speaker: Optional[Mention] = None
    speaker_text: Optional[str] = None


class QuoteFinder:
    """Stage: ResolvedArticle -> its quotes (run after the coder by the pipeline)."""

    def __init__(self, reresolve: Optional[Reresolve] = None) -> None:
        self.reresolve = reresolve or (lambda m, day: m.actor)

    def __call__(self, articles: Iterable[ResolvedArticle]) -> Iterator[tuple[Quote, ...]]:
        for r in articles:
            yield self.find(r)

    def find(self, r: ResolvedArticle) -> tuple[Quote, ...]:
        text, doc = r.article.text, r.parsed.doc
        stretches = quoted_stretches(text)
        if not stretches:
            return ()
        ctx = _Context(doc, dyads.ActorIndex(doc, r.mentions), stretches)
        drafts = []
        for parts in utterances(text, stretches):
            draft = ctx.attribute(parts)
            if draft.verb is not None or len(_WORD.findall(quote_text(text, parts))) >= MIN_WORDS:
                drafts.append(draft)
        return tuple(self._quote(r, ctx, d) for d in _continued(text, drafts))

    def _quote(self, r: ResolvedArticle, ctx: "_Context", d: _Draft) -> Quote:
        text, last = r.article.text, d.parts[-1]
        start, end = d.parts[0].start, last.end
        if text[last.start:end].endswith(","):  # “…,” he said: the comma is not what was said
            end = last.start + len(text[last.start:end - 1].rstrip())
        day = _speech_date(ctx.doc, d.verb, r.times) or r.article.published
        speaker = self.reresolve(d.speaker, day) if d.speaker is not None else None
        key = f"{r.article.id}|{start}|{end}"
        return Quote(
            id=hashlib.sha1(key.encode()).hexdigest()[:16], article_id=r.article.id,
            text=quote_text(text, d.parts),
            start=start, end=end, speaker=speaker,
            speech_verb=_verb_text(d.verb), sentence_index=d.first_sent, date=day,
            speaker_text=speaker.text if speaker is not None else d.speaker_text,
            attribution=d.attribution,
            spans=tuple((p.start, p.end) for p in d.parts[:-1]) + ((last.start, end),))


class _Context:
    """One article's parse, actor index and quoted stretches, for attribution."""

    def __init__(self, doc, index: dyads.ActorIndex, stretches: list[Stretch]) -> None:
        self.doc, self.index = doc, index
        self.sents = list(doc.sents)
        self.sent_starts = [s.start_char for s in self.sents]
        self.tok_starts = [t.idx for t in doc]
        self.quoted = [(s.open, s.last) for s in stretches]

    def sent_at(self, char: int) -> int:
        return max(bisect_right(self.sent_starts, char) - 1, 0)

    def in_quote(self, char: int) -> bool:
        return any(lo <= char <= hi for lo, hi in self.quoted)

    def tokens(self, lo: int, hi: int) -> list:
        """Tokens starting in [lo, hi) characters, outside every quote."""
        a, b = bisect_left(self.tok_starts, lo), bisect_left(self.tok_starts, hi)
        return [t for t in self.doc[a:b] if not self.in_quote(t.idx)]

    def attribute(self, parts: tuple[Stretch, ...]) -> _Draft:
        """The quote with its speech verb and speaker, by the first rule that applies."""
        first, last = parts[0], parts[-1]
        s0, s1 = self.sent_at(first.start), self.sent_at(max(last.end - 1, first.start))
        draft = _Draft(parts, s0, s1)
        sent0, sent1 = self.sents[s0], self.sents[s1]
        opens = not _WORD.search(self.doc.text, sent0.start_char, first.open)
        gaps = [t for a, b in zip(parts, parts[1:]) for t in self.tokens(a.last + 1, b.open)]
        after = self.tokens(last.last + 1, sent1.end_char)
        near = _speech_verbs(after)[:1]
        if near and not opens and (len([t for t in after if t.i < near[0].i]) > AFTER_GAP
                                   or not self.doc.text[last.start:last.end].endswith(",")):
            near = []  # mid-sentence, only “…,” said X right after the quote
        before = [v for v in _speech_verbs(self.tokens(sent0.start_char, first.open))
                  if v.left_edge.idx <= first.open <= v.right_edge.idx  # the quote is in its clause
                  or not _WORD.search(self.doc.text, v.idx + len(v), first.open)]  # "As X commented, ‘…’"
        order = [("after", near), ("before", before[-1:])]
        for rule, verbs in [("interrupted", _speech_verbs(gaps)), *(order if opens else order[::-1])]:
            if verbs:
                return self._speaker(draft, verbs[0], rule)
        found = self._according_to(draft, self.tokens(sent0.start_char, sent1.end_char))
        if found is not None:
            return found
        verb = self._introduced(first) if opens else None
        return self._speaker(draft, verb, "previous-sentence") if verb is not None else draft

    def _according_to(self, draft: _Draft, tokens: list) -> Optional[_Draft]:
        for tok in tokens:
            if tok.lower_ == "according" and tok.i + 1 < len(self.doc) and self.doc[tok.i + 1].lower_ == "to":
                obj = next((c for c in self.doc[tok.i + 1].children if c.dep_ == "pobj"), None)
                return replace(draft, verb=tok, attribution="according-to",
                               speaker=self.index.at(obj) if obj is not None else None,
                               speaker_text=_phrase(self.doc, obj))
        return None

    def _introduced(self, first: Stretch):
        """The speech verb of the sentence before the quote, when that sentence ends with a
        colon or with the verb ("he said" and the quote as the next paragraph)."""
        k = self.sent_at(first.open) - 1
        while k >= 0 and not _WORD.search(self.sents[k].text):
            k -= 1  # a sentence of punctuation only (the parser cut off the opening mark)
        toks = [t for t in self.sents[k] if not t.is_space and not self.in_quote(t.idx)] if k >= 0 else []
        if not toks or (toks[-1].text != ":" and not dyads.is_speech_verb(toks[-1])):
            return None
        verbs = _speech_verbs(toks)
        return verbs[-1] if verbs else None

    def _speaker(self, draft: _Draft, verb, rule: str) -> _Draft:
        sent = verb.sent
        blocker = self._unknown_subject(verb)

        def skip(m: Mention) -> bool:  # cannot be the "he" that speaks
            in_sentence = sent.start <= m.tok_start < sent.end
            return (self.in_quote(m.actor.start) or m.tok_end <= blocker
                    or (in_sentence and self.doc[m.head].dep_ not in dyads.SUBJ))

        mention, subj = self.index.speaker_of(verb, skip)
        if subj is not None and self.in_quote(subj.idx):
            mention, subj = None, None
        if mention is None and subj is None:  # "…,” said Lavrov; "with Cameron stressing that"
            mention = next((m for m in self.index.mentions if not self.in_quote(m.actor.start) and (
                rule == "after" and verb.i < m.tok_start <= verb.i + 3
                or m.tok_end == verb.i and dyads.is_person(m))), None)
        if subj is not None and (mention is None and subj.pos_ == "PROPN"
                                 or mention is not None and mention.actor.basis == "ner-person"):
            mention = self._named(subj) or mention
        words = mention.actor.text if mention is not None else _phrase(self.doc, subj)
        return replace(draft, verb=verb, attribution=rule, speaker=mention, speaker_text=words)

    def _unknown_subject(self, verb) -> int:
        """Index of the last proper-noun subject before ``verb`` that no mention covers
        ("What did US Secretary tell media? … he said"): "he" cannot reach past it."""
        for t in reversed(self.doc[max(verb.i - 150, 0):verb.i]):
            if (t.dep_ == "nsubj" and t.pos_ == "PROPN" and t.ent_type_ in ("", "PERSON")
                    and t.i not in self.index.by_token and not self.in_quote(t.idx)):
                return t.i
        return -1

    def _named(self, subj) -> Optional[Mention]:
        """A name the knowledge base does not know ("Prof Rajan" opines): the earlier person
        mention whose name holds all its words, the fullest one ("Prof Rajan Kumar")."""
        names = [t for t in subj.subtree if t.pos_ == "PROPN" and not self.in_quote(t.idx)]
        words = _name_words(" ".join(t.text for t in names))
        if not words:
            return None
        found = [m for m in self.index.mentions if m.tok_end <= names[0].i and dyads.is_person(m)
                 and words <= _name_words(m.actor.name or m.actor.text)]
        if not found:
            return None
        best = max(found, key=lambda m: len(_name_words(m.actor.name or m.actor.text)))
        span = self.doc[names[0].i:names[-1].i + 1]
        return replace(best, tok_start=span.start, tok_end=span.end, head=subj.i,
                       actor=replace(best.actor, text=span.text, start=span.start_char, end=span.end_char))


def _name_words(name: str) -> set[str]:
    return {w.lower().rstrip(".") for w in name.split()} - NAME_TITLES - {""}


def _speech_verbs(tokens: list) -> list:
    return [t for t in tokens if dyads.is_speech_verb(t)]


def _phrase(doc, tok) -> Optional[str]:
    """The words of a subject: its subtree when short, else the word itself."""
    if tok is None:
        return None
    span = doc[tok.left_edge.i:tok.right_edge.i + 1]
    return span.text if len(span) <= 8 else tok.text


def _verb_text(verb) -> Optional[str]:
    if verb is None:
        return None
    return "according to" if verb.lower_ == "according" else verb.text


def _continued(text: str, drafts: list[_Draft]) -> list[_Draft]:
    """Unattributed quotes take the speaker of the quote just before (next sentence at
    most), else of the attributed quote right after them (only space between)."""
    out = list(drafts)
    for k in range(1, len(out)):
        d, prev = out[k], out[k - 1]
        if d.attribution is None and prev.attribution and d.first_sent - prev.last_sent <= 1:
            out[k] = _inherit(d, prev)
    for k in range(len(out) - 2, -1, -1):
        d, nxt = out[k], out[k + 1]
        if d.attribution is None and nxt.attribution and not text[d.parts[-1].last + 1:nxt.parts[0].open].strip():
            out[k] = _inherit(d, nxt)
    return out


def _inherit(d: _Draft, other: _Draft) -> _Draft:
    return replace(d, verb=other.verb, attribution="continuation", speaker=other.speaker,
                   speaker_text=other.speaker_text)


def _speech_date(doc, verb, times: Iterable[TimeExpression]) -> Optional[str]:
    """The date of a time expression attached to the speech verb (climbing from its head)."""
    if verb is None:
        return None
    for t in times:
        if not t.date:
            continue
        node = doc[t.tok_start:t.tok_end].root.head
        for _ in range(4):
            if node.i == verb.i or node.pos_ in ("VERB", "AUX") or node.head.i == node.i:
                break
            node = node.head
        if node.i == verb.i:
            return t.date
    return None
