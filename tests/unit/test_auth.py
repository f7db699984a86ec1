import base64
import json

import pytest

from functions.auth import Unauthenticated, principal_from_headers
from shared.domain.principal import ADMIN, LEAD
from tests.factories import principal_header


def test_email_and_roles_from_the_principal():
    p = principal_from_headers({"X-MS-CLIENT-PRINCIPAL": principal_header("Lee@Contoso.com", (LEAD,))})
    assert p.email == "lee@contoso.com"
    assert p.roles == {LEAD}
    assert p.is_lead and not p.is_admin


def test_admin_is_also_a_lead():
    p = principal_from_headers({"x-ms-client-principal": principal_header("ada@contoso.com", (ADMIN,))})
    assert p.is_lead and p.is_admin


def encode(payload) -> str:
    return base64.b64encode(json.dumps(payload).encode()).decode()


def test_falls_back_to_preferred_username_and_roles_claims():
    header = encode({"claims": [{"typ": "preferred_username", "val": "kim@contoso.com"}, {"typ": "roles", "val": "FTA.Lead"}]})
    p = principal_from_headers({"X-MS-CLIENT-PRINCIPAL": header})
    assert (p.email, p.roles) == ("kim@contoso.com", {"FTA.Lead"})


@pytest.mark.parametrize("headers", [
    {},
    {"X-MS-CLIENT-PRINCIPAL": ""},
    {"X-MS-CLIENT-PRINCIPAL": "!!!not base64"},
    {"X-MS-CLIENT-PRINCIPAL": encode(["a list"])},
    {"X-MS-CLIENT-PRINCIPAL": encode({"claims": [{"typ": "name", "val": "No Email"}]})},
])
def test_no_usable_principal_is_unauthenticated(headers):
    with pytest.raises(Unauthenticated):
        principal_from_headers(headers)


def test_the_body_or_another_header_cannot_name_the_user():
    with pytest.raises(Unauthenticated):
        principal_from_headers({"X-MS-CLIENT-PRINCIPAL-NAME": "boss@contoso.com"})
