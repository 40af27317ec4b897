// The most active actors (/actors) and one actor (/actors/{id}): roles over time, partners,
// recent events.

import {api, errorBox, facts, fmtNumber, h, loadRecord, loading, queryParams, setTitle} from "./util.js";

export async function actorsPage(main) {
  const p = queryParams();
  setTitle("Actors");
  const body = h("div", {}, loading("Actors"));
  main.replaceChildren(h("h1", {}, "Actors"),
    h("form", {class: "filters", method: "get", action: "/actors"},
      h("label", {}, "Since ", h("input", {type: "date", name: "since", value: p.since || ""})),
      h("label", {}, "Until ", h("input", {type: "date", name: "until", value: p.until || ""})),
      h("button", {type: "submit"}, "Show")), body);
  try {
    const {actors} = await api("/api/actors", {since: p.since, until: p.until, limit: 50});
    if (!actors.length) { body.replaceChildren(h("p", {class: "empty"}, "No actors in this range.")); return; }
    const most = Math.max(...actors.map((a) => a.events));
    body.replaceChildren(h("div", {class: "table-wrap"}, h("table", {class: "actors"},
      h("thead", {}, h("tr", {}, ...["Actor", "Code", "Country", "Events", "As source", "As target"]
        .map((c) => h("th", {scope: "col"}, c)))),
      h("tbody", {}, ...actors.map((a) => h("tr", {},
        h("td", {}, h("a", {href: `/actors/${encodeURIComponent(a.id)}`, class: "actor"}, a.name || a.code || a.id)),
        h("td", {}, h("span", {class: "code"}, a.code || "—")), h("td", {}, a.country || "—"),
        h("td", {class: "num"}, h("span", {class: "bar", style: `--w:${(100 * a.events) / most}%`}), a.events),
        h("td", {class: "num"}, a.as_source), h("td", {class: "num"}, a.as_target)))))));
  } catch (error) {
    body.replaceChildren(errorBox(error));
  }
}

function rolesTable(roles) {
  if (!roles || !roles.length) return h("p", {class: "muted"}, "No dated events.");
  const label = (r) => r.role || "(no office)";
  const periods = [...new Set(roles.map((r) => r.period))].sort();
  const kinds = [...new Set(roles.map(label))];
  const count = (period, kind) => roles.filter((r) => r.period === period && label(r) === kind)
    .reduce((n, r) => n + (r.events || 0), 0);
  return h("div", {class: "table-wrap"}, h("table", {class: "roles"},
    h("caption", {}, "Events per period, by the office the actor held on the event date"),
    h("thead", {}, h("tr", {}, h("th", {scope: "col"}, "Period"), ...kinds.map((k) => h("th", {scope: "col"}, k)))),
    h("tbody", {}, ...periods.map((period) => h("tr", {}, h("td", {}, period),
      ...kinds.map((k) => h("td", {class: "num"}, count(period, k) || "")))))));
}

function topEvents(events) {
  if (!events || !events.length) return h("p", {class: "muted"}, "No events.");
  return h("div", {class: "table-wrap"}, h("table", {class: "events"},
    h("thead", {}, h("tr", {}, ...["Date", "Role", "Event", "Goldstein", "Articles", "Evidence"]
      .map((c) => h("th", {scope: "col"}, c)))),
    h("tbody", {}, ...events.map((e) => h("tr", {"data-event-id": e.id},
      h("td", {class: "nowrap"}, h("a", {href: `/events/${encodeURIComponent(e.id)}`, class: "event-link"},
        e.event_date || "undated")),
      h("td", {}, e.side), h("td", {}, h("span", {class: "code"}, e.cameo), " ", e.plover || ""),
      h("td", {class: "num"}, fmtNumber(e.goldstein, 1)), h("td", {class: "num"}, e.num_articles),
      h("td", {class: "sentence"}, e.sentence))))));
}

function partnersTable(actor) {
  const partners = actor.partners || [];
  if (!partners.length) return h("p", {class: "muted"}, "No partners recorded.");
  return h("div", {class: "table-wrap"}, h("table", {class: "partners"},
    h("thead", {}, h("tr", {}, ...["Partner", "Events", "Goldstein mean", ""].map((c) => h("th", {scope: "col"}, c)))),
    h("tbody", {}, ...partners.map((p) => h("tr", {},
      h("td", {}, p.country || "—"), h("td", {class: "num"}, p.events),
      h("td", {class: "num"}, fmtNumber(p.goldstein_mean, 1)),
      h("td", {}, actor.country && p.country && p.country !== actor.country
        ? h("a", {href: `/relations?a=${actor.country}&b=${p.country}`}, `${actor.country}–${p.country} relations`) : ""))))));
}

export async function actorPage(main, actorId) {
  const actor = await loadRecord(main, "Actor", `/api/actors/${encodeURIComponent(actorId)}`);
  if (actor === null) return;
  setTitle(actor.name || actor.code || actor.id);
  main.replaceChildren(
    h("p", {class: "crumbs"}, h("a", {href: "/actors"}, "Actors"), " / ", actor.id),
    h("h1", {}, actor.name || actor.code || actor.id),
    facts([["Id", h("code", {}, actor.id)], ["CAMEO code", actor.code], ["Country", actor.country],
           ["Events", `${actor.events} (${actor.as_source} as source, ${actor.as_target} as target)`],
           ["Called", (actor.texts || []).map((t) => `“${t}”`).join(", ")]]),
    h("div", {class: "two-col"},
      h("section", {class: "card"}, h("h2", {}, "Roles over time"), rolesTable(actor.roles)),
      h("section", {class: "card"}, h("h2", {}, "Top partners"), partnersTable(actor))),
    h("section", {class: "card"}, h("h2", {}, "Most reported events"), topEvents(actor.top_events)));
}
