"""The rule coder reads who did what to whom, whether it happened, when and where.

Short sentences written for these tests (none taken from the seeds or ../shared/data), one
behaviour each: dyads from the parse (passive, "X and Y agreed", "talks between", "urged X
to", nominal events, compound actors, reported speech), modality (planned, conditional
threat, negated, hypothetical; analysts' generalisations are no events), event dates from
the governing time expression, and places from the offline gazetteer. Event codes are
checked by CAMEO root only: the trigger lexicon (data/verbs.yaml) refines codes on its own.

The classifier's second reading (coding/refine.py) is switched off here: these are tests
of the rules.
"""

from __future__ import annotations

from typing import Optional

import pytest

from detente.types import Article, Event

pytestmark = pytest.mark.slow

SATURDAY = "2023-06-10"  # "on Friday" is 2023-06-09, "three days ago" 2023-06-07


@pytest.fixture
def code(pipeline, monkeypatch):
    """Run the rule coder on one short article; returns its events."""
    monkeypatch.setattr(pipeline, "refiner", None)

    def run(text: str, published: Optional[str] = SATURDAY) -> list[Event]:
        art = Article(id="t", text=text, path="t.txt", published=published,
                      published_basis="metadata" if published else "none")
        problems: list = []
        [coded] = list(pipeline.run([art], on_problem=problems.append))
        assert problems == []
        return list(coded.events)

    return run


def pairs(events: list[Event], root: Optional[str] = None) -> set[tuple[Optional[str], Optional[str]]]:
    return {(e.source.country, e.target.country if e.target else None)
            for e in events if root is None or e.cameo_root == root}


def only(events: list[Event], root: str, src: str, tgt: Optional[str]) -> Event:
    found = [e for e in events if e.cameo_root == root and e.source.country == src
             and (e.target.country if e.target else None) == tgt]
    assert found, f"no {root} event {src}->{tgt} in {[(e.cameo, e.source.code, e.target and e.target.code) for e in events]}"
    return found[0]


# --- dyads --------------------------------------------------------------------------------


@pytest.mark.parametrize("text, root, dyad", [
    ("Estonia was criticized by Russia.", "11", ("RUS", "EST")),
    ("Sanctions were imposed on Belarus by Canada.", "16", ("CAN", "BLR")),
])
def test_passive_voice_takes_the_agent_as_source(code, text, root, dyad):
    assert dyad in pairs(code(text), root)
    assert dyad[::-1] not in pairs(code(text), root)


def test_x_and_y_agreed_is_done_with_each_other(code):
    found = code("Finland and Sweden agreed to hold joint talks.")
    assert {("FIN", "SWE"), ("SWE", "FIN")} <= pairs(found, "03")


def test_x_met_y_is_a_consultation_both_ways(code):
    found = code("The French President met the Chinese Premier.")
    assert pairs(found, "04") == {("FRA", "CHN"), ("CHN", "FRA")}


def test_talks_between_x_and_y_are_between_them(code):
    found = code("Talks between Turkey and Greece resumed on Tuesday.")
    assert pairs(found, "04") == {("TUR", "GRC"), ("GRC", "TUR")}


def test_urging_someone_to_act_targets_the_one_urged(code):
    assert pairs(code("Germany urged Hungary to drop its veto."), "02") == {("DEU", "HUN")}


@pytest.mark.parametrize("text", [
    "The Kenyan foreign minister asked whether Ethiopia would close its border with Somalia.",
    "Chile's president asked why Argentina had recalled its envoy.",
])
def test_asking_a_question_is_no_appeal(code, text):
    assert pairs(code(text), "02") == set() and pairs(code(text), "10") == set()


def test_asking_someone_to_act_is_still_an_appeal(code):
    assert ("KEN", "ETH") in pairs(code("Kenya asked Ethiopia to reopen the border."), "02")


@pytest.mark.parametrize("text, dyad", [
    ("Poland demanded that Belarus release the detained journalists.", ("POL", "BLR")),
    ("Turkey insisted that Sweden must extradite the suspects.", ("TUR", "SWE")),
])
def test_demanding_that_someone_act_targets_them(code, text, dyad):
    assert dyad in pairs(code(text), "10")


