"""A planner in a real browser: the dashboard's charts and hotspot map, and answering a suggestion."""

import pytest
from django.core.management import call_command
from django.db import connection
from playwright.sync_api import expect

from participation.models import Category, Project, Suggestion
from tests.browser.helpers import screenshot, serious_violations, sign_in, small_targets
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Realistic demand on top of the Karlsruhe demo: 400 published suggestions over ten weeks, most of them around
# four places (station, market square, campus, Durlach) and the rest spread over the city; the planning office
# has already answered some. Deterministic (setseed) so the screenshots are comparable between runs.
DEMAND = """
SELECT setseed(0.17);
WITH place(n, lon, lat, spread) AS (
    VALUES (0, 8.4016, 48.9937, 0.0020), (1, 8.4037, 49.0093, 0.0016), (2, 8.4160, 49.0120, 0.0018),
           (3, 8.4720, 48.9990, 0.0022), (4, 8.4000, 49.0050, 0.0500)
),
row AS (
    SELECT i, CASE WHEN i %% 10 < 3 THEN 0 WHEN i %% 10 < 5 THEN 1 WHEN i %% 10 < 6 THEN 2
                   WHEN i %% 10 < 7 THEN 3 ELSE 4 END AS n, random() AS r1, random() AS r2, random() AS r3
    FROM generate_series(0, 399) AS i
)
INSERT INTO participation_suggestion (
    project_id, category_id, geom, title, text, display_name, moderation_state, planning_status,
    official_answer, support_count, comment_count, created_at, updated_at, language, source_address
)
SELECT %(project_id)s,
       (%(category_ids)s::bigint[])[1 + (i * 7 + n) %% 3],
       ST_SetSRID(ST_MakePoint(p.lon + (r1 - 0.5) * 2 * p.spread, p.lat + (r2 - 0.5) * p.spread), 4326),
       (ARRAY['Ladestation am Platz', 'Sharing-Station hier', 'Mehr Abstellplätze', 'Ladepunkt mit Dach'])
           [1 + i %% 4] || ' ' || i,
       'Text', 'Anna K.', 'published',
       (ARRAY['received', 'received', 'received', 'under_review', 'planned', 'implemented', 'declined'])
           [1 + (i * 3) %% 7],
       '', floor(r3 * r3 * 60)::int, i %% 4,
       now() - make_interval(days => floor(70 * sqrt(r1 * r2))::int), now(), 'de', ''
FROM row JOIN place AS p USING (n)
"""


@pytest.fixture
def demo(db):
    call_command("load_demo", "--no-accounts")
    project = Project.objects.get(slug="karlsruhe-ebikes")
    points = list(
        Category.objects.filter(project=project, geometry_kind="point")
        .order_by("position")
        .values_list("pk", flat=True)
    )
    with connection.cursor() as cursor:
        cursor.execute(DEMAND, {"project_id": project.pk, "category_ids": points[:3]})
    return project


@pytest.fixture
def planner(demo):
    return UserFactory(username="paula", planner_of=demo)


def open_dashboard(page, live_server, project) -> None:
    page.goto(f"{live_server.url}/projects/{project.slug}/dashboard/")
    page.wait_for_selector("body[data-hotspots]")


def test_sets_an_official_answer_as_a_planner(live_server, page, demo, planner):
    sign_in(page, live_server, planner)
    open_dashboard(page, live_server, demo)

    assert page.get_attribute("body", "data-charts") == "3"
    for chart in ("#chart-category", "#chart-status", "#chart-week"):
        box = page.locator(chart).bounding_box()
        assert box["width"] > 200
        assert box["height"] > 100
    assert int(page.get_attribute("body", "data-hotspots")) >= 4
    assert page.locator("#hotspot-map path.hotspot").count() >= 4
    assert page.js_errors == []
    assert serious_violations(page) == []
    screenshot(page, "dashboard")

    # The most supported suggestion, from the dashboard's list, with the keyboard.
    top = page.locator("#top-list a").first
    title = top.inner_text()
    top.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#answer-status")
    suggestion = Suggestion.objects.get(project=demo, title=title)
    page.select_option("#answer-status", "planned")
    page.fill("#answer-text", "Die Stadt plant hier eine Ladestation für 2027.")
    page.click("#answer-save")
    expect(page.locator(".message--success")).to_be_visible()
    assert page.js_errors == []

    page.goto(f"{live_server.url}/projects/{demo.slug}/suggestions/{suggestion.pk}/")
    expect(page.locator(".official-answer")).to_contain_text(
        "Die Stadt plant hier eine Ladestation für 2027."
    )
    expect(page.locator(".status-badge")).to_have_text("Geplant")
    suggestion.refresh_from_db()
    assert suggestion.planning_status == "planned"
    expect(page.locator(".official-answer h3 small")).to_contain_text(str(suggestion.answered_at.year))


def test_dashboard_on_a_phone(live_server, browser, demo, planner):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="de-DE", has_touch=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, live_server, planner)
    open_dashboard(page, live_server, demo)

    # Nothing sticks out sideways (Leaflet's own panes are clipped by the map and do not count).
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
          .filter((e) => !e.closest('.leaflet-container') && e.getBoundingClientRect().right > 391)
          .map((e) => `${e.tagName}.${e.className}`)"""
    )
    assert wide == []
    assert small_targets(page) == []
    assert errors == []
    screenshot(page, "dashboard-phone")
    context.close()


def test_the_public_map_filters_and_styles_by_status(live_server, page, demo):
    page.goto(f"{live_server.url}/projects/{demo.slug}/")
    page.wait_for_selector("body[data-features-loaded]")
    page.evaluate("() => window.participationMap.setView([48.9937, 8.4016], 17, {animate: false})")
    page.wait_for_function("() => document.querySelectorAll('.suggestion-marker.status--planned').length > 0")
    page.evaluate("() => delete document.body.dataset.featuresLoaded")
    page.select_option("#filter-status", "implemented")
    page.wait_for_selector("body[data-features-loaded]")
    assert page.locator(".suggestion-marker.status--implemented").count() > 0
    assert page.locator(".suggestion-marker.status--planned").count() == 0
    assert page.js_errors == []
