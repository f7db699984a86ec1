import email
import email.policy

import pytest

from shared.adapters.mail.mime import to_mime
from shared.app.ports import Email, PermanentMailError


def build(**overrides) -> Email:
    fields = dict(message_id="abc@fta-requests", sender="fta-requests@contoso.com", to=("alex@contoso.com",),
                  subject="[FTA-1] Müller GmbH: request received", text="Grüße", html="<p>Grüße</p>",
                  headers=(("X-FTA-Request-Id", "FTA-1"),))
    fields.update(overrides)
    return Email(**fields)


def test_non_ascii_subject_and_both_parts_survive_a_round_trip():
    parsed = email.message_from_bytes(to_mime(build()).as_bytes(), policy=email.policy.default)
    assert parsed["Subject"] == "[FTA-1] Müller GmbH: request received"
    assert parsed["Message-ID"] == "<abc@fta-requests>"
    assert parsed["X-FTA-Request-Id"] == "FTA-1"
    assert parsed.get_body(("plain",)).get_content().strip() == "Grüße"
    assert parsed.get_body(("html",)).get_content().strip() == "<p>Grüße</p>"
    assert parsed.get_content_type() == "multipart/alternative"


@pytest.mark.parametrize("field", ["subject", "sender", "message_id"])
def test_a_line_break_in_a_header_is_refused(field):
    with pytest.raises(PermanentMailError):
        to_mime(build(**{field: "x\r\nBcc: evil@example.com"}))