def test_insisting_on_a_fact_is_no_demand(code):
    assert pairs(code("Turkey insisted that Sweden was to blame for the delay."), "10") == set()


@pytest.mark.parametrize("text, target", [
    ("Canada imposed sanctions on Iran.", "IRN"),
    ("Canada imposed sanctions on Iranian individuals and firms.", "IRN"),  # a demonym, no actor
])
def test_sanctions_on_someone_target_them(code, text, target):
    assert pairs(code(text), "16") == {("CAN", target)}


def test_two_acts_of_one_root_in_one_sentence_are_both_kept(code):
    """Sanctions (163) and expelled diplomats (161) are two acts, though both CAMEO 16."""
    found = code("Canada imposed sanctions on Iranian officials and expelled four diplomats.")
    assert {e.cameo for e in found if pairs([e]) == {("CAN", "IRN")}} == {"163", "161"}


@pytest.mark.parametrize("text, root, expected", [
    ("The Macron-Scholz meeting produced little.", "04", {("FRA", "DEU"), ("DEU", "FRA")}),
    ("Russia's annexation of Crimea angered Kyiv.", "19", {("RUS", "UKR")}),  # a region: its country
    ("Macron held a phone call with Zelenskyy on Thursday.", "04", {("FRA", "UKR"), ("UKR", "FRA")}),
    ("Erdogan paid a visit to Sochi on Monday.", "04", {("TUR", "RUS")}),
    ("A visit by the Turkish President to Moscow was announced.", "04", {("TUR", "RUS")}),
])
def test_event_nouns_have_their_dyad(code, text, root, expected):
    assert pairs(code(text), root) == expected


def test_coordinated_national_modifiers_are_one_actor_each(code):
    found = code("Senior Japanese and South Korean officials are to meet in Tokyo.")
    assert pairs(found, "04") == {("JPN", "KOR"), ("KOR", "JPN")}
    assert {e.source.code for e in found} == {"JPNGOV", "KORGOV"}


def test_a_group_of_countries_meets_pairwise(code):
    found = code("The foreign ministers of Chile, Peru and Bolivia met in Lima.")
    countries = {"CHL", "PER", "BOL"}
    assert pairs(found, "04") == {(a, b) for a in countries for b in countries if a != b}


def test_a_plural_named_by_its_members_is_its_members(code):
    found = code("The two presidents, Macron and Lula, met in Brasilia.")
    assert pairs(found, "04") == {("FRA", "BRA"), ("BRA", "FRA")}


def test_the_two_leaders_are_the_two_named_before(code):
    found = code("Macron met Lula on Monday. The two leaders agreed to hold talks on trade.")
    agreed = [e for e in found if e.sentence_index == 1]
    assert {(e.source.country, e.target.country) for e in agreed} == {("FRA", "BRA"), ("BRA", "FRA")}


def test_the_latter_is_the_second_of_two(code):
    found = code("Lula praised Macron in May 2022, when the latter visited Brasilia.")
    visit = only(found, "04", "FRA", "BRA")
    assert visit.source.text == "latter" and visit.event_date == "2022-05-01"


def test_reported_speech_is_coded_with_the_speaker_not_the_agency(code):
    found = code("The Japanese Foreign Minister told a Japanese news agency that he had urged China "
                 "to release the detainees.")
    assert pairs(found) == {("JPN", "CHN")}
    assert all(e.target.sector != "MED" for e in found if e.target)


def test_a_warning_to_a_news_agency_has_no_agency_target(code):
    found = code("The Russian Foreign Minister warned a Russian news agency that Moscow would "
                 "invite the Turkish President to Sochi.")
    assert not [e for e in found if e.target is not None and e.target.sector == "MED"]
    invite = only(found, "03", "RUS", "TUR")
    assert invite.modality == "planned"


def test_we_in_a_quote_is_the_speaker(code):
    found = code('"We will expel the ambassador," the Polish President told reporters.')
    assert found and all(e.source.code == "POLGOV" for e in found)


@pytest.mark.parametrize("text", [
    "Yet such meetings between Egypt and Ethiopia lower tensions, an analyst said.",
    "Such summits between Chile and Peru rarely change anything, said a professor.",
])
def test_an_analysts_generalisation_is_not_an_event(code, text):
    assert not [e for e in code(text) if e.cameo_root == "04"]


