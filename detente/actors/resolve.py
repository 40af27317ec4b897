"""Mentions -> actors: names, titles, metonyms and sector agents, resolved on a date.

Rules, in order, over the longest gazetteer matches of each sentence:

* ``[country|adjective] [title] [person]`` ("US Secretary of State John Kerry")
  is one mention of the person; the title confirms the role.
* ``[country|adjective|X's] title`` without a name ("Russia's foreign
  minister") is the holder of that office on the date.
* ``adjective agent-noun`` ("Russian troops") is a country actor with a sector.
* a person alias ("Kerry", "Mr. Biden") is that person, with the role and
  sector they had on the date (a former leader becomes ELI).
* countries, metonyms ("the Kremlin") and organisations map to their codes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Iterable, Iterator, Optional

from ..types import Actor, Mention, ParsedArticle, ResolvedArticle
from .gazetteer import Entry, Gazetteer, Match
from .kb import KnowledgeBase

FORMER_WORDS = {"former", "ex", "ex-", "erstwhile", "onetime", "one-time", "retired"}
HONORIFICS = {"mr", "mr.", "ms", "ms.", "mrs", "mrs.", "dr", "dr.", "sir", "dame", "gen.",
              "general", "president", "premier", "chancellor", "king", "queen", "prince",
              "sheikh", "ayatollah", "minister", "secretary", "senator", "sen."}


def _link_short_names(mentions: list[Mention]) -> list[Mention]:
    """"Canadian Foreign Minister Mélanie Joly ... Joly said": a later bare name that the
    knowledge base does not know takes the actor of the earlier full mention."""
    named: dict[str, Mention] = {}
    out = []
    for m in mentions:
        a = m.actor
        if a.basis == "ner-person" and not a.code:
            prior = named.get(a.text.split()[-1])
            if prior is not None:
                actor = replace(prior.actor, text=a.text, start=a.start, end=a.end, basis="linked-name")
                m = replace(m, actor=actor, ref=prior.ref)
        elif a.code and a.name and " " in a.name:
            named.setdefault(a.name.split()[-1], m)
        out.append(m)
    return out


def _dominant_polity(matches: Iterable[Match]) -> Optional[str]:
    """The country a stretch of text is most about (first one wins ties)."""
    counts: dict[str, int] = {}
    for m in matches:
        e = m.first("country", "adjective", "metonym")
        if e is not None:
            counts[e.key] = counts.get(e.key, 0) + 1
    return max(counts, key=counts.get) if counts else None


def _iso(day: Optional[str]) -> Optional[dt.date]:
    try:
        return dt.date.fromisoformat(day) if day else None
    except ValueError:
        return None


class ActorResolver:
    """Stage: ParsedArticle -> ResolvedArticle (mentions filled, times empty)."""

    def __init__(self, kb: KnowledgeBase, gazetteer: Gazetteer) -> None:
        self.kb = kb
        self.gaz = gazetteer

    def __call__(self, parsed: Iterable[ParsedArticle]) -> Iterator[ResolvedArticle]:
        for p in parsed:
            yield ResolvedArticle(parsed=p, mentions=self.mentions(p), times=())

    # ------------------------------------------------------------ per article
    def mentions(self, parsed: ParsedArticle, day: Optional[dt.date] = None) -> tuple[Mention, ...]:
        doc = parsed.doc
        day = day or _iso(parsed.article.published)
        sentences = [(sent, self.gaz.scan([t.text for t in sent], offset=sent.start)) for sent in doc.sents]
        article_polity = _dominant_polity(m for _, ms in sentences for m in ms)
        out: list[Mention] = []
        for si, (sent, matches) in enumerate(sentences):
            fallback = _dominant_polity(matches) or article_polity
            ents = parsed.ents[si] if parsed.ents else tuple(sent.ents)
            out.extend(self._sentence_mentions(doc, si, sent, matches, day, fallback, ents))
        return tuple(_link_short_names(out))

    def _sentence_mentions(self, doc, si: int, sent, matches: list[Match],
                           day: Optional[dt.date], fallback: Optional[str] = None,
                           ents: tuple = ()) -> list[Mention]:
        out: list[Mention] = []
        used_until = -1
        covered: set[int] = set()
        for k, m in enumerate(matches):
            if m.start < used_until:
                continue
            mention, end = self._from_match(doc, si, sent, matches, k, day, fallback)
            if mention is not None:
                out.append(mention)
                used_until = max(end, mention.tok_end)
                covered.update(range(mention.tok_start, mention.tok_end))
        out.extend(self._counterparts(doc, si, sent, covered, out, day))
        out.extend(self._unknown_people(doc, si, ents, covered))
        return [self._former(doc, m) for m in out]

    def _former(self, doc, m: Mention) -> Mention:
        """"former US officials", "a former foreign minister": elites, not government."""
        i = m.tok_start - 1
        while i >= 0 and doc[i].lower_ in ("the", "a", "an", "two", "three", "several", "many"):
            i -= 1
        if i < 0 or doc[i].lower_ not in FORMER_WORDS:
            return m
        a = m.actor
        if a.basis in ("title", "title-unresolved"):  # a former holder, not the current one
            a = replace(a, name=None, kb_id=None)
        role = f"former {a.role}" if a.role and not a.role.startswith("former") else a.role
        code = (a.country or "") + "ELI" if a.country else a.code
        span = doc[i:m.tok_end]
        actor = replace(a, sector="ELI", code=code, role=role, text=span.text, start=span.start_char)
        return replace(m, tok_start=i, actor=actor, ref="" if a.basis.startswith("title") else m.ref)

    def _counterparts(self, doc, si, sent, covered: set[int], found: list[Mention],
                      day: Optional[dt.date]) -> list[Mention]:
        """"his Russian counterpart" (no name): the same office in the named country."""
        out = []
        for tok in sent:
            if tok.lower_ not in ("counterpart", "counterparts") or tok.i in covered:
                continue
            nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
            prev = doc[tok.i - 1] if tok.i > 0 else None
            named = next((m for m in found if nxt is not None and m.tok_start == nxt.i), None)
            if named is not None:  # "his Russian counterpart Sergey Lavrov": the words refer to the name
                start = prev.i if prev is not None and prev.pos_ in ("ADJ", "PROPN") else tok.i
                span = doc[start:tok.i + 1]
                out.append(replace(named, tok_start=start, tok_end=tok.i + 1, head=tok.i,
                                   actor=replace(named.actor, text=span.text, start=span.start_char,
                                                 end=span.end_char)))
                continue
            if nxt is not None and nxt.i in covered:
                continue
            place = self.gaz.longest_at([prev.text], 0, kinds=("adjective", "country")) if prev is not None else None
            office = self._last_office(found, tok.i, day)
            if place is None or office is None:
                continue
            polity = place.entries[0].key
            start = prev.i
            if start > 0 and doc[start - 1].pos_ == "PRON":
                start -= 1
            actor = self.office_actor(polity, office, day)
            out.append(self._mention(doc, si, start, tok.i + 1, actor, ref=f"office:{polity}:{office}"))
        return out

    def _last_office(self, found: list[Mention], before: int, day: Optional[dt.date]) -> Optional[str]:
        for m in reversed(found):
            if m.tok_end > before or not m.ref:
                continue
            kind, _, rest = m.ref.partition(":")
            if kind == "office":
                return rest.partition(":")[2]
            if day is not None:
                for office, term in self.kb.terms_of(rest):
                    if term.covers(day):
                        return office.office
        return None

    def _from_match(self, doc, si, sent, matches, k, day, fallback=None):
        m = matches[k]
        nxt = matches[k + 1] if k + 1 < len(matches) else None
        nxt2 = matches[k + 2] if k + 2 < len(matches) else None
        place = m.first("country", "adjective")
        # [country|adjective] [title] [person]
        if place and nxt and nxt.start == m.end and nxt.first("title"):
            if nxt2 and nxt2.start == nxt.end and nxt2.first("person"):
                return self._person(doc, si, m.start, nxt2, day), nxt2.end
            return self._title(doc, si, m.start, nxt, day, polity=place.key), nxt.end
        if m.first("title"):
            if nxt and nxt.start == m.end and nxt.first("person"):
                return self._person(doc, si, m.start, nxt, day), nxt.end
            polity = self._possessor(doc, m, matches, k)
            return self._title(doc, si, m.start, m, day, polity=polity, fallback=fallback), m.end
        if m.first("person"):
            return self._person(doc, si, self._honorific_start(doc, sent, m.start), m, day), m.end
        if place:
            agent = self._agent_after(doc, m.end, sent.end)
            if agent:
                end, sector = agent
                if nxt and nxt.start == end and nxt.first("person"):  # "his Russian counterpart Sergey Lavrov"
                    return self._person(doc, si, m.start, nxt, day), nxt.end
                return self._mention(doc, si, m.start, end, self._country_actor(place.key, sector, "agent")), end
            if place.kind == "adjective":
                return None, m.end
            titled = nxt is not None and nxt.start == m.end + 1 and nxt.first("title")
            if not titled and m.end + 1 < sent.end and doc[m.end].text in ("'s", "’s"):  # "Britain's army"
                agent = self._agent_after(doc, m.end + 1, sent.end)
                if agent:
                    end, sector = agent
                    return self._mention(doc, si, m.start, end, self._country_actor(place.key, sector, "agent")), end
            return self._mention(doc, si, m.start, m.end, self._country_actor(place.key, None, "country")), m.end
        entry = m.first("metonym", "org", "plural")
        if entry is None:
            return None, m.end
        owner = self._possessor(doc, m, matches, k) if entry.kind == "metonym" else None
        if owner and owner != entry.key and owner in self.kb.countries:  # "Chile's Defense Department"
            return self._mention(doc, si, m.start, m.end, self._country_actor(owner, entry.sector, "metonym")), m.end
        return self._mention(doc, si, m.start, m.end, self._entry_actor(entry)), m.end

    # ----------------------------------------------------------- builders
    def _mention(self, doc, si, start, end, actor: Actor, ref: str = "") -> Mention:
        span = doc[start:end]
        actor = replace(actor, text=span.text, start=span.start_char, end=span.end_char)
        return Mention(sentence_index=si, tok_start=start, tok_end=end, head=span.root.i,
                       actor=actor, ref=ref)

    def _country_actor(self, iso3: str, sector: Optional[str], basis: str) -> Actor:
        country = self.kb.countries.get(iso3)
        return Actor(text="", start=0, end=0, name=country.name if country else iso3,
                     code=iso3 + (sector or ""), country=iso3, sector=sector,
                     kb_id=f"country:{iso3}", basis=basis)

    def _entry_actor(self, entry: Entry) -> Actor:
        if entry.kind == "org":
            org = self.kb.organisations[entry.key]
            return Actor(text="", start=0, end=0, name=org.name, code=org.code,
                         country=org.country, sector=org.sector, kb_id=f"org:{org.code}", basis="org")
        sector = None if entry.kind == "plural" else entry.sector
        return self._country_actor(entry.key, sector, entry.kind)

    def _person(self, doc, si, start, m: Match, day) -> Mention:
        ids = [e.key for e in m.entries if e.kind == "person"]
        pid = self._pick_person(ids, day)
        actor = self.person_actor(pid, day) if pid else Actor("", 0, 0)
        return self._mention(doc, si, start, m.end, actor, ref=f"person:{pid}" if pid else "")

    def _title(self, doc, si, start, m: Match, day, polity: Optional[str],
               fallback: Optional[str] = None) -> Optional[Mention]:
        """A title names the holder of an office: of the country given with it, else the
        only country with that title, else the sentence's (or article's) country."""
        titles = [e for e in m.entries if e.kind == "title"]
        polities = {e.polity for e in titles}
        if polity is None and len(polities) == 1:
            polity = next(iter(polities))
        polity = polity or fallback
        if polity is None or not any(e.polity == polity for e in titles) and polity not in self.kb.countries:
            return None
        offices = [e.key for e in titles if e.polity == polity] or [titles[0].key]
        actor = self.office_actor(polity, offices[0], day)
        named = self._name_after(doc, m.end)
        if named is not None:  # "Canadian Foreign Minister Mélanie Joly": the article names the holder
            same = actor.name and actor.name.split()[-1].lower() == named.text.split()[-1].lower()
            if same:  # the holder we know, spelt differently ("Anthony Blinken")
                return self._mention(doc, si, start, named.end, actor, ref=f"office:{polity}:{offices[0]}")
            actor = replace(actor, name=named.text, kb_id=None, basis="title+name")
            return self._mention(doc, si, start, named.end, actor)
        return self._mention(doc, si, start, m.end, actor, ref=f"office:{polity}:{offices[0]}")

    @staticmethod
    def _name_after(doc, i: int):
        """The PERSON entity that starts at token ``i``, if any."""
        if i >= len(doc) or doc[i].ent_iob_ != "B" or doc[i].ent_type_ != "PERSON":
            return None
        end = i + 1
        while end < len(doc) and doc[end].ent_iob_ == "I":
            end += 1
        return doc[i:end]

    # ----------------------------------------------------------- resolution on a date
    def resolve_on(self, mention: Mention, day: Optional[str]) -> Actor:
        """Re-resolve a mention's actor on another date (the event date)."""
        when = _iso(day)
        if not mention.ref or when is None:
            return mention.actor
        kind, _, rest = mention.ref.partition(":")
        if kind == "person":
            fresh = self.person_actor(rest, when)
        else:
            polity, _, office = rest.partition(":")
            fresh = self.office_actor(polity, office, when)
        return replace(fresh, text=mention.actor.text, start=mention.actor.start, end=mention.actor.end)

    def person_actor(self, pid: str, day: Optional[dt.date]) -> Actor:
        """A person as an actor on ``day``: their office then, or what they were before/after."""
        person = self.kb.people[pid]
        role, sector, polity = self._role_on(pid, day)
        if polity and polity not in self.kb.countries:  # heading an organisation (NATO, UN, EU...)
            return Actor(text="", start=0, end=0, name=person.name, code=polity, country=None,
                         sector=sector, role=role, kb_id=f"person:{pid}", basis="person")
        # the office's country, when in office (a monarch reigns in several realms)
        country = polity if polity else (person.country if person.country in self.kb.countries else None)
        code = (country + (sector or "")) if country else None
        return Actor(text="", start=0, end=0, name=person.name, code=code, country=country,
                     sector=sector, role=role, kb_id=f"person:{pid}", basis="person")

    def office_actor(self, polity: str, office_name: str, day: Optional[dt.date]) -> Actor:
        office = self.kb.office(polity, office_name)
        term = office.holder_on(day) if (office and day) else None
        if term:
            actor = self.person_actor(term.person, day)
            if polity in self.kb.countries:  # coded for this office's country (a monarch of several realms)
                actor = replace(actor, country=polity, code=polity + (actor.sector or ""))
            return replace(actor, role=office.title, basis="title")
        is_country = polity in self.kb.countries
        role = office.title if office else office_name.replace("_", " ")
        return Actor(text="", start=0, end=0, name=None, code=polity + "GOV" if is_country else polity,
                     country=polity if is_country else None, sector="GOV", role=role,
                     basis="title-unresolved")

    def _role_on(self, pid: str, day: Optional[dt.date]) -> tuple[Optional[str], Optional[str], Optional[str]]:
        """(role, sector, polity) on ``day``; a former office holder is an elite (ELI)."""
        if day is None:
            return None, None, None
        terms = self.kb.terms_of(pid)
        home = self.kb.people[pid].country
        for office, term in sorted(terms, key=lambda ot: ot[0].polity != home):  # home office first
            if term.covers(day):
                return office.title, "GOV" if office.polity in self.kb.countries else "IGO", office.polity
        for role in self.kb.people[pid].other_roles:
            if (role.start is None or role.start <= day) and (role.end is None or day < role.end):
                return role.role, role.sector, None
        past = [(o, t) for o, t in terms if t.end is not None and t.end <= day]
        if past:
            office = max(past, key=lambda ot: ot[1].end)[0]
            return "former " + office.title, "ELI", None
        return None, None, None

    def _pick_person(self, ids: list[str], day: Optional[dt.date]) -> Optional[str]:
        ids = list(dict.fromkeys(ids))
        if len(ids) <= 1:
            return ids[0] if ids else None
        in_office = [p for p in ids if day and any(t.covers(day) for _, t in self.kb.terms_of(p))]
        return in_office[0] if len(in_office) == 1 else None

    # ----------------------------------------------------------- helpers
    def _agent_after(self, doc, i: int, limit: int) -> Optional[tuple[int, str]]:
        words = [t.text for t in doc[i:min(limit, i + self.gaz.max_len)]]
        m = self.gaz.longest_at(words, 0, lower=True, kinds=("agent",))
        if m is None:
            return None
        return i + m.end, m.entries[0].key

    def _possessor(self, doc, m: Match, matches: list[Match], k: int) -> Optional[str]:
        """"Russia's foreign minister" / "the foreign minister of Russia"."""
        if k > 0 and m.start >= 2 and doc[m.start - 1].text in ("'s", "’s"):
            prev = matches[k - 1]
            place = prev.first("country", "metonym")
            if prev.end == m.start - 1 and place:
                return place.key
        if m.end + 1 < len(doc) and doc[m.end].lower_ == "of" and k + 1 < len(matches):
            nxt = matches[k + 1]
            place = nxt.first("country")
            if nxt.start == m.end + 1 and place:
                return place.key
        return None

    def _honorific_start(self, doc, sent, start: int) -> int:
        i = start
        while i - 1 >= sent.start and doc[i - 1].lower_ in HONORIFICS:
            i -= 1
        return i

    def _unknown_people(self, doc, si, ents, covered: set[int]) -> list[Mention]:
        out = []
        for ent in ents:
            if ent.label_ != "PERSON" or any(i in covered for i in range(ent.start, ent.end)):
                continue
            actor = Actor(text=ent.text, start=ent.start_char, end=ent.end_char, name=ent.text,
                          basis="ner-person")
            out.append(Mention(sentence_index=si, tok_start=ent.start, tok_end=ent.end,
                               head=ent.root.i, actor=actor))
        return out


