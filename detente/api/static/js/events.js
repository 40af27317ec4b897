// The events table (/events with filters and paging) and one event (/events/{id}).

import {highlighted, legend} from "./highlight.js";
import {ROOTS, actorLink, api, errorBox, eventTitle, facts, fmtNumber, h, loading, quadBadge,
        loadRecord, queryParams, setTitle, truncate} from "./util.js";

const PAGE = 50;
const FILTERS = ["source", "target", "root", "since", "until", "q"];

/** A table of events: date, dyad, what, modality, reports, evidence. */
export function eventRows(events, {caption = ""} = {}) {
  const cols = ["Date", "Source", "Target", "Event", "Class", "Goldstein", "Reports", "Evidence"];
  return h("div", {class: "table-wrap"}, h("table", {class: "events"},
    caption ? h("caption", {}, caption) : null,
    h("thead", {}, h("tr", {}, ...cols.map((c) => h("th", {scope: "col"}, c)))),
    h("tbody", {}, ...events.map((e) => h("tr", {"data-event-id": e.id},
      h("td", {class: "nowrap"}, h("a", {href: `/events/${encodeURIComponent(e.id)}`, class: "event-link"},
        e.event_date || "undated")),
      h("td", {}, actorLink(e.source)), h("td", {}, actorLink(e.target)),
      h("td", {}, h("span", {class: "code", title: ROOTS[e.cameo_root] || ""}, e.cameo), " ",
        e.plover || "", e.modality !== "asserted" ? h("span", {class: "badge modality"}, e.modality) : ""),
      h("td", {}, quadBadge(e.quad_class)),
      h("td", {class: "num"}, fmtNumber(e.goldstein, 1)),
      h("td", {class: "num", title: `${e.num_mentions ?? 1} mention(s), ${e.num_sources ?? 1} source(s)`},
        e.num_articles ?? 1),
      h("td", {class: "sentence"}, truncate(e.sentence, 140)))))));
}

function filterForm(p) {
  const text = (name, label, attrs = {}) => h("label", {}, label,
    h("input", {name, value: p[name] || "", "aria-label": label, ...attrs}));
  const root = h("select", {name: "root", "aria-label": "CAMEO root"}, h("option", {value: ""}, "any"),
    ...Object.entries(ROOTS).map(([code, name]) => h("option", {value: code, selected: p.root === code},
      `${code} ${name}`)));
  return h("form", {class: "filters", method: "get", action: "/events"},
    text("source", "Source", {size: 8, placeholder: "USA"}), text("target", "Target", {size: 8, placeholder: "RUS"}),
    h("label", {}, "Root ", root),
    text("since", "Since", {type: "date"}), text("until", "Until", {type: "date"}),
    text("q", "Words", {size: 16, placeholder: "sanctions", type: "search"}),
    h("button", {type: "submit"}, "Filter"), h("a", {href: "/events", class: "reset"}, "reset"));
}

function pager(p, total, offset) {
  const link = (to, label, rel) => {
    const q = new URLSearchParams();
    for (const k of FILTERS) if (p[k]) q.set(k, p[k]);
    if (to) q.set("offset", to);
    return h("a", {href: `/events?${q}`, rel, class: "button"}, label);
  };
  const last = Math.min(offset + PAGE, total);
  return h("nav", {class: "pager", "aria-label": "pages"},
    offset > 0 ? link(Math.max(0, offset - PAGE), "← previous", "prev") : "",
    h("span", {}, total ? `${offset + 1}–${last} of ${total}` : "no events"),
    last < total ? link(offset + PAGE, "next →", "next") : "");
}

export async function eventsPage(main) {
  const p = queryParams();
  const offset = Math.max(0, parseInt(p.offset || "0", 10) || 0);
  setTitle("Events");
  const body = h("div", {}, loading("Events"));
  main.replaceChildren(h("h1", {}, "Events"), filterForm(p), body);
  try {
    const params = Object.fromEntries(FILTERS.map((k) => [k, p[k]]));
    const page = await api("/api/events", {...params, limit: PAGE, offset});
    body.replaceChildren(pager(p, page.total, offset),
      page.events.length ? eventRows(page.events) : h("p", {class: "empty"}, "No events match these filters."),
      page.events.length > 10 ? pager(p, page.total, offset) : "");
  } catch (error) {
    body.replaceChildren(errorBox(error));
  }
}

