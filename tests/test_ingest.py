"""Ingest stage: sources -> Article | Problem."""

from __future__ import annotations

import hashlib
import io
import json
import socket
from pathlib import Path

import pytest

from detente.ingest import analyse_text, parse_date, read_sources
from detente.types import Article, Problem

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"

BODY = "Russia and the United States agreed on Friday to resume talks in Geneva."
HTML_PAGE = """<html><head><title>Talks Resume | Example News</title>
<meta property="og:site_name" content="Example News">
<meta name="author" content="Jane Doe; John Roe">
<meta property="article:published_time" content="2022-01-02T10:00:00Z">
<link rel="canonical" href="https://example.com/world/talks"></head>
<body><nav>Home | World | Opinion</nav><article><h1>Talks Resume</h1>
<p>{body}</p><p>Share this</p><p>MORE: Politics</p>
<p>The two delegations will meet again next month, officials said on January 9, 2021.</p>
</article><footer>© 2022 Example News. All rights reserved.</footer></body></html>"""


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def read(*paths: object, stdin: io.StringIO | None = None) -> list[Article | Problem]:
    return list(read_sources([str(p) for p in paths], stdin=stdin))


def articles(items: list) -> list[Article]:
    return [i for i in items if isinstance(i, Article)]


def problems(items: list) -> list[Problem]:
    return [i for i in items if isinstance(i, Problem)]


# --- formats ---------------------------------------------------------------------------

FORMAT_CASES = {
    "a.txt": f"Talks In Geneva\n\n{BODY}\n",
    "a.text": BODY,
    "a.md": f"# Talks In Geneva\n\n{BODY}\n",
    "a.html": HTML_PAGE.format(body=BODY),
    "a.htm": HTML_PAGE.format(body=BODY),
    "a.jsonl": json.dumps({"id": "a", "text": BODY}) + "\n",
    "a.ndjson": json.dumps({"id": "a", "text": BODY}) + "\n",
    "a.csv": f'id,text\na,"{BODY}"\n',
}


@pytest.mark.parametrize("name", sorted(FORMAT_CASES))
def test_every_format_yields_an_article(tmp_path, name):
    path = write(tmp_path, name, FORMAT_CASES[name])
    [article] = read(path)
    assert article.id == "a"
    assert BODY in article.text
    assert article.path == str(path)


@pytest.mark.parametrize(
    "stdin, ids",
    [
        (f"Talks In Geneva\n\n{BODY}\n", ["stdin"]),
        (HTML_PAGE.format(body=BODY), ["stdin"]),
        ("\n" + json.dumps({"id": "x", "text": BODY}) + "\n" + json.dumps({"text": BODY}) + "\n", ["x", "stdin-3"]),
    ],
    ids=["text", "html", "jsonl"],
)
def test_stdin_is_sniffed(stdin, ids):
    items = read("-", stdin=io.StringIO(stdin))
    assert [a.id for a in articles(items)] == ids
    assert all(BODY in a.text for a in articles(items))


def test_empty_stdin_is_a_problem():
    [problem] = read("-", stdin=io.StringIO("  \n"))
    assert (problem.where, problem.code) == ("<stdin>", "empty")


def test_folder_is_walked_recursively_in_sorted_order_skipping_hidden_and_unknown(tmp_path):
    write(tmp_path, "b.txt", BODY)
    write(tmp_path, "a/z.txt", BODY)
    write(tmp_path, "a/c.md", BODY)
    write(tmp_path, ".hidden.txt", BODY)
    write(tmp_path, ".git/d.txt", BODY)
    write(tmp_path, "notes.pdf", "%PDF-1.4")
    items = read(tmp_path)
    assert [i.id for i in items] == ["c", "z", "b"]


def test_unknown_extension_named_explicitly_is_a_problem(tmp_path):
    path = write(tmp_path, "notes.pdf", "%PDF-1.4")
    [problem] = read(path)
    assert (problem.where, problem.code) == (str(path), "unsupported")


# --- ids and hashes --------------------------------------------------------------------


def test_ids_and_hashes_are_stable_across_runs(tmp_path):
    write(tmp_path, "story.txt", f"Talks In Geneva\n\n{BODY}")
    write(tmp_path, "batch.jsonl", json.dumps({"id": 17, "text": BODY + " Later."}) + "\n")
    first, second = read(tmp_path), read(tmp_path)
    assert first == second
    assert [a.id for a in first] == ["17", "story"]
    for article in first:
        assert article.content_hash == hashlib.sha256(article.text.encode()).hexdigest()


def test_record_without_id_is_named_after_file_stem_and_line(tmp_path):
    path = write(tmp_path, "feed.jsonl", "\n" + json.dumps({"text": BODY}) + "\n")
    [article] = read(path)
    assert article.id == "feed-2"


