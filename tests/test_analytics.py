"""Relations over time, turning points, actors, issues, network and exports (detente.analytics)."""

from __future__ import annotations

import csv
import dataclasses
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Optional

import pyarrow.parquet as pq
import pytest
from test_store import coded, event

from detente import analytics
from detente.errors import QueryError
from detente.store import Store
from detente.types import CodedArticle

COOP = ("042", 1, 1.9)  # make a visit: verbal cooperation
AID = ("070", 2, 7.0)  # provide aid: material cooperation
ATTACK = ("190", 4, -10.0)  # use conventional force
STATEMENT = ("010", 1, 0.0)


def art(aid: str, source: str, target: str, kind: tuple, date: Optional[str], *,
        issues: tuple[str, ...] = (), modality: str = "asserted", outlet: str = "Wire") -> CodedArticle:
    code, quad, goldstein = kind
    e = dataclasses.replace(event(aid, 0, source, target, code, quad=quad, goldstein=goldstein,
                                  date=date, issues=issues), modality=modality)
    c = coded(aid, [e], text=f"{aid} {source} {code} {target} {date} {modality}")
    return dataclasses.replace(c, article=dataclasses.replace(c.article, outlet=outlet))


def warm_then_cold() -> list[CodedArticle]:
    """Six months of US visits to Russia, then six months of Russian attacks on the US."""
    batch = []
    for m in range(1, 13):
        for k in range(2):
            day = f"2021-{m:02d}-{5 + 10 * k:02d}"
            if m <= 6:
                batch.append(art(f"w{m}-{k}", "USAGOV", "RUSGOV", COOP, day, issues=("UKRAINE",)))
            else:
                batch.append(art(f"c{m}-{k}", "RUSMIL", "USAMIL", ATTACK, day, issues=("CYBER",)))
    return batch


@pytest.fixture
def store():
    with Store(":memory:") as s:
        s.write(warm_then_cold())
        yield s


def test_monthly_series_counts_each_direction_and_both(store) -> None:
    rel = analytics.relations(store, "USA", "RUS", by="month")
    both = rel.rows("both")
    assert [p.period for p in both] == [f"2021-{m:02d}" for m in range(1, 13)]
    assert all(p.events == 2 for p in both)
    assert [p.index for p in both] == [1.0] * 6 + [-1.0] * 6
    assert [p.period for p in rel.rows("a_to_b")] == [f"2021-{m:02d}" for m in range(1, 7)]
    assert all(p.material_conflict == 2 and p.goldstein_mean == -10.0 for p in rel.rows("b_to_a"))
    assert both[0].top_issues == ("UKRAINE",) and both[-1].top_issues == ("CYBER",)
    assert analytics.relations(store, "rus", "usa").rows("a_to_b")[0].period == "2021-07"


def test_the_turn_from_visits_to_attacks_is_a_chill_with_its_events(store) -> None:
    [tp] = analytics.relations(store, "USA", "RUS").turning_points
    assert (tp.period, tp.kind, tp.before, tp.after) == ("2021-07", "chill", 1.0, -1.0)
    assert set(tp.events) == {"c7-0-e0", "c7-1-e0"}


def test_a_steady_series_has_no_turning_point() -> None:
    with Store(":memory:") as s:
        s.write([art(f"s{m}", "USAGOV", "RUSGOV", COOP, f"2021-{m:02d}-10") for m in range(1, 13)])
        assert analytics.relations(s, "USA", "RUS").turning_points == ()


def test_one_happening_reported_three_times_counts_once(store) -> None:
    store.write([art(f"dup{i}", "USAGOV", "RUSGOV", AID, "2022-03-01", outlet=f"o{i}")
                 for i in range(3)])
    [p] = analytics.relations(store, "USA", "RUS", since="2022-01-01").rows("both")
    assert (p.events, p.articles, p.material_coop) == (1, 3, 1)


def test_only_asserted_events_count_unless_asked(store) -> None:
    store.write([art("plan", "USAGOV", "RUSGOV", COOP, "2022-05-01", modality="planned")])
    assert analytics.relations(store, "USA", "RUS", since="2022-01-01").rows("both") == []
    rows = analytics.relations(store, "USA", "RUS", since="2022-01-01",
                               modalities=("asserted", "planned")).rows("both")
    assert [p.events for p in rows] == [1]


