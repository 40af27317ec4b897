"""Cross-check the shipped office terms against Wikidata (EveryPolitician holders21).

Not a test (tests/test_knowledge.py imports :func:`check_offices` and bounds the count).
Run it from the repository root:

    .venv/bin/python bench/check_offices.py                       # all offices, 2000-01 .. 2022-06
    .venv/bin/python bench/check_offices.py --polity RUS --tsv out.tsv
    .venv/bin/python bench/check_offices.py --gaps                 # also list dates we have nobody

Method
  * Reference: ``../shared/data/reference/office_holders/holders21_leaders_fm_defence.csv``
    (country_hint, position, person, wikidata_id, start, end). ``country_hint`` is the
    EveryPolitician repository name ("russia", "united-kingdom", "us", "saudi", "world").
  * Each (country, position) row is mapped to one of our office kinds: head_of_state
    (President / monarch), head_of_government (Prime Minister / Premier / Federal
    Chancellor; the President where the reference has no prime minister on that date,
    as for the US), foreign_minister, defence_minister, supreme_leader. Positions that
    only look alike ("Minister of Foreign Trade", India's "Minister of Foreign Affairs",
    which Wikidata uses for the Foreign Secretary, Austria's "Secretary of State") are not
    mapped.
  * Sample dates: the 1st of each month from 2000-01 to 2022-06. A date is skipped when
    any hand-over (ours or the reference's) of that office lies within ±15 days.
  * Reference dates may be year- or month-only ("2004"); such a term *surely* covers a
    day only inside its narrowest reading and *may* cover it inside its widest. A date
    is compared only when some reference term surely covers it.
  * A disagreement: on a compared date we name a holder who does not loosely match any
    reference holder that may cover that date. Names match loosely: accents, punctuation
    and particles (al, bin, von...) are ignored and surnames (last names, or any name
    part) match when nearly equal (difflib ratio >= 0.8), also against our aliases.
  * Consecutive sample dates with the same pair of names form one disagreement.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import difflib
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

REPO = Path(__file__).resolve().parents[1]
DEFAULT_REFERENCE = (REPO.parent / "shared" / "data" / "reference" / "office_holders"
                     / "holders21_leaders_fm_defence.csv")
MARGIN_DAYS = 15
FIRST_MONTH = (2000, 1)
LAST_MONTH = (2022, 6)

# EveryPolitician repository names that are not a country name or alias in countries.yaml
HINT_ISO3 = {"us": "USA", "czech": "CZE", "saudi": "SAU", "uae": "ARE", "world": None}

HEAD_OF_STATE = re.compile(r"^(President|monarch)$")
HEAD_OF_GOVERNMENT = re.compile(r"^(Prime Minister|Premier|Federal Chancellor|Premier of the State Council)$")
FOREIGN = re.compile(r"^(Federal )?Minister (of|for) (Foreign Affairs|External Affairs|External Relations)"
                     r"( and Trade| and Cooperation| and European Affairs|, European Union and Foreign Aid)?$"
                     r"|^Minister of Foreign and European Affairs$")
DEFENCE = re.compile(r"^(Federal )?Minister (of|for) (National )?Defen[cs]e"
                     r"( and Armed Forces Logistics| and Military Veterans)?$")
SUPREME = re.compile(r"^(Supreme Leader|General Secretary of the Chinese Communist Party)$")
# Positions named differently in one country, or a look-alike to leave out there.
POSITION_OVERRIDES: dict[str, dict[str, Optional[str]]] = {
    "us": {"Secretary of State": "foreign_minister", "Secretary of Defence": "defence_minister"},
    "united-kingdom": {"Secretary of State for Foreign and Commonwealth Affairs": "foreign_minister",
                       "Secretary of State for Defence": "defence_minister"},
    "mexico": {"Secretary of Foreign Affairs": "foreign_minister"},
    "india": {"Minister of Foreign Affairs": None},  # Wikidata's label for the Foreign Secretary
}
PARTICLES = {"al", "el", "bin", "ibn", "bint", "abu", "de", "da", "do", "dos", "del", "la", "le",
             "van", "von", "der", "den", "di", "du", "mr", "mrs", "ms", "dr", "sir", "sheikh",
             "king", "queen", "emir", "prince", "president", "jr", "sr"}
ROMAN = re.compile(r"^(i|ii|iii|iv|v|vi|vii|viii|ix|x|xi|xii|xiii|xiv|xv|xvi)$")


# ------------------------------------------------------------------ records

@dataclass(frozen=True)
class RefTerm:
    person: str
    wikidata_id: str
    sure_start: dt.date  # latest reading of the start
    sure_end: dt.date  # earliest reading of the end (exclusive); date.max when open
    may_start: dt.date  # earliest reading of the start
    may_end: dt.date  # latest reading of the end

    def surely_covers(self, day: dt.date) -> bool:
        return self.sure_start <= day < self.sure_end

    def may_cover(self, day: dt.date) -> bool:
        return self.may_start <= day < self.may_end


@dataclass
class Disagreement:
    polity: str
    office: str
    ours: str  # our holder's name
    theirs: tuple[str, ...]  # the reference holders on those dates
    first: dt.date
    last: dt.date
    n_dates: int = 1
    kind: str = "different"  # different | gap (we name nobody)

    def row(self) -> list[str]:
        return [self.polity, self.office, self.first.isoformat(), self.last.isoformat(),
                str(self.n_dates), self.ours, " / ".join(self.theirs), self.kind]


@dataclass
class Report:
    disagreements: list[Disagreement] = field(default_factory=list)
    gaps: list[Disagreement] = field(default_factory=list)
    compared: int = 0  # (office, date) pairs compared
    offices: int = 0  # our offices that have a reference counterpart

    @property
    def count(self) -> int:
        return len(self.disagreements)


# ------------------------------------------------------------------ reading the reference

def _partial_date(text: str, latest: bool) -> Optional[dt.date]:
    """'2004-03-09' -> that day; '2004-03' / '2004' -> first (or last) day it may mean."""
    text = (text or "").strip()
    if not text:
        return None
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 3:
        return dt.date(*parts)
    if len(parts) == 2:
        y, m = parts
        if not latest:
            return dt.date(y, m, 1)
        return dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)
    return dt.date(parts[0], 12, 31) if latest else dt.date(parts[0], 1, 1)


def _ref_term(row: dict) -> Optional[RefTerm]:
    try:
        may_start, sure_start = _partial_date(row["start"], False), _partial_date(row["start"], True)
        may_end, sure_end = _partial_date(row["end"], True), _partial_date(row["end"], False)
    except ValueError:
        return None
    if may_start is None:
        return None
    open_end = dt.date.max
    return RefTerm(row["person"], row.get("wikidata_id", ""), sure_start, sure_end or open_end,
                   may_start, may_end or open_end)


def office_kind(hint: str, position: str) -> Optional[str]:
    """Our office kind for a reference position (None: not one we compare)."""
    overrides = POSITION_OVERRIDES.get(hint, {})
    if position in overrides:
        return overrides[position]
    if HEAD_OF_STATE.match(position):
        return "head_of_state"
    if HEAD_OF_GOVERNMENT.match(position):
        return "head_of_government"
    if FOREIGN.match(position):
        return "foreign_minister"
    if DEFENCE.match(position):
        return "defence_minister"
    if SUPREME.match(position):
        return "supreme_leader"
    return None


def hint_to_iso3(kb) -> dict[str, Optional[str]]:
    """EveryPolitician repository names ("south-korea") -> ISO3, from the country gazetteer."""
    out: dict[str, Optional[str]] = {}
    for c in kb.countries.values():
        for name in (c.name, *c.aliases):
            out.setdefault(_slug(name), c.iso3)
    out.update(HINT_ISO3)
    return out


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", _ascii(name).lower()).strip("-")


def load_reference(path: Path, kb) -> dict[tuple[str, str], dict[str, list[RefTerm]]]:
    """(iso3, office kind) -> {position: [terms]} for the positions we compare."""
    iso = hint_to_iso3(kb)
    out: dict[tuple[str, str], dict[str, list[RefTerm]]] = {}
    with Path(path).open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            hint, position = row["country_hint"], row["position"]
            kind, iso3 = office_kind(hint, position), iso.get(hint)
            term = _ref_term(row)
            if kind is None or iso3 is None or term is None:
                continue
            out.setdefault((iso3, kind), {}).setdefault(position, []).append(term)
    # a President heads the government only where the reference lists no prime minister
    for (iso3, kind), positions in list(out.items()):
        if kind == "head_of_state" and "President" in positions:
            gov = out.setdefault((iso3, "head_of_government"), {})
            gov.setdefault("President (fallback)", positions["President"])
    return out


# ------------------------------------------------------------------ loose name matching

def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def name_parts(name: str) -> list[str]:
    """'John Reid, Baron Reid of Cardowan' -> ['john', 'reid']; 'Felipe VI of Spain' -> ['felipe']."""
    name = _ascii(name).split(",")[0]
    name = re.sub(r"\(.*?\)", " ", name)
    name = re.sub(r"\s+of\s+(the\s+)?[A-Z][\w\s]*$", "", name)  # "... of Denmark"
    words = re.split(r"[\s\-\.'’]+", name.lower())
    return [w for w in (re.sub(r"[^a-z]", "", w) for w in words)
            if w and w not in PARTICLES and not ROMAN.match(w)]


def _close(a: str, b: str) -> bool:
    return a == b or (min(len(a), len(b)) >= 4 and difflib.SequenceMatcher(None, a, b).ratio() >= 0.8)


def loosely_same(a: str, b: str) -> bool:
    """Same person, allowing spelling variants: the surname of one is (nearly) a name part of the other."""
    pa, pb = name_parts(a), name_parts(b)
    if not pa or not pb:
        return False
    if any(_close(pa[-1], w) for w in pb) or any(_close(pb[-1], w) for w in pa):
        return True
    joined_a, joined_b = "".join(pa), "".join(pb)  # "Song Min-soon" vs "Song Minsoon"
    return joined_a == joined_b or difflib.SequenceMatcher(None, joined_a, joined_b).ratio() >= 0.9


def person_matches(person, ref_name: str) -> bool:
    return any(loosely_same(n, ref_name) for n in (person.name, *person.aliases) if len(n) > 2)


# ------------------------------------------------------------------ the comparison

def sample_dates(first: tuple[int, int] = FIRST_MONTH, last: tuple[int, int] = LAST_MONTH) -> list[dt.date]:
    y, m = first
    out = []
    while (y, m) <= last:
        out.append(dt.date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _near(day: dt.date, boundaries: Iterable[dt.date], margin: int) -> bool:
    return any(abs((day - b).days) <= margin for b in boundaries)


def _ref_on(positions: dict[str, list[RefTerm]], day: dt.date) -> tuple[list[RefTerm], list[RefTerm]]:
    """(terms surely covering, terms maybe covering) ``day``. The President stands in for
    the head of government only where the reference has no prime minister at all (the US)
    or none any more (Turkey after 2018); not before its first one or in a gap between
    two (holders21 lists 21st-century terms; a gap there is missing data)."""
    main = [t for p, ts in positions.items() if p != "President (fallback)" for t in ts]
    maybe = [t for t in main if t.may_cover(day)]
    after_last = not main or day >= max(t.may_end for t in main)
    if not maybe and after_last:  # no prime minister in the reference, or none any more
        maybe = [t for t in positions.get("President (fallback)", []) if t.may_cover(day)]
    return [t for t in maybe if t.surely_covers(day)], maybe


def check_offices(kb=None, reference: Path | str = DEFAULT_REFERENCE, *, margin_days: int = MARGIN_DAYS,
                  dates: Optional[list[dt.date]] = None, polities: Optional[set[str]] = None) -> Report:
    """Compare ``kb``'s office terms with the reference on ``dates``; see the module docstring."""
    if kb is None:
        from detente.actors.kb import load_kb

        kb = load_kb()
    ref = load_reference(Path(reference), kb)
    dates = dates or sample_dates()
    report = Report()
    for office in kb.offices:
        if polities and office.polity not in polities:
            continue
        positions = ref.get((office.polity, office.office))
        if not positions:
            continue
        report.offices += 1
        boundaries = {d for t in office.terms for d in (t.start, t.end) if d}
        boundaries |= {d for ts in positions.values() for t in ts
                       for d in (t.sure_start, t.may_start, t.sure_end, t.may_end) if d != dt.date.max}
        for day in dates:
            if _near(day, boundaries, margin_days):
                continue
            sure, maybe = _ref_on(positions, day)
            if not sure:
                continue
            report.compared += 1
            theirs = tuple(dict.fromkeys(t.person for t in sure))
            term = office.holder_on(day)
            if term is None:
                _add(report.gaps, office, "(nobody)", theirs, day, "gap")
                continue
            person = kb.people[term.person]
            if not any(person_matches(person, t.person) for t in maybe):
                _add(report.disagreements, office, person.name, theirs, day, "different")
    return report


