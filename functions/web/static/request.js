// @ts-check
// One request at /requests/{id}: its facts and timeline first, then a button
// per action the server allows (allowedActions), each opening its dialog
// (dialogs.js); the question it waits on, and for its requestor the answer and
// the uploads asked for.

import { api, refusalMessage, serverMessage } from "./api.js";
import { ACTIONS, openDialog } from "./dialogs.js";
import { openUpload, renderDocuments } from "./documents.js";
import { $, clear, el, say, timeElement } from "./dom.js";
import { amount, dueText, listWords } from "./format.js";
import { dueBadge, statusBadge } from "./list.js";
import { actorOf } from "./sentences.js";
import { eventsOf, groupName, isOwnRequest, personName, state, words } from "./state.js";
import { openQuestion, renderTimeline } from "./timeline.js";
import { can, entries, labels } from "./vocabulary.js";

/** @typedef {import("./state.js").RequestItem} RequestItem */

const POLL_MS = 5000;

/** @type {{request: RequestItem | null, etag: string | null, generation: number, timer: number | undefined}} */
const shown = { request: null, etag: null, generation: 0, timer: undefined };

const message = () => $("action-message");

/** @param {string} text @param {string} [kind] */
const tell = (text, kind) => say(message(), text, kind);

/**
 * The migration exception's facts, each named by the vocabulary.
 * @param {Record<string, any>} migration
 * @returns {Array<[string, string]>}
 */
function migrationFacts(migration) {
  return entries("migrationFacts").filter(([name]) => migration[name] !== null && migration[name] !== undefined)
    .map(([name, label]) => [label, typeof migration[name] === "number" ? migration[name].toLocaleString("en-US") : String(migration[name])]);
}

/** @param {RequestItem} request */
function facts(request) {
  const migration = request.migration || {};
  const requestor = request.requestor || { email: "" };
  const decline = request.decline || {};
  const outcome = request.outcome || {};
  /** @type {Array<[string, string | Node | null | undefined]>} */
  return [
    ["Status", statusBadge(request.status)],
    ["Due", dueText(request.businessHoursLeft, request.dueState) || (request.overdue ? "overdue" : "")],
    ["Customer", request.customerName],
    ["TPID", request.tpid],
    ["Tenant", request.tenant],
    ["Cloud", request.cloud ? labels("clouds", request.cloud) : ""],
    ["Partner", request.partner],
    ["Total users", typeof request.totalUsers === "number" ? request.totalUsers.toLocaleString("en-US") : ""],
    ["Segment", labels("segments", request.segment)],
    ["Entitlements", (request.entitlements || []).map((/** @type {string} */ e) => labels("entitlements", e)).join(", ") || "none"],
    ["Sales stage", typeof request.salesStagePercent === "number" ? `${request.salesStagePercent} %` : ""],
    ["Compelling event", request.compellingEvent],
    ["Request type", labels("requestTypes", request.requestType)],
    ["Funding amount", amount(request.fundingAmountUsd)],
    ["Kind of exception", request.migration ? labels("exceptionTypes", migration.exceptionType || "other") : ""],
    ...migrationFacts(migration),
    ["Region", request.region ? labels("regions", request.region) : ""],
    ["Instructions", request.instructions],
    ["Requestor", personName(requestor.email, requestor.name)],
    ["Account team", (request.participants || []).map((/** @type {{email: string, role: string}} */ p) =>
      `${personName(p.email)} (${labels("participantRoles", p.role)})`).join(", ")],
    ["Lead group", groupName(request.leadGroup)],
    ["Architect", request.architect ? personName(request.architect, request.architectName) : ""],
    ["Submitted", timeElement(request.createdAt)],
    ["Updated", timeElement(request.updatedAt)],
    ["Decline reason", decline.reason ? labels("declineReasons", decline.reason) : ""],
    ["Decline note", decline.note],
    ["Recommendation", outcome.recommendation ? labels("recommendations", outcome.recommendation) : ""],
    ["Category", outcome.category ? labels("categories", outcome.category) : ""],
    ["Decision", outcome.decision ? labels("decisions", outcome.decision) : ""],
    ["Outcome notes", outcome.notes],
  ];
}

/** @param {RequestItem} request */
function renderFacts(request) {
  const list = $("detail-fields");
  clear(list);
  for (const [label, value] of facts(request)) {
    if (value === null || value === undefined || value === "") continue;
    const dd = el("dd", { attrs: { "data-field": label } });
    if (value instanceof Node) dd.appendChild(value);
    else dd.textContent = String(value);
    list.appendChild(el("div", { className: "field-row" }, [el("dt", { text: label }), dd]));
  }
}

