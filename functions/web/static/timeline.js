// @ts-check
// A request's timeline: each event as a sentence with people's names
// (sentences.js), its free text as a paragraph, a document by its file name
// (linked while the request still holds it). Internal comments are marked; a
// requestor's answer never holds them (the server leaves them out).

import { clear, el, timeElement } from "./dom.js";
import { describe } from "./sentences.js";
import { eventsOf, words } from "./state.js";

/** @typedef {import("./state.js").RequestItem} RequestItem */

/** @type {Record<string, string>} */
const TEXT_LABELS = { message: "Message", note: "Note", notes: "Notes", reason: "Reason" };

/**
 * @param {RequestItem} request
 * @param {string} documentId
 */
export function documentUrl(request, documentId) {
  return `/api/requests/${encodeURIComponent(request.id)}/documents/${encodeURIComponent(documentId)}`;
}

/**
 * @param {RequestItem} request
 * @param {import("./sentences.js").RequestEvent} event
 */
function eventItem(request, event) {
  const sentence = describe(event, words);
  const held = new Set((request.documents || []).map((d) => d.id));
  const line = el("p", { className: "event-sentence" });
  for (const part of sentence.parts) {
    if (typeof part === "string") line.appendChild(document.createTextNode(part));
    else if (part.documentId && held.has(part.documentId)) {
      line.appendChild(el("a", { text: part.fileName, attrs: { href: documentUrl(request, part.documentId), download: part.fileName } }));
    } else line.appendChild(el("span", { text: part.fileName, className: "file-name" }));
  }
  /** @type {Record<string, string>} */
  const attrs = { "data-event-type": event.type };
  if (sentence.internal) attrs["data-internal"] = "true";
  return el("li", { className: sentence.internal ? "internal" : "", attrs }, [
    line,
    el("p", { className: "event-meta" }, [
      timeElement(event.occurredAt),
      sentence.internal ? el("span", { text: "Internal", className: "badge internal", attrs: { title: "Only leads and the architect see it" } }) : null,
    ]),
    ...sentence.texts.map(([key, text]) => el("p", { className: "event-text", attrs: { "data-key": key } }, [
      TEXT_LABELS[key] ? el("span", { text: `${TEXT_LABELS[key]}: `, className: "event-text-label" }) : null,
      document.createTextNode(text),
    ])),
  ]);
}

/**
 * @param {HTMLElement} list
 * @param {RequestItem} request
 */
export function renderTimeline(list, request) {
  clear(list);
  for (const event of eventsOf(request)) list.appendChild(eventItem(request, event));
}

/**
 * The question a request waiting on its requestor is waiting on: the last
 * request.info-requested event, when the request is needs-info.
 * @param {RequestItem} request
 */
export function openQuestion(request) {
  if (!request || request.status !== "needs-info") return null;
  const asked = eventsOf(request).filter((event) => event.type === "request.info-requested");
  return asked.length ? asked[asked.length - 1] : null;
}
