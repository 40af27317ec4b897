"""Events and articles from `detente extract` have exactly the PRODUCT.md data-contract shape."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any, Optional

import pytest

from detente import service
from detente.ingest import read_sources
from detente.types import Article

pytestmark = pytest.mark.slow

EVENT_FIELDS = {"id", "article_id", "sentence_index", "sentence", "source", "target", "cameo",
                "cameo_root", "plover", "plover_mode", "quad_class", "goldstein", "modality",
                "event_date", "date_precision", "date_basis", "location", "issues", "trigger",
                "confidence", "coder"}
ACTOR_FIELDS = {"text", "start", "end", "name", "code", "country", "sector", "role", "kb_id"}
LOCATION_FIELDS = {"name", "country", "lat", "lon"}
TRIGGER_FIELDS = {"text", "start", "end"}
ARTICLE_FIELDS = {"id", "path", "title", "outlet", "url", "authors", "published",
                  "published_basis", "language", "n_sentences", "n_events"}
MODALITIES = {"asserted", "planned", "hypothetical", "negated"}
PRECISIONS = {"day", "month", "year", None}
DATE_BASES = {"explicit", "relative", "publication", "inferred", None}
PUBLISHED_BASES = {"metadata", "text", "inferred", "none"}


# --- checks --------------------------------------------------------------------------------


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Any) -> bool:
    return is_int(value) or isinstance(value, float)


def optional_str(value: Any) -> bool:
    return value is None or isinstance(value, str)


def is_iso_date(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return date.fromisoformat(value).isoformat() == value
    except ValueError:
        return False


def check_span(obj: dict, text: Optional[str], what: str) -> None:
    assert is_int(obj["start"]) and is_int(obj["end"]), what
    assert 0 <= obj["start"] < obj["end"], f"{what}: empty or negative span {obj}"
    assert isinstance(obj["text"], str) and obj["text"], what
    if text is not None:
        assert text[obj["start"]:obj["end"]] == obj["text"], (
            f"{what}: article text at [{obj['start']}:{obj['end']}] is "
            f"{text[obj['start']:obj['end']]!r}, not {obj['text']!r}")


def check_actor(actor: dict, text: Optional[str], what: str) -> None:
    assert isinstance(actor, dict) and set(actor) == ACTOR_FIELDS, f"{what}: {actor}"
    check_span(actor, text, what)
    for key in ("name", "code", "country", "sector", "role", "kb_id"):
        assert optional_str(actor[key]), f"{what}.{key} = {actor[key]!r}"
    assert actor["country"] is None or re.fullmatch(r"[A-Z]{3}", actor["country"]), actor
    assert actor["code"] is None or re.fullmatch(r"[A-Z0-9]{3,}", actor["code"]), actor


def sentence_holds(text: str, sentence: str, spans: list[dict]) -> bool:
    """The sentence occurs in the article text at a place that contains every span."""
    at = text.find(sentence)
    while at != -1:
        if all(at <= s["start"] and s["end"] <= at + len(sentence) for s in spans):
            return True
        at = text.find(sentence, at + 1)
    return False


def check_event(e: dict, text: Optional[str] = None) -> None:
    """Every PRODUCT.md event field, with its documented type; spans against ``text``."""
    assert set(e) == EVENT_FIELDS, f"fields differ: {set(e) ^ EVENT_FIELDS}"
    where = f"event {e.get('id')} ({e.get('article_id')})"
    assert isinstance(e["id"], str) and e["id"], where
    assert isinstance(e["article_id"], str) and e["article_id"], where
    assert is_int(e["sentence_index"]) and e["sentence_index"] >= 0, where
    assert isinstance(e["sentence"], str) and e["sentence"].strip(), where
    check_actor(e["source"], text, f"{where} source")
    if e["target"] is not None:
        check_actor(e["target"], text, f"{where} target")
    assert isinstance(e["cameo"], str) and re.fullmatch(r"\d{2,4}", e["cameo"]), where
    assert e["cameo_root"] == e["cameo"][:2], where
    assert "01" <= e["cameo_root"] <= "20", where
    assert optional_str(e["plover"]) and optional_str(e["plover_mode"]), where
    assert is_int(e["quad_class"]) and 1 <= e["quad_class"] <= 4, where
    assert isinstance(e["goldstein"], float) and -10 <= e["goldstein"] <= 10, where
    assert e["modality"] in MODALITIES, where
    assert e["event_date"] is None or is_iso_date(e["event_date"]), where
    assert e["date_precision"] in PRECISIONS and e["date_basis"] in DATE_BASES, where
    if e["event_date"] is None:
        assert e["date_precision"] is None and e["date_basis"] is None, where
    else:
        assert e["date_precision"] is not None and e["date_basis"] is not None, where
    loc = e["location"]
    if loc is not None:
        assert isinstance(loc, dict) and set(loc) == LOCATION_FIELDS, where
        assert isinstance(loc["name"], str) and optional_str(loc["country"]), where
        assert loc["lat"] is None or (is_number(loc["lat"]) and -90 <= loc["lat"] <= 90), where
        assert loc["lon"] is None or (is_number(loc["lon"]) and -180 <= loc["lon"] <= 180), where
    assert isinstance(e["issues"], list) and all(isinstance(i, str) for i in e["issues"]), where
    assert isinstance(e["trigger"], dict) and set(e["trigger"]) == TRIGGER_FIELDS, where
    check_span(e["trigger"], text, f"{where} trigger")
    assert e["trigger"]["text"] in e["sentence"], where
    assert is_number(e["confidence"]) and 0 <= e["confidence"] <= 1, where
    assert isinstance(e["coder"], str) and e["coder"], where
    if text is not None:
        assert sentence_holds(text, e["sentence"], [e["trigger"]]), (
            f"{where}: the sentence is not where its trigger is in the article text")


def check_article(a: dict) -> None:
    assert set(a) == ARTICLE_FIELDS, f"fields differ: {set(a) ^ ARTICLE_FIELDS}"
    assert isinstance(a["id"], str) and a["id"]
    for key in ("path", "title", "outlet", "url"):
        assert optional_str(a[key]), f"{a['id']}.{key}"
    assert isinstance(a["authors"], list) and all(isinstance(x, str) for x in a["authors"])
    assert a["published"] is None or is_iso_date(a["published"]), a
    assert a["published_basis"] in PUBLISHED_BASES, a
    assert (a["published"] is None) == (a["published_basis"] == "none"), a
    assert isinstance(a["language"], str) and a["language"]
    assert is_int(a["n_sentences"]) and a["n_sentences"] >= 1, a
    assert is_int(a["n_events"]) and a["n_events"] >= 0, a


def jsonl(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


# --- fixtures: the small corpus through the console script and through the library ----------


@pytest.fixture(scope="module")
def texts(shared_corpus: Path) -> dict[str, str]:
    """Article id -> the article text that spans index into (read without spaCy)."""
    items = list(read_sources([str(shared_corpus)]))
    assert all(isinstance(a, Article) for a in items), items
    return {a.id: a.text for a in items}


@pytest.fixture(scope="module")
def cli_events(detente, shared_corpus: Path) -> list[dict]:
    result = detente("extract", shared_corpus, cwd=shared_corpus.parent)
    assert result.returncode == 0, result.stderr
    return jsonl(result.stdout)


@pytest.fixture(scope="module")
def cli_articles(detente, shared_corpus: Path) -> list[dict]:
    result = detente("extract", "--articles", shared_corpus, cwd=shared_corpus.parent)
    assert result.returncode == 0, result.stderr
    return jsonl(result.stdout)


@pytest.fixture(scope="module")
def coded(pipeline, shared_corpus: Path) -> list:
    problems: list = []
    out = list(service.extract(pipeline, [str(shared_corpus)], problems=problems))
    assert problems == []
    return out


# --- events ---------------------------------------------------------------------------------


def test_cli_extract_prints_events_with_exactly_the_documented_fields_and_types(cli_events, texts):
    assert {e["article_id"] for e in cli_events} <= set(texts)
    assert len(cli_events) >= 5
    for e in cli_events:
        check_event(e, texts[e["article_id"]])


def test_library_extract_yields_events_with_exactly_the_documented_fields_and_types(coded):
    events = [(c.article.text, e.to_dict()) for c in coded for e in c.events]
    assert len(events) >= 5
    for text, e in events:
        check_event(e, text)


def test_spans_are_slices_of_the_article_text(coded):
    for c in coded:
        for e in c.events:
            assert c.article.text[e.trigger.start:e.trigger.end] == e.trigger.text
            assert c.article.text[e.source.start:e.source.end] == e.source.text
            if e.target is not None:
                assert c.article.text[e.target.start:e.target.end] == e.target.text


def test_article_id_is_the_record_id_or_the_file_name_without_extension(cli_events, corpus_ids):
    assert {e["article_id"] for e in cli_events} <= corpus_ids
    assert {"geneva-talks", "summit-2021", "uk-russia"} <= {e["article_id"] for e in cli_events}


def test_event_ids_are_unique(cli_events):
    ids = [e["id"] for e in cli_events]
    assert len(ids) == len(set(ids))


def test_same_input_twice_gives_the_same_event_ids(pipeline, shared_corpus, coded):
    again = list(service.extract(pipeline, [str(shared_corpus)]))
    assert [e.id for c in again for e in c.events] == [e.id for c in coded for e in c.events]
    assert [e.to_dict() for c in again for e in c.events] == [e.to_dict() for c in coded for e in c.events]


def test_ids_are_stable_across_processes(cli_events, coded):
    """The console script (another interpreter, another hash seed) gives the same events."""
    assert [e["id"] for e in cli_events] == [e.id for c in coded for e in c.events]
    assert cli_events == [json.loads(json.dumps(e.to_dict())) for c in coded for e in c.events]


# --- articles -------------------------------------------------------------------------------


def test_cli_articles_have_exactly_the_documented_fields_and_types(cli_articles, corpus_ids):
    assert {a["id"] for a in cli_articles} == corpus_ids
    for a in cli_articles:
        check_article(a)


def test_article_n_events_counts_its_events(cli_articles, cli_events):
    per_article = {a["id"]: a["n_events"] for a in cli_articles}
    for article_id, n in per_article.items():
        assert n == sum(e["article_id"] == article_id for e in cli_events), article_id


def test_article_records_carry_their_metadata(cli_articles):
    by_id = {a["id"]: a for a in cli_articles}
    assert by_id["summit-2021"]["published"] == "2021-06-16"
    assert by_id["summit-2021"]["title"] == "Summit in Geneva"
    assert by_id["geneva-talks"]["published"] == "2022-01-02"
    assert by_id["geneva-talks"]["title"] == "Lavrov and Blinken meet in Geneva"
    assert by_id["geneva-talks"]["path"].endswith("geneva-talks.txt")


@pytest.mark.xfail(reason="ingest takes a sentence-case headline ('Putin and Biden talk') above a "
                   "dateline for body text, so it is glued to the first sentence", strict=False)
def test_headline_above_a_dateline_is_the_title(cli_articles):
    by_id = {a["id"]: a for a in cli_articles}
    assert by_id["phone-call"]["title"] == "Putin and Biden talk"
    assert by_id["sanctions"]["title"] == "Washington acts"


# --- real articles (../shared/seeds) -----------------------------------------------------


@pytest.fixture(scope="module")
def seed_coded(pipeline, seeds) -> list:
    problems: list = []
    out = list(service.extract(pipeline, [str(p) for p in seeds], problems=problems))
    assert problems == []
    return out


def test_seed_events_meet_the_contract(seed_coded):
    events = [(c.article.text, e.to_dict()) for c in seed_coded for e in c.events]
    assert len(events) >= 10
    for text, e in events:
        check_event(e, text)
    for c in seed_coded:
        check_article(c.article_dict())


def test_actor_spans_lie_in_the_event_sentence_for_the_small_corpus(coded):
    for c in coded:
        for e in c.events:
            actors = [e.source] + ([e.target] if e.target else [])
            assert sentence_holds(c.article.text, e.sentence, [a.__dict__ for a in actors]), e


def test_actor_spans_lie_in_the_event_sentence_for_the_seeds(seed_coded):
    """Evidence can be highlighted: a pronoun's actor keeps the pronoun's span, not its antecedent's."""
    outside = [(e.sentence, a.text, a.start) for c in seed_coded for e in c.events
               for a in ([e.source] + ([e.target] if e.target else []))
               if not sentence_holds(c.article.text, e.sentence, [a.__dict__])]
    assert outside == []


