"""Who is who on the event's date: titles, names, metonyms, agents, counterparts, dating.

The hand-over tests take every term boundary of every shipped office (heads of state and
government, foreign and defence ministers, supreme leaders, crown princes, heads of
international organisations) and check the holder the day before and on the hand-over
day, through ``ActorResolver.office_actor``: no answers are written here, they come from
the data. The phrase tests go through ``service.resolve_phrase`` with the real parser
(``slow``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from detente import service
from detente.actors.gazetteer import Gazetteer
from detente.actors.kb import default_kb
from detente.actors.resolve import ActorResolver

ONE_DAY = dt.timedelta(days=1)


@pytest.fixture(scope="module")
def kb():
    return default_kb()


@pytest.fixture(scope="module")
def resolver(kb) -> ActorResolver:
    """A resolver without spaCy: office_actor and person_actor never tokenize."""
    return ActorResolver(kb, Gazetteer(kb, str.split))


def _offices():
    try:
        return default_kb().offices
    except Exception:  # noqa: BLE001 - the load failure is reported by test_knowledge
        return []


def _office_id(office) -> str:
    return f"{office.polity}:{office.office}"


def _hand_overs(office):
    """(day, person expected that day) around every boundary of the office's terms."""
    out = []
    for prev, nxt in zip(office.terms, office.terms[1:]):
        out.append((prev.end - ONE_DAY, prev.person))  # the last day of the outgoing holder
        out.append((nxt.start, nxt.person))  # the hand-over day belongs to the successor
    first, last = office.terms[0], office.terms[-1]
    out.append((first.start, first.person))
    if last.end is None:
        out.append((dt.date.today(), last.person))
    else:
        out.append((last.end - ONE_DAY, last.person))
    return out


def _kinds_of_offices():
    return sorted({o.office for o in _offices()})


# ----------------------------------------------------------------- titles on a date (no spaCy)

def test_every_core_office_kind_is_shipped(kb):
    kinds = {o.office for o in kb.offices}
    assert {"head_of_state", "head_of_government", "foreign_minister", "defence_minister"} <= kinds


@pytest.mark.parametrize("office", _offices(), ids=_office_id)
def test_title_resolves_to_holder_on_event_date(resolver, office):
    wrong = []
    for day, pid in _hand_overs(office):
        actor = resolver.office_actor(office.polity, office.office, day)
        if actor.kb_id != f"person:{pid}" or actor.role != office.title or actor.basis != "title":
            wrong.append(f"{day}: expected {pid}, got {actor.kb_id} ({actor.role})")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("office", _offices(), ids=_office_id)
def test_vacant_office_resolves_to_the_institution(resolver, kb, office):
    """Between two holders (an acting holder left out), or before the first: no person."""
    days = [prev.end for prev, nxt in zip(office.terms, office.terms[1:]) if prev.end < nxt.start]
    days.append(office.terms[0].start - ONE_DAY)
    for day in days:
        actor = resolver.office_actor(office.polity, office.office, day)
        assert actor.kb_id is None and actor.basis == "title-unresolved", f"{day}: {actor}"
        assert actor.code == (office.polity + "GOV" if office.polity in kb.countries else office.polity)


def _coded_by_office_country():
    """A holder whose home country differs from the office's (a monarch of several realms)."""
    out = []
    for office in _offices():
        kb = default_kb()
        abroad = sorted({t.person for t in office.terms
                         if office.polity in kb.countries and kb.people[t.person].country != office.polity})
        out.append(pytest.param(office, id=_office_id(office)))
    return out


@pytest.mark.parametrize("office", _coded_by_office_country())
def test_office_holder_is_coded_with_the_office_polity(resolver, kb, office):
    for day, pid in _hand_overs(office):
        actor = resolver.office_actor(office.polity, office.office, day)
        if office.polity in kb.countries:
            assert (actor.code, actor.country, actor.sector) == (office.polity + "GOV", office.polity, "GOV"), day
        else:  # heading an international organisation
            assert office.polity in kb.organisations, f"unknown organisation code {office.polity}"
            assert (actor.code, actor.country) == (office.polity, None), day


@pytest.mark.parametrize("office", _offices(), ids=_office_id)
def test_holders_on_lists_the_incoming_holder_on_hand_over_day(kb, office):
    for term in office.terms:
        rows = service.holders_on(kb, term.start.isoformat(), office.polity)
        row = next(r for r in rows if r["office"] == office.office)
        assert row["kb_id"] == f"person:{term.person}" and row["start"] == term.start.isoformat()


