"""Following a suggestion and making an alert for a place in a real browser: with a mouse on a desktop, and
with the keyboard alone on a phone-sized screen; what the server stored is what the person chose."""

import pytest
from playwright.sync_api import expect

from participation import follow_mail
from participation.models import Follow, PlaceAlert
from tests.browser.helpers import click_map, screenshot, serious_violations, sign_in, small_targets, tab_to
from tests.factories import SuggestionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def suggestion(point_category):
    return SuggestionFactory(category=point_category, title="Ladestation am Bahnhof")


def test_follow_and_make_an_alert_with_a_pointer(live_server, new_page, citizen, suggestion):
    page = new_page(viewport={"width": 1366, "height": 768}, locale="de-DE")
    sign_in(page, live_server, citizen)
    page.goto(f"{live_server.url}/projects/{suggestion.project.slug}/suggestions/{suggestion.pk}/")

    page.get_by_label("Auch neue Kommentare per E-Mail").check()
    page.get_by_role("button", name="Diesem Vorschlag folgen").click()
    expect(page.get_by_role("button", name="Nicht mehr folgen")).to_be_visible()
    expect(page.locator("#follow-state")).to_contain_text("neue Kommentare eingeschlossen")
    page.locator("#follow").scroll_into_view_if_needed()
    screenshot(page, "follow-desktop", full_page=False)
    assert Follow.objects.get(user=citizen, suggestion=suggestion).comments is True

    page.goto(f"{live_server.url}/projects/{suggestion.project.slug}/alerts/new/")
    page.wait_for_selector("form[data-map=ready]")
    click_map(page, 8.405, 49.002)
    page.get_by_label("Radius in Metern (50–5000)").fill("800")
    page.get_by_label("Name (freiwillig, z. B. „Zuhause“)").fill("Zuhause")
    page.get_by_label("einmal am Tag, in einer E-Mail").check()
    expect(page.locator("#alert-place-status")).to_contain_text("Radius 800 m")
    expect(page.locator("path.alert-circle")).to_have_count(1)
    screenshot(page, "alert-desktop")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Benachrichtigung speichern").click()

    expect(page.locator("#alert-list")).to_contain_text("Zuhause")
    screenshot(page, "follows-desktop")
    alert = PlaceAlert.objects.get(user=citizen)
    assert (alert.radius, alert.delivery, alert.name) == (800, "daily", "Zuhause")
    assert abs(alert.centre.x - 8.405) < 0.0005
    assert abs(alert.centre.y - 49.002) < 0.0005
    assert serious_violations(page) == []
    assert page.js_errors == []


def test_follow_and_make_an_alert_with_the_keyboard_on_a_phone(live_server, new_page, citizen, suggestion):
    page = new_page(viewport={"width": 390, "height": 844}, locale="de-DE", has_touch=True)
    sign_in(page, live_server, citizen)
    page.goto(f"{live_server.url}/projects/{suggestion.project.slug}/suggestions/{suggestion.pk}/")

    tab_to(page, "#follow-button")
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Nicht mehr folgen")).to_be_visible()
    assert Follow.objects.filter(user=citizen, suggestion=suggestion, comments=False).exists()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert small_targets(page) == []
    page.locator("#follow").scroll_into_view_if_needed()
    screenshot(page, "follow-phone", full_page=False)

    page.goto(f"{live_server.url}/projects/{suggestion.project.slug}/alerts/new/")
    page.wait_for_selector("form[data-map=ready]")
    centre_before = page.evaluate(
        "(() => { const c = window.participationMap.getCenter(); return [c.lat, c.lng]; })()"
    )
    tab_to(page, "#alert-map")
    for _n in range(3):
        page.keyboard.press("ArrowRight")  # pans the map east
    page.wait_for_timeout(400)
    tab_to(page, "#alert-centre")
    page.keyboard.press("Enter")
    expect(page.locator("#alert-place-status")).to_contain_text("Mittelpunkt gewählt")
    tab_to(page, "#alert-radius")
    page.keyboard.press("Control+A")
    page.keyboard.type("1200")
    tab_to(page, "#alert-name")
    page.keyboard.type("Arbeit")
    expect(page.locator("#alert-place-status")).to_contain_text("Radius 1200 m")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert small_targets(page) == []
    assert serious_violations(page) == []
    screenshot(page, "alert-phone")
    tab_to(page, "#alert-save")
    page.keyboard.press("Enter")

    expect(page.locator("#alert-list")).to_contain_text("Arbeit")
    # The page's long German heading fits its column ("Benachrichtigungen" ran into the margin).
    assert page.evaluate("(h) => h.scrollWidth <= h.clientWidth", page.locator("h1").element_handle())
    screenshot(page, "follows-phone")
    alert = PlaceAlert.objects.get(user=citizen)
    assert (alert.radius, alert.delivery, alert.name) == (1200, "immediate", "Arbeit")
    assert alert.centre.x > centre_before[1]  # the map was moved east before its centre was taken
    assert abs(alert.centre.y - centre_before[0]) < 0.001
    assert page.js_errors == []


