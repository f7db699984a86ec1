// The page's router: addresses → views, the query a view keeps, the list calls.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cleanQuery, href, listUrl, match, PATHS, reportQuery, routesClick, searchable } from "../../functions/web/static/router.js";

test("every view has its address and an unknown one is not found", () => {
  assert.deepEqual(PATHS, ["", "requests/new", "requests/{id}", "requests/{id}/feedback", "queue", "assigned", "reports", "architects"]);
  assert.equal(match("/").view, "home");
  assert.equal(match("/requests/new").view, "new");
  assert.deepEqual(match("/requests/FTA-ABC123").params, { id: "FTA-ABC123" });
  assert.equal(match("/queue/").view, "queue");
  assert.equal(match("/assigned").view, "assigned");
  assert.equal(match("/reports").view, "reports");
  assert.equal(match("/architects").view, "architects");
  for (const unknown of ["/requests", "/requests/FTA-1/extra", "/nowhere", "/queue/old", "/index.html", "/requests/%E0%A4%A"]) {
    assert.equal(match(unknown).view, "not-found", unknown);
  }
});

test("a list view keeps its search, filters and sort, and nothing else", () => {
  const route = match("/queue", "?q=contoso&status=routed&sort=due&leadGroup=emea-leads&mine=true&evil=1&view=all");
  assert.deepEqual(route.query, { q: "contoso", status: "routed", leadGroup: "emea-leads", mine: "true", sort: "due" });
  assert.deepEqual(match("/assigned", "?q=ab&status=routed").query, { q: "ab" });
  assert.deepEqual(match("/requests/FTA-1", "?q=x").query, {});
  assert.deepEqual(cleanQuery("queue", { q: "  ", sort: "" }), {});
});

test("addresses are built back from views", () => {
  assert.equal(href("queue", {}, { q: "contoso", status: "routed", sort: "due" }), "/queue?q=contoso&status=routed&sort=due");
  assert.equal(href("request", { id: "FTA-1/2" }), "/requests/FTA-1%2F2");
  assert.equal(href("home"), "/");
  assert.equal(href("reports", {}, { from: "2026-11-01", to: "2026-11-30", groupBy: "region" }),
    "/reports?from=2026-11-01&to=2026-11-30&groupBy=region");
  const there = match("/queue", "?q=a%26b%3Dc");
  assert.equal(href("queue", {}, there.query), "/queue?q=a%26b%3Dc");
});

test("a list view's API call carries its filters; a search outside 2-100 characters is left out", () => {
  assert.equal(listUrl("queue", {}), "/api/requests?view=queue&limit=25");
  assert.equal(listUrl("queue", { q: "contoso", status: "routed", sort: "due" }),
    "/api/requests?status=routed&q=contoso&sort=due&limit=25");
  assert.equal(listUrl("queue", { sort: "-due" }), "/api/requests?view=queue&sort=-due&limit=25");
  assert.equal(listUrl("queue", { q: "x" }), "/api/requests?view=queue&limit=25");
  assert.equal(listUrl("queue", { sort: "sideways" }), "/api/requests?view=queue&limit=25");
  assert.equal(listUrl("assigned", { q: "fabrikam" }, { limit: 10, continuationToken: "t1" }),
    "/api/requests?view=assigned&q=fabrikam&limit=10&continuationToken=t1");
  assert.equal(listUrl("home", {}), "/api/requests?mine=true&limit=25");
  assert.ok(searchable("ab") && !searchable("a") && !searchable("x".repeat(101)) && searchable("x".repeat(100)));
});

test("the reports' period defaults to the last 30 days, by lead group", () => {
  const today = new Date("2026-12-05T16:00:00Z");
  assert.deepEqual(reportQuery({}, today), { from: "2026-11-06", to: "2026-12-05", groupBy: "leadGroup" });
  assert.deepEqual(reportQuery({ from: "2026-01-01", to: "2026-01-31", groupBy: "region" }, today),
    { from: "2026-01-01", to: "2026-01-31", groupBy: "region" });
  assert.equal(reportQuery({ from: "yesterday" }, today).from, "2026-11-06");
});

test("only a plain click on a link of the page's own views is routed in the page", () => {
  const plain = { button: 0, metaKey: false, ctrlKey: false, shiftKey: false, altKey: false };
  const origin = "http://localhost:7071";
  const link = (pathname, extra = {}) => ({ origin, pathname, ...extra });
  assert.equal(routesClick(link("/requests/FTA-1"), plain, origin), true);
  assert.equal(routesClick(link("/requests/FTA-1"), { ...plain, ctrlKey: true }, origin), false);
  assert.equal(routesClick(link("/requests/FTA-1"), { ...plain, button: 1 }, origin), false);
  assert.equal(routesClick(link("/requests/FTA-1", { target: "_blank" }), plain, origin), false);
  assert.equal(routesClick(link("/api/requests/FTA-1/documents/D1", { hasDownload: true }), plain, origin), false);
  assert.equal(routesClick(link("/api/reports/requests.csv"), plain, origin), false);
  assert.equal(routesClick(link("/.auth/logout"), plain, origin), false);
  assert.equal(routesClick({ origin: "https://elsewhere.example", pathname: "/" }, plain, origin), false);
});