/** @param {RequestItem} request */
function renderSummary(request) {
  const line = $("detail-summary");
  clear(line);
  if (request.customerName) line.appendChild(el("span", { text: request.customerName, className: "summary-customer" }));
  line.appendChild(statusBadge(request.status));
  const due = dueBadge(request);
  if (due) line.appendChild(due);
}

/** A request waiting on its requestor shows the question; its requestor answers or uploads from here.
 * @param {RequestItem} request */
function renderQuestion(request) {
  const box = $("detail-question");
  clear(box);
  const asked = openQuestion(request);
  box.hidden = !asked;
  if (!asked) return;
  const data = asked.data || {};
  const own = isOwnRequest(request) && !can(request, "comment-internal");
  const kinds = Array.isArray(data.missingDocuments) ? data.missingDocuments.map((/** @type {string} */ k) => labels("documentKinds", k)) : [];
  box.appendChild(el("h2", { text: own ? "The FastTrack team asks you" : "Waiting for the requestor" }));
  box.appendChild(el("p", { className: "question-meta" }, [
    document.createTextNode(`${actorOf(asked, words)} asked${kinds.length ? ` for ${listWords(kinds)}` : ""}, `),
    timeElement(asked.occurredAt)]));
  if (data.message) box.appendChild(el("p", { text: String(data.message), className: "question-message" }));
  if (!own) return;
  const buttons = el("div", { className: "command-bar" });
  if (can(request, "comment")) {
    const answer = el("button", { text: "Answer", className: "primary", attrs: { type: "button" } });
    answer.addEventListener("click", () => openAction("comment", true));
    buttons.appendChild(answer);
  }
  if (can(request, "upload-document")) {
    const held = new Set((request.documents || []).map((d) => d.kind));
    for (const kind of (data.missingDocuments || []).filter((/** @type {string} */ k) => !held.has(k))) {
      const upload = el("button", { text: `Upload ${labels("documentKinds", kind)}`, attrs: { type: "button" } });
      upload.addEventListener("click", () => shown.request && openUpload(shown.request, kind, reload, tell));
      buttons.appendChild(upload);
    }
  }
  box.appendChild(buttons);
}

/** @param {RequestItem} request */
function renderActions(request) {
  const bar = $("detail-actions");
  clear(bar);
  for (const [action, label] of ACTIONS) {
    if (!can(request, action)) continue;
    const button = el("button", { text: action === "assign" && request.architect ? "Reassign" : label, className: action === "assign" || action === "complete" ? "primary" : "",
      attrs: { type: "button", "data-action": action } });
    button.addEventListener("click", () => openAction(action, false));
    bar.appendChild(button);
  }
  if (can(request, "upload-document")) {
    const upload = el("button", { text: "Upload document", attrs: { type: "button", "data-action": "upload-document" } });
    upload.addEventListener("click", () => shown.request && openUpload(shown.request, (shown.request.missingDocuments || [])[0] || "", reload, tell));
    bar.appendChild(upload);
  }
  bar.hidden = !bar.firstChild;
}

/**
 * What the page says once the server took an action.
 * @param {string} action
 * @param {RequestItem} request
 */
function done(action, request) {
  const status = labels("statuses", request.status);
  if (action === "assign") {
    const assigned = eventsOf(request).filter((e) => e.type === "request.assigned").pop();
    const name = personName(request.architect, request.architectName || (assigned && assigned.data && assigned.data.architectName));
    return `Assigned to ${name}.`;
  }
  /** @type {Record<string, string>} */
  const said = { "request-info": "The requestor was asked.", resume: "Resumed.", comments: "Comment added.",
    complete: "Outcome recorded.", decline: "Declined.", cancel: "Cancelled.", reopen: "Reopened.",
    participants: "The account team is saved.", milestones: "The step is recorded.", feedback: "Thank you for your rating." };
  return `${said[action] || "Done."} Status: ${status}.`;
}

/**
 * @param {string} action one of ACTIONS
 * @param {boolean} answering the requestor answers the question the request waits on
 */
function openAction(action, answering) {
  const request = shown.request;
  const entry = ACTIONS.find(([name]) => name === action);
  if (!request || !entry) return;
  const [, , title, path, build] = entry;
  const heading = action === "assign" && request.architect ? "Assign another architect" : title;
  openDialog(answering ? "Answer the FastTrack team" : heading, build(request, answering), (body) => post(path, body));
}

/**
 * Post an action on the shown request (conditional on the version shown); null when the server took it.
 * @param {string} path
 * @param {unknown} body
 * @returns {Promise<string | null>}
 */
