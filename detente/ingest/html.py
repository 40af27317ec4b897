"""HTML pages -> Article: main text and metadata with trafilatura, lxml as a fallback.

Nothing here touches the network: trafilatura only parses the string it is
given (no ``fetch_url``), and the date search is limited to the markup
(``extensive_search=False``) so a date in the body prose is never taken as the
publication date. The extracted text then goes through the same furniture
stripping as plain text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from lxml import etree
from lxml import html as lxml_html

from ..types import Article, Problem
from .build import build_article
from .dates import parse_date
from .names import split_authors
from .text import normalise_outlet

_BLOCKS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "td", "dd")
_NOISE = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg", "template")
_DATE_META = (
    "article:published_time", "og:published_time", "datepublished", "date", "pubdate",
    "publishdate", "dc.date", "dc.date.issued", "dcterms.created", "sailthru.date", "parsely-pub-date",
)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.I)


@dataclass(frozen=True)
class PageMeta:
    title: Optional[str] = None
    outlet: Optional[str] = None
    url: Optional[str] = None
    authors: tuple[str, ...] = ()
    published: Optional[str] = None


def declared_charset(data: bytes) -> Optional[str]:
    """The ``<meta charset>`` an HTML file declares in its first 4 KB, if any."""
    m = _CHARSET.search(data[:4096])
    return m.group(1).decode("ascii").lower() if m else None


def html_article(html: str, *, article_id: str, path: Optional[str], where: str) -> Article | Problem:
    """Main text and metadata of one HTML page."""
    extracted = _with_trafilatura(html)
    if extracted is None:
        extracted = _with_lxml(html)
    if extracted is None:
        return Problem(where, "could not parse the HTML (no document element)", "bad-html")
    text, meta = extracted
    if not text.strip():
        return Problem(where, "the HTML page has no readable text", "empty")
    return build_article(
        text,
        article_id=article_id,
        path=path,
        where=where,
        title=meta.title,
        outlet=meta.outlet,
        url=meta.url,
        authors=meta.authors,
        published=meta.published,
    )


def _with_trafilatura(html: str) -> Optional[tuple[str, PageMeta]]:
    from trafilatura import bare_extraction

    try:
        doc = bare_extraction(
            html,
            include_comments=False,
            with_metadata=True,
            include_tables=True,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    # trafilatura parses hostile markup with many libraries; whatever fails there,
    # the page still gets the plain lxml reading below instead of stopping the batch.
    except Exception:  # noqa: BLE001
        return None
    if doc is None or not (doc.text or "").strip():
        return None
    meta = PageMeta(
        title=doc.title or None,
        outlet=normalise_outlet(doc.sitename or doc.hostname or "") if (doc.sitename or doc.hostname) else None,
        url=doc.url or None,
        authors=split_authors(doc.author or ""),
        published=parse_date(doc.date),
    )
    # trafilatura gives one paragraph per line; detente separates paragraphs by a blank line.
    return "\n\n".join(line for line in doc.text.split("\n") if line.strip()), meta


def _with_lxml(html: str) -> Optional[tuple[str, PageMeta]]:
    """A plain reading of the block elements, for pages trafilatura returns nothing for."""
    try:
        root = lxml_html.document_fromstring(html.encode("utf-8"))
    except (etree.LxmlError, ValueError):
        return None
    meta = _meta_from_tags(root)
    for element in list(root.iter(*_NOISE)):
        element.drop_tree()
    blocks = [el for el in root.iter(*_BLOCKS) if not _inside_block(el)]
    texts = [" ".join(el.text_content().split()) for el in blocks]
    texts = [t for t in texts if t]
    if not texts:
        body = root.find("body")
        raw = (body if body is not None else root).text_content()
        texts = [" ".join(line.split()) for line in raw.split("\n") if line.strip()]
    return "\n\n".join(texts), meta


def _inside_block(element: etree._Element) -> bool:
    return any(parent.tag in _BLOCKS for parent in element.iterancestors())


def _meta_from_tags(root: etree._Element) -> PageMeta:
    tags: dict[str, str] = {}
    for el in root.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").lower()
        if key and el.get("content") and key not in tags:
            tags[key] = el.get("content").strip()
    times = [t.get("datetime") for t in root.iter("time") if t.get("datetime")]
    dates = [tags[k] for k in _DATE_META if k in tags] + times[:1]
    title = tags.get("og:title") or _first_text(root, "title") or _first_text(root, "h1")
    site = tags.get("og:site_name")
    canonical = next((ln.get("href") for ln in root.iter("link") if ln.get("rel") == "canonical"), None)
    return PageMeta(
        title=title,
        outlet=normalise_outlet(site) if site else None,
        url=tags.get("og:url") or canonical,
        authors=split_authors(tags.get("author", "")),
        published=next((d for d in map(parse_date, dates) if d), None),
    )


def _first_text(root: etree._Element, tag: str) -> Optional[str]:
    el = next(root.iter(tag), None)
    text = " ".join(el.text_content().split()) if el is not None else ""
    return text or None
