// @ts-check
// One <dialog> per action a request offers (its allowedActions, nothing else):
// each builds the body of its call and hands it to act(action, body), which
// posts it (request.js) and answers whether the server took it.

import { $, clear, el, say } from "./dom.js";
import { personName, state } from "./state.js";
import { entries } from "./vocabulary.js";

/** @typedef {import("./state.js").RequestItem} RequestItem */
/** @typedef {(action: string, body: unknown) => Promise<string | null>} Act  resolves to an error text, or null when done */
/** @typedef {{controls: Node[], read: () => unknown, submit: string, danger?: boolean}} DialogSpec */

const MESSAGE_MAX = 2000;
const COMMENT_MAX = 4000;

/**
 * @param {string} label
 * @param {HTMLElement} control
 * @param {string} [hint]
 */
export function field(label, control, hint) {
  const children = [el("label", { text: label, attrs: { for: control.id } }), control];
  if (hint) {
    const id = `${control.id}-hint`;
    control.setAttribute("aria-describedby", id);
    children.push(el("p", { text: hint, className: "hint", attrs: { id } }));
  }
  return el("div", { className: "field" }, children);
}

/**
 * @param {string} id
 * @param {number} max
 * @param {boolean} [required]
 */
function textArea(id, max, required = false) {
  /** @type {Record<string, string>} */
  const attrs = { id, rows: "4", maxlength: String(max) };
  if (required) attrs.required = "";
  return el("textarea", { attrs });
}

/**
 * A select of a vocabulary kind's values, the first chosen.
 * @param {string} id
 * @param {string} kind
 */
export function kindSelect(id, kind) {
  return el("select", { attrs: { id } }, entries(kind).map(([value, label]) => el("option", { text: label, attrs: { value } })));
}

/**
 * A select of a vocabulary kind, "Choose…" first.
 * @param {string} id
 * @param {string} kind
 */
export function choiceSelect(id, kind) {
  const select = el("select", { attrs: { id, required: "" } }, [el("option", { text: "Choose…", attrs: { value: "" } })]);
  for (const [value, label] of entries(kind)) select.appendChild(el("option", { text: label, attrs: { value } }));
  return select;
}

/**
 * @param {string} prefix
 * @param {string} legend
 * @param {string} kind
 */
function checkboxes(prefix, legend, kind) {
  const group = el("fieldset", { className: "choices" }, [el("legend", { text: legend })]);
  for (const [value, label] of entries(kind)) {
    const id = `${prefix}-${value}`;
    group.appendChild(el("div", { className: "choice" }, [
      el("input", { attrs: { id, type: "checkbox", value, name: prefix } }), el("label", { text: label, attrs: { for: id } }),
    ]));
  }
  const checked = () => Array.from(group.querySelectorAll("input:checked"), (box) => /** @type {HTMLInputElement} */ (box).value);
  return { group, checked };
}

/** @param {RequestItem} request @returns {DialogSpec} */
function assign(request) {
  const group = ((state.me && state.me.leadGroups) || []).find((g) => g.id === request.leadGroup);
  const select = el("select", { attrs: { id: "assign-architect" } }, [
    el("option", { text: "Auto (the workload balancer picks)", attrs: { value: "auto" } }),
  ]);
  for (const architect of (group && group.architects) || []) {
    select.appendChild(el("option", { text: personName(architect.email, architect.name), attrs: { value: architect.email } }));
  }
  const email = el("input", { attrs: { id: "assign-email", type: "email", autocomplete: "off" } });
  return {
    controls: [field("Architect", select), field("Or another architect's email", email, "For example name@contoso.com")],
    read: () => ({ architect: email.value.trim() || select.value }), submit: "Assign",
  };
}

/** @returns {DialogSpec} */
function requestInfo() {
  const message = textArea("info-message", MESSAGE_MAX, true);
  const documents = checkboxes("info-document", "Documents to ask for (optional)", "documentKinds");
  return {
    controls: [field("Message to the requestor", message, "The assignment clock stops until they answer"), documents.group],
    read: () => ({ message: message.value.trim(), missingDocuments: documents.checked() }), submit: "Ask the requestor",
  };
}

/** @returns {DialogSpec} */
function resume() {
  return { controls: [el("p", { text: "The request goes back to the queue without the requestor's answer." })],
    read: () => undefined, submit: "Resume" };
}

/** @returns {DialogSpec} */
function decline() {
  const reason = choiceSelect("decline-reason", "declineReasons");
  const note = textArea("decline-note", MESSAGE_MAX);
  return { controls: [field("Reason for declining", reason), field("Note to the requestor", note)],
    read: () => ({ reason: reason.value, note: note.value.trim() }), submit: "Decline request", danger: true };
}

