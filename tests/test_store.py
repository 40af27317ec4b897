"""The store keeps coded articles idempotently, durably, and gives them back in contract shape."""

from __future__ import annotations

import csv
import dataclasses
import json
import signal
import subprocess
import sys
from pathlib import Path
from collections.abc import Iterator
from typing import Any, Optional

import duckdb
import pyarrow.parquet as pq
import pytest

from detente.errors import QueryError, StoreError
from detente.store import SCHEMA_VERSION, Store, WriteResult
from detente.types import (Actor, Article, CodedArticle, Event, Location, Mention, Problem,
                           Trigger)

REPO = Path(__file__).resolve().parents[1]

# --- a small factory: records as the pipeline would produce them (no spaCy) ---

PEOPLE = {
    "USAGOV": ("John Kerry", "Secretary of State", "Q22316"),
    "RUSGOV": ("Sergey Lavrov", "Minister of Foreign Affairs", "Q80498"),
}


def actor(code: str, text: str = "", start: int = 0) -> Actor:
    """An actor from its CAMEO code: USAGOV -> country USA, sector GOV; IGO... has no country."""
    name, role, kb_id = PEOPLE.get(code, (None, None, None))
    country = None if code.startswith("IGO") else code[:3]
    text = text or code.title()
    return Actor(text=text, start=start, end=start + len(text), name=name, code=code,
                 country=country, sector=code[3:] or None, role=role, kb_id=kb_id, basis="test.v1")


def event(article_id: str, n: int, source: str, target: Optional[str], cameo: str, *,
          quad: int, goldstein: float, date: Optional[str], sentence: str = "",
          issues: tuple[str, ...] = (), location: Optional[Location] = None,
          event_id: str = "") -> Event:
    sentence = sentence or f"{source} did {cameo} to {target}."
    return Event(
        id=event_id or f"{article_id}-e{n}", article_id=article_id, sentence_index=n,
        sentence=sentence, source=actor(source, start=10 * n),
        target=actor(target, start=10 * n + 5) if target else None,
        cameo=cameo, cameo_root=cameo[:2], plover="CONSULT" if cameo[:2] == "04" else None,
        plover_mode="phone" if cameo == "042" else None, quad_class=quad, goldstein=goldstein,
        modality="asserted", event_date=date, date_precision="day" if date else None,
        date_basis="relative" if date else None, location=location, issues=issues,
        trigger=Trigger(text="did", start=10 * n + 2, end=10 * n + 5), confidence=0.8,
        coder="detente-coder/0.1 rule:test",
    )


def coded(article_id: str, events: list[Event], *, published: Optional[str] = "2015-03-02",
          text: str = "", content_hash: str = "") -> CodedArticle:
    text = text or f"Text of {article_id}."
    article = Article(id=article_id, text=text, path=f"in/{article_id}.txt", title=article_id,
                      outlet="Example News", url=f"https://example.org/{article_id}",
                      authors=("A. Writer", "B. Writer"), published=published,
                      published_basis="metadata" if published else "none",
                      content_hash=content_hash or f"hash-{text}")
    mentions = tuple(
        Mention(sentence_index=e.sentence_index, tok_start=i, tok_end=i + 1, head=i, actor=a)
        for e in events for i, a in enumerate(x for x in (e.source, e.target) if x)
    )
    return CodedArticle(article=article, n_sentences=5, events=tuple(events), mentions=mentions)


GENEVA = Location(name="Geneva", country="CHE", lat=46.2, lon=6.15)


def corpus() -> list[CodedArticle]:
    k, b, i = "kerry-lavrov", "biden-un", "invasion"
    return [
        coded(k, [
            event(k, 0, "USAGOV", "RUSGOV", "042", quad=1, goldstein=1.9, date="2015-02-27",
                  sentence="Kerry spoke by phone with Lavrov on Friday.", location=GENEVA,
                  issues=("UKRAINE",)),
            event(k, 1, "RUSGOV", "USAGOV", "112", quad=3, goldstein=-2.0, date="2015-03-01",
                  sentence="Moscow accused Washington of meddling."),
        ]),
        coded(b, [
            event(b, 0, "USAGOV", "IGOUNO", "036", quad=1, goldstein=4.0, date="2021-05-19"),
            event(b, 1, "USA", None, "010", quad=1, goldstein=0.0, date=None),
        ], published="2021-05-19"),
        coded(i, [
            event(i, 0, "RUSMIL", "UKRMIL", "190", quad=4, goldstein=-10.0, date="2022-02-24",
                  sentence="Russian forces attacked Ukraine."),
            event(i, 1, "USAGOV", "RUSGOV", "163", quad=4, goldstein=-8.0, date="2022-02-25",
                  sentence="Washington imposed SANCTIONS on Moscow.",
                  issues=("SANCTIONS", "UKRAINE")),
        ], published=None),
    ]


