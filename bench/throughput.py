"""Throughput benchmark: detente's full pipeline against spaCy alone on the same texts.

Not a test. Run it from the repository root:

    .venv/bin/python bench/throughput.py                      # Guardian sample, both modes
    .venv/bin/python bench/throughput.py --corpus X.jsonl --limit 400 --json out.json

Each mode runs in its own subprocess (``--child MODE``) so that the peak RSS reported
(``ru_maxrss``) belongs to that mode alone. A child prints one ``@@BENCH@@ {json}`` line
on stdout; the parent collects those lines and prints the table and the ratio

    pipeline articles/s  /  spaCy articles/s      (target >= 0.7)

Modes
  spacy     ``nlp.pipe`` over exactly the texts the pipeline would parse (read with
            ``detente.ingest.read_sources`` and clipped to ``Settings.max_chars``
            outside the timed region); every Doc is consumed by counting its sentences.
  pipeline  ``Pipeline.build`` outside the timing (model and KB load reported
            separately), then ``list(pipeline.process([corpus]))``, reading included.
            With ``--limit N`` the reading is stopped after N articles:
            ``pipeline.run(first N articles of read_sources(...))``, which is what
            ``process`` does with the input cut short.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import hashlib
import json
import os
import platform
import resource
import shlex
import statistics
import subprocess
import sys
import time
from itertools import islice
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = (Path(__file__).resolve().parents[2] / "shared" / "data" / "corpus"
                  / "corpus_guardian_sdf_sample" / "guardian_sdf_sample.jsonl")
MODES = ("spacy", "pipeline")
MARKER = "@@BENCH@@ "
WARMUP_ARTICLES = 8
TARGET_RATIO = 0.7


# --------------------------------------------------------------------------- child side

def code_fingerprint() -> str:
    """Short hash of detente's sources and data, to tie figures to a state of the code."""
    digest = hashlib.sha256()
    root = REPO / "detente"
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".yaml", ".yml", ".json", ".jsonl", ".csv"):
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports kilobytes, macOS bytes.
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _articles(items: Iterable[Any], problems: list) -> Iterator[Any]:
    """Articles only, problems set aside -- the filter ``Pipeline.process`` applies."""
    from detente.types import Problem

    for item in items:
        if isinstance(item, Problem):
            problems.append(item)
        else:
            yield item


def _read(corpus: str, limit: Optional[int]) -> tuple[list, list, float]:
    from detente.ingest import read_sources

    problems: list = []
    t0 = time.perf_counter()
    articles = list(islice(_articles(read_sources([corpus]), problems), limit))
    return articles, problems, time.perf_counter() - t0


def _model_info(nlp) -> dict[str, Any]:
    from detente.nlp import spacy_version

    meta = getattr(nlp, "meta", {}) or {}
    return {
        "spacy_version": spacy_version(),
        "model_name": f"{meta.get('lang', '?')}_{meta.get('name', '?')}",
        "model_version": meta.get("version", "?"),
        "model_components": list(getattr(nlp, "pipe_names", [])),
    }


def _timed(run, profile_path: Optional[str]) -> tuple[dict[str, float], Any]:
    """One timed call of ``run()`` (under cProfile when ``profile_path``).

    Returns wall seconds and this process's CPU seconds (all threads) over the call,
    the latter being much less sensitive to other programs competing for the CPUs.
    """
    gc.collect()
    profiler = cProfile.Profile() if profile_path else None
    c0, t0 = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    result = run()
    if profiler:
        profiler.disable()
    timing = {"seconds": time.perf_counter() - t0, "cpu_s": time.process_time() - c0}
    if profiler:
        Path(profile_path).parent.mkdir(parents=True, exist_ok=True)
        profiler.dump_stats(profile_path)
    return timing, result


def child_spacy(args, settings) -> dict[str, Any]:
    from detente.nlp import load_model

    articles, problems, read_s = _read(args.corpus, args.limit)
    texts = [a.text[: settings.max_chars] for a in articles]  # what Pipeline._clip passes on

    t0 = time.perf_counter()
    nlp = load_model(settings.model)
    load_s = time.perf_counter() - t0

    def parse(batch: list[str]) -> tuple[int, int]:
        docs = sents = 0
        for doc in nlp.pipe(batch, batch_size=settings.batch_size, n_process=settings.n_process):
            docs += 1
            sents += sum(1 for _ in doc.sents)
        return docs, sents

    parse(texts[:WARMUP_ARTICLES])
    timing, (n_docs, n_sents) = _timed(lambda: parse(texts), args.profile)
    return {
        "articles": n_docs,
        "words": sum(len(t.split()) for t in texts),
        "chars": sum(len(t) for t in texts),
        "sentences": n_sents,
        "events": None,
        **timing,
        "read_s": read_s,
        "load_model_s": load_s,
        "build_rest_s": 0.0,
        "input_problems": len(problems),
        **_model_info(nlp),
    }


