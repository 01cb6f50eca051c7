""" "My suggestions" and an author's correction in a real browser: reached from the header, every state as a
person reads it, and a point moved on the correction page's map lands where it was clicked."""

import pytest
from django.contrib.gis.geos import Point, Polygon
from django.utils import timezone
from playwright.sync_api import expect

from participation.models import ModerationAction, ModerationEvent, Suggestion
from tests.browser.helpers import screenshot, serious_violations, sign_in, small_targets
from tests.factories import CategoryFactory, SuggestionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Leaflet at zoom 16 (the correction page's view of a point): degrees of longitude per CSS pixel.
LON_PER_PX_Z16 = 360 / (256 * 2**16)


@pytest.fixture
def several(point_category, citizen):
    target = SuggestionFactory(category=point_category, title="Ladepunkt am Bahnhof")
    rows = {
        "published": SuggestionFactory(
            category=point_category,
            author=citizen,
            title="Ladesäule am Marktplatz",
            geom=Point(8.40, 49.00, srid=4326),
            planning_status="planned",
            official_answer="Die Stadt baut hier 2027 eine Ladesäule.",
            answered_at=timezone.now(),
        ),
        "pending": SuggestionFactory(
            category=point_category, author=citizen, title="Radbügel am Schloss", moderation_state="pending"
        ),
        "rejected": SuggestionFactory(
            category=point_category, author=citizen, title="Ladestation im Wald", moderation_state="rejected"
        ),
        "merged": SuggestionFactory(
            category=point_category,
            author=citizen,
            title="Laden am Hauptbahnhof",
            moderation_state="merged",
            merged_into=target,
        ),
    }
    ModerationEvent.objects.create(
        project_id=point_category.project_id,
        suggestion=rows["rejected"],
        action=ModerationAction.REJECT,
        from_state="pending",
        to_state="rejected",
        reason="Der Ort liegt im Naturschutzgebiet.",
    )
    return rows


def test_my_suggestions_from_the_header_and_moving_a_point_where_it_is_clicked(
    live_server, browser, citizen, point_category, several
):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="de-DE")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, live_server, citizen)
    page.goto(f"{live_server.url}/projects/{point_category.project.slug}/")

    # The account's links sit in the header's account menu, named after the person.
    page.locator(".site-header summary", has_text="Anna K.").click()
    page.get_by_role("link", name="Meine Vorschläge").click()

    expect(page).to_have_url(f"{live_server.url}/account/suggestions/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Meine Vorschläge")
    rejected = page.locator(f"#own-{several['rejected'].pk}")
    expect(rejected.locator(".state-badge")).to_have_text("Abgelehnt")
    expect(rejected).to_contain_text("Der Ort liegt im Naturschutzgebiet.")
    merged = page.locator(f"#own-{several['merged'].pk}")
    target = merged.locator("a.merge-target")
    expect(target).to_contain_text("Ladepunkt am Bahnhof")
    expect(target).to_have_attribute(
        "href", f"/projects/{point_category.project.slug}/suggestions/{several['merged'].merged_into_id}/"
    )
    published = page.locator(f"#own-{several['published'].pk}")
    expect(published).to_contain_text("Die Stadt baut hier 2027 eine Ladesäule.")
    screenshot(page, "own-suggestions-desktop")

    published.get_by_role("link", name="Korrigieren").click()
    dot = page.locator("#edit-map path.edit-place")
    expect(dot).to_be_visible()
    before = dot.bounding_box()
    centre = (before["x"] + before["width"] / 2, before["y"] + before["height"] / 2)
    page.mouse.click(centre[0] + 100, centre[1] - 60)
    after = dot.bounding_box()
    expect(page.locator("#place-status")).to_contain_text("Neuer Ort gewählt")
    page.get_by_label("Titel").fill("Ladesäule vor dem Rathaus")
    screenshot(page, "own-suggestion-correct")
    page.get_by_role("button", name="Änderungen speichern").click()

    expect(page.locator(".messages")).to_contain_text("Ihre Änderungen sind gespeichert")
    moved = Suggestion.objects.get(pk=several["published"].pk)
    # The drawn point went where the click was, and the stored place is that pixel's place.
    assert after["x"] + after["width"] / 2 == pytest.approx(centre[0] + 100, abs=1.5)
    assert after["y"] + after["height"] / 2 == pytest.approx(centre[1] - 60, abs=1.5)
    assert moved.title == "Ladesäule vor dem Rathaus"
    assert moved.geom.x == pytest.approx(8.40 + 100 * LON_PER_PX_Z16, abs=2 * LON_PER_PX_Z16)
    assert moved.geom.y > 49.0
    assert moved.moderation_state == "published"  # post-moderation: it stays public
    assert errors == []
    context.close()


def test_my_suggestions_on_a_phone(live_server, browser, citizen, several):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="de-DE", has_touch=True)
    phone = context.new_page()
    sign_in(phone, live_server, citizen)

    phone.goto(f"{live_server.url}/account/suggestions/")

    expect(phone.locator(".own-item")).to_have_count(4)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert small_targets(phone) == []
    assert serious_violations(phone) == []
    screenshot(phone, "own-suggestions-phone")
    context.close()


def test_correcting_an_area_draws_it_where_it_is_and_keeps_it_an_area(live_server, browser, citizen, project):
    """A category may take areas (polygons): the correction page read their rings as if they were a line's
    points and threw, so neither the place nor the map worked."""
    areas = CategoryFactory(project=project, key="zone", geometry_kind="polygon", colour="#7c3aed")
    ring = [(8.395, 48.995), (8.405, 48.995), (8.405, 49.005), (8.395, 49.005), (8.395, 48.995)]
    area = SuggestionFactory(
        category=areas, author=citizen, title="Tempo 20 Zone", geom=Polygon(ring, srid=4326)
    )
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="de-DE")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, live_server, citizen)
    page.goto(f"{live_server.url}/projects/{project.slug}/suggestions/{area.pk}/edit/")

    drawn = page.locator("#edit-map path.edit-place")
    expect(drawn).to_have_count(1)
    box = drawn.bounding_box()
    corners = page.evaluate(
        "(ring) => { const map = window.participationMap;"
        " const r = map.getContainer().getBoundingClientRect();"
        " return ring.map(([lon, lat]) => { const p = map.latLngToContainerPoint([lat, lon]);"
        " return [p.x + r.left, p.y + r.top]; }); }",
        ring,
    )
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    assert abs(box["x"] - min(xs)) <= 5
    assert abs(box["x"] + box["width"] - max(xs)) <= 5
    assert abs(box["y"] - min(ys)) <= 5
    assert abs(box["y"] + box["height"] - max(ys)) <= 5

    # Drag the north-east corner a little further out; the form sends an area with a closed ring.
    ne = corners[2]
    page.mouse.move(ne[0], ne[1])
    page.mouse.down()
    page.mouse.move(ne[0] + 30, ne[1] - 20, steps=5)
    page.mouse.up()
    expect(page.locator("#place-status")).to_have_text(
        "Die Fläche wurde geändert. Speichern Sie die Änderungen, um sie zu behalten."
    )
    page.locator("#save").click()
    page.wait_for_load_state()

    area.refresh_from_db()
    assert errors == []
    assert area.geom.geom_type == "Polygon"
    assert area.geom.valid
    moved = area.geom.coords[0]
    assert moved[0] == moved[-1]
    assert len(moved) == 5
    assert max(x for x, _y in moved) > 8.405
    context.close()
