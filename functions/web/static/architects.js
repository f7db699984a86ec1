// @ts-check
// The architects' availability at /architects, for leads and admins: each
// architect of the routing file's pools with their groups, open assignments
// against their limit, whether the balancer may pick them, and their absences
// now and to come. A lead marks an architect away (from, until, a note) in a
// <dialog> and removes a mark they no longer need. Data from GET /api/architects.

import { api, problem, refusalMessage, serverMessage } from "./api.js";
import { $, clear, el, say } from "./dom.js";
import { isoDay } from "./router.js";
import { groupName, personName } from "./state.js";
import { labels } from "./vocabulary.js";

/**
 * @typedef {{id: string | null, architect: string, source: string, from: string, until: string, starts: string,
 *   ends: string, note: string, markedBy: string | null, markedAt: string | null}} Absence
 * @typedef {{email: string, name: string, groups: string[], openAssignments: number,
 *   maxOpenAssignments: number | null, away: Absence | null, absences: Absence[], available: boolean}} Architect
 */

const COLUMNS = ["Architect", "Groups", "Open assignments", "Availability", "Absences", "Actions"];
const NOTE_MAX = 500;

/** @type {{items: Architect[], generation: number}} */
const shown = { items: [], generation: 0 };

/** @param {string} text @param {string} [kind] */
const tell = (text, kind) => say($("architects-status"), text, kind);

/** @param {Architect} architect */
const nameOf = (architect) => personName(architect.email, architect.name);

/** @param {Absence} absence */
const period = (absence) => (absence.from === absence.until ? `on ${absence.from}` : `from ${absence.from} to ${absence.until}`);

/**
 * Who or what says the architect is away: the lead who marked it, else its source.
 * @param {Absence} absence
 */
function origin(absence) {
  if (absence.source === "app") return absence.markedBy ? `marked by ${personName(absence.markedBy)}` : "marked in the app";
  return `from ${labels("absenceSources", absence.source)}`;
}

/** @param {Architect} architect */
function openText(architect) {
  const max = architect.maxOpenAssignments;
  return typeof max === "number" ? `${architect.openAssignments} of ${max}` : `${architect.openAssignments} (no limit)`;
}

/** @param {Architect} architect */
function availability(architect) {
  if (architect.away) {
    return el("span", {}, [el("span", { text: "Away", className: "badge availability-away" }),
      el("span", { text: ` until ${architect.away.until} (${origin(architect.away)})` })]);
  }
  if (!architect.available) return el("span", { text: "At the limit", className: "badge availability-full" });
  return el("span", { text: "Available", className: "badge availability-available" });
}

/** @param {Architect} architect */
function absenceList(architect) {
  if (!architect.absences.length) return el("span", { text: "None", className: "muted" });
  return el("ul", { className: "absence-list" }, architect.absences.map((absence) => {
    const line = el("span", { text: absence.from === absence.until ? absence.from : `${absence.from} to ${absence.until}` });
    const note = absence.note ? el("span", { text: absence.note, className: "absence-note" }) : null;
    const by = el("span", { text: origin(absence), className: "absence-note" });
    let remove = null;
    if (absence.source === "app" && absence.id) {
      remove = el("button", { text: "Remove", className: "subtle", attrs: {
        type: "button", "aria-label": `Remove the absence ${period(absence)}`, "data-absence-id": absence.id } });
      remove.addEventListener("click", () => {
        if (remove) remove.disabled = true; // one call per click: a second would find the absence gone
        removeAbsence(architect, absence);
      });
    }
    return el("li", {}, [el("span", { className: "absence-text" }, [line, note, by]), remove]);
  }));
}

