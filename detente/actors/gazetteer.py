"""Surface forms -> knowledge-base entries, matched over spaCy tokens.

The index is built once from the knowledge base with the same tokenizer the
parser uses, so multi-word names ("Secretary of State", "10 Downing Street")
match token for token. Names match case-sensitively; titles and agent nouns
match in lower case ("the foreign minister", "Russian troops").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Optional, Sequence

from .kb import KnowledgeBase

Tokenize = Callable[[str], Sequence[str]]
TITLES = frozenset({"title"})


@dataclass(frozen=True)
class Entry:
    kind: str  # country | adjective | plural | metonym | org | person | title | agent
    key: str  # iso3, organisation code, person id, office name or sector
    polity: Optional[str] = None  # country/org an entry belongs to
    sector: Optional[str] = None


@dataclass(frozen=True)
class Match:
    start: int  # token index (absolute in the Doc)
    end: int  # exclusive
    entries: tuple[Entry, ...]

    def first(self, *kinds: str) -> Optional[Entry]:
        for e in self.entries:
            if e.kind in kinds:
                return e
        return None


class Gazetteer:
    def __init__(self, kb: KnowledgeBase, tokenize: Tokenize) -> None:
        self._cased: dict[tuple[str, ...], list[Entry]] = {}
        self._lower: dict[tuple[str, ...], list[Entry]] = {}
        self._tokenize = tokenize
        self.max_len = 1
        # longest entry starting with each first token: most tokens start nothing, so most
        # positions cost one dict lookup
        self._first: dict[bool, dict[str, int]] = {False: {}, True: {}}
        self._build(kb)

    # ------------------------------------------------------------------ build
    def _add(self, text: str, entry: Entry, lower: bool = False) -> None:
        text = text.strip()
        if text[:4].lower() == "the ":  # "the UN", "the Kremlin": the article is not part of the name
            text = text[4:]
        toks = tuple(t for t in self._tokenize(text) if t.strip())
        if not toks:
            return
        if lower:
            toks = tuple(t.lower() for t in toks)
        table = self._lower if lower else self._cased
        bucket = table.setdefault(toks, [])
        if entry not in bucket:
            bucket.append(entry)
        self.max_len = max(self.max_len, len(toks))
        first = self._first[lower]
        first[toks[0]] = max(first.get(toks[0], 0), len(toks))

    def _build(self, kb: KnowledgeBase) -> None:
        for c in kb.countries.values():
            for name in {c.name, c.official, *c.aliases}:
                self._add(name, Entry("country", c.iso3, c.iso3))
            for adj in c.adjectives:
                self._add(adj, Entry("adjective", c.iso3, c.iso3))
            for plural in c.plurals:
                self._add(plural, Entry("plural", c.iso3, c.iso3, "CVL"))
            for m in c.metonyms:
                self._add(m.text, Entry("metonym", c.iso3, c.iso3, m.sector))
        for o in kb.organisations.values():
            for name in {o.name, *o.aliases}:
                self._add(name, Entry("org", o.code, o.country, o.sector))
        for p in kb.people.values():
            for name in {p.name, *p.aliases}:
                self._add(name, Entry("person", p.id, p.country))
        for office in kb.offices:
            for title in {office.title, *office.titles}:
                self._add(title, Entry("title", office.office, office.polity), lower=True)
        for noun, sector in kb.agents.items():
            self._add(noun, Entry("agent", sector, None, sector), lower=True)

    # ------------------------------------------------------------------ match
    def lookup(self, tokens: Sequence[str], lower: bool = False) -> list[Entry]:
        table = self._lower if lower else self._cased
        key = tuple(t.lower() for t in tokens) if lower else tuple(tokens)
        return table.get(key, [])

    def longest_at(self, words: Sequence[str], i: int, lower: bool = False,
                   kinds: Optional[Iterable[str]] = None) -> Optional[Match]:
        wanted = kinds if kinds is None or isinstance(kinds, frozenset) else frozenset(kinds)
        if i >= len(words):
            return None
        longest = self._first[lower].get(words[i].lower() if lower else words[i], 0)
        for n in range(min(longest, len(words) - i), 0, -1):
            entries = self.lookup(words[i:i + n], lower=lower)
            if wanted is not None:
                entries = [e for e in entries if e.kind in wanted]
            if entries:
                return Match(i, i + n, tuple(entries))
        return None

    def scan(self, words: Sequence[str], offset: int = 0) -> list[Match]:
        """Non-overlapping longest matches, left to right, over cased names then titles."""
        out: list[Match] = []
        i = 0
        while i < len(words):
            cased = self.longest_at(words, i)
            lower = self.longest_at(words, i, lower=True, kinds=TITLES)
            # the longer wins; on a tie a title beats a name ("UN Secretary-General" over "UN")
            best = max((m for m in (lower, cased) if m), key=lambda m: m.end - m.start, default=None)
            if best is None:
                i += 1
                continue
            out.append(Match(best.start + offset, best.end + offset, best.entries))
            i = best.end
        return out
