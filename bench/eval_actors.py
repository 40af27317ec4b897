"""Actor-resolution accuracy on NGEC's hand-written test cases.

Not a test. Run it from the repository root:

    .venv/bin/python bench/eval_actors.py                          # figures only
    .venv/bin/python bench/eval_actors.py --misses misses.tsv      # and every miss, one a line

Cases: ``../shared/data/dev/ngec_actor_resolution_tests/ngec_actor_resolution_cases.jsonl``
(Andrew Halterman's pytest expectations for NGEC/POLECAT). Used: every ``agent_to_code``
case and the ``search_nat`` cases (whose expected ``return[0]`` is a country). Each input
is resolved with ``service.resolve_phrase(pipeline, input, date, context)``.

Dates: ``query_date`` is "today"/"Today", None, "", an ISO date or prose ("10 May 2015").
"today" and no date mean --today (2026-11-22: the cases were written about the present).

Scores (each over the cases that state the field):
  country   expected ``country`` vs our actor's country. "" means no country: right when we
            give none. "IGO" means an international organisation: right when our actor is an
            organisation with sector IGO; "UNO"/"EUR" (a UN or EU body in NGEC's convention)
            are right when our IGO code carries that block (IGOUNOUSC, IGOEUREEC).
            {"NotEq": X} is right when ours is not X.
  sector    raw: expected ``code_1`` equals our sector ("" = no sector; a set ``{"In": [...]}``
            = any of them; "????" is not scored). lenient: our sector is ``code_1`` or ``code_2``
            (NGEC gives government defence officials GOV + MIL, we give one sector).
  name      expected ``wiki`` (a Wikipedia title) vs our actor's name: equal after
            normalising accents, case and "(disambiguation)", one containing the other, or
            the same surname (bench/check_offices.loosely_same). wiki "" (NGEC: no entry) is
            not scored: our actors always carry a display name.
  no actor  expected ``return`` None: right when we find no actor, or only an unknown name
            (no code, no country).
NGEC's own skip/xfail markers and its non-test functions are kept in "all" and left out
of "clean".
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import re
import shlex
import sys
import time
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

from check_offices import loosely_same  # noqa: E402

DEFAULT_CASES = (REPO.parent / "shared" / "data" / "dev" / "ngec_actor_resolution_tests"
                 / "ngec_actor_resolution_cases.jsonl")
TODAY = dt.date(2026, 11, 22)
PROSE_FORMATS = ("%d %B %Y", "%B %d, %Y", "%d %b %Y", "%b %d, %Y", "%Y-%m-%d")


# ------------------------------------------------------------------ cases

@dataclass
class Case:
    id: str
    method: str
    text: str
    context: Optional[str]
    raw_date: Any
    date: Optional[str]  # ISO
    expected: dict
    clean: bool  # NGEC runs it and expects it to pass

    @property
    def category(self) -> str:
        e = self.expected
        if self.method == "search_nat":
            return "nationality"
        if "return" in e:
            return "no-actor"
        if self.raw_date not in (None, "", "today", "Today"):
            return "dated"
        if "wiki" in e:
            return "named"
        return "agent"


def normalise_date(value: Any, today: dt.date = TODAY) -> str:
    """NGEC query_date -> ISO date ("today" and no date -> ``today``)."""
    if value is None or not str(value).strip() or str(value).strip().lower() == "today":
        return today.isoformat()
    text = str(value).strip()
    for fmt in PROSE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    raise ValueError(f"cannot read query_date {value!r}")


def load_cases(path: Path, today: dt.date = TODAY) -> list[Case]:
    out = []
    with Path(path).open(encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if r["method"] not in ("agent_to_code", "search_nat"):
                continue
            expected = dict(r["expected"])
            if r["method"] == "search_nat":
                expected = {"country": expected.get("return[0]", "")}
            clean = r.get("is_test_function", True) and not r.get("markers")
            out.append(Case(r["id"], r["method"], r["input"], r.get("context") or None, r.get("query_date"),
                            normalise_date(r.get("query_date"), today), expected, bool(clean)))
    return out


# ------------------------------------------------------------------ scoring

def _norm(text: Optional[str]) -> str:
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    text = re.sub(r"\(.*?\)", " ", text).lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def same_name(wiki: str, ours: Optional[str]) -> bool:
    a, b = _norm(wiki), _norm(ours)
    if not a or not b:
        return False
    return a == b or f" {a} " in f" {b} " or f" {b} " in f" {a} " or loosely_same(wiki, ours or "")


def our_country(actor: Optional[dict]) -> str:
    if not actor:
        return ""
    if actor.get("country"):
        return actor["country"]
    if actor.get("sector") == "IGO" or (actor.get("code") or "").startswith("IGO"):
        return "IGO"
    return ""


def country_right(expected: Any, actor: Optional[dict]) -> Optional[bool]:
    """NGEC's expected country against ours; None when the expectation cannot be scored."""
    ours = our_country(actor)
    if isinstance(expected, dict):  # {"NotEq": "GBR"} / {"In": [...]}
        if "NotEq" in expected:
            return ours != expected["NotEq"]
        if "In" in expected:
            return ours in expected["In"]
        return None
    if not isinstance(expected, str):
        return None
    if ours == "IGO" and expected in ("UNO", "EUR", "AFR", "ASA", "WST", "MEA"):
        # NGEC codes an organisation by its block (UNO: a UN body, EUR: an EU body);
        # we give the organisation's own code, which carries the block: IGOUNOUSC, IGOEUREEC
        code = (actor or {}).get("code") or ""
        return expected in [code[i:i + 3] for i in range(0, len(code), 3)]
    return ours == expected


