"""`detente eval`: scoring extraction and classification against gold.

The scoring logic is tested with small gold records written here and fake coders /
classifiers (fast). The command runs on a gold file of our own and on the dev sets in
``../shared/data/dev`` (slow: it loads spaCy; skipped when ``../shared`` is absent).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detente.errors import InputError
from detente.evaluate import (CodeBook, Counts, GoldEvent, PredictedEvent, actor_matches,
                              evaluate_classification, evaluate_extraction, load_classification,
                              load_extraction, match, require_records, score_record, summarise)
from detente.types import Actor, Article, CodedArticle, Event, Trigger


@pytest.fixture(scope="module")
def book() -> CodeBook:
    return CodeBook.default()


def write_jsonl(path: Path, records: list) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def gold(book: CodeBook, code: str, source: str | None = None, target: str | None = None) -> GoldEvent:
    return GoldEvent(book.normalise(code), source, target)


def pred(book: CodeBook, code: str, source: str | None = None, target: str | None = None) -> PredictedEvent:
    return PredictedEvent(book.normalise(code), source, source[:3] if source else None,
                          target, target[:3] if target else None)


def event(article_id: str, cameo: str, source: str, target: str | None) -> Event:
    """A coded event as the pipeline would emit it (only the scored fields matter)."""
    def actor(code: str) -> Actor:
        return Actor(text=code, start=0, end=3, code=code, country=code[:3])

    return Event(id=f"{article_id}-{cameo}-{source}-{target}", article_id=article_id, sentence_index=0,
                 sentence="", source=actor(source), target=actor(target) if target else None,
                 cameo=cameo, cameo_root=cameo[:2], plover=None, plover_mode=None, quad_class=1,
                 goldstein=0.0, modality="asserted", event_date=None, date_precision=None,
                 date_basis=None, location=None, issues=(), trigger=Trigger("x", 0, 1),
                 confidence=1.0, coder="test")


def fake_coder(events_by_id: dict[str, list[tuple[str, str, str | None]]], seen: list[Article] | None = None):
    """A stand-in for ``Pipeline.run``: returns the given events for each article id."""
    def run(articles: list[Article]):
        for a in articles:
            if seen is not None:
                seen.append(a)
            if a.id in events_by_id:
                yield CodedArticle(a, 1, tuple(event(a.id, *e) for e in events_by_id[a.id]))
    return run


# --------------------------------------------------------------------------- codes

def test_cameo_code_has_full_code_root_and_plover_type(book):
    code = book.normalise("0231")
    assert (code.scheme, code.full, code.root, code.plover) == ("cameo", "0231", "02", "REQUEST")
    assert book.normalise("010").plover is None, "01 statements have no PLOVER type"


@pytest.mark.parametrize("name", ["CONCEDE", "RETREAT", "YIELD", "yield"])
def test_concede_retreat_and_yield_are_one_class(book, name):
    assert book.normalise(name).full == "YIELD"


@pytest.mark.parametrize("raw, reason", [("999", "not a CAMEO"), ("BANANA", "neither a CAMEO"),
                                         (42, "quote CAMEO codes"), (None, "not None")])
def test_unknown_codes_are_refused_with_the_reason(book, raw, reason):
    with pytest.raises(ValueError, match=reason):
        book.normalise(raw)


# --------------------------------------------------------------------------- actors

@pytest.mark.parametrize("gold_code, code, country, ok", [
    (None, "RUSGOV", "RUS", True),          # not annotated: anything goes
    (None, None, None, True),
    ("USA", "USAGOV", "USA", True),         # the predicted code starts with the gold code
    ("USAGOV", "USAGOV", "USA", True),
    ("USAGOV", "USA", "USA", True),         # gold's first three letters are the country
    ("NGAELIyor", "NGAGOV", "NGA", True),
    ("IGO", "IGOUNO", None, True),
    ("USAGOV", "RUSGOV", "RUS", False),
    ("USA", None, None, False),             # no predicted actor
    ("---GOV", "RUSGOV", "RUS", True),      # PETRARCH: a government, country unknown
    ("---GOV", "RUSMIL", "RUS", False),
])
def test_actor_matching(gold_code, code, country, ok):
    assert actor_matches(gold_code, code, country) is ok


# --------------------------------------------------------------------------- matching

def test_matching_is_one_to_one_and_prefers_the_exact_pair(book):
    golds = [gold(book, "042", "USA", "RUS")]
    preds = [pred(book, "040", "RUSGOV", "USAGOV"), pred(book, "042", "USAGOV", "RUSGOV")]
    assert match(golds, preds, "root", with_dyad=False) == [(0, 1)], "the full-code, right-dyad pair wins"
    outcome = score_record(golds, preds, "cameo")
    assert outcome.counts[("root", "code")] == Counts(tp=1, fp=1, fn=0)


def test_root_and_full_levels_code_and_dyad(book):
    golds = [gold(book, "042", "USA", "RUS"), gold(book, "1312", "USA", "RUS")]
    preds = [pred(book, "040", "USAGOV", "RUSGOV"),   # root right, full wrong
             pred(book, "1312", "RUSGOV", "USAGOV")]  # full right, dyad reversed
    c = score_record(golds, preds, "cameo").counts
    assert c[("root", "code")] == Counts(2, 0, 0)
    assert c[("root", "code_dyad")] == Counts(1, 1, 1)
    assert c[("full", "code")] == Counts(1, 1, 1)
    assert c[("full", "code_dyad")] == Counts(0, 2, 2)


def test_plover_gold_is_compared_through_the_plover_mapping(book):
    golds = [gold(book, "DEMAND", "GBR", None)]  # an old PLOVER name for REQUEST
    for code, tp in (("1041", 1), ("0231", 1), ("112", 0)):
        c = score_record(golds, [pred(book, code, "GBRGOV", None)], "plover").counts
        assert c[("root", "code")].tp == c[("full", "code")].tp == tp, code


def test_a_text_without_events_counts_every_prediction_as_false(book):
    outcomes = [score_record([], [pred(book, "112", "FRA", "RWA")], "cameo", id="a"),
                score_record([gold(book, "040")], [pred(book, "040", "USA", "MMR")], "cameo", id="b")]
    report = summarise("gold.jsonl", "cameo", outcomes)
    assert report.noevent_records == 1 and report.noevent_false_positives == 1
    root = report.counts[("root", "code")]
    assert (root.tp, root.fp, root.fn) == (1, 1, 0)
    assert root.precision == 0.5 and root.recall == 1.0 and round(root.f1, 4) == 0.6667


def test_dyad_accuracy_is_the_share_of_code_matches_with_both_actors_right(book):
    outcomes = [score_record([gold(book, "042", "USA", "RUS")], [pred(book, "043", "USAGOV", "RUSGOV")], "cameo"),
                score_record([gold(book, "042", "USA", "RUS")], [pred(book, "042", "USAGOV", "CHNGOV")], "cameo"),
                score_record([gold(book, "190", "USA", "RUS")], [pred(book, "042", "USAGOV", "RUSGOV")], "cameo")]
    dyad = summarise("g", "cameo", outcomes).dyad
    assert (dyad.pairs, dyad.both, dyad.source, dyad.target) == (2, 1, 2, 1)
    assert dyad.accuracy == 0.5


def test_confusion_pairs_misses_with_the_nearest_spurious_event(book):
    golds = [gold(book, "042", "USA", "RUS"), gold(book, "190", "RUS", "UKR"), gold(book, "0231", "UKR", "USA")]
    preds = [pred(book, "040", "USAGOV", "RUSGOV"), pred(book, "138", "RUSMIL", "UKRMIL"),
             pred(book, "112", "CHN", "USA")]
    report = summarise("g", "cameo", [score_record(golds, preds, "cameo")])
    cells = dict(report.confusion.cells)
    # 04 matched; 19 paired with the 13 on the same dyad; 02 paired with what is left.
    assert cells == {("04", "04"): 1, ("19", "13"): 1, ("02", "11"): 1}
    report = summarise("g", "cameo", [score_record(golds[:1], preds[1:2], "cameo"),
                                      score_record(golds[1:2], [], "cameo")])
    assert dict(report.confusion.cells) == {("04", "13"): 1, ("19", "none"): 1}
    assert report.confusion.labels == ["04", "13", "19", "none"], "gold and predicted labels, none last"


# --------------------------------------------------------------------------- gold files

GOOD = [
    {"id": "talks", "date": "2022-01-14", "text": "Lavrov spoke by phone with Blinken on Friday.",
     "events": [{"source": "RUSGOV", "target": "USAGOV", "code": "042"}]},
    {"id": "quiet", "text": "Markets were calm on Monday.", "events": [], "noevents": True},
    {"id": "plover", "text": "Britain urged Iran to return to talks.",
     "events": [{"source": "GBR", "target": "IRN", "code": "DEMAND"}]},
]


def test_gold_loader_skips_each_bad_record_naming_line_and_reason(tmp_path, book):
    path = write_jsonl(tmp_path / "gold.jsonl", GOOD + [
        "{not json",
        {"id": "nocode", "text": "x", "events": [{"source": "USA", "target": None, "code": "999"}]},
        {"id": "nolist", "text": "x"},
        {"id": "both", "text": "x", "noevents": True, "events": [{"code": "042"}]},
        {"id": "unlabelled", "text": "x", "events": [], "noevents": False},
        {"id": "notext", "text": "", "events": [{"code": "042"}]},
        {"id": "talks", "text": "again", "events": [{"code": "042"}]},
        {"id": "class", "text": "x", "source": "a", "target": "b", "plover": "AID"},
    ])
    data = load_extraction(path, book)
    assert [r.id for r in data.records] == ["talks", "quiet", "plover"]
    reasons = {p.where.rsplit(":", 1)[1]: p.reason for p in data.problems}
    assert set(reasons) == {"4", "5", "6", "7", "8", "9", "10", "11"}, "every problem names file:line"
    assert "malformed JSON" in reasons["4"]
    assert "'999' is not a CAMEO" in reasons["5"]
    assert "no 'events'" in reasons["6"]
    assert "'noevents' is true" in reasons["7"]
    assert "nothing to score" in reasons["8"]
    assert "empty" in reasons["9"]
    assert "duplicate id 'talks'" in reasons["10"]
    assert "--classify" in reasons["11"]


def test_gold_records_become_articles_as_ingest_builds_them(tmp_path, book):
    data = load_extraction(write_jsonl(tmp_path / "gold.jsonl", GOOD), book, limit=2)
    assert len(data.records) == 2, "--limit counts valid records"
    talks = data.records[0]
    assert talks.article.published == "2022-01-14" and talks.article.content_hash
    assert talks.events[0].code.full == "042" and talks.events[0].source == "RUSGOV"


def test_a_missing_file_or_no_valid_record_is_an_input_error(tmp_path, book):
    with pytest.raises(InputError, match="not found") as exc:
        load_extraction(tmp_path / "nope.jsonl", book)
    assert exc.value.exit_code == 2
    classification = write_jsonl(tmp_path / "c.jsonl", [{"text": "x", "plover": "AID"}])
    with pytest.raises(InputError, match="--classify"):
        require_records(load_extraction(classification, book), classify=False)


def test_extraction_codes_each_record_and_scores_it(tmp_path, book):
    data = load_extraction(write_jsonl(tmp_path / "gold.jsonl", GOOD), book)
    seen: list[Article] = []
    run = fake_coder({"talks": [("042", "RUSGOV", "USAGOV"), ("042", "USAGOV", "RUSGOV")],
                      "quiet": [("013", "USA", None)]}, seen)  # "plover": the coder failed
    report = evaluate_extraction(data, run, book)
    assert [a.id for a in seen] == ["talks", "quiet", "plover"]
    assert (report.records, report.gold_events, report.predicted_events) == (3, 2, 3)
    assert report.counts[("full", "code_dyad")] == Counts(tp=1, fp=2, fn=1)
    assert report.confusion.cells[("REQUEST", "none")] == 1, "PLOVER gold keeps its PLOVER label"


def test_extraction_json_has_stable_keys(tmp_path, book):
    data = load_extraction(write_jsonl(tmp_path / "gold.jsonl", GOOD), book)
    doc = evaluate_extraction(data, fake_coder({}), book).to_dict()
    assert list(doc) == ["mode", "gold", "label_scheme", "records", "skipped", "noevent_records",
                         "gold_events", "predicted_events", "noevent_false_positives", "levels",
                         "dyad", "confusion"]
    assert set(doc["levels"]) == {"root", "full"}
    assert set(doc["levels"]["root"]) == {"code", "code_dyad"}
    assert set(doc["levels"]["root"]["code"]) == {"tp", "fp", "fn", "precision", "recall", "f1"}
    assert json.loads(json.dumps(doc)) == doc


# --------------------------------------------------------------------------- classification

CLASS_GOLD = [
    {"id": "p1", "text": "Moscow sent aid to Damascus.", "source": "Moscow", "target": "Damascus",
     "plover": "AID"},
    {"id": "p2", "text": "Kyiv rejected the offer from Moscow.", "source": "Kyiv", "target": "Moscow",
     "plover": "REJECT"},
    {"id": "multi", "text": "Paris withdrew troops and Berlin agreed with Paris.",
     "gold": [{"source": "Paris", "target": None, "plover": "RETREAT", "penta": 2},
              {"source": "Berlin", "target": "Paris", "plover": "AGREE", "penta": 1}]},
    {"id": "c1", "text": "Troops shelled the town.", "penta": 4, "sources": ["Troops"], "targets": []},
]


def test_classification_gold_accepts_all_three_shapes(tmp_path):
    data = load_classification(write_jsonl(tmp_path / "c.jsonl", CLASS_GOLD + [
        {"id": "bad", "text": "x", "plover": "HUG"}, {"id": "none", "text": "x"}]))
    items = {i.id: i for i in data.records}
    assert list(items) == ["p1", "p2", "multi#1", "multi#2", "c1"]
    assert (items["p1"].plover, items["p1"].penta) == ("AID", 2), "penta from the PLOVER type"
    assert items["multi#1"].plover == "YIELD" and items["multi#1"].target is None
    assert (items["c1"].plover, items["c1"].penta, items["c1"].source) == (None, 4, "Troops")
    assert items["c1"].query() == {"id": "c1", "text": "Troops shelled the town.", "source": "Troops",
                                   "target": None}
    assert ["not a PLOVER type" in p.reason or "no label" in p.reason for p in data.problems] == [True, True]


def test_classification_accuracy_macro_f1_and_confusion(tmp_path):
    data = load_classification(write_jsonl(tmp_path / "c.jsonl", CLASS_GOLD))
    answers = {"p1": {"plover": "AID", "penta": 2}, "p2": {"plover": "ACCUSE", "penta": 3},
               "multi#1": {"plover": "CONCEDE", "penta": 2},  # CONCEDE is YIELD
               "c1": {"plover": None, "cameo": "190", "quad_class": 4}}  # "multi#2": no answer
    calls = []

    def classify(records):
        calls.append(records)
        return [{"id": r["id"], **answers[r["id"]]} for r in records if r["id"] in answers]

    report = evaluate_classification(data, classify)
    assert len(calls) == 1 and len(calls[0]) == 5, "one batch of every item"
    plover, penta = report.plover, report.penta
    assert (plover.n, plover.correct) == (4, 2) and report.missing == 1
    assert plover.confusion.cells[("REJECT", "ACCUSE")] == 1
    assert plover.confusion.cells[("AGREE", "none")] == 1
    # AID and YIELD right (F1 1), REJECT and AGREE wrong (F1 0): macro-F1 over gold classes 0.5.
    assert plover.macro_f1 == 0.5
    assert (penta.n, penta.correct) == (5, 4), "penta of c1 comes from its quad class"
    assert penta.confusion.cells[("verbal_coop", "none")] == 1
    doc = report.to_dict()
    assert list(doc) == ["mode", "gold", "items", "skipped", "missing_predictions", "plover", "penta"]
    assert set(doc["penta"]) == {"n", "correct", "accuracy", "macro_f1", "per_class", "confusion"}


def test_penta_only_gold_scores_only_the_five_way_class(tmp_path):
    data = load_classification(write_jsonl(tmp_path / "c.jsonl", CLASS_GOLD[3:]))
    report = evaluate_classification(data, lambda rs: [{"id": r["id"], "plover": "ASSAULT"} for r in rs])
    assert report.plover is None and report.penta.accuracy == 1.0
    assert report.to_dict()["plover"] is None


# --------------------------------------------------------------------------- the command

def test_eval_of_a_missing_file_exits_2(detente, tmp_path):
    result = detente("eval", "nope.jsonl", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "nope.jsonl" in result.stderr and "not found" in result.stderr


def test_eval_classify_of_extraction_gold_exits_2_naming_each_record(detente, tmp_path):
    write_jsonl(tmp_path / "gold.jsonl", GOOD)
    result = detente("eval", "gold.jsonl", "--classify", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "gold.jsonl:1" in result.stderr and "no valid gold record" in result.stderr


@pytest.mark.slow
def test_eval_scores_our_gold_and_prints_one_json_document(detente, tmp_path):
    write_jsonl(tmp_path / "gold.jsonl", GOOD[:2] + ["{broken"])
    result = detente("eval", "gold.jsonl", "--format", "json", cwd=tmp_path)
    assert result.returncode == 3, "finished, but a record was skipped"
    assert "gold.jsonl:3" in result.stderr and "malformed JSON" in result.stderr
    doc = json.loads(result.stdout)
    assert doc["mode"] == "extraction" and doc["records"] == 2 and doc["skipped"] == 1
    assert doc["coder"].startswith("detente-coder/")
    assert doc["levels"]["root"]["code"]["tp"] == 1, "the phone call is a 04 event"


@pytest.mark.slow
def test_eval_prints_metric_and_confusion_tables(tmp_path, pipeline, monkeypatch):
    """The same command in-process (the session pipeline instead of a second model load)."""
    from typer.testing import CliRunner

    from detente import cli

    monkeypatch.setattr(cli.common, "build_pipeline", lambda: pipeline)
    path = write_jsonl(tmp_path / "gold.jsonl", GOOD[:2])
    result = CliRunner().invoke(cli.app, ["eval", str(path), "--limit", "1"])
    assert result.exit_code == 0, result.output
    for text in ("records 1", "precision", "recall", "code + dyad", "dyad accuracy", "gold \\ pred"):
        assert text in result.output


# --------------------------------------------------------------------------- the dev sets

EXTRACTION_SETS = ("cameo_manual_examples/cameo_manual_1.1b3_examples_silver.jsonl",
                   "plover_gsr/plover_gsr_cameo_examples.jsonl",
                   "petr2_gsr_english/udp_PETR2_GSR_validation_english_afp.jsonl",
                   "petrarch2/petr2_unittest_records.jsonl")
CLASSIFICATION_SETS = {"plv_train/plv_train.jsonl": 1050, "conflibert_train/conflibert_train.jsonl": 992}


@pytest.mark.slow
def test_every_extraction_dev_set_is_scored(shared_dir, pipeline, book):
    for name in EXTRACTION_SETS:
        path = shared_dir / "data" / "dev" / name
        if not path.is_file():
            pytest.skip(f"{path} is absent")
        data = load_extraction(path, book)
        assert len(data.records) > data.skipped, name
        report = evaluate_extraction(data, lambda articles: pipeline.run(articles), book)
        for c in report.counts.values():
            assert c.tp + c.fn == report.gold_events and c.tp + c.fp == report.predicted_events, name
        matrix_total = sum(report.confusion.cells.values())
        assert matrix_total >= max(report.gold_events, report.predicted_events), name


@pytest.mark.parametrize("name, items", CLASSIFICATION_SETS.items())
def test_classification_dev_sets_load_with_every_record(shared_dir, name, items):
    path = shared_dir / "data" / "dev" / name
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    data = load_classification(path)
    assert data.skipped == 0 and len(data.records) == items
    report = evaluate_classification(data, lambda rs: [{"id": r["id"], "plover": "ACCUSE"} for r in rs])
    assert report.penta.n == items and 0 < report.penta.accuracy < 1


@pytest.mark.slow
def test_eval_classify_runs_on_plv_train(detente, shared_dir, tmp_path):
    path = shared_dir / "data" / "dev" / "plv_train" / "plv_train.jsonl"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    result = detente("eval", str(path), "--classify", "--limit", "40", "--format", "json", cwd=tmp_path)
    if result.returncode == 4 and "model-missing" in result.stderr:
        pytest.skip(f"the classifier is not built here: {result.stderr.strip()}")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["mode"] == "classification" and doc["plover"]["n"] == 40 and doc["missing_predictions"] == 0


def test_eval_classify_prints_per_class_tables(tmp_path, monkeypatch):
    """The --classify command path, in-process, with a fake classifier (no model needed)."""
    from typer.testing import CliRunner

    from detente import cli, service

    monkeypatch.setattr(service, "classify",
                        lambda rs: [{"id": r["id"], "plover": "AID", "penta": 2} for r in rs])
    path = write_jsonl(tmp_path / "c.jsonl", CLASS_GOLD)
    result = CliRunner().invoke(cli.app, ["eval", str(path), "--classify"])
    assert result.exit_code == 0, result.output
    for text in ("PLOVER type (15 classes): accuracy 25.0%", "5-way class: accuracy 40.0%", "YIELD",
                 "material_coop", "top confusions"):
        assert text in result.output
    result = CliRunner().invoke(cli.app, ["eval", str(path), "--classify", "--format", "json"])
    assert json.loads(result.output)["plover"]["correct"] == 1
