"""Direct quotes: found in the text, attributed to their speaker, stored, printed by the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import duckdb
import pytest

from detente import service
from detente.coding.quotes import quoted_stretches, quote_text, utterances
from detente.errors import QueryError, StoreError
from detente.store import MIGRATIONS, SCHEMA_VERSION, Store
from detente.types import Actor, Article, CodedArticle, Quote

SUNDAY = "2022-01-16"  # "on Friday" in an article of this date is 2022-01-14


# --- the quoted text (no parse) ----------------------------------------------------------------


def stretches(text: str) -> list[str]:
    return [text[s.start:s.end] for s in quoted_stretches(text)]


@pytest.mark.parametrize("text, expected", [
    ('He said "we are ready to talk" and left.', ["we are ready to talk"]),
    ("He said “we are ready to talk” and left.", ["we are ready to talk"]),
    ('"One two," she said, "three four."', ["One two,", "three four."]),
    ("the hackers’ tools; ‘I’m not going to say more than that, and the hackers’ names stay out’ he said",
     ["I’m not going to say more than that, and the hackers’ names stay out"]),
    ('A 12" pipe and "a quoted phrase here" too.', ["a quoted phrase here"]),
    ("“A quote with ‘a nested one’ inside it.”", ["A quote with ‘a nested one’ inside it."]),
])
def test_curly_straight_and_single_quotes_are_found(text: str, expected: list[str]) -> None:
    assert stretches(text) == expected


def test_quote_over_two_paragraphs_without_reopening_is_one_stretch() -> None:
    text = "The ministry said:\n\n“First paragraph of the statement.\n\nSecond paragraph of it.”\n\nAfter."
    assert stretches(text) == ["First paragraph of the statement.\n\nSecond paragraph of it."]


def test_reopened_paragraph_and_unclosed_quote_end_at_the_next_opening_mark() -> None:
    text = "“We went there first. “Then we came back home again,” she added. “Never closed\n\nNext."
    assert stretches(text) == ["We went there first.", "Then we came back home again,", "Never closed"]


def test_attribution_between_two_parts_joins_them_into_one_quote() -> None:
    text = "“We will respond,” Mr. Lavrov said, “and firmly.” “Next one,” he said. “Other quote.”"
    groups = utterances(text, quoted_stretches(text))
    assert [quote_text(text, g) for g in groups] == ["We will respond, and firmly.", "Next one",
                                                     "Other quote."]
    assert len(groups[0]) == 2


# --- quotes in articles (the spaCy pipeline) ------------------------------------------------


def find(pipeline, text: str, published: Optional[str] = SUNDAY) -> list[Quote]:
    article = Article(id="q", text=text, published=published)
    resolved = next(pipeline.dates(pipeline.resolver(pipeline.parser([article]))))
    quotes = list(pipeline.quotes.find(resolved))
    for q in quotes:  # offsets point at the quoted words
        assert text[q.start:q.end] == q.text or len(q.spans) > 1
        assert all(text[s:e] for s, e in q.spans)
    return quotes


def who(q: Quote) -> Optional[str]:
    if q.speaker is None:
        return None
    return q.speaker.kb_id if (q.speaker.kb_id or "").startswith("person:") else q.speaker.code


@pytest.mark.slow
@pytest.mark.parametrize("text, speaker, verb, attribution", [
    ("“We will not back down over Ukraine,” Sergey Lavrov said.", "person:sergey-lavrov", "said", "after"),
    ('"The door to diplomacy remains open," said Antony Blinken.', "person:antony-blinken", "said", "after"),
    ('Antony Blinken told reporters: "We are ready to talk at any time."', "person:antony-blinken",
     "told", "before"),
    ("The Kremlin said: “Washington is escalating the conflict in Ukraine.”", "RUSGOV", "said", "before"),
    ("According to the Kremlin, “the talks were useful for both of the sides.”", "RUSGOV",
     "according to", "according-to"),
])
def test_speaker_before_or_after_the_quote(pipeline, text, speaker, verb, attribution) -> None:
    [q] = find(pipeline, text)
    assert (who(q), q.speech_verb, q.attribution) == (speaker, verb, attribution)


@pytest.mark.slow
def test_quote_interrupted_by_attribution_is_one_quote_with_two_spans(pipeline) -> None:
    text = "“We will respond,” Lavrov said, “and we will do it firmly.”"
    [q] = find(pipeline, text)
    assert q.text == "We will respond, and we will do it firmly."
    assert [text[s:e] for s, e in q.spans] == ["We will respond,", "and we will do it firmly."]
    assert (q.start, q.end) == (q.spans[0][0], q.spans[1][1])
    assert (who(q), q.attribution) == ("person:sergey-lavrov", "interrupted")


@pytest.mark.slow
def test_pronoun_speaker_is_the_last_person_named_outside_the_quote(pipeline) -> None:
    text = ("Sergey Lavrov arrived in Geneva on Monday. "
            "“Putin will decide what happens next,” he told reporters on Friday.")
    [q] = find(pipeline, text)
    assert who(q) == "person:sergey-lavrov", "not Putin, who is named inside the quote"
    assert (q.speaker.text, q.speaker_text) == ("he", "he")
    assert q.date == "2022-01-14", "the day he told reporters, not the article's date"


@pytest.mark.slow
def test_pronoun_speaker_does_not_reach_past_someone_unknown(pipeline) -> None:
    """Better no speaker than Lavrov: "he" is the US Secretary the resolver does not know."""
    [q] = find(pipeline, "Lavrov left the room early.\n\nWhat did the US Secretary tell the media?\n\n"
                         "After his meeting with the Russian envoy he said\n\n"
                         "“We want to keep the channels of communication open with Moscow.”")
    assert (q.speaker, q.speaker_text, q.attribution) == (None, "he", "previous-sentence")


@pytest.mark.slow
def test_title_speaker_is_the_office_holder_on_the_date(pipeline) -> None:
    text = 'The Secretary of State said: "We have made progress on the ceasefire in Syria."'
    [q] = find(pipeline, text, published="2015-05-12")
    assert q.speaker.name == "John Kerry"


@pytest.mark.slow
def test_quote_of_several_sentences_and_its_continuation_keep_the_speaker(pipeline) -> None:
    text = ('Biden said: "We will not accept this. Our allies agree with us. The answer is no." '
            '"We will increase our presence in Europe," he added. "NATO is united behind Ukraine."')
    first, second, third = find(pipeline, text)
    assert first.text == "We will not accept this. Our allies agree with us. The answer is no."
    assert [who(q) for q in (first, second, third)] == ["person:joe-biden"] * 3
    assert third.attribution == "continuation"


@pytest.mark.slow
def test_scare_quotes_are_dropped_but_short_attributed_quotes_kept(pipeline) -> None:
    quotes = find(pipeline, 'The two ministers had a "frank" talk about the ‘reset’. '
                            'Lavrov said the meeting was "useful".')
    assert [(q.text, who(q)) for q in quotes] == [("useful", "person:sergey-lavrov")]


@pytest.mark.slow
def test_unknown_speaker_is_none_with_the_words_kept(pipeline) -> None:
    [q] = find(pipeline, '"The talks are over for now," a senior official said.')
    assert q.speaker is None
    assert q.speaker_text == "a senior official"
    [q] = find(pipeline, "Officials were silent. “There is nothing left to discuss with them at all.”")
    assert (q.speaker, q.attribution) == (None, None)


@pytest.mark.slow
def test_curly_single_quotes_after_a_speech_verb(pipeline) -> None:
    [q] = find(pipeline, "As Biden commented, ‘I’m going to meet him in June and we’ll talk then.’")
    assert q.text == "I’m going to meet him in June and we’ll talk then."
    assert (who(q), q.speech_verb) == ("person:joe-biden", "commented")


@pytest.mark.slow
def test_pipeline_run_puts_quotes_on_the_coded_article(pipeline) -> None:
    article = Article(id="run", text="“We are ready,” Blinken said on Friday.", published=SUNDAY)
    [coded] = list(pipeline.run([article]))
    [q] = coded.quotes
    assert (q.article_id, who(q), q.date) == ("run", "person:antony-blinken", "2022-01-14")


# --- the store --------------------------------------------------------------------------------

LAVROV = Actor(text="Lavrov", start=20, end=26, name="Sergey Lavrov", code="RUSGOV", country="RUS",
               sector="GOV", role="Minister of Foreign Affairs", kb_id="person:sergey-lavrov",
               basis="person")


def quote(article_id: str, start: int, text: str, speaker: Optional[Actor] = LAVROV,
          date: Optional[str] = "2022-01-14") -> Quote:
    return Quote(id=f"{article_id}-{start}", article_id=article_id, text=text, start=start,
                 end=start + len(text), speaker=speaker, speech_verb="said", sentence_index=0,
                 date=date, speaker_text=speaker.text if speaker else "a source",
                 attribution="after", spans=((start, start + len(text)),))


def coded(article_id: str, quotes: list[Quote], text: str = "") -> CodedArticle:
    text = text or f"Text of {article_id}."
    article = Article(id=article_id, text=text, published="2022-01-16", published_basis="metadata",
                      content_hash=f"hash-{text}")
    return CodedArticle(article=article, n_sentences=1, events=(), quotes=tuple(quotes))


def batch() -> list[CodedArticle]:
    return [coded("a", [quote("a", 1, "We will respond"), quote("a", 40, "No comment today", None)]),
            coded("b", [quote("b", 5, "Talks are useful", date=None)])]


def test_quotes_round_trip_to_the_quote_dicts() -> None:
    with Store(":memory:") as s:
        s.write(batch())
        assert s.quotes() == [q.to_dict() for c in batch() for q in c.quotes]


def test_quotes_filter_by_article_speaker_code_name_and_words() -> None:
    with Store(":memory:") as s:
        s.write(batch())
        assert [q["id"] for q in s.quotes(article_id="b")] == ["b-5"]
        assert len(s.quotes(speaker="RUS")) == len(s.quotes(speaker="RUSGOV")) == 2
        assert len(s.quotes(speaker="lavrov")) == len(s.quotes(speaker="person:sergey-lavrov")) == 2
        assert [q["id"] for q in s.quotes(speaker="a source")] == ["a-40"]
        assert [q["id"] for q in s.quotes(limit=1, offset=1)] == ["a-40"]
        with pytest.raises(QueryError, match="speaker"):
            s.quotes(speaker=" ")


def test_rewriting_an_article_never_duplicates_its_quotes() -> None:
    with Store(":memory:") as s:
        s.write(batch())
        s.write(batch())
        assert len(s.quotes()) == 3
        s.write([coded("c", [quote("c", 1, "We will respond")])] * 2)  # twice in one batch
        assert [q["id"] for q in s.quotes(article_id="c")] == ["c-1"]


def test_changed_article_replaces_its_quotes() -> None:
    with Store(":memory:") as s:
        s.write(batch())
        s.write([coded("a", [quote("a", 7, "A new quote here")], text="Changed text of a.")])
        assert [q["id"] for q in s.quotes(article_id="a")] == ["a-7"]
        assert [q["id"] for q in s.quotes(article_id="b")] == ["b-5"]


def test_quote_with_a_bad_date_is_a_problem_and_the_rest_is_written() -> None:
    with Store(":memory:") as s:
        result = s.write([coded("a", [quote("a", 1, "We will respond", date="Friday")]),
                          coded("b", [quote("b", 5, "Talks are useful")])])
        assert [p.code for p in result.problems] == ["bad-record"]
        assert [q["article_id"] for q in s.quotes()] == ["b"]


def v1_store(path: Path) -> None:
    """A database as detente 0.1 (schema v1) left it, with one article in it."""
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)")
    con.execute("INSERT INTO meta VALUES ('app', 'detente'), ('schema_version', '1')")
    version, statements = MIGRATIONS[0]
    assert version == 1
    for sql in statements:
        con.execute(sql)
    con.execute("INSERT INTO articles VALUES ('old', NULL, NULL, NULL, NULL, [], DATE '2015-01-02', "
                "'metadata', NULL, 'en', 'hash-old', 'Old text.', 1, 0, now()::TIMESTAMP)")
    con.close()


def test_v1_store_migrates_to_the_current_schema_keeping_its_articles(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    v1_store(path)
    with pytest.raises(StoreError, match="needs migrating"):
        Store(path, read_only=True)
    with Store(path) as s:
        assert s.schema_version == SCHEMA_VERSION == 3  # v2 added quotes, v3 happenings
        assert [a["id"] for a in s.articles()] == ["old"]
        assert s.quotes() == []
        s.write(batch())
    with Store(path, read_only=True) as s:
        assert s.stored_hashes()["old"] == "hash-old"
        assert len(s.quotes()) == 3


# --- the CLI ----------------------------------------------------------------------------------


TALKS = ("Date: 2022-01-16\n\n“We will respond,” Lavrov said, “and firmly.” "
         'It was a "frank" talk. "The talks are over for now," a senior official said.\n')


@pytest.mark.slow
def test_extract_quotes_prints_one_json_line_per_quote(detente, tmp_path: Path) -> None:
    (tmp_path / "talks.txt").write_text(TALKS, encoding="utf-8")
    result = detente("extract", "talks.txt", "--quotes", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["text"], (r["speaker"] or {}).get("code"), r["speaker_text"]) for r in rows] == [
        ("We will respond, and firmly.", "RUSGOV", "Lavrov"),
        ("The talks are over for now", None, "a senior official")]


@pytest.mark.slow
def test_extract_quotes_table_shows_speaker_verb_and_quote(pipeline, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """In process, with the session's pipeline: the console script's model load is tested above."""
    from typer.testing import CliRunner

    from detente import cli

    monkeypatch.setattr(cli.common, "build_pipeline", lambda: pipeline)
    (tmp_path / "talks.txt").write_text(TALKS, encoding="utf-8")
    result = CliRunner().invoke(cli.app, ["extract", str(tmp_path / "talks.txt"), "--quotes",
                                          "--format", "table"])
    assert result.exit_code == 0, result.output
    for cell in ("speaker", "verb", "Sergey Lavrov (RUSGOV)", "? (a senior official)", "said",
                 "We will respond, and firmly."):
        assert cell in result.output
    result = CliRunner().invoke(cli.app, ["extract", str(tmp_path / "talks.txt"), "--quotes", "-f", "csv"])
    assert result.exit_code == 2 and "--quotes prints jsonl or table" in result.output


@pytest.mark.slow
def test_ingest_stores_the_quotes_once(pipeline, tmp_path: Path) -> None:
    path = tmp_path / "talks.txt"
    path.write_text("Date: 2022-01-16\n\n“We will not back down,” Lavrov said on Friday.\n",
                    encoding="utf-8")
    with Store(":memory:") as store:
        service.ingest(pipeline, store, [str(path)])
        service.ingest(pipeline, store, [str(path)])
        [q] = store.quotes(speaker="RUS")
        assert (q["article_id"], q["date"], q["speech_verb"]) == ("talks", "2022-01-14", "said")
