// A request's documents in its detail panel: the list with download links, what a
// funding review still misses, and the upload form (kind + file) when the server
// allows "upload-document"; right after a sow-ecif submission, the three uploads.

import { refusalMessage, serverMessage } from "./api.js";
import { $, clear, el } from "./dom.js";
import { can, entries, labels } from "./vocabulary.js";

const usd = (amount) => `USD ${Number(amount).toLocaleString("en-US", { maximumFractionDigits: 0 })}`;

function sizeText(bytes) {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

/** The funding review's words for a request: what the thresholds make of its amount. */
export function reviewNotes(request) {
  const review = request && request.fundingReview;
  if (!review) return [];
  const notes = [];
  if (!review.ftaReviewRequired) notes.push(`No FTA review is required below ${usd(review.ftaReviewMinimumUsd)}.`);
  if (review.detailedReview) notes.push(`Detailed review: the funding is above ${usd(review.detailedReviewAboveUsd)}.`);
  return notes;
}

/** A "Detailed review" badge for the dashboard's rows (null when none is due). */
export function reviewBadge(request) {
  return request && request.fundingReview && request.fundingReview.detailedReview
    ? el("span", { text: "Detailed review", className: "badge detailed-review" }) : null;
}

function box() {
  let section = $("detail-documents");
  if (!section) {
    section = el("section", { className: "documents", attrs: { id: "detail-documents", "aria-labelledby": "documents-heading" } });
    $("detail-fields").after(section);
  }
  clear(section);
  return section;
}

async function send(method, url, formData) {
  const response = await fetch(url, { method, body: formData, credentials: "same-origin", headers: { Accept: "application/json" } });
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch (_) { body = null; }
  return { status: response.status, ok: response.ok, body };
}

function uploadForm(request, kind, reload, say) {
  const suffix = kind || "any";
  const file = el("input", { attrs: { id: `document-file-${suffix}`, type: "file", name: "file", required: "" } });
  const parts = [];
  let select = null;
  if (kind) {
    parts.push(el("label", { text: `${labels("documentKinds", kind)} file`, attrs: { for: file.id } }), file);
  } else {
    select = el("select", { attrs: { id: "document-kind", name: "kind" } });
    for (const [value, label] of entries("documentKinds")) select.appendChild(el("option", { text: label, attrs: { value } }));
    parts.push(el("label", { text: "Kind", attrs: { for: select.id } }), select,
      el("label", { text: "File", attrs: { for: file.id } }), file);
  }
  const button = el("button", { text: kind ? `Upload ${labels("documentKinds", kind)}` : "Upload", attrs: { type: "submit" } });
  const form = el("form", { className: "action-form upload-form", attrs: { "aria-label": kind ? `Upload the ${labels("documentKinds", kind)}` : "Upload a document", "data-kind": suffix } },
    [...parts, button]);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!file.files || !file.files.length) { say("Choose a file first.", "error"); return; }
    const data = new FormData();
    data.append("kind", kind || select.value);
    data.append("file", file.files[0]);
    button.disabled = true;
    try {
      const answer = await send("POST", `/api/requests/${encodeURIComponent(request.id)}/documents`, data);
      if (answer.status === 201 && answer.body) {
        await reload();
        say(`${answer.body.fileName} uploaded as ${labels("documentKinds", answer.body.kind)}.`, "success");
      } else {
        say(refusalMessage(answer, `The upload was refused (${answer.status}).`), "error");
      }
    } catch (_) {
      say("The service cannot be reached. Try again.", "error");
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

function documentItem(request, document, reload, say) {
  const url = `/api/requests/${encodeURIComponent(request.id)}/documents/${encodeURIComponent(document.id)}`;
  const link = el("a", { text: document.fileName, attrs: { href: url, download: document.fileName } });
  const item = el("li", { attrs: { "data-document-id": document.id } }, [
    link, el("span", { text: ` ${labels("documentKinds", document.kind)}, ${sizeText(document.size)}`, className: "muted" }),
  ]);
  if ((document.allowedActions || []).includes("remove")) {
    const remove = el("button", { text: "Remove", className: "danger", attrs: { type: "button", "aria-label": `Remove ${document.fileName}` } });
    remove.addEventListener("click", async () => {
      const answer = await send("DELETE", url);
      if (answer.status === 204) { await reload(); say(`${document.fileName} removed.`, "success"); } else say(serverMessage(answer, "The document was not removed."), "error");
    });
    item.appendChild(remove);
  }
  return item;
}

/** Show the request's documents in the detail panel; reload() fetches the request again. */
export function renderDocuments(request, reload) {
  const section = box();
  const message = el("p", { className: "message", attrs: { id: "documents-message", role: "status" } });
  const say = (text, kind) => { message.textContent = text; message.className = kind ? `message ${kind}` : "message"; };
  section.appendChild(el("h3", { text: "Documents", attrs: { id: "documents-heading" } }));
  for (const note of reviewNotes(request)) section.appendChild(el("p", { text: note, className: "notice-inline review-note" }));
  const missing = request.missingDocuments || [];
  if (missing.length) {
    section.appendChild(el("p", { text: `Missing for the funding review: ${missing.map((k) => labels("documentKinds", k)).join(", ")}`, attrs: { id: "documents-missing" } }));
  }
  const documents = request.documents || [];
  const list = el("ul", { className: "documents-list", attrs: { id: "documents-list" } });
  for (const document of documents) list.appendChild(documentItem(request, document, reload, say));
  section.appendChild(documents.length ? list : el("p", { text: "No documents yet.", className: "empty" }));
  if (can(request, "upload-document")) {
    for (const kind of missing) section.appendChild(uploadForm(request, kind, reload, say));
    section.appendChild(uploadForm(request, null, reload, say));
  }
  section.appendChild(message);
}

/** After a submission: the 201's notices beside the result, and for a funding
 * review the request's detail, where its missing documents can be uploaded. */
export function offerUploads(request, openDetail) {
  const result = $("form-result");
  for (const notice of request.notices || []) {
    if (notice && typeof notice.message === "string") result.appendChild(el("span", { text: ` ${notice.message}`, className: "review-note" }));
  }
  if ((request.missingDocuments || []).length && can(request, "upload-document")) {
    openDetail(request.id, { focus: false });
  }
}
