"""The HTTP API answers every endpoint in-process, and every failure in one error shape.

The store is built from hand-made coded articles (no spaCy): real sentences with the
character offsets a coder would give, so evidence and highlighting can be checked.
Only the ingest round trip needs the pipeline (marked slow).
"""

from __future__ import annotations

import json
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from detente.api import create_app
from detente.api import ingest as ingest_module
from detente.errors import QueryError
from detente.store import Store
from detente.types import Actor, Article, CodedArticle, Event, Mention, Trigger

# --- a small store: articles with real text and true character offsets ---

COUNTRIES = {"USAGOV": "USA", "RUSGOV": "RUS", "CHNGOV": "CHN", "USA": "USA", "RUS": "RUS"}
PEOPLE = {"Sergey Lavrov": ("person:sergey-lavrov", "Minister of Foreign Affairs"),
          "Antony Blinken": ("person:antony-blinken", "Secretary of State"),
          "John Kerry": ("person:john-kerry", "Secretary of State")}


def _actor(text: str, code: str, body: str, after: int = 0) -> Actor:
    start = body.index(text, after)
    kb_id, role = PEOPLE.get(text, (f"country:{COUNTRIES[code]}", None))
    return Actor(text=text, start=start, end=start + len(text), name=text, code=code,
                 country=COUNTRIES[code], sector=code[3:] or None, role=role, kb_id=kb_id,
                 basis="test.v1")


def _event(aid: str, body: str, n: int, sentence: str, src: tuple[str, str],
           tgt: tuple[str, str], trigger: str, cameo: str, quad: int, goldstein: float,
           date: str) -> Event:
    at = body.index(sentence)
    source, target = _actor(*src, body=body, after=at), _actor(*tgt, body=body, after=at)
    t = body.index(trigger, at)
    return Event(id=f"{aid}-e{n}", article_id=aid, sentence_index=n, sentence=sentence,
                 source=source, target=target, cameo=cameo, cameo_root=cameo[:2],
                 plover="CONSULT" if cameo[:2] == "04" else None, plover_mode=None,
                 quad_class=quad, goldstein=goldstein, modality="asserted", event_date=date,
                 date_precision="day", date_basis="relative", location=None, issues=("UKRAINE",),
                 trigger=Trigger(trigger, t, t + len(trigger)), confidence=0.9,
                 coder="detente-coder/0.1:test.v")


def _article(aid: str, title: str, outlet: str, published: str, sentences: list[str],
             events: list[tuple]) -> CodedArticle:
    body = " ".join(sentences)
    coded = [_event(aid, body, sentences.index(spec[0]), *spec) for spec in events]
    mentions = tuple(Mention(sentence_index=e.sentence_index, tok_start=i, tok_end=i + 1, head=i,
                             actor=a) for e in coded for i, a in enumerate((e.source, e.target)))
    article = Article(id=aid, text=body, title=title, outlet=outlet, published=published,
                      published_basis="metadata", path=f"in/{aid}.txt", authors=("A. Writer",))
    return CodedArticle(article=article, n_sentences=len(sentences), events=tuple(coded),
                        mentions=mentions)


GENEVA = "Russian Foreign Minister Sergey Lavrov met US Secretary of State Antony Blinken in Geneva on Friday."
THREAT = "Washington threatened new sanctions on Moscow."
TALKS = "Sergey Lavrov and Antony Blinken held talks in Geneva on Friday."
SANCTIONS = "The United States imposed sanctions on Russia on Wednesday."
CONDEMN = "Moscow condemned the decision."
SOCHI = "Secretary of State John Kerry met Vladimir Putin in Sochi on Tuesday."


