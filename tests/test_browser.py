"""The dashboard in a real browser: Debian's Chromium driven by Playwright for Python.

A uvicorn server in a background thread serves a store built from the demo corpus; every
page is loaded and checked against what the API says, and one path is followed the way a
reader would: relations chart point -> the period's events -> an event (its sentence with
source, target and trigger highlighted) -> its article (entity and event spans).
Screenshots go to ``test-artifacts/screenshots/``.

No browser is downloaded (never ``playwright install``): the module skips, saying why, when
``/usr/bin/chromium`` (``apt-get install chromium``) or the playwright package is missing.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.is_file():
    pytest.skip(f"browser tests need Debian's Chromium at {CHROMIUM} "
                "(apt-get install -y chromium; `make test` tries that when run as root)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright "
                               "package (pip install -e '.[test]'; no browser download needed)")

import httpx
import uvicorn

from detente import service
from detente.api import create_app
from detente.store import Store

pytestmark = pytest.mark.slow
SHOTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
TIMEOUT_MS = 15_000


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory, pipeline) -> Path:
    path = tmp_path_factory.mktemp("browser") / "demo.duckdb"
    with Store(path) as store:
        service.ingest(pipeline, store, [str(service.demo_corpus())])
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(demo_db: Path) -> Iterator[str]:
    """The app under uvicorn on a free local port, in a background thread."""
    port = _free_port()
    config = uvicorn.Config(create_app(demo_db), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start within 20 s")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def api(server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server: str) -> Iterator[Any]:
    """A fresh page; fails the test on any JavaScript error, failed request, or request
    that leaves the local server (the dashboard must work offline: no CDN)."""
    context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
    problems: list[str] = []

    def local_only(route) -> None:
        if route.request.url.startswith(server):
            route.continue_()
        else:
            problems.append(f"external request: {route.request.url}")
            route.abort()

    context.route("**/*", local_only)
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT_MS)
    pg.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    pg.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
    pg.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    pg.expected_errors = []  # a test that provokes an error lists its words here
    yield pg
    context.close()
    unexpected = [p for p in problems if not any(w in p for w in pg.expected_errors)]
    assert not unexpected, unexpected


def open_page(page, path: str, shot: str) -> None:
    """Load a dashboard page, wait until its module has rendered, save a screenshot."""
    page.goto(path)
    page.wait_for_selector("#main[data-ready=true]")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{shot}.png"), full_page=True)


def arrive(page, path: str) -> None:
    """Wait until a click has led to ``path`` (ids are percent-encoded in links) and the
    page there has rendered."""
    page.wait_for_url(lambda url: unquote(urlsplit(url).path) == path)
    page.wait_for_selector("#main[data-ready=true]")


def no_error_box(page) -> None:
    assert page.locator(".error").count() == 0, page.locator(".error").first.inner_text()


# --- every page loads and shows what the API has ---


def test_overview_lists_the_stores_counts_and_top_pairs(page, api) -> None:
    stats = api.get("/api/stats").json()
    open_page(page, "/", "overview")
    no_error_box(page)
    assert page.locator(".stat .value").first.inner_text() == str(stats["articles"])
    assert page.locator("table.dyads tbody tr").count() == len(stats["top_dyads"])
    assert page.locator("nav.site a[aria-current=page]").inner_text() == "Overview"


def test_events_page_filters_and_pages(page, api) -> None:
    open_page(page, "/events?source=USA&target=RUS", "events-usa-rus")
    no_error_box(page)
    expected = api.get("/api/events", params={"source": "USA", "target": "RUS"}).json()
    rows = page.locator("table.events tbody tr")
    assert rows.count() == min(50, expected["total"]) > 0
    assert rows.first.get_attribute("data-event-id") == expected["events"][0]["id"]
    page.select_option("select[name=root]", "04")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/events?*root=04*")
    page.wait_for_selector("#main[data-ready=true]")
    consults = api.get("/api/events", params={"source": "USA", "target": "RUS", "root": "04"}).json()
    assert page.locator("table.events tbody tr").count() == consults["total"] > 0
    page.screenshot(path=str(SHOTS / "events-filtered.png"), full_page=True)


def test_search_page_lists_ranked_articles_with_hits_marked(page, api) -> None:
    expected = api.get("/api/search", params={"q": "sanctions", "limit": 50}).json()
    open_page(page, "/search?q=sanctions", "search")
    no_error_box(page)
    links = page.locator("ol.results a.article-link")
    assert links.count() == len(expected["results"]) > 0
    assert links.first.get_attribute("href") == f"/articles/{expected['results'][0]['id']}"
    assert page.locator("ol.results .hl-hit").count() > 0


def test_actors_page_links_to_an_actor_page(page, api) -> None:
    top = api.get("/api/actors", params={"limit": 50}).json()["actors"]
    open_page(page, "/actors", "actors")
    no_error_box(page)
    assert page.locator("table.actors tbody tr").count() == len(top)
    page.locator("table.actors a.actor").first.click()
    arrive(page, f"/actors/{top[0]['id']}")
    no_error_box(page)
    assert page.locator("h1").inner_text() == (top[0]["name"] or top[0]["code"] or top[0]["id"])
    assert page.locator("table.partners tbody tr").count() > 0
    page.screenshot(path=str(SHOTS / "actor.png"), full_page=True)


def test_api_docs_render_offline(page) -> None:
    page.goto("/docs")
    page.wait_for_selector(".swagger-ui .opblock")
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    for endpoint in ("/api/events", "/api/relations/{a}/{b}", "/api/search", "/api/ingest"):
        assert any(p.replace("\u200b", "") == endpoint for p in paths), (endpoint, paths)
    page.screenshot(path=str(SHOTS / "api-docs.png"), full_page=False)


def test_an_unknown_event_shows_the_apis_error(page) -> None:
    page.expected_errors.append("status of 404")  # the browser logs the API's 404
    open_page(page, "/events/no-such-event", "event-not-found")
    shown = page.locator(".error").inner_text()
    assert "404" in shown and "no-such-event" in shown


# --- chart point -> events of the period -> event -> article ---


def _busiest(rel: dict[str, Any]) -> dict[str, Any]:
    return max(rel["series"]["both"], key=lambda r: (r["events"], r["period"]))


def test_relations_chart_matches_the_api(page, api) -> None:
    rel = api.get("/api/relations/USA/RUS", params={"by": "month"}).json()
    open_page(page, "/relations?a=USA&b=RUS", "relations")
    no_error_box(page)
    chart = page.locator("svg.timeline")
    assert chart.locator("g.period").count() == len(rel["series"]["both"])
    assert chart.locator("g.turning").count() == len(rel["turning_points"])
    assert chart.locator("path.index-line").get_attribute("d").startswith("M")
    kinds = {tp["kind"] for tp in rel["turning_points"]}
    for kind in kinds:
        assert chart.locator(f"g.turning.{kind}").count() > 0


def test_chart_point_leads_to_event_and_article(page, api) -> None:
    rel = api.get("/api/relations/USA/RUS", params={"by": "month"}).json()
    row = _busiest(rel)
    open_page(page, "/relations?a=USA&b=RUS", "relations-before-click")
    page.locator(f"svg.timeline g.period[data-period='{row['period']}']").click()
    listed = page.locator("#period-events table.events tbody tr")
    listed.first.wait_for()
    assert listed.count() == row["events"]
    assert page.locator("#period-heading").inner_text().startswith(row["period"])
    page.screenshot(path=str(SHOTS / "relations-period.png"), full_page=True)

    event_id = listed.first.get_attribute("data-event-id")
    listed.first.locator("a.event-link").click()
    arrive(page, f"/events/{event_id}")
    no_error_box(page)
    event = api.get(f"/api/events/{event_id}").json()
    quote = page.locator("blockquote.evidence")
    assert quote.inner_text().strip() == event["sentence"].strip()
    for kind in ("source", "target", "trigger"):
        span = next(s for s in event["evidence"]["spans"] if s["kind"] == kind)
        assert quote.locator(f"mark.hl-{kind}").all_inner_texts() == [span["text"]], kind
    assert page.locator("ol.mentions li.mention").count() == len(event["mentions"]) >= 1
    page.screenshot(path=str(SHOTS / "event.png"), full_page=True)

    page.locator("section.card a.article-link").first.click()
    arrive(page, f"/articles/{event['article_id']}")
    no_error_box(page)
    article = api.get(f"/api/articles/{event['article_id']}").json()
    body = page.locator(".article-body")
    assert body.inner_text().split() == article["text"].split()
    assert body.locator(".hl-entity").count() >= len({(m["start"], m["end"]) for m in article["mentions"]}) > 0
    triggers = body.locator("a.hl-trigger")
    distinct = {(e["trigger"]["start"], e["trigger"]["end"]) for e in article["events"]}
    assert triggers.count() >= len(distinct) > 0  # mutual events share their trigger
    focused = page.locator(f"[id='ev-{event['id']}']")  # the link's #fragment: this event
    assert focused.count() == 1 and "focus" in focused.get_attribute("class")
    assert event["trigger"]["text"].startswith(focused.inner_text())
    assert page.locator("ol.article-events li").count() == len(article["events"])
    page.screenshot(path=str(SHOTS / "article.png"), full_page=True)
