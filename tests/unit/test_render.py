from __future__ import annotations

import copy
import email
from email import policy

import pytest
from jinja2 import UndefinedError

from shared.adapters.mail.mime import to_mime
from shared.adapters.mail.render import SUBJECT_MAX_LENGTH, TEMPLATES, UnknownTemplate, flatten_subject, render_email
from shared.app.emails import template_context as email_context
from shared.app.ports import Email, RenderedEmail
from tests.factories import email_context_sample as build_context
from tests.factories import load_event

HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.mark.parametrize("variant", ["full", "minimal"])
@pytest.mark.parametrize("template", TEMPLATES)
def test_every_template_renders_subject_text_and_html(template: str, variant: str) -> None:
    context = build_context(template, variant)
    request_id = context["request"]["id"]

    rendered = render_email(template, context)

    assert isinstance(rendered, RenderedEmail)
    assert rendered.subject.startswith(f"[{request_id}] ")
    assert "\n" not in rendered.subject and "\r" not in rendered.subject
    assert request_id in rendered.text
    assert context["request_url"] in rendered.text
    assert context["dashboard_url"] in rendered.text
    assert rendered.html.startswith("<!DOCTYPE html>")
    assert f'href="{context["request_url"]}"' in rendered.html
    assert request_id in rendered.html
    assert context["request"]["tpid"] in rendered.text
    assert context["request"]["tenant"] in rendered.html


def test_subject_shows_customer_name_and_tenant_when_both_are_known() -> None:
    rendered = render_email("submitted", build_context("submitted"))
    assert rendered.subject == "[FTA-7K2M9QXR4T] Contoso Ltd (contoso.onmicrosoft.com): request received"


def test_subject_shows_the_tenant_alone_without_a_customer_name() -> None:
    rendered = render_email("submitted", build_context("submitted", "minimal"))
    assert rendered.subject == "[FTA-3ABCDEFGHJ] fabrikam.onmicrosoft.com: request received"


def test_submitted_confirms_receipt_and_says_what_happens_next() -> None:
    rendered = render_email("submitted", build_context("submitted"))
    assert "Your FastTrack Architect request FTA-7K2M9QXR4T was received." in rendered.text
    assert "FTA Alignment or regional leads assign a FastTrack Architect" in rendered.text
    assert "within 2 business days" in rendered.text
    for shown in ("123456789", "Contoso Ltd", "Fabrikam Consulting", "12000", "SOW review / ECIF related",
                  "Europe, Middle East and Africa", "USD 120,000", "Focus on the Exchange Online migration scope."):
        assert shown in rendered.text
        assert shown in rendered.html


def test_minimal_request_shows_placeholders_instead_of_none() -> None:
    rendered = render_email("submitted", build_context("submitted", "minimal"))
    assert "None" not in rendered.text and "None" not in rendered.html
    assert "(not given)" in rendered.text
    assert "Funding amount" not in rendered.text
    assert "Instructions for the FTA" not in rendered.text
    assert "Non-ECIF related" in rendered.text


def test_routed_asks_the_leads_to_assign_within_two_business_days() -> None:
    rendered = render_email("routed", build_context("routed"))
    assert "queue of FTA Alignment" in rendered.text
    assert "assign an architect within 2 business days" in rendered.text
    assert rendered.subject.endswith(": new request for FTA Alignment")


def test_assigned_names_the_architect_and_whom_they_replace() -> None:
    rendered = render_email("assigned", build_context("assigned"))
    assert "sam.fta@contoso.com is assigned as the FastTrack Architect (FTA) for request FTA-7K2M9QXR4T" in rendered.text
    assert "replacing kim.fta@contoso.com" in rendered.text
    assert "<strong>sam.fta@contoso.com</strong>" in rendered.html


def test_reminder_carries_its_number() -> None:
    rendered = render_email("reminder", build_context("reminder"))
    assert "Reminder 2: request FTA-7K2M9QXR4T has been waiting for an architect" in rendered.text
    assert "reminder 2" in rendered.subject


