"""The documents on the page, in Debian's Chromium: right after a sow-ecif
submission the requestor is offered the three uploads, uploads them from the
browser, sees them listed with download links; a lead sees the detailed-review mark."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.document_samples import CSV, PDF, XLSX
from tests.integration.browser import (  # noqa: F401  (fixtures)
    LEAD_ROLES, PHONE, Session, axe_violations, browser, describe_violations, open_page, scroll_widths, web_host,
)
from tests.integration.test_web_page import fill_form, submitted_id, user


def test_a_requestor_uploads_the_three_funding_documents_after_submitting(open_page, web_host):
    owner = user("funding")
    session: Session = open_page(owner)
    page = session.page
    fill_form(page, request_type="sow-ecif")
    page.get_by_label("Funding amount (USD)").fill("150000")
    page.get_by_role("button", name="Submit").click()
    request_id = submitted_id(page)
    documents = page.locator("#detail-documents")
    expect(page.locator("#detail-heading")).to_have_text(f"Request {request_id}")
    expect(page.locator("#documents-missing")).to_contain_text("Statement of work (SOW)")
    expect(documents.locator("form.upload-form")).to_have_count(4)  # one per missing kind, and one for any kind
    expect(documents).to_contain_text("Detailed review: the funding is above USD 100,000.")
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)

    files = {"sow": ("SOW FY27.pdf", "application/pdf", PDF), "wbs": ("WBS.xlsx", "application/octet-stream", XLSX),
             "cost-breakdown": ("costs.csv", "text/csv", CSV)}
    for kind, (name, mime, content) in files.items():
        page.locator(f"#document-file-{kind}").set_input_files({"name": name, "mimeType": mime, "buffer": content})
        page.locator(f'form.upload-form[data-kind="{kind}"] button[type="submit"]').click()
        expect(page.locator("#documents-list")).to_contain_text(name)
    expect(page.locator("#documents-missing")).to_have_count(0)
    expect(documents.locator("form.upload-form")).to_have_count(1)
    session.screenshot("documents-uploaded")

    link = page.get_by_role("link", name="SOW FY27.pdf")
    expect(link).to_have_attribute("download", "SOW FY27.pdf")
    fetched = session.context.request.get(link.get_attribute("href"))  # the browser context's own principal
    assert fetched.status == 200 and fetched.body() == PDF
    assert fetched.headers["content-disposition"].startswith("attachment;")

    stored = web_host.request(request_id, owner)
    assert sorted(d["kind"] for d in stored["documents"]) == ["cost-breakdown", "sow", "wbs"]
    assert stored["missingDocuments"] == []


def test_a_refused_file_is_explained_and_a_lead_sees_the_detailed_review_mark(open_page, web_host):
    from tests.factories import form

    owner = user("refused")
    request_id = web_host.submit(form(requestType="sow-ecif", fundingAmountUsd=250_000), owner)
    web_host.wait_for_status(request_id, "routed", owner)
    lead: Session = open_page(user("lead"), LEAD_ROLES, viewport=PHONE)
    page = lead.page
    expect(page.locator(f'#requests-body tr[data-request-id="{request_id}"] .badge.detailed-review')).to_be_visible()
    page.get_by_role("button", name=request_id, exact=True).click()
    page.locator("#document-file-any").set_input_files(
        {"name": "statement.pdf", "mimeType": "application/pdf", "buffer": b"<html><script>alert(1)</script></html>"})
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.locator("#documents-message")).to_contain_text("markup")
    widths = scroll_widths(page)
    assert widths["document"] <= widths["viewport"], widths