/** The evidence sentence with source, target and trigger marked. */
export function evidenceSentence(ev, {tag = "blockquote"} = {}) {
  const spans = (ev.spans || []).map((s) => ({...s, title: `${s.kind}: ${s.text}`}));
  return highlighted(ev.sentence || "", spans, {tag, className: "evidence"});
}

function eventFacts(e) {
  const loc = e.location ? [e.location.name, e.location.country].filter(Boolean).join(", ") : null;
  return facts([
    ["Source", h("span", {}, actorLink(e.source), e.source ? ` — ${e.source.name || e.source.text}` : "",
      e.source && e.source.role ? `, ${e.source.role}` : "")],
    ["Target", h("span", {}, actorLink(e.target), e.target ? ` — ${e.target.name || e.target.text}` : "",
      e.target && e.target.role ? `, ${e.target.role}` : "")],
    ["CAMEO", `${e.cameo} (${ROOTS[e.cameo_root] || e.cameo_root})`],
    ["PLOVER", [e.plover, e.plover_mode].filter(Boolean).join(" / ") || null],
    ["Class", quadBadge(e.quad_class)], ["Goldstein", fmtNumber(e.goldstein, 1)],
    ["Modality", e.modality],
    ["Date", e.event_date ? `${e.event_date} (${e.date_precision}, ${e.date_basis})` : "undated"],
    ["Place", loc], ["Issues", (e.issues || []).join(", ") || null],
    ["Reports", `${e.num_mentions ?? 1} mention(s) in ${e.num_articles ?? 1} article(s) from ` +
                `${e.num_sources ?? 1} source(s)`],
    ["Confidence", fmtNumber(e.confidence)], ["Coder", h("code", {}, e.coder)],
  ]);
}

function mentionItem(m) {
  const article = `/articles/${encodeURIComponent(m.article_id)}#ev-${encodeURIComponent(m.event_id)}`;
  return h("li", {class: "mention", "data-article-id": m.article_id},
    h("p", {class: "meta"}, h("a", {href: article, class: "article-link"}, m.title || m.article_id),
      ` — ${[m.outlet, m.published].filter(Boolean).join(", ") || "unknown source"}`,
      m.trigger ? ` · “${m.trigger.text}”` : ""),
    evidenceSentence(m.evidence, {tag: "p"}));
}

export async function eventPage(main, eventId) {
  const e = await loadRecord(main, "Event", `/api/events/${encodeURIComponent(eventId)}`);
  if (e === null) return;
  setTitle(eventTitle(e));
  const article = e.article;
  main.replaceChildren(
    h("p", {class: "crumbs"}, h("a", {href: "/events"}, "Events"), " / ", e.id),
    h("h1", {}, eventTitle(e), " ", quadBadge(e.quad_class)),
    h("section", {class: "card"}, h("h2", {}, "Evidence"), legend(["source", "target", "trigger"]),
      evidenceSentence(e.evidence),
      article ? h("p", {class: "meta"}, "From ",
        h("a", {href: `/articles/${encodeURIComponent(e.article_id)}#ev-${encodeURIComponent(e.id)}`,
                class: "article-link"}, article.title || e.article_id),
        ` — ${[article.outlet, article.published].filter(Boolean).join(", ")}`) : ""),
    h("section", {class: "card"}, h("h2", {}, "Coding"), eventFacts(e)),
    h("section", {class: "card"}, h("h2", {}, `Mentions (${(e.mentions || []).length})`),
      h("p", {class: "muted"}, "Every sentence, in every article, that reports this event."),
      h("ol", {class: "mentions"}, ...(e.mentions || []).map(mentionItem))));
}