def explain(kb: KnowledgeBase, mention: Mention, day: Optional[dt.date]) -> list[str]:
    """Why a mention resolved as it did, one line per step."""
    a = mention.actor
    lines = [f"text {a.text!r} matched as {a.basis or 'unknown'}"]
    kind, _, rest = mention.ref.partition(":")
    if kind == "office":
        polity, _, office_name = rest.partition(":")
        office = kb.office(polity, office_name)
        lines.append(f"title -> office {office_name} of {polity}")
        term = office.holder_on(day) if office and day else None
        if term:
            end = term.end.isoformat() if term.end else "today"
            lines.append(f"holder on {day}: {kb.people[term.person].name} ({term.start} to {end})")
        else:
            lines.append(f"no holder known on {day}" if day else "no date given: holder unknown")
    elif kind == "person":
        person = kb.people[rest]
        lines.append(f"person {person.name} ({rest}), aliases: {', '.join(person.aliases[:6])}")
        for office, term in kb.terms_of(rest):
            end = term.end.isoformat() if term.end else "today"
            mark = " <- on date" if day and term.covers(day) else ""
            lines.append(f"  {office.title}: {term.start} to {end}{mark}")
    if a.sector == "ELI" and a.role:
        lines.append(f"{a.role}: coded as elite (ELI)")
    lines.append(f"=> code {a.code}, country {a.country}, sector {a.sector}, role {a.role}")
    return lines