def test_an_event_noun_does_not_make_its_clause_subject_a_party(code):
    found = code("After a tense meeting between Chile and Peru, Brazil and Argentina said they were hopeful.")
    assert pairs(found, "04") == {("CHL", "PER"), ("PER", "CHL")}


# --- modality -----------------------------------------------------------------------------


@pytest.mark.parametrize("text, day", [
    ("The Indian Prime Minister will meet the Japanese Prime Minister on 20 June.", "2023-06-20"),
    ("Talks between Serbia and Kosovo are set for July 3 and 4.", "2023-07-03"),
    ("Senior Japanese and South Korean officials are to meet in Tokyo on Friday.", "2023-06-16"),
])
def test_planned_meetings_are_planned_and_dated_forward(code, text, day):
    found = [e for e in code(text) if e.cameo_root == "04"]
    assert found and {(e.modality, e.event_date) for e in found} == {("planned", day)}


def test_an_invitation_for_talks_is_planned(code):
    invite = only(code("Beijing invited the Brazilian President to Shanghai for talks."), "03", "CHN", "BRA")
    assert invite.modality == "planned"


def test_a_conditional_sanction_is_a_threat(code):
    found = code("If Pyongyang tests another missile, Japan will impose new sanctions on North Korea, "
                 "the Japanese Prime Minister said.")
    assert not [e for e in found if e.cameo_root == "16"]
    threat = only(found, "13", "JPN", "PRK")
    assert threat.plover == "THREATEN" and threat.modality == "asserted"


def test_a_warning_of_conditional_sanctions_is_one_specific_threat(code):
    found = code("Canada has warned Mexico that it would impose sanctions if it were to buy the weapons.")
    assert [e.cameo for e in found] == ["1312"]
    assert pairs(found) == {("CAN", "MEX")}


@pytest.mark.parametrize("text", [
    "Poland refrained from criticizing Germany.",
    "Norway did not condemn Denmark.",
])
def test_a_negated_accusation_is_negated(code, text):
    found = [e for e in code(text) if e.cameo_root == "11"]
    assert found and all(e.modality == "negated" for e in found)


@pytest.mark.parametrize("text, root", [
    ("A summit between Egypt and Ethiopia cannot be ruled out.", "04"),
    ("China's invasion of Taiwan would be catastrophic.", "19"),
])
def test_possible_events_are_hypothetical(code, text, root):
    found = [e for e in code(text) if e.cameo_root == root]
    assert found and all(e.modality == "hypothetical" for e in found)


@pytest.mark.parametrize("text, modality", [
    ("Talks between Chile and Peru were cancelled.", "negated"),
    ("Talks between Chile and Peru were postponed.", "planned"),
])
def test_cancelled_talks_are_negated_and_postponed_ones_still_planned(code, text, modality):
    found = [e for e in code(text) if e.cameo_root == "04"]
    assert found and {e.modality for e in found} == {modality}


# --- dates --------------------------------------------------------------------------------


@pytest.mark.parametrize("text, date, precision, basis", [
    ("Canada expelled a Russian diplomat on Friday.", "2023-06-09", "day", "relative"),
    ("Mexico sent aid to Cuba last week.", "2023-05-29", "day", "relative"),
    ("In April 2021, Chile signed an agreement with Peru.", "2021-04-01", "month", "explicit"),
    ("Spain met Portugal on 2 May.", "2023-05-02", "day", "relative"),
    ("Morocco criticized Algeria three days ago.", "2023-06-07", "day", "relative"),
    ("Uruguay and Paraguay signed a trade pact on January 1.", "2023-01-01", "day", "relative"),
    ("Talks between Chile and Argentina are set for end-July.", "2023-07-25", "month", "relative"),
    ("Canada imposed sanctions on Iran.", SATURDAY, "day", "publication"),
])
def test_event_date_comes_from_its_own_time_expression(code, text, date, precision, basis):
    found = code(text)
    assert found
    assert {(e.event_date, e.date_precision, e.date_basis) for e in found} == {(date, precision, basis)}


