"""An alert for a district in a real browser, with the keyboard alone on a phone: from the account's alerts
to the districts page, a district chosen in the plain list, saved; what the server stored is that district."""

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from playwright.sync_api import expect

from geo.analysis.services import analysis_rebuild, district_alerts_follow
from geo.layers.models import ContextFeature, ContextLayer
from participation.models import PlaceAlert
from tests.browser.helpers import screenshot, serious_violations, sign_in, small_targets, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def districts(project):
    layer = ContextLayer.objects.create(project=project, name="Stadtteile", role="districts")
    made = {
        name: ContextFeature.objects.create(
            layer=layer, geom=Polygon.from_bbox(bbox), properties={"name": name}
        )
        for name, bbox in (
            ("Innenstadt-West", (8.35, 48.98, 8.40, 49.02)),
            ("Innenstadt-Ost", (8.40, 48.98, 8.45, 49.02)),
            ("Südweststadt", (8.35, 48.95, 8.45, 48.98)),
        )
    }
    analysis_rebuild(project_id=project.pk)
    return made


def test_choose_a_district_with_the_keyboard_on_a_phone(live_server, new_page, citizen, project, districts):
    page = new_page(viewport={"width": 390, "height": 844}, locale="de-DE", has_touch=True)
    sign_in(page, live_server, citizen)
    page.goto(f"{live_server.url}/account/follows/")

    tab_to(page, "a.district-picker-link")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Benachrichtigung für einen Stadtteil")).to_be_visible()
    tab_to(page, "#district-choice")
    page.keyboard.press("ArrowDown")  # the first district by name: Innenstadt-Ost
    expect(page.locator("#district-choice")).to_have_value(str(districts["Innenstadt-Ost"].pk))
    tab_to(page, "input[name=delivery][value=immediate]")
    page.keyboard.press("ArrowDown")  # the radio group: once a day
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert small_targets(page) == []
    assert serious_violations(page) == []
    screenshot(page, "district-alert-phone")
    tab_to(page, "#district-alert-save")
    page.keyboard.press("Enter")

    expect(page.locator("#alert-list")).to_contain_text("Im Stadtteil Innenstadt-Ost")
    screenshot(page, "district-follows-phone")
    alert = PlaceAlert.objects.get(user=citizen)
    assert (alert.district_name, alert.delivery) == ("Innenstadt-Ost", "daily")
    assert page.js_errors == []


def test_the_districts_page_on_a_desktop_links_every_feed(live_server, new_page, citizen, project, districts):
    page = new_page(viewport={"width": 1366, "height": 768}, locale="de-DE")
    sign_in(page, live_server, citizen)
    page.goto(f"{live_server.url}/projects/{project.slug}/districts/")

    feeds = page.locator("#district-feeds a")
    expect(feeds).to_have_count(3)
    href = feeds.first.get_attribute("href")
    assert href == f"/projects/{project.slug}/feed/districts/innenstadt-ost/"
    assert page.request.get(live_server.url + href).headers["content-type"].startswith("application/atom+xml")
    assert serious_violations(page) == []
    screenshot(page, "district-alert-desktop")


def test_a_district_alert_without_an_account_with_the_keyboard_on_a_phone(
    live_server, new_page, project, districts
):
    """From the map's link, without an account: a district, an address and the one press that solves the
    anti-spam proof and sends; the alert waits for the mailed link."""
    page = new_page(viewport={"width": 390, "height": 844}, locale="de-DE", has_touch=True)
    page.goto(f"{live_server.url}/projects/{project.slug}/districts/")
    expect(page.locator("#district-anonymous-hint")).to_contain_text("Kein Konto nötig")
    tab_to(page, "#district-choice")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # Innenstadt-West
    tab_to(page, "#district-email")
    page.keyboard.type("bea@example.org")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert small_targets(page) == []
    assert serious_violations(page) == []
    screenshot(page, "district-alert-anonymous-phone")
    tab_to(page, "#district-alert-save")
    page.keyboard.press("Enter")

    expect(page.locator("#alert-sent")).to_contain_text("bea@example.org", timeout=20000)
    alert = PlaceAlert.objects.get()
    assert (alert.user, alert.email, alert.district_name, alert.confirmed_at) == (
        None,
        "bea@example.org",
        "Innenstadt-West",
        None,
    )
    assert page.js_errors == []


