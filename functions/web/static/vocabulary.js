// The one place for what the server's values mean to a reader (labels) and for
// what the signed-in user may do with a request (can). Both defer to the server:
// - GET /api/vocabulary, when it answers 200, replaces the label tables below,
//   kind by kind;
// - a request that carries allowedActions is the answer to can(); the rules
//   below only stand in for a server that does not send it yet.

import { api } from "./api.js";

const local = {
  statuses: {
    submitted: "Submitted", routed: "Routed", assigned: "Assigned", completed: "Completed", cancelled: "Cancelled",
  },
  requestTypes: {
    "sow-ecif": "SOW review / ECIF related",
    "non-ecif": "Non-ECIF related",
    "migration-exception": "Migration exception",
  },
  segments: { enterprise: "Enterprise", "smc-c": "SMC-C", smb: "SMB", other: "Other" },
  entitlements: { "microsoft-365": "Microsoft 365", "office-365": "Office 365", ems: "EMS" },
  eventTypes: {
    "request.submitted": "Submitted",
    "request.routed": "Routed to lead group",
    "request.assigned": "Architect assigned",
    "request.reminder": "Reminder sent",
    "request.escalated": "Escalated",
    "request.cancelled": "Cancelled",
    "request.completed": "Completed",
    "request.info-requested": "Information requested",
    "request.info-provided": "Information provided",
    "request.commented": "Comment",
    "request.declined": "Declined",
    "request.document-added": "Document added",
    "request.document-removed": "Document removed",
  },
  documentKinds: {
    sow: "Statement of work (SOW)", wbs: "Work breakdown structure (WBS)", "cost-breakdown": "Cost breakdown",
    "migration-plan": "Migration plan", other: "Other document",
  },
  declineReasons: {
    "not-eligible": "Not eligible", duplicate: "Duplicate", "out-of-scope": "Out of scope",
    "no-response": "No response", other: "Other",
  },
  categories: {
    "cat-1": "Category 1", "cat-2a": "Category 2a", "cat-2b": "Category 2b", "cat-2c": "Category 2c",
    "cat-2d": "Category 2d", "cat-2e": "Category 2e", "cat-3": "Category 3", "cat-4": "Category 4",
  },
  // the keys of an event's data in the timeline: the page's own words, not the server's
  eventData: {
    region: "region", leadGroup: "lead group", architect: "architect", previousArchitect: "previous architect",
    reason: "reason", reminder: "reminder", reminders: "reminders", escalateTo: "escalated to",
  },
};

const tables = { ...local };

function isLabelTable(value) {
  return Boolean(value) && typeof value === "object" && !Array.isArray(value)
    && Object.values(value).every((label) => typeof label === "string");
}

/** Ask the server for its labels; keep the local ones for any kind it does not answer. */
export async function loadVocabulary() {
  try {
    const answer = await api("GET", "/api/vocabulary");
    if (answer.status !== 200 || !answer.body || typeof answer.body !== "object") return false;
    for (const [kind, table] of Object.entries(answer.body)) {
      if (kind in local && isLabelTable(table) && Object.keys(table).length) tables[kind] = table;
    }
    return true;
  } catch (_) {
    return false;
  }
}

/** The label of a value of a kind ("statuses", "requestTypes", …); the value itself when unknown. */
export function labels(kind, value) {
  const table = tables[kind] || {};
  return Object.prototype.hasOwnProperty.call(table, value) ? table[value] : String(value ?? "");
}

/** [value, label] pairs of a kind, in the order the table gives them. */
export function entries(kind) {
  return Object.entries(tables[kind] || {});
}

// -- who may do what -----------------------------------------------------------------

let viewer = null;

export function setViewer(me) {
  viewer = me;
}

const OPEN = new Set(["submitted", "routed", "needs-info", "assigned"]);
const isOwner = (request) => Boolean(viewer && request.requestor && request.requestor.email === viewer.email);
const isLead = () => Boolean(viewer && viewer.isLead);

// Stand-ins for a server that does not send allowedActions yet.
const RULES = {
  assign: (request) => isLead() && (request.status === "routed" || request.status === "assigned"),
  complete: (request) => isLead() && request.status === "assigned",
  cancel: (request) => (isOwner(request) || isLead()) && OPEN.has(request.status),
};

/** Whether the signed-in user may take this action on this request. */
export function can(request, action) {
  if (!request) return false;
  if (Array.isArray(request.allowedActions)) return request.allowedActions.includes(action);
  const rule = RULES[action];
  return Boolean(rule && rule(request));
}

/** Whether the signed-in user sees every request (the queue and its filters) rather than their own. */
export function seesAllRequests() {
  return isLead();
}