@pytest.mark.parametrize("verb, date", [("signed", "2022-01-25"), ("will sign", "2023-01-25")])
def test_a_month_without_a_year_is_the_last_one_for_the_past_and_the_next_one_for_plans(code, verb, date):
    found = code(f"Chile {verb} an agreement with Peru at the end of January.", "2023-01-05")
    assert found and {(e.event_date, e.date_precision) for e in found} == {(date, "month")}


def test_a_day_earlier_counts_from_the_date_before_it(code):
    found = code("Canada expelled a Russian diplomat on Friday. A day earlier, Ottawa had condemned Moscow.")
    assert {e.event_date for e in found if e.sentence_index == 1} == {"2023-06-08"}


def test_reported_events_keep_their_own_date(code):
    found = code("The German Chancellor said on Monday that he had met the French President a day earlier.")
    assert {e.event_date for e in found if e.cameo_root == "04"} == {"2023-06-04"}


def test_an_event_noun_is_not_dated_by_the_clause_it_is_the_topic_of(code):
    found = code("Macron on Friday told reporters about his call with Zelenskyy.")
    assert found and {e.date_basis for e in found} == {"publication"}


# --- places -------------------------------------------------------------------------------


@pytest.mark.parametrize("text, name, country", [
    ("The French President met the Chinese Premier in Beijing on Friday.", "Beijing", "CHN"),
    ("The Turkish Foreign Minister met his Greek counterpart on the sidelines of the G20 summit "
     "in New Delhi.", "New Delhi", "IND"),
    ("Erdogan paid a visit to Sochi on Monday.", "Sochi", "RUS"),
    ("Diplomats gathered for the Geneva talks between Iran and Oman.", "Geneva", "CHE"),
    ("Talks between Serbia and Kosovo are set for July 3 and 4 in Brussels.", "Brussels", "BEL"),
])
def test_the_place_of_an_event_comes_from_the_gazetteer(code, text, name, country):
    found = [e for e in code(text) if e.cameo_root == "04"]
    assert found
    for e in found:
        assert e.location is not None
        assert (e.location.name, e.location.country) == (name, country)
        assert isinstance(e.location.lat, float) and isinstance(e.location.lon, float)


def test_talks_named_after_two_capitals_are_between_them_not_in_one(code):
    found = [e for e in code("The Washington-Moscow talks ended.") if e.cameo_root == "04"]
    assert pairs(found) == {("USA", "RUS"), ("RUS", "USA")}
    assert all(e.location is None for e in found)


def test_an_event_without_a_place_has_none(code):
    found = code("Canada imposed sanctions on Iran.")
    assert found and all(e.location is None for e in found)


# --- one article, many reports -----------------------------------------------------------


def test_one_call_reported_twice_is_one_event(code):
    found = code("Macron spoke by phone with Zelenskyy on Thursday. The call lasted an hour, and "
                 "Macron later described his conversation with Zelenskyy as frank.")
    calls = [e for e in found if e.cameo_root == "04"]
    assert {e.sentence_index for e in calls} == {0}
    assert {e.event_date for e in calls} == {"2023-06-08"}


def test_actorless_talks_take_their_parties_from_the_discourse(code):
    found = code("Senior Japanese and South Korean officials are to meet in Tokyo. Preparations for "
                 "the Tokyo talks, set for July 3, began on Friday.")
    talks = [e for e in found if e.cameo_root == "04"]
    assert pairs(talks) == {("JPN", "KOR"), ("KOR", "JPN")}
    assert {(e.event_date, e.modality, e.location.name) for e in talks} == {("2023-07-03", "planned", "Tokyo")}


def test_a_verbal_event_whose_subject_acts_stands_without_a_target(code):
    found = [e for e in code("Romania asked for immediate deliveries of food aid.") if e.cameo_root == "02"]
    assert [(e.source.code, e.target) for e in found] == [("ROU", None)]


@pytest.mark.parametrize("text", [
    "Romania's neighbours are pressing for a change in policy.",  # the actor is only a possessor
    "Romania and Hungary insist they are hopeful about the talks.",  # a fact, not a demand
])
def test_a_targetless_verbal_event_needs_its_source_as_subject(code, text):
    assert not [e for e in code(text) if e.cameo_root < "13"]
