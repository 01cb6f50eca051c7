"""Context layers on the public map, in a real browser: a feature drawn from the layer's vector tiles where
its coordinates project (the canvas's pixel there has the layer's colour, and not a few symbols away), gone
when its switch is turned off; the legend and the credits as text; the suggestions above them; the phone
layout; the export page's map."""

import json

import pytest
from django.contrib.gis.geos import Point
from playwright.sync_api import expect

from geo.layers.imports import layer_import
from geo.layers.models import ContextLayer
from participation.models import ModerationState
from tests.browser.helpers import centre_map, map_point, screenshot, serious_violations
from tests.factories import CategoryFactory, ProjectFactory, SuggestionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

P = (8.4037, 49.0094)  # a bicycle parking of the layer
Q = (8.4060, 49.0105)  # another one, with a suggestion on top of it
COLOUR = "#0e7490"
HTML_NAME = "Markt <b>40</b>"
HTML_CREDIT = "© <i>OSM</i> contributors"
WAIT_TILES = "body[data-context-loaded]"

# The colour the context pane's canvases have at a page point, searching `reach` px around it: [r, g, b, a] of
# the pixel nearest to the layer's colour, or null where no tile canvas covers the point.
PIXEL = """([x, y, reach, rgb]) => {
  let best = null;
  for (const canvas of document.querySelectorAll('.leaflet-context-pane canvas')) {
    const r = canvas.getBoundingClientRect();
    if (x < r.left || x >= r.right || y < r.top || y >= r.bottom) continue;
    const scale = canvas.width / r.width;
    const ctx = canvas.getContext('2d');
    for (let dy = -reach; dy <= reach; dy += 1) {
      for (let dx = -reach; dx <= reach; dx += 1) {
        const cx = Math.round((x + dx - r.left) * scale);
        const cy = Math.round((y + dy - r.top) * scale);
        if (cx < 0 || cy < 0 || cx >= canvas.width || cy >= canvas.height) continue;
        const p = [...ctx.getImageData(cx, cy, 1, 1).data];
        const off = p[3] < 40 ? 999 : Math.hypot(p[0] - rgb[0], p[1] - rgb[1], p[2] - rgb[2]);
        if (!best || off < best.off) best = { off, p };
      }
    }
  }
  return best;
}"""


@pytest.fixture
def project(db, tmp_path):
    project = ProjectFactory(slug="layers-demo", map_center=Point(*P, srid=4326), map_zoom=16)
    sharing = CategoryFactory(project=project, key="sharing-point", geometry_kind="point", colour="#1d4ed8")
    SuggestionFactory(
        project=project,
        category=sharing,
        geom=Point(*Q, srid=4326),
        title="Station am Platz",
        moderation_state=ModerationState.PUBLISHED,
    )
    source = tmp_path / "parking.geojson"
    features = [
        {
            "type": "Feature",
            "properties": {"name": HTML_NAME, "capacity": "40"},
            "geometry": {"type": "Point", "coordinates": list(P)},
        },
        {
            "type": "Feature",
            "properties": {"capacity": "8"},
            "geometry": {"type": "Point", "coordinates": list(Q)},
        },
    ]
    source.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    layer = ContextLayer.objects.create(
        project=project,
        name_de="Fahrradparken",
        name_en="Bicycle parking",
        role="facilities",
        category=sharing,
        colour=COLOUR,
        icon="circle",
        attribution=HTML_CREDIT,
        licence="ODbL 1.0",
        visible_by_default=True,
    )
    layer_import(layer=layer, source=source, actor=None)
    return project


def rgb(colour: str) -> list[int]:
    return [int(colour[i : i + 2], 16) for i in (1, 3, 5)]


def colour_at(page, lon: float, lat: float, reach: int = 2):
    x, y = map_point(page, lon, lat)
    return page.evaluate(PIXEL, [x, y, reach, rgb(COLOUR)])


def open_map(page, live_server) -> None:
    page.route("https://**", lambda route: route.abort())  # no base map: tests run offline
    page.goto(live_server.url + "/projects/layers-demo/")
    page.wait_for_selector("body[data-features-loaded]")
    page.wait_for_selector(WAIT_TILES)


