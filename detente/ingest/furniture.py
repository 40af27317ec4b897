"""Site furniture: lines and paragraphs a web page carries that are not the article.

Every rule here is a general pattern (share prompts, "Also Read" teasers,
copyright and download stamps, photo captions, disclaimers...), never the exact
wording of one site. A rule only fires on a *short standalone* line or
paragraph, so prose that happens to contain the same words survives.
"""

from __future__ import annotations

import re

SHORT = 200  # furniture lines are short; longer lines are prose

_PROMPT = re.compile(
    r"^(?:leave a (?:comment|reply)|post a comment|add (?:a )?comment|comments?(?: \(\d+\))?"
    r"|\d+ comments?|no comments(?: yet)?|show comments|view comments"
    r"|share(?: this(?: article| story| post| page)?)?(?: (?:on|via) \w+)?:?"
    r"|click (?:here|to)\b.*|tap here\b.*|like this:?|loading\.*|print(?: this)?(?: article| page)?"
    r"|e-?mail(?: this)?(?: article)?|tweet|whatsapp|facebook|twitter|linkedin|telegram"
    r"|(?:facebook|twitter|whatsapp|linkedin|telegram|email|print|reddit)(?:[\s|,/·•]+\w+)+"
    r"|advertisement|sponsored(?: content)?|subscribe\b.*|sign up\b.*|join (?:us|our)\b.*"
    r"|follow us\b.*|related(?: articles| stories| posts| reading| content)?:?|back to top"
    r"|next (?:article|story|post)\b.*|previous (?:article|story|post)\b.*"
    r"|(?:we|you) (?:would|might) (?:also )?like\b.*|recommended(?: for you)?:?|trending(?: now)?:?)$",
    re.I,
)
# "MORE: Politics", "READ MORE | ...", "Also Read US-Russia officials meet"
_TEASER_COLON = re.compile(
    r"^(?:more|read more|also read|read also|see also|related|watch|listen|recommended"
    r"|must read|don'?t miss|trending|top stories|latest)\s*[:|»›>]\s*\S",
    re.I,
)
_TEASER_BARE = re.compile(r"^(?:also read|read also|see also|read more|must read|don'?t miss)\b", re.I)
_STAMP = re.compile(
    r"^(?:(?:downloaded|retrieved|printed|accessed|source[d]?) (?:from|on|at|via)\b"
    r"|©|\(c\)\s|copyright\b|all rights reserved)",
    re.I,
)
_RIGHTS = re.compile(r"\ball rights reserved\b", re.I)
_END_MARK = re.compile(r"^(?:[(\[]?(?:end|ends|endit)[)\]]?\.?|-+\s*30\s*-+|#{3}|\*{3})$", re.I)
_CLASSIFIER = re.compile(
    r"^(?:relevant for|topics?|tags?|tagged|filed under|categor(?:y|ies)|section|keywords|subjects?)"
    r"\s*:",
    re.I,
)
_SITE_POLICY = re.compile(
    r"^(?:our )?(?:code of (?:editorial )?(?:values|ethics|conduct)|editorial (?:values|polic(?:y|ies)"
    r"|standards|guidelines)|privacy policy|terms (?:of (?:use|service)|and conditions)"
    r"|cookie (?:policy|settings)|corrections? policy|contact us|about us)\.?$",
    re.I,
)
_DISCLAIMER = re.compile(
    r"\b(?:opinions?|views?)\b[^.]{0,80}\bexpressed\b[^.]{0,160}"
    r"\b(?:are|is|do not|does not)\b[^.]{0,60}\b(?:those of|the authors?|necessarily|solely|own)\b",
    re.I,
)
_CAPTION_END = re.compile(
    r"(?:file\s*photo|photo(?:graph)?(?:\s*credit)?\s*:\s*[^.]{1,80}"
    r"|\((?:reuters|ap|afp|getty images|ap photo[^)]*|photo[^)]*|file(?: photo)?|representative image)\)"
    r"|getty images|[/|]\s*(?:reuters|ap|afp|pti|ani))\.?$",
    re.I,
)
_CAPTION_START = re.compile(r"^(?:photo|image|picture|caption|photo credit)\s*:", re.I)
_ABOUT_AUTHOR = re.compile(
    r"^(?:about the (?:authors?|writers?|contributors?)|author bio(?:graphy)?|the authors?)\s*[:.]?\s*",
    re.I,
)


def is_furniture_line(line: str) -> bool:
    """True for a standalone line that is site furniture, not article text."""
    s = line.strip()
    if not s:
        return False
    if _END_MARK.match(s) or _SITE_POLICY.match(s):
        return True
    if len(s) > SHORT:
        return False
    if _PROMPT.match(s) or _TEASER_COLON.match(s) or _STAMP.match(s) or _CLASSIFIER.match(s):
        return True
    if _RIGHTS.search(s):
        return True
    return bool(_TEASER_BARE.match(s)) and not s.endswith(".")


def is_furniture_paragraph(lines: list[str]) -> bool:
    """True for a short paragraph that is a photo caption or an opinion disclaimer."""
    text = " ".join(line.strip() for line in lines)
    if len(text) > 400:
        return False
    if _DISCLAIMER.search(text):
        return True
    if len(lines) == 1 and len(text) <= 300:
        return bool(_CAPTION_END.search(text) or _CAPTION_START.match(text))
    return False


def about_author_heading(line: str) -> str | None:
    """If ``line`` opens an "About the Author" section, return the rest of the line."""
    s = line.strip()
    m = _ABOUT_AUTHOR.match(s)
    if not m:
        return None
    rest = s[m.end():]
    if not rest or ":" in m.group(0):
        return rest
    return None
