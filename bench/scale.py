"""Scaling benchmark: articles/s of ``detente ingest`` with 1 and 2 local workers and on a
2-worker local Dask cluster, on the same articles, plus peak memory per worker.

Not a test. Run it from the repository root:

    .venv/bin/python bench/scale.py                                 # first 400 Reuters articles
    .venv/bin/python bench/scale.py --limit 1000 --json scale.json
    .venv/bin/python bench/scale.py --modes workers-1,workers-2     # skip Dask

The first ``--limit`` records of the corpus are copied to one JSONL file that every mode
ingests into a fresh database. Each mode runs in its own subprocess (``--child MODE``),
which prints one ``@@BENCH@@ {json}`` line; the parent prints the table.

Modes (what ``detente ingest`` does with the same options)
  workers-1   ``--workers 1``: ``service.ingest`` with the pipeline in this process.
  workers-N   ``--workers N``: a ``LocalPool`` of N spawned processes, the parent writes.
  dask-N      ``--cluster local:N``: N Dask worker processes on 127.0.0.1, one thread
              each; shards merged into the store by the client. Partitions and chunks are
              sized as the CLI sizes them (``scale.local.chunk_size``).

Timed: from the first article read to the last batch committed (reading, parsing,
coding, writing). Model loading is timed separately (``load_s``) and not counted: it is
paid once per worker whatever the corpus size. Peak RSS is ``VmHWM`` of each worker
process (for ``workers-1``, of the process itself), read before the workers stop.
The event digest (a hash of the stored happening ids) must be the same in every mode.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path
from typing import Any, Optional

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = (REPO.parent / "shared" / "data" / "corpus" / "corpus_reuters21578"
                  / "reuters21578.jsonl")
DEFAULT_MODES = "workers-1,workers-2,dask-2"
MARKER = "@@BENCH@@ "


# --------------------------------------------------------------------------- child side


def _digest(store) -> str:
    ids = sorted(e["id"] for e in store.events(limit=None))
    return hashlib.sha256("\n".join(ids).encode()).hexdigest()[:12]


def _summary(report, store, seconds: float, load_s: float, rss: dict) -> dict[str, Any]:
    stats = store.stats()
    return {"articles": report.articles_written, "problems": len(report.problems),
            "events": stats["events"], "seconds": seconds, "load_s": load_s,
            "articles_per_s": report.articles_written / seconds if seconds else 0.0,
            "peak_rss_mb": rss, "digest": _digest(store)}


def child_workers_1(corpus: str, settings) -> dict[str, Any]:
    from detente.pipeline import Pipeline
    from detente.scale.worker import peak_rss_mb
    from detente.service import ingest
    from detente.store import Store

    t0 = time.perf_counter()
    pipeline = Pipeline.build(settings)
    if pipeline.refiner is not None:
        pipeline.refiner.classifier  # noqa: B018 - load now, as the workers do
    load_s = time.perf_counter() - t0
    with Store(":memory:") as store:
        t0 = time.perf_counter()
        report = ingest(pipeline, store, [corpus])
        seconds = time.perf_counter() - t0
        return _summary(report, store, seconds, load_s, {str(os.getpid()): peak_rss_mb()})


def child_workers_n(corpus: str, settings, n: int, limit: int) -> dict[str, Any]:
    from detente.scale.local import LocalPool, chunk_size, ingest_local
    from detente.scale.worker import peak_rss_mb
    from detente.store import Store

    with Store(":memory:") as store, LocalPool(n, settings) as pool:
        t0 = time.perf_counter()
        pool.start()
        load_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        report = ingest_local(store, [corpus], pool, chunk=chunk_size(n, limit))
        seconds = time.perf_counter() - t0
        rss = {str(pid): mb for pid, mb in pool.peak_rss_mb().items()}
        rss["parent"] = peak_rss_mb()
        return _summary(report, store, seconds, load_s, rss)


def child_dask_n(corpus: str, settings, n: int, limit: int) -> dict[str, Any]:
    from detente.scale.dask import PARTITION_SIZE, DaskSession, ingest_dask
    from detente.scale.local import chunk_size
    from detente.scale.worker import peak_rss_mb
    from detente.store import Store

    with tempfile.TemporaryDirectory(prefix="detente-bench-") as tmp:
        t0 = time.perf_counter()
        with DaskSession(f"local:{n}", settings) as session, Store(":memory:") as store:
            load_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            report = ingest_dask(session, [corpus], store=store, shards=Path(tmp) / "shards",
                                 partition_size=chunk_size(n, limit, cap=PARTITION_SIZE))
            seconds = time.perf_counter() - t0
            rss = dict(session.peak_rss_mb())
            rss["client"] = peak_rss_mb()
            return _summary(report, store, seconds, load_s, rss)


def child_main(args) -> int:
    from detente.config import Settings

    settings = Settings.from_env()
    kind, _, n = args.child.partition("-")
    if args.child == "workers-1":
        result = child_workers_1(args.input, settings)
    elif kind == "workers":
        result = child_workers_n(args.input, settings, int(n), args.limit)
    else:
        result = child_dask_n(args.input, settings, int(n), args.limit)
    sys.stdout.write(MARKER + json.dumps(result) + "\n")
    return 0


# --------------------------------------------------------------------------- parent side


def cli_command(mode: str, corpus: str) -> str:
    kind, _, n = mode.partition("-")
    option = f"--workers {n}" if kind == "workers" else f"--cluster local:{n}"
    return f"detente ingest {shlex.quote(corpus)} {option} --db bench.duckdb"


def take_first(corpus: Path, limit: int, out: Path) -> None:
    with corpus.open(encoding="utf-8") as src, out.open("w", encoding="utf-8") as dst:
        dst.writelines(islice(src, limit))


def run_child(mode: str, args, corpus: str) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", mode, "--input", corpus,
           "--limit", str(args.limit)]
    print(f"$ {shlex.join(cmd)}", file=sys.stderr, flush=True)
    load = os.getloadavg()[0]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, cwd=REPO)
    for line in proc.stdout.splitlines():
        if line.startswith(MARKER):
            return {**json.loads(line[len(MARKER):]), "load_before": load}
    raise SystemExit(f"mode {mode} failed (exit {proc.returncode}); see its stderr above")


def worker_rss(result: dict[str, Any]) -> str:
    peaks = [mb for key, mb in result["peak_rss_mb"].items()
             if key not in ("parent", "client") and mb is not None]
    return f"{max(peaks):.0f}" if peaks else "?"


def print_report(args, results: dict[str, dict], corpus: str) -> None:
    base = results.get("workers-1")
    print(f"\ndetente scaling benchmark — first {args.limit} records of {args.corpus}")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}\n")
    print("| mode | command | articles | events | seconds | articles/s | speed-up | load s "
          "| peak RSS per worker (MB) | load avg before |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for mode, r in results.items():
        speed = f"{r['articles_per_s'] / base['articles_per_s']:.2f}x" if base else "-"
        print(f"| {mode} | `{cli_command(mode, 'FILE')}` | {r['articles']} | {r['events']} | "
              f"{r['seconds']:.1f} | {r['articles_per_s']:.2f} | {speed} | {r['load_s']:.1f} | "
              f"{worker_rss(r)} | {r['load_before']:.2f} |")
    digests = {r["digest"] for r in results.values()}
    print(f"\nsame events in every mode: {'yes' if len(digests) == 1 else 'NO'} ({', '.join(sorted(digests))})")
    print(f"FILE = the first {args.limit} lines of the corpus ({corpus})")


def parent_main(args) -> int:
    corpus = Path(args.corpus)
    if not corpus.is_file():
        raise SystemExit(f"no corpus at {corpus}; give --corpus FILE.jsonl")
    with tempfile.TemporaryDirectory(prefix="detente-bench-") as tmp:
        sample = Path(tmp) / f"{corpus.stem}-{args.limit}.jsonl"
        take_first(corpus, args.limit, sample)
        results = {mode: run_child(mode, args, str(sample)) for mode in args.modes}
    print_report(args, results, str(corpus))
    if args.json:
        Path(args.json).write_text(json.dumps({"limit": args.limit, "corpus": str(corpus),
                                               "results": results}, indent=2), encoding="utf-8")
    return 0


def parse_args(argv: Optional[list[str]] = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS), help="JSONL corpus (Reuters-21578)")
    ap.add_argument("--limit", type=int, default=400, help="first N records (default 400)")
    ap.add_argument("--modes", default=DEFAULT_MODES, type=lambda s: s.split(","),
                    help=f"comma-separated, from workers-N and dask-N (default {DEFAULT_MODES})")
    ap.add_argument("--json", help="also write every figure to this JSON file")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--input", help=argparse.SUPPRESS)
    return ap.parse_args(argv)


def main(argv: Optional[list[str]] = None) -> int:
    args = parse_args(argv)
    return child_main(args) if args.child else parent_main(args)


if __name__ == "__main__":
    sys.exit(main())
