"""The start page as people see it: every public project in its phase group, its area drawn in place on a
small map without base-map tiles, the whole card leading in, at desktop and phone size."""

from datetime import timedelta

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.helpers import screenshot, serious_violations, small_targets, wait_for_map
from tests.factories import CategoryFactory, ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {
    "desktop": {"viewport": {"width": 1366, "height": 768}},
    "phone": {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True},
}
# A wide area and a tall one: the drawn shape must keep its proportions in the square thumbnail.
WIDE = MultiPolygon(Polygon.from_bbox((8.30, 48.98, 8.50, 49.04)), srid=4326)
TALL = MultiPolygon(Polygon.from_bbox((8.38, 48.90, 8.42, 49.10)), srid=4326)


@pytest.fixture
def projects(db):
    now = timezone.now()
    made = {
        "running": ProjectFactory(slug="radwege", title_de="Radwege Nord", area=WIDE),
        "upcoming": ProjectFactory(
            slug="laden",
            title_de="Ladesäulen Süd",
            area=TALL,
            phase_start=now + timedelta(days=14),
            phase_end=now + timedelta(days=60),
        ),
        "finished": ProjectFactory(
            slug="sharing",
            title_de="Sharing 2025",
            description_de="Wo sollen Leihräder stehen? Die Ergebnisse bleiben online.",
            phase_start=now - timedelta(days=400),
            phase_end=now - timedelta(days=300),
        ),
    }
    ProjectFactory(slug="geheim", title_de="Noch nicht öffentlich", is_public=False)
    for project in made.values():
        CategoryFactory(project=project)
    return made


def drawn_outline(page, slug: str) -> dict:
    """Boxes of a card's thumbnail and of the area drawn in it, in screen pixels."""
    card = page.locator(f'.project-card[data-slug="{slug}"]')
    return {
        "svg": card.locator("svg.project-outline").bounding_box(),
        "path": card.locator("svg.project-outline path").bounding_box(),
    }


def mercator_aspect(area: MultiPolygon) -> float:
    xmin, ymin, xmax, ymax = area.transform(3857, clone=True).extent
    return (xmax - xmin) / (ymax - ymin)


@pytest.mark.parametrize("size", SIZES)
def test_start_page_shows_each_project_with_its_area_in_place(live_server, browser, projects, size):
    context = browser.new_context(locale="de-DE", **SIZES[size])
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto(live_server.url + "/")

    headings = page.locator(".project-group h2")
    expect(headings).to_have_text(["Jetzt laufend", "Demnächst", "Abgeschlossen"])
    expect(page.locator(".project-card")).to_have_count(3)
    expect(page.get_by_text("Noch nicht öffentlich")).to_have_count(0)
    for group, project in projects.items():
        card = page.locator(f".project-group--{group} .project-card[data-slug='{project.slug}']")
        expect(card).to_be_visible()
        boxes = drawn_outline(page, project.slug)
        svg, path = boxes["svg"], boxes["path"]
        # Drawn inside its thumbnail, filling it along its longer side, with its real proportions.
        assert svg["x"] <= path["x"]
        assert path["x"] + path["width"] <= svg["x"] + svg["width"] + 0.5
        assert svg["y"] <= path["y"]
        assert path["y"] + path["height"] <= svg["y"] + svg["height"] + 0.5
        assert max(path["width"] / svg["width"], path["height"] / svg["height"]) > 0.8
        # Proportions of the area in Web Mercator, to the stroke's pixel (its 2 px width is in the box).
        aspect = mercator_aspect(project.area)
        if aspect < 1:
            assert abs(path["width"] - 2 - (path["height"] - 2) * aspect) < 1.5
        else:
            assert abs(path["height"] - 2 - (path["width"] - 2) / aspect) < 1.5
    assert page.locator("img, .leaflet-tile").count() == 0  # no base-map tiles: the shape is the map
    assert serious_violations(page) == []
    if size == "phone":  # touch targets are measured where people touch (as the other page tests do)
        assert small_targets(page) == []
    screenshot(page, f"home-{size}")
    assert errors == []
    context.close()


def test_whole_card_leads_to_a_finished_project_that_stays_readable(live_server, page, projects):
    page.goto(live_server.url + "/")

    # Tapping the small map (not the title) opens the project: the card is one target.
    box = page.locator('.project-card[data-slug="sharing"] svg').bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)

    expect(page).to_have_url(live_server.url + "/projects/sharing/")
    expect(page.locator("#phase-notice")).to_contain_text("Die Beteiligung ist beendet")
    expect(page.locator("#compose-start")).to_have_count(0)
    wait_for_map(page)
    assert page.js_errors == []


def test_keyboard_reaches_each_project_once(live_server, page, projects):
    page.goto(live_server.url + "/")

    reached = []
    for _ in range(12):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("() => document.activeElement.getAttribute('href')"))

    projects_reached = [href for href in reached if href and href.startswith("/projects/")]
    # A finished project's card also leads to its results (one more stop, after its map).
    assert projects_reached == [
        "/projects/radwege/",
        "/projects/laden/",
        "/projects/sharing/",
        "/projects/sharing/results/",
    ]