def corpus() -> list[CodedArticle]:
    return [
        _article("geneva-2022", "Lavrov and Blinken meet in Geneva", "Example Times", "2022-01-10",
                 [GENEVA, "The two ministers discussed Ukraine.", THREAT],
                 [(GENEVA, ("Sergey Lavrov", "RUSGOV"), ("Antony Blinken", "USAGOV"), "met", "040", 1, 1.0, "2022-01-07"),
                  (THREAT, ("Washington", "USAGOV"), ("Moscow", "RUSGOV"), "threatened", "1312", 3, -5.8, "2022-01-10")]),
        _article("geneva-wire", "Talks in Geneva", "Wire Service", "2022-01-08", [TALKS],
                 [(TALKS, ("Sergey Lavrov", "RUSGOV"), ("Antony Blinken", "USAGOV"), "held talks", "040", 1, 1.0, "2022-01-07")]),
        _article("sanctions-2022", "Washington imposes sanctions", "Example Times", "2022-03-02",
                 [SANCTIONS, CONDEMN],
                 [(SANCTIONS, ("United States", "USA"), ("Russia", "RUS"), "imposed", "163", 4, -8.0, "2022-03-02"),
                  (CONDEMN, ("Moscow", "RUSGOV"), ("decision", "USAGOV"), "condemned", "111", 3, -2.0, "2022-03-02")]),
        _article("kerry-2015", "Kerry in Sochi", "Example Times", "2015-05-12", [SOCHI],
                 [(SOCHI, ("John Kerry", "USAGOV"), ("Vladimir Putin", "RUSGOV"), "met", "040", 1, 1.0, "2015-05-12")]),
    ]


def build_store(path: Path) -> Path:
    with Store(path) as store:
        store.write(corpus())
        store.refresh_search_index()
    return path


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("api") / "news.duckdb")


@pytest.fixture(scope="module")
def client(db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(db)) as c:
        yield c


