// The relations page: /relations?a=USA&b=RUS&by=month — the timeline chart, its turning
// points, and the events of the period the user clicks.

import {markSelected, timelineChart} from "./chart.js";
import {eventRows} from "./events.js";
import {QUADS, api, errorBox, fmtNumber, h, loading, periodEnd, queryParams, setTitle} from "./util.js";

const DIRECTIONS = {both: "both directions", a_to_b: "A → B", b_to_a: "B → A"};

function form(p) {
  const input = (name, label, value) => h("label", {}, label,
    h("input", {name, value: value || "", size: 4, maxlength: 3, pattern: "[A-Za-z]{3}",
                required: true, autocomplete: "off", "aria-label": label}));
  const by = h("select", {name: "by", "aria-label": "period"},
    ...["week", "month", "quarter", "year"].map((v) => h("option", {value: v, selected: v === p.by}, v)));
  const dir = h("select", {name: "dir", "aria-label": "direction"},
    ...Object.entries(DIRECTIONS).map(([v, l]) => h("option", {value: v, selected: v === p.dir}, l)));
  return h("form", {class: "filters", method: "get", action: "/relations"},
    input("a", "Country A", p.a), input("b", "Country B", p.b),
    h("label", {}, "By ", by), h("label", {}, "Show ", dir),
    h("label", {}, "Since ", h("input", {type: "date", name: "since", value: p.since || ""})),
    h("label", {}, "Until ", h("input", {type: "date", name: "until", value: p.until || ""})),
    h("button", {type: "submit"}, "Show"));
}

function chartLegend() {
  return h("p", {class: "legend chart-legend"},
    ...[1, 2, 3, 4].map((q) => h("span", {class: "key"}, h("i", {class: `swatch quad-${q}`}), QUADS[q].label)),
    h("span", {class: "key"}, h("i", {class: "swatch index"}), "index"),
    h("span", {class: "key"}, h("i", {class: "swatch thaw"}), "▲ thaw"),
    h("span", {class: "key"}, h("i", {class: "swatch chill"}), "▼ chill"));
}

function turningList(rel) {
  if (!rel.turning_points.length) return h("p", {class: "muted"}, "No turning points in this range.");
  return h("ul", {class: "turning-list"}, ...rel.turning_points.map((tp) => h("li", {},
    h("strong", {class: `tp-${tp.kind}`}, tp.kind === "thaw" ? "▲ thaw" : "▼ chill"), ` ${tp.period}: `,
    `index ${fmtNumber(tp.before)} → ${fmtNumber(tp.after)}`,
    tp.events && tp.events.length ? ` · ${tp.events.length} event(s)` : "")));
}

function seriesTable(rows) {
  const head = ["period", "events", ...[1, 2, 3, 4].map((q) => QUADS[q].short), "Goldstein mean", "index"];
  return h("details", {class: "series-table"}, h("summary", {}, "The numbers as a table"),
    h("table", {}, h("thead", {}, h("tr", {}, ...head.map((c) => h("th", {scope: "col"}, c)))),
      h("tbody", {}, ...rows.map((r) => h("tr", {},
        h("td", {}, r.period), h("td", {class: "num"}, r.events),
        ...[1, 2, 3, 4].map((q) => h("td", {class: "num"}, r[QUADS[q].key] || 0)),
        h("td", {class: "num"}, fmtNumber(r.goldstein_mean)), h("td", {class: "num"}, fmtNumber(r.index)))))));
}

/** The events between a and b in one period (both directions unless one is chosen). */
async function periodEvents(p, row, panel) {
  panel.replaceChildren(loading(`Events of ${row.period}`));
  const range = {since: row.start, until: periodEnd(row.start, p.by), limit: 200};
  const dirs = p.dir === "a_to_b" ? [[p.a, p.b]] : p.dir === "b_to_a" ? [[p.b, p.a]] : [[p.a, p.b], [p.b, p.a]];
  try {
    const pages = await Promise.all(dirs.map(([s, t]) => api("/api/events", {source: s, target: t, ...range})));
    // as the chart counts them: asserted happenings between the two countries themselves
    const events = pages.flatMap((pg) => pg.events)
      .filter((e) => e.modality === "asserted" && e.source && e.target
        && dirs.some(([s, t]) => e.source.country === s && e.target.country === t))
      .sort((x, y) => (x.event_date || "").localeCompare(y.event_date || "") || x.id.localeCompare(y.id));
    panel.replaceChildren(
      h("h3", {id: "period-heading"}, `${row.period}: ${events.length} event(s)`),
      events.length ? eventRows(events, {caption: `Events between ${p.a} and ${p.b} in ${row.period}`})
                    : h("p", {class: "muted"}, "No events listed for this period."));
    panel.scrollIntoView({behavior: "smooth", block: "nearest"});
  } catch (error) {
    panel.replaceChildren(errorBox(error));
  }
}

export async function relationsPage(main) {
  const p = {a: "USA", b: "RUS", by: "month", dir: "both", ...queryParams()};
  p.a = p.a.toUpperCase(); p.b = p.b.toUpperCase();
  setTitle(`${p.a}–${p.b} relations`);
  const body = h("div", {}, loading("Relations"));
  main.replaceChildren(h("h1", {}, `Relations: ${p.a} and ${p.b}`), form(p), body);
  let rel;
  try {
    rel = await api(`/api/relations/${encodeURIComponent(p.a)}/${encodeURIComponent(p.b)}`,
                    {by: p.by, since: p.since, until: p.until});
  } catch (error) {
    body.replaceChildren(errorBox(error));
    return;
  }
  const rows = rel.series[p.dir] || rel.series.both;
  if (!rows.length) {
    body.replaceChildren(h("p", {class: "empty"}, `No dated events between ${p.a} and ${p.b}` +
      (p.since || p.until ? " in this range." : " in this store.")));
    return;
  }
  const panel = h("section", {id: "period-events", class: "period-events", "aria-live": "polite"},
    h("p", {class: "muted"}, "Click a point or a bar in the chart to list that period's events."));
  const total = rows.reduce((n, r) => n + r.events, 0);
  const chart = timelineChart(rows, p.dir === "both" ? rel.turning_points : [], {
    by: p.by, title: `${p.a}–${p.b} cooperation–conflict index by ${p.by}`,
    onSelect: (row) => { markSelected(chart, row.period); periodEvents(p, row, panel); },
  });
  body.replaceChildren(
    h("p", {class: "summary"}, `${total} event(s) in ${rows.length} ${p.by}(s), ${DIRECTIONS[p.dir]}. `,
      h("a", {href: `/events?source=${p.a}&target=${p.b}`}, `${p.a} → ${p.b} events`), " · ",
      h("a", {href: `/events?source=${p.b}&target=${p.a}`}, `${p.b} → ${p.a} events`)),
    chartLegend(), h("figure", {class: "chart"}, chart),
    h("section", {}, h("h2", {}, "Turning points"), turningList(rel)),
    panel, seriesTable(rows));
}
