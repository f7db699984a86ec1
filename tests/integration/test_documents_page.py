"""The documents on the page, in Debian's Chromium: right after a sow-ecif
submission the requestor lands on the request, which offers an upload per
missing kind; the files are listed by name with download links; a refused
file is explained in the upload dialog; a lead sees the detailed-review mark."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.document_samples import CSV, PDF, XLSX
from tests.integration.browser import (  # noqa: F401  (fixtures)
    LEAD_ROLES, PHONE, Session, axe_violations, browser, describe_violations, open_page, scroll_widths, web_host,
)
from tests.integration.test_web_page import NEW, fill_form, open_detail, row, submitted_id, user


def upload(page, scope, button: str, name: str, mime: str, content: bytes, kind: str | None = None) -> None:
    scope.get_by_role("button", name=button, exact=True).click()
    dialog = page.get_by_role("dialog", name="Upload a document")
    if kind:
        dialog.get_by_label("Kind").select_option(kind)
    dialog.get_by_label("File").set_input_files({"name": name, "mimeType": mime, "buffer": content})
    dialog.get_by_role("button", name="Upload", exact=True).click()


def test_a_requestor_uploads_the_three_funding_documents_after_submitting(open_page, web_host):
    owner = user("funding")
    session: Session = open_page(owner, path=NEW)
    page = session.page
    fill_form(page, request_type="sow-ecif")
    page.get_by_label("Funding amount (USD)").fill("150000")
    page.get_by_role("button", name="Submit").click()
    request_id = submitted_id(page)
    documents = page.locator("#detail-documents")
    expect(page.locator("#detail-heading")).to_have_text(f"Request {request_id}")
    expect(page.locator("#documents-missing")).to_contain_text("Statement of work (SOW)")
    expect(documents.get_by_role("button")).to_have_count(3)  # one upload per missing kind
    expect(documents).to_contain_text("Detailed review: the funding is above USD 100,000.")
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)

    files = {"Statement of work (SOW)": ("SOW FY27.pdf", "application/pdf", PDF),
             "Work breakdown structure (WBS)": ("WBS.xlsx", "application/octet-stream", XLSX),
             "Cost breakdown": ("costs.csv", "text/csv", CSV)}
    for label, (name, mime, content) in files.items():
        upload(page, documents, f"Upload {label}", name, mime, content)
        expect(page.locator("#documents-list")).to_contain_text(name)
        expect(page.get_by_role("dialog")).to_be_hidden()
    expect(page.locator("#documents-missing")).to_have_count(0)
    expect(page.locator("#action-message")).to_contain_text("costs.csv uploaded as Cost breakdown")
    session.screenshot("documents-uploaded")

    link = documents.get_by_role("link", name="SOW FY27.pdf")
    expect(link).to_have_attribute("download", "SOW FY27.pdf")
    fetched = session.context.request.get(link.get_attribute("href"))  # the browser context's own principal
    assert fetched.status == 200 and fetched.body() == PDF
    assert fetched.headers["content-disposition"].startswith("attachment;")
    uploaded = page.locator('#timeline li[data-event-type="request.document-added"]')
    expect(uploaded).to_have_count(3)
    expect(uploaded.first.get_by_role("link", name="SOW FY27.pdf")).to_be_visible()  # by its file name, linked
    expect(page.locator("#timeline")).not_to_contain_text("DOC-")  # never an internal id

    stored = web_host.request(request_id, owner)
    assert sorted(d["kind"] for d in stored["documents"]) == ["cost-breakdown", "sow", "wbs"]
    assert stored["missingDocuments"] == []


def test_a_refused_file_is_explained_and_a_lead_sees_the_detailed_review_mark(open_page, web_host):
    from tests.factories import form

    owner = user("refused")
    request_id = web_host.submit(form(requestType="sow-ecif", fundingAmountUsd=250_000), owner)
    web_host.wait_for_status(request_id, "routed", owner)
    lead: Session = open_page(user("lead"), LEAD_ROLES, viewport=PHONE, path="/queue?status=routed")
    page = lead.page
    expect(row(page, request_id).locator(".badge.detailed-review")).to_be_visible()
    open_detail(page, request_id)
    upload(page, page.locator("#detail-actions"), "Upload document", "statement.pdf", "application/pdf",
           b"<html><script>alert(1)</script></html>", kind="sow")
    expect(page.get_by_role("dialog").get_by_role("alert")).to_contain_text("markup")
    widths = scroll_widths(page)
    assert widths["document"] <= widths["viewport"], widths