def child_pipeline(args, settings) -> dict[str, Any]:
    from detente.ingest import read_sources
    from detente.nlp import load_model
    from detente.pipeline import Pipeline

    # Read once outside the timing: for the warm-up batch and the read-time figure.
    articles, _, read_s = _read(args.corpus, args.limit)

    t0 = time.perf_counter()
    nlp = load_model(settings.model)
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    pipeline = Pipeline.build(settings, nlp=nlp)  # KB, lexicon, name index, places, coder
    build_s = time.perf_counter() - t0

    list(pipeline.run(articles[:WARMUP_ARTICLES]))
    del articles

    problems: list = []

    def run() -> list:
        problems.clear()
        if args.limit is None:
            return list(pipeline.process([args.corpus], on_problem=problems.append))
        head = islice(_articles(read_sources([args.corpus]), problems), args.limit)
        return list(pipeline.run(head, on_problem=problems.append))

    timing, coded = _timed(run, args.profile)
    by_code: dict[str, int] = {}
    for p in problems:
        by_code[p.code] = by_code.get(p.code, 0) + 1
    return {
        "articles": len(coded),
        "words": sum(len(c.article.text.split()) for c in coded),
        "chars": sum(len(c.article.text) for c in coded),
        "sentences": sum(c.n_sentences for c in coded),
        "events": sum(len(c.events) for c in coded),
        **timing,
        "read_s": read_s,
        "load_model_s": load_s,
        "build_rest_s": build_s,
        "problems": by_code,
        **_model_info(pipeline.parser.nlp),
    }


def child_main(args) -> int:
    from detente.config import Settings

    settings = Settings(batch_size=args.batch_size).validated()
    code = code_fingerprint()
    result = (child_spacy if args.child == "spacy" else child_pipeline)(args, settings)
    if code_fingerprint() != code:
        result["warning"] = "detente's code or data changed while this mode ran"
    result.update(mode=args.child, code=code, loadavg_1m_end=os.getloadavg()[0],
                  batch_size=settings.batch_size, n_process=settings.n_process,
                  model=settings.model, max_chars=settings.max_chars, peak_rss_mb=_peak_rss_mb())
    sys.stdout.write(MARKER + json.dumps(result) + "\n")
    sys.stdout.flush()
    return 0


# --------------------------------------------------------------------------- parent side

def run_child(mode: str, args, round_no: int, profile: bool = False) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", mode,
           "--corpus", args.corpus, "--batch-size", str(args.batch_size)]
    if args.limit is not None:
        cmd += ["--limit", str(args.limit)]
    if profile:
        cmd += ["--profile", str(Path(args.profile) / f"{mode}.prof")]
    what = "profiling run (not timed)" if profile else f"round {round_no}/{args.repeat}"
    print(f"[bench] {what}: {mode} ...", file=sys.stderr, flush=True)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, cwd=REPO)
    result = None
    for line in proc.stdout.splitlines():
        if line.startswith(MARKER):
            result = json.loads(line[len(MARKER):])
        elif line.strip():
            print(f"[{mode}] {line}", file=sys.stderr)
    if proc.returncode != 0 or result is None:
        sys.exit(f"bench: the {mode} child failed (exit {proc.returncode}); command:\n  {shlex.join(cmd)}")
    result["command"] = shlex.join(cmd)
    return result


def run_rounds(modes: list[str], args) -> dict[str, dict]:
    """``--repeat`` rounds; each runs every mode in a fresh child, alternating the order
    (spacy, pipeline / pipeline, spacy, ...) so slow drift of the machine hits both modes."""
    runs: dict[str, list[dict]] = {m: [] for m in modes}
    for n in range(1, args.repeat + 1):
        for mode in (modes if n % 2 else modes[::-1]):
            runs[mode].append(run_child(mode, args, n))
    if args.profile:  # an extra run per mode, so the profiler's overhead never reaches the figures
        for mode in modes:
            run_child(mode, args, 0, profile=True)
    results = {}
    for mode in modes:
        rs = runs[mode]
        r = dict(min(rs, key=lambda x: x["seconds"]))
        seconds = [x["seconds"] for x in rs]
        cpu = [x["cpu_s"] for x in rs]
        r.update(seconds=min(seconds), seconds_all=seconds, seconds_median=statistics.median(seconds),
                 cpu_s=min(cpu), cpu_s_all=cpu, articles_per_cpu_s=r["articles"] / min(cpu),
                 loadavg_1m_end_all=[x["loadavg_1m_end"] for x in rs],
                 warnings=sorted({x["warning"] for x in rs if x.get("warning")}),
                 code_all=sorted({x["code"] for x in rs}),
                 peak_rss_mb=max(x["peak_rss_mb"] for x in rs),
                 articles_per_s=r["articles"] / min(seconds),
                 words_per_s=r["words"] / min(seconds))
        results[mode] = r
    return results