/** @param {Architect} architect */
function cells(architect) {
  const mark = el("button", { text: "Mark away", attrs: { type: "button", "aria-label": `Mark away: ${nameOf(architect)}`,
    "data-action": "mark-away" } });
  mark.addEventListener("click", () => openMarkAway(architect));
  /** @type {Record<string, () => Node | string>} */
  const by = {
    Architect: () => el("span", { className: "architect-name" }, [el("span", { text: nameOf(architect) }),
      el("span", { text: architect.email, className: "architect-email" })]),
    Groups: () => architect.groups.map((id) => groupName(id)).join(", "),
    "Open assignments": () => openText(architect),
    Availability: () => availability(architect),
    Absences: () => absenceList(architect),
    Actions: () => mark,
  };
  return COLUMNS.map((name) => {
    const value = by[name]();
    const cell = el("td", { attrs: { "data-label": name } });
    if (typeof value === "string") cell.textContent = value;
    else cell.appendChild(value);
    return cell;
  });
}

function renderTable() {
  const box = $("architects-body");
  clear(box);
  if (!shown.items.length) {
    box.appendChild(el("p", { text: "No architect is named in the routing file.", className: "empty" }));
    return;
  }
  const head = el("tr", {}, COLUMNS.map((name) => el("th", { text: name, attrs: { scope: "col" } })));
  const rows = shown.items.map((a) => el("tr", { attrs: { "data-architect": a.email } }, cells(a)));
  box.appendChild(el("div", { className: "table-wrap" }, [el("table", { className: "architects", attrs: { id: "architects-table" } }, [
    el("caption", { text: `Architects: ${shown.items.length}`, className: "visually-hidden" }),
    el("thead", {}, [head]), el("tbody", {}, rows),
  ])]));
}

/**
 * Ask the server for the architects again; then put the focus back on an architect's "Mark away" button.
 * @param {string} [focusOn] an architect's address
 */
async function refresh(focusOn) {
  const generation = shown.generation;
  let answer;
  try {
    answer = await api("GET", "/api/architects");
  } catch (_) {
    if (generation === shown.generation) tell("The service cannot be reached. Reload the page to try again.", "error");
    return;
  }
  if (generation !== shown.generation || answer.status === 401) return;
  if (!answer.ok || !answer.body || !Array.isArray(answer.body.items)) {
    tell(serverMessage(answer, "The architects could not be loaded."), "error");
    return;
  }
  shown.items = answer.body.items;
  renderTable();
  if (focusOn) focusMarkAway(focusOn);
}

/** @param {string} email the architect whose "Mark away" button takes the focus (their row was drawn again) */
function focusMarkAway(email) {
  const row = Array.from(document.querySelectorAll("#architects-table tr[data-architect]"))
    .find((tr) => tr.getAttribute("data-architect") === email);
  const button = row && row.querySelector('button[data-action="mark-away"]');
  if (button instanceof HTMLElement) button.focus();
}

/** @param {Architect} architect */
const absencesUrl = (architect) => `/api/architects/${encodeURIComponent(architect.email)}/absences`;

/**
 * @param {Architect} architect
 * @param {Absence} absence
 */
async function removeAbsence(architect, absence) {
  tell("");
  try {
    const answer = await api("DELETE", `${absencesUrl(architect)}/${encodeURIComponent(absence.id || "")}`);
    if (answer.status === 204) tell(`${nameOf(architect)}'s absence ${period(absence)} is removed.`, "success");
    else if (answer.status !== 401) tell(refusalMessage(answer, `The service answered ${answer.status}.`), "error");
  } catch (_) {
    tell("The service cannot be reached. Try again.", "error");
    return;
  }
  await refresh(architect.email);
}

/**
 * A labelled control with its hint and the place its error is shown.
 * @param {string} label
 * @param {HTMLInputElement | HTMLTextAreaElement} control
 * @param {string} [hint]
 */
function field(label, control, hint) {
  const ids = [];
  /** @type {HTMLElement[]} */
  const children = [el("label", { text: label, attrs: { for: control.id } }), control];
  if (hint) {
    ids.push(`${control.id}-hint`);
    children.push(el("p", { text: hint, className: "hint", attrs: { id: `${control.id}-hint` } }));
  }
  ids.push(`${control.id}-error`);
  children.push(el("p", { className: "field-error", attrs: { id: `${control.id}-error` } }));
  control.setAttribute("aria-describedby", ids.join(" "));
  return el("div", { className: "field" }, children);
}