def test_an_alert_without_an_account_with_the_keyboard_on_a_phone(live_server, new_page, suggestion):
    """Someone without an account: the form asks for an address and proves a person is writing (the real
    ALTCHA proof of work, solved by the one press on "Save"); the alert waits for the mailed link."""
    page = new_page(viewport={"width": 390, "height": 844}, locale="de-DE", has_touch=True)
    page.goto(f"{live_server.url}/projects/{suggestion.project.slug}/alerts/new/")
    page.wait_for_selector("form[data-map=ready]")
    expect(page.locator("#alert-anonymous-hint")).to_contain_text("Kein Konto nötig")
    tab_to(page, "#alert-map")
    page.keyboard.press("ArrowLeft")
    page.wait_for_timeout(300)
    tab_to(page, "#alert-centre")
    page.keyboard.press("Enter")
    expect(page.locator("#alert-place-status")).to_contain_text("Mittelpunkt gewählt")
    tab_to(page, "#alert-email")
    page.keyboard.type("bea@example.org")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert small_targets(page) == []
    assert serious_violations(page) == []
    screenshot(page, "alert-anonymous-phone")
    tab_to(page, "#alert-save")
    page.keyboard.press("Enter")

    expect(page.locator("#alert-sent")).to_contain_text("bea@example.org", timeout=20000)
    screenshot(page, "alert-anonymous-sent-phone")
    alert = PlaceAlert.objects.get()
    assert (alert.user, alert.email, alert.radius, alert.confirmed_at) == (None, "bea@example.org", 500, None)

    link = follow_mail.alert_confirm_link(alert).split("/alerts/", 1)[1]
    page.goto(f"{live_server.url}/alerts/{link}")
    tab_to(page, "#alert-confirm")
    page.keyboard.press("Enter")
    expect(page.locator("#alert-confirmed")).to_be_visible()
    screenshot(page, "alert-anonymous-confirmed-phone")
    alert.refresh_from_db()
    assert alert.confirmed_at is not None
    assert page.js_errors == []


def test_the_alert_form_without_an_account_on_a_desktop(live_server, new_page, suggestion):
    page = new_page(viewport={"width": 1366, "height": 768}, locale="de-DE")
    page.goto(f"{live_server.url}/projects/{suggestion.project.slug}/")
    page.get_by_role("link", name="Mir neue Vorschläge an einem Ort mailen").click()
    page.wait_for_selector("form[data-map=ready]")
    click_map(page, 8.405, 49.002)
    page.get_by_label("Ihre E-Mail-Adresse").fill("cem@example.org")
    screenshot(page, "alert-anonymous-desktop")
    page.get_by_role("button", name="Benachrichtigung speichern").click()

    expect(page.locator("#alert-sent")).to_contain_text("cem@example.org", timeout=20000)
    alert = PlaceAlert.objects.get()
    assert abs(alert.centre.x - 8.405) < 0.0005
    assert alert.email == "cem@example.org"
    assert page.js_errors == []
