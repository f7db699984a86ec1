// The requests that wait on the signed-in requestor, first on the page: each
// with the question the FastTrack team asked and a reply box. The reply is a
// comment; the server resumes the request with it.

import { answersQuestion } from "./actions.js";
import { api, refusalMessage } from "./api.js";
import { $, clear, el } from "./dom.js";
import { openQuestion, questionBlock } from "./timeline.js";
import { labels } from "./vocabulary.js";

const WAITING = "/api/requests?status=needs-info&mine=true&limit=50";

let answered = () => {};
let open = () => {};
let loading = false;
let signature = "";
let sending = false;

function say(text, kind) {
  const message = $("answer-message");
  message.textContent = text;
  message.className = kind ? `message ${kind}` : "message";
}

function answerItem(request) {
  const textId = `answer-text-${request.id}`;
  const text = el("textarea", { attrs: { id: textId, rows: "3", maxlength: "4000", required: "" } });
  const send = el("button", { text: "Send answer", className: "primary", attrs: { type: "submit" } });
  const form = el("form", { className: "action-form wide-form", attrs: { "aria-label": `Answer for request ${request.id}` } }, [
    el("div", { className: "field wide" }, [el("label", { text: "Your answer", attrs: { for: textId } }), text]),
    send,
  ]);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    sendAnswer(request, text);
  });
  const show = el("button", { text: `Show request ${request.id}`, className: "link-button", attrs: { type: "button" } });
  show.addEventListener("click", () => open(request.id));
  const asked = openQuestion(request);
  const title = request.customerName ? `Request ${request.id}: ${request.customerName}` : `Request ${request.id}`;
  return el("li", { className: "answer-item", attrs: { "data-request-id": request.id } }, [
    el("h3", { text: title }), asked ? questionBlock(asked) : null, form, show,
  ]);
}

function render(waiting) {
  const now = JSON.stringify(waiting.map((request) => [request.id, request.updatedAt]));
  if (now === signature) return;
  signature = now;
  const list = $("answer-list");
  // keep what the requestor is typing across a refresh
  const typed = Object.fromEntries(Array.from(list.querySelectorAll("textarea"), (area) => [area.id, area.value]));
  clear(list);
  for (const request of waiting) list.appendChild(answerItem(request));
  for (const [id, value] of Object.entries(typed)) {
    const area = document.getElementById(id);
    if (area && value) area.value = value;
  }
  $("needs-answer").hidden = waiting.length === 0 && !$("answer-message").textContent;
}

/** Ask the server which of my requests wait on my answer, and show them. */
export async function refreshAnswers() {
  if (loading) return;
  loading = true;
  try {
    const answer = await api("GET", WAITING);
    if (answer.ok && answer.body && Array.isArray(answer.body.items)) render(answer.body.items.filter(answersQuestion));
  } catch (_) {
    // the next refresh asks again
  } finally {
    loading = false;
  }
}

async function sendAnswer(request, text) {
  if (sending) return;
  sending = true;
  const buttons = () => $("answer-list").querySelectorAll("button");
  buttons().forEach((b) => { b.disabled = true; });
  say("");
  try {
    const answer = await api("POST", `/api/requests/${encodeURIComponent(request.id)}/comments`,
      { body: { text: text.value.trim() } });
    if (answer.ok && answer.body) {
      text.value = "";
      say(`Thank you: your answer was added to request ${answer.body.id} — status: ${labels("statuses", answer.body.status)}`,
        "success");
      answered(answer.body);
    } else if (answer.status !== 401) {
      say(refusalMessage(answer, `The service answered ${answer.status}.`), "error");
    }
  } catch (_) {
    say("The service cannot be reached. Try again.", "error");
  } finally {
    sending = false;
    buttons().forEach((b) => { b.disabled = false; });
    await refreshAnswers();
  }
}

/** Wire the panel; onAnswered(request) runs after each answer the server took, onOpen(id) shows a request. */
export function initAnswers({ onAnswered, onOpen }) {
  answered = onAnswered;
  open = onOpen;
}
