"""The event classifier: head arithmetic (no model), the shipped head, `detente classify`,
and that the training script rebuilds a working head from team-written data."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from detente.coding.classifier import LABELS, PENTA, PLOVER_TYPES, EventClassifier, Pair, marked, question
from detente.coding.plover import code_penta, plover_class
from detente.errors import ModelError

ROOT = Path(__file__).resolve().parent.parent


class AxisEncoder:
    """A stand-in encoder: the vector of a pair is one-hot on the label named in the sentence."""

    def encode(self, firsts, seconds):
        out = np.zeros((len(seconds), len(LABELS)), dtype=np.float32)
        for i, s in enumerate(seconds):
            out[i, LABELS.index(s.split()[0])] = 1.0
        return out

    def load_layers(self, tensors):
        raise AssertionError("no layers in this head")


def fake_head(labels=LABELS) -> dict:
    codes = ["036", "040", "051", "061", "070", "0841", "020", "112", "120", "130", "141", "163",
             "154", "173", "190", "195"]
    types = ["AGREE", "CONSULT", "SUPPORT", "COOPERATE", "AID", "YIELD", "REQUEST", "ACCUSE", "REJECT",
             "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT", "ASSAULT"]
    code_W = np.zeros((len(codes), len(LABELS)), dtype=np.float32)
    code_W[codes.index("195"), LABELS.index("ASSAULT")] = 5.0  # prefers 195 for ASSAULT sentences
    return {"labels": np.array(labels), "W": 8 * np.eye(len(labels), len(LABELS), dtype=np.float32),
            "b": np.zeros(len(labels), dtype=np.float32), "code_labels": np.array(codes),
            "code_W": code_W, "code_b": np.zeros(len(codes), dtype=np.float32),
            "code_types": np.array(types), "default_types": np.array(types[:15]),
            "default_codes": np.array(codes[:15]), "meta": np.array(json.dumps({"trained_on": "test"}))}


def test_concede_and_retreat_are_one_class():
    assert plover_class("concede") == plover_class("RETREAT") == "YIELD"
    assert plover_class(" assault ") == "ASSAULT" and plover_class(None) is None


def test_the_question_names_source_and_target_or_says_they_are_missing():
    assert question(Pair("t", "Russia", "Ukraine")) == "source: Russia. target: Ukraine."
    assert "target: none" in question(Pair("t", "Russia", None))


@pytest.mark.parametrize("pair, expected", [
    (Pair("Kerry called Lavrov", "Lavrov", "Kerry"), "{ Kerry } called [ Lavrov ]"),
    # whole words only: "Iran" is not the start of "Iranian"
    (Pair("Iranian officials met Iran", "Iran", "Iranian officials"), "{ Iranian officials } met [ Iran ]"),
    # the first mention of each, never the same mention twice
    (Pair("Chad said Chad would expel Chad", "Chad", "Chad"), "[ Chad ] said { Chad } would expel Chad"),
    (Pair("the US and Russia", "The US", None), "[ the US ] and Russia"),
    (Pair("Nothing here", "Peru", "Chile"), "Nothing here"),
])
def test_marking_wraps_the_first_whole_word_mention_of_each_actor(pair, expected):
    assert marked(pair) == expected


def test_a_head_trained_with_marks_reads_marked_sentences():
    seen = []

    class Recorder(AxisEncoder):
        def encode(self, firsts, seconds):
            seen.extend(seconds)
            return super().encode(firsts, [s.lstrip("[{ ") for s in seconds])

    head = fake_head()
    head["meta"] = np.array(json.dumps({"trained_on": "test", "marks": True}))
    EventClassifier(head, Recorder()).classify([Pair("ASSAULT by Chad on Niger", "Chad", "Niger")])
    assert seen == ["ASSAULT by [ Chad ] on { Niger }"]


def test_verdict_picks_type_penta_and_a_code_of_that_type():
    clf = EventClassifier(fake_head(), AxisEncoder())
    v_assault, v_statement, v_none = clf.classify([Pair("ASSAULT x"), Pair("STATEMENT x"), Pair("NONE x")])
    assert (v_assault.label, v_assault.plover, v_assault.cameo, v_assault.penta) == ("ASSAULT", "ASSAULT", "195", 4)
    assert v_statement.label == "STATEMENT" and v_statement.penta == 0
    assert v_statement.plover in PLOVER_TYPES  # never STATEMENT/NONE
    assert v_none.label == "NONE" and v_none.penta == 0
    assert abs(sum(v_assault.probs.values()) - 1.0) < 1e-5


@pytest.mark.parametrize("label", PLOVER_TYPES)
def test_every_type_maps_to_the_penta_class_of_its_cameo_root(label):
    head = fake_head()
    v = EventClassifier(head, AxisEncoder()).classify([Pair(f"{label} x")])[0]
    code = str(head["default_codes"][list(head["default_types"]).index(label)])
    assert v.plover == label and v.penta == code_penta(code)
    assert v.penta == PENTA[label] or label in ("REQUEST", "SANCTION")  # appeals 0, 16 is 3


def test_an_appeal_and_a_demand_are_both_request_but_differ_in_penta():
    head = fake_head()
    head["code_labels"] = np.array(list(head["code_labels"]) + ["100"])
    head["code_types"] = np.array(list(head["code_types"]) + ["REQUEST"])
    head["code_b"] = np.zeros(len(head["code_labels"]), dtype=np.float32)
    head["code_W"] = np.vstack([head["code_W"], np.zeros((1, len(LABELS)), dtype=np.float32)])
    head["code_W"][list(head["code_labels"]).index("020"), LABELS.index("REQUEST")] = 5.0
    appeal = EventClassifier(head, AxisEncoder()).classify([Pair("REQUEST x")])[0]
    head["code_W"][-1, LABELS.index("REQUEST")] = 10.0  # the code head now reads a demand
    demand = EventClassifier(head, AxisEncoder()).classify([Pair("REQUEST x")])[0]
    assert (appeal.plover, appeal.penta) == ("REQUEST", 0)
    assert (demand.plover, demand.cameo, demand.penta) == ("REQUEST", "100", 3)


def test_a_head_without_all_types_is_refused():
    with pytest.raises(ModelError, match="lacks labels"):
        EventClassifier(fake_head(labels=LABELS[1:]), AxisEncoder())


def test_an_unreadable_head_file_says_how_to_rebuild(tmp_path):
    bad = tmp_path / "head.npz"
    bad.write_bytes(b"not a zip")
    with pytest.raises(ModelError, match="train_classifier"):
        EventClassifier.load(bad, encoder=AxisEncoder())


# --- the shipped head -------------------------------------------------------------------------

CLEAR_CASES = [  # written for this test; one obvious reading each
    ("Moscow recalled its ambassador from Tallinn after Estonia expelled a Russian diplomat.",
     "Moscow", "Tallinn", "SANCTION"),
    ("Artillery units of the Azerbaijani army shelled Armenian villages overnight, killing four.",
     "the Azerbaijani army", "Armenian villages", "ASSAULT"),
    ("The foreign ministers of Peru and Chile held talks in Lima on Tuesday about their maritime border.",
     "Peru", "Chile", "CONSULT"),
    ("The European Union imposed sanctions on twelve Belarusian officials over the crackdown.",
     "The European Union", "twelve Belarusian officials", "COERCE"),  # 163: COERCE in the PLOVER table
    ("Police in Nairobi arrested the opposition leader at his home before dawn.",
     "Police in Nairobi", "the opposition leader", "COERCE"),
    ("Thousands of teachers marched on parliament in Bucharest to protest against the government's pay freeze.",
     "Thousands of teachers", "the government", "PROTEST"),
    ("Japan flew 50 tonnes of medical supplies and tents to earthquake survivors in Morocco.",
     "Japan", "earthquake survivors in Morocco", "AID"),
    ("The UN Secretary-General urged both sides to agree to an immediate humanitarian pause.",
     "The UN Secretary-General", "both sides", "REQUEST"),
    ("Seoul accused Pyongyang of firing artillery shells into the buffer zone in violation of the 2018 accord.",
     "Seoul", "Pyongyang", "ACCUSE"),
]


@pytest.fixture(scope="module")
def shipped():
    from detente.coding.classifier import default_classifier
    return default_classifier()


@pytest.mark.slow
def test_shipped_head_was_trained_on_team_data_and_reads_clear_cases(shipped):
    assert "train/synthetic" in shipped.meta["trained_on"]
    verdicts = shipped.classify([Pair(t, s, g) for t, s, g, _ in CLEAR_CASES])
    right = [v.plover == want for v, (*_, want) in zip(verdicts, CLEAR_CASES)]
    assert sum(right) >= len(CLEAR_CASES) - 1, [(v.plover, c[3]) for v, c in zip(verdicts, CLEAR_CASES)]


@pytest.mark.slow
def test_classify_command_reads_jsonl_and_reports_bad_lines(detente, tmp_path):
    src = tmp_path / "pairs.jsonl"
    lines = [json.dumps({"id": "a", "text": CLEAR_CASES[0][0], "source": CLEAR_CASES[0][1],
                         "target": CLEAR_CASES[0][2]}), "{not json", json.dumps({"id": "c", "text": ""}),
             json.dumps({"id": "d", "text": CLEAR_CASES[2][0], "source": CLEAR_CASES[2][1],
                         "target": CLEAR_CASES[2][2]})]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = detente("classify", str(src), cwd=tmp_path)
    assert res.returncode == 3, res.stderr
    rows = [json.loads(x) for x in res.stdout.splitlines()]
    assert [r["id"] for r in rows] == ["a", "d"]
    assert {"plover", "cameo", "quad_class", "penta"} <= set(rows[0])
    assert f"{src}:2" in res.stderr and f"{src}:3" in res.stderr and "text" in res.stderr


@pytest.mark.slow
def test_training_script_rebuilds_a_head_that_loads(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    for path in sorted((ROOT / "train" / "synthetic").glob("*.jsonl")):
        lines = path.read_text(encoding="utf-8").splitlines()[:6]
        (data / path.name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "head.npz"
    res = subprocess.run([sys.executable, str(ROOT / "train" / "train_classifier.py"), "--data", str(data),
                          "--out", str(out), "--layers", "1", "--epochs", "1", "--holdout", "0"],
                         capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr[-2000:]
    from detente.embed import load_pair_encoder
    clf = EventClassifier.load(out, encoder=load_pair_encoder())
    assert clf.meta["tuned_layers"] == 1 and set(PLOVER_TYPES) <= set(clf.labels)
    assert clf.classify([Pair(*CLEAR_CASES[0][:3])])[0].plover in PLOVER_TYPES
