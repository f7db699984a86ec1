"""One text rule for every free-text field of every body (DESIGN, "Input rules,
round three"): the fields come from the OpenAPI document the app serves, so a
new field is judged here without a new test."""

from __future__ import annotations

import pytest

from tests.factories import principal_header

from tests.functions.openapi_bodies import (
    STRUCTURED,
    call,
    document,
    free_text_fields,
    holds,
    prepare,
    string_fields,
    with_value,
)

DOC = document()
FIELDS = free_text_fields(DOC)

# Each class of control character, and each bidi embedding, override and isolate control.
REFUSED = {
    "NUL": "\x00", "BEL": "\x07", "ESC (a terminal colour)": "\x1b[31m", "vertical tab": "\x0b", "form feed": "\x0c",
    "DEL": "\x7f", "C1 NEL": "\x85", "C1 CSI": "\x9b",
    **{f"U+{code:04X}": chr(code) for code in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]},
}
ACCEPTED = {
    "Arabic": "شركة كونتوسو للتجارة",
    "Hebrew": "חברת קונטוסו בע\"מ",
    "Hindi with ZWJ and ZWNJ": "क्\u200dष और क्\u200cष — हिन्दी",
    "CJK": "コントソ株式会社 康拓索 콘토소",
    "emoji": "Contoso 👩\u200d💻🚀 🇩🇪",
    "with a tab": "Contoso\tLtd",
}


def _refusal_names(answer, operation: str) -> list[str]:
    if operation == "check_eligibility":  # the verdict on a form names its invalid fields, it never refuses
        assert answer.status == 200, answer.body
        return [d["field"] for d in answer.body["fieldErrors"]]
    assert answer.status == 400, answer.body
    return [d["field"] for d in answer.body["details"]]


def test_the_document_marks_free_text_in_every_route_that_takes_it():
    operations = {f.operation for f in FIELDS}
    assert {"create_request", "check_eligibility", "cancel_request", "decline_request", "request_info",
            "comment_request", "complete_request"} <= operations
    names = {(f.operation, f.name) for f in FIELDS}
    assert {("create_request", "customerName"), ("create_request", "migration.justification"),
            ("complete_request", "outcome.notes"), ("cancel_request", "reason")} <= names


def test_every_string_field_of_a_body_is_free_text_or_has_its_own_format():
    """A new string field is either free text (and judged below) or named here."""
    unmarked = {f.name for f in string_fields(DOC) if f not in FIELDS}
    assert unmarked <= STRUCTURED, unmarked - STRUCTURED


def test_the_served_document_is_the_one_judged_here(app):
    served = app.call("openapi_document", "GET", "http://localhost/api/openapi.json").body
    assert {(f.operation, f.name, f.variant) for f in free_text_fields(served)} == {
        (f.operation, f.name, f.variant) for f in FIELDS}


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f"{f.operation}:{f.name}:{f.variant or ''}")
def test_control_characters_and_bidi_controls_are_400_naming_the_field(app, field):
    request_id, body, user, roles = prepare(app, field.operation, field.variant)
    bad = dict(REFUSED)
    if field.schema[next(k for k in field.schema if k.startswith("x-free"))] == "single-line":
        bad.update({"line feed": "\n", "carriage return": "\r", "line separator": "\u2028"})
    for what, char in bad.items():
        answer = call(app, field.operation, field.method, field.path, request_id,
                      with_value(body, field.field, f"Contoso {char}gnp.exe"), user, roles)
        assert field.name in _refusal_names(answer, field.operation), (what, answer.body)
    # nothing changed: the body as it was is still accepted
    answer = call(app, field.operation, field.method, field.path, request_id, body, user, roles)
    assert answer.status in (200, 201), answer.body


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f"{f.operation}:{f.name}:{f.variant or ''}")
def test_scripts_joiners_and_emoji_are_accepted_and_returned_unchanged(app, field):
    for what, sample in ACCEPTED.items():
        request_id, body, user, roles = prepare(app, field.operation, field.variant)
        answer = call(app, field.operation, field.method, field.path, request_id,
                      with_value(body, field.field, sample), user, roles)
        assert answer.status in (200, 201), (what, answer.body)
        if field.operation == "check_eligibility":
            assert answer.body["fieldErrors"] == [], (what, answer.body)
        else:
            assert holds(answer.body, sample), (what, answer.body)


def test_a_display_name_that_breaks_the_text_rule_is_left_out_of_the_request(app):
    from tests.factories import form

    user = "zed@contoso.com"
    answer = app.call("create_request", "POST", "http://localhost/api/requests", body=form(),
                      headers={"X-MS-CLIENT-PRINCIPAL": principal_header(user, name="Zed \u202egnp.exe")})
    assert answer.status == 201, answer.body
    assert answer.body["requestor"] == {"email": user, "name": ""}
