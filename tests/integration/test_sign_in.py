"""devhost plays App Service Authentication: ``/.auth/login`` offers the people
of the routing file (or any address), the choice is a cookie, the functions see
that person's principal; ``/.auth/logout`` signs out; ``/.auth/me`` answers
like Easy Auth. Over real HTTP against ``python -m devhost``, and in Chromium."""

from __future__ import annotations

import http.client
import json
import re
from dataclasses import dataclass
from typing import Iterator
from urllib.parse import urlencode, urlsplit

import pytest

from tests.factories import principal_header
from tests.integration import live
from tests.integration.browser import (  # noqa: F401  (browser: the fixture, Debian's chromium under Playwright)
    AXE, DESKTOP, PHONE, axe_violations, browser, describe_violations, scroll_widths,
)

NEVER = live.NEVER


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self):
        return json.loads(self.body)


def call(app: live.LiveApp, method: str, path: str, *, form: dict | None = None, cookie: str = "",
         headers: dict[str, str] | None = None) -> Reply:
    """One request, redirects not followed (a browser's view of each answer)."""
    address = urlsplit(app.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=20)
    all_headers = dict(headers or {})
    body = None
    if form is not None:
        body = urlencode(form).encode()
        all_headers["Content-Type"] = "application/x-www-form-urlencoded"
    if cookie:
        all_headers["Cookie"] = cookie
    try:
        connection.request(method, path, body=body, headers=all_headers)
        response = connection.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        connection.close()


def session_cookie(reply: Reply) -> str:
    set_cookie = reply.headers["Set-Cookie"]
    return set_cookie.split(";", 1)[0]


@pytest.fixture(scope="module")
def host(tmp_path_factory) -> Iterator[live.LiveApp]:
    app = live.start(tmp_path_factory.mktemp("sign-in"), timeout=30, FTA_SWEEP_SCHEDULE=NEVER)
    yield app
    assert app.stop() == 0, app.log()


def sign_in(app: live.LiveApp, **form: str) -> Reply:
    return call(app, "POST", "/.auth/login/aad", form=form)


def test_the_chooser_lists_the_routing_files_people_with_their_roles(host):
    reply = call(host, "GET", "/.auth/login?post_login_redirect_uri=/queue%3Fq%3Dcontoso")
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("text/html")
    page = reply.body.decode()
    for expected in ("Ana Alves", "ana.alves@contoso.com", "architect, FTA Alignment", "EMEA Leads",
                     "emea-leads@contoso.com", "FTA.Lead", "FTA Admin", "FTA.Admin", 'name="address"',
                     'value="/queue?q=contoso"', '<html lang="en">'):
        assert expected in page, expected
    assert call(host, "GET", "/.auth/login").status == 200


def test_choosing_a_person_signs_the_browser_in_as_them(host):
    reply = sign_in(host, email="ana.alves@contoso.com", post_login_redirect_uri="/requests/FTA-ABC")
    assert reply.status == 303
    assert reply.headers["Location"] == "/requests/FTA-ABC"
    set_cookie = reply.headers["Set-Cookie"]
    assert "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie and "Path=/" in set_cookie
    cookie = session_cookie(reply)

    me = call(host, "GET", "/api/me", cookie=cookie)
    assert me.status == 200
    assert (me.json()["email"], me.json()["name"], me.json()["roles"]) == ("ana.alves@contoso.com", "Ana Alves", [])

    easy_auth = call(host, "GET", "/.auth/me", cookie=cookie).json()
    assert easy_auth[0]["provider_name"] == "aad" and easy_auth[0]["user_id"] == "ana.alves@contoso.com"
    assert {"typ": "name", "val": "Ana Alves"} in easy_auth[0]["user_claims"]


def test_a_lead_and_any_address_with_a_role(host):
    lead = session_cookie(sign_in(host, email="americas-leads@contoso.com"))
    me = call(host, "GET", "/api/me", cookie=lead).json()
    assert me["roles"] == ["FTA.Lead"] and me["isLead"] is True

    anyone = sign_in(host, address="Kim.Akers@Contoso.com", name="Kim Akers", **{"FTA.Admin": "on"})
    assert anyone.status == 303 and anyone.headers["Location"] == "/"
    me = call(host, "GET", "/api/me", cookie=session_cookie(anyone)).json()
    assert (me["email"], me["name"], me["roles"]) == ("kim.akers@contoso.com", "Kim Akers", ["FTA.Admin"])


def test_a_principal_sent_by_the_caller_wins_over_the_cookie(host):
    cookie = session_cookie(sign_in(host, email="ana.alves@contoso.com"))
    me = call(host, "GET", "/api/me", cookie=cookie,
              headers={"X-MS-CLIENT-PRINCIPAL": principal_header("alex@contoso.com")}).json()
    assert me["email"] == "alex@contoso.com"
    easy_auth = call(host, "GET", "/.auth/me", cookie=cookie,
                     headers={"X-MS-CLIENT-PRINCIPAL": principal_header("alex@contoso.com", ("FTA.Lead",))}).json()
    assert easy_auth[0]["user_id"] == "alex@contoso.com"
    assert {"typ": "http://schemas.microsoft.com/ws/2008/06/identity/claims/role", "val": "FTA.Lead"} \
        in easy_auth[0]["user_claims"]