def all_events(batch: list[CodedArticle]) -> list[Event]:
    return [e for c in batch for e in c.events]


@pytest.fixture
def store() -> Iterator[Store]:
    with Store(":memory:") as s:
        s.write(corpus())
        yield s


MERGED = ("num_mentions", "num_articles", "num_sources", "mentions")  # added by the merge


def without(d: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in d.items() if k not in keys}


def ids(events: list[dict[str, Any]]) -> list[str]:
    return [e["id"] for e in events]


# --- opening and migrations ---


def test_new_database_is_migrated_and_reopens_with_its_data(tmp_path: Path) -> None:
    path = tmp_path / "d.duckdb"
    with Store(path) as s:
        assert s.schema_version == SCHEMA_VERSION
        s.write(corpus())
    with Store(path) as s:
        assert s.schema_version == SCHEMA_VERSION
        assert s.stats()["events"] == 6
    with Store(path, read_only=True) as s:
        assert s.count_events() == 6
        with pytest.raises(StoreError, match="read-only"):
            s.write(corpus())


def test_database_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "d.duckdb"
    Store(path).close()
    con = duckdb.connect(str(path))
    con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(StoreError, match="newer than this detente"):
        Store(path)


@pytest.mark.parametrize("setup, match", [
    ("junk", "not a DuckDB database"),
    ("foreign", "not a detente database"),
    ("missing", "run `detente ingest` first"),
])
def test_unusable_files_are_refused_with_the_fix(tmp_path: Path, setup: str, match: str) -> None:
    path = tmp_path / "d.duckdb"
    if setup == "junk":
        path.write_text("this is not a database\n" * 100)
    if setup == "foreign":
        con = duckdb.connect(str(path))
        con.execute("CREATE TABLE other (x INTEGER)")
        con.close()
    with pytest.raises(StoreError, match=match):
        Store(path, read_only=setup == "missing")