def test_escalated_names_the_reminders_and_the_lead_group() -> None:
    rendered = render_email("escalated", build_context("escalated"))
    assert "after 2 reminders to FTA Alignment" in rendered.text
    assert "escalated" in rendered.subject


def test_escalated_falls_back_to_the_lead_group_id_without_a_group() -> None:
    rendered = render_email("escalated", build_context("escalated", "minimal", leadGroup="emea-leads"))
    assert "reminders to emea-leads" in rendered.text


def test_cancelled_names_the_actor_and_the_reason_when_given() -> None:
    with_reason = render_email("cancelled", build_context("cancelled"))
    assert "cancelled by ana.atu@contoso.com on 2024-05-07 10:15 UTC" in with_reason.text
    assert "The customer postponed the project." in with_reason.text
    without_reason = render_email("cancelled", build_context("cancelled", "minimal"))
    assert "Reason" not in without_reason.text and "Reason" not in without_reason.html


def test_the_completion_mail_asks_only_the_requestor_to_rate_the_review() -> None:
    workshop = {"customerUnderstanding": "medium", "engagementStart": "2027-01-11", "outOfScope": ["Teams Phone"]}
    for_requestor = render_email("completed", build_context("completed", workshop=workshop))
    for_others = render_email("completed", {**build_context("completed", workshop=workshop), "for_requestor": False})
    for rendered in (for_requestor, for_others):
        assert "understanding of the benefit: Medium" in rendered.text and "<td>Medium</td>" in rendered.html
    assert "/feedback" in for_requestor.text and "/feedback" in for_requestor.html
    assert "/feedback" not in for_others.text and "/feedback" not in for_others.html


def test_completed_thanks_the_architect_only_when_one_was_assigned() -> None:
    assert "Thank you, sam.fta@contoso.com" in render_email("completed", build_context("completed")).text
    assert "Thank you" not in render_email("completed", build_context("completed", "minimal")).text


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize(
    "key", ["request", "request_url", "dashboard_url", "customer", "request_type_label", "lead_group"]
)
def test_a_missing_context_key_fails_instead_of_mailing_a_blank(template: str, key: str) -> None:
    context = build_context(template)
    del context[key]
    with pytest.raises(UndefinedError):
        render_email(template, context)


@pytest.mark.parametrize("template", ["assigned", "reminder", "escalated", "cancelled", "completed"])
def test_templates_that_use_the_event_fail_without_it(template: str) -> None:
    context = build_context(template)
    del context["event"]
    with pytest.raises(UndefinedError):
        render_email(template, context)


@pytest.mark.parametrize(("template", "data_key"), [("assigned", "architect"), ("reminder", "reminder"), ("escalated", "reminders")])
def test_missing_event_data_fails(template: str, data_key: str) -> None:
    context = build_context(template)
    context["event"] = copy.deepcopy(context["event"])
    del context["event"]["data"][data_key]
    with pytest.raises(UndefinedError):
        render_email(template, context)


def test_escalated_fails_without_escalate_to() -> None:
    context = build_context("escalated")
    del context["escalate_to"]
    with pytest.raises(UndefinedError):
        render_email("escalated", context)


def test_unknown_template_is_a_key_error() -> None:
    with pytest.raises(UnknownTemplate) as raised:
        render_email("_summary", build_context("submitted"))
    assert isinstance(raised.value, KeyError)
    assert "submitted" in str(raised.value)


