"""One event per happening: the cross-article merge (detente/store/merge.py)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Optional

import pytest
from test_store import GENEVA, coded, event

from detente.errors import StoreError
from detente.store import Store
from detente.types import CodedArticle, Location

MOSCOW = Location(name="Moscow", country="RUS", lat=55.75, lon=37.6)


def report(aid: str, source: str, target: Optional[str], cameo: str, date: Optional[str], *,
           outlet: str = "Example News", location: Optional[Location] = None,
           modality: str = "asserted", confidence: float = 0.8, basis: str = "relative",
           quad: int = 1, goldstein: float = 1.0) -> CodedArticle:
    """One article reporting one event."""
    e = dataclasses.replace(
        event(aid, 0, source, target, cameo, quad=quad, goldstein=goldstein, date=date,
              location=location),
        modality=modality, confidence=confidence, date_basis=basis if date else None)
    c = coded(aid, [e], text=f"{aid}: {source} {cameo} {target} {date}")
    return dataclasses.replace(c, article=dataclasses.replace(c.article, outlet=outlet))


def happenings(store: Store) -> list[tuple[str, int, int, int, tuple[str, ...]]]:
    """(id, mentions, articles, sources, sorted mention article ids) per happening."""
    return sorted((e["id"], e["num_mentions"], e["num_articles"], e["num_sources"],
                   tuple(sorted(m["article_id"] for m in e["mentions"]))) for e in store.events())


def stored(batch: list[CodedArticle]) -> Store:
    s = Store(":memory:")
    s.write(batch)
    return s


def test_reports_of_one_call_in_three_articles_are_one_event_with_counts() -> None:
    batch = [report("a", "USAGOV", "RUSGOV", "042", "2021-12-30", outlet="Reuters"),
             report("b", "USA", "RUS", "042", "2021-12-31", outlet="AP"),
             report("c", "RUSGOV", "USAGOV", "040", "2021-12-30", outlet="Reuters")]
    with stored(batch) as s:
        [(hid, mentions, articles, sources, aids)] = happenings(s)
        assert (mentions, articles, sources, aids) == (3, 3, 2, ("a", "b", "c"))
        assert s.stats()["event_mentions"] == 3 and s.count_events() == 1
        for mention_id in ("a-e0", "b-e0", "c-e0"):  # every mention finds its happening
            assert s.event(mention_id)["id"] == hid


@pytest.mark.parametrize("other, why", [
    (report("b", "USAGOV", "RUSGOV", "042", "2022-01-05"), "more than two days later"),
    (report("b", "USAGOV", "RUSGOV", "042", "2021-12-30", location=MOSCOW), "another place"),
    (report("b", "USAGOV", "RUSGOV", "042", "2021-12-30", modality="planned"), "planned, not held"),
    (report("b", "USAGOV", "CHNGOV", "042", "2021-12-30"), "another dyad"),
    (report("b", "USAGOV", "RUSGOV", "112", "2021-12-30", quad=3, goldstein=-2), "another root"),
])
def test_mentions_that_differ_in_what_matters_stay_apart(other: CodedArticle, why: str) -> None:
    first = report("a", "USAGOV", "RUSGOV", "042", "2021-12-30", location=GENEVA)
    with stored([first, other]) as s:
        assert s.count_events() == 2, why


def test_direction_matters_except_for_things_done_together() -> None:
    met = [report("a", "USAGOV", "RUSGOV", "040", "2021-06-16"),
           report("b", "RUSGOV", "USAGOV", "040", "2021-06-16")]
    accused = [report("c", "USAGOV", "RUSGOV", "112", "2021-06-16", quad=3, goldstein=-2),
               report("d", "RUSGOV", "USAGOV", "112", "2021-06-16", quad=3, goldstein=-2)]
    with stored(met + accused) as s:
        assert s.count_events() == 3  # one meeting, two accusations


def test_domestic_events_merge_by_actor_code_not_by_country() -> None:
    batch = [report("a", "USACOP", "USAOPP", "173", "2020-06-01", quad=4, goldstein=-5),
             report("b", "USAJUD", "USAGOV", "173", "2020-06-01", quad=4, goldstein=-5),
             report("c", "USACOP", "USAOPP", "173", "2020-06-02", quad=4, goldstein=-5)]
    with stored(batch) as s:
        assert sorted(e["num_articles"] for e in s.events()) == [1, 2]


def test_a_daily_campaign_is_cut_into_short_happenings() -> None:
    days = [f"2022-03-{d:02d}" for d in range(1, 13)]
    batch = [report(f"d{i}", "RUSMIL", "UKRMIL", "190", day, quad=4, goldstein=-10)
             for i, day in enumerate(days)]
    with stored(batch) as s:
        spans = [(e["mentions"][0]["event_date"], e["num_articles"]) for e in s.events()]
        assert len(spans) == 4 and all(n == 3 for _, n in spans), spans


def test_best_dated_mention_represents_the_happening() -> None:
    batch = [report("a", "USAGOV", "RUSGOV", "042", "2021-12-31", basis="publication"),
             report("b", "USAGOV", "RUSGOV", "042", "2021-12-30", basis="explicit",
                    confidence=0.6)]
    with stored(batch) as s:
        [h] = s.events()
        assert (h["id"], h["event_date"], h["date_basis"]) == ("b-e0", "2021-12-30", "explicit")


def test_month_dated_mentions_merge_within_their_month_only() -> None:
    def monthly(aid: str, date: str) -> CodedArticle:
        c = report(aid, "USAGOV", "RUSGOV", "042", date)
        e = dataclasses.replace(c.events[0], date_precision="month")
        return dataclasses.replace(c, events=(e,))
    with stored([monthly("a", "2021-04-01"), monthly("b", "2021-04-01"),
                 monthly("c", "2021-05-01")]) as s:
        assert sorted(e["num_articles"] for e in s.events()) == [1, 2]


def test_merge_does_not_depend_on_arrival_order_and_rebuild_gives_the_same() -> None:
    batch = [report(f"r{i}", "USAGOV", "RUSGOV", "042", f"2021-12-{28 + i % 4:02d}",
                    outlet=f"outlet{i % 3}") for i in range(8)]
    batch += [report("x", "IRNGOV", "USAGOV", "112", "2021-12-29", quad=3, goldstein=-2)]
    with stored(batch) as s:
        together = happenings(s)
    one_by_one = Store(":memory:")
    for c in reversed(batch):
        one_by_one.write([c])
    assert happenings(one_by_one) == together
    one_by_one.rebuild_happenings()
    assert happenings(one_by_one) == together
    one_by_one.close()


def test_replacing_or_changing_an_article_regroups_its_happening() -> None:
    a = report("a", "USAGOV", "RUSGOV", "042", "2021-12-30")
    b = report("b", "USAGOV", "RUSGOV", "042", "2021-12-30")
    with stored([a, b]) as s:
        assert s.count_events() == 1
        moved = report("b", "USAGOV", "RUSGOV", "042", "2022-02-01")  # b now reports another call
        s.write([moved])
        assert sorted(e["num_articles"] for e in s.events()) == [1, 1]
        s.write([report("b", "USAGOV", "RUSGOV", "042", "2021-12-31")])
        assert [e["num_articles"] for e in s.events()] == [2]


def test_a_changed_merge_rule_regroups_on_the_next_writable_open(tmp_path: Path,
                                                                monkeypatch) -> None:
    from detente.store import db

    path = tmp_path / "m.duckdb"
    with Store(path) as s:
        s.write([report("a", "USAGOV", "RUSGOV", "042", "2021-12-30"),
                 report("b", "USAGOV", "RUSGOV", "042", "2021-12-31")])
    monkeypatch.setattr(db, "MERGE_VERSION", "merge.v999")
    with pytest.raises(StoreError, match="open the database once for writing"):
        Store(path, read_only=True)
    with Store(path) as s:
        assert s.count_events() == 1
    with Store(path, read_only=True) as s:
        assert s.count_events() == 1
