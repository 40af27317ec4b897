"""The pipeline codes short news sentences the way PRODUCT.md says: who did what to whom, when."""

from __future__ import annotations

from typing import Optional

import pytest

from detente import service
from detente.types import Article, CodedArticle, Event, Problem

pytestmark = pytest.mark.slow

SUNDAY = "2022-01-02"  # "on Friday" in an article of this date is 2021-12-31


def article(text: str, published: Optional[str] = SUNDAY, article_id: str = "a") -> Article:
    return Article(id=article_id, text=text, path=f"in/{article_id}.txt", published=published,
                   published_basis="metadata" if published else "none")


def code_one(pipeline, text: str, published: Optional[str] = SUNDAY) -> CodedArticle:
    problems: list[Problem] = []
    [coded] = list(pipeline.run([article(text, published)], on_problem=problems.append))
    assert problems == []
    return coded


def events(pipeline, text: str, published: Optional[str] = SUNDAY) -> list[Event]:
    return list(code_one(pipeline, text, published).events)


def dyad(e: Event) -> tuple[Optional[str], Optional[str]]:
    return e.source.country, e.target.country if e.target else None


# --- who did what to whom -------------------------------------------------------------------


def test_meeting_codes_both_actors(pipeline):
    found = events(pipeline, "Russian Foreign Minister Sergey Lavrov met US Secretary of State "
                             "Antony Blinken in Geneva.")
    [meeting] = [e for e in found if dyad(e) == ("RUS", "USA")]
    assert meeting.cameo_root == "04" and meeting.plover == "CONSULT"
    assert (meeting.source.name, meeting.source.code) == ("Sergey Lavrov", "RUSGOV")
    assert (meeting.target.name, meeting.target.code) == ("Antony Blinken", "USAGOV")
    assert meeting.trigger.text == "met" and meeting.modality == "asserted"


def test_phone_call_is_cameo_041_consult_by_phone(pipeline):
    found = events(pipeline, "Russian President Vladimir Putin spoke by phone with US President "
                             "Joe Biden.")
    call = [e for e in found if dyad(e) == ("RUS", "USA")]
    assert call and all((e.cameo, e.plover, e.plover_mode) == ("041", "CONSULT", "phone") for e in call)


def test_imposing_sanctions_is_root_16_material_conflict(pipeline):
    found = events(pipeline, "The United States imposed sanctions on Russia.")
    assert found
    for e in found:
        assert dyad(e) == ("USA", "RUS")
        assert (e.cameo_root, e.quad_class, e.modality) == ("16", 4, "asserted")
        assert e.goldstein < 0 and "SANCTIONS" in e.issues


@pytest.mark.parametrize("text", [
    "If Moscow moves into Ukraine, we will impose severe sanctions, Biden told Putin.",
    "Biden warned that if Russia invades Ukraine, the United States will impose severe sanctions "
    "on Russia.",
    "Biden said if Putin makes any more moves into Ukraine we will have severe sanctions.",
])
def test_conditional_sanctions_are_a_threat_not_a_sanction(pipeline, text):
    found = events(pipeline, text)
    assert not [e for e in found if e.cameo_root == "16"]
    threats = [e for e in found if e.cameo_root == "13" and e.source.country == "USA"]
    assert threats and all(e.plover == "THREATEN" and e.quad_class == 3 for e in threats)


def test_the_condition_itself_is_hypothetical(pipeline):
    found = events(pipeline, "Biden warned that if Russia invades Ukraine, the United States will "
                             "impose severe sanctions on Russia.")
    invasion = [e for e in found if e.trigger.text == "invades"]
    assert invasion and all(e.modality == "hypothetical" for e in invasion)


@pytest.mark.parametrize("text", [
    "Lavrov refrained from blaming Washington.",
    "Russia did not accuse the United States of interference.",
])
def test_negated_accusation_is_negated_or_not_an_event(pipeline, text):
    accusations = [e for e in events(pipeline, text) if e.cameo_root == "11"]
    assert all(e.modality == "negated" for e in accusations)


def test_two_acts_against_one_pair_survive_the_classifier(pipeline):
    """One verdict per pair and sentence cannot tell sanctions from expulsions: neither is recoded."""
    found = events(pipeline, "Canada imposed sanctions on Iranian officials and expelled four diplomats.")
    assert {e.cameo for e in found if dyad(e) == ("CAN", "IRN")} == {"163", "161"}


