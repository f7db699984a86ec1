// The dashboard: the caller's requests (every request, as a queue, for leads)
// or, in the "Assigned to me" view, the requests assigned to the caller as
// architect (offered once the server lists one); the counts by status, paging
// and polling.

import { api, serverMessage } from "./api.js";
import { reviewBadge } from "./documents.js";
import { $, clear, el, timeElement } from "./dom.js";
import { groupName, state } from "./state.js";
import { entries, labels, seesAllRequests } from "./vocabulary.js";

const PAGE_SIZE = 25;
const MAX_PAGE = 200;
const POLL_MS = 5000;

const ASSIGNED_CHECK_POLLS = 6; // while no request is assigned to me, ask again every 6th poll
let open = () => {};
let listChanged = () => {};
let pollTimer = null;
let polls = 0;

export function statusBadge(status) {
  return el("span", { text: labels("statuses", status), className: `badge status-${status}` });
}

/** The heading, the filters and their choices for the signed-in user. */
export function renderViewer(me) {
  const statusFilter = $("filter-status");
  for (const [value, label] of entries("statuses")) statusFilter.appendChild(el("option", { text: label, attrs: { value } }));
  showView();
  if (!seesAllRequests()) return;
  $("view-all").textContent = "Requests";
  const groups = $("filter-leadGroup");
  for (const group of me.leadGroups) groups.appendChild(el("option", { text: group.name, attrs: { value: group.id } }));
}

function showView() {
  const assigned = state.view === "assigned";
  $("dashboard-heading").textContent = assigned ? "Assigned to me" : seesAllRequests() ? "Requests" : "My requests";
  $("filters").hidden = assigned || !seesAllRequests();
  $("view-all").setAttribute("aria-pressed", String(!assigned));
  $("view-assigned").setAttribute("aria-pressed", String(assigned));
}

function chooseView(view) {
  if (state.view === view) return;
  state.view = view;
  showView();
  refreshList({ reset: true });
}

/** Offer the "Assigned to me" view once the server lists a request assigned to me. */
export async function checkAssignedView() {
  if (!$("views").hidden) return;
  try {
    const answer = await api("GET", "/api/requests?view=assigned&limit=1");
    if (answer.ok && answer.body && Array.isArray(answer.body.items) && answer.body.items.length) $("views").hidden = false;
  } catch (_) {
    // asked again at a later poll
  }
}

function listQuery(limit, continuationToken) {
  const params = new URLSearchParams();
  if (state.view === "assigned") {
    params.set("view", "assigned");
  } else if (seesAllRequests()) {
    const group = $("filter-leadGroup").value;
    const status = $("filter-status").value;
    if (group) params.set("leadGroup", group);
    if (status) params.set("status", status);
    else params.set("view", "queue"); // waiting for an architect first, oldest first
    if ($("filter-mine").checked) params.set("mine", "true");
  }
  params.set("counts", "true");
  params.set("limit", String(limit));
  if (continuationToken) params.set("continuationToken", continuationToken);
  return `/api/requests?${params.toString()}`;
}

export async function refreshList({ reset = false } = {}) {
  if (state.loadingList) {
    state.refreshAgain = state.refreshAgain || (reset ? "reset" : "keep");
    return;
  }
  state.loadingList = true;
  const limit = reset ? PAGE_SIZE : Math.min(MAX_PAGE, Math.max(PAGE_SIZE, state.items.length));
  try {
    const answer = await api("GET", listQuery(limit));
    if (!answer.ok || !answer.body) {
      if (answer.status !== 401) $("dashboard-message").textContent = serverMessage(answer, "The requests could not be loaded.");
      return;
    }
    state.items = answer.body.items;
    state.counts = answer.body.counts || null;
    state.continuationToken = answer.body.continuationToken;
    $("dashboard-message").textContent = "";
    renderList();
  } catch (_) {
    $("dashboard-message").textContent = "The service cannot be reached; retrying.";
  } finally {
    listLoaded();
  }
}

function listLoaded() {
  state.loadingList = false;
  const again = state.refreshAgain;
  state.refreshAgain = null;
  if (again) refreshList({ reset: again === "reset" });
}

async function loadMore() {
  if (state.loadingList || !state.continuationToken) return;
  state.loadingList = true;
  try {
    const answer = await api("GET", listQuery(PAGE_SIZE, state.continuationToken));
    if (!answer.ok || !answer.body) {
      if (answer.status !== 401) $("dashboard-message").textContent = serverMessage(answer, "More requests could not be loaded.");
      return;
    }
    const known = new Set(state.items.map((item) => item.id));
    state.items = state.items.concat(answer.body.items.filter((item) => !known.has(item.id)));
    state.continuationToken = answer.body.continuationToken;
    renderList();
  } catch (_) {
    $("dashboard-message").textContent = "The service cannot be reached.";
  } finally {
    listLoaded();
  }
}