# --- bad input -------------------------------------------------------------------------

GOOD = json.dumps({"id": "good", "text": BODY})
BAD_INPUT = [
    ("bin.txt", b"GIF89a\x00\x01\x02\x00\x00", "binary", "bin.txt"),
    ("ctl.txt", bytes(range(1, 9)) * 50, "binary", "ctl.txt"),
    ("cyr.txt", "Россия и США договорились о переговорах".encode("cp1251"), "undecodable", "cyr.txt"),
    ("empty.txt", b"", "empty", "empty.txt"),
    ("blank.md", b" \n\t\r\n  ", "empty", "blank.md"),
    ("furniture.txt", b"Share this\n\nLeave a comment\n", "empty", "furniture.txt"),
    ("feed.jsonl", f"{GOOD}\n{{not json\n".encode(), "bad-json", "feed.jsonl:2"),
    ("feed.jsonl", f"{GOOD}\n[1, 2]\n".encode(), "bad-json", "feed.jsonl:2"),
    ("feed.jsonl", f'{GOOD}\n{{"id": "b"}}\n'.encode(), "missing-field", "feed.jsonl:2"),
    ("feed.jsonl", f'{GOOD}\n{{"id": "b", "text": "  "}}\n'.encode(), "empty", "feed.jsonl:2"),
    ("feed.jsonl", f"{GOOD}\n{GOOD}\n".encode(), "duplicate-id", "feed.jsonl:2"),
    ("feed.csv", f'id,text\ngood,"{BODY}"\nb,\n'.encode(), "empty", "feed.csv:3"),
    ("feed.csv", f'id,text\ngood,"{BODY}"\nb\n'.encode(), "missing-field", "feed.csv:3"),
    ("feed.csv", b"id,body\nb,hello\n", "missing-field", "feed.csv"),
]


@pytest.mark.parametrize("name, content, code, where", BAD_INPUT, ids=[f"{c[2]}-{c[0]}" for c in BAD_INPUT])
def test_bad_input_is_a_problem_naming_it_and_the_batch_goes_on(tmp_path, name, content, code, where):
    write(tmp_path, "0-first.txt", f"Talks In Geneva\n\n{BODY}")
    write(tmp_path, name, content)
    write(tmp_path, "z-last.jsonl", json.dumps({"id": "last", "text": BODY}) + "\n")
    items = read(tmp_path)
    [problem] = problems(items)
    assert problem.code == code
    assert problem.where == str(tmp_path / where)
    assert problem.reason
    ids = [a.id for a in articles(items)]
    assert ids[0] == "0-first" and ids[-1] == "last"


def test_missing_path_is_a_problem_and_the_rest_is_read(tmp_path):
    path = write(tmp_path, "a.txt", BODY)
    items = read(tmp_path / "nope.txt", path)
    assert [(p.where, p.code) for p in problems(items)] == [(str(tmp_path / "nope.txt"), "not-found")]
    assert [a.id for a in articles(items)] == ["a"]


