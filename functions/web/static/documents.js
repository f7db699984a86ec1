// @ts-check
// A request's documents: each by its file name, linked; what a funding review
// still misses; the upload dialog (kind + file) when the server allows
// "upload-document".

import { api, refusalMessage, serverMessage } from "./api.js";
import { $, clear, el } from "./dom.js";
import { amount, fileSize } from "./format.js";
import { choiceSelect, field, openDialog } from "./dialogs.js";
import { documentUrl } from "./timeline.js";
import { can, labels } from "./vocabulary.js";

/** @typedef {import("./state.js").RequestItem} RequestItem */
/** @typedef {(text: string, kind?: string) => void} Say */

/**
 * The funding review's words for a request: what the thresholds make of its amount.
 * @param {RequestItem} request
 */
export function reviewNotes(request) {
  const review = request && request.fundingReview;
  if (!review) return [];
  const notes = [];
  if (!review.ftaReviewRequired) notes.push(`No FTA review is required below ${amount(review.ftaReviewMinimumUsd)}.`);
  if (review.detailedReview) notes.push(`Detailed review: the funding is above ${amount(review.detailedReviewAboveUsd)}.`);
  return notes;
}

/**
 * Open the upload dialog, the kind chosen beforehand when one is asked for.
 * @param {RequestItem} request
 * @param {string} kind
 * @param {() => Promise<void>} reload
 * @param {Say} say
 */
export function openUpload(request, kind, reload, say) {
  const select = choiceSelect("document-kind", "documentKinds");
  select.value = kind;
  const file = el("input", { attrs: { id: "document-file", type: "file", name: "file", required: "" } });
  openDialog("Upload a document", {
    controls: [field("Kind", select), field("File", file, "Office documents and PDFs, without macros")],
    submit: "Upload",
    read: () => ({ kind: select.value, file: file.files && file.files[0] }),
  }, async (body) => {
    const chosen = /** @type {{kind: string, file: File | null}} */ (body);
    if (!chosen.file) return "Choose a file first.";
    const form = new FormData();
    form.append("kind", chosen.kind);
    form.append("file", chosen.file);
    try {
      const answer = await api("POST", `/api/requests/${encodeURIComponent(request.id)}/documents`, { form });
      if (answer.status !== 201 || !answer.body) return refusalMessage(answer, `The upload was refused (${answer.status}).`);
      await reload();
      say(`${answer.body.fileName} uploaded as ${labels("documentKinds", answer.body.kind)}.`, "success");
      return null;
    } catch (_) {
      return "The service cannot be reached. Try again.";
    }
  });
}

/**
 * @param {RequestItem} request
 * @param {{id: string, kind: string, fileName: string, size: number, allowedActions?: string[]}} document
 * @param {() => Promise<void>} reload
 * @param {Say} say
 */
function documentItem(request, document, reload, say) {
  const url = documentUrl(request, document.id);
  const item = el("li", { attrs: { "data-document-id": document.id } }, [
    el("a", { text: document.fileName, attrs: { href: url, download: document.fileName } }),
    el("span", { text: ` ${labels("documentKinds", document.kind)}, ${fileSize(document.size)}`, className: "muted" }),
  ]);
  if ((document.allowedActions || []).includes("change-kind")) {
    const change = el("button", { text: "Change kind", className: "subtle", attrs: { type: "button", "aria-label": `Change the kind of ${document.fileName}` } });
    change.addEventListener("click", () => {
      const select = choiceSelect("document-new-kind", "documentKinds");
      select.value = document.kind;
      openDialog(`The kind of ${document.fileName}`, { controls: [field("Kind", select)], submit: "Save", read: () => ({ kind: select.value }) },
        async (body) => {
          const answer = await api("PATCH", url, { body });
          if (!answer.ok) return refusalMessage(answer, `The kind was not changed (${answer.status}).`);
          await reload();
          say(`${document.fileName} is filed as ${labels("documentKinds", select.value)}.`, "success");
          return null;
        });
    });
    item.appendChild(change);
  }
  if ((document.allowedActions || []).includes("remove")) {
    const remove = el("button", { text: "Remove", className: "subtle", attrs: { type: "button", "aria-label": `Remove ${document.fileName}` } });
    remove.addEventListener("click", async () => {
      const answer = await api("DELETE", url);
      if (answer.status === 204) {
        await reload();
        say(`${document.fileName} removed.`, "success");
      } else say(serverMessage(answer, "The document was not removed."), "error");
    });
    item.appendChild(remove);
  }
  return item;
}

/**
 * Show the request's documents; reload() fetches the request again.
 * @param {RequestItem} request
 * @param {() => Promise<void>} reload
 * @param {Say} say
 */
export function renderDocuments(request, reload, say) {
  const box = $("documents-body");
  clear(box);
  for (const note of reviewNotes(request)) box.appendChild(el("p", { text: note, className: "notice-inline review-note" }));
  const missing = request.missingDocuments || [];
  if (missing.length) {
    box.appendChild(el("p", { text: `Still missing: ${missing.map((k) => labels("documentKinds", k)).join(", ")}`,
      attrs: { id: "documents-missing" } }));
    if (can(request, "upload-document")) {
      box.appendChild(el("div", { className: "command-bar" }, missing.map((kind) => {
        const upload = el("button", { text: `Upload ${labels("documentKinds", kind)}`, attrs: { type: "button", "data-kind": kind } });
        upload.addEventListener("click", () => openUpload(request, kind, reload, say));
        return upload;
      })));
    }
  }
  const documents = request.documents || [];
  if (documents.length) {
    box.appendChild(el("ul", { className: "documents-list", attrs: { id: "documents-list" } },
      documents.map((d) => documentItem(request, d, reload, say))));
  } else {
    box.appendChild(el("p", { text: "No documents yet.", className: "empty" }));
  }
}
