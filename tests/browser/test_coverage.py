"""The planners' coverage page in a real browser, on the Karlsruhe demo with its real OSM districts: each
district is drawn where it lies, the densest in the darkest class, and the page passes axe."""

import pytest
from django.db import connection

from tests.browser.helpers import screenshot, serious_violations, sign_in
from tests.browser.test_planner import demo, planner  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def district_extent(name: str) -> tuple[float, float, float, float]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM ("
            " SELECT ST_Extent(f.geom) AS e FROM geo_district AS d"
            " JOIN geo_context_feature AS f ON f.id = d.feature_id WHERE d.name = %s) AS x",
            [name],
        )
        return cursor.fetchone()


@pytest.mark.parametrize("viewport", [(1366, 768), (390, 844)])
def test_the_districts_are_drawn_where_they_lie(live_server, new_page, demo, planner, viewport):  # noqa: F811
    page = new_page(viewport={"width": viewport[0], "height": viewport[1]})
    sign_in(page, live_server, planner)
    page.goto(f"{live_server.url}/projects/{demo.slug}/planning/coverage/")
    page.wait_for_selector("body[data-districts]")
    assert page.get_attribute("body", "data-districts") == "28"

    page.locator("#district-map").scroll_into_view_if_needed()
    west, south, east, north = district_extent("Oststadt")
    corners = page.evaluate(
        "([w, s, e, n]) => [window.districtMap.latLngToContainerPoint([n, w]),"
        " window.districtMap.latLngToContainerPoint([s, e])].map((p) => [p.x, p.y])",
        [west, south, east, north],
    )
    district_id = page.evaluate(
        "(name) => JSON.parse(document.getElementById('coverage-config').textContent)"
        ".districts.find((d) => d.name === name).id",
        "Oststadt",
    )
    drawn = page.locator(f'#district-map path[data-district="{district_id}"]').bounding_box()
    box = page.locator("#district-map").bounding_box()
    (x0, y0), (x1, y1) = corners
    assert drawn["x"] - box["x"] == pytest.approx(x0, abs=3)
    assert drawn["y"] - box["y"] == pytest.approx(y0, abs=3)
    assert drawn["width"] == pytest.approx(x1 - x0, abs=4)
    assert drawn["height"] == pytest.approx(y1 - y0, abs=4)

    # The densest district (most suggestions per km² in the table) is in the darkest class.
    densest = page.evaluate(
        "() => JSON.parse(document.getElementById('coverage-config').textContent).districts"
        ".filter((d) => d.leaf).sort((a, b) => b.perKm2 - a.perKm2)[0].id"
    )
    fill = page.locator(f'#district-map path[data-district="{densest}"]').get_attribute("fill")
    assert fill == "#08519c"
    assert page.locator("#table-gaps tbody tr").count() > 0
    assert serious_violations(page) == []
    screenshot(page, f"coverage-{viewport[0]}")
