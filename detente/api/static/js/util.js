// Small helpers shared by every page: DOM building, API calls, formatting.

/** Build an element: h("a", {href: "/x", class: "c"}, "text", child, ...). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

const SVG_NS = "http://www.w3.org/2000/svg";

/** An SVG element with attributes (no children shortcut: use append). */
export function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined) continue;
    if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, String(value));
  }
  return append(el, children);
}

/** An error from the API, carrying its status and message. */
export class ApiError extends Error {
  constructor(status, message, code) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** GET a JSON endpoint with query parameters (empty ones left out). */
export async function api(path, params = {}) {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== null && v !== undefined && v !== "") query.set(k, v);
  }
  const url = query.toString() ? `${path}?${query}` : path;
  const response = await fetch(url, {headers: {Accept: "application/json"}});
  let body = null;
  try {
    body = await response.json();
  } catch (_) {
    throw new ApiError(response.status, `the server answered ${response.status} without JSON`);
  }
  if (!response.ok || (body && body.ok === false)) {
    throw new ApiError(response.status, body && body.error ? body.error : response.statusText,
                       body && body.code);
  }
  return body;
}

/** The page's query parameters as a plain object. */
export function queryParams() {
  return Object.fromEntries(new URLSearchParams(location.search));
}

export function errorBox(error) {
  const status = error.status ? ` (${error.status})` : "";
  return h("div", {class: "error", role: "alert"},
    h("strong", {}, `Could not load this${status}: `), error.message || String(error));
}

export function loading(what = "Loading") {
  return h("p", {class: "loading", "aria-live": "polite"}, `${what}…`);
}

/** A detail page's record: shows "Loading…" in ``main`` while ``url`` is fetched, and on
 * failure the page heading and the error (then resolves to null). */
export async function loadRecord(main, kind, url) {
  setTitle(kind);
  main.replaceChildren(loading(kind));
  try {
    return await api(url);
  } catch (error) {
    main.replaceChildren(h("h1", {}, kind), errorBox(error));
    return null;
  }
}

// CAMEO roots (detente/data/cameo.yaml) and quad classes.
export const ROOTS = {
  "01": "Make public statement", "02": "Appeal", "03": "Express intent to cooperate",
  "04": "Consult", "05": "Engage in diplomatic cooperation", "06": "Engage in material cooperation",
  "07": "Provide aid", "08": "Yield", "09": "Investigate", "10": "Demand", "11": "Disapprove",
  "12": "Reject", "13": "Threaten", "14": "Protest", "15": "Exhibit force posture",
  "16": "Reduce relations", "17": "Coerce", "18": "Assault", "19": "Fight",
  "20": "Use unconventional mass violence",
};
export const QUADS = {
  1: {key: "verbal_coop", label: "Verbal cooperation", short: "verbal coop."},
  2: {key: "material_coop", label: "Material cooperation", short: "material coop."},
  3: {key: "verbal_conflict", label: "Verbal conflict", short: "verbal conflict"},
  4: {key: "material_conflict", label: "Material conflict", short: "material conflict"},
};

export function quadBadge(quad) {
  const q = QUADS[quad];
  return q ? h("span", {class: `badge quad-${quad}`}, q.short) : "";
}

export function actorLabel(actor) {
  if (!actor) return "—";
  return actor.code || actor.country || actor.name || actor.text;
}

/** "USAGOV" linking to the actor page, with the article's words in a tooltip. */
export function actorLink(actor) {
  if (!actor) return h("span", {class: "muted"}, "—");
  const id = actor.kb_id || actor.code;
  const label = actorLabel(actor);
  const title = [actor.name, actor.role, actor.text && `“${actor.text}”`].filter(Boolean).join(" · ");
  return id ? h("a", {href: `/actors/${encodeURIComponent(id)}`, title, class: "actor"}, label)
            : h("span", {title, class: "actor"}, label);
}

export function eventTitle(event) {
  const what = event.plover || ROOTS[event.cameo_root] || event.cameo;
  return `${actorLabel(event.source)} → ${actorLabel(event.target)}: ${what}`;
}

export function fmtNumber(value, digits = 2) {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  return Number(value).toFixed(digits).replace(/\.?0+$/, "") || "0";
}

export function setTitle(text) {
  document.title = text ? `${text} — detente` : "detente";
}

export function truncate(text, n = 160) {
  if (!text || text.length <= n) return text || "";
  return text.slice(0, text.lastIndexOf(" ", n) > 0 ? text.lastIndexOf(" ", n) : n) + "…";
}

/** A labelled definition list from [label, value] pairs (empty values left out). */
export function facts(pairs) {
  const dl = h("dl", {class: "facts"});
  for (const [label, value] of pairs) {
    if (value === null || value === undefined || value === "") continue;
    dl.append(h("dt", {}, label), h("dd", {}, value));
  }
  return dl;
}

/** The last day of the period that starts on `start` (day, week, month, quarter, year). */
export function periodEnd(start, by) {
  const [y, m, d] = start.split("-").map(Number);
  if (by === "day" || by === "week") {
    return new Date(Date.UTC(y, m - 1, d + (by === "week" ? 6 : 0))).toISOString().slice(0, 10);
  }
  const months = by === "year" ? 12 : by === "quarter" ? 3 : 1;
  const end = new Date(Date.UTC(y, m - 1 + months, 0));
  return end.toISOString().slice(0, 10);
}
