"""Build a store with N synthetic events (default 1,000,000) and time the analytics on it.

    .venv/bin/python bench/relations_scale.py [--events 1000000] [--db bench/out/relations-1m.duckdb]

The events are random but shaped like news: 60 countries with Zipf-like activity, codes
drawn from cameo.yaml, dates over 2000–2025, most asserted, and every happening reported
by 1–6 articles from a few dozen outlets (so the cross-article merge has work to do).
They go in through ``Store.write`` (the same path as ``detente ingest``: rows, merge and
all), in batches. Then it times ``relations`` for one dyad by month (in-process, warm,
median of 5; and the whole ``detente relations`` command), ``actors top``, ``network``
and a full ``rebuild_happenings``. Nothing here is a test; numbers go to the README.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from detente import analytics  # noqa: E402
from detente.coding.lexicon import load_codes  # noqa: E402
from detente.store import Store  # noqa: E402
from detente.types import Actor, Article, CodedArticle, Event, Trigger  # noqa: E402

COUNTRIES = ("USA RUS CHN GBR FRA DEU UKR IRN ISR SYR TUR IND PAK JPN KOR PRK SAU EGY IRQ AFG "
             "BRA MEX CAN AUS ITA ESP POL NGA ZAF KEN ETH SDN LBY YEM QAT ARE JOR LBN VEN COL "
             "CUB ARG CHL PER IDN MYS PHL VNM THA MMR BGD LKA NPL KAZ UZB GEO ARM AZE BLR SRB").split()
SECTORS = ("GOV", "MIL", "", "GOV", "OPP", "REB", "COP", "BUS")
ISSUES = ("UKRAINE", "SYRIA", "IRAN_NUCLEAR", "ARMS_CONTROL", "SANCTIONS", "ENERGY", "CYBER",
          "TERRORISM", "NATO_ENLARGEMENT", "TRADE", "HUMAN_RIGHTS")
MODALITIES = ("asserted",) * 17 + ("planned", "hypothetical", "negated")
START = date(2000, 1, 1)
DAYS = (date(2025, 12, 31) - START).days


def actor(country: str, rng: random.Random, start: int) -> Actor:
    code = country + rng.choice(SECTORS)
    return Actor(text=country.title(), start=start, end=start + 3, name=country.title(), code=code,
                 country=country, sector=code[3:] or None, role=None, kb_id=None, basis="bench")


def happenings(n_mentions: int, seed: int):
    """Yield (article_id, outlet, published, [Event args]) for about n_mentions mentions."""
    rng = random.Random(seed)
    codes = [c for c in load_codes(ROOT / "detente" / "data" / "cameo.yaml").values()
             if len(c.code) >= 3]
    weights = [1 / (i + 1) ** 0.9 for i in range(len(COUNTRIES))]
    made, h = 0, 0
    while made < n_mentions:
        a, b = rng.choices(COUNTRIES, weights, k=2)
        if a == b:
            continue
        code = rng.choice(codes)
        day = START + timedelta(days=rng.randrange(DAYS))
        issues = tuple(rng.sample(ISSUES, rng.choice((0, 1, 1, 2))))
        modality = rng.choice(MODALITIES)
        reports = min(rng.choice((1, 1, 1, 2, 2, 3, 4, 6)), n_mentions - made)
        for r in range(reports):
            reported = day + timedelta(days=rng.choice((0, 0, 1, 2)))
            yield (f"h{h}-a{r}", f"outlet{rng.randrange(40)}", reported.isoformat(),
                   (a, b, code, (day + timedelta(days=r % 2)).isoformat(), issues, modality))
        made += reports
        h += 1


def coded(aid: str, outlet: str, published: str, spec, rng: random.Random) -> CodedArticle:
    a, b, code, day, issues, modality = spec
    sentence = f"{a} and {b}: {code.name}."
    event = Event(id=f"{aid}-e0", article_id=aid, sentence_index=0, sentence=sentence,
                  source=actor(a, rng, 0), target=actor(b, rng, 8), cameo=code.code,
                  cameo_root=code.code[:2], plover=code.plover, plover_mode=code.plover_mode,
                  quad_class=code.quad_class, goldstein=code.goldstein, modality=modality,
                  event_date=day, date_precision="day", date_basis="relative", location=None,
                  issues=issues, trigger=Trigger(text=code.name[:20], start=0, end=3),
                  confidence=0.8, coder="bench")
    article = Article(id=aid, text=sentence, title=sentence, outlet=outlet, published=published,
                      published_basis="metadata", content_hash=f"bench:{aid}")
    return CodedArticle(article=article, n_sentences=1, events=(event,), mentions=())


def build(db: Path, n: int, batch: int) -> float:
    rng = random.Random(7)
    started = time.perf_counter()
    with Store(db) as store:
        pending: list[CodedArticle] = []
        for aid, outlet, published, spec in happenings(n, seed=11):
            pending.append(coded(aid, outlet, published, spec, rng))
            if len(pending) >= batch:
                store.write(pending)
                pending = []
                print(f"  {store.stats()['event_mentions']:,} mentions stored "
                      f"({time.perf_counter() - started:.0f} s)", flush=True)
        if pending:
            store.write(pending)
    return time.perf_counter() - started


def timed(fn, repeat: int = 5) -> float:
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--db", type=Path, default=ROOT / "bench" / "out" / "relations-1m.duckdb")
    ap.add_argument("--batch", type=int, default=50_000, help="articles per write")
    ap.add_argument("--reuse", action="store_true", help="keep an existing store of that path")
    args = ap.parse_args()
    if not (args.reuse and args.db.exists()):
        args.db.parent.mkdir(parents=True, exist_ok=True)
        args.db.unlink(missing_ok=True)
        print(f"building {args.events:,} events in {args.db} ...")
        print(f"build: {build(args.db, args.events, args.batch):.0f} s")
    with Store(args.db) as store:
        s = store.stats()
        print(f"store: {s['articles']:,} articles, {s['event_mentions']:,} event mentions, "
              f"{s['events']:,} happenings")
        rebuild = timed(store.rebuild_happenings, repeat=1)
    with Store(args.db, read_only=True) as store:
        analytics.relations(store, "USA", "RUS")  # warm: imports, DuckDB caches
        rows = {
            "relations USA RUS --by month": timed(lambda: analytics.relations(store, "USA", "RUS")),
            "relations CHN IND --by week": timed(lambda: analytics.relations(store, "CHN", "IND", by="week")),
            "actors top": timed(lambda: analytics.top_actors(store)),
            "network": timed(lambda: analytics.network(store)),
            "events --source USA --target RUS --limit 50":
                timed(lambda: store.events(source="USA", target="RUS", limit=50)),
        }
    cli = [str(ROOT / ".venv" / "bin" / "detente"), "relations", "USA", "RUS", "--db", str(args.db),
           "--by", "month", "-f", "csv"]
    t = time.perf_counter()
    subprocess.run(cli, check=True, stdout=subprocess.DEVNULL)
    rows["whole command (new process): " + " ".join(cli[1:])] = time.perf_counter() - t
    print(f"rebuild_happenings (all): {rebuild:.2f} s")
    for name, seconds in rows.items():
        print(f"{seconds * 1000:9.1f} ms  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
