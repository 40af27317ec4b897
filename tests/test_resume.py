"""Re-ingesting never duplicates anything; a killed ingest resumes where it stopped.

How the resume test knows a batch was committed while the writer is still running: DuckDB
refuses a read-only open of a file another process holds for writing ("Could not set lock"),
and rich draws no progress on a non-terminal stderr until the end. So the test copies the
database file and its write-ahead log to a snapshot folder and opens the *copy* read-only;
DuckDB replays the copied log, which holds exactly the committed transactions. A copy taken
mid-write may be unreadable; the test then simply copies again.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import Optional

import pytest

from detente import service
from detente.errors import StoreError
from detente.store import Store

pytestmark = pytest.mark.slow

N_ARTICLES = 60
PEOPLE = [("Russian Foreign Minister Sergey Lavrov", "US Secretary of State Antony Blinken"),
          ("Russian President Vladimir Putin", "US President Joe Biden"),
          ("Chinese President Xi Jinping", "US President Joe Biden"),
          ("French President Emmanuel Macron", "German Chancellor Olaf Scholz")]
VERBS = ["met", "spoke by phone with", "criticized", "praised", "accused"]


def write_many(folder: Path, n: int = N_ARTICLES) -> Path:
    """n small dated articles, each with a few events."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        a, b = PEOPLE[i % len(PEOPLE)]
        (folder / f"talks-{i:02d}.txt").write_text(
            f"Geneva Talks Round {i}\nMarch {1 + i % 28}, 2021\n\n"
            f"{a} {VERBS[i % len(VERBS)]} {b} in Geneva on Friday. The two sides discussed "
            f"arms control and Ukraine for {i + 2} hours. Officials said further talks on "
            f"question {i} would follow next month.\n", encoding="utf-8")
    return folder


def counts(db: Path) -> dict:
    with Store(db, read_only=True) as store:
        s = store.stats()
    return {k: s[k] for k in ("articles", "events", "mentions")}


def event_ids(db: Path) -> set[str]:
    with Store(db, read_only=True) as store:
        return {e["id"] for e in store.events()}


def article_ids(db: Path) -> list[str]:
    with Store(db, read_only=True) as store:
        return [a["id"] for a in store.articles()]


def committed_articles(db: Path, snapshot: Path) -> Optional[int]:
    """Articles committed to ``db`` while another process writes it (see module docstring)."""
    if snapshot.exists():
        shutil.rmtree(snapshot)
    snapshot.mkdir()
    for f in db.parent.glob(db.name + "*"):
        try:
            shutil.copyfile(f, snapshot / f.name)
        except FileNotFoundError:  # the log vanished in a checkpoint
            return None
    if not (snapshot / db.name).exists():
        return None
    try:
        with Store(snapshot / db.name, read_only=True) as store:
            return int(store.stats()["articles"])
    except StoreError:
        return None


# --- idempotence (library) ------------------------------------------------------------------


def ingest(pipeline, db: Path, folder: Path) -> service.IngestReport:
    with Store(db) as store:
        return service.ingest(pipeline, store, [str(folder)], batch_size=4)


def test_ingesting_the_same_input_twice_stores_nothing_new(pipeline, corpus, tmp_path):
    db = tmp_path / "d.duckdb"
    first = ingest(pipeline, db, corpus)
    before, ids = counts(db), event_ids(db)
    second = ingest(pipeline, db, corpus)
    assert (first.articles_written, first.problems) == (6, [])
    assert (second.articles_written, second.articles_skipped, second.events_written) == (0, 6, 0)
    assert counts(db) == before and event_ids(db) == ids
    assert before["events"] > 0 and before["mentions"] > 0


def test_changing_one_article_recodes_only_that_article(pipeline, corpus, tmp_path):
    db = tmp_path / "d.duckdb"
    ingest(pipeline, db, corpus)
    with Store(db, read_only=True) as store:
        old = {e["id"]: e for e in store.events()}
    path = corpus / "sanctions.txt"
    path.write_text(path.read_text().replace("imposed sanctions on", "lifted sanctions on"))

    report = ingest(pipeline, db, corpus)

    assert (report.articles_written, report.articles_skipped) == (1, 5)
    with Store(db, read_only=True) as store:
        new = {e["id"]: e for e in store.events()}
        assert "lifted sanctions" in store.article("sanctions")["text"]
    others = {i: e for i, e in old.items() if e["article_id"] != "sanctions"}
    assert {i: e for i, e in new.items() if e["article_id"] != "sanctions"} == others
    assert not [e for e in new.values() if e["article_id"] == "sanctions" and e["cameo_root"] == "16"]
    assert [e for e in old.values() if e["article_id"] == "sanctions" and e["cameo_root"] == "16"]


# --- resume after SIGKILL (console script) --------------------------------------------------


def test_killed_ingest_resumes_and_ends_like_a_clean_run(detente, pipeline, tmp_path):
    folder = write_many(tmp_path / "many")
    db = tmp_path / "resumed.duckdb"
    proc = subprocess.Popen([detente.script, "ingest", "many", "--batch", "2", "--db", db.name],
                            cwd=tmp_path, env=detente.env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        seen = None
        while proc.poll() is None and time.monotonic() < deadline:
            seen = committed_articles(db, tmp_path / "snapshot")
            if seen:
                break
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, (
        f"ingest ended (exit {proc.returncode}) before a committed batch was seen ({seen})")
    partial = article_ids(db)
    assert 2 <= len(partial) < N_ARTICLES, "the kill should land between two batches"

    result = detente("ingest", "many", "--batch", "2", "--db", db.name, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"{len(partial)} unchanged article(s) skipped" in result.stderr

    clean = tmp_path / "clean.duckdb"
    with Store(clean) as store:
        service.ingest(pipeline, store, [str(folder)])
    resumed_ids = article_ids(db)
    assert len(resumed_ids) == len(set(resumed_ids)) == N_ARTICLES
    assert sorted(resumed_ids) == sorted(article_ids(clean))
    assert event_ids(db) == event_ids(clean) and event_ids(db)
    assert counts(db) == counts(clean)