@pytest.mark.parametrize("by, labels", [
    ("quarter", ["2021-Q1", "2021-Q2", "2021-Q3", "2021-Q4"]),
    ("year", ["2021"]),
    ("week", None),
])
def test_periods_are_labelled_by_their_kind(store, by: str, labels) -> None:
    got = [p.period for p in analytics.relations(store, "USA", "RUS", by=by).rows("both")]
    if labels is None:
        assert got[0] == "2021-W01" and len(got) == 24  # 5th and 15th: two ISO weeks a month
    else:
        assert got == labels


def test_since_and_until_bound_the_series(store) -> None:
    rows = analytics.relations(store, "USA", "RUS", since="2021-03-01", until="2021-04-30").rows("both")
    assert [p.period for p in rows] == ["2021-03", "2021-04"]


@pytest.mark.parametrize("kwargs, message", [
    ({"by": "fortnight"}, "by must be one of"),
    ({"b": "USA"}, "same country"),
    ({"a": "US1"}, "a"),
    ({"since": "2021-05-01", "until": "2021-01-01"}, "swap them"),
    ({"since": "last tuesday"}, "since"),
    ({"modalities": ("rumoured",)}, "modalities"),
])
def test_bad_relations_queries_name_the_parameter(store, kwargs: dict, message: str) -> None:
    args = {"a": "USA", "b": "RUS", **kwargs}
    with pytest.raises(QueryError, match=message):
        analytics.relations(store, args.pop("a"), args.pop("b"), **args)


def test_top_actors_actor_page_issues_and_network(store) -> None:
    top = analytics.top_actors(store, limit=10)
    assert {t["code"] for t in top} == {"USAGOV", "RUSGOV", "RUSMIL", "USAMIL"}
    assert all(t["events"] == 12 for t in top)
    assert [t["code"] for t in analytics.top_actors(store, role="source", limit=2)] != []
    lavrov = analytics.actor(store, "Q80498")  # the knowledge-base id of RUSGOV in test_store
    assert lavrov["events"] == 12 and lavrov["as_target"] == 12
    assert lavrov["partners"] == [{"country": "USA", "events": 12, "goldstein_mean": 1.9}]
    assert lavrov["roles"][0]["role"] == "Minister of Foreign Affairs"
    assert analytics.actor(store, "nobody") is None
    issues = analytics.issues_over_time(store, by="quarter")
    assert {(i["period"], i["issue"], i["events"]) for i in issues} == {
        ("2021-Q1", "UKRAINE", 6), ("2021-Q2", "UKRAINE", 6),
        ("2021-Q3", "CYBER", 6), ("2021-Q4", "CYBER", 6)}
    net = analytics.network(store)
    assert {(e["source"], e["target"], e["events"]) for e in net["edges"]} == {
        ("USA", "RUS", 12), ("RUS", "USA", 12)}
    assert analytics.network(store, min_events=13)["edges"] == []


def test_gdelt_export_has_their_61_columns_then_ours(store, tmp_path: Path) -> None:
    path = tmp_path / "events.tsv"
    assert analytics.export(store, "gdelt", path, header=True) == {str(path): 24}
    rows = list(csv.reader(path.open(encoding="utf-8"), delimiter="\t"))
    header, first = rows[0], dict(zip(rows[0], rows[1]))
    assert header[:61] == analytics.GDELT_COLUMNS and len(header) == 61 + 13
    assert header[0] == "GLOBALEVENTID" and header[60] == "SOURCEURL"
    assert (first["SQLDATE"], first["MonthYear"], first["Year"]) == ("20210105", "202101", "2021")
    assert (first["Actor1Code"], first["Actor2CountryCode"], first["EventRootCode"]) == \
        ("USAGOV", "RUS", "04")
    assert (first["QuadClass"], first["NumArticles"], first["detente_id"]) == ("1", "1", "w1-0-e0")
    assert all(len(r) == 74 for r in rows)
    ids = [r[0] for r in rows[1:]]
    assert len(set(ids)) == len(ids) and all(i.isdigit() for i in ids)