@pytest.mark.parametrize("viewport", [(1366, 768), (390, 844)])
def test_a_gone_district_says_so_and_leads_to_choosing_again(
    live_server, new_page, citizen, project, districts, viewport
):
    # The alert was made for Südweststadt; the next import of the districts no longer has it.
    district = districts["Südweststadt"]
    PlaceAlert.objects.create(
        user=citizen,
        project=project,
        area=MultiPolygon(district.geom, srid=4326),
        district_name="Südweststadt",
        district_number=district.pk,
        language="de",
    )
    district.delete()
    district_alerts_follow(project_id=project.pk)
    width, height = viewport
    page = new_page(viewport={"width": width, "height": height}, locale="de-DE", has_touch=width < 500)
    sign_in(page, live_server, citizen)
    page.goto(f"{live_server.url}/account/follows/")

    note = page.locator(".district-missing")
    expect(note).to_contain_text("Diesen Stadtteil gibt es in der Karte des Projekts nicht mehr")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if width < 500:
        assert small_targets(page) == []  # tap targets: a phone's rule
    assert serious_violations(page) == []
    screenshot(page, f"district-missing-{width}")
    tab_to(page, ".own-item--missing .own-actions a")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Benachrichtigung für einen Stadtteil")).to_be_visible()
    assert page.js_errors == []


@pytest.mark.parametrize("viewport", [(1366, 768), (390, 844)])
def test_a_project_without_districts_says_so_on_the_404_page(live_server, new_page, project, viewport):
    width, height = viewport
    page = new_page(viewport={"width": width, "height": height}, locale="de-DE")

    response = page.goto(f"{live_server.url}/projects/{project.slug}/districts/")

    assert response.status == 404
    expect(page.locator("#not-found-reason")).to_have_text("Dieses Projekt hat keine Stadtteile.")
    expect(page.get_by_role("heading", name="Seite nicht gefunden")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert serious_violations(page) == []
    screenshot(page, f"not-found-districts-{width}")


@pytest.mark.parametrize(
    ("viewport", "name"),
    [({"width": 390, "height": 844}, "phone"), ({"width": 1366, "height": 768}, "desktop")],
)
def test_a_feed_address_from_before_a_reimport_leads_to_the_districts_page_by_keyboard(
    live_server, new_page, project, districts, viewport, name
):
    # A feed reader still holds the number Innenstadt-Ost had before the town imported its districts again.
    old = districts["Innenstadt-Ost"].pk
    districts["Innenstadt-Ost"].delete()
    ContextFeature.objects.create(
        layer=districts["Innenstadt-West"].layer,
        geom=Polygon.from_bbox((8.40, 48.98, 8.45, 49.02)),
        properties={"name": "Innenstadt-Ost"},
    )
    analysis_rebuild(project_id=project.pk)
    page = new_page(viewport=viewport, locale="de-DE")

    response = page.goto(f"{live_server.url}/projects/{project.slug}/feed/districts/{old}/")

    assert response.status == 404
    expect(page.locator("#feed-refused-reason")).to_contain_text("Jeder Import nummeriert die Stadtteile neu")
    assert serious_violations(page) == []
    screenshot(page, f"district-feed-gone-{name}")
    tab_to(page, "#feed-refused-more")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/projects/{project.slug}/districts/")
    # There, the district's feed under the address that stays: its name.
    link = page.get_by_role("link", name="Atom-Feed von Innenstadt-Ost")
    assert link.get_attribute("href") == f"/projects/{project.slug}/feed/districts/innenstadt-ost/"
    assert page.js_errors == []
