// The forms of a request's actions and its comment box. Which forms are shown
// is the request's allowedActions (can), nothing else; each form hands its body
// to act(path, body, done), which posts it (detail.js).

import { clear, el } from "./dom.js";
import { isOwnRequest, personName, state } from "./state.js";
import { can, entries } from "./vocabulary.js";

const MESSAGE_MAX = 2000;
const COMMENT_MAX = 4000;

function field(label, control, hint) {
  const children = [el("label", { text: label, attrs: { for: control.id } }), control];
  if (hint) {
    const id = `${control.id}-hint`;
    control.setAttribute("aria-describedby", id);
    children.push(el("p", { text: hint, className: "hint", attrs: { id } }));
  }
  return el("div", { className: "field" }, children);
}

function wideField(label, control, hint) {
  const box = field(label, control, hint);
  box.classList.add("wide");
  return box;
}

function textArea(id, max, required = false) {
  const attrs = { id, rows: "3", maxlength: String(max) };
  if (required) attrs.required = "";
  return el("textarea", { attrs });
}

/** A select of a vocabulary kind, with "Choose…" first when an answer is required. */
function choiceSelect(id, kind) {
  const select = el("select", { attrs: { id, required: "" } }, [el("option", { text: "Choose…", attrs: { value: "" } })]);
  for (const [value, label] of entries(kind)) select.appendChild(el("option", { text: label, attrs: { value } }));
  return select;
}

/** Checkboxes of a vocabulary kind in a fieldset; returns the fieldset and a reader of the checked values. */
function checkboxes(idPrefix, legend, kind) {
  const group = el("fieldset", { className: "choices" }, [el("legend", { text: legend })]);
  for (const [value, label] of entries(kind)) {
    const id = `${idPrefix}-${value}`;
    group.appendChild(el("div", { className: "choice" }, [
      el("input", { attrs: { id, type: "checkbox", value, name: idPrefix } }),
      el("label", { text: label, attrs: { for: id } }),
    ]));
  }
  const checked = () => Array.from(group.querySelectorAll("input:checked"), (box) => box.value);
  return { group, checked };
}

function actionForm(title, children, onSubmit, className = "") {
  const heading = el("h3", { text: title, className: "action-title" });
  const box = el("form", { className: `action-form ${className}`.trim(), attrs: { "aria-label": title } },
    [heading, ...children]);
  box.addEventListener("submit", (event) => {
    event.preventDefault();
    onSubmit();
  });
  return box;
}

function assignForm(request, act) {
  const group = (state.me.leadGroups || []).find((g) => g.id === request.leadGroup);
  const select = el("select", { attrs: { id: "assign-architect" } }, [
    el("option", { text: "Auto (workload balancer)", attrs: { value: "auto" } }),
  ]);
  for (const architect of (group && group.architects) || []) {
    select.appendChild(el("option", { text: personName(architect), attrs: { value: architect.email } }));
  }
  const email = el("input", { attrs: { id: "assign-email", type: "email", autocomplete: "off", placeholder: "name@contoso.com" } });
  const assign = el("button", { text: "Assign", className: "primary", attrs: { type: "submit" } });
  return actionForm("Assign an architect", [
    field("Architect", select), field("Or another architect's email", email), assign,
  ], () => {
    const architect = email.value.trim() || select.value;
    act("assign", { architect }, `assigned to ${architect === "auto" ? "the balancer's choice" : architect}`);
  });
}

function requestInfoForm(request, act) {
  const message = textArea("info-message", MESSAGE_MAX, true);
  const documents = checkboxes("info-document", "Missing documents (optional)", "documentKinds");
  const send = el("button", { text: "Request information", attrs: { type: "submit" } });
  return actionForm("Ask the requestor for information", [
    wideField("Message to the requestor", message, `Up to ${MESSAGE_MAX} characters; the assignment clock stops until they answer`),
    documents.group, send,
  ], () => act("request-info", { message: message.value.trim(), missingDocuments: documents.checked() },
    "is waiting on the requestor"));
}

function resumeForm(request, act) {
  const resume = el("button", { text: "Resume without an answer", attrs: { type: "submit" } });
  return actionForm("Stop waiting on the requestor", [resume], () => act("resume", undefined, "resumed"));
}

