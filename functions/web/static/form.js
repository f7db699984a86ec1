// @ts-check
// The request form (/requests/new): its choices, what it sends, and the server's
// answer beside the fields (while it is filled in, eligibility.js shows the live
// check's answer there too).

import { api, problem, serverMessage } from "./api.js";
import { $, clear, el, field, newKey } from "./dom.js";
import { initEligibilityCheck, pauseChecks, resumeChecks } from "./eligibility.js";
import { clearParticipants, initIntakeParts, readMigration, readParticipants, showFacts } from "./intake.js";
import { entries, labels } from "./vocabulary.js";

const form = () => /** @type {HTMLFormElement} */ ($("request-form"));
let idempotencyKey = newKey();
let submitting = false;
/** @type {(request: import("./state.js").RequestItem) => void} */
let submitted = () => {};
let filled = false;

/**
 * @param {HTMLElement} select
 * @param {Array<[string, string]>} options
 */
function fillSelect(select, options) {
  for (const [value, label] of options) select.appendChild(el("option", { text: label, attrs: { value } }));
}

/**
 * The form's choices: regions from /api/me (labelled by the vocabulary), the rest from the vocabulary.
 * @param {import("./state.js").Me} me
 */
export function renderChoices(me) {
  if (filled) return;
  filled = true;
  fillSelect($("region"), me.regions.map((name) => [name, labels("regions", name)]));
  fillSelect($("segment"), entries("segments"));
  fillSelect($("cloud"), entries("clouds"));
  fillSelect($("requestType"), entries("requestTypes"));
  fillSelect($("migration-exceptionType"), entries("exceptionTypes"));
  for (const box of form().querySelectorAll('input[name="entitlements"]')) {
    if (!(box instanceof HTMLInputElement)) continue;
    const label = form().querySelector(`label[for="${CSS.escape(box.id)}"]`);
    if (label) label.textContent = labels("entitlements", box.value);
  }
  initIntakeParts();
}

function showTypeDetails() {
  const chosen = field("requestType").value;
  for (const fieldset of form().querySelectorAll("fieldset.type-details")) {
    if (!(fieldset instanceof HTMLFieldSetElement)) continue;
    const active = fieldset.dataset.requestType === chosen;
    fieldset.hidden = !active;
    fieldset.disabled = !active;
  }
}

/** @param {string} id */
function text(id) {
  const value = field(id).value.trim();
  return value === "" ? undefined : value;
}

/** @param {string} id */
function number(id) {
  const raw = field(id).value.trim();
  return raw === "" ? undefined : Number(raw);
}

/** The body the form submits. @returns {Record<string, any>} */
function readForm() {
  /** @type {Record<string, any>} */
  const body = {
    tpid: text("tpid"),
    tenant: text("tenant"),
    cloud: text("cloud"),
    trial: field("trial").checked,
    customerName: text("customerName"),
    partner: text("partner"),
    totalUsers: number("totalUsers"),
    segment: text("segment"),
    entitlements: Array.from(form().querySelectorAll('input[name="entitlements"]:checked'), (box) => /** @type {HTMLInputElement} */ (box).value),
    salesStagePercent: number("salesStagePercent"),
    compellingEvent: field("compellingEvent").value,
    requestType: text("requestType"),
    region: text("region"),
    instructions: text("instructions"),
    participants: readParticipants(),
  };
  if (body.requestType === "sow-ecif") body.fundingAmountUsd = number("fundingAmountUsd");
  if (body.requestType === "migration-exception") {
    body.migration = readMigration();
  }
  return body; // JSON.stringify leaves out the undefined ones
}