def cameo_to_plover(path: Path) -> dict[str, tuple[str, Optional[str]]]:
    """CAMEO code -> (PLOVER type, mode or None) from PLOVER's conversion table."""
    table = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^(\d{2,4}):\s*([^#]*)", line)
        if m:
            parts = [p.strip() for p in m.group(2).split(",")]
            table[m.group(1)] = (parts[0], (parts[1] if len(parts) > 1 else "") or None)
    return table


# Codes where cameo.yaml follows the PLOVER manual's definitions rather than the 2021 table:
# blockade and occupation (CAMEO root 19, military force) and cyberattacks are ASSAULT.
PLOVER_MANUAL_DEPARTURES = {"191": "ASSAULT", "192": "ASSAULT", "176": "ASSAULT"}


def test_cameo_codes_quad_classes_and_plover_agree_with_the_reference_tables(seed_coded, coded, shared_dir):
    ref = shared_dir / "data" / "reference" / "cameo"
    official = {line.split("\t")[0] for line in
                (ref / "LOOKUP-CAMEO.eventcodes.txt").read_text(encoding="utf-8").splitlines()[1:]}
    codes = json.loads((ref / "cameo_codes.json").read_text(encoding="utf-8"))
    plover = cameo_to_plover(ref / "CAMEO2PLOVER-2021.txt")
    events = [e for c in [*seed_coded, *coded] for e in c.events]
    assert events
    for e in events:
        assert e.cameo in official, f"{e.cameo} is not a CAMEO code ({e.sentence!r})"
        assert e.quad_class == codes[e.cameo]["quad_class"], (e.cameo, e.quad_class)
        if e.cameo in PLOVER_MANUAL_DEPARTURES:  # documented at the top of cameo.yaml
            assert e.plover == PLOVER_MANUAL_DEPARTURES[e.cameo], (e.cameo, e.sentence)
        elif e.cameo in plover:
            assert (e.plover, e.plover_mode) == plover[e.cameo], (e.cameo, e.sentence)
