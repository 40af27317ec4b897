"""The knowledge base the package ships: countries, organisations, agents,
people and offices over time. Loaded once (by the pipeline) and injected.

Every file is schema-checked at load; a bad file raises KnowledgeError naming
the file, the entry and the field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

import yaml

from ..errors import KnowledgeError

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader is ~10x faster
DATA_DIR = Path(__file__).resolve().parent.parent / "data"
GOV_OFFICES = {"head_of_state", "head_of_government", "foreign_minister", "supreme_leader",
               "crown_prince", "paramount_leader"}


@dataclass(frozen=True)
class Metonym:
    text: str
    sector: str


@dataclass(frozen=True)
class Country:
    iso3: str
    name: str
    official: str
    aliases: tuple[str, ...]
    adjectives: tuple[str, ...]
    plurals: tuple[str, ...]
    capital: Optional[str]
    metonyms: tuple[Metonym, ...]


@dataclass(frozen=True)
class Organisation:
    code: str
    name: str
    aliases: tuple[str, ...]
    kind: str
    sector: str
    country: Optional[str]
    ambiguous_aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Term:
    person: str
    start: dt.date
    end: Optional[dt.date]  # exclusive hand-over day; None = still in office

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


@dataclass(frozen=True)
class Office:
    polity: str  # ISO3 or organisation code
    office: str  # head_of_state, foreign_minister, ...
    title: str
    titles: tuple[str, ...]
    terms: tuple[Term, ...]

    def holder_on(self, day: dt.date) -> Optional[Term]:
        for term in self.terms:
            if term.covers(day):
                return term
        return None


@dataclass(frozen=True)
class OtherRole:
    role: str
    sector: str
    start: Optional[dt.date]
    end: Optional[dt.date]


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    aliases: tuple[str, ...]
    country: str
    gender: Optional[str] = None
    other_roles: tuple[OtherRole, ...] = ()


@dataclass(frozen=True)
class KnowledgeBase:
    """Everything the package knows, with lookups by person and by office built once."""

    countries: dict[str, Country] = field(default_factory=dict)
    organisations: dict[str, Organisation] = field(default_factory=dict)
    agents: dict[str, str] = field(default_factory=dict)  # lowercase noun -> sector
    people: dict[str, Person] = field(default_factory=dict)
    offices: tuple[Office, ...] = ()
    _by_person: dict[str, tuple[tuple[Office, Term], ...]] = field(init=False, repr=False, compare=False)
    _by_office: dict[tuple[str, str], Office] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_person: dict[str, list[tuple[Office, Term]]] = {}
        for o in self.offices:
            for t in o.terms:
                by_person.setdefault(t.person, []).append((o, t))
        object.__setattr__(self, "_by_person", {k: tuple(v) for k, v in by_person.items()})
        object.__setattr__(self, "_by_office", {(o.polity, o.office): o for o in reversed(self.offices)})

    def terms_of(self, person_id: str) -> tuple[tuple[Office, Term], ...]:
        return self._by_person.get(person_id, ())

    def office(self, polity: str, office: str) -> Optional[Office]:
        return self._by_office.get((polity, office))

    def holders_on(self, day: dt.date, polity: Optional[str] = None) -> list[tuple[Office, Term]]:
        out = []
        for o in self.offices:
            if polity and o.polity != polity:
                continue
            term = o.holder_on(day)
            if term:
                out.append((o, term))
        return out


# ---------------------------------------------------------------- schema checks

def _need(entry: dict, key: str, kind: type, where: str) -> Any:
    if key not in entry:
        raise KnowledgeError(f"missing field {key!r}; add it", where=where)
    value = entry[key]
    if value is not None and not isinstance(value, kind):
        raise KnowledgeError(f"field {key!r} must be {kind.__name__}, got {value!r}", where=where)
    return value


def _strs(entry: dict, key: str, where: str) -> tuple[str, ...]:
    value = entry.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise KnowledgeError(f"field {key!r} must be a list of strings", where=where)
    return tuple(value)


def _date(value: Any, where: str, key: str) -> Optional[dt.date]:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise KnowledgeError(f"field {key!r} must be an ISO date YYYY-MM-DD, got {value!r}",
                             where=where) from None


def _load_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.load(fh, Loader=_LOADER)
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeError(f"cannot read knowledge file: {exc}", where=str(path)) from exc


def load_countries(path: Path) -> dict[str, Country]:
    out: dict[str, Country] = {}
    for i, e in enumerate(_load_yaml(path) or []):
        where = f"{path.name}[{i}]"
        iso3 = _need(e, "iso3", str, where)
        if iso3 in out:
            raise KnowledgeError(f"duplicate iso3 {iso3}", where=where)
        metonyms = []
        for m in e.get("metonyms") or []:
            metonyms.append(Metonym(_need(m, "text", str, where), _need(m, "sector", str, where)))
        out[iso3] = Country(
            iso3=iso3, name=_need(e, "name", str, where), official=e.get("official") or e["name"],
            aliases=_strs(e, "aliases", where), adjectives=_strs(e, "adjectives", where),
            plurals=_strs(e, "plurals", where), capital=e.get("capital"),
            metonyms=tuple(metonyms))
    return out


def load_organisations(path: Path) -> dict[str, Organisation]:
    out: dict[str, Organisation] = {}
    for i, e in enumerate(_load_yaml(path) or []):
        where = f"{path.name}[{i}]"
        code = _need(e, "code", str, where)
        out[code] = Organisation(
            code=code, name=_need(e, "name", str, where), aliases=_strs(e, "aliases", where),
            kind=e.get("kind") or "igo", sector=e.get("sector") or "IGO",
            country=e.get("country"), ambiguous_aliases=_strs(e, "ambiguous_aliases", where))
    return out


def load_agents(path: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for i, e in enumerate(_load_yaml(path) or []):
        where = f"{path.name}[{i}]"
        sector = _need(e, "sector", str, where)
        for noun in _strs(e, "nouns", where):
            out.setdefault(noun.lower(), sector)
    return out


def _load_office_file(path: Path, people: dict[str, Person], offices: list[Office]) -> None:
    doc = _load_yaml(path) or {}
    polity = _need(doc, "polity", str, path.name)
    for i, p in enumerate(doc.get("people") or []):
        where = f"{path.name}:people[{i}]"
        pid = _need(p, "id", str, where)
        roles = tuple(
            OtherRole(r.get("role", ""), r.get("sector", "ELI"), _date(r.get("start"), where, "start"),
                      _date(r.get("end"), where, "end"))
            for r in p.get("other_roles") or [])
        person = Person(id=pid, name=_need(p, "name", str, where), aliases=_strs(p, "aliases", where),
                        country=p.get("country") or (polity if len(polity) == 3 else ""),
                        gender=p.get("gender"), other_roles=roles)
        prior = people.get(pid)
        if prior:  # the same person defined in two files: merge aliases and roles
            country = p.get("country") or prior.country or person.country  # an explicit country wins
            person = Person(id=pid, name=prior.name, aliases=tuple(dict.fromkeys(prior.aliases + person.aliases)),
                            country=country, gender=prior.gender or person.gender,
                            other_roles=prior.other_roles + person.other_roles)
        people[pid] = person
    for i, o in enumerate(doc.get("offices") or []):
        where = f"{path.name}:offices[{i}]"
        terms = []
        for j, h in enumerate(o.get("holders") or []):
            w = f"{where}.holders[{j}]"
            terms.append(Term(_need(h, "person", str, w), _date(_need(h, "start", object, w), w, "start"),
                              _date(h.get("end"), w, "end")))
        offices.append(Office(polity=o.get("polity") or polity, office=_need(o, "office", str, where),
                              title=o.get("title") or o["office"], titles=_strs(o, "titles", where),
                              terms=tuple(sorted(terms, key=lambda t: t.start))))


def load_offices(folder: Path) -> tuple[dict[str, Person], list[Office]]:
    people: dict[str, Person] = {}
    offices: list[Office] = []
    for path in sorted(folder.glob("*.yaml")):
        _load_office_file(path, people, offices)
    for office in offices:
        for term in office.terms:
            if term.person not in people:
                raise KnowledgeError(f"holder {term.person!r} is not defined under people:",
                                     where=f"offices/{office.polity}.yaml:{office.office}")
    return people, offices


def load_kb(data_dir: Path | str = DATA_DIR) -> KnowledgeBase:
    """Load and check every knowledge file under ``data_dir`` (a missing optional file
    leaves that part empty; countries are required)."""
    data_dir = Path(data_dir)

    def optional(name: str, load, empty):
        path = data_dir / name
        return load(path) if path.exists() else empty

    countries = optional("countries.yaml", load_countries, {})
    if not countries:
        raise KnowledgeError("no countries loaded; the package data is missing", where=str(data_dir))
    people, offices = optional("offices", load_offices, ({}, []))
    return KnowledgeBase(countries=countries,
                         organisations=optional("organisations.yaml", load_organisations, {}),
                         agents=optional("agents.yaml", load_agents, {}),
                         people=people, offices=tuple(offices))


@lru_cache(maxsize=2)
def default_kb() -> KnowledgeBase:
    return load_kb(DATA_DIR)