def is_error(response, status: int) -> dict[str, Any]:
    """The one error shape, with the expected status in the body too."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["ok"] is False and body["status"] == status
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["code"], str)
    return body


# --- the OpenAPI document ---

ENDPOINTS = {("/api/events", "get"), ("/api/events/{event_id}", "get"),
             ("/api/articles/{article_id}", "get"), ("/api/relations/{a}/{b}", "get"),
             ("/api/actors", "get"), ("/api/actors/{actor_id}", "get"), ("/api/search", "get"),
             ("/api/stats", "get"), ("/api/ingest", "post")}


def test_openapi_lists_every_endpoint(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    listed = {(path, method) for path, ops in doc["paths"].items() for method in ops}
    assert ENDPOINTS <= listed
    assert "ErrorBody" in doc["components"]["schemas"]


def test_docs_page_is_served_without_a_cdn(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert "cdn" not in page.text.lower() and "/static/swagger/swagger-ui-bundle.js" in page.text
    assert client.get("/static/swagger/swagger-ui-bundle.js").status_code == 200


# --- events ---


def test_events_are_merged_happenings_with_counts(client: TestClient) -> None:
    body = client.get("/api/events", params={"limit": 500}).json()
    assert body["total"] == len(body["events"]) == 5  # 6 mentions, the Geneva meeting twice
    meeting = next(e for e in body["events"] if e["cameo"] == "040" and e["event_date"] == "2022-01-07")
    assert meeting["num_articles"] == 2 and meeting["num_sources"] == 2
    assert {m["article_id"] for m in meeting["mentions"]} == {"geneva-2022", "geneva-wire"}


def test_events_paging_walks_the_whole_list_once(client: TestClient) -> None:
    everything = [e["id"] for e in client.get("/api/events").json()["events"]]
    pages = [client.get("/api/events", params={"limit": 2, "offset": o}).json() for o in (0, 2, 4, 6)]
    assert [e["id"] for p in pages for e in p["events"]] == everything
    assert all(p["total"] == len(everything) for p in pages)
    assert pages[-1]["events"] == []


@pytest.mark.parametrize("params, check", [
    ({"source": "USA"}, lambda e: e["source"]["country"] == "USA"),
    ({"target": "RUS"}, lambda e: e["target"]["country"] == "RUS"),
    ({"source": "RUSGOV"}, lambda e: e["source"]["code"].startswith("RUSGOV")),
    ({"root": "04"}, lambda e: e["cameo_root"] == "04"),
    ({"since": "2022-01-01"}, lambda e: e["event_date"] >= "2022-01-01"),
    ({"until": "2021-12-31"}, lambda e: e["event_date"] <= "2021-12-31"),
    ({"q": "SANCTIONS"}, lambda e: "sanctions" in e["sentence"].lower()),
    ({"source": "USA", "target": "RUS", "since": "2022-01-01", "until": "2022-12-31"},
     lambda e: e["source"]["country"] == "USA" and e["event_date"].startswith("2022")),
])
def test_each_event_filter_keeps_only_matching_events(client: TestClient, params, check) -> None:
    everything = client.get("/api/events").json()["total"]
    body = client.get("/api/events", params=params).json()
    assert 0 < body["total"] < everything
    assert len(body["events"]) == body["total"] and all(check(e) for e in body["events"])


@pytest.mark.parametrize("params", [
    {"limit": -1}, {"limit": 0}, {"limit": "abc"}, {"limit": 100000}, {"offset": -3},
    {"offset": 10**20}, {"limit": 10**30},
    {"offset": "1.5"}, {"since": "2021-13-01"}, {"until": "yesterday"},
    {"since": "2022-02-01", "until": "2022-01-01"}, {"source": "U$A"}, {"target": "x"},
    {"root": "99"}, {"root": "4"}, {"source": "USA' OR 1=1 --"},
])
def test_bad_event_parameters_are_400_in_the_error_shape(client: TestClient, params) -> None:
    body = is_error(client.get("/api/events", params=params), 400)
    assert any(name in body["error"] for name in params)  # names the parameter


ODD_VALUES = ["", " ", "%", "'", "\\", "9" * 40, "-1", "1e3", "2021-02-30", "🙂", "' OR 1=1 --",
              "../../etc/passwd", "USA;DROP TABLE events", "null", "[]"]
PARAMETERS = [("/api/events", name) for name in
              ("source", "target", "root", "since", "until", "q", "limit", "offset")] + [
    ("/api/relations/USA/RUS", "by"), ("/api/relations/USA/RUS", "since"),
    ("/api/actors", "limit"), ("/api/actors", "until"), ("/api/search", "q"),
    ("/api/search", "limit")]


@pytest.mark.parametrize("path, name", PARAMETERS)
def test_odd_values_never_cause_a_500(client: TestClient, path: str, name: str) -> None:
    base = {"q": "sanctions"} if path == "/api/search" and name != "q" else {}
    for value in ODD_VALUES:
        r = client.get(path, params={**base, name: value})
        assert r.status_code < 500, (name, value, r.text)
        if r.status_code >= 400:
            is_error(r, r.status_code)


@pytest.mark.parametrize("template", ["/api/events/{}", "/api/articles/{}", "/api/actors/{}",
                                      "/api/relations/{}/RUS", "/api/relations/USA/{}"])
def test_odd_ids_never_cause_a_500(client: TestClient, template: str) -> None:
    for value in ODD_VALUES[1:]:
        r = client.get(template.format(value.replace("/", "%2F")))
        assert r.status_code < 500, (value, r.text)
        if r.status_code >= 400:
            is_error(r, r.status_code)


def test_sql_looking_text_is_just_text(client: TestClient) -> None:
    before = client.get("/api/events").json()["total"]
    body = client.get("/api/events", params={"q": "x'); DROP TABLE events; --"}).json()
    assert body["total"] == 0
    assert client.get("/api/events").json()["total"] == before


def test_event_has_evidence_spans_relative_to_its_sentence(client: TestClient) -> None:
    event = client.get("/api/events/geneva-2022-e2").json()
    ev = event["evidence"]
    assert ev["sentence"] == THREAT
    spans = {s["kind"]: s for s in ev["spans"]}
    assert set(spans) == {"source", "target", "trigger"}
    for kind in spans:
        s = spans[kind]
        assert ev["sentence"][s["start"]:s["end"]] == s["text"]
    assert spans["trigger"]["text"] == "threatened" and spans["target"]["text"] == "Moscow"
    assert event["article"]["title"] == "Lavrov and Blinken meet in Geneva"


def test_event_by_a_mention_id_is_its_happening_with_every_mention(client: TestClient) -> None:
    by_wire = client.get("/api/events/geneva-wire-e0").json()
    by_own = client.get(f"/api/events/{by_wire['id']}").json()
    assert by_wire["id"] == by_own["id"] and by_wire["num_mentions"] == 2
    for m in by_wire["mentions"]:
        texts = {s["kind"]: s["text"] for s in m["evidence"]["spans"]}
        assert texts["source"] == "Sergey Lavrov" and texts["target"] == "Antony Blinken"
        assert m["title"] in {"Lavrov and Blinken meet in Geneva", "Talks in Geneva"}


# --- articles ---


def test_article_has_text_with_entity_and_event_spans(client: TestClient) -> None:
    a = client.get("/api/articles/geneva-2022").json()
    text = a["text"]
    assert a["title"] == "Lavrov and Blinken meet in Geneva" and THREAT in text
    assert a["mentions"] and all(text[m["start"]:m["end"]] == m["text"] for m in a["mentions"])
    assert {e["id"] for e in a["events"]} == {"geneva-2022-e0", "geneva-2022-e2"}
    for e in a["events"]:
        assert text[e["trigger"]["start"]:e["trigger"]["end"]] == e["trigger"]["text"]
        assert text[e["source"]["start"]:e["source"]["end"]] == e["source"]["text"]
    assert isinstance(a["quotes"], list)


@pytest.mark.parametrize("path", ["/api/events/nope", "/api/articles/nope",
                                  "/api/events/x' OR '1'='1", "/api/actors/person:nobody-at-all"])
def test_unknown_ids_are_404_in_the_error_shape(client: TestClient, path: str) -> None:
    body = is_error(client.get(path), 404)
    assert "no " in body["error"]


def test_unknown_route_and_wrong_method_use_the_error_shape(client: TestClient) -> None:
    is_error(client.get("/api/nothing-here"), 404)
    is_error(client.delete("/api/events"), 405)


# --- relations and actors ---


def test_relations_series_counts_the_pairs_events(client: TestClient) -> None:
    rel = client.get("/api/relations/USA/RUS", params={"by": "month"}).json()
    assert (rel["a"], rel["b"], rel["by"]) == ("USA", "RUS", "month")
    both = rel["series"]["both"]
    assert [r["period"] for r in both] == sorted(r["period"] for r in both)
    assert sum(r["events"] for r in both) == 5
    assert sum(r["events"] for r in rel["series"]["a_to_b"]) == 3
    for row in both:
        quads = row["verbal_coop"] + row["material_coop"] + row["verbal_conflict"] + row["material_conflict"]
        assert quads == row["events"]
    assert isinstance(rel["turning_points"], list)


@pytest.mark.parametrize("path, params", [
    ("/api/relations/USA/XX", {}), ("/api/relations/U1A/RUS", {}),
    ("/api/relations/USA/RUS", {"by": "fortnight"}), ("/api/relations/USA/RUS", {"since": "2022-1-1x"}),
])
def test_bad_relations_parameters_are_400(client: TestClient, path: str, params: dict) -> None:
    is_error(client.get(path, params=params), 400)


def test_actors_are_ranked_and_one_actor_has_roles_and_partners(client: TestClient) -> None:
    actors = client.get("/api/actors", params={"limit": 10}).json()["actors"]
    assert actors and [a["events"] for a in actors] == sorted((a["events"] for a in actors), reverse=True)
    lavrov = client.get("/api/actors/person:sergey-lavrov").json()
    assert lavrov["name"] == "Sergey Lavrov" and lavrov["roles"]
    assert any(p["country"] == "USA" for p in lavrov["partners"])
    top = client.get(f"/api/actors/{actors[0]['id']}").json()
    assert (top["id"], top["events"]) == (actors[0]["id"], actors[0]["events"])


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 1000}, {"since": "soon"}])
def test_bad_actor_parameters_are_400(client: TestClient, params: dict) -> None:
    is_error(client.get("/api/actors", params=params), 400)


# --- search, stats, pages ---


def test_search_ranks_articles_by_bm25(client: TestClient) -> None:
    r = client.get("/api/search", params={"q": "sanctions"}).json()
    assert r["mode"] == "bm25"
    ids = [a["id"] for a in r["results"]]
    assert set(ids) == {"geneva-2022", "sanctions-2022"} and r["total"] == 2
    assert all("sanction" in a["snippet"].lower() for a in r["results"])
    assert client.get("/api/search", params={"q": "sanctions", "limit": 1, "offset": 1}).json()["results"][0]["id"] == ids[1]


def test_search_in_a_store_without_an_index_falls_back_to_substring(tmp_path: Path) -> None:
    path = tmp_path / "plain.duckdb"
    with Store(path) as store:
        store.write(corpus())
    with TestClient(create_app(path)) as c:
        r = c.get("/api/search", params={"q": "Sochi"}).json()
    assert r["mode"] == "substring" and [a["id"] for a in r["results"]] == ["kerry-2015"]


@pytest.mark.parametrize("params", [{}, {"q": "   "}, {"q": "x" * 600}, {"q": "a", "limit": -5},
                                    {"q": "a", "offset": 10**20}])
def test_bad_search_parameters_are_400(client: TestClient, params: dict) -> None:
    is_error(client.get("/api/search", params=params), 400)


def test_search_text_that_looks_like_sql_finds_nothing_and_breaks_nothing(client: TestClient) -> None:
    r = client.get("/api/search", params={"q": "'); DROP TABLE articles; --"})
    assert r.status_code == 200 and r.json()["total"] == 0
    assert client.get("/api/stats").json()["articles"] == 4


@pytest.mark.parametrize("page", ["/", "/relations?a=USA&b=RUS", "/events", "/events/geneva-2022-e0",
                                  "/articles/geneva-2022", "/actors", "/actors/country:RUS", "/search?q=x"])
def test_dashboard_pages_serve_the_shell(client: TestClient, page: str) -> None:
    r = client.get(page)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert '<script type="module" src="/static/js/main.js">' in r.text


def test_dashboard_assets_are_local(client: TestClient) -> None:
    for asset in ("/static/app.css", "/static/js/main.js", "/static/js/chart.js"):
        r = client.get(asset)
        assert r.status_code == 200 and "http://" not in r.text and "https://" not in r.text


def test_an_unexpected_exception_is_a_500_in_the_error_shape(db: Path, monkeypatch) -> None:
    def broken(*_a, **_k):
        raise RuntimeError("boom")

    monkeypatch.setattr(Store, "stats", broken)
    with TestClient(create_app(db)) as c:
        body = is_error(c.get("/api/stats"), 500)
    assert "boom" not in body["error"]  # no internals leak


def test_a_missing_database_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="detente ingest"):
        create_app(tmp_path / "none.duckdb")


# --- ingest ---


def test_ingest_is_off_by_default(client: TestClient) -> None:
    body = is_error(client.post("/api/ingest", content="Some text.",
                                headers={"Content-Type": "text/plain"}), 403)
    assert "--allow-ingest" in body["error"]


def test_allow_ingest_needs_a_token(tmp_path: Path) -> None:
    with pytest.raises(QueryError, match="token"):
        create_app(tmp_path / "w.duckdb", allow_ingest=True)


class NoPipeline:
    """Stands in for the NLP pipeline where a request must be refused before coding."""

    settings = None

    def process(self, *_a, **_k):  # pragma: no cover - reaching it is the failure
        raise AssertionError("the pipeline ran for a refused request")


@pytest.fixture
def writer(tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(build_store(tmp_path / "w.duckdb"), allow_ingest=True, token="s3cret",
                     pipeline=NoPipeline())
    with TestClient(app) as c:
        yield c


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"},
                                     {"Authorization": "Basic s3cret"}, {"Authorization": "s3cret"}])
def test_ingest_with_a_missing_or_wrong_token_is_401(writer: TestClient, headers: dict) -> None:
    r = writer.post("/api/ingest", content="Text.", headers={"Content-Type": "text/plain", **headers})
    is_error(r, 401)
    assert r.headers["www-authenticate"] == "Bearer"


AUTH = {"Authorization": "Bearer s3cret"}


def test_ingest_refuses_bad_bodies_before_coding(writer: TestClient, monkeypatch) -> None:
    is_error(writer.post("/api/ingest", content="  ", headers={**AUTH, "Content-Type": "text/plain"}), 400)
    is_error(writer.post("/api/ingest", content="<x/>", headers={**AUTH, "Content-Type": "image/png"}), 415)
    is_error(writer.post("/api/ingest", content=b"\xff\xfe\x00", headers={**AUTH, "Content-Type": "text/plain"}), 400)
    is_error(writer.post("/api/ingest", content="[{", headers={**AUTH, "Content-Type": "application/json"}), 400)
    monkeypatch.setattr(ingest_module, "MAX_BODY", 10)
    is_error(writer.post("/api/ingest", content="x" * 50, headers={**AUTH, "Content-Type": "text/plain"}), 413)


def test_posted_records_get_stable_ids() -> None:
    line = ingest_module.jsonl_records('{"text": "Moscow protested."}\nnot json\n')
    first, second = line.split("\n")
    assert json.loads(first)["id"].startswith("post-") and second == "not json"
    assert ingest_module.jsonl_records('{"text": "Moscow protested."}') == first
    plain = json.loads(ingest_module.text_record("Body.", {"title": "T", "date": "2022-01-02"}))
    assert plain["id"].startswith("post-") and plain["title"] == "T" and plain["date"] == "2022-01-02"


@pytest.mark.slow
def test_ingest_with_the_token_stores_once(tmp_path: Path, pipeline) -> None:
    app = create_app(build_store(tmp_path / "w.duckdb"), allow_ingest=True, token="s3cret",
                     pipeline=pipeline)
    text = ("Chinese Foreign Minister Wang Yi met US Secretary of State Antony Blinken in Beijing "
            "on Monday. The two sides discussed trade.")
    headers = {**AUTH, "Content-Type": "text/plain"}
    params = {"id": "beijing-talks", "date": "2023-06-19", "title": "Wang and Blinken meet"}
    with TestClient(app) as c:
        first = c.post("/api/ingest", content=text, headers=headers, params=params).json()
        again = c.post("/api/ingest", content=text, headers=headers, params=params).json()
        records = "\n".join(json.dumps({"id": f"r{i}", "date": "2023-06-20", "text": t}) for i, t in
                            enumerate(["Russia condemned the United States.", "Russia condemned the United States."]))
        batch = c.post("/api/ingest", content=records,
                       headers={**AUTH, "Content-Type": "application/x-ndjson"}).json()
        article = c.get("/api/articles/beijing-talks").json()
        found = c.get("/api/search", params={"q": "Beijing"}).json()
    assert first["ok"] and first["articles_written"] == 1 and first["events_written"] >= 1
    assert again["articles_written"] == 0 and again["articles_skipped"] == 1
    assert batch["articles_written"] == 2
    assert article["title"] == "Wang and Blinken meet" and article["events"]
    assert [a["id"] for a in found["results"]] == ["beijing-talks"] and found["mode"] == "bm25"


# --- detente serve (the console script) ---


def test_serve_refuses_allow_ingest_without_a_token(detente, tmp_path: Path) -> None:
    result = detente("serve", "--allow-ingest", "--db", "x.duckdb", cwd=tmp_path)
    assert result.returncode == 2
    assert "--allow-ingest needs a token" in result.stderr and "DETENTE_TOKEN" in result.stderr
    assert not (tmp_path / "x.duckdb").exists()


def test_serve_answers_http_on_the_given_port(detente, tmp_path: Path) -> None:
    build_store(tmp_path / "news.duckdb")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([detente.script, "serve", "--db", "news.duckdb", "--port", str(port)],
                            cwd=tmp_path, env=detente.env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline, body = time.monotonic() + 30, None
        while body is None and time.monotonic() < deadline and proc.poll() is None:
            try:
                body = httpx.get(f"http://127.0.0.1:{port}/api/stats", timeout=2).json()
            except httpx.TransportError:
                time.sleep(0.2)
        assert body is not None, proc.stderr.read() if proc.poll() is not None else "no answer"
        assert body["articles"] == 4
    finally:
        proc.terminate()
        proc.wait(timeout=10)