def test_unreadable_file_is_a_problem(tmp_path, monkeypatch):
    path = write(tmp_path, "secret.txt", BODY)

    def denied(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", denied)
    [problem] = read(path)
    assert (problem.where, problem.code) == (str(path), "unreadable")
    assert "Permission denied" in problem.reason


def test_same_file_name_in_two_folders_is_a_duplicate_id(tmp_path):
    write(tmp_path, "a/story.txt", BODY)
    write(tmp_path, "b/story.txt", BODY + " Again.")
    items = read(tmp_path)
    assert [a.id for a in articles(items)] == ["story"]
    [problem] = problems(items)
    assert problem.code == "duplicate-id" and "story" in problem.reason


# --- decoding and normalisation --------------------------------------------------------


@pytest.mark.parametrize(
    "content, expected",
    [
        ("Russia\u2019s talks resume.".encode("cp1252"), "Russia\u2019s talks resume."),
        ("\ufeffRussia\u2019s talks resume.".encode("utf-8"), "Russia\u2019s talks resume."),
        ("Russia\u2019s talks resume.".encode("utf-16"), "Russia\u2019s talks resume."),
        (b"First line\r\nsecond\xc2\xa0line.\r\n\r\n\r\nNext paragraph.", "First line\nsecond line.\n\nNext paragraph."),
    ],
    ids=["cp1252", "utf8-bom", "utf16", "crlf-nbsp"],
)
def test_text_is_decoded_and_normalised(tmp_path, content, expected):
    [article] = read(write(tmp_path, "a.txt", content))
    assert article.text == expected


def test_html_declared_charset_is_honoured(tmp_path):
    page = '<html><head><meta charset="windows-1251"></head><body><p>Россия и США договорились.</p></body></html>'
    [article] = read(write(tmp_path, "ru.html", page.encode("cp1251")))
    assert article.text == "Россия и США договорились."


# --- records ---------------------------------------------------------------------------


def test_record_fields_become_article_metadata(tmp_path):
    record = {
        "id": "r1", "text": BODY, "title": "Talks", "date": "January 3, 2015",
        "url": "https://example.com/r1", "source": "www.Example.com", "authors": "Jane Doe and John Roe",
    }
    [article] = read(write(tmp_path, "r.jsonl", json.dumps(record)))
    assert (article.title, article.published, article.published_basis) == ("Talks", "2015-01-03", "metadata")
    assert (article.outlet, article.url, article.authors) == ("example.com", record["url"], ("Jane Doe", "John Roe"))


def test_invalid_record_date_is_kept_none_without_failing(tmp_path):
    [article] = read(write(tmp_path, "r.jsonl", json.dumps({"id": "r", "text": BODY, "date": "sometime soon"})))
    assert (article.published, article.published_basis) == (None, "none")


def test_csv_reads_huge_fields_quoted_newlines_and_author_lists(tmp_path):
    long_text = (BODY + "\n\n") * 20000  # > csv's default 128 KB field limit
    content = f'id,text,date,authors\nbig,"{long_text}",2015-01-03,Jane Doe; John Roe\n'
    [article] = read(write(tmp_path, "r.csv", content))
    assert article.published == "2015-01-03"
    assert article.authors == ("Jane Doe", "John Roe")
    assert article.text.count(BODY) == 20000


# --- dates -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2015-01-03", "2015-01-03"),
        ("2022-01-02T10:00:00Z", "2022-01-02"),
        ("2015/1/3", "2015-01-03"),
        ("January 3, 2015", "2015-01-03"),
        ("Jan. 3 2015", "2015-01-03"),
        ("3 January 2015", "2015-01-03"),
        ("Saturday, 3rd of January, 2015", "2015-01-03"),
        ("Sat, 03 Jan 2015 10:00:00 GMT", "2015-01-03"),
        ("03/01/2015", None),
        ("2015-02-30", None),
        ("last Friday", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_date(value, expected):
    assert parse_date(value) == expected


# --- plain-text metadata and furniture -------------------------------------------------


@pytest.mark.parametrize(
    "raw, field, expected",
    [
        (f"By Jane Doe and John Roe\nJanuary 3, 2015\n\n{BODY}", "authors", ("Jane Doe", "John Roe")),
        (f"By Jane Doe\nJanuary 3, 2015\n\n{BODY}", "published", "2015-01-03"),
        (f"Posted on Jan. 5, 2016 by Ann Lee\n\n{BODY}", "authors", ("Ann Lee",)),
        (f"Talks Resume In Geneva\n{BODY}", "title", "Talks Resume In Geneva"),
        (f"TALKS RESUME\n{BODY}", "title", "TALKS RESUME"),
        (f"Published: 2015-01-03 10:30 GMT\n\n{BODY}", "published", "2015-01-03"),
        (f"On January 3, 2015, Russia said it would talk.\n\n{BODY}", "published", None),
        (f"{BODY}\n\nIt all began on 3 January 2015.", "published", None),
        (f"{BODY}\n\nOriginally published at The Diplomat.", "outlet", "The Diplomat"),
        (f"WASHINGTON (Reuters) - {BODY}", "outlet", "Reuters"),
        (f"{BODY}\n\nSource: https://www.example.com/world/1", "outlet", "example.com"),
        (f"{BODY}\n\nAbout the author: Jane Doe is an analyst at a think tank.", "authors", ("Jane Doe",)),
    ],
)
def test_plain_text_metadata(raw, field, expected):
    assert getattr(analyse_text(raw), field) == expected


@pytest.mark.parametrize(
    "furniture",
    [
        "Share this:", "Click here to subscribe to our newsletter", "Comments", "12 Comments",
        "Read more: Putin and Biden to meet", "Also Read Kremlin hails talks", "Copyright 2015 Example Ltd.",
        "(c) Example News", "Downloaded from example.com", "END", "Tags: Russia, USA",
        "Putin and Biden in Geneva. (Reuters)", "Putin and Biden in Geneva. Photo: AFP",
        "The views expressed in this article are the author's own.",
    ],
)
def test_furniture_is_removed_and_body_kept(furniture):
    result = analyse_text(f"{BODY}\n\n{furniture}\n\nThe talks will continue next month.")
    assert result.text == f"{BODY}\n\nThe talks will continue next month."


@pytest.mark.parametrize(
    "prose",
    [
        "Vladimir Putin is a former KGB officer.",  # a bio-like line, but about someone in the story
        "More than 20 people were hurt.",
        "Comments by the minister were not reported. (See my blog Ice cracking.)",
        "Published by the Kremlin press service on Friday, the statement said the two leaders talked for an hour.",
    ],
)
def test_prose_that_resembles_furniture_is_kept(prose):
    assert prose in analyse_text(f"Putin met Biden.\n\n{BODY}\n\n{prose}").text


def test_body_paragraphs_are_kept_as_written():
    raw = f"{BODY}\nA second line of the same paragraph.\n\n\n\nA new paragraph."
    assert analyse_text(raw).text == f"{BODY}\nA second line of the same paragraph.\n\nA new paragraph."


# --- HTML ------------------------------------------------------------------------------


def test_html_metadata_comes_from_the_page_and_furniture_is_stripped(tmp_path):
    [article] = read(write(tmp_path, "page.html", HTML_PAGE.format(body=BODY)))
    assert article.title == "Talks Resume"
    assert (article.published, article.published_basis) == ("2022-01-02", "metadata")
    assert article.authors == ("Jane Doe", "John Roe")
    assert article.outlet == "Example News"
    assert article.url == "https://example.com/world/talks"
    assert article.text.startswith(BODY)
    assert "Share this" not in article.text and "MORE:" not in article.text and "©" not in article.text


def test_html_falls_back_to_lxml_when_trafilatura_finds_nothing(tmp_path):
    page = "<html><head><meta name='date' content='3 January 2015'></head><body><p>Short.</p></body></html>"
    [article] = read(write(tmp_path, "tiny.htm", page))
    assert (article.text, article.published) == ("Short.", "2015-01-03")


def test_html_reading_never_touches_the_network(tmp_path, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("ingest tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    page = HTML_PAGE.format(body=BODY).replace("<h1>", '<img src="https://example.com/x.png"><h1>')
    [article] = read(write(tmp_path, "page.html", page))
    assert BODY in article.text


# --- the five seed articles ------------------------------------------------------------


@pytest.fixture(scope="module")
def seeds() -> dict[str, Article]:
    if not SEEDS.is_dir():
        pytest.skip(f"seed articles not found at {SEEDS} (they live in the shared workspace)")
    items = list(read_sources([str(SEEDS)]))
    assert not problems(items)
    return {a.id[:3]: a for a in items}


SEED_METADATA = [
    ("000", "An Obama-Putin Thaw Is in the Making", None, "Indian Punchline", ("M.K. Bhadrakumar",)),
    ("001", None, None, None, ("M.K. Bhadrakumar",)),
    ("002", "U.S., RUSSIA LOOKING FOR A BREAKTHROUGH", "2022-01-02", "thehindu.com", ()),
    ("003", None, "2023-03-03", None, ()),
    ("004", "A Course Correction in US-Russia Relations?", "2021-06-01", "Future Directions International",
     ("Tridivesh Singh Maini",)),
]


@pytest.mark.parametrize("seed, title, published, outlet, authors", SEED_METADATA)
def test_seed_metadata_is_recovered(seeds, seed, title, published, outlet, authors):
    article = seeds[seed]
    assert (article.title, article.published, article.outlet, article.authors) == (title, published, outlet, authors)
    assert article.published_basis == ("text" if published else "none")


SEED_SENTENCES = [
    ("000", "the US Secretary of State John Kerry on January 1 to phone up his Russian counterpart"),
    ("000", "US wants Russian cooperation on Iran, Syria."),
    ("000", "(See my blog Ice cracking in US-Russia ties.)"),
    ("001", "Putin would expect Cameron to get through to Obama in the coming day or two"),
    ("002", "Mr. Biden is scheduled to speak by phone on Sunday with Ukraine President Volodymyr Zelenskyy."),
    ("003", "The meeting of the US Secretary of State Anthony Blinken with his Russian counterpart Sergey Lavrov"),
    ("004", "Reykjavik, Iceland on 19 May."),
]


@pytest.mark.parametrize("seed, sentence", SEED_SENTENCES)
def test_seed_body_sentences_survive(seeds, seed, sentence):
    assert sentence in seeds[seed].text


def test_seed_003_loses_only_its_date_prefix(seeds):
    assert seeds["003"].text.startswith("The meeting of the US Secretary of State")


FURNITURE = ["Downloaded from", "MORE:", "Leave a comment", "Also Read", "Relevant for:", "File Photo",
             "About the Author", "Published by", "originally appeared", "Source:", "code of editorial values",
             "is a retired Indian diplomat", "is a former diplomat", "©"]


@pytest.mark.parametrize("seed", ["000", "001", "002", "003", "004"])
def test_seed_furniture_is_removed(seeds, seed):
    text = seeds[seed].text
    assert "END" not in text.split("\n")
    assert [f for f in FURNITURE if f in text] == []
    assert "\n\n\n" not in text and text == text.strip()
