// @ts-check
// What the server's values mean to a reader and what the signed-in user may do
// with a request. Both come from the server: the labels from GET /api/vocabulary
// (the page keeps no copy of them: a value the server does not label reads as
// itself), the rights from the request's allowedActions.

import { api } from "./api.js";

/** @type {Record<string, Record<string, string>>} */
const tables = {};

/** @param {unknown} value */
function isLabelTable(value) {
  return Boolean(value) && typeof value === "object" && !Array.isArray(value)
    && Object.values(/** @type {object} */ (value)).every((label) => typeof label === "string");
}

/** Ask the server for its labels (once, when the page starts). */
export async function loadVocabulary() {
  try {
    const answer = await api("GET", "/api/vocabulary");
    if (answer.status !== 200 || !answer.body || typeof answer.body !== "object") return false;
    for (const [kind, table] of Object.entries(answer.body)) {
      if (isLabelTable(table)) tables[kind] = /** @type {Record<string, string>} */ (table);
    }
    return true;
  } catch (_) {
    return false;
  }
}

/**
 * The label of a value of a kind ("statuses", "requestTypes", "regions", …): the server's, else the value.
 * @param {string} kind
 * @param {string | null | undefined} value
 */
export function labels(kind, value) {
  const table = tables[kind];
  const key = String(value ?? "");
  return table && Object.prototype.hasOwnProperty.call(table, key) ? table[key] : key;
}

/**
 * [value, label] pairs of a kind, in the order the server gives them.
 * @param {string} kind
 * @returns {Array<[string, string]>}
 */
export function entries(kind) {
  return Object.entries(tables[kind] || {});
}

/**
 * Whether the signed-in user may take this action on this request: the server's allowedActions decide.
 * @param {{allowedActions?: string[]} | null | undefined} request
 * @param {string} action
 */
export function can(request, action) {
  return Boolean(request && Array.isArray(request.allowedActions) && request.allowedActions.includes(action));
}
