"""The planners' segment map in a real browser: the most demanded street segment is drawn where it lies in
the darkest class, a street nobody asked for in thin grey, and the page passes axe on a computer and a
phone."""

import pytest

from tests.browser.helpers import screenshot, serious_violations, sign_in
from tests.factories import CategoryFactory, ProjectFactory, SuggestionFactory, UserFactory
from tests.geo.demand_network import crossing, grid_network, path

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DARKEST = (0x67, 0x00, 0x0D)
GREY = (0x94, 0xA3, 0xB8)


# The colours drawn on the segment tiles' canvases in a row of five pixels centred on the viewport point
# (x, y), where a tile's canvas holds it (a thin line is drawn antialiased, so one pixel may miss it).
READ_PIXELS = """([x, y]) => [...document.querySelectorAll('#segment-map canvas.segment-tile')]
  .flatMap((canvas) => {
    const box = canvas.getBoundingClientRect();
    if (x < box.left || x >= box.right || y < box.top || y >= box.bottom) return [];
    const ratio = canvas.width / box.width;
    const ctx = canvas.getContext('2d');
    return [-2, -1, 0, 1, 2].map((dx) => {
        const px = Math.floor((x - box.left + dx) * ratio);
        const d = ctx.getImageData(px, Math.floor((y - box.top) * ratio), 1, 1).data;
        return d[3] > 0 ? [d[0], d[1], d[2]] : null;
    }).filter(Boolean);
})"""


def pixels(page, x: float, y: float) -> list[tuple[int, int, int]]:
    return [tuple(c) for c in page.evaluate(READ_PIXELS, [x, y])]


def near(colours: list[tuple[int, int, int]], wanted: tuple[int, int, int], tolerance: int = 12) -> bool:
    return any(all(abs(a - b) <= tolerance for a, b in zip(c, wanted, strict=True)) for c in colours)


@pytest.mark.parametrize("viewport", [(1366, 768), (390, 844)])
def test_the_segments_are_coloured_by_demand_where_they_lie(live_server, new_page, viewport):
    project = ProjectFactory(slug="grid")
    grid_network(project)
    bike = CategoryFactory(project=project, key="bike-path", geometry_kind="line")
    for supports in (9, 3):
        SuggestionFactory(category=bike, geom=path((1, 0), (1, 2)), support_count=supports)
    SuggestionFactory(category=bike, geom=path((1, 1), (1, 3), offset_m=4), support_count=1)
    planner = UserFactory(planner_of=project)

    page = new_page(viewport={"width": viewport[0], "height": viewport[1]})
    sign_in(page, live_server, planner)
    page.goto(f"{live_server.url}/projects/grid/planning/coverage/")
    page.locator("#segment-map").scroll_into_view_if_needed()
    page.wait_for_selector("body[data-segments-loaded]")

    def at(row: float, col: float) -> list[tuple[int, int, int]]:
        lon, lat = crossing(row, col)
        point = page.evaluate("(at) => window.segmentMap.latLngToContainerPoint(at)", [lat, lon])
        box = page.locator("#segment-map").bounding_box()
        return pixels(page, box["x"] + point["x"], box["y"] + point["y"])

    # Oststraße 1 between Nordstraße 1 and 2: three paths and 13 supports, the most demanded.
    assert near(at(1, 1.5), DARKEST)
    # Nordstraße 0 between Oststraße 1 and 2: nobody asked; drawn thin and grey (the map is at zoom 14+).
    assert near(at(1.5, 0), GREY, tolerance=30)
    assert page.locator("#segment-legend span").count() >= 2
    assert page.js_errors == []
    assert serious_violations(page) == []
    screenshot(page, f"segment-map-{viewport[0]}")
