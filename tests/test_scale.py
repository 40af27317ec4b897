"""Scaling out (detente/scale, detente/store/parquet.py): worker processes, a Dask cluster
and a watched folder store the same rows as one process, id for id; retries and
re-runs never duplicate; bad records are reported and the rest goes on."""

from __future__ import annotations

import json
import shutil
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from detente.config import Settings
from detente.errors import DetenteError, StoreError
from detente.ingest import read_sources
from detente.scale.local import auto_workers, chunk_size
from detente.scale.watch import FolderWatcher, watch_folder
from detente.service import ingest
from detente.store import Store
from detente.store.parquet import open_dataset, read_shard, shard_paths, write_shard
from detente.types import (Actor, Article, CodedArticle, Event, Location, Mention, Problem, Quote,
                           Trigger)

BAD_LINE = "{not json\n"


# --- shards: coded articles <-> Parquet ----------------------------------------------------


def _coded(aid: str = "a1", text: str = "Lavrov met Blinken in Geneva.") -> CodedArticle:
    lavrov = Actor("Lavrov", 0, 6, "Sergey Lavrov", "RUSGOV", "RUS", "GOV",
                   "Minister of Foreign Affairs", "person:sergey-lavrov", basis="surname")
    blinken = Actor("Blinken", 11, 18, code="USAGOV", country="USA")
    article = Article(aid, text, path="x.jsonl", title="T", authors=("A B", "C D"),
                      published="2022-01-14", published_basis="inferred", content_hash="h1",
                      published_interval=("2021-01-20", "2023-01-01"))
    met = Event(f"{aid}-e1", aid, 0, text, lavrov, blinken, "040", "04", "CONSULT", "visit", 1, 1.0,
                "asserted", "2022-01-14", "day", "publication",
                Location("Geneva", "CHE", 46.2, 6.14), ("UKRAINE",), Trigger("met", 7, 10), 0.9,
                "detente-coder/0.1:meet.v")
    alone = Event(f"{aid}-e2", aid, 0, text, lavrov, None, "010", "01", None, None, 1, 0.0,
                  "planned", None, None, None, None, (), Trigger("met", 7, 10), 0.5, "c")
    quote = Quote(f"{aid}-q", aid, "We", 1, 3, None, "said", 0, None, speaker_text="a source",
                  spans=((1, 2), (2, 3)))
    return CodedArticle(article, 1, (met, alone), (Mention(0, 0, 1, 0, lavrov, "person:x"),),
                        (quote,))


def test_shard_gives_back_equal_coded_articles_and_problems(tmp_path):
    coded = [_coded("a1"), _coded("a2", "Blinken met Lavrov.")]
    problems = [Problem("x.jsonl:3", "malformed JSON", "bad-json")]
    path = write_shard(tmp_path, "part-000000-k.parquet", coded, problems)
    assert read_shard(path) == (coded, problems)


def test_rewriting_a_shard_replaces_it(tmp_path):
    write_shard(tmp_path, "part-000001-k.parquet", [_coded("a1")], [])
    write_shard(tmp_path, "part-000001-k.parquet", [_coded("a2")], [])
    assert [p.name for p in tmp_path.iterdir()] == ["part-000001-k.parquet"]  # no temp files
    assert [c.article.id for c in read_shard(tmp_path / "part-000001-k.parquet")[0]] == ["a2"]


def test_a_parquet_file_that_is_not_a_shard_is_refused(tmp_path):
    pq.write_table(pa.table({"x": [1]}), tmp_path / "part-000000-x.parquet")
    with pytest.raises(StoreError, match="not a detente shard"):
        read_shard(tmp_path / "part-000000-x.parquet")
    with pytest.raises(StoreError, match="does not exist"):
        shard_paths(tmp_path / "missing")


