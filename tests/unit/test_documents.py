"""Documents in the domain and their judgement by content: missing kinds, the
funding review's thresholds, hostile file names, accepted and refused contents."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from shared.app.content import judge_content
from shared.app.errors import UnsupportedContent
from shared.domain.sla import Sla
from shared.domain.calendar import BusinessCalendar
from shared.domain.routing import BusinessCalendarConfig
from shared.domain.documents import (
    MAX_DOCUMENTS,
    MAX_FILE_NAME,
    Document,
    DocumentLimitReached,
    Incomplete,
    funding_review,
    missing_documents,
    new_document_id,
    sanitise_file_name,
    split_storage_name,
    storage_name,
)
from shared.domain.model import DocumentKind, FtaRequest, InvalidTransition, Person, RequestForm, RequestType, Status
from tests.document_samples import ACCEPTED, REFUSED
from tests.factories import form, sow_form

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=timezone.utc)
CALENDAR = BusinessCalendar.from_config(BusinessCalendarConfig())


def request_of(body: dict) -> FtaRequest:
    request = FtaRequest.submit(RequestForm.model_validate(body), Person(email="alex@contoso.com"), NOW)
    request.route("fta-alignment", NOW)
    return request


def document(kind: DocumentKind, by: str = "alex@contoso.com") -> Document:
    return Document(id=new_document_id(), kind=kind, file_name=f"{kind.value}.pdf", content_type="application/pdf",
                    size=10, sha256="0" * 64, uploaded_by=by, uploaded_at=NOW)


@pytest.mark.parametrize("name, expected", [
    ("../../x", "x"),
    ("..\\..\\windows\\system32\\evil.exe", "evil.exe"),
    ("/etc/passwd", "passwd"),
    ("report\x00\x07\x1b[31m.pdf", "report[31m.pdf"),
    ("line\r\nbreak.pdf", "linebreak.pdf"),
    ("invoice\u202efdp.exe", "invoicefdp.exe"),          # right-to-left override
    ("a\u2066b\u2069c\u200b.txt", "abc.txt"),              # isolates and a zero-width space
    ('what?"*<>|:.csv', "what_______.csv"),
    ("..", "document"), ("   ", "document"), ("", "document"), ("\u202e", "document"),
    ("Café SOW – FY27.docx", "Café SOW – FY27.docx"),
])
def test_hostile_file_names_become_safe_ones(name, expected):
    assert sanitise_file_name(name) == expected


def test_a_500_character_name_keeps_200_characters_and_its_extension():
    cleaned = sanitise_file_name("x" * 500 + ".xlsx")
    assert len(cleaned) == MAX_FILE_NAME and cleaned.endswith(".xlsx")
    assert len(sanitise_file_name("y" * 500)) == MAX_FILE_NAME


def test_storage_names_are_server_made_and_split_back():
    document_id = new_document_id()
    assert split_storage_name(storage_name("FTA-ABC", document_id)) == ("FTA-ABC", document_id)
    assert split_storage_name("FTA-ABC/../../etc") is None


def test_a_funding_review_misses_sow_wbs_and_cost_breakdown_until_uploaded():
    assert missing_documents(RequestType.SOW_ECIF, []) == [DocumentKind.SOW, DocumentKind.WBS, DocumentKind.COST_BREAKDOWN]
    assert missing_documents(RequestType.SOW_ECIF, [DocumentKind.WBS]) == [DocumentKind.SOW, DocumentKind.COST_BREAKDOWN]
    assert missing_documents(RequestType.NON_ECIF, []) == []
    assert missing_documents(RequestType.MIGRATION_EXCEPTION, []) == []


@pytest.mark.parametrize("amount, required, detailed", [
    (49_999.99, False, False), (50_000, True, False), (100_000, True, False), (100_000.01, True, True),
])
def test_the_review_thresholds_at_their_boundaries(amount, required, detailed):
    review = funding_review(RequestType.SOW_ECIF, amount, minimum_usd=50_000, detailed_above_usd=100_000)
    assert (review.fta_review_required, review.detailed_review) == (required, detailed)
    assert funding_review(RequestType.NON_ECIF, None, minimum_usd=50_000, detailed_above_usd=100_000) is None


def test_assigning_a_funding_review_waits_for_its_documents():
    request = request_of(sow_form())
    with pytest.raises(Incomplete) as refused:
        request.assign("ana@contoso.com", "lee@contoso.com", NOW)
    assert refused.value.missing == [DocumentKind.SOW, DocumentKind.WBS, DocumentKind.COST_BREAKDOWN]
    for kind in refused.value.missing:
        request.add_document(document(kind), NOW, by_owner=True, sla=Sla(CALENDAR))
    request.assign("ana@contoso.com", "lee@contoso.com", NOW)
    assert request.status is Status.ASSIGNED
    assert [e.type.value for e in request.history[-4:]] == ["request.document-added"] * 3 + ["request.assigned"]


def test_the_owners_upload_of_a_missing_kind_answers_a_request_for_information():
    request = request_of(form())
    request.request_info("lee@contoso.com", NOW, "Please add the migration plan", [DocumentKind.MIGRATION_PLAN], None)
    request.add_document(document(DocumentKind.OTHER), NOW, by_owner=True, sla=Sla(CALENDAR))
    assert request.status is Status.NEEDS_INFO, "a kind nobody asked for is no answer"
    request.add_document(document(DocumentKind.MIGRATION_PLAN, by="lee@contoso.com"), NOW, by_owner=False,
                         sla=Sla(CALENDAR))
    assert request.status is Status.NEEDS_INFO, "a lead's upload is no answer either"
    events = request.add_document(document(DocumentKind.MIGRATION_PLAN), NOW, by_owner=True, sla=Sla(CALENDAR))
    assert request.status is Status.ROUTED
    assert [e.type.value for e in events] == ["request.document-added", "request.info-provided"]
    assert events[1].data["reply"] is True


def test_the_funding_documents_answer_only_once_all_three_are_there():
    request = request_of(sow_form())
    request.request_info("lee@contoso.com", NOW, "The review needs its documents", [], None)
    for kind in (DocumentKind.WBS, DocumentKind.SOW):
        events = request.add_document(document(kind), NOW, by_owner=True, sla=Sla(CALENDAR))
        assert request.status is Status.NEEDS_INFO and [e.type.value for e in events] == ["request.document-added"]
    request.add_document(document(DocumentKind.COST_BREAKDOWN), NOW, by_owner=True, sla=Sla(CALENDAR))
    assert request.status is Status.ROUTED


def test_asked_for_two_kinds_one_upload_is_recorded_and_answers_nothing():
    request = request_of(form())
    request.request_info("lee@contoso.com", NOW, "The WBS and the cost breakdown, please",
                         [DocumentKind.WBS, DocumentKind.COST_BREAKDOWN], None)
    events = request.add_document(document(DocumentKind.WBS), NOW, by_owner=True, sla=Sla(CALENDAR))
    assert [e.type.value for e in events] == ["request.document-added"]
    assert request.status is Status.NEEDS_INFO and len(request.documents) == 1
    events = request.add_document(document(DocumentKind.COST_BREAKDOWN), NOW, by_owner=True, sla=Sla(CALENDAR))
    assert [e.type.value for e in events] == ["request.document-added", "request.info-provided"]
    assert request.status is Status.ROUTED


def test_twenty_documents_at_most_and_none_on_a_closed_request():
    request = request_of(form())
    for _ in range(MAX_DOCUMENTS):
        request.add_document(document(DocumentKind.OTHER), NOW, by_owner=True, sla=Sla(CALENDAR))
    with pytest.raises(DocumentLimitReached):
        request.add_document(document(DocumentKind.OTHER), NOW, by_owner=True, sla=Sla(CALENDAR))
    request.cancel("alex@contoso.com", NOW)
    with pytest.raises(InvalidTransition):
        request.remove_document(request.documents[0], "alex@contoso.com", NOW)


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_accepted_contents_are_judged_by_their_bytes(name):
    content, content_type = ACCEPTED[name]
    assert judge_content(content) == content_type


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused_contents_whatever_their_name_or_declared_type(name):
    content, _file_name, _declared = REFUSED[name]
    with pytest.raises(UnsupportedContent) as refused:
        judge_content(content)
    assert refused.value.details[0]["field"] == "file"


def test_text_with_a_byte_order_mark_and_one_column_is_plain_text():
    assert judge_content("\ufeffNotes for the review\nsecond line\n".encode()) == "text/plain"
    assert judge_content(b"a;b;c\n1;2;3\n4;5;6\n") == "text/csv"
