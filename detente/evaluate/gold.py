"""Reading gold files (JSON Lines). A bad record becomes a Problem naming ``file:line``
and the reason, and reading goes on; a missing or unreadable file raises InputError.

Extraction gold, one record a line::

    {"id": "...", "text": "...", "date": "2022-01-14",
     "events": [{"source": "USAGOV", "target": "RUS", "code": "042"}], "noevents": false}

``code`` is a CAMEO code (a digit string) or a PLOVER type; ``source``/``target`` are
CAMEO actor codes, ISO3 countries or null (= not annotated). ``"events": []`` is a text
without events unless ``"noevents": false`` says it was never annotated (then it is
skipped). The Article is built exactly as ``detente ingest`` builds a JSONL record.

Classification gold, one of (first match wins)::

    {"id", "text", "gold": [{"source", "target", "plover", "penta"?}, ...]}   # one item each
    {"id", "text", "source", "target", "plover", "penta"?}
    {"id", "text", "sources": [...], "targets": [...], "penta"}              # penta only

``source``/``target`` are phrases of the text (the first of ``sources``/``targets``;
null when unknown). Without ``penta`` the 5-way class comes from the PLOVER type.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Optional, Union

from ..errors import InputError
from ..ingest.records import record_article
from ..types import Article, Problem
from .codes import PLOVER_PENTA, Code, CodeBook, plover_type

NOEVENTS_HINT = 'mark a text without events with "noevents": true'


@dataclass(frozen=True)
class GoldEvent:
    code: Code
    source: Optional[str]  # actor code as annotated, None = not annotated (matches anything)
    target: Optional[str]


@dataclass(frozen=True)
class GoldRecord:
    where: str  # "path:line"
    article: Article
    events: tuple[GoldEvent, ...]

    @property
    def id(self) -> str:
        return self.article.id


@dataclass(frozen=True)
class ClassItem:
    """One classification question: what did ``source`` do to ``target`` in ``text``?"""

    id: str
    where: str
    text: str
    source: Optional[str]
    target: Optional[str]
    plover: Optional[str]  # one of PLOVER_TYPES, or None when only the 5-way class is known
    penta: int

    def query(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "source": self.source, "target": self.target}


@dataclass(frozen=True)
class GoldFile:
    path: str
    records: tuple  # GoldRecord (extraction) or ClassItem (classification)
    problems: tuple[Problem, ...]
    read: int  # records read, valid or not
    looks_like_classification: int = 0  # skipped extraction records that carry class labels

    @property
    def skipped(self) -> int:
        return len(self.problems)


Parsed = Union[GoldRecord, list[ClassItem], Problem]


def load_extraction(path: Union[str, Path], book: CodeBook, limit: Optional[int] = None) -> GoldFile:
    """Extraction gold records (at most ``limit`` valid ones)."""
    seen_class = 0

    def parse(obj: dict, loc: str, rid: str) -> Parsed:
        nonlocal seen_class
        out = _extraction(obj, loc, rid, book, str(path))
        if isinstance(out, Problem) and "events" not in obj and _has_class_label(obj):
            seen_class += 1
        return out

    gold = _load(path, parse, limit)
    return GoldFile(gold.path, gold.records, gold.problems, gold.read, seen_class)


def load_classification(path: Union[str, Path], limit: Optional[int] = None) -> GoldFile:
    """Classification items (from at most ``limit`` valid records)."""
    return _load(path, _classification, limit)


def _load(path: Union[str, Path], parse, limit: Optional[int]) -> GoldFile:
    where = str(path)
    records: list = []
    problems: list[Problem] = []
    ids: dict[str, str] = {}
    read = valid = 0
    for number, line in _lines(path):
        if limit is not None and valid >= limit:
            break
        read += 1
        loc = f"{where}:{number}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(Problem(loc, f"malformed JSON ({exc.msg} at column {exc.colno})", "bad-json"))
            continue
        if not isinstance(obj, dict):
            problems.append(Problem(loc, "expected a JSON object with 'id' and 'text'", "bad-json"))
            continue
        rid = _string(obj.get("id")) or f"{Path(where).stem}-{number}"
        if rid in ids:
            problems.append(Problem(loc, f"duplicate id {rid!r} (first at {ids[rid]})", "duplicate-id"))
            continue
        out = parse(obj, loc, rid)
        if isinstance(out, Problem):
            problems.append(out)
            continue
        ids[rid] = loc
        valid += 1
        records.extend(out if isinstance(out, list) else [out])
    return GoldFile(where, tuple(records), tuple(problems), read)


def _lines(path: Union[str, Path]) -> Iterator[tuple[int, str]]:
    p = Path(path)
    if not p.exists():
        raise InputError("gold file not found", where=str(path))
    if not p.is_file():
        raise InputError("not a file (give one JSONL gold file)", where=str(path))
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", where=str(path)) from exc
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", where=str(path)) from exc
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            yield number, line


# ------------------------------------------------------------------------- extraction

def _extraction(obj: dict, loc: str, rid: str, book: CodeBook, path: str) -> Parsed:
    def bad(reason: str, code: str = "bad-gold") -> Problem:
        return Problem(loc, f"record {rid!r}: {reason}", code)

    events = obj.get("events")
    if "events" not in obj:
        hint = "; this looks like a classification record: use --classify" if _has_class_label(obj) else ""
        return bad("no 'events' list (extraction gold is {id, text, date?, events: "
                   f"[{{source, target, code}}]}}){hint}", "missing-field")
    if not isinstance(events, list):
        return bad(f"'events' must be a list, not {type(events).__name__}")
    parsed: list[GoldEvent] = []
    for k, e in enumerate(events):
        one = _event(e, book)
        if isinstance(one, str):
            return bad(f"events[{k}]: {one}", "bad-code" if one.startswith("bad code") else "bad-gold")
        parsed.append(one)
    noevents = obj.get("noevents")
    if noevents is not None and not isinstance(noevents, bool):
        return bad(f"'noevents' must be true or false, not {noevents!r}")
    if noevents and parsed:
        return bad("'noevents' is true but 'events' is not empty")
    if not parsed and noevents is False:
        return bad(f"no gold events and 'noevents' is false: nothing to score ({NOEVENTS_HINT})",
                   "no-gold")
    article = record_article(obj, loc=loc, default_id=rid, path=path)
    if isinstance(article, Problem):
        return article
    return GoldRecord(loc, article, tuple(parsed))


def _event(e: Any, book: CodeBook) -> Union[GoldEvent, str]:
    """A gold event, or the reason it is malformed."""
    if not isinstance(e, dict):
        return f"expected an object {{source, target, code}}, not {type(e).__name__}"
    try:
        code = book.normalise(e.get("code"))
    except ValueError as exc:
        return f"bad code: {exc}"
    actors = []
    for key in ("source", "target"):
        value = e.get(key)
        if value is not None and not isinstance(value, str):
            return f"'{key}' must be an actor code string or null, not {type(value).__name__}"
        actors.append(value.strip() or None if isinstance(value, str) else None)
    return GoldEvent(code, actors[0], actors[1])


def _has_class_label(obj: dict) -> bool:
    return any(k in obj for k in ("plover", "penta", "gold"))


# --------------------------------------------------------------------- classification

def _classification(obj: dict, loc: str, rid: str) -> Parsed:
    def bad(reason: str, code: str = "bad-gold") -> Problem:
        return Problem(loc, f"record {rid!r}: {reason}", code)

    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        return bad("'text' is missing or empty" if text is None or isinstance(text, str)
                   else f"'text' must be a string, not {type(text).__name__}", "missing-field")
    if "gold" in obj:
        gold = obj["gold"]
        if not isinstance(gold, list) or not gold or not all(isinstance(g, dict) for g in gold):
            return bad("'gold' must be a non-empty list of {source, target, plover, penta?} objects")
        entries = [(rid if len(gold) == 1 else f"{rid}#{k + 1}", g) for k, g in enumerate(gold)]
    elif _has_class_label(obj):
        entries = [(rid, obj)]
    else:
        return bad("no label: a classification record needs 'plover' or 'penta' (or 'gold': [...])",
                   "missing-field")
    items = []
    for item_id, entry in entries:
        item = _item(item_id, loc, text, entry)
        if isinstance(item, str):
            where = f" ({item_id})" if item_id != rid else ""
            return bad(f"{item}{where}")
        items.append(item)
    return items


def _item(item_id: str, loc: str, text: str, entry: dict) -> Union[ClassItem, str]:
    raw_plover, raw_penta = entry.get("plover"), entry.get("penta")
    plover = plover_type(raw_plover) if raw_plover is not None else None
    if raw_plover is not None and plover is None:
        return f"{raw_plover!r} is not a PLOVER type ({', '.join(PLOVER_PENTA)})"
    if raw_penta is not None and (isinstance(raw_penta, bool) or raw_penta not in (0, 1, 2, 3, 4)):
        return f"'penta' must be 0-4, not {raw_penta!r}"
    if plover is None and raw_penta is None:
        return "no label: needs 'plover' or 'penta'"
    penta = int(raw_penta) if raw_penta is not None else PLOVER_PENTA[plover]
    source, target = _phrase(entry, "source"), _phrase(entry, "target")
    if source is _BAD or target is _BAD:
        return "'source'/'target' must be strings (or lists of strings) or null"
    return ClassItem(item_id, loc, text, source, target, plover, penta)


_BAD = object()  # a phrase that is neither a string nor null


def _phrase(entry: dict, key: str) -> Any:
    """``key`` (a string) or the first of ``key + 's'`` (a list); None when absent or empty,
    ``_BAD`` when it is something else."""
    value = entry.get(key) if key in entry else entry.get(key + "s")
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None:
        return None
    if not isinstance(value, str):
        return _BAD
    return value.strip() or None


def _string(value: Any) -> Optional[str]:
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    return " ".join(str(value).split()) or None