def test_database_locked_by_another_process_names_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "d.duckdb"
    holder = ("import sys, time; sys.path.insert(0, sys.argv[2]); from detente.store import Store; "
              "s = Store(sys.argv[1]); print('open', flush=True); time.sleep(30)")
    proc = subprocess.Popen([sys.executable, "-c", holder, str(path), str(REPO)],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "open"
        with pytest.raises(StoreError, match="another process has this database open"):
            Store(path)
    finally:
        proc.kill()
        proc.wait(timeout=10)


def test_closed_store_raises_store_error() -> None:
    s = Store(":memory:")
    s.close()
    with pytest.raises(StoreError, match="closed"):
        s.events()


# --- writing ---


def counts(result: WriteResult) -> tuple[int, int, int]:
    return result.articles_written, result.articles_skipped, result.events_written


def test_writing_the_same_batch_twice_skips_everything_the_second_time() -> None:
    with Store(":memory:") as s:
        first = s.write(corpus())
        before = s.stats()
        second = s.write(corpus())
        assert counts(first) == (3, 0, 6)
        assert counts(second) == (0, 3, 0)
        assert s.stats() == before


def test_stored_hashes_let_ingest_skip_unchanged_articles(store: Store) -> None:
    assert store.stored_hashes() == {c.article.id: c.article.content_hash for c in corpus()}


def test_same_article_twice_in_one_batch_is_written_once() -> None:
    with Store(":memory:") as s:
        result = s.write([corpus()[0], corpus()[0]])
        assert (result.articles_written, result.articles_skipped) == (1, 1)
        assert s.count_events() == 2


def test_changed_article_replaces_its_events_and_mentions(store: Store) -> None:
    k = "kerry-lavrov"
    new = coded(k, [event(k, 3, "USAGOV", "RUSGOV", "043", quad=1, goldstein=2.8,
                          date="2015-03-02")], text="A corrected text.")
    result = store.write([new])
    assert (result.articles_written, result.events_written) == (1, 1)
    assert ids(store.events(source="USA", target="RUS", until="2015-12-31")) == ["kerry-lavrov-e3"]
    assert store.event("kerry-lavrov-e0") is None
    assert store.article(k)["text"] == "A corrected text."
    assert len(store.mentions(k)) == 2
    assert store.stats()["events"] == 5


def test_event_reported_by_two_articles_is_one_row_until_no_article_reports_it() -> None:
    def report(article_id: str, also: bool) -> CodedArticle:
        shared = event(article_id, 0, "USAGOV", "RUSGOV", "040", quad=1, goldstein=1.0,
                       date="2021-06-16", event_id="summit-2021")
        own = event(article_id, 1, "RUSGOV", "USAGOV", "010", quad=1, goldstein=0.0,
                    date="2021-06-16")
        return coded(article_id, [shared, own] if also else [own], text=f"{article_id} {also}")

    with Store(":memory:") as s:
        s.write([report("a", True), report("b", True)])
        assert s.stats()["event_mentions"] == 3
        assert s.count_events() == 2  # the two articles' own statements are one happening
        summit = s.event("summit-2021")
        assert summit["article_id"] == "b"  # the last report wins
        assert (summit["num_mentions"], summit["num_articles"]) == (2, 2)
        s.write([report("b", False)])
        assert s.event("summit-2021")["num_articles"] == 1  # article a still reports it
        s.write([report("a", False)])
        assert s.event("summit-2021") is None
        assert s.stats()["event_mentions"] == 2 and s.count_events() == 1


def test_bad_record_is_reported_and_the_rest_of_the_batch_is_written() -> None:
    bad = coded("bad", [event("bad", 0, "USAGOV", "RUSGOV", "042", quad=1, goldstein=1.9,
                              date="2015-02-30")])
    with Store(":memory:") as s:
        result = s.write([corpus()[0], bad])
        assert (result.articles_written, result.articles_skipped) == (1, 0)
        [problem] = result.problems
        assert problem.where == "in/bad.txt#bad" and "2015-02-30" in problem.reason
        assert s.problems()[0]["where"] == "in/bad.txt#bad"
        assert s.article("bad") is None


def test_wrongly_typed_record_rejects_the_whole_batch() -> None:
    first = corpus()[0]
    broken = dataclasses.replace(first.events[0], quad_class="one")
    with Store(":memory:") as s:
        with pytest.raises(StoreError, match="Nothing of the batch was stored"):
            s.write([corpus()[1], dataclasses.replace(first, events=(broken,))])
        assert s.stats()["articles"] == 0


def test_log_problem_keeps_where_reason_code_and_run(store: Store) -> None:
    store.log_problem(Problem("in/x.html", "binary file", "bad-input"), run_id="run-1")
    [row] = store.problems(run_id="run-1")
    assert (row["where"], row["reason"], row["code"]) == ("in/x.html", "binary file", "bad-input")
    assert row["at"] is not None
    assert store.stats()["problems"] == 1


# --- reading back ---


def test_events_round_trip_to_the_contract_dicts_including_nulls(store: Store) -> None:
    written = sorted(all_events(corpus()), key=lambda e: (e.event_date or "9999", e.id))
    assert [without(e, *MERGED) for e in store.events()] == [e.to_dict() for e in written]
    no_target = store.event("biden-un-e1")
    assert no_target["target"] is None and no_target["location"] is None
    assert no_target["issues"] == [] and no_target["event_date"] is None
    for e in written:
        assert without(store.event(e.id), *MERGED) == e.to_dict()
    assert store.event("nope") is None


@pytest.mark.parametrize("filters, expected", [
    ({}, ["kerry-lavrov-e0", "kerry-lavrov-e1", "biden-un-e0", "invasion-e0", "invasion-e1",
          "biden-un-e1"]),
    ({"source": "USA"}, ["kerry-lavrov-e0", "biden-un-e0", "invasion-e1", "biden-un-e1"]),
    ({"source": "USAGOV"}, ["kerry-lavrov-e0", "biden-un-e0", "invasion-e1"]),
    ({"source": "rus"}, ["kerry-lavrov-e1", "invasion-e0"]),
    ({"target": "RUS"}, ["kerry-lavrov-e0", "invasion-e1"]),
    ({"target": "IGO"}, ["biden-un-e0"]),
    ({"source": "USA", "target": "RUS"}, ["kerry-lavrov-e0", "invasion-e1"]),
    ({"root": "04"}, ["kerry-lavrov-e0"]),
    ({"root": "19"}, ["invasion-e0"]),
    ({"since": "2021-01-01"}, ["biden-un-e0", "invasion-e0", "invasion-e1"]),
    ({"until": "2015-12-31"}, ["kerry-lavrov-e0", "kerry-lavrov-e1"]),
    ({"since": "2022-02-24", "until": "2022-02-24"}, ["invasion-e0"]),
    ({"q": "sanctions"}, ["invasion-e1"]),
    ({"q": "MOSCOW"}, ["kerry-lavrov-e1", "invasion-e1"]),
    ({"q": "50%_"}, []),
])
def test_filters_select_the_right_events(store: Store, filters: dict[str, str],
                                          expected: list[str]) -> None:
    assert ids(store.events(**filters)) == expected
    assert store.count_events(**filters) == len(expected)


def test_limit_and_offset_page_through_the_ordered_events(store: Store) -> None:
    everything = ids(store.events())
    assert ids(store.events(limit=2)) == everything[:2]
    assert ids(store.events(limit=2, offset=2)) == everything[2:4]
    assert ids(store.events(offset=5)) == everything[5:]
    assert store.events(limit=0) == []


@pytest.mark.parametrize("filters, bad", [
    ({"root": "4"}, "'4'"), ({"root": "21"}, "'21'"), ({"root": 4}, "4"), ({"root": "ab"}, "ab"),
    ({"since": "2021-13-01"}, "2021-13-01"), ({"since": "yesterday"}, "yesterday"),
    ({"since": "20210101"}, "20210101"), ({"until": "2021/01/01"}, "2021/01/01"),
    ({"since": "2022-01-01", "until": "2021-01-01"}, "swap"),
    ({"source": "U S"}, "U S"), ({"target": ""}, "''"), ({"q": 5}, "5"),
    ({"limit": -1}, "-1"), ({"limit": "10"}, "'10'"), ({"offset": -2}, "-2"),
])
def test_bad_filter_values_raise_query_error_naming_the_value(
        store: Store, filters: dict[str, Any], bad: str) -> None:
    with pytest.raises(QueryError, match=bad.replace("/", ".")):
        store.events(**filters)


def test_article_and_articles_give_the_contract_dicts(store: Store) -> None:
    first = corpus()[0]
    assert store.article("kerry-lavrov") == {**first.article_dict(), "text": first.article.text}
    assert store.article("nope") is None
    listed = store.articles()
    assert [a["id"] for a in listed] == ["kerry-lavrov", "biden-un", "invasion"]
    assert "text" not in listed[0]
    assert listed[2]["published"] is None and listed[2]["n_events"] == 2
    assert [a["id"] for a in store.articles(limit=1, offset=1)] == ["biden-un"]


def test_mentions_keep_span_and_resolved_actor(store: Store) -> None:
    mentions = store.mentions("kerry-lavrov")
    assert len(mentions) == 4
    first = mentions[0]
    assert (first["text"], first["start"], first["end"]) == ("Usagov", 0, 6)
    assert (first["code"], first["country"], first["name"]) == ("USAGOV", "USA", "John Kerry")
    assert store.mentions("nope") == []


def test_stats_summarise_the_store(store: Store) -> None:
    assert store.stats() == {
        "articles": 3, "events": 6, "event_mentions": 6, "mentions": 11, "problems": 0,
        "first_event_date": "2015-02-27", "last_event_date": "2022-02-25",
        "top_dyads": [{"source": "USA", "target": "RUS", "events": 2},
                      {"source": "RUS", "target": "UKR", "events": 1},
                      {"source": "RUS", "target": "USA", "events": 1}],
        "by_root": {"01": 1, "03": 1, "04": 1, "11": 1, "16": 1, "19": 1},
        "schema_version": SCHEMA_VERSION,
    }


def test_quarterly_dyad_series_counts_both_directions(store: Store) -> None:
    series = store.quarterly_dyad_series("USA", "RUS")
    assert series == [
        {"period": "2015-Q1", "cooperation": 1, "conflict": 1, "goldstein": pytest.approx(-0.05)},
        {"period": "2022-Q1", "cooperation": 0, "conflict": 1, "goldstein": pytest.approx(-8.0)},
    ]
    assert store.quarterly_dyad_series("rus", "usa") == series
    with pytest.raises(QueryError, match="USAGOV"):
        store.quarterly_dyad_series("USAGOV", "RUS")


# --- exports ---


def read_export(path: Path, fmt: str) -> list[dict[str, Any]]:
    if fmt == "csv":
        with path.open(newline="") as f:
            return list(csv.DictReader(f))
    if fmt == "parquet":
        return pq.read_table(path).to_pylist()
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.mark.parametrize("fmt", ["csv", "parquet", "jsonl"])
def test_export_writes_every_filtered_event(store: Store, tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"events.{fmt}"
    assert store.export_events(path, fmt) == 6
    rows = read_export(path, fmt)
    assert [r["id"] for r in rows] == ids(store.events())
    assert store.export_events(path, fmt, source="USA", root="16") == 1
    assert [r["id"] for r in read_export(path, fmt)] == ["invasion-e1"]


def test_jsonl_export_is_the_event_contract(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    store.export_events(path, "jsonl")
    assert read_export(path, "jsonl") == [without(e, "mentions") for e in store.events()]


def test_flat_exports_flatten_actors_location_and_trigger(store: Store, tmp_path: Path) -> None:
    store.export_events(tmp_path / "e.csv", "csv", root="04")
    store.export_events(tmp_path / "e.parquet", "parquet", root="04")
    [row] = read_export(tmp_path / "e.csv", "csv")
    assert (row["source_code"], row["target_country"], row["location_name"]) == \
        ("USAGOV", "RUS", "Geneva")
    assert (row["trigger_text"], row["event_date"], row["issues"]) == \
        ("did", "2015-02-27", "UKRAINE")
    [prow] = read_export(tmp_path / "e.parquet", "parquet")
    assert prow["issues"] == ["UKRAINE"] and prow["location_lat"] == pytest.approx(46.2)


def test_export_rejects_unknown_format_and_missing_folder(store: Store, tmp_path: Path) -> None:
    with pytest.raises(QueryError, match="xlsx"):
        store.export_events(tmp_path / "e.xlsx", "xlsx")
    with pytest.raises(StoreError, match="folder exists"):
        store.export_events(tmp_path / "no" / "such" / "e.csv", "csv")


# --- durability: a killed ingest loses nothing committed and resumes cleanly ---

KILL_BATCHES, KILL_BATCH_SIZE = 30, 40


def kill_batch(i: int) -> list[CodedArticle]:
    """Batch i of a synthetic ingest; every article also reports one shared event."""
    batch = []
    for j in range(KILL_BATCH_SIZE):
        aid = f"k{i:02d}-{j:02d}"
        batch.append(coded(aid, [
            event(aid, 0, "USAGOV", "RUSGOV", "042", quad=1, goldstein=1.9, date="2021-06-16"),
            event(aid, 1, "RUSGOV", "USAGOV", "112", quad=3, goldstein=-2.0, date="2021-06-17"),
            event(aid, 2, "USAGOV", "RUSGOV", "040", quad=1, goldstein=1.0, date="2021-06-16",
                  event_id="summit-2021"),
        ]))
    return batch


KILL_CHILD = """
import sys
db, repo, tests, n = sys.argv[1:]
sys.path[:0] = [repo, tests]
from test_store import kill_batch
from detente.store import Store
with Store(db) as store:
    for i in range(int(n)):
        store.write(kill_batch(i))
        print(i, flush=True)
"""


def run_and_kill(db: Path, after: int) -> int:
    """Run an ingest in a child process, SIGKILL it after `after` commits; return commits seen."""
    args = [sys.executable, "-c", KILL_CHILD, str(db), str(REPO), str(REPO / "tests"),
            str(KILL_BATCHES)]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stderr is not None
        for _ in range(after):
            if not proc.stdout.readline():
                pytest.fail(f"ingest child died early: {proc.stderr.read()}")
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        return after + len(proc.stdout.read().split())
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


def test_killed_ingest_keeps_whole_batches_and_resumes_without_duplicates(tmp_path: Path) -> None:
    db = tmp_path / "ingest.duckdb"
    seen = run_and_kill(db, after=3)
    with Store(db) as s:
        stored = set(s.stored_hashes())
        batches = [sum(f"k{i:02d}-{j:02d}" in stored for j in range(KILL_BATCH_SIZE))
                   for i in range(KILL_BATCHES)]
        done = batches.count(KILL_BATCH_SIZE)
        assert batches == [KILL_BATCH_SIZE] * done + [0] * (KILL_BATCHES - done)
        assert seen <= done <= seen + 1  # a commit may land just before the kill
        assert s.stats()["event_mentions"] == done * KILL_BATCH_SIZE * 2 + 1
        results = [s.write(kill_batch(i)) for i in range(KILL_BATCHES)]
        assert sum(r.articles_skipped for r in results) == done * KILL_BATCH_SIZE
        assert sum(r.articles_written for r in results) == (KILL_BATCHES - done) * KILL_BATCH_SIZE
        assert s.stats()["articles"] == KILL_BATCHES * KILL_BATCH_SIZE
        assert s.stats()["event_mentions"] == KILL_BATCHES * KILL_BATCH_SIZE * 2 + 1
        assert len(set(ids(s.events()))) == s.count_events()
        # every article reports three events, one of them the shared summit
        assert sum(e["num_mentions"] for e in s.events()) == KILL_BATCHES * KILL_BATCH_SIZE * 3