def test_future_meeting_is_planned_and_dated_forward(pipeline):
    found = events(pipeline, "Lavrov will meet Blinken in Geneva on Friday.")
    assert found and all(e.modality == "planned" for e in found)
    # the classifier reads the announcement as AGREE 036; the record stays the meeting
    assert {e.cameo_root for e in found} == {"04"}
    assert {e.event_date for e in found} == {"2022-01-07"}


def test_a_blank_line_ends_a_sentence(pipeline):
    coded = code_one(pipeline, "Talks, round 7\n\nRussian Foreign Minister Sergey Lavrov met US "
                               "Secretary of State Antony Blinken in Geneva on Friday.")
    assert coded.n_sentences == 2
    assert [e for e in coded.events if dyad(e) == ("RUS", "USA") and e.cameo_root == "04"]


# --- offices over time ----------------------------------------------------------------------


@pytest.mark.parametrize("published, holder", [("2015-03-02", "John Kerry"), ("2022-01-20", "Antony Blinken")])
def test_bare_title_resolves_to_its_holder_on_the_event_date(pipeline, published, holder):
    found = events(pipeline, "The Secretary of State met the Russian Foreign Minister in Geneva.",
                   published)
    [e] = [e for e in found if dyad(e) == ("USA", "RUS")]
    assert e.source.name == holder and e.source.text == "Secretary of State"
    assert e.target.name == "Sergey Lavrov"


# --- event dates ----------------------------------------------------------------------------


def test_on_friday_is_the_friday_before_the_article_date(pipeline):
    found = events(pipeline, "Lavrov met Blinken in Geneva on Friday.")
    assert found
    for e in found:
        assert (e.event_date, e.date_precision, e.date_basis) == ("2021-12-31", "day", "relative")


def test_event_without_a_date_of_its_own_takes_the_publication_date(pipeline):
    found = events(pipeline, "The United States imposed sanctions on Russia.", "2022-03-03")
    assert found
    for e in found:
        assert (e.event_date, e.date_precision, e.date_basis) == ("2022-03-03", "day", "publication")


def test_undated_article_without_clues_has_undated_events(pipeline):
    coded = code_one(pipeline, "The United States imposed sanctions on Russia.", None)
    assert coded.article.published is None and coded.article.published_basis == "none"
    assert coded.events
    for e in coded.events:
        assert (e.event_date, e.date_precision, e.date_basis) == (None, None, None)


def test_undated_article_gets_a_date_inferred_from_who_holds_which_office(pipeline):
    coded = code_one(pipeline, "Secretary of State Antony Blinken met Foreign Minister Sergey Lavrov.",
                     None)
    assert coded.article.published_basis == "inferred"
    lo, hi = coded.article.published_interval
    assert "2021-01-26" <= lo <= coded.article.published <= hi <= "2025-01-20"
    assert coded.events
    for e in coded.events:
        assert e.date_basis == "inferred" and lo <= e.event_date <= hi


# --- a failing article ----------------------------------------------------------------------


def test_failing_article_is_a_problem_and_the_others_still_come_out(pipeline, monkeypatch):
    real = pipeline.coder.code_article

    def code_article(resolved):
        if resolved.article.id == "bad":
            raise RuntimeError("boom")
        return real(resolved)

    monkeypatch.setattr(pipeline.coder, "code_article", code_article)
    batch = [article("Lavrov met Blinken in Geneva on Friday.", article_id="first"),
             article("Putin spoke by phone with Biden.", article_id="bad"),
             article("The United States imposed sanctions on Russia.", article_id="last")]
    problems: list[Problem] = []
    coded = list(pipeline.run(batch, on_problem=problems.append))
    assert [c.article.id for c in coded] == ["first", "last"]
    assert all(c.events for c in coded)
    [problem] = problems
    assert problem.where == "in/bad.txt" and problem.code == "internal-error"
    assert "RuntimeError" in problem.reason and "boom" in problem.reason


def test_service_extract_collects_problems_and_goes_on(pipeline, tmp_path):
    (tmp_path / "good.txt").write_text("Talks\nJanuary 2, 2022\n\nLavrov met Blinken in Geneva on Friday.\n")
    (tmp_path / "empty.txt").write_text("   \n")
    problems: list[Problem] = []
    coded = list(service.extract(pipeline, [str(tmp_path), str(tmp_path / "missing.txt")],
                                 problems=problems))
    assert [c.article.id for c in coded] == ["good"] and coded[0].events
    assert sorted(p.code for p in problems) == ["empty", "not-found"]
    assert any(p.where.endswith("empty.txt") for p in problems)
