// @ts-check
// Eligibility while the form is filled in: asks POST /api/eligibility about the
// fields the user has edited (debounced; one call at a time; an answer for input
// that has changed since is ignored) and shows each reason and notice beside its
// field, in polite live regions the field's aria-describedby points to. Advisory
// only: the answer to the submission is the final word.

import { api } from "./api.js";
import { $, clear, el } from "./dom.js";

export const DEBOUNCE_MS = 300;

/** @type {HTMLFormElement} */
let form;
/** @type {() => Record<string, any>} */
let readBody = () => ({});
const given = new Set(); // keys of the body the user has edited
const left = new Set(); // slot keys of the controls the user has changed and left: their field errors are shown
let version = 0; // counts the edits: an answer is shown only for the input it was asked about
/** @type {number | undefined} */
let timer;
let inFlight = false;
let again = false;
let paused = false;

// The key of the body a control fills in, and the key of its message slots.
/** @param {HTMLInputElement} control */
const bodyKey = (control) => (control.id.startsWith("migration-") ? "migration" : control.name);
/** @param {HTMLInputElement} control */
const controlKey = (control) => (control.name === "entitlements" ? "entitlements" : control.id);

// "migration.mailboxCount" -> "migration-mailboxCount"; "entitlements.1" -> "entitlements"
/** @param {string | undefined} name */
function slotKey(name) {
  const parts = String(name || "").split(".").filter((p) => p !== "");
  while (parts.length) {
    const key = parts.join("-");
    if (document.getElementById(`check-${key}`)) return key;
    parts.pop();
  }
  return null;
}

/** A polite live region beside each field's error slot, named by the field's aria-describedby. */
function addSlots() {
  for (const error of form.querySelectorAll(".field-error")) {
    const key = error.id.replace(/^error-/, "");
    const slot = el("p", { className: "field-check", attrs: { id: `check-${key}`, "aria-live": "polite" } });
    error.after(slot);
    const owner = form.querySelector(`[aria-describedby~="${CSS.escape(error.id)}"]`);
    if (owner) owner.setAttribute("aria-describedby", `${owner.getAttribute("aria-describedby")} ${slot.id}`);
  }
}

export function clearChecks() {
  for (const slot of form.querySelectorAll(".field-check")) clear(slot);
  $("eligibility-status").textContent = "";
}

/** @type {Record<string, string>} */
const PREFIX = { reason: "Not eligible: ", notice: "Note: ", invalid: "" };

/**
 * @param {string | undefined} field
 * @param {string} message
 * @param {string} kind
 */
function put(field, message, kind) {
  const key = slotKey(field);
  const slot = key ? $(`check-${key}`) : $("eligibility-status");
  slot.appendChild(el("span", { className: `check-${kind}`, text: `${PREFIX[kind]}${message}` }));
}

/** @param {any} answer */
function show(answer) {
  clearChecks();
  const reasons = Array.isArray(answer.reasons) ? answer.reasons : [];
  for (const reason of reasons) put(reason.field, reason.message, "reason");
  for (const notice of Array.isArray(answer.notices) ? answer.notices : []) put(notice.field, notice.message, "notice");
  for (const error of Array.isArray(answer.fieldErrors) ? answer.fieldErrors : []) {
    if (left.has(slotKey(error.field))) put(error.field, error.message, "invalid");
  }
  const status = $("eligibility-status");
  if (answer.eligible === true) status.textContent = "This request meets every eligibility rule.";
  else if (reasons.length) status.textContent = `${reasons.length} eligibility rule${reasons.length > 1 ? "s are" : " is"} not met.`;
}

function body() {
  const full = readBody();
  return Object.fromEntries(Object.entries(full).filter(([key, value]) => given.has(key) && value !== undefined));
}

async function check() {
  timer = undefined;
  if (paused) return;
  if (inFlight) {
    again = true;
    return;
  }
  const asked = body();
  if (!Object.keys(asked).length) {
    clearChecks();
    return;
  }
  inFlight = true;
  const askedAt = version;
  try {
    const answer = await api("POST", "/api/eligibility", { body: asked });
    if (askedAt === version && !paused && answer.status === 200 && answer.body) show(answer.body);
  } catch (_) {
    // The live check only advises: when it cannot be reached, the submission still decides.
  } finally {
    inFlight = false;
    if (again) {
      again = false;
      check();
    }
  }
}

/**
 * @param {Event} event
 * @param {boolean} leftControl
 */
function edited(event, leftControl) {
  const control = /** @type {HTMLInputElement} */ (event.target);
  if (!control.name) return;
  given.add(bodyKey(control));
  if (leftControl) left.add(controlKey(control));
  version += 1;
  window.clearTimeout(timer);
  timer = window.setTimeout(check, DEBOUNCE_MS);
}

/** While a submission runs, no check is sent and none is shown: its answer decides. */
export function pauseChecks() {
  paused = true;
  version += 1;
  window.clearTimeout(timer);
  timer = undefined;
  clearChecks();
}

export function resumeChecks({ reset = false } = {}) {
  paused = false;
  if (reset) {
    given.clear();
    left.clear();
  }
}

/**
 * Wire the live check to the form; readForm() gives the whole body as the form would submit it.
 * @param {HTMLFormElement} formElement
 * @param {() => Record<string, any>} readForm
 */
export function initEligibilityCheck(formElement, readForm) {
  form = formElement;
  readBody = readForm;
  addSlots();
  form.addEventListener("input", (event) => edited(event, false));
  form.addEventListener("change", (event) => edited(event, true));
}
