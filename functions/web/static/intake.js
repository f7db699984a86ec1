// @ts-check
// Two parts of the request form (/requests/new) that change with what is chosen:
// the migration exception's facts (the fields of the kind chosen, as the server's
// exceptionFacts table names them) and the account team (a row per person, at most
// MAX_PARTICIPANTS), both read into the body the form submits.

import { kindSelect } from "./dialogs.js";
import { $, el, field } from "./dom.js";
import { labels } from "./vocabulary.js";

export const MAX_PARTICIPANTS = 10;
const NUMBERS = new Set(["mailboxCount", "averageMailboxSizeGb", "sharedMailboxCount"]);

/** @returns {HTMLElement[]} */
const factBoxes = () => Array.from(document.querySelectorAll("#details-migration-exception [data-fact]"));

/** The facts the review of a kind needs, from the vocabulary ("mailboxCount expectedStart …"). @param {string} kind */
export function factsOf(kind) {
  if (!kind) return [];
  const named = labels("exceptionFacts", kind);
  return named === kind ? [] : named.split(" ").filter(Boolean);
}

/** Show the fields of the kind chosen; the others are hidden and not sent. */
export function showFacts() {
  const wanted = new Set(factsOf(field("migration-exceptionType").value));
  for (const box of factBoxes()) {
    const shown = wanted.has(box.dataset.fact || "");
    box.hidden = !shown;
    for (const control of box.querySelectorAll("input, textarea")) {
      /** @type {HTMLInputElement} */ (control).disabled = !shown;
    }
  }
}

/** The migration part of the body: its kind and the facts shown. @returns {Record<string, any>} */
export function readMigration() {
  /** @type {Record<string, any>} */
  const migration = { exceptionType: field("migration-exceptionType").value || undefined };
  for (const box of factBoxes()) {
    const name = box.dataset.fact || "";
    if (box.hidden || !name) continue;
    const raw = field(`migration-${name}`).value.trim();
    if (raw !== "") migration[name] = NUMBERS.has(name) ? Number(raw) : raw;
  }
  return migration;
}

/** @type {Array<{box: HTMLElement, email: HTMLInputElement, role: HTMLSelectElement, remove: HTMLButtonElement}>} */
let rows = [];
let serial = 0;

function relabel() {
  rows.forEach((row, i) => {
    const words = `Person ${i + 1}`;
    const [emailLabel, roleLabel] = row.box.querySelectorAll("label");
    emailLabel.textContent = `${words}: address`;
    roleLabel.textContent = `${words}: role`;
    row.remove.textContent = `Remove person ${i + 1}`;
  });
  const add = /** @type {HTMLButtonElement} */ ($("add-participant"));
  add.hidden = rows.length >= MAX_PARTICIPANTS;
}

function addRow() {
  if (rows.length >= MAX_PARTICIPANTS) return;
  serial += 1;
  const email = el("input", { attrs: { id: `participant-email-${serial}`, type: "email", autocomplete: "off" } });
  const role = kindSelect(`participant-role-${serial}`, "participantRoles");
  const remove = el("button", { className: "secondary", attrs: { type: "button" } });
  const box = el("div", { className: "participant-row" }, [
    el("div", { className: "field" }, [el("label", { attrs: { for: email.id } }), email]),
    el("div", { className: "field" }, [el("label", { attrs: { for: role.id } }), role]),
    remove,
  ]);
  const row = { box, email, role, remove };
  remove.addEventListener("click", () => {
    rows = rows.filter((r) => r !== row);
    box.remove();
    relabel();
    $("add-participant").focus();
  });
  rows.push(row);
  $("participant-rows").appendChild(box);
  relabel();
  email.focus();
}

/** The account team given at intake (rows left empty are not sent). */
export function readParticipants() {
  const people = rows.filter((r) => r.email.value.trim()).map((r) => ({ email: r.email.value.trim(), role: r.role.value }));
  return people.length ? people : undefined;
}

/** Back to no one (after a submission is accepted or the form is reset). */
export function clearParticipants() {
  for (const row of rows) row.box.remove();
  rows = [];
  relabel();
}

/** Name the facts' fields from the vocabulary and wire both parts (the kinds are the form's choices). */
export function initIntakeParts() {
  for (const box of factBoxes()) {
    const label = box.querySelector("label");
    if (label && box.dataset.fact) label.textContent = labels("migrationFacts", box.dataset.fact);
  }
  $("migration-exceptionType").addEventListener("change", showFacts);
  $("add-participant").addEventListener("click", addRow);
  showFacts();
}
