// The dashboard's router: one HTML shell, one module per page, chosen by the path.

import {actorPage, actorsPage} from "./actors.js";
import {articlePage, searchPage} from "./articles.js";
import {eventPage, eventsPage} from "./events.js";
import {relationsPage} from "./relations.js";
import {api, errorBox, h, setTitle} from "./util.js";

async function homePage(main) {
  setTitle("");
  main.replaceChildren(h("h1", {}, "Overview"), h("p", {class: "loading"}, "Loading…"));
  let s;
  try {
    s = await api("/api/stats");
  } catch (error) {
    main.replaceChildren(h("h1", {}, "Overview"), errorBox(error));
    return;
  }
  const card = (label, value) => h("div", {class: "stat"}, h("span", {class: "value"}, value), h("span", {}, label));
  main.replaceChildren(
    h("h1", {}, "Overview"),
    h("div", {class: "stats"}, card("articles", s.articles), card("events", s.events),
      card("actor mentions", s.mentions),
      card("dated", s.first_event_date ? `${s.first_event_date} – ${s.last_event_date}` : "—")),
    h("section", {class: "card"}, h("h2", {}, "Most active pairs"),
      s.top_dyads.length ? h("div", {class: "table-wrap"}, h("table", {class: "dyads"},
        h("thead", {}, h("tr", {}, ...["Source", "Target", "Events", ""].map((c) => h("th", {scope: "col"}, c)))),
        h("tbody", {}, ...s.top_dyads.map((d) => h("tr", {},
          h("td", {}, d.source), h("td", {}, d.target), h("td", {class: "num"}, d.events),
          h("td", {}, h("a", {href: `/relations?a=${d.source}&b=${d.target}`}, "relations"), " · ",
            h("a", {href: `/events?source=${d.source}&target=${d.target}`}, "events")))))))
        : h("p", {class: "empty"}, "No events yet: run `detente ingest` on some articles.")),
    h("section", {class: "card"}, h("h2", {}, "Explore"), h("ul", {},
      h("li", {}, h("a", {href: "/relations?a=USA&b=RUS"}, "US–Russia relations over time")),
      h("li", {}, h("a", {href: "/events"}, "All events, with filters")),
      h("li", {}, h("a", {href: "/actors"}, "The most active actors")),
      h("li", {}, h("a", {href: "/docs"}, "The HTTP API (OpenAPI)")))));
}

const ROUTES = [
  [/^\/$/, homePage],
  [/^\/relations\/?$/, relationsPage],
  [/^\/events\/?$/, eventsPage],
  [/^\/events\/(.+)$/, eventPage],
  [/^\/articles\/(.+)$/, articlePage],
  [/^\/actors\/?$/, actorsPage],
  [/^\/actors\/(.+)$/, actorPage],
  [/^\/search\/?$/, searchPage],
];

function markNav() {
  const section = "/" + location.pathname.split("/")[1];
  for (const a of document.querySelectorAll("nav.site a")) {
    const here = a.getAttribute("href") === section || (section === "/" && a.getAttribute("href") === "/");
    if (here) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
  }
  const q = new URLSearchParams(location.search).get("q");
  const box = document.querySelector("form.site-search input[name=q]");
  if (box && location.pathname === "/search" && q) box.value = q;
}

async function route() {
  const main = document.getElementById("main");
  markNav();
  for (const [pattern, page] of ROUTES) {
    const match = location.pathname.match(pattern);
    if (match) {
      await page(main, ...match.slice(1).map(decodeURIComponent));
      main.dataset.ready = "true";
      return;
    }
  }
  main.replaceChildren(h("h1", {}, "Not found"), h("p", {}, "No such page. ", h("a", {href: "/"}, "Overview")));
  main.dataset.ready = "true";
}

route();