/** @param {Architect} architect */
function openMarkAway(architect) {
  const host = $("architect-dialogs");
  clear(host);
  tell("");
  const from = el("input", { attrs: { id: "absence-from", name: "from", type: "date", required: "", value: isoDay(new Date()) } });
  const until = el("input", { attrs: { id: "absence-until", name: "until", type: "date", required: "" } });
  const note = el("textarea", { attrs: { id: "absence-note", name: "note", rows: "3", maxlength: String(NOTE_MAX) } });
  /** @type {Record<string, HTMLInputElement | HTMLTextAreaElement>} */
  const controls = { from, until, note };
  const message = el("p", { className: "message", attrs: { role: "alert" } });
  const submit = el("button", { text: "Mark away", className: "primary", attrs: { type: "submit" } });
  const close = el("button", { text: "Close", attrs: { type: "button" } });
  const form = el("form", { className: "dialog-form" }, [
    el("p", { text: "The workload balancer does not pick them on these days (UTC, both included).", className: "hint" }),
    el("div", { className: "dialog-dates" }, [field("From", from), field("Until", until)]),
    field("Note (optional)", note, `For the other leads, up to ${NOTE_MAX} characters`),
    message, el("div", { className: "dialog-actions" }, [submit, close])]);
  const dialog = el("dialog", { attrs: { "aria-labelledby": "absence-title", id: "absence-dialog" } }, [
    el("h2", { text: `Mark ${nameOf(architect)} away`, attrs: { id: "absence-title" } }), form]);
  host.appendChild(dialog);
  close.addEventListener("click", () => dialog.close());
  const clearErrors = () => {
    say(message, "");
    for (const control of Object.values(controls)) {
      control.removeAttribute("aria-invalid");
      $(`${control.id}-error`).textContent = "";
    }
  };
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors();
    submit.disabled = true;
    /** @type {Record<string, string>} */
    const body = { from: from.value, until: until.value };
    if (note.value.trim()) body.note = note.value.trim();
    try {
      const answer = await api("POST", absencesUrl(architect), { body });
      if (answer.status === 201 && answer.body) {
        dialog.close();
        tell(`${nameOf(architect)} is marked away ${period(answer.body)}.`, "success");
        await refresh(architect.email);
      } else if (answer.status === 400) {
        showErrors(answer, controls, message);
      } else if (answer.status !== 401) {
        say(message, refusalMessage(answer, `The service answered ${answer.status}.`), "error");
      }
    } catch (_) {
      say(message, "The service cannot be reached. Try again.", "error");
    } finally {
      submit.disabled = false;
    }
  });
  dialog.showModal();
}

/**
 * A 400's errors, each beside its field (the first such field takes the focus); the others in the dialog's message.
 * @param {import("./api.js").Answer} answer
 * @param {Record<string, HTMLInputElement | HTMLTextAreaElement>} controls
 * @param {HTMLElement} message
 */
function showErrors(answer, controls, message) {
  const { details } = problem(answer);
  /** @type {string[]} */
  const others = [];
  /** @type {HTMLElement | null} */
  let first = null;
  for (const detail of details) {
    const control = controls[String(detail.field || "").split(".")[0]];
    if (!control) {
      if (detail.message) others.push(detail.message);
      continue;
    }
    const slot = $(`${control.id}-error`);
    slot.textContent = slot.textContent ? `${slot.textContent} ${detail.message || ""}` : detail.message || "";
    control.setAttribute("aria-invalid", "true");
    first = first || control;
  }
  if (others.length || !first) say(message, others.join(" ") || serverMessage(answer, "The absence is not valid."), "error");
  if (first) first.focus();
}

/** Leave the view: an answer still on its way is dropped, an open dialog goes (Back while it is open). */
export function leaveArchitects() {
  shown.generation += 1;
  clear($("architect-dialogs"));
}

/** Show the architects' availability. */
export function showArchitects() {
  leaveArchitects();
  shown.items = [];
  tell("");
  clear($("architects-body"));
  void refresh();
}
