// @ts-check
// The list views: home (a requestor's own requests, those waiting on their
// answer first), the leads' queue and "Assigned to me". Each keeps its search,
// filters and sort in the address (router.js); a request's id is a link to its
// view; the table turns into cards on a phone.

import { api, serverMessage } from "./api.js";
import { $, clear, el, timeElement } from "./dom.js";
import { ago, dateTime, dueStateOf, dueText, listWords } from "./format.js";
import { href, listUrl, Q_MAX, Q_MIN, requestHref, searchable } from "./router.js";
import { actorOf } from "./sentences.js";
import { groupName, personName, state, words } from "./state.js";
import { openQuestion } from "./timeline.js";
import { entries, labels } from "./vocabulary.js";

/** @typedef {import("./state.js").RequestItem} RequestItem */
/** @typedef {"home" | "queue" | "assigned"} ListView */
/** @typedef {{navigate: (url: string, options?: {replace?: boolean}) => void}} Go */

const PAGE_SIZE = 25;
const POLL_MS = 5000;
/** @type {Record<string, string>} */
const SORT_LABELS = {
  "": "Default order", due: "Due first", "-due": "Due last", created: "Oldest first", "-created": "Newest first",
  updated: "Least recently updated", "-updated": "Recently updated",
};
/** @type {Record<ListView, string[]>} */
const COLUMNS = {
  home: ["ID", "Customer", "Type", "Status", "Submitted", "Due", "Architect"],
  queue: ["ID", "Customer", "Type", "Lead group", "Status", "Waiting since", "Due", "Architect"],
  assigned: ["ID", "Customer", "Type", "Status", "Updated", "Due"],
};

/** @type {{view: ListView, query: Record<string, string>, items: RequestItem[], token: string | null, signature: string, timer: number | undefined, generation: number}} */
const current = { view: "home", query: {}, items: [], token: null, signature: "", timer: undefined, generation: 0 };

export function stopPolling() {
  window.clearInterval(current.timer);
  current.timer = undefined;
  current.generation += 1;
}

/** @param {string} status */
export function statusBadge(status) {
  return el("span", { text: labels("statuses", status), className: `badge status-${status}` });
}

/** @param {RequestItem} item */
export function dueBadge(item) {
  const text = dueText(item.businessHoursLeft, item.dueState);
  if (text) return el("span", { text, className: `due due-${dueStateOf(item.dueState) || "none"}` });
  if (item.overdue) return el("span", { text: "overdue", className: "due due-overdue" });
  return null;
}

/**
 * @param {string} id
 * @param {string} label
 * @param {Array<[string, string]>} options
 * @param {string} value
 */
function select(id, label, options, value) {
  const control = el("select", { attrs: { id, name: id.replace(/^list-/, "") } },
    options.map(([v, text]) => el("option", { text, attrs: v === value ? { value: v, selected: "" } : { value: v } })));
  return el("div", { className: "field" }, [el("label", { text: label, attrs: { for: id } }), control]);
}

/**
 * The search box, filters and sort of a list view; changing them changes the address.
 * @param {ListView} view
 * @param {Record<string, string>} query
 * @param {Go} go
 */