function clearFormErrors() {
  for (const node of form().querySelectorAll(".field-error")) node.textContent = "";
  for (const node of form().querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
  const summary = $("form-summary");
  clear(summary);
  summary.hidden = true;
}

// "migration.mailboxCount" -> error-migration-mailboxCount; "entitlements.1" -> error-entitlements
/** @param {string | undefined} name */
function errorSlot(name) {
  const parts = String(name || "").split(".").filter((p) => p !== "");
  while (parts.length) {
    const slot = document.getElementById(`error-${parts.join("-")}`);
    if (slot && form().contains(slot)) return { slot, key: parts.join("-") };
    parts.pop();
  }
  return null;
}

/** @param {string} key */
function labelFor(key) {
  const label = form().querySelector(`label[for="${CSS.escape(key)}"]`);
  if (label) return label.textContent;
  const group = document.getElementById(key);
  const legend = group && group.querySelector("legend");
  return legend ? legend.textContent : "";
}

/**
 * @param {string} title
 * @param {Array<{field?: string, message?: string}>} problems
 */
function showProblems(title, problems) {
  const summary = $("form-summary");
  clear(summary);
  summary.appendChild(el("h3", { text: title }));
  const list = el("ul");
  for (const item of problems) {
    const found = errorSlot(item.field);
    if (found) {
      const existing = found.slot.textContent;
      found.slot.textContent = existing ? `${existing} ${item.message}` : item.message || "";
      const control = document.getElementById(found.key);
      if (control && control.matches("input, select, textarea, fieldset")) control.setAttribute("aria-invalid", "true");
    }
    const label = found ? labelFor(found.key) : "";
    list.appendChild(el("li", { text: label ? `${label}: ${item.message}` : item.message }));
  }
  summary.appendChild(list);
  summary.hidden = false;
  summary.focus();
}

/** @param {Event} event */
async function submitRequest(event) {
  event.preventDefault();
  if (submitting) return;
  submitting = true;
  pauseChecks();
  let accepted = false;
  const button = /** @type {HTMLButtonElement} */ ($("submit-request"));
  button.disabled = true;
  button.textContent = "Submitting…";
  clearFormErrors();
  const result = $("form-result");
  result.textContent = "";
  try {
    const answer = await api("POST", "/api/requests", {
      body: readForm(), headers: { "Idempotency-Key": idempotencyKey },
    });
    if (answer.status === 201 && answer.body) {
      accepted = true;
      idempotencyKey = newKey();
      form().reset();
      showTypeDetails();
      submitted(answer.body);
    } else if (answer.status === 400) {
      const { details } = problem(answer);
      showProblems("Please correct the highlighted fields",
        details.length ? details : [{ field: "", message: serverMessage(answer, "The request is not valid.") }]);
    } else if (answer.status === 422) {
      const reasons = (answer.body && answer.body.reasons) || [];
      showProblems("This request is not eligible for a FastTrack Architect",
        reasons.length ? reasons : [{ field: "", message: serverMessage(answer, "The request is not eligible.") }]);
    } else if (answer.status !== 401) {
      showProblems("The request was not submitted",
        [{ field: "", message: serverMessage(answer, `The service answered ${answer.status}. Try again.`) }]);
    }
  } catch (_) {
    showProblems("The request was not submitted", [{ field: "", message: "The service cannot be reached. Try again." }]);
  } finally {
    resumeChecks({ reset: accepted });
    submitting = false;
    button.disabled = false;
    button.textContent = "Submit";
  }
}

// An edited field's error from the last submission no longer holds.
/** @param {Event} event */
function clearStaleError(event) {
  const control = /** @type {HTMLInputElement} */ (event.target);
  const key = control.name === "entitlements" ? "entitlements" : control.id;
  const slot = key && document.getElementById(`error-${key}`);
  if (slot && form().contains(slot)) slot.textContent = "";
  const owner = key === "entitlements" ? $("entitlements") : control;
  if (owner.getAttribute("aria-invalid")) owner.removeAttribute("aria-invalid");
}

/**
 * Wire the form; onSubmitted(request) runs after each accepted submission.
 * @param {{onSubmitted: (request: import("./state.js").RequestItem) => void}} options
 */
export function initForm({ onSubmitted }) {
  submitted = onSubmitted;
  initEligibilityCheck(form(), readForm);
  form().addEventListener("input", clearStaleError);
  $("requestType").addEventListener("change", showTypeDetails);
  form().addEventListener("submit", submitRequest);
  form().addEventListener("reset", () => window.setTimeout(() => {
    showTypeDetails();
    showFacts();
    clearParticipants();
  }, 0));
  showTypeDetails();
}
