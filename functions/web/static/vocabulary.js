// The one place for what the server's values mean to a reader (labels) and for
// what the signed-in user may do with a request (can). Both defer to the server:
// - GET /api/vocabulary, when it answers 200, replaces the label tables below,
//   kind by kind (a value its table does not hold keeps the page's own label);
// - a request's allowedActions is the whole answer to can(): the page never
//   decides from roles which button to show.

import { api } from "./api.js";

const local = {
  statuses: {
    submitted: "Submitted", routed: "Routed to leads", "needs-info": "Additional information needed",
    assigned: "Assigned", completed: "Completed", declined: "Declined", cancelled: "Cancelled",
  },
  requestTypes: {
    "sow-ecif": "SOW review / ECIF related",
    "non-ecif": "Non-ECIF related",
    "migration-exception": "Migration exception",
  },
  segments: { enterprise: "Enterprise", "smc-c": "SMC-C", smb: "SMB", other: "Other" },
  entitlements: { "microsoft-365": "Microsoft 365", "office-365": "Office 365", ems: "EMS" },
  clouds: { commercial: "Commercial", gcc: "Government (GCC)", "gcc-high": "GCC High", dod: "DoD" },
  eventTypes: {
    "request.submitted": "Submitted",
    "request.routed": "Routed to lead group",
    "request.assigned": "Architect assigned",
    "request.reminder": "Reminder sent",
    "request.escalated": "Escalated",
    "request.cancelled": "Cancelled",
    "request.completed": "Completed",
    "request.info-requested": "Information requested",
    "request.info-provided": "Back in the queue",
    "request.info-reminder": "Requestor reminded",
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
    "not-eligible": "Not eligible for FastTrack", duplicate: "Duplicate of another request",
    "out-of-scope": "Out of FastTrack scope", "no-response": "No response from the requestor", other: "Other",
  },
  categories: {
    "cat-1": "Cat 1: deployment blocker or FastTrack gap", "cat-2a": "Cat 2a: onsite execution",
    "cat-2b": "Cat 2b: adoption / training", "cat-2c": "Cat 2c: project management",
    "cat-2d": "Cat 2d: strategy / design", "cat-2e": "Cat 2e: other",
    "cat-3": "Cat 3: not related to FastTrack benefits", "cat-4": "Cat 4: overlaps FastTrack benefits",
  },
  recommendations: { approve: "Approve", decline: "Decline" },
  decisions: { approved: "Approved", declined: "Declined" },
  documentKinds: {
    sow: "Statement of work (SOW)", wbs: "Work breakdown structure (WBS)", "cost-breakdown": "Cost breakdown",
    "migration-plan": "Migration plan", other: "Other document",
  },
  // the keys of an event's data in the timeline: the page's own words, not the server's
  eventData: {
    region: "region", leadGroup: "lead group", architect: "architect", previousArchitect: "previous architect",
    reason: "reason", reminder: "reminder", reminders: "reminders", escalateTo: "escalated to",
    message: "message", missingDocuments: "missing documents", resumedTo: "back to",
    pausedBusinessHours: "business hours paused", note: "note", text: "comment",
    recommendation: "recommendation", category: "category", decision: "decision", notes: "notes",
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

const holds = (table, value) => Boolean(table) && Object.prototype.hasOwnProperty.call(table, value);

/** The label of a value of a kind ("statuses", "requestTypes", …): the server's, else the page's,
 *  else the value itself. */
export function labels(kind, value) {
  if (holds(tables[kind], value)) return tables[kind][value];
  if (holds(local[kind], value)) return local[kind][value];
  return String(value ?? "");
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

const isLead = () => Boolean(viewer && viewer.isLead);

/** Whether the signed-in user may take this action on this request: the server's
 *  allowedActions decide; a request without them offers no action. */
export function can(request, action) {
  return Boolean(request && Array.isArray(request.allowedActions) && request.allowedActions.includes(action));
}

/** Whether the signed-in user sees every request (the queue and its filters) rather than their own. */
export function seesAllRequests() {
  return isLead();
}