function toolbar(view, query, go) {
  const search = el("input", { attrs: {
    id: "list-q", name: "q", type: "search", value: query.q || "", maxlength: String(Q_MAX), autocomplete: "off",
    "aria-describedby": "list-q-hint",
  } });
  /** @type {HTMLElement[]} */
  const parts = [
    el("div", { className: "field search-field" }, [
      el("label", { text: "Search", attrs: { for: "list-q" } }), search,
      el("p", { text: "ID, TPID, customer, tenant or partner", className: "hint", attrs: { id: "list-q-hint" } }),
    ]),
  ];
  if (view === "queue") {
    parts.push(select("list-status", "Status", [["", "Waiting for an architect"], ...entries("statuses")], query.status || ""));
    const groups = ((state.me && state.me.leadGroups) || []).map((g) => /** @type {[string, string]} */ ([g.id, g.name]));
    parts.push(select("list-leadGroup", "Lead group", [["", "All lead groups"], ...groups], query.leadGroup || ""));
  }
  parts.push(select("list-sort", "Sort", Object.entries(SORT_LABELS), query.sort || ""));
  if (view === "queue") {
    const mine = el("input", { attrs: { id: "list-mine", name: "mine", type: "checkbox", value: "true" } });
    mine.checked = query.mine === "true";
    parts.push(el("div", { className: "choice" }, [mine, el("label", { text: "Only mine", attrs: { for: "list-mine" } })]));
  }
  parts.push(el("button", { text: "Search", className: "primary", attrs: { type: "submit" } }));
  const form = el("form", { className: "filters card", attrs: { role: "search", "aria-label": "Search and filter requests" } }, parts);
  const apply = () => {
    /** @type {Record<string, string>} */
    const next = {};
    for (const [key, value] of new FormData(form)) next[key] = String(value);
    go.navigate(href(view, {}, next));
  };
  form.addEventListener("submit", (event) => { event.preventDefault(); apply(); });
  form.addEventListener("change", (event) => { if (event.target !== search) apply(); });
  return form;
}

/**
 * @param {RequestItem} item
 * @param {ListView} view
 */
function cells(item, view) {
  const link = el("a", { text: item.id, attrs: { href: requestHref(item.id) } });
  const type = labels("requestTypes", item.requestType);
  const architect = item.architect ? personName(item.architect, item.architectName) : "";
  const since = item.waitingSince || item.routedAt || item.createdAt;
  /** @type {Record<string, () => Node | string>} */
  const by = {
    ID: () => link,
    Customer: () => item.customerName || "",
    Type: () => (item.fundingReview && item.fundingReview.detailedReview
      ? el("span", {}, [document.createTextNode(`${type} `), el("span", { text: "Detailed review", className: "badge detailed-review" })])
      : type),
    "Lead group": () => groupName(item.leadGroup),
    Status: () => statusBadge(item.status),
    "Waiting since": () => el("time", { text: ago(since, new Date()), attrs: { datetime: String(since || ""), title: dateTime(since) } }),
    Submitted: () => timeElement(item.createdAt),
    Updated: () => timeElement(item.updatedAt),
    Due: () => dueBadge(item) || "",
    Architect: () => architect,
  };
  return COLUMNS[view].map((name) => {
    const value = by[name]();
    const cell = el("td", { attrs: { "data-label": name } });
    if (typeof value === "string") cell.textContent = value;
    else cell.appendChild(value);
    return cell;
  });
}

/** @param {ListView} view */
function emptyText(view) {
  if (current.query.q) return "No request matches this search.";
  if (view === "assigned") return "No request is assigned to you.";
  if (view === "queue") return "No request waits here.";
  return "You have no requests yet.";
}

/** @param {HTMLElement} target */
function renderTable(target) {
  const view = current.view;
  const box = target.querySelector(".results") || target.appendChild(el("div", { className: "results" }));
  clear(box);
  if (!current.items.length) {
    box.appendChild(el("p", { text: emptyText(view), className: "empty", attrs: { id: "list-empty" } }));
    return;
  }
  const head = el("tr", {}, COLUMNS[view].map((name) => el("th", { text: name, attrs: { scope: "col" } })));
  const rows = current.items.map((item) => el("tr", { attrs: { "data-request-id": item.id } }, cells(item, view)));
  box.appendChild(el("div", { className: "table-wrap" }, [el("table", { className: "requests", attrs: { id: "requests-table" } }, [
    el("caption", { text: `${labelOf(view)}: ${current.items.length} shown`, className: "visually-hidden" }),
    el("thead", {}, [head]), el("tbody", {}, rows),
  ])]));
  if (current.token) {
    const more = el("button", { text: "Load more", attrs: { type: "button", id: "load-more" } });
    more.addEventListener("click", () => load(target, { more: true }));
    box.appendChild(more);
  }
}

