// Text with highlighted spans. Spans may overlap (an actor mention that is also an event's
// source): the text is cut at every span boundary and each piece is marked with the classes
// of every span covering it, so nothing is lost or doubled.

import {h} from "./util.js";

/**
 * Render `text` with `spans` = [{start, end, kind, title?, href?, id?}] marked.
 * `kind` becomes the class `hl-<kind>`; a piece under a span with `href` becomes a link.
 */
export function highlighted(text, spans, {tag = "span", className = "text"} = {}) {
  const root = h(tag, {class: className});
  const valid = spans.filter((s) => Number.isInteger(s.start) && Number.isInteger(s.end)
    && s.start < s.end && s.start >= 0 && s.end <= text.length);
  const cuts = new Set([0, text.length]);
  for (const s of valid) { cuts.add(s.start); cuts.add(s.end); }
  const points = [...cuts].sort((a, b) => a - b);
  for (let i = 0; i < points.length - 1; i++) {
    const [from, to] = [points[i], points[i + 1]];
    const piece = text.slice(from, to);
    const over = valid.filter((s) => s.start <= from && s.end >= to);
    root.append(over.length ? mark(piece, over, from) : document.createTextNode(piece));
  }
  return root;
}

function mark(piece, spans, from) {
  const kinds = [...new Set(spans.map((s) => s.kind))];
  const titles = [...new Set(spans.map((s) => s.title).filter(Boolean))];
  const link = spans.find((s) => s.href);
  const attrs = {class: kinds.map((k) => `hl hl-${k}`).join(" "), title: titles.join("\n") || null,
                 dataset: {kinds: kinds.join(" ")}};
  // Events that share a trigger ("X and Y met") each keep an anchor: the first id goes on the
  // mark, every further one on a wrapper around it, so /articles/{id}#ev-{event} always lands.
  const [first, ...more] = [...new Set(spans.filter((s) => s.id && s.start === from).map((s) => s.id))];
  if (first) attrs.id = first;
  let node = link ? h("a", {...attrs, href: link.href}, piece) : h("mark", attrs, piece);
  for (const id of more) node = h("span", {id, class: "anchor"}, node);
  return node;
}

/** The legend for the span kinds used on a page. */
export function legend(kinds) {
  const labels = {source: "source", target: "target", trigger: "trigger (event words)",
                  entity: "actor mention", quote: "quote"};
  return h("p", {class: "legend", "aria-label": "highlight legend"},
    ...kinds.map((k) => h("mark", {class: `hl hl-${k}`}, labels[k] || k)));
}
