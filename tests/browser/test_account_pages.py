"""Sign-in and sign-up pages in a real browser, in the site's frame and under its CSP, with nothing serious
for axe-core on a desktop and on a phone (test_accessibility.py checks the map)."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import screenshot, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_signing_in_with_the_form_returns_to_the_map(live_server, page, citizen, project):
    page.goto(f"{live_server.url}/projects/{project.slug}/")
    page.get_by_role("link", name="Anmelden").first.click()
    page.wait_for_load_state()
    screenshot(page, "account-login")
    assert serious_violations(page) == []

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
    assert serious_violations(page) == []
    assert page.js_errors == []


def test_account_and_author_pages_work_on_a_phone(live_server, browser, citizen, point_category):
    from participation.models import ModerationState
    from tests.browser.helpers import sign_in, small_targets
    from tests.factories import SuggestionFactory

    mine = SuggestionFactory(
        category=point_category, author=citizen, moderation_state=ModerationState.PENDING
    )
    base = f"/projects/{point_category.project.slug}/suggestions/{mine.pk}/"
    others = SuggestionFactory(category=point_category)  # published, by someone else
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="de-DE", has_touch=True)
    phone = context.new_page()
    for path in ("/accounts/login/", "/accounts/signup/"):
        phone.goto(live_server.url + path)
        assert serious_violations(phone) == [], path
    sign_in(phone, live_server, citizen)

    for path in (
        "/account/",
        "/account/notifications/",
        "/account/delete/",
        base,
        f"{base}edit/",
        f"{base}withdraw/",
        f"/projects/{point_category.project.slug}/suggestions/{others.pk}/",
    ):
        phone.goto(live_server.url + path)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390, path
        assert small_targets(phone) == [], path
        assert serious_violations(phone) == [], path
    context.close()