/** @param {RequestItem} request @returns {DialogSpec} */
function complete(request) {
  /** @type {Node[]} */
  const controls = [];
  /** @type {() => Record<string, string>} */
  let read = () => ({});
  if (request.requestType === "sow-ecif") {
    const recommendation = choiceSelect("outcome-recommendation", "recommendations");
    const category = choiceSelect("outcome-category", "categories");
    controls.push(field("Recommendation", recommendation), field("Category", category));
    read = () => ({ recommendation: recommendation.value, category: category.value });
  } else if (request.requestType === "migration-exception") {
    const decision = choiceSelect("outcome-decision", "decisions");
    controls.push(field("Decision", decision));
    read = () => ({ decision: decision.value });
  }
  const notes = textArea("outcome-notes", COMMENT_MAX);
  controls.push(field(controls.length ? "Notes" : "Notes (optional)", notes, "Mailed to the requestor as the record of the review"));
  return {
    controls, submit: "Record the outcome",
    read: () => {
      const body = read();
      if (notes.value.trim()) body.notes = notes.value.trim();
      return { outcome: body };
    },
  };
}

/** @returns {DialogSpec} */
function cancel() {
  const reason = el("input", { attrs: { id: "cancel-reason", type: "text", autocomplete: "off" } });
  return { controls: [field("Reason for cancelling (optional)", reason)], submit: "Cancel request", danger: true,
    read: () => (reason.value.trim() ? { reason: reason.value.trim() } : {}) };
}

/** @param {RequestItem} request @param {boolean} answering @returns {DialogSpec} */
function comment(request, answering) {
  const text = textArea("comment-text", COMMENT_MAX, true);
  /** @type {Node[]} */
  const controls = [field(answering ? "Your answer" : "Comment", text,
    answering ? "Sending it puts the request back with the FTA leads" : `Up to ${COMMENT_MAX} characters`)];
  /** @type {HTMLInputElement | null} */
  let internal = null;
  if ((request.allowedActions || []).includes("comment-internal")) {
    internal = el("input", { attrs: { id: "comment-internal", type: "checkbox" } });
    controls.push(el("div", { className: "choice" }, [
      internal, el("label", { text: "Internal: only leads and the architect see it", attrs: { for: "comment-internal" } })]));
  }
  return {
    controls, submit: answering ? "Send answer" : "Add comment",
    read: () => (internal && internal.checked ? { text: text.value.trim(), internal: true } : { text: text.value.trim() }),
  };
}

const MAX_PARTICIPANTS = 10;

/**
 * The account team on the request: a row per person (address and role), one more row to add someone.
 * @param {RequestItem} request
 * @returns {DialogSpec}
 */
function participants(request) {
  /** @type {Array<{email: string, role: string}>} */
  const current = Array.isArray(request.participants) ? request.participants : [];
  const rows = [...current, { email: "", role: "atu" }].slice(0, MAX_PARTICIPANTS).map((person, i) => {
    const email = el("input", { attrs: { id: `participant-email-${i}`, type: "email", autocomplete: "off", value: person.email } });
    const role = kindSelect(`participant-role-${i}`, "participantRoles");
    role.value = person.role;
    return { email, role, box: el("div", { className: "participant-row" }, [
      field(`Person ${i + 1}: address`, email), field(`Person ${i + 1}: role`, role)]) };
  });
  return {
    controls: [el("p", { text: "They get the requestor's mails and may read and comment. Leave an address empty to take the person off.", className: "hint" }),
      ...rows.map((r) => r.box)],
    submit: "Save",
    read: () => ({ participants: rows.filter((r) => r.email.value.trim())
      .map((r) => ({ email: r.email.value.trim(), role: r.role.value })) }),
  };
}

/** @returns {DialogSpec} */
function reopen() {
  const reason = textArea("reopen-reason", MESSAGE_MAX, true);
  return { controls: [field("Why it is reviewed again", reason, "For example: a revised SOW. The requestor is told.")],
    read: () => ({ reason: reason.value.trim() }), submit: "Reopen" };
}

/** @param {string} id @param {string} type */
function input(id, type = "text") {
  return el("input", { attrs: { id, type, autocomplete: "off", required: "" } });
}

/** @param {string} text @returns {string[]} one entry per non-empty line */
function lines(text) {
  return text.split("\n").map((line) => line.trim()).filter((line) => line !== "");
}

/**
 * A step of the engagement after assignment: the first contact, the discovery workshop's record, the handoff.
 * @returns {DialogSpec}
 */
