// The timeline's sentences: people by name, values by label, documents by file name.
import { test } from "node:test";
import assert from "node:assert/strict";
import { describe, plain } from "../../functions/web/static/sentences.js";

const LABELS = {
  documentKinds: { wbs: "WBS", "cost-breakdown": "cost breakdown", sow: "SOW" },
  regions: { emea: "Europe, Middle East and Africa" },
  declineReasons: { duplicate: "Duplicate of another request" },
  recommendations: { approve: "Approve" },
  categories: { "cat-1": "Cat 1: deployment blocker" },
  eventTypes: { "request.future": "Something new" },
};
const PEOPLE = { "lena.lead@contoso.com": "Lena Lead", "eva.novak@contoso.com": "Eva Novak" };
const words = {
  label: (kind, value) => (LABELS[kind] && LABELS[kind][value]) || value,
  person: (email, name) => name || PEOPLE[email] || email,
  group: (id) => ({ "emea-leads": "EMEA leads" })[id] || id,
};
const say = (type, data, actor = "lena.lead@contoso.com", actorName = null) => describe({ type, actor, actorName, data }, words);

test("the lead's question names the lead and the documents asked for", () => {
  const sentence = say("request.info-requested", { message: "Please send them", missingDocuments: ["wbs", "cost-breakdown"] });
  assert.equal(plain(sentence), "Lena Lead asked for WBS and cost breakdown");
  assert.deepEqual(sentence.texts, [["message", "Please send them"]]);
  assert.equal(plain(say("request.info-requested", { message: "More?" }, "x@contoso.com", "Xavier")), "Xavier asked for more information");
});

test("an assignment names the architect, and the balancer when it chose", () => {
  assert.equal(plain(say("request.assigned", { architect: "eva.novak@contoso.com", auto: true })),
    "Lena Lead assigned Eva Novak (chosen by the workload balancer)");
  assert.equal(plain(say("request.assigned", { architect: "new@contoso.com", architectName: "Nia New", auto: false })),
    "Lena Lead assigned Nia New");
});

test("a document is its file name, to link, never its internal id", () => {
  const sentence = say("request.document-added", { documentId: "DOC-123", kind: "sow", fileName: "sow.docx", size: 193 },
    "rita@contoso.com", "Rita Requestor");
  assert.equal(plain(sentence), "Rita Requestor uploaded sow.docx (SOW)");
  assert.deepEqual(sentence.parts[1], { documentId: "DOC-123", fileName: "sow.docx" });
  assert.ok(!plain(sentence).includes("DOC-123") && !plain(sentence).includes("193"));
});

test("every kind of event reads as a sentence with labels, not codes", () => {
  assert.equal(plain(say("request.submitted", { region: "emea" }, "rita@contoso.com", "Rita")),
    "Rita submitted the request for Europe, Middle East and Africa");
  assert.equal(plain(say("request.routed", { leadGroup: "emea-leads" }, "system")), "Routed to EMEA leads");
  assert.equal(plain(say("request.declined", { reason: "duplicate", note: "See FTA-1" })),
    "Lena Lead declined the request: Duplicate of another request");
  assert.equal(plain(say("request.completed", { outcome: { recommendation: "approve", category: "cat-1", notes: "Fine" } }, "eva.novak@contoso.com")),
    "Eva Novak completed the review: Approve, Cat 1: deployment blocker");
  assert.equal(plain(say("request.info-provided", { reply: true, resumedTo: "routed" }, "rita@contoso.com", "Rita")),
    "Rita answered; the request is back with the leads");
  assert.equal(plain(say("request.info-provided", { reply: false })), "Lena Lead resumed the request without an answer");
  const internal = say("request.commented", { text: "Between us", internal: true });
  assert.equal(plain(internal), "Lena Lead wrote an internal comment");
  assert.equal(internal.internal, true);
  assert.equal(plain(say("request.reminder", { leadGroup: "emea-leads", reminder: 2 }, "system")),
    "The leads of EMEA leads were reminded (reminder 2)");
  assert.equal(plain(say("request.future", {})), "Something new: Lena Lead");
  const reopened = say("request.reopened", { reason: "A revised SOW", previousStatus: "completed", leadGroup: "emea-leads" });
  assert.equal(plain(reopened), "Lena Lead reopened the request for a second review; it is back with EMEA leads");
  assert.deepEqual(reopened.texts, [["reason", "A revised SOW"]]);
  const changed = say("request.document-changed", { documentId: "DOC-9", fileName: "plan.xlsx", kind: "wbs", previousKind: "sow" });
  assert.equal(plain(changed), "Lena Lead filed plan.xlsx as WBS (was SOW)");
  assert.deepEqual(changed.parts[1], { documentId: "DOC-9", fileName: "plan.xlsx" });
  assert.equal(plain(say("request.participants-changed", { participants: [
    { email: "eva.novak@contoso.com", role: "csu" }, { email: "p@fabrikam.com", role: "partner" }] })),
  "Lena Lead set the account team: Eva Novak (csu) and p@fabrikam.com (partner)");
  assert.equal(plain(say("request.commented", { text: "Attached", mailId: "m1" }, "rita@contoso.com", "Rita")), "Rita replied by mail");
});