/** @param {ListView} view */
function labelOf(view) {
  return view === "queue" ? "Queue" : view === "assigned" ? "Assigned to me" : "My requests";
}

/**
 * Ask the server for the list (a first page, the next page, or the same ones again).
 * @param {HTMLElement} target
 * @param {{more?: boolean, again?: boolean}} [options]
 */
async function load(target, { more = false, again = false } = {}) {
  const generation = current.generation;
  const message = /** @type {HTMLElement} */ (target.querySelector(".list-message"));
  const limit = again ? Math.min(200, Math.max(PAGE_SIZE, current.items.length)) : PAGE_SIZE;
  const url = listUrl(current.view, current.query, { limit, continuationToken: more ? current.token : null });
  try {
    const answer = await api("GET", url);
    if (generation !== current.generation) return;
    if (!answer.ok || !answer.body || !Array.isArray(answer.body.items)) {
      if (answer.status !== 401) message.textContent = serverMessage(answer, "The requests could not be loaded.");
      return;
    }
    /** @type {RequestItem[]} */
    const items = answer.body.items;
    if (more) {
      const known = new Set(current.items.map((item) => item.id));
      current.items = current.items.concat(items.filter((item) => !known.has(item.id)));
    } else {
      current.items = items;
    }
    current.token = answer.body.continuationToken || null;
    message.textContent = current.query.q && !searchable(current.query.q)
      ? `A search needs ${Q_MIN} to ${Q_MAX} characters: showing every request.` : "";
    const signature = JSON.stringify([current.items, current.token]);
    if (signature === current.signature) return;
    current.signature = signature;
    renderTable(target);
    if (current.view === "home") renderWaiting();
  } catch (_) {
    if (generation === current.generation) message.textContent = "The service cannot be reached; retrying.";
  }
}

/** Home: the requestor's requests that wait on their answer, first. */
function renderWaiting() {
  const waiting = current.items.filter((item) => item.status === "needs-info"
    && item.requestor && state.me && item.requestor.email === state.me.email);
  const list = $("answer-list");
  clear(list);
  for (const item of waiting) {
    const title = item.customerName ? `${item.id}: ${item.customerName}` : item.id;
    const asked = openQuestion(item);
    const data = (asked && asked.data) || {};
    const kinds = Array.isArray(data.missingDocuments) ? data.missingDocuments.map((/** @type {string} */ k) => labels("documentKinds", k)) : [];
    list.appendChild(el("li", { className: "answer-item", attrs: { "data-request-id": item.id } }, [
      el("a", { text: `Answer request ${title}`, attrs: { href: requestHref(item.id) } }),
      asked ? el("p", { text: `${actorOf(asked, words)} asked${kinds.length ? ` for ${listWords(kinds)}` : ""}`, className: "muted" }) : null,
      data.message ? el("p", { text: String(data.message), className: "question-message" }) : null,
    ]));
  }
  $("needs-answer").hidden = waiting.length === 0;
}

/**
 * Show a list view for the address's query.
 * @param {ListView} view
 * @param {Record<string, string>} query
 * @param {Go} go
 */
export function showList(view, query, go) {
  stopPolling();
  current.view = view;
  current.query = query;
  current.items = [];
  current.token = null;
  current.signature = "";
  const target = view === "home" ? $("home-list") : $("list-body");
  if (view !== "home") $("list-heading").textContent = labelOf(view);
  clear(target);
  target.appendChild(toolbar(view, query, go));
  target.appendChild(el("p", { className: "message list-message", attrs: { role: "status" } }));
  target.appendChild(el("div", { className: "results" }));
  if (view === "home") $("needs-answer").hidden = true;
  load(target);
  const generation = current.generation;
  current.timer = window.setInterval(() => {
    if (generation === current.generation && !document.hidden) load(target, { again: true });
  }, POLL_MS);
}