def print_report(args, results: dict[str, dict], summary: dict[str, Any]) -> None:
    any_result = next(iter(results.values()))
    print(f"command : {summary['command']}")
    print(f"python  : {platform.python_version()} ({sys.executable})")
    print(f"spaCy   : {any_result['spacy_version']}   model: {any_result['model_name']} "
          f"{any_result['model_version']} (Settings.model={any_result['model']!r}) "
          f"[{', '.join(any_result['model_components'])}]")
    print(f"cpus    : os.cpu_count() = {os.cpu_count()}   platform: {platform.platform()}")
    print(f"load    : 1-min load average before {summary['loadavg_1m_start']:.2f}; after each run: "
          + ", ".join(f"{m} {'/'.join(f'{x:.2f}' for x in r['loadavg_1m_end_all'])}"
                      for m, r in results.items()))
    codes = sorted({c for r in results.values() for c in r["code_all"]})
    print(f"detente : code+data fingerprint {', '.join(codes)}"
          + ("   WARNING: the code changed between runs" if len(codes) > 1 else ""))
    print(f"corpus  : {args.corpus}   limit: {args.limit if args.limit is not None else 'all'}")
    print(f"settings: batch_size={any_result['batch_size']} n_process={any_result['n_process']} "
          f"max_chars={any_result['max_chars']}   repeat={args.repeat} "
          f"(seconds = best of {args.repeat} rounds), warm-up={WARMUP_ARTICLES} articles")
    print()
    head = f"{'mode':<9} {'articles':>8} {'words':>9} {'seconds':>8} {'articles/s':>10} " \
           f"{'words/s':>9} {'peak RSS MB':>11} {'CPU s':>8}"
    print(head)
    print("-" * len(head))
    for mode, r in results.items():
        print(f"{mode:<9} {r['articles']:>8} {r['words']:>9} {r['seconds']:>8.2f} "
              f"{r['articles_per_s']:>10.2f} {r['words_per_s']:>9.0f} {r['peak_rss_mb']:>11.0f} "
              f"{r['cpu_s']:>8.2f}")
        for warning in r["warnings"]:
            print(f"  WARNING ({mode}): {warning}")
    print()
    for mode, r in results.items():
        extra = f"  build(KB, lexicon, indexes) {r['build_rest_s']:.2f}s" if mode == "pipeline" else ""
        print(f"{mode:<9} load: model {r['load_model_s']:.2f}s{extra}   "
              f"(untimed) read {r['read_s']:.2f}s   sentences {r['sentences']}")
    if "pipeline" in results:
        p = results["pipeline"]
        print(f"pipeline  events {p['events']}   events/article "
              f"{summary['events_per_article']:.2f}   problems {p.get('problems') or {}}")
    if summary.get("ratio") is not None:
        verdict = "OK" if summary["ratio"] >= TARGET_RATIO else "BELOW TARGET"
        print()
        print(f"ratio pipeline/spacy articles/s = {summary['ratio']:.3f}   "
              f"(target >= {TARGET_RATIO}: {verdict})")
        print(f"same ratio on CPU time           = {summary['ratio_cpu']:.3f}   "
              f"(less sensitive to other load on the machine)")
    if "spacy" in results and "pipeline" in results:
        s, p = results["spacy"], results["pipeline"]
        if (s["articles"], s["sentences"]) != (p["articles"], p["sentences"]):
            print(f"WARNING: the modes did not see the same text: spacy {s['articles']} articles/"
                  f"{s['sentences']} sentences, pipeline {p['articles']}/{p['sentences']}")
    if args.profile:
        print(f"\ncProfile of one extra (untimed) run per mode: {args.profile}/<mode>.prof")
        if "pipeline" in results:
            print_hot_spots(str(Path(args.profile) / "pipeline.prof"))


