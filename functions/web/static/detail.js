// A request's detail panel: its fields, the question it waits on, its timeline
// (timeline.js), and the actions and comment box the signed-in user is allowed
// (actions.js); act() posts them.

import { renderActions, renderCommentBox } from "./actions.js";
import { api, refusalMessage, serverMessage } from "./api.js";
import { focusRow, markSelected, markStaleDetail, refreshList, statusBadge } from "./dashboard.js";
import { renderDocuments } from "./documents.js";
import { $, clear, el, timeElement } from "./dom.js";
import { groupName, personName, state } from "./state.js";
import { openQuestion, questionBlock, renderTimeline } from "./timeline.js";
import { labels } from "./vocabulary.js";

let changed = () => {};

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
  renderQuestion(request);
  renderTimeline($("timeline"), request.history);
  renderActions($("detail-actions"), request, act);
  renderCommentBox($("detail-comment"), request, act);
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
    ["Cloud", request.cloud ? labels("clouds", request.cloud) : ""],
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
    ...outcomeRows(request),
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

function outcomeRows(request) {
  const decline = request.decline || {};
  const outcome = request.outcome || {};
  return [
    ["Decline reason", decline.reason ? labels("declineReasons", decline.reason) : null],
    ["Decline note", decline.note],
    ["Recommendation", outcome.recommendation ? labels("recommendations", outcome.recommendation) : null],
    ["Category", outcome.category ? labels("categories", outcome.category) : null],
    ["Decision", outcome.decision ? labels("decisions", outcome.decision) : null],
    ["Outcome notes", outcome.notes],
  ];
}

/** A request waiting on its requestor shows the lead's question above its fields. */
function renderQuestion(request) {
  const box = $("detail-question");
  clear(box);
  const asked = openQuestion(request);
  box.hidden = !asked;
  if (!asked) return;
  box.appendChild(el("h3", { text: labels("statuses", request.status) }));
  box.appendChild(questionBlock(asked));
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
  const buttons = () => document.querySelectorAll("#detail-actions button, #detail-comment button");
  buttons().forEach((b) => { b.disabled = true; });
  try {
    const headers = etag ? { "If-Match": etag } : {};
    const answer = await api("POST", `/api/requests/${encodeURIComponent(request.id)}/${action}`, { body, headers });
    if (answer.ok && answer.body) {
      showDetail(answer.body, answer.headers.get("ETag"));
      say(`Request ${answer.body.id} ${done} — status: ${labels("statuses", answer.body.status)}`, "success");
      refreshList();
      changed(answer.body);
    } else if (answer.status === 412) {
      say("Someone changed this request since you opened it. The latest version is shown: check it and try again.", "error");
      await openDetail(request.id, { focus: false, keepMessage: true });
      refreshList();
    } else if (answer.status === 409) {
      say(`Not possible now: ${serverMessage(answer, "the request is not in a state that allows this.")}`, "error");
      await openDetail(request.id, { focus: false, keepMessage: true });
      refreshList();
    } else if (answer.status !== 401) {
      say(refusalMessage(answer, `The service answered ${answer.status}.`), "error");
    }
  } catch (_) {
    say("The service cannot be reached. Try again.", "error");
  } finally {
    state.acting = false;
    buttons().forEach((b) => { b.disabled = false; });
  }
}

/** Wire the panel; onChanged(request) runs after each action the server accepted. */
export function initDetail({ onChanged = () => {} } = {}) {
  changed = onChanged;
  $("detail-close").addEventListener("click", closeDetail);
  $("detail-reload").addEventListener("click", () => state.selected && openDetail(state.selected.request.id));
}