def test_a_context_feature_is_drawn_where_it_is_and_goes_when_switched_off(live_server, new_page, project):
    page = new_page(viewport={"width": 1366, "height": 768}, locale="en-GB")
    open_map(page, live_server)
    centre_map(page, *P, 17)
    page.wait_for_timeout(300)
    page.wait_for_selector(WAIT_TILES)

    drawn = colour_at(page, *P)
    assert drawn is not None
    assert drawn["off"] < 40, drawn
    # A symbol is 16 px wide: 30 px east of the feature there is nothing of the layer.
    x, y = map_point(page, *P)
    beside = page.evaluate(PIXEL, [x + 30, y, 0, rgb(COLOUR)])
    assert beside is None or beside["off"] > 100, beside

    # The legend: the layer's name beside its switch and its swatch; the credits as text, not as markup.
    switch = page.get_by_role("checkbox", name="Bicycle parking")
    expect(switch).to_be_checked()
    expect(page.locator(".context-choice canvas.context-swatch")).to_have_count(1)
    attribution = page.locator(".leaflet-control-attribution")
    expect(attribution).to_contain_text(HTML_CREDIT + ", ODbL 1.0")
    assert attribution.locator("i").count() == 0

    # A click on the feature names it, as text; the suggestion on the other feature stays on top of it.
    page.mouse.click(*map_point(page, *P))
    expect(page.locator(".context-tooltip")).to_have_text(f"{HTML_NAME} (Bicycle parking) – capacity: 40")
    assert page.locator(".context-tooltip b").count() == 0
    qx, qy = map_point(page, *Q)
    on_top = page.evaluate(
        "([x, y]) => !!document.elementFromPoint(x, y).closest('.suggestion-marker')", [qx, qy]
    )
    assert on_top
    screenshot(page, "context-layers-desktop", full_page=False)

    switch.uncheck()
    page.wait_for_timeout(100)
    gone = colour_at(page, *P)
    assert gone is None or gone["off"] > 100, gone
    expect(attribution).not_to_contain_text(HTML_CREDIT)

    switch.check()
    page.wait_for_selector(WAIT_TILES)
    page.wait_for_timeout(100)
    assert colour_at(page, *P)["off"] < 40
    assert page.js_errors == []


def test_the_context_layers_take_no_tab_stop_and_the_control_is_keyboard_usable(
    live_server, new_page, project
):
    page = new_page(viewport={"width": 1366, "height": 768}, locale="en-GB")
    open_map(page, live_server)

    assert page.locator(".leaflet-context-pane [tabindex], .leaflet-context-pane a").count() == 0
    switch = page.get_by_role("checkbox", name="Bicycle parking")
    switch.focus()
    page.keyboard.press("Space")
    expect(switch).not_to_be_checked()
    page.wait_for_timeout(100)
    gone = colour_at(page, *P)
    assert gone is None or gone["off"] > 100, gone
    assert serious_violations(page) == []


def test_on_a_phone_the_layer_control_starts_closed_and_opens(live_server, new_page, project):
    page = new_page(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True, locale="de-DE")
    open_map(page, live_server)

    toggle = page.locator("#context-toggle")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#context-panel")).to_be_hidden()
    box = toggle.bounding_box()
    assert min(box["width"], box["height"]) >= 44
    assert colour_at(page, *P)["off"] < 40  # the layer is drawn all the same

    toggle.tap()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    switch = page.get_by_role("checkbox", name="Fahrradparken")
    expect(switch).to_be_visible()
    switch.tap()
    expect(switch).not_to_be_checked()
    screenshot(page, "context-layers-phone", full_page=False)
    assert page.js_errors == []


def test_the_export_page_shows_the_same_layers(live_server, new_page, project):
    from tests.browser.helpers import sign_in
    from tests.factories import UserFactory

    page = new_page(viewport={"width": 1366, "height": 768}, locale="en-GB")
    page.route("https://**", lambda route: route.abort())
    sign_in(page, live_server, UserFactory(username="paula", planner_of=project))
    page.goto(live_server.url + "/projects/layers-demo/planning/export/")
    page.wait_for_selector(WAIT_TILES)

    # Closed under the drawing tools: the button names it, the switch is there once it opens.
    page.locator("#context-toggle").click()
    expect(page.get_by_role("checkbox", name="Bicycle parking")).to_be_checked()
    expect(page.locator(".leaflet-control-attribution")).to_contain_text(HTML_CREDIT)
    assert page.js_errors == []
