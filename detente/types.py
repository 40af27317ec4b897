"""Every record that flows between detente's stages.

Records are frozen dataclasses: a stage never mutates what it receives, it
yields new records. ``to_dict`` gives the JSON shape of the data contracts in
PRODUCT.md (field names and order as documented there).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal, Optional

Modality = Literal["asserted", "planned", "hypothetical", "negated"]
DatePrecision = Literal["day", "month", "year"]
DateBasis = Literal["explicit", "relative", "publication", "inferred"]
PublishedBasis = Literal["metadata", "text", "inferred", "none"]


@dataclass(frozen=True)
class Article:
    """One input document after reading and cleaning (ingest stage output)."""

    id: str
    text: str
    path: Optional[str] = None
    title: Optional[str] = None
    outlet: Optional[str] = None
    url: Optional[str] = None
    authors: tuple[str, ...] = ()
    published: Optional[str] = None  # ISO YYYY-MM-DD
    published_basis: PublishedBasis = "none"
    language: str = "en"
    content_hash: str = ""
    # interval an inferred date came from (ISO dates), when published_basis == "inferred"
    published_interval: Optional[tuple[str, str]] = None

    def to_dict(self, n_sentences: int = 0, n_events: int = 0) -> dict[str, Any]:
        return {
            "id": self.id,
            "path": self.path,
            "title": self.title,
            "outlet": self.outlet,
            "url": self.url,
            "authors": list(self.authors),
            "published": self.published,
            "published_basis": self.published_basis,
            "language": self.language,
            "n_sentences": n_sentences,
            "n_events": n_events,
        }


@dataclass(frozen=True)
class Problem:
    """A record that could not be processed, and why. The batch goes on."""

    where: str  # file path, "path:line" or "path#record-id"
    reason: str
    code: str = "bad-input"

    def message(self) -> str:
        return f"{self.where}: {self.reason} [{self.code}]"


@dataclass(frozen=True)
class Actor:
    """Who an article's words refer to (PRODUCT.md actor object)."""

    text: str
    start: int  # character offsets in the article text
    end: int
    name: Optional[str] = None
    code: Optional[str] = None  # CAMEO actor code, e.g. USAGOV
    country: Optional[str] = None  # ISO3 (None for international actors)
    sector: Optional[str] = None  # CAMEO sector, e.g. GOV, MIL
    role: Optional[str] = None  # office held on the event date, when a person
    kb_id: Optional[str] = None
    basis: str = ""  # rule that resolved it (not part of the public contract)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("basis")
        return d


@dataclass(frozen=True)
class Mention:
    """An actor mention inside one sentence: token span + resolved actor."""

    sentence_index: int
    tok_start: int  # token indices within the Doc
    tok_end: int  # exclusive
    head: int  # token index of the syntactic head of the mention
    actor: Actor
    ref: str = ""  # what to re-resolve on the event date: "person:<id>" or "office:<polity>:<office>"


@dataclass(frozen=True)
class TimeExpression:
    """A temporal expression in a sentence, anchored to a calendar date."""

    sentence_index: int
    text: str
    start: int  # character offsets in the article text
    end: int
    tok_start: int
    tok_end: int
    date: Optional[str]  # ISO
    precision: DatePrecision = "day"
    basis: DateBasis = "explicit"
    end_date: Optional[str] = None  # for ranges ("January 9 and 10")
    future_date: Optional[str] = None  # the forward reading of "on Friday", "in June"


@dataclass(frozen=True)
class Trigger:
    text: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Location:
    name: str
    country: Optional[str]
    lat: Optional[float]
    lon: Optional[float]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Event:
    """One coded event (PRODUCT.md event contract)."""

    id: str
    article_id: str
    sentence_index: int
    sentence: str
    source: Actor
    target: Optional[Actor]
    cameo: str
    cameo_root: str
    plover: Optional[str]
    plover_mode: Optional[str]
    quad_class: int
    goldstein: float
    modality: Modality
    event_date: Optional[str]
    date_precision: Optional[DatePrecision]
    date_basis: Optional[DateBasis]
    location: Optional[Location]
    issues: tuple[str, ...]
    trigger: Trigger
    confidence: float
    coder: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "article_id": self.article_id,
            "sentence_index": self.sentence_index,
            "sentence": self.sentence,
            "source": self.source.to_dict(),
            "target": self.target.to_dict() if self.target else None,
            "cameo": self.cameo,
            "cameo_root": self.cameo_root,
            "plover": self.plover,
            "plover_mode": self.plover_mode,
            "quad_class": self.quad_class,
            "goldstein": self.goldstein,
            "modality": self.modality,
            "event_date": self.event_date,
            "date_precision": self.date_precision,
            "date_basis": self.date_basis,
            "location": self.location.to_dict() if self.location else None,
            "issues": list(self.issues),
            "trigger": self.trigger.to_dict(),
            "confidence": self.confidence,
            "coder": self.coder,
        }


@dataclass(frozen=True)
class Quote:
    """A direct quote and who said it (coding/quotes.py; ``detente extract --quotes``).

    ``text`` is what was said; ``start``/``end`` are the character offsets of the quoted
    words in the article (marks excluded) and ``spans`` the exact parts when attribution
    interrupts the quote (“We will respond,” Lavrov said, “and firmly.” is one quote,
    two spans). ``speaker`` is the resolved actor on ``date`` or None; ``speaker_text``
    the article's words for the speaker (also when unresolved: "a source");
    ``attribution`` the rule that found the speaker (``after``, ``before``,
    ``interrupted``, ``according-to``, ``previous-sentence``, ``continuation``) or None.
    """

    id: str
    article_id: str
    text: str
    start: int
    end: int
    speaker: Optional[Actor]
    speech_verb: Optional[str]
    sentence_index: int
    date: Optional[str]  # ISO: the reported speech's date when a time expression says, else the article's
    speaker_text: Optional[str] = None
    attribution: Optional[str] = None
    spans: tuple[tuple[int, int], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "article_id": self.article_id,
            "sentence_index": self.sentence_index,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "spans": [{"start": s, "end": e} for s, e in self.spans],
            "speaker": self.speaker.to_dict() if self.speaker else None,
            "speaker_text": self.speaker_text,
            "speech_verb": self.speech_verb,
            "attribution": self.attribution,
            "date": self.date,
        }


@dataclass(frozen=True)
class Sentence:
    index: int
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class ParsedArticle:
    """An article with its spaCy Doc (typed loosely: only nlp.py knows spaCy)."""

    article: Article
    doc: Any
    sentences: tuple[Sentence, ...]
    ents: tuple[tuple[Any, ...], ...] = ()  # the Doc's entity spans, grouped by sentence


@dataclass(frozen=True)
class ResolvedArticle:
    """A parsed article with its actor mentions and time expressions."""

    parsed: ParsedArticle
    mentions: tuple[Mention, ...]
    times: tuple[TimeExpression, ...]

    @property
    def article(self) -> Article:
        return self.parsed.article


@dataclass(frozen=True)
class CodedArticle:
    """Final per-article output of the pipeline."""

    article: Article
    n_sentences: int
    events: tuple[Event, ...]
    mentions: tuple[Mention, ...] = field(default=())
    quotes: tuple[Quote, ...] = ()

    def article_dict(self) -> dict[str, Any]:
        return self.article.to_dict(self.n_sentences, len(self.events))