def test_plover_json_and_parquet_of_everything(store, tmp_path: Path) -> None:
    analytics.export(store, "plover", tmp_path / "p.jsonl", since="2021-07-01")
    records = [json.loads(line) for line in (tmp_path / "p.jsonl").read_text().splitlines()]
    assert len(records) == 12
    r = records[0]
    assert (r["event_date"], r["cameo"], r["quad_code"]) == ("2021-07-05", "190", 4)
    assert (r["actor"]["code"], r["recipient"]["country"], r["recipient"]["sector"]) == \
        ("RUSMIL", "USA", "MIL")
    assert r["story_ids"] == [r["story_id"]] and r["contexts"] == ["CYBER"]
    written = analytics.export(store, "parquet", tmp_path / "all")
    assert written[str(tmp_path / "all" / "happenings.parquet")] == 24
    assert pq.read_table(tmp_path / "all" / "events.parquet").num_rows == 24
    with pytest.raises(QueryError, match="every table whole"):
        analytics.export(store, "parquet", tmp_path / "x", since="2021-01-01")
    with pytest.raises(QueryError, match="gdelt, plover, parquet"):
        analytics.export(store, "xlsx", tmp_path / "x")


@pytest.fixture
def store_file(tmp_path: Path) -> Path:
    path = tmp_path / "a.duckdb"
    with Store(path) as s:
        s.write(warm_then_cold())
    return path


def test_cli_relations_plot_network_export(detente, store_file: Path) -> None:
    cwd, db = store_file.parent, store_file.name
    result = detente("relations", "USA", "RUS", "--db", db, "--by", "quarter", "-f", "csv",
                     "--plot", "r.png", cwd=cwd)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(result.stdout.splitlines()))
    assert {(r["period"], r["direction"]) for r in rows} >= {("2021-Q1", "a_to_b"), ("2021-Q3", "b_to_a")}
    assert (cwd / "r.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    table = detente("relations", "USA", "RUS", "--db", db, cwd=cwd)
    assert "chill from 2021-07" in table.stdout
    graph = detente("network", "--db", db, "-f", "graphml", cwd=cwd)
    assert len(ET.fromstring(graph.stdout).findall(".//{http://graphml.graphdrawing.org/xmlns}edge")) == 2
    assert detente("export", "gdelt", "g.tsv", "--db", db, cwd=cwd).returncode == 0
    assert len((cwd / "g.tsv").read_text().splitlines()) == 24
    top = detente("actors", "top", "--db", db, "-f", "jsonl", cwd=cwd)
    assert len(top.stdout.splitlines()) == 4
    bad = detente("relations", "USA", "USA", "--db", db, cwd=cwd)
    assert bad.returncode == 2 and "same country" in bad.stderr


def _best_by_brute_force(y, penalty: float, min_size: int) -> float:
    """The optimal penalised least-squares objective over every admissible set of cuts."""
    import itertools

    import numpy as np

    def objective(cuts) -> float:
        bounds = [0, *cuts, len(y)]
        if any(b - a < min_size for a, b in zip(bounds, bounds[1:])):
            return np.inf
        return sum(((y[a:b] - y[a:b].mean()) ** 2).sum() for a, b in zip(bounds, bounds[1:])) \
            + penalty * len(cuts)
    return min(objective(c) for k in range(len(y)) for c in itertools.combinations(range(1, len(y)), k))


@pytest.mark.parametrize("seed", range(12))
def test_pelt_finds_the_optimal_segmentation(seed: int) -> None:
    import numpy as np

    from detente.analytics.turning import pelt

    rng = np.random.default_rng(seed)
    y = np.concatenate([rng.normal(rng.uniform(-1, 1), 0.2, int(rng.integers(2, 5)))
                        for _ in range(int(rng.integers(1, 4)))])
    penalty, min_size = float(rng.uniform(0.05, 0.8)), int(rng.integers(1, 3))
    cuts = pelt(y, penalty, min_size)
    bounds = [0, *cuts, len(y)]
    assert all(b - a >= min_size for a, b in zip(bounds, bounds[1:]))
    got = sum(((y[a:b] - y[a:b].mean()) ** 2).sum() for a, b in zip(bounds, bounds[1:])) \
        + penalty * len(cuts)
    assert got == pytest.approx(_best_by_brute_force(y, penalty, min_size))