@pytest.mark.parametrize("kind", _kinds_of_offices())
def test_person_named_on_a_date_takes_the_role_they_held(resolver, kb, kind):
    """Whoever holds an office of this kind is, named alone, coded with that office's role
    on a day inside the term, and as a former office holder (ELI) after their last term."""
    for office in (o for o in kb.offices if o.office == kind):
        for term in office.terms:
            mid = term.start + ((term.end or dt.date.today()) - term.start) / 2
            actor = resolver.person_actor(term.person, mid)
            held = {o.title for o, t in kb.terms_of(term.person) if t.covers(mid)}
            assert actor.role in held, f"{term.person} on {mid}: {actor.role}"
            later = [t for _, t in kb.terms_of(term.person)]
            if all(t.end is not None for t in later):
                after = max(t.end for t in later) + dt.timedelta(days=400)
                roles = [r for r in kb.people[term.person].other_roles
                         if (r.start is None or r.start <= after) and (r.end is None or after < r.end)]
                if not roles and after < dt.date.today():
                    retired = resolver.person_actor(term.person, after)
                    assert retired.sector == "ELI" and retired.role.startswith("former "), term.person


# ----------------------------------------------------------------- phrases with the real parser

def _holder(kb, polity: str, office: str, day: str) -> str:
    term = kb.office(polity, office).holder_on(dt.date.fromisoformat(day))
    return kb.people[term.person].name


PERSON_CASES = [
    # phrase, date, context, expected name
    ("the US Secretary of State", "2015-01-03", None, "John Kerry"),
    ("the US Secretary of State", "2022-03-01", None, "Antony Blinken"),
    ("the Secretary of State", "2015-01-03", None, "John Kerry"),
    ("the Secretary of State", "2022-03-01", None, "Antony Blinken"),
    ("Russia's foreign minister", "2020-01-01", None, "Sergey Lavrov"),
    ("the British Prime Minister", "2015-06-01", None, "David Cameron"),
    ("the German Chancellor", "2022-06-01", None, "Olaf Scholz"),
    ("the German Chancellor", "2015-06-01", None, "Angela Merkel"),
    ("Moscow's top diplomat", "2020-01-01", None, "Sergey Lavrov"),
    ("Moscow's top diplomat", "2003-01-01", None, "Igor Ivanov"),
    ("the Pentagon chief", "2022-03-01", None, "Lloyd Austin"),
    ("Iran's Supreme Leader", "2020-01-01", None, "Ali Khamenei"),
    ("the Israeli Prime Minister", "2010-01-01", None, "Benjamin Netanyahu"),
    ("Sergei Lavrov", "2020-01-01", None, "Sergey Lavrov"),
    ("Zelensky", "2022-03-01", None, "Volodymyr Zelensky"),
    ("Mr. Biden", "2022-03-01", None, "Joe Biden"),
]

ORG_HEAD_CASES = [
    ("the NATO Secretary General", "2020-01-01", "Jens Stoltenberg"),
    ("NATO chief", "2016-01-01", "Jens Stoltenberg"),
    ("the UN Secretary-General", "2020-01-01", "António Guterres"),
]

CODE_CASES = [
    # phrase, date, context, expected code, expected role prefix (or None)
    ("Mr. Biden", "2022-03-01", None, "USAGOV", "President"),
    ("Merkel", "2022-03-01", None, "DEUELI", "former "),
    ("Trump", "2022-06-01", None, "USAELI", "former "),
    ("Trump", "2019-06-01", None, "USAGOV", "President"),
    ("Putin", "2009-06-01", None, "RUSGOV", "Prime Minister"),
    ("Putin", "2022-03-01", None, "RUSGOV", "President"),
    ("the Kremlin", "2020-01-01", None, "RUSGOV", None),
    ("the White House", "2020-01-01", None, "USAGOV", None),
    ("the Pentagon", "2020-01-01", None, "USAMIL", None),
    ("Russian troops", "2022-03-01", None, "RUSMIL", None),
    ("Ukrainian officials", "2022-03-01", None, "UKRGOV", None),
    ("Syrian opposition groups", "2015-01-01", None, "SYROPP", None),
    ("Israeli police", "2015-01-01", None, "ISRCOP", None),
]

COUNTERPART_CASES = [
    # phrase, date, context, polity and office of the counterpart
    pytest.param("his Russian counterpart", "2022-03-01", "Blinken met", "RUS", "foreign_minister", id="blinken-russian-counterpart"),
    pytest.param("his American counterpart", "2015-01-03", "Lavrov met", "USA", "foreign_minister", id="lavrov-american-counterpart"),
    pytest.param("his Russian counterpart", "2022-03-01", "Secretary of State Antony Blinken met",
                 "RUS", "foreign_minister", id="titled-blinken-counterpart"),
]

BARE_TITLE_CASES = [
    # phrase, date, context (names the place), polity and office
    ("the foreign minister", "2020-01-01", "In Moscow,", "RUS", "foreign_minister"),
    ("the prime minister", "2015-06-01", "In London,", "GBR", "head_of_government"),
    ("the foreign minister", "2015-06-01", "In Paris,", "FRA", "foreign_minister"),
]