@pytest.mark.parametrize("template", TEMPLATES)
def test_header_injection_through_the_customer_name_stays_in_one_subject_line(template: str) -> None:
    context = build_context(template, customerName="Contoso\r\nBcc: x@evil.com")

    rendered = render_email(template, context)

    assert "\r" not in rendered.subject and "\n" not in rendered.subject
    assert "Contoso Bcc: x@evil.com" in rendered.subject
    mime = to_mime(Email(
        message_id=f"{template}@fta-requests",
        sender="fta-requests@contoso.com",
        to=("lead@contoso.com",),
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
    ))
    parsed = email.message_from_bytes(mime.as_bytes(), policy=policy.default)
    assert parsed["Bcc"] is None
    assert parsed["To"] == "lead@contoso.com"
    assert "Bcc: x@evil.com" in parsed["Subject"]


def test_subject_is_capped_and_every_kind_of_line_break_is_flattened() -> None:
    long_name = "Contoso " * 60
    rendered = render_email("submitted", build_context("submitted", customerName=long_name))
    assert len(rendered.subject) <= SUBJECT_MAX_LENGTH
    assert flatten_subject(" a\r\n\tb\u2028c\x85d\x0be\x00f  ") == "a b c d e f"


@pytest.mark.parametrize("template", TEMPLATES)
def test_html_escapes_hostile_values_and_text_shows_them_raw(template: str) -> None:
    context = build_context(template, customerName=HOSTILE, instructions="</p><script>alert(2)</script>")

    rendered = render_email(template, context)

    assert "&lt;img src=x onerror=alert(1)&gt;" in rendered.html
    assert "<img" not in rendered.html
    assert "<script>" not in rendered.html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in rendered.html
    assert HOSTILE in rendered.text
    assert "<script>alert(2)</script>" in rendered.text


def test_hostile_cancel_reason_is_escaped_in_html() -> None:
    context = build_context("cancelled")
    context["event"]["data"] = {"reason": '"><a href="https://evil.example">click</a>'}
    rendered = render_email("cancelled", context)
    assert 'href="https://evil.example"' not in rendered.html
    assert "&#34;&gt;&lt;a href=&#34;https://evil.example&#34;&gt;click&lt;/a&gt;" in rendered.html
    assert '"><a href="https://evil.example">click</a>' in rendered.text


def test_email_context_derives_the_label_and_the_customer() -> None:
    sample = load_event("email_context_minimal.json")
    event = {"id": "e1", "type": "request.submitted", "occurredAt": "2024-05-06T09:30:00Z", "actor": "a@contoso.com"}
    context = email_context(sample["request"], event, request_url="u", dashboard_url="d")
    assert context["request_type_label"] == "Non-ECIF related"
    assert context["customer"] == "fabrikam.onmicrosoft.com"
    assert context["event"]["data"] == {}
    assert context["lead_group"] is None and context["escalate_to"] is None
    with_name = email_context({**sample["request"], "customerName": "Fabrikam", "requestType": "sow-ecif"}, event,
                              request_url="u", dashboard_url="d")
    assert with_name["customer"] == "Fabrikam"
    assert with_name["request_type_label"] == "SOW review / ECIF related"


def test_architects_appear_by_the_names_the_routing_file_gives_them() -> None:
    named = {**build_context("assigned"), "people": {"sam.fta@contoso.com": "Sam Fischer", "kim.fta@contoso.com": "Kim Ito"}}
    rendered = render_email("assigned", named)
    assert "Sam Fischer (sam.fta@contoso.com) is assigned as the FastTrack Architect (FTA)" in rendered.text
    assert "replacing Kim Ito (kim.fta@contoso.com)" in rendered.text
    assert "<strong>Sam Fischer (sam.fta@contoso.com)</strong>" in rendered.html
    completed = render_email("completed", {**build_context("completed"), "people": {"sam.fta@contoso.com": "Sam Fischer"}})
    assert "Thank you, Sam Fischer, for your work on it." in completed.text
    assert "Architect:           Sam Fischer (sam.fta@contoso.com)" in completed.text
    assert "Thank you, Sam Fischer, for" in completed.html
    hostile = render_email("completed", {**build_context("completed"), "people": {"sam.fta@contoso.com": HOSTILE}})
    assert HOSTILE not in hostile.html and "&lt;img" in hostile.html
