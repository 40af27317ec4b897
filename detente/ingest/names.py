"""Recognising person names in bylines, "date + name" lines and author bios."""

from __future__ import annotations

import re
from typing import Iterable, Optional

_INITIALS = re.compile(r"^(?:[A-Z]\.){1,3}$")
_WORD = re.compile(r"^[A-Z][^\W\d_][\w'’\-]*\.?$")
_ARABIC_PARTICLE = re.compile(r"^(?:al|el|ad|as|ibn|bin|abu)-[^\W\d_][\w'’\-]*$", re.I)
_PARTICLES = frozenset(
    "de da di del della der den van von bin ibn al el la le du dos das y st st.".split()
)
_HONORIFICS = re.compile(r"^(?:dr|prof|professor|mr|mrs|ms|sir|dame|amb|ambassador|gen|col|lt)\.?\s+", re.I)
# Capitalised words that show a phrase is a job title or an organisation, not a person.
_NOT_NAME = frozenset(
    """the a an of and for in on at to news agency bureau desk team staff service services press
    reporter reporters correspondent correspondents editor editors writer writers contributor
    columnist analyst fellow visiting senior junior chief special associate assistant professor
    president minister secretary prime foreign state government ministry department office
    director head deputy correspondent university institute centre center council international
    national world global daily weekly times post herald tribune journal reuters associated afp
    monday tuesday wednesday thursday friday saturday sunday january february march
    september october november december updated published posted""".split()
)
_PROFESSION = re.compile(
    r"\b(?:diplomat|ambassador|envoy|analyst|journalist|writer|author|columnist|correspondent"
    r"|editor|reporter|professor|lecturer|scholar|researcher|fellow|director|economist|historian"
    r"|commentator|contributor|expert|consultant|officer|student|founder|chair(?:man|woman|person)?"
    r"|advis[eo]r|specialist|scientist|strategist|lawyer|veteran|practitioner|retired|former"
    r"|academic|associate|blogger|novelist|poet|translator|producer|host|activist|member)s?\b",
    re.I,
)
_BIO = re.compile(
    r"^(?P<name>[^\s,][^,]{2,60}?)(?:,[^,]{1,100},)?\s+"
    r"(?:is|was|has been|serves as|works as|teaches|writes)\s"
)
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")


def clean_name(text: str) -> Optional[str]:
    """Return ``text`` as a person name (honorifics and edge punctuation removed), or None."""
    s = _HONORIFICS.sub("", " ".join(text.split())).strip(" ,;:|-–—")
    if s.endswith(".") and not _INITIALS.match(s.split()[-1] if s.split() else ""):
        s = s[:-1]
    return s if looks_like_name(s) else None


def looks_like_name(text: str) -> bool:
    """Two to five capitalised tokens (initials and particles allowed), no job-title words."""
    tokens = text.split()
    if not 2 <= len(tokens) <= 5:
        return False
    if tokens[0].lower() in _PARTICLES:
        return False
    for token in tokens:
        if token.lower().strip(".") in _NOT_NAME:
            return False
        if not (
            _INITIALS.match(token)
            or _WORD.match(token)
            or _ARABIC_PARTICLE.match(token)
            or token.lower() in _PARTICLES
        ):
            return False
    return any(not _INITIALS.match(t) for t in tokens)


def names_in(text: str) -> tuple[str, ...]:
    """Names listed in a byline fragment: ``Jane Doe, John Smith and Ann Lee``."""
    parts = re.split(r"\s*(?:,|;|&|\band\b)\s*", text)
    names = (clean_name(p) for p in parts if p.strip())
    return tuple(n for n in names if n)


def split_authors(value: object) -> tuple[str, ...]:
    """Authors from a record field: a list, or a string split on ';' or ' and ' / ','."""
    if isinstance(value, (list, tuple)):
        items: Iterable[object] = value
    elif isinstance(value, str):
        sep = r"\s*;\s*" if ";" in value else r"\s*(?:,|\band\b|&)\s*"
        items = re.split(sep, value)
    else:
        return ()
    return unique(" ".join(str(i).split()) for i in items if isinstance(i, str) and i.strip())


def unique(items: Iterable[str]) -> tuple[str, ...]:
    """Items in first-seen order, without duplicates (case-insensitive)."""
    seen: set[str] = set()
    out = []
    for item in items:
        if item and item.lower() not in seen:
            seen.add(item.lower())
            out.append(item)
    return tuple(out)


def bio_subject(paragraph: str) -> Optional[str]:
    """The person a short "<Name> is a <...>" bio paragraph is about, or None."""
    if len(paragraph) > 500 or len(_SENTENCE_END.findall(paragraph)) > 3:
        return None
    m = _BIO.match(paragraph.strip())
    return clean_name(m.group("name")) if m else None


def mentions_profession(paragraph: str) -> bool:
    return bool(_PROFESSION.search(paragraph))


def same_person(a: str, b: str) -> bool:
    """Same person, allowing initials: "M.K. Bhadrakumar" ~ "M K Bhadrakumar"."""
    def key(name: str) -> str:
        return re.sub(r"[^\w]", "", name.lower())
    return key(a) == key(b) or surname(a).lower() == surname(b).lower() and key(a)[0] == key(b)[0]


def surname(name: str) -> str:
    return name.split()[-1].strip(".,") if name.split() else ""
