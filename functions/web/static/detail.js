// A request's detail panel: its fields, its timeline and the actions the
// signed-in user may take on it.

import { api, problem, serverMessage } from "./api.js";
import { focusRow, markSelected, markStaleDetail, refreshList, statusBadge } from "./dashboard.js";
import { renderDocuments } from "./documents.js";
import { $, clear, el, timeElement } from "./dom.js";
import { groupName, personName, state } from "./state.js";
import { can, labels } from "./vocabulary.js";

export async function openDetail(requestId, { focus = true, keepMessage = false } = {}) {
  const answer = await api("GET", `/api/requests/${encodeURIComponent(requestId)}`);
  if (!answer.ok || !answer.body) {
    if (answer.status !== 401) $("dashboard-message").textContent = serverMessage(answer, "The request could not be loaded.");
    return;
  }
  showDetail(answer.body, answer.headers.get("ETag"), { keepMessage });
  if (focus) $("detail-heading").focus();
}

function showDetail(request, etag, { keepMessage = false } = {}) {
  state.selected = { request, etag };
  $("detail").hidden = false;
  $("detail-heading").textContent = `Request ${request.id}`;
  if (!keepMessage) $("action-message").textContent = "";
  renderFields(request);
  renderTimeline(request.history || []);
  renderActions(request);
  renderDocuments(request, () => openDetail(request.id, { focus: false, keepMessage: true }));
  markSelected();
  markStaleDetail();
}

function closeDetail() {
  const id = state.selected && state.selected.request.id;
  state.selected = null;
  $("detail").hidden = true;
  markSelected();
  focusRow(id);
}

function renderFields(request) {
  const migration = request.migration || {};
  const rows = [
    ["Status", statusBadge(request.status)],
    ["Customer name", request.customerName],
    ["TPID", request.tpid],
    ["Tenant", request.tenant],
    ["Partner", request.partner],
    ["Total users", request.totalUsers],
    ["Segment", labels("segments", request.segment)],
    ["Entitlements", (request.entitlements || []).map((e) => labels("entitlements", e)).join(", ") || "none"],
    ["Sales stage", `${request.salesStagePercent} %`],
    ["Compelling event", request.compellingEvent],
    ["Request type", labels("requestTypes", request.requestType)],
    ["Funding amount (USD)", request.fundingAmountUsd],
    ["Mailbox count", migration.mailboxCount],
    ["Source environment", migration.sourceEnvironment],
    ["Justification", migration.justification],
    ["Region", request.region],
    ["Instructions", request.instructions],
    ["Requestor", personName(request.requestor)],
    ["Lead group", groupName(request.leadGroup)],
    ["Architect", request.architect],
    ["Created", timeElement(request.createdAt)],
    ["Updated", timeElement(request.updatedAt)],
    ["Overdue", request.overdue ? "yes: no architect within the promised time" : null],
  ];
  const list = $("detail-fields");
  clear(list);
  for (const [label, value] of rows) {
    if (value === null || value === undefined || value === "") continue;
    const dd = el("dd", { attrs: { "data-field": label } });
    if (value instanceof Node) dd.appendChild(value);
    else dd.textContent = String(value);
    list.appendChild(el("div", { className: "field-row" }, [el("dt", { text: label }), dd]));
  }
}

function summarizeData(data) {
  return Object.entries(data || {})
    .filter(([, value]) => value !== null && value !== undefined && value !== "")
    .map(([key, value]) => {
      const label = labels("eventData", key);
      if (key === "leadGroup" || key === "escalateTo") return `${label}: ${groupName(value)}`;
      if (key === "auto") return value ? "chosen by the workload balancer" : "";
      if (typeof value === "boolean") return `${label}: ${value ? "yes" : "no"}`;
      if (typeof value === "object") return `${label}: ${JSON.stringify(value)}`;
      return `${label}: ${value}`;
    })
    .filter(Boolean)
    .join("; ");
}

function renderTimeline(history) {
  const list = $("timeline");
  clear(list);
  for (const event of history) {
    const summary = summarizeData(event.data);
    list.appendChild(el("li", { attrs: { "data-event-type": event.type } }, [
      el("span", { text: labels("eventTypes", event.type), className: "event-type" }),
      timeElement(event.occurredAt),
      el("span", { text: `by ${event.actor}`, className: "event-actor" }),
      summary ? el("span", { text: summary, className: "event-data" }) : null,
    ]));
  }
}