def test_dataset_loads_through_the_store_write_path(tmp_path):
    write_shard(tmp_path, "part-000000-a.parquet", [_coded("a1")], [Problem("f:1", "bad", "bad-json")])
    write_shard(tmp_path, "part-000001-b.parquet", [_coded("a2"), _coded("a1")], [])
    with open_dataset(tmp_path) as store:
        assert store.stats()["articles"] == 2
        stored = [e["id"] for aid in ("a1", "a2") for e in store.article_events(aid)]
        assert sorted(stored) == ["a1-e1", "a1-e2", "a2-e1", "a2-e2"]
        assert [p["reason"] for p in store.problems()] == ["bad"]


# --- sizing --------------------------------------------------------------------------------


def test_workers_default_to_cores_but_not_beyond_what_the_input_keeps_busy(monkeypatch):
    monkeypatch.setattr("os.cpu_count", lambda: 8)
    assert auto_workers(None, None) == 8
    assert auto_workers(None, 10_000) == 8
    assert auto_workers(None, 40) == 2
    assert auto_workers(None, 3) == 1
    assert auto_workers(3, 3) == 3  # asked for explicitly
    with pytest.raises(DetenteError, match="--workers"):
        auto_workers(0, None)
    assert chunk_size(2, 6) == 1 and chunk_size(2, 10_000) == 16 and chunk_size(2, None) == 16


def test_cluster_address_must_be_tcp_or_local():
    from detente.scale.dask import DaskSession, partitions

    for bad in ("somewhere:8786", "local:0", "local:x"):
        with pytest.raises(DetenteError, match="--cluster"):
            DaskSession(bad, Settings()).__enter__()
    arts = [Article(f"id{i}", "text", content_hash=f"h{i}") for i in range(5)]
    first, again = list(partitions(arts, 2)), list(partitions(arts, 2))
    assert [p.name for p in first] == [p.name for p in again] and len(first) == 3
    changed = list(partitions([Article("id0", "new", content_hash="other"), *arts[1:]], 2))
    assert changed[0].name != first[0].name and changed[1].name == first[1].name


# --- watch (a stand-in pipeline: idempotence is the store's, not the parser's) -------------


class FakePipeline:
    """Codes every article as one sentence, no events; counts what it was asked to parse."""

    settings = Settings()

    def __init__(self) -> None:
        self.parsed: list[str] = []

    def process(self, paths, *, stdin=None, on_problem=None, skip=None):
        for item in read_sources(paths, stdin=stdin):
            if isinstance(item, Problem):
                on_problem(item)
            elif not skip(item):
                self.parsed.append(item.id)
                yield CodedArticle(item, 1, ())


def _jsonl(path: Path, records: list[dict], extra: str = "") -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in records) + extra, encoding="utf-8")


def test_watch_ingests_new_and_changed_files_once(tmp_path):
    inbox, fake = tmp_path / "inbox", FakePipeline()
    inbox.mkdir()
    (inbox / "a.txt").write_text("Putin met Xi in Moscow.", encoding="utf-8")
    (inbox / ".partial.txt").write_text("hidden: not ours yet", encoding="utf-8")
    with Store(":memory:") as store:
        watch_folder(fake, store, inbox, once=True)
        assert [a["id"] for a in store.articles()] == ["a"] and fake.parsed == ["a"]
        watch_folder(fake, store, inbox, once=True)  # nothing new: nothing parsed
        assert fake.parsed == ["a"]
        _jsonl(inbox / "wire.jsonl", [{"id": "w1", "text": "Biden called Scholz."}], BAD_LINE)
        (inbox / "a.txt").write_text("Putin met Xi in Beijing.", encoding="utf-8")
        summary = watch_folder(fake, store, inbox, once=True)
        assert sorted(fake.parsed) == ["a", "a", "w1"]
        assert sorted(a["id"] for a in store.articles()) == ["a", "w1"]
        assert "Beijing" in store.article("a")["text"]
        problems = summary.rounds[0].report.problems
        assert [p.code for p in problems] == ["bad-json"] and problems[0].where.endswith("wire.jsonl:2")


