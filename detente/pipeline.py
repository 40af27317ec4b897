"""Builds the stages once and runs batches:

    events = refine(code(dates(resolve(parse(read(sources))))))
    quotes = find_quotes(the same dated, resolved articles)   (coding/quotes.py)

Heavy things (spaCy model, knowledge base, lexicon, gazetteer) are loaded
here, once, and injected into the stages.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable, Iterable, Iterator, Optional, TextIO, Union

from . import nlp as nlp_mod
from .actors.gazetteer import Gazetteer as NameIndex
from .actors.infer import infer_date
from .actors.kb import KnowledgeBase, load_kb
from .actors.resolve import ActorResolver
from .coding.coder import EventCoder
from .coding.classifier import default_classifier
from .coding.lexicon import Lexicon, load_lexicon
from .coding.quotes import QuoteFinder
from .coding.refine import EventRefiner
from .config import CODER_VERSION, Settings
from .dates import DateResolver
from .errors import ModelError
from .ingest import read_sources
from .places import PlaceIndex
from .types import Article, CodedArticle, Problem, ResolvedArticle

OnProblem = Callable[[Problem], None]


@dataclass
class Pipeline:
    settings: Settings
    parser: nlp_mod.Parser
    kb: KnowledgeBase
    lexicon: Lexicon
    resolver: ActorResolver
    dates: DateResolver
    coder: EventCoder
    refiner: Optional[EventRefiner] = None
    quotes: QuoteFinder = field(default_factory=QuoteFinder)

    @classmethod
    def build(cls, settings: Optional[Settings] = None, nlp=None) -> "Pipeline":
        settings = (settings or Settings()).validated()
        nlp = nlp if nlp is not None else nlp_mod.load_model(settings.model)
        kb = load_kb()
        lexicon = load_lexicon()
        resolver = ActorResolver(kb, NameIndex(kb, nlp_mod.make_tokenizer(nlp)))
        coder = EventCoder(lexicon, CODER_VERSION, reresolve=resolver.resolve_on, locate=PlaceIndex())
        parser = nlp_mod.Parser(nlp, batch_size=settings.batch_size, n_process=settings.n_process)
        refiner = EventRefiner(default_classifier, lexicon.codes) if settings.classifier else None
        return cls(settings, parser, kb, lexicon, resolver, DateResolver(), coder, refiner,
                   quotes=QuoteFinder(reresolve=resolver.resolve_on))

    def run(self, articles: Iterable[Article], on_problem: Optional[OnProblem] = None
            ) -> Iterator[CodedArticle]:
        """Code articles. A failure inside one article is reported and the batch goes on."""
        report = on_problem or (lambda p: None)
        for parsed in self.parser(self._clip(articles, report)):
            try:
                resolved = next(self.dates([self._dated(next(self.resolver([parsed])))]))
                coded = replace(self.coder.code_article(resolved), quotes=self.quotes.find(resolved))
                yield self.refiner(coded, resolved.parsed.doc) if self.refiner is not None else coded
            except ModelError:
                raise  # a missing or broken model stops the run: every article would fail
            except Exception as exc:  # noqa: BLE001 - one bad article must not stop a batch
                report(Problem(where=parsed.article.path or parsed.article.id,
                               reason=f"coding failed: {type(exc).__name__}: {exc}", code="internal-error"))

    def process(self, paths: Iterable[str], *, stdin: Optional[TextIO] = None,
                on_problem: Optional[OnProblem] = None,
                skip: Optional[Callable[[Article], bool]] = None) -> Iterator[CodedArticle]:
        """Read sources and code them; problems go to ``on_problem``; ``skip`` filters articles."""
        report = on_problem or (lambda p: None)
        return self.run(_articles_only(read_sources(paths, stdin=stdin), report, skip), report)

    def _dated(self, resolved: ResolvedArticle) -> ResolvedArticle:
        """An undated article gets a date inferred from its actors (basis: inferred); the
        mentions found without a date are then re-resolved on it, not found again."""
        article = resolved.article
        if article.published:
            return resolved
        found = infer_date(self.kb, resolved.mentions, resolved.parsed.doc)
        if found is None:
            return resolved
        day = found.estimate.isoformat()
        article = replace(article, published=day, published_basis="inferred",
                          published_interval=(found.lo.isoformat(), found.hi.isoformat()))
        mentions = tuple(replace(m, actor=self.resolver.resolve_on(m, day)) for m in resolved.mentions)
        return replace(resolved, parsed=replace(resolved.parsed, article=article), mentions=mentions)

    def _clip(self, articles: Iterable[Article], report: OnProblem) -> Iterator[Article]:
        limit = self.settings.max_chars
        for a in articles:
            if len(a.text) > limit:
                report(Problem(where=a.path or a.id, reason=f"text longer than {limit} characters; "
                               "truncated", code="truncated"))
                a = replace(a, text=a.text[:limit])
            yield a


def _articles_only(items: Iterable[Union[Article, Problem]], report: OnProblem,
                   skip: Optional[Callable[[Article], bool]]) -> Iterator[Article]:
    for item in items:
        if isinstance(item, Problem):
            report(item)
        elif skip is None or not skip(item):
            yield item