async function post(path, body) {
  const request = shown.request;
  if (!request) return "No request is shown.";
  try {
    /** @type {Record<string, string>} */
    const headers = shown.etag ? { "If-Match": shown.etag } : {};
    const method = path === "participants" ? "PUT" : "POST";
    const answer = await api(method, `/api/requests/${encodeURIComponent(request.id)}/${path}`, { body, headers });
    if (answer.ok && answer.body) {
      render(answer.body, answer.headers.get("ETag"));
      tell(done(path, answer.body), "success");
      return null;
    }
    if (answer.status === 412 || answer.status === 409) {
      await reload();
      return answer.status === 412
        ? "Someone changed this request since you opened it. The latest version is shown: check it and try again."
        : `Not possible now: ${serverMessage(answer, "the request is not in a state that allows this.")}`;
    }
    return answer.status === 401 ? "You are signed out." : refusalMessage(answer, `The service answered ${answer.status}.`);
  } catch (_) {
    return "The service cannot be reached. Try again.";
  }
}

/**
 * @param {RequestItem} request
 * @param {string | null} etag
 */
function render(request, etag) {
  shown.request = request;
  shown.etag = etag;
  $("detail-heading").textContent = `Request ${request.id}`;
  renderSummary(request);
  renderActions(request);
  renderQuestion(request);
  renderFacts(request);
  renderTimeline($("timeline"), request);
  renderDocuments(request, reload, tell);
  $("detail-body").hidden = false;
}

async function reload() {
  if (shown.request) await load(shown.request.id);
}

/** @param {string} id */
async function load(id) {
  const generation = shown.generation;
  const answer = await api("GET", `/api/requests/${encodeURIComponent(id)}`);
  if (generation !== shown.generation) return;
  if (answer.ok && answer.body) {
    render(answer.body, answer.headers.get("ETag"));
    return;
  }
  if (answer.status === 401) return;
  shown.request = null;
  $("detail-heading").textContent = answer.status === 404 ? "Request not found" : `Request ${id}`;
  for (const id of ["detail-summary", "detail-actions", "detail-fields", "timeline", "documents-body"]) clear($(id));
  $("detail-question").hidden = true;
  $("detail-body").hidden = true;
  tell(answer.status === 404 ? `There is no request ${id} that you may see.` : serverMessage(answer, "The request could not be loaded."), "error");
}

/** While a request is shown and no dialog is open, follow its changes (routing, another lead's action). */
async function follow() {
  const request = shown.request;
  if (!request || document.hidden || document.querySelector("#dialogs dialog[open]")) return;
  const generation = shown.generation;
  const answer = await api("GET", `/api/requests/${encodeURIComponent(request.id)}`);
  if (generation !== shown.generation || !shown.request || document.querySelector("#dialogs dialog[open]")) return;
  const etag = answer.headers.get("ETag");
  if (answer.ok && answer.body && (etag !== shown.etag || answer.body.updatedAt !== shown.request.updatedAt)) {
    render(answer.body, etag);
  }
}

export function stopFollowing() {
  window.clearInterval(shown.timer);
  shown.timer = undefined;
  shown.generation += 1;
}

/**
 * The rating's own address (/requests/{id}/feedback, the completion mail's link): the request
 * with its rating dialog open, or a line saying why it cannot be given.
 * @param {RequestItem | null} request
 */
function offerRating(request) {
  if (!request) return;
  if (can(request, "feedback")) openAction("feedback", false);
  else if (request.feedback) tell(`This review is rated already: ${request.feedback.rating} of 5.`);
  else if (request.status !== "completed") tell("The review can be rated once it is completed.");
  else tell("Only the requestor rates the review.");
}

/**
 * Show the request of the address.
 * @param {string} id
 * @param {unknown} _go
 * @param {boolean} [rate] open the rating (the address /requests/{id}/feedback)
 */
export function showRequest(id, _go, rate = false) {
  stopFollowing();
  shown.timer = window.setInterval(follow, POLL_MS);
  shown.request = null;
  tell("");
  $("detail-heading").textContent = `Request ${id}`;
  for (const part of ["detail-summary", "detail-actions", "detail-fields", "timeline", "documents-body", "dialogs"]) clear($(part));
  $("detail-question").hidden = true;
  // The facts, timeline and documents appear together with the request, in one layout (no card moves under the reader).
  $("detail-body").hidden = true;
  load(id).then(() => {
    if (state.flash && state.flash.id === id) {
      tell(state.flash.text, "success");
      state.flash = null;
    }
    if (rate) offerRating(shown.request);
  });
}