def test_watch_waits_until_a_file_stops_changing(tmp_path):
    watcher = FolderWatcher(tmp_path)
    (tmp_path / "a.txt").write_text("first part", encoding="utf-8")
    assert watcher.poll() == []  # seen once: may still be written
    (tmp_path / "a.txt").write_text("first part, and the rest", encoding="utf-8")
    assert watcher.poll() == []  # changed since: still settling
    assert watcher.poll() == [str(tmp_path / "a.txt")]
    watcher.done([str(tmp_path / "a.txt")])
    assert watcher.poll() == []
    with pytest.raises(DetenteError, match="not a folder"):
        FolderWatcher(tmp_path / "a.txt")


def test_watch_loop_picks_up_a_file_that_appears_later(tmp_path):
    fake, stop, rounds = FakePipeline(), threading.Event(), []
    store = Store(":memory:")
    runner = threading.Thread(target=watch_folder, args=(fake, store, tmp_path),
                              kwargs=dict(interval=0.02, should_stop=stop.is_set, timeout=30,
                                          on_round=rounds.append))
    runner.start()
    try:
        time.sleep(0.1)
        (tmp_path / "late.txt").write_text("Macron visited Kyiv.", encoding="utf-8")
        deadline = time.monotonic() + 10
        while not rounds and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        stop.set()
        runner.join(10)
    assert [Path(f).name for r in rounds for f in r.files] == ["late.txt"]
    assert [a["id"] for a in store.articles()] == ["late"]
    store.close()


# --- the real pipeline: workers and a Dask cluster ----------------------------------------


@pytest.fixture(scope="module")
def scale_corpus(shared_corpus: Path, tmp_path_factory) -> Path:
    """The small shared corpus plus a malformed JSONL line (a bad record mid-file)."""
    folder = tmp_path_factory.mktemp("scale") / "articles"
    shutil.copytree(shared_corpus, folder)
    wire = folder / "wire.jsonl"
    lines = wire.read_text(encoding="utf-8").splitlines(keepends=True)
    wire.write_text(lines[0] + BAD_LINE + "".join(lines[1:]), encoding="utf-8")
    return folder


def _contents(store: Store) -> dict:
    """Everything stored that must not depend on how the work was split."""
    articles = store.articles()
    return {"events": store.events(), "articles": articles, "quotes": store.quotes(),
            "mentions_of_events": {a["id"]: store.article_events(a["id"]) for a in articles},
            "mentions": {a["id"]: store.mentions(a["id"]) for a in articles},
            "problems": sorted((p["where"], p["reason"]) for p in store.problems())}


@pytest.fixture(scope="module")
def single(pipeline, scale_corpus) -> dict:
    with Store(":memory:") as store:
        report = ingest(pipeline, store, [str(scale_corpus)])
        assert report.articles_written == 6
        return _contents(store)


@pytest.mark.slow
def test_two_local_workers_store_what_one_process_stores(scale_corpus, single):
    from detente.scale.local import LocalPool, ingest_local

    with Store(":memory:") as store, LocalPool(2, Settings()) as pool:
        report = ingest_local(store, [str(scale_corpus)], pool, chunk=1)
        assert len(pool.chunks_by_pid) == 2  # both workers coded something
        rss = pool.peak_rss_mb()
        parallel = _contents(store)
    assert report.articles_written == 6
    assert [(p.code, p.where.rsplit("/", 1)[1]) for p in report.problems] == [("bad-json", "wire.jsonl:2")]
    assert parallel == single
    assert len(single["events"]) >= 5
    assert all(mb is None or mb > 100 for mb in rss.values())


@pytest.mark.slow
def test_ingest_with_two_workers_from_the_command_line(detente, scale_corpus, single, tmp_path):
    result = detente("ingest", scale_corpus, "--workers", "2", "--db", "w.duckdb", cwd=tmp_path,
                     timeout=300)
    assert result.returncode == 3, result.stderr  # finished, one record skipped
    assert "wire.jsonl:2" in result.stderr and "malformed JSON" in result.stderr
    assert "stored 6 article(s)" in result.stderr
    again = detente("ingest", scale_corpus, "--workers", "2", "--db", "w.duckdb", cwd=tmp_path)
    assert "stored 0 article(s)" in again.stderr and "6 unchanged" in again.stderr
    with Store(tmp_path / "w.duckdb", read_only=True) as store:
        assert [e["id"] for e in store.events()] == [e["id"] for e in single["events"]]


