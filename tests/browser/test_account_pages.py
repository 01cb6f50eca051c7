"""Sign-in and sign-up pages in a real browser, in the site's frame and under its CSP."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_signing_in_with_the_form_returns_to_the_map(live_server, page, citizen, project):
    page.goto(f"{live_server.url}/projects/{project.slug}/")
    page.get_by_role("link", name="Anmelden").first.click()
    screenshot(page, "account-login")

    page.locator("input[name=login]").fill("anna@example.org")
    page.locator("input[name=password]").fill("pw-for-tests")
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(f"{live_server.url}/projects/{project.slug}/")
    expect(page.locator(".account-name")).to_have_text("Anna K.")
    expect(page.get_by_role("button", name="Vorschlag machen")).to_be_visible()
    assert page.js_errors == []


def test_the_sign_up_form_asks_for_a_public_name(live_server, page, db):
    page.goto(f"{live_server.url}/accounts/signup/")

    expect(page.get_by_label("Öffentlicher Name")).to_be_visible()
    screenshot(page, "account-signup")
    assert page.js_errors == []