@pytest.mark.slow
@pytest.mark.parametrize("text, date, context, name", PERSON_CASES)
def test_phrase_resolves_to_person_on_date(pipeline, text, date, context, name):
    res = service.resolve_phrase(pipeline, text, date, context)
    assert res.actor is not None, res.why
    assert res.actor["name"] == name, res.why


@pytest.mark.slow
@pytest.mark.parametrize("text, date, name", ORG_HEAD_CASES)
def test_organisation_head_title_resolves_to_holder(pipeline, text, date, name):
    if not any(o.polity in pipeline.kb.organisations for o in pipeline.kb.offices):
        pytest.skip("no organisation offices shipped yet (offices/ORGS.yaml)")
    res = service.resolve_phrase(pipeline, text, date)
    assert res.actor is not None and res.actor["name"] == name, res.why
    assert res.actor["country"] is None and res.actor["code"] in pipeline.kb.organisations


@pytest.mark.slow
@pytest.mark.parametrize("text, date, context, code, role", CODE_CASES)
def test_phrase_resolves_to_code_on_date(pipeline, text, date, context, code, role):
    res = service.resolve_phrase(pipeline, text, date, context)
    assert res.actor is not None, res.why
    assert res.actor["code"] == code, res.why
    if role is not None:
        assert (res.actor["role"] or "").startswith(role), res.why


@pytest.mark.slow
@pytest.mark.parametrize("text, date, context, polity, office", COUNTERPART_CASES)
def test_counterpart_is_the_same_office_in_the_named_country(pipeline, text, date, context, polity, office):
    _assert_resolves_to_holder(pipeline, text, date, context, polity, office)


@pytest.mark.slow
@pytest.mark.parametrize("text, date, context, polity, office", BARE_TITLE_CASES)
def test_bare_title_takes_the_country_from_the_sentence(pipeline, text, date, context, polity, office):
    actor = _assert_resolves_to_holder(pipeline, text, date, context, polity, office)
    assert actor["country"] == polity


def _assert_resolves_to_holder(pipeline, text, date, context, polity, office) -> dict:
    """The phrase resolves to whoever held ``office`` of ``polity`` on ``date``."""
    res = service.resolve_phrase(pipeline, text, date, context)
    assert res.actor is not None, res.why
    assert res.actor["name"] == _holder(pipeline.kb, polity, office, date), res.why
    return res.actor


@pytest.mark.slow
def test_explain_names_the_holder_and_the_term(pipeline):
    why = service.resolve_phrase(pipeline, "the US Secretary of State", "2015-01-03").why
    assert "title -> office foreign_minister of USA" in why
    assert "holder on 2015-01-03: John Kerry (2013-02-01 to 2017-01-20)" in why


@pytest.mark.slow
def test_title_without_a_date_is_the_institution(pipeline):
    res = service.resolve_phrase(pipeline, "the US Secretary of State", None)
    assert res.actor["code"] == "USAGOV" and res.actor["kb_id"] is None
    assert "no date given: holder unknown" in res.why


# ----------------------------------------------------------------- dating an undated article

UNDATED = (
    "Leaders discuss Syria in London\n\n"
    "President Barack Obama met Prime Minister David Cameron in London on Friday. "
    "Secretary of State John Kerry joined the talks, which focused on the war in Syria "
    "and on sanctions against Russia.\n"
)


@pytest.mark.slow
def test_undated_article_is_dated_by_the_offices_it_names(pipeline, tmp_path: Path):
    path = tmp_path / "undated.txt"
    path.write_text(UNDATED, encoding="utf-8")
    problems: list = []
    [coded] = list(pipeline.process([str(path)], on_problem=problems.append))
    article = coded.article
    assert article.published_basis == "inferred", problems
    lo, hi = map(dt.date.fromisoformat, article.published_interval)
    # Kerry took office 2013-02-01; Cameron left 2016-07-13
    assert dt.date(2013, 2, 1) <= lo <= hi <= dt.date(2016, 7, 13)
    assert lo <= dt.date.fromisoformat(article.published) <= hi


@pytest.mark.slow
def test_an_undated_article_is_placed_in_the_month_it_names_without_a_year(pipeline, tmp_path: Path):
    path = tmp_path / "undated.txt"
    path.write_text(UNDATED + "The next round is set for March 12, and a deal is due by the end of "
                    "March. Relations soured through 2014.\n", encoding="utf-8")
    [coded] = list(pipeline.process([str(path)], on_problem=lambda p: None))
    lo, hi = map(dt.date.fromisoformat, coded.article.published_interval)
    published = dt.date.fromisoformat(coded.article.published)
    assert lo <= published <= hi and published.month == 3
    assert dt.date(2014, 1, 1) <= lo
