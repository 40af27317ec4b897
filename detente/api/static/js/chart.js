// The relations timeline, drawn as inline SVG (no chart library).
//
// Top panel: the cooperation–conflict index per period (a line with one point per period).
// Bottom panel: event counts per period by quad class, cooperation stacked upwards and
// conflict downwards. Turning points are dashed vertical rules labelled "thaw" or "chill".
// Every point and bar group is a button: clicking it (or Enter/Space) calls onSelect(row).

import {QUADS, fmtNumber, svg} from "./util.js";

const W = 960, H = 440, M = {top: 28, right: 24, bottom: 34, left: 56};
const SPLIT = 0.42; // share of the plot height for the index panel
const UP = [1, 2], DOWN = [3, 4];

function day(iso) { return Date.parse(`${iso}T00:00:00Z`); }

function scales(rows, by) {
  const times = rows.map((r) => day(r.start));
  const step = {year: 365.25, quarter: 91.3, month: 30.44, week: 7, day: 1}[by] || 30.44;
  const lo = Math.min(...times) - step * 0.6 * 864e5, hi = Math.max(...times) + step * 0.6 * 864e5;
  const plotW = W - M.left - M.right;
  const x = (t) => M.left + ((t - lo) / (hi - lo || 1)) * plotW;
  const periods = Math.max(1, (hi - lo) / (step * 864e5));
  const barW = Math.max(3, Math.min(26, (plotW / periods) * 0.7));
  const plotH = H - M.top - M.bottom;
  const idxTop = M.top, idxBottom = M.top + plotH * SPLIT - 14;
  const barTop = M.top + plotH * SPLIT + 10, barBottom = H - M.bottom;
  const peak = Math.max(1e-9, ...rows.map((r) => Math.abs(r.index ?? 0)));
  const span = peak <= 1 ? 1 : Math.ceil(peak);
  const yIdx = (v) => idxTop + ((span - v) / (2 * span)) * (idxBottom - idxTop);
  const count = (r, quads) => quads.reduce((s, q) => s + (r[QUADS[q].key] || 0), 0);
  const most = Math.max(1, ...rows.map((r) => Math.max(count(r, UP), count(r, DOWN))));
  const mid = (barTop + barBottom) / 2;
  const yBar = (n) => ((barBottom - barTop) / 2) * (n / most);
  return {x, barW, yIdx, span, idxTop, idxBottom, barTop, barBottom, mid, yBar, most, lo, hi};
}

function yearTicks(s) {
  const first = new Date(s.lo).getUTCFullYear() + 1, last = new Date(s.hi).getUTCFullYear();
  const years = [];
  for (let y = first; y <= last; y++) years.push(y);
  const every = Math.ceil(years.length / 12) || 1;
  return years.filter((y, i) => i % every === 0 || years.length < 12);
}

function axes(g, s) {
  for (const y of yearTicks(s)) {
    const x = s.x(Date.UTC(y, 0, 1));
    g.append(svg("line", {x1: x, x2: x, y1: M.top, y2: H - M.bottom, class: "grid"}),
             svg("text", {x, y: H - M.bottom + 18, class: "tick", "text-anchor": "middle"}, String(y)));
  }
  const zero = s.yIdx(0);
  g.append(svg("line", {x1: M.left, x2: W - M.right, y1: zero, y2: zero, class: "zero"}));
  for (const v of [s.span, 0, -s.span]) {
    g.append(svg("text", {x: M.left - 8, y: s.yIdx(v) + 4, class: "tick", "text-anchor": "end"},
                 fmtNumber(v, 1)));
  }
  g.append(svg("text", {x: M.left - 44, y: s.idxTop - 12, class: "axis-label"},
               "cooperation–conflict index"));
  g.append(svg("line", {x1: M.left, x2: W - M.right, y1: s.mid, y2: s.mid, class: "zero"}));
  g.append(svg("text", {x: M.left - 8, y: s.barTop + 10, class: "tick", "text-anchor": "end"}, `${s.most}`),
           svg("text", {x: M.left - 8, y: s.barBottom, class: "tick", "text-anchor": "end"}, `${s.most}`),
           svg("text", {x: M.left - 44, y: s.barTop - 2, class: "axis-label"},
               "events: cooperation ↑ conflict ↓"));
}

function bars(row, s) {
  const g = svg("g", {class: "bars"});
  const x = s.x(day(row.start)) - s.barW / 2;
  let up = s.mid, down = s.mid;
  for (const q of UP) {
    const hgt = s.yBar(row[QUADS[q].key] || 0);
    if (hgt > 0) g.append(svg("rect", {x, y: up - hgt, width: s.barW, height: hgt, class: `quad-${q}`}));
    up -= hgt;
  }
  for (const q of DOWN) {
    const hgt = s.yBar(row[QUADS[q].key] || 0);
    if (hgt > 0) g.append(svg("rect", {x, y: down, width: s.barW, height: hgt, class: `quad-${q}`}));
    down += hgt;
  }
  return g;
}

function describe(row) {
  const counts = [1, 2, 3, 4].map((q) => `${QUADS[q].short} ${row[QUADS[q].key] || 0}`).join(", ");
  return `${row.period}: index ${fmtNumber(row.index)}, ${row.events} event(s) (${counts}), ` +
         `Goldstein mean ${fmtNumber(row.goldstein_mean)}`;
}

function turning(tp, s) {
  const x = s.x(day(tp.start));
  const up = tp.kind === "thaw";
  return svg("g", {class: `turning ${tp.kind}`, "data-period": tp.period},
    svg("line", {x1: x, x2: x, y1: M.top - 6, y2: H - M.bottom}),
    svg("text", {x: x + 4, y: M.top - 10}, `${up ? "▲ thaw" : "▼ chill"} ${tp.period}`),
    svg("title", {}, `${tp.kind} at ${tp.period}: index ${fmtNumber(tp.before)} → ${fmtNumber(tp.after)}`));
}

/** The chart for `rows` (one series of Relations.to_dict()) and its turning points. */
export function timelineChart(rows, turningPoints, {by = "month", onSelect = () => {}, title = ""} = {}) {
  const root = svg("svg", {viewBox: `0 0 ${W} ${H}`, class: "timeline", role: "group",
                           "aria-label": title || "relations timeline"});
  if (!rows.length) return root;
  const s = scales(rows, by);
  const grid = svg("g", {class: "axes"});
  axes(grid, s);
  root.append(grid);
  const path = rows.filter((r) => r.index !== null && r.index !== undefined)
    .map((r, i) => `${i ? "L" : "M"}${s.x(day(r.start)).toFixed(1)},${s.yIdx(r.index).toFixed(1)}`).join(" ");
  root.append(svg("path", {d: path, class: "index-line"}));
  for (const tp of turningPoints || []) root.append(turning(tp, s));
  for (const row of rows) {
    const label = describe(row);
    const select = () => onSelect(row);
    const group = svg("g", {class: "period", tabindex: 0, role: "button", "aria-label": label,
                            "data-period": row.period, onclick: select,
                            onkeydown: (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); select(); } }},
      svg("title", {}, label), bars(row, s));
    if (row.index !== null && row.index !== undefined) {
      group.append(svg("circle", {cx: s.x(day(row.start)), cy: s.yIdx(row.index), r: 6, class: "point"}));
    }
    root.append(group);
  }
  return root;
}

/** Mark the selected period's point (and unmark the others). */
export function markSelected(chart, period) {
  for (const g of chart.querySelectorAll("g.period")) {
    g.classList.toggle("selected", g.dataset.period === period);
    g.setAttribute("aria-pressed", g.dataset.period === period ? "true" : "false");
  }
}
