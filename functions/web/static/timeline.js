// A request's timeline: each event of its history with the vocabulary's labels,
// its facts on one line and its free text (a comment, the lead's message, a
// note) as a paragraph. Internal comments are marked as such; a requestor's
// answer never holds them (the server leaves them out).

import { clear, el, timeElement } from "./dom.js";
import { groupName } from "./state.js";
import { labels } from "./vocabulary.js";

// free text: shown as a paragraph of its own, not in the line of facts
const TEXTS = ["message", "text", "note", "notes"];
// shown in another way (the internal mark, the sentence about a reply) or not at all
const SHOWN_APART = new Set(["internal", "by", "reply", "auto", "outcome", "pausedBusinessHours", ...TEXTS]);
// the vocabulary's table for the values of a key
const VALUE_KINDS = {
  resumedTo: "statuses", recommendation: "recommendations", category: "categories",
  decision: "decisions", missingDocuments: "documentKinds",
};

function valueText(event, key, value) {
  if (key === "leadGroup" || key === "escalateTo") return groupName(value);
  if (key === "reason" && event.type === "request.declined") return labels("declineReasons", value);
  const kind = VALUE_KINDS[key];
  if (Array.isArray(value)) return value.map((v) => (kind ? labels(kind, v) : String(v))).join(", ");
  if (kind) return labels(kind, value);
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

const empty = (value) => value === null || value === undefined || value === ""
  || (Array.isArray(value) && value.length === 0);

/** An event's facts ("label: value", values labelled from the vocabulary) and its free texts ([key, text]). */
export function describeEvent(event) {
  const data = { ...(event.data || {}) };
  // a completed request's event carries the review's outcome: its fields are the event's
  if (data.outcome && typeof data.outcome === "object") Object.assign(data, data.outcome);
  const facts = [];
  if (data.auto === true) facts.push("chosen by the workload balancer");
  if (event.type === "request.info-provided" && typeof data.reply === "boolean") {
    facts.push(data.reply ? "answered by the requestor" : "resumed without an answer");
  }
  for (const [key, value] of Object.entries(data)) {
    if (SHOWN_APART.has(key) || empty(value)) continue;
    facts.push(`${labels("eventData", key)}: ${valueText(event, key, value)}`);
  }
  if (typeof data.pausedBusinessHours === "number" && data.pausedBusinessHours > 0) {
    facts.push(`${labels("eventData", "pausedBusinessHours")}: ${Math.round(data.pausedBusinessHours * 100) / 100}`);
  }
  const texts = TEXTS.filter((key) => !empty(data[key])).map((key) => [key, String(data[key])]);
  return { facts, texts };
}

function textParagraph(key, text) {
  const paragraph = el("p", { className: "event-text", attrs: { "data-key": key } });
  if (key !== "text") paragraph.appendChild(el("span", { text: `${labels("eventData", key)}: `, className: "event-text-label" }));
  paragraph.appendChild(document.createTextNode(text));
  return paragraph;
}

function eventItem(event) {
  const internal = event.type === "request.commented" && Boolean(event.data && event.data.internal);
  const { facts, texts } = describeEvent(event);
  const attrs = { "data-event-type": event.type };
  if (internal) attrs["data-internal"] = "true";
  return el("li", { className: internal ? "internal" : "", attrs }, [
    el("span", { text: labels("eventTypes", event.type), className: "event-type" }),
    internal ? el("span", { text: "Internal", className: "badge internal", attrs: { title: "Only leads and the architect see it" } }) : null,
    timeElement(event.occurredAt),
    el("span", { text: `by ${event.actor}`, className: "event-actor" }),
    facts.length ? el("span", { text: facts.join("; "), className: "event-data" }) : null,
    ...texts.map(([key, text]) => textParagraph(key, text)),
  ]);
}

export function renderTimeline(list, history) {
  clear(list);
  for (const event of history || []) list.appendChild(eventItem(event));
}

/** The question a request waiting on its requestor is waiting on: the last
 *  request.info-requested event, when the request is needs-info. */
export function openQuestion(request) {
  if (!request || request.status !== "needs-info") return null;
  const asked = (request.history || []).filter((event) => event.type === "request.info-requested");
  return asked.length ? asked[asked.length - 1] : null;
}

/** The question as elements: who asked when, the message, the documents asked for. */
export function questionBlock(event) {
  const data = event.data || {};
  const missing = Array.isArray(data.missingDocuments) ? data.missingDocuments : [];
  return el("div", { className: "question" }, [
    el("p", { className: "question-meta" }, [
      el("span", { text: `${labels("eventTypes", event.type)} by ${event.actor}, ` }), timeElement(event.occurredAt),
    ]),
    el("p", { text: String(data.message || ""), className: "question-message" }),
    missing.length ? el("p", { text: `${labels("eventData", "missingDocuments")}: `
      + missing.map((kind) => labels("documentKinds", kind)).join(", "), className: "question-documents" }) : null,
  ]);
}
