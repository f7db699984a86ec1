// @ts-check
// The page's addresses: one table of paths → views, what a view keeps in its
// query string, and the API call a list view makes of it. Pure: no DOM, no
// fetch; app.js moves between views with the History API.

/** @typedef {"home" | "new" | "request" | "queue" | "assigned" | "reports" | "architects" | "feedback"} ViewName */
/** @typedef {ViewName | "not-found"} RoutedView */
/** @typedef {{view: RoutedView, params: Record<string, string>, query: Record<string, string>}} Route */

/** The views in the order they are matched ("requests/new" before "requests/{id}"). */
/** @type {ReadonlyArray<{view: ViewName, path: string}>} */
export const ROUTES = [
  { view: "home", path: "" },
  { view: "new", path: "requests/new" },
  { view: "request", path: "requests/{id}" },
  { view: "feedback", path: "requests/{id}/feedback" },
  { view: "queue", path: "queue" },
  { view: "assigned", path: "assigned" },
  { view: "reports", path: "reports" },
  { view: "architects", path: "architects" },
];

/** The paths of ROUTES (the server serves the page at each: functions/web PAGE_PATHS). */
export const PATHS = ROUTES.map((route) => route.path);

/** What each view keeps in its address: its search, filters, sort and period. */
/** @type {Readonly<Record<ViewName, ReadonlyArray<string>>>} */
export const QUERY_KEYS = {
  home: ["q", "sort"],
  new: [],
  request: [],
  feedback: [],
  queue: ["q", "status", "leadGroup", "mine", "sort"],
  assigned: ["q", "sort"],
  reports: ["from", "to", "groupBy"],
  architects: [],
};

export const SORTS = ["due", "-due", "created", "-created", "updated", "-updated"];
export const Q_MIN = 2;
export const Q_MAX = 100;

/** @param {string} segment */
function decode(segment) {
  try {
    return decodeURIComponent(segment);
  } catch (_) {
    return "";
  }
}

/**
 * Keep the keys a view holds, with a value, in a stable order.
 * @param {RoutedView} view
 * @param {Record<string, string>} query
 * @returns {Record<string, string>}
 */
export function cleanQuery(view, query) {
  /** @type {Record<string, string>} */
  const kept = {};
  const keys = view === "not-found" ? [] : QUERY_KEYS[view];
  for (const key of keys) {
    const value = (query[key] || "").trim();
    if (value) kept[key] = value;
  }
  return kept;
}

/**
 * The view an address shows.
 * @param {string} pathname like "/requests/FTA-1"
 * @param {string} [search] like "?q=contoso"
 * @returns {Route}
 */
export function match(pathname, search = "") {
  const path = pathname.replace(/^\/+|\/+$/g, "");
  const segments = path ? path.split("/") : [];
  /** @type {Record<string, string>} */
  const query = Object.fromEntries(new URLSearchParams(search));
  for (const route of ROUTES) {
    const pattern = route.path ? route.path.split("/") : [];
    if (pattern.length !== segments.length) continue;
    /** @type {Record<string, string>} */
    const params = {};
    const fits = pattern.every((part, i) => {
      if (part.startsWith("{") && part.endsWith("}")) {
        const value = decode(segments[i]);
        params[part.slice(1, -1)] = value;
        return value !== "";
      }
      return part === segments[i];
    });
    if (fits) return { view: route.view, params, query: cleanQuery(route.view, query) };
  }
  return { view: "not-found", params: {}, query: {} };
}

/**
 * The address of a view.
 * @param {ViewName} view
 * @param {Record<string, string>} [params]
 * @param {Record<string, string>} [query]
 * @returns {string}
 */
export function href(view, params = {}, query = {}) {
  const route = ROUTES.find((r) => r.view === view);
  const path = (route ? route.path : "").replace(/\{(\w+)\}/g, (_, name) => encodeURIComponent(params[name] || ""));
  const search = new URLSearchParams(cleanQuery(view, query)).toString();
  return `/${path}${search ? `?${search}` : ""}`;
}

/** @param {string} id */
export const requestHref = (id) => href("request", { id });

/**
 * Whether a search text may be sent (the API takes 2 to 100 characters).
 * @param {string | undefined} q
 */
export function searchable(q) {
  const text = (q || "").trim();
  return text.length >= Q_MIN && text.length <= Q_MAX;
}

/**
 * The API call of a list view: GET /api/requests with the view's filters.
 * A search text the API would refuse is left out (the view says why).
 * @param {"home" | "queue" | "assigned"} view
 * @param {Record<string, string>} query
 * @param {{limit?: number, continuationToken?: string | null, counts?: boolean}} [page]
 * @returns {string}
 */
export function listUrl(view, query, { limit = 25, continuationToken = null, counts = false } = {}) {
  const params = new URLSearchParams();
  const kept = cleanQuery(view, query);
  const sort = kept.sort && SORTS.includes(kept.sort) ? kept.sort : "";
  if (view === "assigned") params.set("view", "assigned");
  if (view === "home") params.set("mine", "true");
  if (view === "queue") {
    if (kept.leadGroup) params.set("leadGroup", kept.leadGroup);
    if (kept.status) params.set("status", kept.status);
    else params.set("view", "queue"); // waiting for an architect first
    if (kept.mine === "true") params.set("mine", "true");
  }
  if (kept.q && searchable(kept.q)) params.set("q", kept.q.trim());
  if (sort) params.set("sort", sort);
  if (counts) params.set("counts", "true");
  params.set("limit", String(limit));
  if (continuationToken) params.set("continuationToken", continuationToken);
  return `/api/requests?${params.toString()}`;
}

/**
 * A day as YYYY-MM-DD (UTC).
 * @param {Date} day
 */
export function isoDay(day) {
  return day.toISOString().slice(0, 10);
}

/**
 * The reports' period and grouping: the address's, else the last 30 days by lead group.
 * @param {Record<string, string>} query
 * @param {Date} today
 * @returns {{from: string, to: string, groupBy: string}}
 */
export function reportQuery(query, today) {
  const day = /^\d{4}-\d{2}-\d{2}$/;
  const to = day.test(query.to || "") ? query.to : isoDay(today);
  const start = new Date(`${to}T00:00:00Z`);
  start.setUTCDate(start.getUTCDate() - 29);
  const from = day.test(query.from || "") ? query.from : isoDay(start);
  return { from, to, groupBy: query.groupBy || "leadGroup" };
}

/**
 * Whether a click on a link should be handled by the page's router (same origin, plain left click).
 * @param {{origin: string, pathname: string, target?: string, hasDownload?: boolean}} link
 * @param {{button: number, metaKey: boolean, ctrlKey: boolean, shiftKey: boolean, altKey: boolean}} click
 * @param {string} origin the page's own origin
 */
export function routesClick(link, click, origin) {
  if (click.button !== 0 || click.metaKey || click.ctrlKey || click.shiftKey || click.altKey) return false;
  if (link.origin !== origin || (link.target && link.target !== "_self") || link.hasDownload) return false;
  if (/^\/(?:api|static|\.auth)(?:\/|$)/.test(link.pathname)) return false;
  return true;
}