def _add(out: list[Disagreement], office, ours: str, theirs: tuple[str, ...], day: dt.date, kind: str) -> None:
    prev = out[-1] if out else None
    if (prev and prev.polity == office.polity and prev.office == office.office and prev.ours == ours
            and prev.theirs == theirs and (day - prev.last).days <= 62):
        prev.last, prev.n_dates = day, prev.n_dates + 1
        return
    out.append(Disagreement(office.polity, office.office, ours, theirs, day, day, 1, kind))


# ------------------------------------------------------------------ command line

def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reference", default=str(DEFAULT_REFERENCE), help="holders21 CSV")
    ap.add_argument("--polity", action="append", help="only this ISO3 (repeatable)")
    ap.add_argument("--margin", type=int, default=MARGIN_DAYS, help="days ignored around hand-overs")
    ap.add_argument("--gaps", action="store_true", help="also list dates where we name nobody")
    ap.add_argument("--tsv", help="write the disagreements (and gaps) to this TSV file")
    args = ap.parse_args(argv)
    if not Path(args.reference).is_file():
        print(f"reference not found: {args.reference}", file=sys.stderr)
        return 2
    report = check_offices(reference=args.reference, margin_days=args.margin,
                           polities=set(args.polity) if args.polity else None)
    rows = sorted(report.disagreements, key=lambda d: -d.n_dates)
    print("polity\toffice\tfirst\tlast\tmonths\tours\treference")
    for d in rows:
        print("\t".join(d.row()[:7]))
    if args.gaps:
        print("\n# dates where we name nobody and the reference names someone")
        for d in sorted(report.gaps, key=lambda d: -d.n_dates):
            print("\t".join(d.row()[:7]))
    if args.tsv:
        with open(args.tsv, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, delimiter="\t")
            w.writerow(["polity", "office", "first", "last", "months", "ours", "reference", "kind"])
            w.writerows(d.row() for d in rows + report.gaps)
    months = sum(d.n_dates for d in report.disagreements)
    print(f"\n{report.count} disagreements ({months} office-months) over {report.compared} "
          f"office-months compared in {report.offices} offices; {len(report.gaps)} gaps "
          f"({sum(d.n_dates for d in report.gaps)} office-months) where we name nobody")
    print("command: " + " ".join(["bench/check_offices.py", *(argv if argv is not None else sys.argv[1:])]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