function renderCounts() {
  const counts = $("status-counts");
  clear(counts);
  // The server counts every request under the filters, not only the loaded page.
  const statuses = entries("statuses").map(([status]) => status);
  const tally = Object.fromEntries(statuses.map((s) => [s, 0]));
  if (state.counts) Object.assign(tally, state.counts);
  else for (const item of state.items) tally[item.status] = (tally[item.status] || 0) + 1;
  const total = statuses.reduce((sum, s) => sum + (tally[s] || 0), 0);
  counts.appendChild(el("li", { className: "count-total" }, [
    el("span", { text: total, className: "count" }), el("span", { text: " in all" }),
  ]));
  for (const status of statuses) {
    counts.appendChild(el("li", { className: `count-${status}`, attrs: { "data-status": status } }, [
      el("span", { text: tally[status], className: "count" }), el("span", { text: ` ${labels("statuses", status)}` }),
    ]));
  }
}

function columnNames() {
  return Array.from(document.querySelectorAll("#requests-table thead th"), (th) => th.textContent.trim());
}

function renderRow(item, names) {
  const select = el("button", {
    text: item.id, className: "link-button",
    attrs: { type: "button", "data-request-id": item.id, title: "Show details and timeline" },
  });
  select.addEventListener("click", () => open(item.id));
  const cells = [
    el("td", {}, [select]),
    el("td", { text: item.customerName || "" }),
    el("td", { text: item.tpid }),
    el("td", {}, [document.createTextNode(labels("requestTypes", item.requestType)), reviewBadge(item)]),
    el("td", { className: "status-cell" }, [statusBadge(item.status)]),
    el("td", { text: groupName(item.leadGroup) }),
    el("td", { text: item.architect || "" }),
    el("td", { className: "nowrap" }, [timeElement(item.createdAt)]),
    el("td", {}, [item.overdue ? el("span", { text: "Overdue", className: "badge overdue" }) : el("span", { text: "No", className: "muted" })]),
  ];
  // on a narrow screen each row is a card: the cell shows its column's name
  cells.forEach((cell, index) => cell.setAttribute("data-label", names[index] || ""));
  return el("tr", { attrs: { "data-request-id": item.id } }, cells);
}

function renderList() {
  const signature = JSON.stringify([state.view, state.items, state.continuationToken, state.counts]);
  $("load-more").hidden = !state.continuationToken;
  if (signature === state.listSignature) return;
  state.listSignature = signature;
  listChanged();

  const focusedId = document.activeElement && document.activeElement.dataset
    ? document.activeElement.dataset.requestId : undefined;
  const body = $("requests-body");
  clear(body);
  const names = columnNames();
  for (const item of state.items) body.appendChild(renderRow(item, names));
  markSelected();
  $("requests-empty").hidden = state.items.length > 0;
  $("requests-empty").textContent = state.view === "assigned" ? "No request is assigned to you." : "No requests yet.";
  renderCounts();
  if (focusedId) {
    const again = body.querySelector(`button[data-request-id="${CSS.escape(focusedId)}"]`);
    if (again) again.focus();
  }
  markStaleDetail();
}

/** Mark the row of the request shown in the detail panel, if any. */
export function markSelected() {
  const id = state.selected && state.selected.request.id;
  for (const row of $("requests-body").querySelectorAll("tr")) {
    if (id && row.dataset.requestId === id) row.setAttribute("aria-current", "true");
    else row.removeAttribute("aria-current");
  }
}

/** Say so when the list holds a newer version of the request shown in the detail panel. */
export function markStaleDetail() {
  if (!state.selected) return;
  const listed = state.items.find((item) => item.id === state.selected.request.id);
  // ISO 8601 UTC of fixed width: comparing the strings compares the times
  $("detail-stale").hidden = !(listed && listed.updatedAt > state.selected.request.updatedAt);
}

export function focusRow(id) {
  const button = id && $("requests-body").querySelector(`button[data-request-id="${CSS.escape(id)}"]`);
  if (button) button.focus();
}

export function startPolling() {
  stopPolling();
  pollTimer = window.setInterval(() => {
    if (document.hidden) return;
    refreshList();
    polls += 1;
    if (polls % ASSIGNED_CHECK_POLLS === 0) checkAssignedView();
  }, POLL_MS);
}

export function stopPolling() {
  if (pollTimer !== null) window.clearInterval(pollTimer);
  pollTimer = null;
}

/** Wire the dashboard; onOpen(requestId) shows a request chosen from the list,
 *  onListChanged() runs when the list shows something new. */
export function initDashboard({ onOpen, onListChanged = () => {} }) {
  open = onOpen;
  listChanged = onListChanged;
  $("refresh").addEventListener("click", () => {
    refreshList();
    checkAssignedView();
  });
  $("view-all").addEventListener("click", () => chooseView("all"));
  $("view-assigned").addEventListener("click", () => chooseView("assigned"));
  $("load-more").addEventListener("click", loadMore);
  $("filters").addEventListener("change", () => refreshList({ reset: true }));
  $("filters").addEventListener("submit", (event) => event.preventDefault());
}
