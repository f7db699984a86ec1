"""The document functions with real func.HttpRequest objects over the embedded
adapters: upload, completeness before assignment, download headers, limits,
hostile names, who may read, faults between bytes and metadata, the sweep."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta, timezone
from urllib.parse import unquote

import pytest

from shared.domain.documents import split_storage_name
from tests.document_samples import ACCEPTED, CSV, PDF, REFUSED, multipart, upload, upload_body, upload_funding_documents
from tests.factories import LEAD, OTHER, REQUESTOR, form, sow_form

LEADS = ("FTA.Lead",)
BASE = "http://localhost/api/requests"


def routed(app, body=None) -> str:
    request_id = app.submit(body or sow_form(), REQUESTOR).body["id"]
    app.pump()
    return request_id


def download(app, request_id, document_id, user, roles=()):
    return app.call("download_document", "GET", f"{BASE}/{request_id}/documents/{document_id}", user=user, roles=roles,
                    route_params={"id": request_id, "docId": document_id})


def raw_download(app, request_id, document_id, user):
    import azure.functions as func

    from tests.factories import principal_header
    from tests.harness import FUNCTIONS

    request = func.HttpRequest(method="GET", url=f"{BASE}/{request_id}/documents/{document_id}",
                               headers={"X-MS-CLIENT-PRINCIPAL": principal_header(user)},
                               route_params={"id": request_id, "docId": document_id}, body=b"")
    return FUNCTIONS["download_document"].get_user_function()(request)


def remove(app, request_id, document_id, user, roles=()):
    return app.call("remove_document", "DELETE", f"{BASE}/{request_id}/documents/{document_id}", user=user,
                    roles=roles, route_params={"id": request_id, "docId": document_id})


def assign(app, request_id):
    return app.act("assign", request_id, LEAD, LEADS, {"architect": "ana.alves@contoso.com"})


def test_a_funding_review_is_assigned_once_its_three_documents_are_there(app):
    request_id = routed(app)
    view = app.get(request_id, REQUESTOR).body
    assert view["missingDocuments"] == ["sow", "wbs", "cost-breakdown"] and view["documents"] == []
    assert "upload-document" in view["allowedActions"]
    first = upload(app, request_id, "sow", "SOW.pdf", PDF, REQUESTOR)
    assert first.status == 201 and first.headers["Location"] == f"/api/requests/{request_id}/documents/{first.body['id']}"
    assert first.body == {
        "id": first.body["id"], "kind": "sow", "fileName": "SOW.pdf", "contentType": "application/pdf",
        "size": len(PDF), "sha256": hashlib.sha256(PDF).hexdigest(), "uploadedBy": REQUESTOR,
        "uploadedAt": first.body["uploadedAt"]}
    refused = assign(app, request_id)
    assert refused.status == 409
    assert refused.body["error"] == "incomplete" and refused.body["missingDocuments"] == ["wbs", "cost-breakdown"]
    assert upload(app, request_id, "wbs", "WBS.xlsx", ACCEPTED["xlsx"][0], REQUESTOR).status == 201
    assert upload(app, request_id, "cost-breakdown", "costs.csv", CSV, LEAD, LEADS).status == 201
    assigned = assign(app, request_id)
    assert assigned.status == 200 and assigned.body["missingDocuments"] == []
    done = app.act("complete", request_id, LEAD, LEADS, {"outcome": {"recommendation": "approve", "category": "cat-1"}})
    assert done.status == 200 and done.body["status"] == "completed"
    types = [e["type"] for e in done.body["history"]]
    assert types.count("request.document-added") == 3
    app.pump()
    assert not [m for m in app.outbox() if m["X-FTA-Event"] == "request.document-added"], "uploads send no mail"


def test_the_201_notes_when_no_fta_review_is_required_and_views_mark_a_detailed_review(app):
    small = app.submit(form(requestType="sow-ecif", fundingAmountUsd=20_000), REQUESTOR)
    assert small.status == 201
    assert [n["code"] for n in small.body["notices"]] == ["below-fta-review-threshold"]
    assert "50,000" in small.body["notices"][0]["message"]
    assert small.body["fundingReview"]["ftaReviewRequired"] is False
    large = app.submit(form(requestType="sow-ecif", fundingAmountUsd=250_000), REQUESTOR)
    assert "notices" not in large.body and large.body["fundingReview"]["detailedReview"] is True
    assert "fundingReview" not in app.submit(form(), REQUESTOR).body


def test_the_thresholds_come_from_the_routing_file(make_app, tmp_path):
    routing = tmp_path / "routing.yaml"
    from shared.settings import SHIPPED_ROUTING_FILE

    routing.write_text(SHIPPED_ROUTING_FILE.read_text().replace("ftaReviewMinimumUsd: 50000", "ftaReviewMinimumUsd: 10000"))
    app = make_app({"FTA_ROUTING_FILE": str(routing)})
    answer = app.submit(form(requestType="sow-ecif", fundingAmountUsd=20_000), REQUESTOR)
    assert "notices" not in answer.body and answer.body["fundingReview"]["ftaReviewRequired"] is True


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_contents_are_judged_by_their_bytes_not_their_name_or_type(app, name):
    request_id = routed(app, form())
    content, file_name, declared = REFUSED[name]
    answer = upload(app, request_id, "other", file_name, content, REQUESTOR, declared=declared)
    assert answer.status == 415, answer.body
    assert answer.body["error"] == "unsupported-media-type" and answer.body["details"][0]["field"] == "file"
    assert app.get(request_id, REQUESTOR).body["documents"] == []
    assert list(app.ctx.documents.list()) == [], "refused bytes are not kept"


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_every_accepted_type_under_any_name(app, name):
    request_id = routed(app, form())
    content, content_type = ACCEPTED[name]
    answer = upload(app, request_id, "other", "no-extension", content, REQUESTOR, declared="application/x-anything")
    assert answer.status == 201 and answer.body["contentType"] == content_type


def test_exactly_the_limit_is_accepted_and_one_byte_more_refused(make_app):
    app = make_app({"FTA_MAX_DOCUMENT_MB": "0.01"})  # 10485 bytes
    limit = app.ctx.policy.max_document_bytes
    assert limit == 10485
    request_id = routed(app, form())
    at_limit = b"Task,Days\n" + b"a,1\n" * ((limit - 10) // 4)
    at_limit += b"\n" * (limit - len(at_limit))
    assert len(at_limit) == limit
    assert upload(app, request_id, "wbs", "wbs.csv", at_limit, REQUESTOR).status == 201
    over = upload(app, request_id, "wbs", "wbs.csv", at_limit + b"\n", REQUESTOR)
    assert over.status == 413 and over.body["error"] == "payload-too-large"
    assert over.body["details"][0]["field"] == "file"
    assert len(app.get(request_id, REQUESTOR).body["documents"]) == 1


def test_a_declared_length_far_over_the_limit_is_refused_before_reading(make_app):
    app = make_app({"FTA_MAX_DOCUMENT_MB": "0.01"})
    request_id = routed(app, form())
    body, content_type = upload_body("other", "x.pdf", PDF)
    answer = app.call("upload_document", "POST", f"{BASE}/{request_id}/documents", body=body, user=REQUESTOR,
                      headers={"Content-Type": content_type, "Content-Length": str(10 * 1024 * 1024)},
                      route_params={"id": request_id})
    assert answer.status == 413


@pytest.mark.parametrize("hostile, shown", [
    ("../../x", "x"),
    ("C:\\Users\\alex\\..\\sow.pdf", "sow.pdf"),
    ("sow\x01\x1f.pdf", "sow.pdf"),
    ("x" * 500 + ".pdf", "x" * 196 + ".pdf"),
    ("SOW\u202egpj.pdf", "SOWgpj.pdf"),
])
def test_hostile_file_names_are_sanitised_and_never_the_storage_name(app, hostile, shown):
    request_id = routed(app, form())
    answer = upload(app, request_id, "sow", hostile, PDF, REQUESTOR)
    assert answer.status == 201 and answer.body["fileName"] == shown
    stored = [s.name for s in app.ctx.documents.list()]
    assert stored == [f"{request_id}/{answer.body['id']}"] and split_storage_name(stored[0])
    response = raw_download(app, request_id, answer.body["id"], REQUESTOR)
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="') and "filename*=UTF-8''" in disposition
    assert unquote(disposition.split("filename*=UTF-8''", 1)[1]) == shown
    assert "\r" not in disposition and "\n" not in disposition and "/" not in disposition.split("filename=", 1)[1]


def test_a_download_is_an_attachment_that_the_browser_never_renders(app):
    request_id = routed(app, form())
    uploaded = upload(app, request_id, "sow", "Café SOW.pdf", PDF, REQUESTOR).body
    response = raw_download(app, request_id, uploaded["id"], REQUESTOR)
    assert response.status_code == 200 and response.get_body() == PDF
    assert response.mimetype == "application/pdf"
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Security-Policy"] == "sandbox"
    assert headers["Cache-Control"] == "private, no-store"
    assert headers["Content-Disposition"] == "attachment; filename=\"Caf_ SOW.pdf\"; filename*=UTF-8''Caf%C3%A9%20SOW.pdf"


def test_anyone_who_may_not_read_the_request_gets_404(app):
    request_id = routed(app, form())
    document_id = upload(app, request_id, "sow", "SOW.pdf", PDF, REQUESTOR).body["id"]
    assert download(app, request_id, document_id, OTHER).status == 404
    assert download(app, request_id, "DOC-AAAAAAAAAAAA", REQUESTOR).status == 404
    assert download(app, request_id, "../../etc", REQUESTOR).status == 404
    assert upload(app, request_id, "sow", "SOW.pdf", PDF, OTHER).status == 404
    assert remove(app, request_id, document_id, OTHER).status == 404
    assert download(app, request_id, document_id, LEAD, LEADS).status == 200


def test_removal_takes_the_metadata_then_the_bytes_and_is_for_the_uploader_and_leads(app):
    request_id = routed(app, form())
    mine = upload(app, request_id, "sow", "SOW.pdf", PDF, REQUESTOR).body["id"]
    leads = upload(app, request_id, "wbs", "wbs.csv", CSV, LEAD, LEADS).body["id"]
    view = app.get(request_id, REQUESTOR).body
    assert {d["id"]: d["allowedActions"] for d in view["documents"]} == {mine: ["remove", "change-kind"], leads: []}
    assert remove(app, request_id, leads, REQUESTOR).status == 403
    assert remove(app, request_id, mine, REQUESTOR).status == 204
    assert [d["id"] for d in app.get(request_id, REQUESTOR).body["documents"]] == [leads]
    assert [s.name for s in app.ctx.documents.list()] == [f"{request_id}/{leads}"]
    assert remove(app, request_id, mine, REQUESTOR).status == 404
    assert remove(app, request_id, leads, LEAD, LEADS).status == 204
    history = [e["type"] for e in app.get(request_id, REQUESTOR).body["history"]]
    assert history.count("request.document-removed") == 2


def test_a_closed_request_takes_no_document_and_keeps_its_own(app):
    request_id = routed(app, form())
    document_id = upload(app, request_id, "sow", "SOW.pdf", PDF, REQUESTOR).body["id"]
    assert app.act("cancel", request_id, REQUESTOR).status == 200
    assert upload(app, request_id, "other", "x.pdf", PDF, REQUESTOR).status == 409
    assert remove(app, request_id, document_id, REQUESTOR).status == 409
    assert download(app, request_id, document_id, REQUESTOR).status == 200
    assert "upload-document" not in app.get(request_id, REQUESTOR).body["allowedActions"]


def test_twenty_documents_at_most(app):
    request_id = routed(app, form())
    for n in range(20):
        assert upload(app, request_id, "other", f"{n}.txt", b"note %d\n" % n, REQUESTOR).status == 201
    refused = upload(app, request_id, "other", "21.txt", b"one more\n", REQUESTOR)
    assert refused.status == 409 and "20" in refused.body["message"]
    assert len(list(app.ctx.documents.list())) == 20


def test_the_requestors_upload_of_a_missing_kind_resumes_a_request_waiting_on_them(app):
    request_id = routed(app, form())
    asked = app.call("request_info", "POST", f"{BASE}/{request_id}/request-info", user=LEAD, roles=LEADS,
                     body={"message": "The review needs the SOW", "missingDocuments": ["sow"]},
                     route_params={"id": request_id})
    assert asked.status == 200 and asked.body["status"] == "needs-info"
    assert upload(app, request_id, "sow", "SOW.pdf", PDF, REQUESTOR).status == 201
    view = app.get(request_id, REQUESTOR).body
    assert view["status"] == "routed" and view["history"][-1]["type"] == "request.info-provided"


def test_asked_for_two_documents_the_first_upload_tells_nobody_answered(app):
    request_id = routed(app, form())
    app.call("request_info", "POST", f"{BASE}/{request_id}/request-info", user=LEAD, roles=LEADS,
             body={"message": "The WBS and the cost breakdown, please", "missingDocuments": ["wbs", "cost-breakdown"]},
             route_params={"id": request_id})
    app.pump()
    assert upload(app, request_id, "wbs", "WBS.pdf", PDF, REQUESTOR).status == 201
    app.pump()
    view = app.get(request_id, LEAD, LEADS).body
    assert view["status"] == "needs-info" and [d["kind"] for d in view["documents"]] == ["wbs"]
    assert "request.info-provided" not in [e["type"] for e in view["history"]]
    assert not [m for m in app.outbox() if m["X-FTA-Event"] == "request.info-provided"], "nobody is told answered"
    assert upload(app, request_id, "cost-breakdown", "Costs.pdf", PDF, REQUESTOR).status == 201
    app.pump()
    assert app.get(request_id, LEAD, LEADS).body["status"] == "routed"
    assert [m["X-FTA-Event"] for m in app.outbox()].count("request.info-provided") >= 1


@pytest.mark.parametrize("body, content_type, status, field", [
    (json.dumps({"kind": "sow"}).encode(), "application/json", 415, None),
    (b"kind=sow", "application/x-www-form-urlencoded", 415, None),
    (b"--x\r\n", "multipart/form-data", 400, "Content-Type"),
    (multipart({"file": ("a.pdf", PDF, "application/pdf")})[0], None, 400, "kind"),
    (multipart({"kind": "sow"})[0], None, 400, "file"),
    (multipart({"kind": "sow", "file": ("a.pdf", PDF, "application/pdf"), "extra": "1"})[0], None, 400, "extra"),
    (multipart({"kind": "contract", "file": ("a.pdf", PDF, "application/pdf")})[0], None, 400, "kind"),
])
def test_a_malformed_upload_is_a_4xx_naming_the_field(app, body, content_type, status, field):
    request_id = routed(app, form())
    if content_type is None:
        boundary = body.split(b"\r\n", 1)[0][2:].decode()
        content_type = f"multipart/form-data; boundary={boundary}"
    answer = app.call("upload_document", "POST", f"{BASE}/{request_id}/documents", body=body, user=REQUESTOR,
                      headers={"Content-Type": content_type}, route_params={"id": request_id})
    assert answer.status == status, answer.body
    if field:
        assert [d["field"] for d in answer.body["details"]] == [field]


@pytest.mark.parametrize("fault", ["store.write=1", "store.write-lost-reply=1", "documents.put=1",
                                   "documents.put-lost-reply=1"])
def test_a_fault_between_bytes_and_metadata_never_leaves_metadata_without_bytes(make_app, fault):
    app = make_app({"FTA_FAULTS": fault, "FTA_FAULTS_SEED": "1"}) if fault.startswith("documents") else None
    if app is None:  # the request must exist before the store refuses writes
        healthy = make_app(name="data")
        request_id = routed(healthy, form())
        healthy.close()
        app = make_app({"FTA_FAULTS": fault, "FTA_FAULTS_SEED": "1"}, name="data")
    else:
        request_id = routed(app, form())
    answer = upload(app, request_id, "sow", "SOW.pdf", PDF, REQUESTOR)
    assert answer.status == 503, answer.body
    stored = {s.name for s in app.ctx.documents.list()}
    loaded, _ = app.ctx.requests.get(request_id)
    for document in loaded.documents:
        assert f"{request_id}/{document.id}" in stored, "metadata without bytes"
    # What is left is bytes without metadata: the sweep removes them once they are a day old.
    orphans = stored - {f"{request_id}/{d.id}" for d in loaded.documents}
    from shared.app.documents import sweep_documents

    app.clock.now = datetime.now(timezone.utc) + timedelta(hours=23)
    assert sweep_documents(app.ctx).detail == {"removed": 0}
    app.clock.now = datetime.now(timezone.utc) + timedelta(days=1, minutes=5)
    assert sweep_documents(app.ctx).detail == {"removed": len(orphans)}
    assert {s.name for s in app.ctx.documents.list()} == stored - orphans


def test_the_sweep_keeps_every_document_a_request_names(app):
    request_id = routed(app, form())
    ids = upload_funding_documents(app, request_id, REQUESTOR)
    orphan = f"{request_id}/DOC-ZZZZZZZZZZZZ"
    app.ctx.documents.put(orphan, b"left by a crash", "text/plain")
    app.ctx.documents.put("FTA-GONE/DOC-YYYYYYYYYYYY", b"its request is gone", "text/plain")
    later = datetime.now(timezone.utc) + timedelta(days=2)
    app.clock.now = later.replace(minute=30)
    app.run_timer("sweep")  # the timer looks for orphans in the hour's first minute only
    assert len(list(app.ctx.documents.list())) == 5
    app.clock.now = later.replace(minute=0)
    app.run_timer("sweep")
    assert sorted(s.name for s in app.ctx.documents.list()) == sorted(f"{request_id}/{i}" for i in ids)


def test_with_scanning_required_only_clean_documents_are_served(make_app, tmp_path):
    # FTA_DOCUMENTS_REQUIRE_SCAN needs Blob Storage: its integration test runs on Azurite
    # (tests/integration/test_documents_live.py); here the setting's refusal on the local folder.
    from shared.settings import SettingsError, load_settings

    with pytest.raises(SettingsError, match="FTA_DOCUMENTS_REQUIRE_SCAN"):
        load_settings({"FTA_DOCUMENTS_REQUIRE_SCAN": "true", "FTA_DATA_DIR": str(tmp_path)})


def change_kind(app, request_id, document_id, kind, user, roles=()):
    return app.call("change_document", "PATCH", f"{BASE}/{request_id}/documents/{document_id}", body={"kind": kind},
                    user=user, roles=roles, route_params={"id": request_id, "docId": document_id})


def test_a_document_stored_as_other_set_right_answers_the_request_once_all_is_there(app):
    request_id = routed(app, form())
    app.call("request_info", "POST", f"{BASE}/{request_id}/request-info", user=LEAD, roles=LEADS,
             body={"message": "The WBS, please", "missingDocuments": ["wbs"]}, route_params={"id": request_id})
    uploaded = upload(app, request_id, "other", "WBS.pdf", PDF, REQUESTOR)
    assert uploaded.status == 201 and app.get(request_id, REQUESTOR).body["status"] == "needs-info"
    document_id = uploaded.body["id"]
    assert change_kind(app, request_id, document_id, "contract", REQUESTOR).status == 400
    assert change_kind(app, request_id, document_id, "wbs", OTHER).status == 404
    changed = change_kind(app, request_id, document_id, "wbs", REQUESTOR)
    assert changed.status == 200, changed.body
    assert changed.body["status"] == "routed" and [d["kind"] for d in changed.body["documents"]] == ["wbs"]
    event = next(e for e in changed.body["history"] if e["type"] == "request.document-changed")
    assert (event["data"]["kind"], event["data"]["previousKind"], event["data"]["fileName"]) == ("wbs", "other", "WBS.pdf")
    again = change_kind(app, request_id, document_id, "wbs", LEAD, LEADS)
    assert again.status == 200 and [e["type"] for e in again.body["history"]].count("request.document-changed") == 1


def test_a_documents_kind_is_changed_by_its_uploader_or_a_lead_on_an_open_request_only(app):
    request_id = routed(app, form())
    document_id = upload(app, request_id, "other", "plan.pdf", PDF, REQUESTOR).body["id"]
    assert change_kind(app, request_id, document_id, "migration-plan", LEAD, LEADS).status == 200
    app.act("cancel", request_id, REQUESTOR)
    refused = change_kind(app, request_id, document_id, "sow", LEAD, LEADS)
    assert refused.status == 409