def test_watch_command_refuses_a_missing_folder(detente, tmp_path):
    result = detente("watch", "nowhere", "--once", cwd=tmp_path)
    assert result.returncode == 1 and "not a folder" in result.stderr


def test_no_merge_needs_a_cluster(detente, tmp_path):
    (tmp_path / "a.txt").write_text("Putin met Xi.", encoding="utf-8")
    result = detente("ingest", "a.txt", "--no-merge", cwd=tmp_path)
    assert result.returncode == 1 and "--cluster" in result.stderr


@pytest.fixture(scope="module")
def cluster():
    from detente.scale.dask import DaskSession

    with DaskSession("local:2", Settings()) as session:
        yield session


@pytest.mark.slow
def test_dask_cluster_stores_what_one_process_stores(cluster, scale_corpus, single, tmp_path):
    from detente.scale.dask import ingest_dask

    assert cluster.workers == 2
    with Store(":memory:") as store:
        report = ingest_dask(cluster, [str(scale_corpus)], store=store, shards=tmp_path / "shards",
                             partition_size=1)
        assert _contents(store) == single
    assert report.articles_written == 6 and [p.code for p in report.problems] == ["bad-json"]
    assert not (tmp_path / "shards").exists()  # merged, then removed


@dataclass(frozen=True)
class FailFirstAttempt:
    """A task wrapper whose first attempt on one partition writes the shard, then fails."""

    flags: str
    seq: int

    def __call__(self, part, settings, shards):
        from detente.scale.dask import code_partition

        result = code_partition(part, settings, shards)
        flag = Path(self.flags) / part.name
        if part.seq == self.seq and not flag.exists():
            flag.write_text("failed once", encoding="utf-8")
            raise RuntimeError("the first attempt dies after writing its shard")
        return result


@pytest.mark.slow
def test_a_failed_partition_is_retried_and_nothing_is_duplicated(cluster, scale_corpus, single,
                                                                 tmp_path):
    import cloudpickle

    from detente.scale.dask import ingest_dask

    flags = tmp_path / "flags"
    flags.mkdir()
    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers cannot import tests
    try:
        with Store(":memory:") as store:
            ingest_dask(cluster, [str(scale_corpus)], store=store, shards=tmp_path / "shards",
                        partition_size=2, keep_shards=True, task=FailFirstAttempt(str(flags), 1))
            assert _contents(store) == single
            assert store.stats()["articles"] == 6
    finally:
        cloudpickle.unregister_pickle_by_value(sys.modules[__name__])
    assert len(list(flags.iterdir())) == 1  # the failure did happen
    names = sorted(p.name for p in (tmp_path / "shards").iterdir())
    assert len(names) == 3 and all(n.startswith("part-") and n.endswith(".parquet") for n in names)
    assert sum(len(read_shard(tmp_path / "shards" / n)[0]) for n in names) == 6


@pytest.mark.slow
def test_dataset_left_by_the_cluster_is_queried_by_events_parquet(cluster, scale_corpus, single,
                                                                  tmp_path, detente):
    from detente.scale.dask import ingest_dask

    shards = tmp_path / "dataset"
    first = ingest_dask(cluster, [str(scale_corpus)], store=None, shards=shards, partition_size=4)
    again = ingest_dask(cluster, [str(scale_corpus)], store=None, shards=shards, partition_size=4)
    assert (first.articles_written, again.articles_written, again.articles_skipped) == (6, 0, 6)
    result = detente("events", "--parquet", shards, "--format", "jsonl", "--limit", "0", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    ids = [json.loads(line)["id"] for line in result.stdout.splitlines()]
    assert ids == [e["id"] for e in single["events"]]