function declineForm(request, act) {
  const reason = choiceSelect("decline-reason", "declineReasons");
  const note = textArea("decline-note", MESSAGE_MAX);
  const decline = el("button", { text: "Decline request", className: "danger", attrs: { type: "submit" } });
  return actionForm("Decline this request", [
    field("Reason for declining", reason), wideField("Note to the requestor", note), decline,
  ], () => act("decline", { reason: reason.value, note: note.value.trim() }, "declined"));
}

// The outcome each request type is completed with: its controls and how they make the body.
const OUTCOMES = {
  "sow-ecif": () => {
    const recommendation = choiceSelect("outcome-recommendation", "recommendations");
    const category = choiceSelect("outcome-category", "categories");
    return {
      controls: [field("Recommendation", recommendation), field("Category", category)],
      read: () => ({ recommendation: recommendation.value, category: category.value }),
    };
  },
  "migration-exception": () => {
    const decision = choiceSelect("outcome-decision", "decisions");
    return { controls: [field("Decision", decision)], read: () => ({ decision: decision.value }) };
  },
};

function completeForm(request, act) {
  const outcome = (OUTCOMES[request.requestType] || (() => ({ controls: [], read: () => ({}) })))();
  const notes = textArea("outcome-notes", COMMENT_MAX);
  const complete = el("button", { text: "Complete", className: "primary", attrs: { type: "submit" } });
  const notesLabel = outcome.controls.length ? "Notes" : "Notes (optional)";
  return actionForm("Complete with the review's outcome", [
    ...outcome.controls, wideField(notesLabel, notes, "Emailed to the requestor as the record of the FTA review"), complete,
  ], () => {
    const body = outcome.read();
    const text = notes.value.trim();
    if (text) body.notes = text;
    act("complete", { outcome: body }, "completed");
  }, "wide-form");
}

function cancelForm(request, act) {
  const reason = el("input", { attrs: { id: "cancel-reason", type: "text", autocomplete: "off" } });
  const cancel = el("button", { text: "Cancel request", className: "danger", attrs: { type: "submit" } });
  return actionForm("Cancel this request", [field("Reason for cancelling (optional)", reason), cancel], () => {
    const text = reason.value.trim();
    act("cancel", text ? { reason: text } : {}, "cancelled");
  });
}

// In the order allowedActions lists them; comments have their box under the timeline.
const FORMS = [
  ["assign", assignForm], ["request-info", requestInfoForm], ["resume", resumeForm],
  ["decline", declineForm], ["complete", completeForm], ["cancel", cancelForm],
];

export function renderActions(box, request, act) {
  clear(box);
  for (const [action, build] of FORMS) if (can(request, action)) box.appendChild(build(request, act));
}

/** Whether the signed-in user's comment is the answer the request waits on: the
 *  requestor's (a lead who asked for their own request resumes it instead). */
export function answersQuestion(request) {
  return request.status === "needs-info" && isOwnRequest(request) && can(request, "comment")
    && !can(request, "comment-internal");
}

/** The comment box: a reply when the request waits on this user; "Internal" only for who may write one. */
export function renderCommentBox(box, request, act) {
  clear(box);
  if (!can(request, "comment")) return;
  const answering = answersQuestion(request);
  const text = textArea("comment-text", COMMENT_MAX, true);
  const children = [wideField(answering ? "Your answer" : "Comment", text,
    answering ? "Sending it puts the request back with the FTA leads" : `Up to ${COMMENT_MAX} characters`)];
  let internal = null;
  if (can(request, "comment-internal")) {
    internal = el("input", { attrs: { id: "comment-internal", type: "checkbox" } });
    children.push(el("div", { className: "choice" }, [
      internal, el("label", { text: "Internal: only leads and the architect see it", attrs: { for: "comment-internal" } }),
    ]));
  }
  children.push(el("button", { text: answering ? "Send answer" : "Add comment", className: "primary", attrs: { type: "submit" } }));
  box.appendChild(actionForm(answering ? "Answer the FTA lead" : "Add a comment", children, () => {
    const body = { text: text.value.trim() };
    if (internal && internal.checked) body.internal = true;
    act("comments", body, answering ? "answered" : body.internal ? "has a new internal comment" : "has a new comment");
  }, "wide-form"));
}