def test_logout_signs_out_and_me_is_empty(host):
    assert call(host, "GET", "/.auth/me").json() == []  # no FTA_DEV_USER, no choice: nobody
    cookie = session_cookie(sign_in(host, email="grace.tan@contoso.com"))
    reply = call(host, "GET", "/.auth/logout?post_logout_redirect_uri=/", cookie=cookie)
    assert reply.status == 302 and reply.headers["Location"] == "/"
    signed_out = session_cookie(reply)
    assert call(host, "GET", "/api/me", cookie=signed_out).status == 401
    assert call(host, "GET", "/.auth/me", cookie=signed_out).json() == []


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "queue", "/\\evil.example"])
def test_a_redirect_off_the_site_is_refused(host, target):
    for reply in (call(host, "GET", "/.auth/login?" + urlencode({"post_login_redirect_uri": target})),
                  sign_in(host, email="ana.alves@contoso.com", post_login_redirect_uri=target),
                  call(host, "GET", "/.auth/logout?" + urlencode({"post_logout_redirect_uri": target}))):
        assert reply.status == 400
        assert "redirect_uri" in reply.json()["message"]
        assert "Set-Cookie" not in reply.headers


def test_bad_choices_are_refused_naming_the_field(host):
    unknown = sign_in(host, email="mallory@contoso.com")
    assert unknown.status == 400 and "email" in unknown.json()["message"]
    bad_address = sign_in(host, address="not an address")
    assert bad_address.status == 400 and bad_address.json()["message"].startswith("address")
    cross_site = call(host, "POST", "/.auth/login/aad", form={"email": "ana.alves@contoso.com"},
                      headers={"Origin": "https://evil.example"})
    assert cross_site.status == 403 and "Set-Cookie" not in cross_site.headers
    assert call(host, "DELETE", "/.auth/logout").status == 405
    assert call(host, "GET", "/.auth/refresh").status == 404
    forged = call(host, "GET", "/api/me", cookie="AppServiceAuthSession=bm90IGpzb24")
    assert forged.status == 401  # an unreadable cookie signs nobody in


def test_without_a_choice_devhost_falls_back_to_the_dev_user(tmp_path):
    app = live.start(tmp_path, timeout=30, FTA_SWEEP_SCHEDULE=NEVER, FTA_DEV_USER="dev@contoso.com")
    try:
        assert call(app, "GET", "/api/me").json()["email"] == "dev@contoso.com"
        cookie = session_cookie(sign_in(app, email="hiro.sato@contoso.com"))
        assert call(app, "GET", "/api/me", cookie=cookie).json()["email"] == "hiro.sato@contoso.com"
        signed_out = session_cookie(call(app, "GET", "/.auth/logout", cookie=cookie))
        assert call(app, "GET", "/api/me", cookie=signed_out).status == 401
    finally:
        assert app.stop() == 0, app.log()


def test_one_browser_plays_architect_then_lead_then_signs_out(host, browser):  # noqa: F811
    context = browser.new_context(base_url=host.url)
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto("/.auth/login/aad?post_login_redirect_uri=/")
        page.get_by_role("button", name=re.compile(r"^Ana Alves ")).click()
        page.wait_for_url(host.url + "/")
        page.locator("#who").get_by_text("Ana Alves").wait_for()
        assert page.locator("#who").get_by_text("FTA lead").count() == 0

        page.goto("/.auth/login")
        page.get_by_role("button", name=re.compile(r"^EMEA Leads ")).click()
        page.locator("#who").get_by_text("EMEA Leads").wait_for()
        page.locator("#who").get_by_text("FTA lead").wait_for()

        page.goto("/.auth/login")
        page.get_by_label("Email address").fill("kim.akers@contoso.com")
        page.get_by_label("Display name (optional)").fill("Kim Akers")
        page.get_by_role("button", name="Sign in", exact=True).click()
        page.locator("#who").get_by_text("Kim Akers").wait_for()

        page.goto("/.auth/logout?post_logout_redirect_uri=/")
        page.locator("#view-signin").wait_for(state="visible")
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])
def test_the_chooser_is_accessible_and_fits_the_screen(host, browser, viewport):  # noqa: F811
    context = browser.new_context(base_url=host.url, viewport=viewport)
    context.add_init_script(path=str(AXE))  # the chooser's CSP refuses an inline script tag
    try:
        page = context.new_page()
        page.goto("/.auth/login")
        violations = axe_violations(page, impacts=("minor", "moderate", "serious", "critical"))
        assert not violations, describe_violations(violations)
        widths = scroll_widths(page)
        assert widths["document"] <= widths["viewport"], widths
    finally:
        context.close()
