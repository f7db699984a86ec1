// @ts-check
// What the page knows between calls: who is signed in, and the names it can
// give to the addresses and ids the server sends.

import { labels } from "./vocabulary.js";

/**
 * @typedef {{email: string, name?: string}} Person
 * @typedef {{id: string, name: string, architects?: Person[]}} LeadGroup
 * @typedef {{
 *   email: string, name: string, roles: string[], isLead: boolean, regions: string[], leadGroups: LeadGroup[],
 *   views?: string[], home?: string, signInUrl?: string, signOutUrl?: string
 * }} Me
 * @typedef {{
 *   id: string, status: string, requestType: string, customerName?: string, tpid?: string, tenant?: string,
 *   leadGroup?: string | null, architect?: string | null, architectName?: string | null,
 *   requestor?: Person, createdAt?: string, updatedAt?: string, routedAt?: string | null,
 *   waitingSince?: string | null, dueAt?: string | null, dueState?: string | null,
 *   businessHoursLeft?: number | null, overdue?: boolean, allowedActions?: string[],
 *   history?: import("./sentences.js").RequestEvent[], events?: import("./sentences.js").RequestEvent[],
 *   documents?: Array<{id: string, kind: string, fileName: string, size: number, allowedActions?: string[]}>,
 *   missingDocuments?: string[], [key: string]: any
 * }} RequestItem
 */

/** @type {{me: Me | null, flash: {id: string, text: string} | null}} */
export const state = { me: null, flash: null };

/** @param {string | null | undefined} id */
export function groupName(id) {
  if (!id) return "";
  const group = ((state.me && state.me.leadGroups) || []).find((g) => g.id === id);
  return group ? group.name : labels("leadGroups", id);
}

/**
 * A person by name: the name given, else the routing file's name for an architect, else the address.
 * @param {string | null | undefined} email
 * @param {string | null | undefined} [name]
 */
export function personName(email, name) {
  if (name && name.trim()) return name;
  if (!email) return "";
  if (state.me && email === state.me.email && state.me.name) return state.me.name;
  for (const group of (state.me && state.me.leadGroups) || []) {
    const known = (group.architects || []).find((a) => a.email === email);
    if (known && known.name && known.name !== email) return known.name;
  }
  return email;
}

/** The words the timeline's sentences take their names and labels from. */
export const words = {
  label: labels,
  person: personName,
  group: groupName,
};

/**
 * The request's events, under either name the server gives them.
 * @param {RequestItem} request
 */
export function eventsOf(request) {
  return request.events || request.history || [];
}

/**
 * Whether the signed-in user asked for this request (its wording, not its rights: those are allowedActions).
 * @param {RequestItem} request
 */
export function isOwnRequest(request) {
  return Boolean(state.me && request && request.requestor && request.requestor.email === state.me.email);
}