function field(label, control) {
  return el("div", { className: "field" }, [el("label", { text: label, attrs: { for: control.id } }), control]);
}

function assignForm(request) {
  const group = (state.me.leadGroups || []).find((g) => g.id === request.leadGroup);
  const select = el("select", { attrs: { id: "assign-architect" } }, [
    el("option", { text: "Auto (workload balancer)", attrs: { value: "auto" } }),
  ]);
  for (const architect of (group && group.architects) || []) {
    select.appendChild(el("option", { text: personName(architect), attrs: { value: architect.email } }));
  }
  const email = el("input", { attrs: { id: "assign-email", type: "email", autocomplete: "off", placeholder: "name@contoso.com" } });
  const assign = el("button", { text: "Assign", className: "primary", attrs: { type: "submit" } });
  const box = el("form", { className: "action-form", attrs: { "aria-label": "Assign an architect" } }, [
    field("Architect", select), field("Or another architect's email", email), assign,
  ]);
  box.addEventListener("submit", (event) => {
    event.preventDefault();
    const architect = email.value.trim() || select.value;
    act("assign", { architect }, `assigned to ${architect === "auto" ? "the balancer's choice" : architect}`);
  });
  return box;
}

function completeForm() {
  const complete = el("button", { text: "Complete", attrs: { type: "button" } });
  complete.addEventListener("click", () => act("complete", undefined, "completed"));
  return el("div", { className: "action-form" }, [complete]);
}

function cancelForm() {
  const reason = el("input", { attrs: { id: "cancel-reason", type: "text", autocomplete: "off" } });
  const cancel = el("button", { text: "Cancel request", className: "danger", attrs: { type: "submit" } });
  const box = el("form", { className: "action-form", attrs: { "aria-label": "Cancel this request" } }, [
    field("Reason for cancelling (optional)", reason), cancel,
  ]);
  box.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = reason.value.trim();
    act("cancel", text ? { reason: text } : {}, "cancelled");
  });
  return box;
}

const ACTIONS = [["assign", assignForm], ["complete", completeForm], ["cancel", cancelForm]];

function renderActions(request) {
  const box = $("detail-actions");
  clear(box);
  for (const [action, build] of ACTIONS) if (can(request, action)) box.appendChild(build(request));
}

function say(text, kind) {
  const message = $("action-message");
  message.textContent = text;
  message.className = kind ? `message ${kind}` : "message";
}

async function act(action, body, done) {
  if (state.acting || !state.selected) return;
  state.acting = true;
  const { request, etag } = state.selected;
  say("");
  $("detail-actions").querySelectorAll("button").forEach((b) => { b.disabled = true; });
  try {
    const headers = etag ? { "If-Match": etag } : {};
    const answer = await api("POST", `/api/requests/${encodeURIComponent(request.id)}/${action}`, { body, headers });
    if (answer.ok && answer.body) {
      showDetail(answer.body, answer.headers.get("ETag"));
      say(`Request ${answer.body.id} ${done} — status: ${answer.body.status}`, "success");
      refreshList();
    } else if (answer.status === 412) {
      say("Someone changed this request since you opened it. The latest version is shown: check it and try again.", "error");
      await openDetail(request.id, { focus: false, keepMessage: true });
      refreshList();
    } else if (answer.status === 409) {
      say(`Not possible now: ${serverMessage(answer, "the request is not in a state that allows this.")}`, "error");
      await openDetail(request.id, { focus: false, keepMessage: true });
      refreshList();
    } else if (answer.status !== 401) {
      const extra = problem(answer).details.map((d) => d.message).filter(Boolean).join("; ");
      say(serverMessage(answer, `The service answered ${answer.status}.`) + (extra ? ` (${extra})` : ""), "error");
    }
  } catch (_) {
    say("The service cannot be reached. Try again.", "error");
  } finally {
    state.acting = false;
    $("detail-actions").querySelectorAll("button").forEach((b) => { b.disabled = false; });
  }
}

export function initDetail() {
  $("detail-close").addEventListener("click", closeDetail);
  $("detail-reload").addEventListener("click", () => state.selected && openDetail(state.selected.request.id));
}
