"""Assemble an Article from cleaned text and the metadata found for it."""

from __future__ import annotations

import hashlib
from typing import Iterable, Optional

from ..types import Article, Problem
from .names import unique
from .text import TextMeta, analyse_text

# (where, item): where names the file or record, for Problems and duplicate-id reports.
Located = tuple[str, Article | Problem]


def content_hash(text: str) -> str:
    """sha256 hex of the cleaned article text: same text, same hash."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def build_article(
    raw_text: str,
    *,
    article_id: str,
    path: Optional[str],
    where: str,
    title: Optional[str] = None,
    outlet: Optional[str] = None,
    url: Optional[str] = None,
    authors: Iterable[str] = (),
    published: Optional[str] = None,
) -> Article | Problem:
    """Clean ``raw_text``; metadata given here (record fields, HTML meta) wins over what the text says.

    ``published`` must already be ISO (it came from metadata); a date recovered
    from the text is used only when it is None.
    """
    if not raw_text.strip():
        return Problem(where, "the article text is empty or whitespace only", "empty")
    meta: TextMeta = analyse_text(raw_text)
    if not meta.text:
        return Problem(
            where,
            "no article text left after removing site furniture (bylines, share prompts, captions)",
            "empty",
        )
    basis = "metadata" if published else ("text" if meta.published else "none")
    return Article(
        id=article_id,
        text=meta.text,
        path=path,
        title=title or meta.title,
        outlet=outlet or meta.outlet,
        url=url or meta.url,
        authors=unique(authors) or meta.authors,
        published=published or meta.published,
        published_basis=basis,
        content_hash=content_hash(meta.text),
    )
