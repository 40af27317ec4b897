// One article (/articles/{id}) with its actor mentions, events and quotes highlighted in the
// text, and full-text search over articles (/search?q=).

import {highlighted, legend} from "./highlight.js";
import {ROOTS, actorLabel, api, errorBox, facts, h, loadRecord, loading, queryParams, setTitle} from "./util.js";

function actorTitle(a) {
  return [a.code, a.name, a.role].filter(Boolean).join(" · ");
}

/** Every span of the article: mentions, each event's source/target/trigger, quotes. */
export function articleSpans(article) {
  const spans = [];
  for (const m of article.mentions || []) {
    spans.push({start: m.start, end: m.end, kind: "entity", title: `actor: ${actorTitle(m)}`});
  }
  for (const e of article.events || []) {
    const what = `${actorLabel(e.source)} → ${actorLabel(e.target)}: ${e.cameo} ${e.plover || ""}`.trim();
    const href = `/events/${encodeURIComponent(e.id)}`;
    if (e.source) spans.push({start: e.source.start, end: e.source.end, kind: "source", title: `source of ${what}`});
    if (e.target) spans.push({start: e.target.start, end: e.target.end, kind: "target", title: `target of ${what}`});
    if (e.trigger) {
      spans.push({start: e.trigger.start, end: e.trigger.end, kind: "trigger", title: `event: ${what}`, href,
                  id: `ev-${e.id}`});
    }
  }
  for (const q of article.quotes || []) {
    for (const s of (q.spans && q.spans.length ? q.spans : [q])) {
      spans.push({start: s.start, end: s.end, kind: "quote",
                  title: `quote${q.speaker ? ` by ${actorTitle(q.speaker)}` : ""}`});
    }
  }
  return spans;
}

function eventList(events) {
  if (!events.length) return h("p", {class: "muted"}, "No events were coded in this article.");
  return h("ol", {class: "article-events"}, ...events.map((e) => h("li", {},
    h("a", {href: `/events/${encodeURIComponent(e.id)}`, class: "event-link"},
      `${actorLabel(e.source)} → ${actorLabel(e.target)}`),
    ` ${e.cameo} ${e.plover || ROOTS[e.cameo_root] || ""}`,
    h("span", {class: "muted"}, ` · ${e.event_date || "undated"} · “${e.trigger ? e.trigger.text : ""}”`))));
}

export async function articlePage(main, articleId) {
  const a = await loadRecord(main, "Article", `/api/articles/${encodeURIComponent(articleId)}`);
  if (a === null) return;
  setTitle(a.title || a.id);
  const published = a.published ? `${a.published} (${a.published_basis})` : "undated";
  main.replaceChildren(
    h("p", {class: "crumbs"}, "Article / ", a.id),
    h("h1", {}, a.title || a.id),
    facts([["Outlet", a.outlet], ["Authors", (a.authors || []).join(", ")], ["Published", published],
           ["Link", a.url ? h("a", {href: a.url, rel: "noopener noreferrer"}, a.url) : null],
           ["Coded", `${(a.events || []).length} event(s), ${(a.mentions || []).length} actor mention(s), ` +
                     `${(a.quotes || []).length} quote(s)`]]),
    h("div", {class: "article-layout"},
      h("section", {class: "card article-text"}, legend(["entity", "source", "target", "trigger", "quote"]),
        highlighted(a.text || "", articleSpans(a), {tag: "div", className: "text article-body"})),
      h("aside", {class: "card"}, h("h2", {}, "Events in this article"), eventList(a.events || []))));
  if (location.hash) {
    const target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target) { target.classList.add("focus"); target.scrollIntoView({block: "center"}); }
  }
}

function snippet(text, q) {
  const words = (q.toLowerCase().match(/\w{3,}/g) || []).map((w) => w.slice(0, Math.max(4, w.length - 2)));
  const spans = [];
  const lower = text.toLowerCase();
  for (const w of words) {
    for (let i = lower.indexOf(w); i >= 0; i = lower.indexOf(w, i + w.length)) {
      let end = i + w.length;
      while (end < text.length && /\w/.test(text[end])) end++;
      spans.push({start: i, end, kind: "hit"});
    }
  }
  return highlighted(text, spans, {tag: "p", className: "snippet"});
}

export async function searchPage(main) {
  const p = queryParams();
  setTitle(p.q ? `Search: ${p.q}` : "Search");
  const body = h("div", {});
  main.replaceChildren(h("h1", {}, "Search articles"),
    h("form", {class: "filters", method: "get", action: "/search", role: "search"},
      h("label", {}, "Words ", h("input", {type: "search", name: "q", value: p.q || "", size: 40,
                                             "aria-label": "search words", placeholder: "sanctions Lavrov"})),
      h("button", {type: "submit"}, "Search")), body);
  if (!p.q) return;
  body.replaceChildren(loading("Searching"));
  try {
    const r = await api("/api/search", {q: p.q, limit: 50});
    const note = r.mode === "bm25" ? "ranked by BM25" : "substring match (this store has no search index yet)";
    body.replaceChildren(h("p", {class: "summary"}, `${r.total} article(s) for “${r.q}”, ${note}.`),
      h("ol", {class: "results"}, ...r.results.map((a) => h("li", {},
        h("a", {href: `/articles/${encodeURIComponent(a.id)}`, class: "article-link"}, a.title || a.id),
        h("span", {class: "muted"}, ` — ${[a.outlet, a.published].filter(Boolean).join(", ")}`),
        snippet(a.snippet || "", r.q)))));
  } catch (error) {
    body.replaceChildren(errorBox(error));
  }
}