@dataclass
class Outcome:
    case: Case
    actor: Optional[dict]
    why: list[str]
    scores: dict[str, Optional[bool]] = field(default_factory=dict)  # field -> right? (None: not scored)


def score(case: Case, actor: Optional[dict]) -> dict[str, Optional[bool]]:
    e = case.expected
    sector = (actor or {}).get("sector") or ""
    out: dict[str, Optional[bool]] = {}
    if "return" in e:
        out["no_actor"] = actor is None or not (actor.get("code") or actor.get("country"))
        return out
    if "country" in e:
        out["country"] = country_right(e["country"], actor)
    code_1 = e.get("code_1")
    if isinstance(code_1, dict) and "In" in code_1:
        out["sector_raw"] = out["sector_lenient"] = sector in code_1["In"]
    elif isinstance(code_1, str) and code_1 != "????":
        out["sector_raw"] = sector == code_1
        out["sector_lenient"] = sector in {code_1, e.get("code_2") or code_1}
    if isinstance(e.get("wiki"), str) and e["wiki"]:  # "" = no Wikipedia entry: not scored
        out["name"] = same_name(e["wiki"], (actor or {}).get("name"))
    return out


def evaluate(pipeline, cases: list[Case]) -> list[Outcome]:
    from detente import service

    outcomes = []
    for case in cases:
        res = service.resolve_phrase(pipeline, case.text, case.date, case.context)
        outcomes.append(Outcome(case, res.actor, res.why, score(case, res.actor)))
    return outcomes


# ------------------------------------------------------------------ report

FIELDS = ("country", "sector_raw", "sector_lenient", "name", "no_actor")


def tally(outcomes: list[Outcome], key) -> dict[str, dict[str, tuple[int, int]]]:
    """group -> field -> (right, scored)."""
    out: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for o in outcomes:
        for group in key(o):
            for f, ok in o.scores.items():
                if ok is None:
                    continue
                out[group][f][0] += ok
                out[group][f][1] += 1
    return {g: {f: tuple(v) for f, v in fs.items()} for g, fs in out.items()}


def _cell(pair: Optional[tuple[int, int]]) -> str:
    if not pair or not pair[1]:
        return "-"
    right, n = pair
    return f"{right}/{n} {100 * right / n:.0f}%"


def print_table(title: str, table: dict[str, dict[str, tuple[int, int]]], counts: dict[str, int]) -> None:
    print(f"\n{title}")
    print(f"{'group':<16}{'cases':>6}  " + "".join(f"{f:<18}" for f in FIELDS))
    for group in sorted(table, key=lambda g: (-counts.get(g, 0), g)):
        print(f"{group:<16}{counts.get(group, 0):>6}  " + "".join(f"{_cell(table[group].get(f)):<18}" for f in FIELDS))


def write_misses(path: str, outcomes: list[Outcome]) -> int:
    n = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter="\t")
        w.writerow(["id", "category", "clean", "missed", "input", "context", "date", "expected",
                    "our_code", "our_country", "our_sector", "our_name", "our_role", "why"])
        for o in outcomes:
            missed = [f for f, ok in o.scores.items() if ok is False]
            if not missed:
                continue
            a = o.actor or {}
            w.writerow([o.case.id, o.case.category, o.case.clean, ",".join(missed), o.case.text,
                        o.case.context or "", o.case.date, json.dumps(o.case.expected, ensure_ascii=False),
                        a.get("code") or "", a.get("country") or "", a.get("sector") or "", a.get("name") or "",
                        a.get("role") or "", " | ".join(o.why)])
            n += 1
    return n


def main(argv: Optional[list[str]] = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", default=str(DEFAULT_CASES), help="NGEC cases (JSONL)")
    ap.add_argument("--today", default=TODAY.isoformat(), help="the date 'today' and no date mean")
    ap.add_argument("--misses", help="write every miss to this TSV file")
    args = ap.parse_args(argv)
    if not Path(args.cases).is_file():
        print(f"cases not found: {args.cases}", file=sys.stderr)
        return 2
    from detente.pipeline import Pipeline

    cases = load_cases(Path(args.cases), dt.date.fromisoformat(args.today))
    pipeline = Pipeline.build()
    t0 = time.perf_counter()
    outcomes = evaluate(pipeline, cases)
    seconds = time.perf_counter() - t0

    overall = tally(outcomes, lambda o: ["all"] + (["clean"] if o.case.clean else []))
    print(f"{len(cases)} cases ({sum(c.clean for c in cases)} clean) resolved in {seconds:.1f} s; "
          f"an actor with a code for {sum(bool(o.actor and o.actor.get('code')) for o in outcomes)}, "
          f"a sector for {sum(bool(o.actor and o.actor.get('sector')) for o in outcomes)}")
    print_table("overall", overall, {"all": len(cases), "clean": sum(c.clean for c in cases)})
    by_cat = tally(outcomes, lambda o: [o.case.category])
    cat_counts: dict[str, int] = defaultdict(int)
    for c in cases:
        cat_counts[c.category] += 1
    print_table("by category", by_cat, cat_counts)

    def code_group(o: Outcome) -> list[str]:
        c1 = o.case.expected.get("code_1")
        return [f"code_1={c1 if isinstance(c1, str) else 'set'}"] if "code_1" in o.case.expected else []

    by_code = tally(outcomes, code_group)
    code_counts: dict[str, int] = defaultdict(int)
    for o in outcomes:
        for g in code_group(o):
            code_counts[g] += 1
    print_table("by expected code_1", by_code, code_counts)
    if args.misses:
        n = write_misses(args.misses, outcomes)
        print(f"\n{n} cases with a miss written to {args.misses}")
    print("\ncommand: .venv/bin/python bench/eval_actors.py " + " ".join(shlex.quote(a) for a in argv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
