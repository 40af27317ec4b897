"""The shipped knowledge: schema-checked at load, consistent, complete, and close to Wikidata.

* a broken file (in a tmp copy) raises KnowledgeError naming the file, the entry and the field;
* within one office, terms never overlap (the hand-over day belongs to the successor);
* every holder is a defined person; every UN member state is in the gazetteer;
* our heads of state/government, foreign and defence ministers agree with Wikidata
  (bench/check_offices.py; needs ../shared).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from detente.actors.kb import DATA_DIR, default_kb, load_kb
from detente.errors import KnowledgeError

REPO = Path(__file__).resolve().parents[1]

# The 193 member states of the United Nations (ISO 3166-1 alpha-3).
UN_MEMBERS = frozenset("""
AFG ALB DZA AND AGO ATG ARG ARM AUS AUT AZE BHS BHR BGD BRB BLR BEL BLZ BEN BTN BOL BIH BWA BRA
BRN BGR BFA BDI CPV KHM CMR CAN CAF TCD CHL CHN COL COM COG COD CRI CIV HRV CUB CYP CZE DNK DJI
DMA DOM ECU EGY SLV GNQ ERI EST SWZ ETH FJI FIN FRA GAB GMB GEO DEU GHA GRC GRD GTM GIN GNB GUY
HTI HND HUN ISL IND IDN IRN IRQ IRL ISR ITA JAM JPN JOR KAZ KEN KIR KWT KGZ LAO LVA LBN LSO LBR
LBY LIE LTU LUX MDG MWI MYS MDV MLI MLT MHL MRT MUS MEX FSM MDA MCO MNG MNE MAR MOZ MMR NAM NRU
NPL NLD NZL NIC NER NGA PRK MKD NOR OMN PAK PLW PAN PNG PRY PER PHL POL PRT QAT KOR ROU RUS RWA
KNA LCA VCT WSM SMR STP SAU SEN SRB SYC SLE SGP SVK SVN SLB SOM ZAF SSD ESP LKA SDN SUR SWE CHE
SYR TJK TZA THA TLS TGO TON TTO TUN TUR TKM TUV UGA UKR ARE GBR USA URY UZB VUT VEN VNM YEM ZMB
ZWE
""".split())

# CAMEO sector (role) codes, plus the PLOVER/NGEC additions the knowledge files use.
SECTORS = frozenset("""
GOV MIL REB OPP PTY COP JUD SPY MED EDU BUS CRM CVL LEG ELI HLH REF AGR NGO IGO IMG INS SEP UAF
RAD LAB REL MOD PRM ENV DEV HRI UNK SET AMN
""".split())

# Wikidata cross-check: the real figure when this test was written was 8 disagreements
# (22 office-months of 36,959 compared, 153 offices); the bound leaves room for the
# office files still being added.
MAX_DISAGREEMENTS = 20
MAX_DISAGREEING_SHARE = 0.005


@pytest.fixture(scope="module")
def kb():
    return default_kb()


def _offices():
    try:
        return default_kb().offices
    except KnowledgeError:  # reported by test_shipped_knowledge_loads
        return []


def _office_id(office) -> str:
    return f"{office.polity}:{office.office}"


# --------------------------------------------------------------------------- loading

def test_shipped_knowledge_loads():
    kb = default_kb()  # load_kb(DATA_DIR), cached for the session
    assert kb.countries and kb.organisations and kb.agents and kb.people and kb.offices


def test_un_member_states_are_all_in_the_gazetteer(kb):
    assert len(UN_MEMBERS) == 193
    assert not UN_MEMBERS - set(kb.countries), "missing UN members"
    assert len(kb.countries) >= 193


def test_countries_have_a_name_and_an_adjective(kb):
    bad = [c.iso3 for c in kb.countries.values() if not c.name or not c.adjectives]
    assert not bad


def test_sectors_are_cameo_codes(kb):
    used = {m.sector for c in kb.countries.values() for m in c.metonyms}
    used |= set(kb.agents.values()) | {o.sector for o in kb.organisations.values()}
    used |= {r.sector for p in kb.people.values() for r in p.other_roles}
    assert not used - SECTORS


# --------------------------------------------------------------------------- broken files

@pytest.fixture(scope="module")
def few_countries() -> str:
    """The first entries of the shipped country gazetteer, plus the US (fast to reload)."""
    entries = yaml.safe_load((DATA_DIR / "countries.yaml").read_text(encoding="utf-8"))
    keep = entries[:8] + [e for e in entries if e["iso3"] == "USA"]
    return yaml.safe_dump(keep, allow_unicode=True, sort_keys=False)


@pytest.fixture
def data_copy(tmp_path: Path, few_countries: str) -> Path:
    """A small copy of the package data: some countries and the US offices, as shipped."""
    (tmp_path / "offices").mkdir()
    (tmp_path / "countries.yaml").write_text(few_countries, encoding="utf-8")
    shutil.copy(DATA_DIR / "offices" / "USA.yaml", tmp_path / "offices" / "USA.yaml")
    load_kb(tmp_path)  # the untouched copy loads
    return tmp_path


def _edit(path: Path, change) -> None:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _bad_date(doc):
    doc["offices"][0]["holders"][1]["start"] = "2001-02-30"


def _undefined_holder(doc):
    doc["offices"][0]["holders"][1]["person"] = "nobody-at-all"


def _aliases_not_a_list(doc):
    doc["people"][2]["aliases"] = "Obama"


def _no_polity(doc):
    del doc["polity"]


def _no_holder_start(doc):
    del doc["offices"][2]["holders"][0]["start"]


@pytest.mark.parametrize("change, expected", [
    (_bad_date, ["USA.yaml:offices[0].holders[1]", "'start'", "ISO date", "2001-02-30"]),
    (_undefined_holder, ["offices/USA.yaml:head_of_state", "'nobody-at-all'", "not defined"]),
    (_aliases_not_a_list, ["USA.yaml:people[2]", "'aliases'", "list of strings"]),
    (_no_polity, ["USA.yaml", "missing field 'polity'"]),
    (_no_holder_start, ["USA.yaml:offices[2].holders[0]", "missing field 'start'"]),
], ids=["bad-date", "undefined-holder", "aliases-not-a-list", "no-polity", "holder-without-start"])
def test_broken_office_file_names_file_entry_and_field(data_copy, change, expected):
    _edit(data_copy / "offices" / "USA.yaml", change)
    with pytest.raises(KnowledgeError) as err:
        load_kb(data_copy)
    for part in expected:
        assert part in str(err.value)


def test_country_without_name_names_the_entry(data_copy):
    _edit(data_copy / "countries.yaml", lambda doc: doc[5].pop("name"))
    with pytest.raises(KnowledgeError, match=r"countries\.yaml\[5\]: missing field 'name'"):
        load_kb(data_copy)


def test_unparsable_yaml_names_the_file(data_copy):
    path = data_copy / "offices" / "USA.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n  - {person: [unclosed\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"USA\.yaml: cannot read knowledge file"):
        load_kb(data_copy)


def test_missing_countries_is_an_error(tmp_path):
    with pytest.raises(KnowledgeError, match="no countries loaded"):
        load_kb(tmp_path)


# --------------------------------------------------------------------------- offices over time

@pytest.mark.parametrize("office", _offices(), ids=_office_id)
def test_terms_in_one_office_never_overlap(office):
    """Sorted by start; each term ends on or before its successor starts (the end is the
    hand-over day, exclusive) and only the last may still be running."""
    for term in office.terms:
        assert term.end is None or term.start < term.end, f"{term} ends before it starts"
    for prev, nxt in zip(office.terms, office.terms[1:]):
        assert prev.end is not None, f"{prev.person} is still in office when {nxt.person} starts"
        assert prev.end <= nxt.start, f"{prev.person} until {prev.end} overlaps {nxt.person} from {nxt.start}"


def test_every_holder_is_a_defined_person(kb):
    missing = {(o.polity, o.office, t.person) for o in kb.offices for t in o.terms if t.person not in kb.people}
    assert not missing


def test_every_office_belongs_to_a_country_or_organisation(kb):
    unknown = {o.polity for o in kb.offices} - set(kb.countries) - set(kb.organisations)
    assert not unknown


def test_people_have_a_name_and_a_known_country(kb):
    bad = [p.id for p in kb.people.values()
           if not p.name or (p.country and p.country not in kb.countries)]
    assert not bad


def test_each_office_kind_is_held_once_per_polity(kb):
    seen: dict[tuple[str, str], int] = {}
    for o in kb.offices:
        seen[(o.polity, o.office)] = seen.get((o.polity, o.office), 0) + 1
    assert not {k for k, n in seen.items() if n > 1}


def test_terms_start_in_the_past(kb):
    today = dt.date.today()
    assert not [(o.polity, o.office, t.person) for o in kb.offices for t in o.terms if t.start > today]


# --------------------------------------------------------------------------- against Wikidata

def _check_offices_module():
    """bench/check_offices.py, imported by path (bench/ is not a package)."""
    name = "bench_check_offices"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, REPO / "bench" / "check_offices.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up while the class is built
        spec.loader.exec_module(module)
    return sys.modules[name]


def test_loose_name_match_ignores_spelling_but_not_people():
    check = _check_offices_module()
    assert check.loosely_same("Sergey Shoygu", "Sergei Shoigu")
    assert check.loosely_same("Song Min-soon", "Song Minsoon")
    assert check.loosely_same("John Reid", "John Reid, Baron Reid of Cardowan")
    assert check.loosely_same("Felipe VI", "Felipe VI of Spain")
    assert not check.loosely_same("Kim Jong-il", "Kim Jong-un")
    assert not check.loosely_same("John Kerry", "Antony Blinken")


def test_office_terms_agree_with_wikidata(kb, shared_dir):
    reference = shared_dir / "data" / "reference" / "office_holders" / "holders21_leaders_fm_defence.csv"
    if not reference.is_file():
        pytest.skip(f"{reference} is absent")
    report = _check_offices_module().check_offices(kb, reference)
    assert report.compared > 10_000, "the reference no longer maps onto our offices"
    months = sum(d.n_dates for d in report.disagreements)
    listing = "\n".join("  " + " | ".join(d.row()) for d in report.disagreements)
    assert report.count < MAX_DISAGREEMENTS, f"{report.count} disagreements:\n{listing}"
    assert months / report.compared < MAX_DISAGREEING_SHARE, listing
