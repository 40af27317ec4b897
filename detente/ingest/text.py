"""Plain text -> cleaned article text plus what the web page carried.

``analyse_text`` recovers the title, outlet, authors and publication date from
the *head* of a plain-text article (first few lines), from explicit metadata
lines ("Source: ... Date: ...") and from the author furniture around the body
("By ...", "About the Author", "<Name> is a former diplomat..."), and strips
site furniture. Body paragraphs are kept exactly as written (only surrounding
whitespace of each line is trimmed); paragraphs are separated by one blank line.

A date mentioned in body prose is never taken as the publication date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from .dates import DATE_RE, parse_date
from .furniture import about_author_heading, is_furniture_line, is_furniture_paragraph
from .names import bio_subject, clean_name, mentions_profession, names_in, same_person, surname, unique

HEAD_LINES = 6  # non-empty lines that count as the head of an article
META_HEAD_LINES = 8  # "Key: value" metadata lines are looked for here ...
META_TAIL_LINES = 5  # ... and here
HEAD_BIO_PARAS, TAIL_BIO_PARAS = 4, 2

_DATE = re.compile(DATE_RE, re.I)
_DATE_LABEL = r"(?:date[d]?|published(?: on)?|posted(?: on)?|updated(?: on)?|last updated(?: on)?|first published(?: on)?)"
_LABEL_ONLY = re.compile(rf"^{_DATE_LABEL}$", re.I)
_DATE_PREFIX = re.compile(rf"^{_DATE_LABEL}\s*[:\-–]?\s*(?P<date>{DATE_RE})[\s,.:|\-–—]+(?=\S)", re.I)
_TIME = re.compile(r"^(?:at\s+)?\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?\s*(?:[A-Z]{2,5}|GMT[+-]?\d*)?$", re.I)
_BYLINE = re.compile(r"^(?:by|written by|words by|reported by)\s*:?\s+(?P<names>.+)$", re.I)
_META_KEY = re.compile(
    r"(?:^|\s)(?P<key>source|outlet|publisher|site|date|published|publication date|posted|updated"
    r"|url|link|author|authors|byline|title|headline)\s*:\s*",
    re.I,
)
_ORIGINALLY = re.compile(
    r"^(?:this (?:article|piece|story|post|essay|commentary|op-ed|column) (?:was |is )?(?:originally|first)"
    r"|originally) (?:appeared|published|posted|ran)(?: (?:at|in|on|by))?\s+(?P<outlet>.+)$",
    re.I,
)
_PUBLISHED_BY = re.compile(r"^(?:published|produced|brought to you) by\s+(?P<outlet>(?:\S+\s*){1,10})$", re.I)
_DOMAIN = re.compile(r"^(?:https?://)?(?:www\.)?(?P<host>(?:[\w-]+\.)+[a-z]{2,})(?P<path>/\S*)?$", re.I)
_LEGAL_SUFFIX = re.compile(r"[,\s]+(?:pty\.?\s*)?(?:pvt\.?\s*)?(?:ltd|limited|inc|llc|gmbh|plc|co)\.?$", re.I)
_WIRE_DATELINE = re.compile(r"^[A-Z][A-Z .,'/-]{1,40}\((?P<outlet>[A-Z][\w .&'-]{1,30})\)\s*[-–—]\s")
_CREDIT = re.compile(r"^(?:(?:additional )?reporting|writing|written|compiled) by\s+(?P<names>[^;.]+)", re.I)
_FINAL_ABBREV = re.compile(r"(?:[A-Z]\.){2,}$")


@dataclass(frozen=True)
class TextMeta:
    """Cleaned text and the metadata recovered from it."""

    text: str
    title: Optional[str] = None
    outlet: Optional[str] = None
    url: Optional[str] = None
    authors: tuple[str, ...] = ()
    published: Optional[str] = None


@dataclass
class _Found:
    """What the rules have recovered so far (private to one ``analyse_text`` call)."""

    title: Optional[str] = None
    outlet: Optional[str] = None
    url: Optional[str] = None
    published: Optional[str] = None
    authors: list[str] = field(default_factory=list)

    def date(self, value: Optional[str]) -> None:
        """Keep the first valid date found."""
        if value and not self.published:
            self.published = parse_date(value)

    def source(self, value: str) -> None:
        m = _DOMAIN.match(value.strip())
        if m and m.group("path") and not self.url:
            self.url = value.strip()
        self.outlet = self.outlet or normalise_outlet(value)


def normalise_text(raw: str) -> list[str]:
    """Lines with \\n newlines, NBSPs as spaces, each trimmed; one "" between paragraphs."""
    text = raw.replace("\ufeff", "").replace("\u00a0", " ").replace("\u202f", " ").replace("\u2007", " ")
    lines: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if line or (lines and lines[-1]):
            lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def analyse_text(raw: str) -> TextMeta:
    """Clean a plain-text article and recover its title, outlet, authors and date."""
    found = _Found()
    lines = normalise_text(raw)
    lines = _take_meta_lines(lines, found)
    lines = _take_head(lines, found)
    lines = _take_about_author(lines, found)
    lines = [line for line in lines if not is_furniture_line(line)]
    paras = [p for p in paragraphs(lines) if not is_furniture_paragraph(p)]
    paras = _take_bios(paras, found)
    text = "\n\n".join("\n".join(p) for p in paras)
    return TextMeta(text, found.title, found.outlet, found.url, unique(found.authors), found.published)


def paragraphs(lines: list[str]) -> list[list[str]]:
    out: list[list[str]] = [[]]
    for line in lines:
        if line:
            out[-1].append(line)
        elif out[-1]:
            out.append([])
    return [p for p in out if p]


def _non_empty(lines: list[str]) -> list[int]:
    return [i for i, line in enumerate(lines) if line]


def _take_meta_lines(lines: list[str], found: _Found) -> list[str]:
    """Explicit metadata lines: "Source: x Date: y", "originally appeared at X", "Published by X"."""
    idx = _non_empty(lines)
    edges = set(idx[:META_HEAD_LINES] + idx[-META_TAIL_LINES:])
    tail = set(idx[-META_TAIL_LINES:])
    out = list(lines)
    for i in idx:
        action = _meta_line(lines[i], found, at_edge=i in edges, at_tail=i in tail)
        if action:
            out[i] = ""
        if action == "drop-rest":
            _drop_address_block(out, i + 1)
    return _squeeze(out)


def _meta_line(line: str, found: _Found, *, at_edge: bool, at_tail: bool) -> Optional[str]:
    """Take what a metadata line says; return "drop" / "drop-rest" to remove it, None to keep it."""
    pairs = _key_values(line) if at_edge else None
    if pairs:
        _apply_pairs(pairs, found)
        return "drop"
    m = _ORIGINALLY.match(line) if len(line) <= 200 else None
    if m:
        found.outlet = found.outlet or normalise_outlet(_cut_outlet(m.group("outlet")))
        return "drop"
    m = _PUBLISHED_BY.match(line)
    if m:
        found.outlet = found.outlet or normalise_outlet(m.group("outlet"))
        return "drop-rest" if at_tail else "drop"
    m = _CREDIT.match(line) if at_tail and len(line) <= 200 else None
    if m:
        found.authors.extend(names_in(m.group("names")))
        return "drop"
    return None


def _key_values(line: str) -> Optional[list[tuple[str, str]]]:
    """``[("source", "www.x.com"), ("date", "2022-01-02")]`` if the whole line is key: value pairs."""
    if len(line) > 300:
        return None
    matches = list(_META_KEY.finditer(line))
    if not matches or matches[0].start() != 0:
        return None
    pairs = []
    for m, nxt in zip(matches, matches[1:] + [None]):
        value = line[m.end() : nxt.start() if nxt else len(line)].strip()
        if not value:
            return None
        pairs.append((m.group("key").lower(), value))
    return pairs


def _apply_pairs(pairs: list[tuple[str, str]], found: _Found) -> None:
    for key, value in pairs:
        if key in ("source", "outlet", "publisher", "site"):
            found.source(value)
        elif key in ("url", "link"):
            found.url = found.url or value
        elif key in ("author", "authors", "byline"):
            found.authors.extend(names_in(value))
        elif key in ("title", "headline"):
            found.title = found.title or value
        else:
            found.date(value)


def _drop_address_block(out: list[str], start: int) -> None:
    """After a closing "Published by X": drop a short address/contact block that ends the text."""
    rest = [i for i in range(start, len(out)) if out[i]]
    if len(rest) <= 4 and all(len(out[i]) <= 150 for i in rest):
        for i in rest:
            out[i] = ""


def _cut_outlet(text: str) -> str:
    text = re.split(rf"\s+on\s+{DATE_RE}|\.\s|\s[|–—]\s|,\s", text, maxsplit=1, flags=re.I)[0]
    return text.strip().rstrip(".")


def normalise_outlet(value: str) -> Optional[str]:
    """"www.thehindu.com" -> "thehindu.com"; "Future Directions International Pty Ltd." -> name."""
    value = " ".join(value.split()).strip(" .,;:")
    m = _DOMAIN.match(value)
    if m:
        return m.group("host").lower()
    value = _LEGAL_SUFFIX.sub("", value).strip(" .,")
    return value or None


def _squeeze(lines: list[str]) -> list[str]:
    """Collapse the blank runs left by dropped lines."""
    return normalise_text("\n".join(lines))


def _take_head(lines: list[str], found: _Found) -> list[str]:
    """Leading date prefix, date lines, bylines and the title, in the first few lines."""
    out = list(lines)
    seen_content = False
    for i in _non_empty(lines)[:HEAD_LINES]:
        line = lines[i]
        _take_dateline_outlet(line, found)
        if _take_date_line(line, found) or _take_byline(line, found):
            out[i] = ""
            continue
        if seen_content:
            continue
        seen_content = True
        m = _DATE_PREFIX.match(line)
        if m and parse_date(m.group("date")):
            found.date(m.group("date"))
            out[i] = line[m.end() :]
        else:
            title = heading(line, _own_paragraph(lines, i))
            if title and found.title is None and any(lines[i + 1 :]):  # never the whole text
                found.title = title
                out[i] = ""
    return _squeeze(out)


def _take_dateline_outlet(line: str, found: _Found) -> None:
    """A wire dateline "WASHINGTON (Reuters) -" names the outlet; the line itself is prose and stays."""
    m = _WIRE_DATELINE.match(line)
    if m and not found.outlet:
        found.outlet = m.group("outlet")


def _own_paragraph(lines: list[str], i: int) -> bool:
    before = i == 0 or not lines[i - 1]
    after = i + 1 >= len(lines) or not lines[i + 1]
    return before and after


def heading(line: str, own_paragraph: bool) -> Optional[str]:
    """The line as a title if it looks like a heading, else None."""
    s = line.strip()
    if s.startswith("#"):
        return s.lstrip("#").strip() or None
    words = s.split()
    if not words or len(s) > 200 or len(words) > 25 or s[0].islower() or not any(c.isalpha() for c in s):
        return None
    core = s.rstrip("\"'”’)]")
    if core.endswith((",", ";", ":")) or (core.endswith(".") and not _FINAL_ABBREV.search(core)):
        return None
    if _DATE.fullmatch(s) or _BYLINE.match(s):
        return None
    letters = [c for c in s if c.isalpha()]
    all_caps = bool(letters) and all(c.isupper() for c in letters)
    long_words = [w for w in words if len(w.strip("\"'“‘(")) > 3]
    capitalised = [w for w in long_words if w.strip("\"'“‘(")[:1].isupper()]
    title_case = bool(long_words) and len(capitalised) >= 0.7 * len(long_words)
    return s if (all_caps or title_case or own_paragraph) else None


def _take_date_line(line: str, found: _Found) -> bool:
    """A head line that is a date, optionally labelled or with a byline: "1 June 2021 Name, Title"."""
    if len(line) > 160:
        return False
    m = _DATE.search(line)
    iso = parse_date(m.group(0)) if m else None
    if not m or not iso:
        return False
    before = line[: m.start()].strip(" ,|:-–—•·")
    after = line[m.end() :].strip(" ,|:-–—•·")
    names: list[str] = []
    for part, is_before in ((before, True), (after, False)):
        if not part or (is_before and _LABEL_ONLY.match(part)) or (not is_before and _TIME.match(part)):
            continue
        found_names = _byline_names(part)
        if not found_names:
            return False
        names.extend(found_names)
    found.date(iso)
    found.authors.extend(names)
    return True


def _byline_names(part: str) -> tuple[str, ...]:
    """Names in "By Jane Doe" or "Jane Doe, Visiting Fellow" (the title after a comma is dropped)."""
    m = _BYLINE.match(part)
    if m:
        return names_in(re.split(r"\s[|–—-]\s", m.group("names"))[0])
    first = part.split(",")[0]
    name = clean_name(first)
    return (name,) if name else ()


def _take_byline(line: str, found: _Found) -> bool:
    m = _BYLINE.match(line)
    if not m or len(line) > 160:
        return False
    names = names_in(re.split(r"\s[|–—-]\s", m.group("names"))[0])
    if not names:
        return False
    found.authors.extend(names)
    return True


def _take_about_author(lines: list[str], found: _Found) -> list[str]:
    """Drop an "About the Author" heading and the bio paragraph(s) after it; keep the name."""
    paras = paragraphs(lines)
    for k, para in enumerate(paras):
        inline = about_author_heading(para[0]) if len(para[0]) <= 200 else None
        if inline is None:
            continue
        bio = " ".join(([inline] if inline else []) + para[1:])
        following = paras[k + 1 :]
        if not bio and following and len(" ".join(following[0])) <= 600:
            bio, following = " ".join(following[0]), following[1:]
        subjects = [bio_subject(bio)]
        while following and bio_subject(" ".join(following[0])):  # co-authors' bios
            subjects.append(bio_subject(" ".join(following[0])))
            following = following[1:]
        found.authors.extend(s for s in subjects if s)
        return _join_paras(paras[:k] + following)
    return lines


def _join_paras(paras: list[list[str]]) -> list[str]:
    out: list[str] = []
    for p in paras:
        out.extend(p + [""])
    return _squeeze(out)


def _take_bios(paras: list[list[str]], found: _Found) -> list[list[str]]:
    """Drop a short "<Name> is a <profession>..." paragraph at the top or bottom; keep the name."""
    n = len(paras)
    positions = sorted(set(range(min(HEAD_BIO_PARAS, n))) | set(range(max(0, n - TAIL_BIO_PARAS), n)))
    subjects = {k: bio_subject(" ".join(paras[k])) for k in positions}
    subjects = {k: s for k, s in subjects.items() if s}
    body = " ".join(" ".join(p) for k, p in enumerate(paras) if k not in subjects)
    drop = set()
    for k, name in subjects.items():
        known = any(same_person(name, a) for a in found.authors)
        unseen = surname(name) not in body
        if known or (unseen and mentions_profession(" ".join(paras[k]))):
            drop.add(k)
            if not known:
                found.authors.append(name)
    if drop and len(drop) == n:
        return paras  # never drop the whole article
    return [p for k, p in enumerate(paras) if k not in drop]