function milestone() {
  const kind = kindSelect("milestone-kind", "milestones");
  const understanding = kindSelect("workshop-understanding", "customerUnderstanding");
  const outOfScope = textArea("workshop-out-of-scope", COMMENT_MAX);
  const start = input("workshop-start", "date");
  const due = input("dibs-due", "date");
  const intent = input("dibs-intent");
  const reason = input("dibs-reason");
  const owners = textArea("dibs-owners", MESSAGE_MAX, true);
  const manager = input("handoff-manager", "email");
  const notes = textArea("milestone-notes", COMMENT_MAX);
  const workshop = el("fieldset", { className: "choices" }, [el("legend", { text: "The workshop's record" }),
    field("Customer's understanding of the benefit", understanding),
    field("Out of scope (one item per line)", outOfScope, "The input to the partner's SOW; mailed to the requestor"),
    field("Engagement start", start), field("DIBS: due date", due), field("DIBS: intent", intent),
    field("DIBS: business reason", reason), field("DIBS: success owners (one per line)", owners)]);
  const handoff = el("fieldset", { className: "choices" }, [el("legend", { text: "The handoff" }),
    field("FastTrack Manager's address", manager)]);
  const show = () => {
    for (const [box, value] of /** @type {Array<[HTMLFieldSetElement, string]>} */ ([[workshop, "workshop-held"], [handoff, "handoff"]])) {
      box.hidden = kind.value !== value;
      box.disabled = kind.value !== value;
    }
  };
  kind.addEventListener("change", show);
  show();
  return {
    controls: [field("Step", kind), workshop, handoff, field("Notes (optional)", notes)],
    submit: "Record the step",
    read: () => {
      /** @type {Record<string, unknown>} */
      const body = { kind: kind.value };
      if (notes.value.trim()) body.notes = notes.value.trim();
      if (kind.value === "workshop-held") {
        Object.assign(body, { customerUnderstanding: understanding.value, outOfScope: lines(outOfScope.value),
          engagementStart: start.value, dibs: { dueDate: due.value, intent: intent.value.trim(),
            businessReason: reason.value.trim(), successOwners: lines(owners.value) } });
      } else if (kind.value === "handoff") {
        body.manager = manager.value.trim();
      }
      return body;
    },
  };
}

/**
 * The requestor's rating of the completed review, once.
 * @returns {DialogSpec}
 */
function feedback() {
  const group = el("fieldset", { className: "choices" }, [el("legend", { text: "How was the review? (1 poor, 5 excellent)" })]);
  for (let n = 1; n <= 5; n += 1) {
    const id = `feedback-rating-${n}`;
    /** @type {Record<string, string>} */
    const attrs = { id, type: "radio", name: "feedback-rating", value: String(n) };
    if (n === 1) attrs.required = "";
    group.appendChild(el("div", { className: "choice" }, [el("input", { attrs }), el("label", { text: String(n), attrs: { for: id } })]));
  }
  const remark = textArea("feedback-comment", COMMENT_MAX);
  return {
    controls: [group, field("Comment (optional)", remark)], submit: "Send rating",
    read: () => {
      const chosen = /** @type {HTMLInputElement | null} */ (group.querySelector("input:checked"));
      const body = { rating: chosen ? Number(chosen.value) : 0 };
      return remark.value.trim() ? { ...body, comment: remark.value.trim() } : body;
    },
  };
}

/**
 * The actions a request's allowedActions may hold: [action, button label, dialog title, the call's path, the dialog].
 * @type {Array<[string, string, string, string, (request: RequestItem, answering: boolean) => DialogSpec]>}
 */
export const ACTIONS = [
  ["assign", "Assign", "Assign an architect", "assign", assign],
  ["request-info", "Request information", "Ask the requestor for information", "request-info", requestInfo],
  ["resume", "Resume", "Stop waiting on the requestor", "resume", resume],
  ["comment", "Comment", "Add a comment", "comments", comment],
  ["complete", "Record outcome", "Complete with the review's outcome", "complete", complete],
  ["decline", "Decline", "Decline this request", "decline", decline],
  ["cancel", "Cancel request", "Cancel this request", "cancel", cancel],
  ["reopen", "Reopen", "Reopen for a second review", "reopen", reopen],
  ["participants", "Account team", "The account team on this request", "participants", participants],
  ["milestone", "Record a step", "Record a step of the engagement", "milestones", milestone],
  ["feedback", "Rate the review", "Rate the review", "feedback", feedback],
];

/**
 * Open a modal dialog with the given controls; its submit button hands read() to send().
 * @param {string} title
 * @param {DialogSpec} spec
 * @param {(body: unknown) => Promise<string | null>} send
 */
export function openDialog(title, spec, send) {
  const host = $("dialogs");
  clear(host);
  const titleId = "dialog-title";
  const message = el("p", { className: "message", attrs: { role: "alert" } });
  const submit = el("button", { text: spec.submit, className: spec.danger ? "danger" : "primary", attrs: { type: "submit" } });
  const close = el("button", { text: "Close", attrs: { type: "button" } });
  const form = el("form", { className: "dialog-form" }, [...spec.controls, message,
    el("div", { className: "dialog-actions" }, [submit, close])]);
  const dialog = el("dialog", { attrs: { "aria-labelledby": titleId } }, [el("h2", { text: title, attrs: { id: titleId } }), form]);
  host.appendChild(dialog);
  close.addEventListener("click", () => dialog.close());
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    say(message, "");
    try {
      const error = await send(spec.read());
      if (error === null) dialog.close();
      else say(message, error, "error");
    } finally {
      submit.disabled = false;
    }
  });
  dialog.showModal();
  return dialog;
}
