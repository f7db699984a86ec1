// @ts-check
// A request's events as sentences with people's names ("Lena Lead asked for
// the WBS and the cost breakdown"), labels from the
// vocabulary and documents by file name. Pure: the names and labels come in
// through `words`; tested with node --test (tests/web/).

import { listWords } from "./format.js";

/**
 * @typedef {{
 *   id?: string, type: string, occurredAt?: string, actor?: string, actorName?: string | null,
 *   data?: Record<string, any>
 * }} RequestEvent
 * @typedef {{
 *   label: (kind: string, value: string) => string,
 *   person: (email: string, name?: string | null) => string,
 *   group: (id: string) => string,
 * }} Words
 * @typedef {string | {documentId: string, fileName: string}} Part
 * @typedef {{parts: Part[], texts: Array<[string, string]>, internal: boolean}} Sentence
 */

/**
 * Who did it, by name: the event's actorName, else the name the page knows for the address.
 * @param {RequestEvent} event
 * @param {Words} words
 */
export function actorOf(event, words) {
  if (!event.actor || event.actor === "system") return "The service";
  return words.person(event.actor, event.actorName);
}

/**
 * @param {Record<string, any>} data
 * @param {Words} words
 */
function architectOf(data, words) {
  return data.architect ? words.person(String(data.architect), data.architectName) : "an architect";
}

/**
 * @param {unknown} kinds
 * @param {Words} words
 */
function kindsOf(kinds, words) {
  return Array.isArray(kinds) ? kinds.map((kind) => words.label("documentKinds", String(kind))) : [];
}

/**
 * One event as a sentence: its parts (text, or a document to link by its file name),
 * its free texts ([key, text]: a comment, the lead's message, a note) and whether it is internal.
 * @param {RequestEvent} event
 * @param {Words} words
 * @returns {Sentence}
 */
export function describe(event, words) {
  const data = event.data || {};
  const who = actorOf(event, words);
  /** @type {Part[]} */
  let parts = [];
  /** @type {Array<[string, string]>} */
  const texts = [];
  /** @param {string} key */
  const text = (key) => {
    if (typeof data[key] === "string" && data[key].trim()) texts.push([key, data[key]]);
  };
  switch (event.type) {
    case "request.submitted":
      parts = [`${who} submitted the request`
        + (data.region ? ` for ${words.label("regions", String(data.region))}` : "")];
      break;
    case "request.routed":
      parts = [`Routed to ${words.group(String(data.leadGroup || ""))}`];
      break;
    case "request.assigned": {
      const chosen = data.auto === true ? " (chosen by the workload balancer)" : "";
      parts = [`${who} assigned ${architectOf(data, words)}${chosen}`];
      if (data.previousArchitect) parts.push(` in place of ${words.person(String(data.previousArchitect))}`);
      break;
    }
    case "request.info-requested": {
      const kinds = kindsOf(data.missingDocuments, words);
      parts = [kinds.length ? `${who} asked for ${listWords(kinds)}` : `${who} asked for more information`];
      text("message");
      break;
    }
    case "request.info-provided":
      parts = [data.reply === false
        ? `${who} resumed the request without an answer`
        : `${who} answered; the request is back with the leads`];
      break;
    case "request.info-reminder":
      parts = ["The requestor was reminded of the open question"];
      break;
    case "request.commented":
      parts = [data.internal ? `${who} wrote an internal comment` : data.mailId ? `${who} replied by mail` : `${who} commented`];
      text("text");
      break;
    case "request.reminder":
      parts = [`The leads of ${words.group(String(data.leadGroup || ""))} were reminded`
        + (typeof data.reminder === "number" ? ` (reminder ${data.reminder})` : "")];
      break;
    case "request.escalated":
      parts = [`Escalated to ${words.group(String(data.escalateTo || ""))}`];
      break;
    case "request.cancelled":
      parts = [`${who} cancelled the request`];
      if (typeof data.reason === "string" && data.reason) texts.push(["reason", data.reason]);
      break;
    case "request.declined":
      parts = [`${who} declined the request: ${words.label("declineReasons", String(data.reason || ""))}`];
      text("note");
      break;
    case "request.completed": {
      const outcome = data.outcome && typeof data.outcome === "object" ? data.outcome : {};
      const said = [];
      if (outcome.recommendation) said.push(words.label("recommendations", String(outcome.recommendation)));
      if (outcome.category) said.push(words.label("categories", String(outcome.category)));
      if (outcome.decision) said.push(words.label("decisions", String(outcome.decision)));
      parts = [`${who} completed the review${said.length ? `: ${said.join(", ")}` : ""}`];
      if (typeof outcome.notes === "string" && outcome.notes) texts.push(["notes", outcome.notes]);
      break;
    }
    case "request.participants-changed": {
      const people = Array.isArray(data.participants) ? data.participants : [];
      parts = [people.length
        ? `${who} set the account team: ${listWords(people.map((p) => `${words.person(String(p.email))} (${words.label("participantRoles", String(p.role))})`))}`
        : `${who} took everyone of the account team off the request`];
      break;
    }
    case "request.reopened":
      parts = [`${who} reopened the request for a second review`
        + (data.leadGroup ? `; it is back with ${words.group(String(data.leadGroup))}` : "")];
      text("reason");
      break;
    case "request.document-changed": {
      const file = { documentId: String(data.documentId || ""), fileName: String(data.fileName || "a document") };
      parts = [`${who} filed `, file, ` as ${words.label("documentKinds", String(data.kind || ""))}`
        + (data.previousKind ? ` (was ${words.label("documentKinds", String(data.previousKind))})` : "")];
      break;
    }
    case "request.document-added":
    case "request.document-removed": {
      const verb = event.type === "request.document-added" ? "uploaded" : "removed";
      const kind = data.kind ? ` (${words.label("documentKinds", String(data.kind))})` : "";
      const file = { documentId: String(data.documentId || ""), fileName: String(data.fileName || "a document") };
      parts = [`${who} ${verb} `, verb === "uploaded" ? file : file.fileName, kind];
      break;
    }
    case "request.first-contact":
      parts = [`${who} made first contact with the account team`];
      text("notes");
      break;
    case "request.workshop-held": {
      const scope = Array.isArray(data.outOfScope) ? data.outOfScope.map(String) : [];
      parts = [`${who} held the discovery workshop; the customer's understanding of the benefit is `
        + `${words.label("customerUnderstanding", String(data.customerUnderstanding || "")).toLowerCase()}, the engagement starts ${String(data.engagementStart || "")}`
        + (scope.length ? `; out of scope: ${listWords(scope)}` : "")];
      text("notes");
      break;
    }
    case "request.handed-off":
      parts = [`${who} handed the engagement off to ${words.person(String(data.manager || ""))}`];
      text("notes");
      break;
    case "request.feedback-given":
      parts = [`${who} rated the review ${String(data.rating || "")} of 5`];
      text("comment");
      break;
    default:
      parts = [`${words.label("eventTypes", event.type)}: ${who}`];
  }
  return { parts, texts, internal: event.type === "request.commented" && Boolean(data.internal) };
}

/**
 * A sentence as plain text (a linked document reads as its file name).
 * @param {Sentence} sentence
 */
export function plain(sentence) {
  return sentence.parts.map((part) => (typeof part === "string" ? part : part.fileName)).join("");
}
