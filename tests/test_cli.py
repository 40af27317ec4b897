"""The console script, run as a user runs it: real entry point, subprocess, cwd in tmp_path."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from detente import __version__
from detente.store import Store

STDIN_ARTICLE = ("Talks in Geneva\nJune 16, 2021\n\n"
                 "President Joe Biden met President Vladimir Putin in Geneva on Wednesday.\n")


def jsonl(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def test_version_prints_the_package_version(detente, tmp_path):
    result = detente("--version", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"detente {__version__}"


# --- extract --------------------------------------------------------------------------------


@pytest.mark.slow
def test_extract_reads_text_jsonl_csv_and_stdin_in_one_batch(detente, corpus):
    """One run (the model loads once); each input kind has its own article ids."""
    result = detente("extract", "articles/geneva-talks.txt", "articles/wire.jsonl",
                     "articles/desk.csv", "-", cwd=corpus.parent, input=STDIN_ARTICLE)
    assert result.returncode == 0, result.stderr
    ids = {e["article_id"] for e in jsonl(result.stdout)}
    assert "geneva-talks" in ids, "a .txt file is named after its file name"
    assert {"summit-2021", "threat-2021"} <= ids, "JSONL records keep their ids"
    assert "uk-russia" in ids, "CSV records keep their ids"
    assert "stdin" in ids, "text on stdin is read"
    assert ids == {"geneva-talks", "summit-2021", "threat-2021", "uk-russia", "stdin"}


@pytest.mark.slow
def test_extract_walks_a_folder_and_prints_a_table(detente, corpus, corpus_ids):
    result = detente("extract", "--format", "table", "articles", cwd=corpus.parent)
    assert result.returncode == 0, result.stderr
    for header in ("date", "source", "target", "cameo", "plover", "modality", "trigger", "article"):
        assert header in result.stdout
    for article_id in corpus_ids:
        assert article_id in result.stdout
    assert "RUSGOV" in result.stdout and "2021-12-31" in result.stdout and "CONSULT" in result.stdout


# --- ingest, then query the store -----------------------------------------------------------


@pytest.fixture(scope="module")
def store_db(detente, shared_corpus, tmp_path_factory) -> Path:
    """The small corpus ingested once into a store in its own folder."""
    folder = tmp_path_factory.mktemp("store")
    result = detente("ingest", shared_corpus, "--db", "events.duckdb", cwd=folder)
    assert result.returncode == 0, result.stderr
    assert "stored 6 article(s)" in result.stderr
    return folder / "events.duckdb"


@pytest.fixture(scope="module")
def stored(store_db) -> list[dict]:
    with Store(store_db, read_only=True) as store:
        return store.events()


def query(detente, store_db: Path, *args: str):
    return detente("events", "--db", store_db.name, *args, cwd=store_db.parent)


@pytest.mark.slow
def test_ingest_stores_every_article_and_its_events(store_db, stored, corpus_ids):
    with Store(store_db, read_only=True) as store:
        assert {a["id"] for a in store.articles()} == corpus_ids
        assert store.stats()["events"] == len(stored) > 0


@pytest.mark.slow
def test_events_jsonl_gives_every_stored_event(detente, store_db, stored):
    result = query(detente, store_db, "--format", "jsonl", "--limit", "0")
    assert result.returncode == 0, result.stderr
    assert jsonl(result.stdout) == stored


@pytest.mark.slow
def test_events_csv_has_a_header_and_one_row_per_event(detente, store_db, stored):
    """Events with and without a location or a target share one header."""
    assert any(e["location"] for e in stored) and any(e["location"] is None for e in stored)
    result = query(detente, store_db, "--format", "csv", "--limit", "0")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["id"] for r in rows] == [e["id"] for e in stored]
    for column in ("source_code", "target_code", "location_name", "trigger_text", "issues"):
        assert column in rows[0]
    geneva = [r for r in rows if r["location_name"]]
    assert geneva and all(r["location_name"] == "Geneva" for r in geneva)


@pytest.mark.slow
def test_events_table_lists_the_stored_events(detente, store_db):
    result = query(detente, store_db)
    assert result.returncode == 0, result.stderr
    assert "cameo" in result.stdout and "040" in result.stdout and "RUSGOV" in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize("args", [["--format", "parquet"], []], ids=["format-given", "from-suffix"])
def test_events_parquet_export_is_readable_with_one_row_per_event(detente, store_db, stored, args):
    out = store_db.parent / f"out-{len(args)}.parquet"
    result = query(detente, store_db, "-o", out.name, *args)
    assert result.returncode == 0, result.stderr
    assert f"wrote {len(stored)} event(s)" in result.stderr
    table = pq.read_table(out)
    assert table.num_rows == len(stored)
    assert sorted(table.column("id").to_pylist()) == sorted(e["id"] for e in stored)
    assert {"source_code", "target_code", "cameo", "event_date"} <= set(table.column_names)


@pytest.mark.slow
def test_events_filter_by_source_and_target_country(detente, store_db, stored):
    result = query(detente, store_db, "--source", "USA", "--target", "RUS", "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    events = jsonl(result.stdout)
    assert events
    assert all(e["source"]["country"] == "USA" and e["target"]["country"] == "RUS" for e in events)
    assert {e["id"] for e in events} == {e["id"] for e in stored if e["source"]["country"] == "USA"
                                         and (e["target"] or {}).get("country") == "RUS"}


@pytest.mark.slow
def test_events_filter_by_cameo_root(detente, store_db, stored):
    result = query(detente, store_db, "--root", "04", "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    events = jsonl(result.stdout)
    assert events and all(e["cameo_root"] == "04" for e in events)
    assert len(events) == sum(e["cameo_root"] == "04" for e in stored) < len(stored)


@pytest.mark.slow
@pytest.mark.parametrize("args, bad", [
    (["--root", "x"], "'x'"),
    (["--root", "4"], "'4'"),
    (["--since", "2020-13-01"], "2020-13-01"),
    (["--until", "yesterday"], "yesterday"),
    (["--source", "U S A"], "U S A"),
])
def test_bad_filter_is_a_usage_error_naming_the_value(detente, store_db, args, bad):
    result = query(detente, store_db, *args)
    assert result.returncode == 2
    assert bad in result.stderr and "[bad-query]" in result.stderr
    assert result.stdout == ""


@pytest.mark.slow
def test_events_without_a_database_says_to_ingest_first(detente, tmp_path):
    result = detente("events", "--db", "none.duckdb", cwd=tmp_path)
    assert result.returncode not in (0, 2, 3)
    assert "none.duckdb" in result.stderr and "detente ingest" in result.stderr
    assert not (tmp_path / "none.duckdb").exists()


@pytest.mark.slow
def test_stats_prints_counts_and_top_dyads(detente, store_db, stored):
    result = detente("stats", "--db", store_db.name, cwd=store_db.parent)
    assert result.returncode == 0, result.stderr
    assert f"articles 6, events {len(stored)} (from " in result.stdout
    assert "top dyads" in result.stdout and "USA" in result.stdout and "RUS" in result.stdout


@pytest.mark.slow
def test_stats_json_is_machine_readable(detente, store_db, stored):
    result = detente("stats", "--db", store_db.name, "--json", cwd=store_db.parent)
    assert result.returncode == 0, result.stderr
    s = json.loads(result.stdout)
    assert (s["articles"], s["events"], s["problems"]) == (6, len(stored), 0)
    assert {"source": "USA", "target": "RUS", "events": s["top_dyads"][0]["events"]} in s["top_dyads"]


# --- demo -----------------------------------------------------------------------------------


@pytest.mark.slow
def test_demo_shows_us_russia_relations_and_running_it_again_stores_nothing_new(detente, tmp_path):
    first = detente("demo", "--db", "demo.duckdb", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "US–Russia" in first.stdout and "top dyads" in first.stdout
    chart = [line for line in first.stdout.splitlines() if re.match(r"^\d{4}-Q[1-4] ", line)]
    assert chart and all("coop" in line and "conflict" in line for line in chart)
    with Store(tmp_path / "demo.duckdb", read_only=True) as store:
        before = store.stats()
    assert before["articles"] > 0 and before["events"] > 0

    second = detente("demo", "--db", "demo.duckdb", cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "0 new article(s)" in second.stdout
    with Store(tmp_path / "demo.duckdb", read_only=True) as store:
        after = store.stats()
    assert after == before


# --- bad input in a batch -------------------------------------------------------------------

BAD_INPUTS = {  # file name -> (content, what stderr must say about it)
    "binary.txt": (b"\x00\x01\x02\x03PK\x00\x00binary", "[binary]"),
    "legacy.txt": ("Москва и Вашингтон провели переговоры в Женеве.".encode("cp1251"), "[undecodable]"),
    "empty.txt": (b"", "[empty]"),
}
GOOD_RECORD = {"id": "good-record", "date": "2021-06-16",
               "text": "President Joe Biden met President Vladimir Putin in Geneva."}


@pytest.fixture
def bad_batch(corpus) -> Path:
    """A folder with one good text article, three bad files and a JSONL file with one bad line."""
    folder = corpus.parent / "batch"
    folder.mkdir()
    (folder / "geneva-talks.txt").write_text((corpus / "geneva-talks.txt").read_text())
    for name, (content, _) in BAD_INPUTS.items():
        (folder / name).write_bytes(content)
    (folder / "wire.jsonl").write_text(json.dumps(GOOD_RECORD) + "\n{not json\n")
    return folder


def assert_each_problem_is_named(stderr: str) -> None:
    lines = stderr.splitlines()

    def said(name: str, reason: str) -> bool:
        return any(name in line and reason in line for line in lines)

    for name, (_, code) in BAD_INPUTS.items():
        assert said(f"batch/{name}", code), f"no line names batch/{name} with {code}:\n{stderr}"
    assert said("batch/wire.jsonl:2", "malformed JSON"), stderr
    assert said("nowhere.txt", "no such file"), stderr
    assert "5 record(s) skipped" in stderr


@pytest.mark.slow
def test_extract_reports_each_bad_record_and_codes_the_rest(detente, bad_batch):
    result = detente("extract", "batch", "nowhere.txt", cwd=bad_batch.parent)
    assert result.returncode == 3
    assert_each_problem_is_named(result.stderr)
    assert {e["article_id"] for e in jsonl(result.stdout)} == {"geneva-talks", "good-record"}


@pytest.mark.slow
def test_ingest_reports_each_bad_record_and_stores_the_rest(detente, bad_batch):
    result = detente("ingest", "batch", "nowhere.txt", "--db", "d.duckdb", cwd=bad_batch.parent)
    assert result.returncode == 3
    assert_each_problem_is_named(result.stderr)
    with Store(bad_batch.parent / "d.duckdb", read_only=True) as store:
        assert {a["id"] for a in store.articles()} == {"geneva-talks", "good-record"}
        assert {e["article_id"] for e in store.events()} == {"geneva-talks", "good-record"}
        assert len(store.problems()) == 5