def print_hot_spots(path: str, top: int = 15) -> None:
    """detente's own functions from a cProfile dump, by cumulative and by own time.

    Cumulative time of a generator stage includes the stages it pulls from (``Pipeline.run``
    includes parsing, ``Parser.__call__`` includes spaCy's ``nlp.pipe``).
    """
    import pstats

    pkg = str(REPO / "detente") + os.sep
    loaded = pstats.Stats(path)
    total = loaded.total_tt
    rows = [(ct, tt, nc, f, ln, fn) for (f, ln, fn), (cc, nc, tt, ct, _) in loaded.stats.items()
            if f.startswith(pkg)]
    for title, key in (("cumulative", 0), ("own", 1)):
        print(f"\ntop {top} detente functions by {title} time (profiled run, {total:.2f}s in all):")
        print(f"{'cum s':>7} {'cum %':>6} {'own s':>7} {'own %':>6} {'calls':>9}  function")
        for ct, tt, nc, f, ln, fn in sorted(rows, key=lambda r: r[key], reverse=True)[:top]:
            print(f"{ct:>7.2f} {100 * ct / total:>5.1f}% {tt:>7.2f} {100 * tt / total:>5.1f}% "
                  f"{nc:>9}  {os.path.relpath(f, REPO)}:{ln}({fn})")


def parent_main(args) -> int:
    if not Path(args.corpus).exists():
        sys.exit(f"bench: corpus not found: {args.corpus}\n"
                 f"  pass --corpus PATH (a .jsonl/.csv/.txt/.html file or a folder)")
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    unknown = [m for m in modes if m not in MODES]
    if unknown or not modes:
        sys.exit(f"bench: unknown mode(s) {unknown or modes}; choose from {', '.join(MODES)}")
    if args.profile:
        Path(args.profile).mkdir(parents=True, exist_ok=True)
        args.profile = str(Path(args.profile).resolve())
    args.corpus = str(Path(args.corpus).resolve())

    loadavg_start = os.getloadavg()[0]
    results = run_rounds(modes, args)
    summary: dict[str, Any] = {"loadavg_1m_start": loadavg_start,
                               "command": shlex.join([sys.executable] + sys.argv),
                               "python": platform.python_version(), "cpu_count": os.cpu_count(),
                               "corpus": args.corpus, "limit": args.limit, "repeat": args.repeat,
                               "ratio": None, "ratio_cpu": None,
                               "events_per_article": None}
    if "spacy" in results and "pipeline" in results and results["spacy"]["articles"]:
        summary["ratio"] = results["pipeline"]["articles_per_s"] / results["spacy"]["articles_per_s"]
        summary["ratio_cpu"] = (results["pipeline"]["articles_per_cpu_s"]
                                / results["spacy"]["articles_per_cpu_s"])
    if "pipeline" in results and results["pipeline"]["articles"]:
        summary["events_per_article"] = results["pipeline"]["events"] / results["pipeline"]["articles"]
    print_report(args, results, summary)
    if args.json:
        Path(args.json).write_text(json.dumps({"summary": summary, "modes": results}, indent=2) + "\n")
        print(f"\nresults written to {args.json}")
    return 0


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def parse_args(argv: Optional[list[str]] = None) -> argparse.Namespace:
    from detente.config import Settings

    ap = argparse.ArgumentParser(description="detente pipeline throughput vs spaCy alone.")
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS),
                    help="articles to process (default: the Guardian SDF sample)")
    ap.add_argument("--limit", type=positive_int, default=None, help="first N articles (default all)")
    ap.add_argument("--batch-size", type=positive_int, default=Settings().batch_size,
                    help="nlp.pipe batch size (default: Settings().batch_size)")
    ap.add_argument("--repeat", type=positive_int, default=1,
                    help="rounds; each runs every mode in a fresh subprocess, order alternating; "
                         "the best time per mode is reported (default 1)")
    ap.add_argument("--json", metavar="OUT", help="write all results as JSON to OUT")
    ap.add_argument("--modes", default=",".join(MODES), help="comma-separated: spacy,pipeline")
    ap.add_argument("--profile", metavar="DIR",
                    help="after the timed rounds, run each mode once more under cProfile, write "
                         "DIR/<mode>.prof and list detente's hot spots (not part of the figures)")
    ap.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    return ap.parse_args(argv)


def main(argv: Optional[list[str]] = None) -> int:
    args = parse_args(argv)
    return child_main(args) if args.child else parent_main(args)


if __name__ == "__main__":
    sys.exit(main())
