"""The compose flow says what already exists where the citizen places a suggestion ("Ladestationen mit 40
Plätzen, 90 m entfernt"), beside the duplicate hint: in the page's language, attributes as text, updated
when the pin moves, and never in the way when the server cannot answer."""

import pytest
from playwright.sync_api import expect

from participation.models import Suggestion
from tests.browser.helpers import centre_map, click_map, screenshot, sign_in, wait_for_map
from tests.factories import ContextFeatureFactory, FacilityLayerFactory
from tests.geo.test_facilities_nearby import east, metres_east

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAP = "/projects/test-project/"
DESKTOP = {"viewport": {"width": 1366, "height": 768}}
HERE = (8.40, 49.00)


@pytest.fixture
def chargers(categories):
    layer = FacilityLayerFactory(
        category=categories["point"], name_de="Ladestationen", name_en="Charging stations"
    )
    ContextFeatureFactory(
        layer=layer, geom=east(90 / metres_east(49.0, 1)), properties={"capacity": "40", "operator": "x"}
    )
    ContextFeatureFactory(
        layer=layer,
        geom=east(-152 / metres_east(49.0, 1)),
        properties={"name": "<b>Rathaus</b>", "capacity": 1},
    )
    hidden = FacilityLayerFactory(category=categories["point"], name_de="Geplant (intern)", public=False)
    ContextFeatureFactory(layer=hidden, geom=east(20 / metres_east(49.0, 1)))
    return layer


def start_composing(page, live_server, user, texts):
    sign_in(page, live_server, user)
    page.goto(live_server.url + MAP)
    wait_for_map(page)
    centre_map(page, *HERE, 16)
    page.wait_for_timeout(300)
    page.get_by_role("button", name=texts[0]).click()
    page.get_by_role("radio", name=texts[1]).check()


def test_placing_a_pin_near_existing_chargers_says_how_far_they_are(live_server, new_page, citizen, chargers):
    page = new_page(locale="de-DE", **DESKTOP)
    start_composing(page, live_server, citizen, ("Vorschlag machen", "Ladestation"))

    click_map(page, *HERE)

    hint = page.locator("#facilities-nearby")
    expect(hint).to_have_attribute("role", "status")
    expect(hint).to_contain_text("Schon vorhanden im Umkreis von 300 m:")
    expect(hint.locator("li")).to_have_text(
        [
            "Ladestationen mit 40 Plätzen, 90 m entfernt",
            "Ladestationen „<b>Rathaus</b>“ mit 1 Platz, 150 m entfernt",
        ]
    )
    expect(hint.locator("b")).to_have_count(0)  # the attribute is text, never markup
    expect(hint).not_to_contain_text("Geplant")  # a layer only planners see
    screenshot(page, "compose-facilities-nearby-de")

    # Drawn again 440 m further east, 350 m past the nearer charger (the Rathaus is west): nothing of the
    # kind within 300 m, and the hint goes away once the answer is there (not because the redraw cleared it).
    page.get_by_role("button", name="Neu zeichnen").click()
    with page.expect_response(lambda response: "facilities-nearby" in response.url):
        click_map(page, HERE[0] + 0.0060, HERE[1])
    expect(hint.locator("li")).to_have_count(0)
    expect(hint).to_be_hidden()
    # … and back next to the chargers: said again.
    page.get_by_role("button", name="Neu zeichnen").click()
    click_map(page, HERE[0] + 0.0005, HERE[1])
    expect(hint.locator("li").first).to_have_text("Ladestationen mit 40 Plätzen, 50 m entfernt")
    assert page.js_errors == []


def test_in_english_and_without_an_answer_the_flow_goes_on(live_server, new_page, citizen, chargers):
    page = new_page(locale="en-GB", **DESKTOP)
    start_composing(page, live_server, citizen, ("Make a suggestion", "Charging station"))

    click_map(page, *HERE)

    hint = page.locator("#facilities-nearby")
    expect(hint.locator("li")).to_have_text(
        [
            "Charging stations with 40 places, 90 m away",
            "Charging stations “<b>Rathaus</b>” with 1 place, 150 m away",
        ]
    )

    # The server cannot answer the hint any more: the pin is placed anew, the suggestion sent all the same.
    page.route("**/facilities-nearby/**", lambda route: route.abort())
    page.get_by_role("button", name="Draw again").click()
    click_map(page, HERE[0] + 0.0002, HERE[1])
    expect(hint.locator("li")).to_have_count(0)
    page.get_by_label("Title").fill("Charger at the market")
    page.get_by_role("button", name="Send suggestion").click()
    expect(page.locator("#compose-result")).to_be_visible()
    assert Suggestion.objects.count() == 1


def test_on_a_phone_the_hint_is_in_view_at_the_step_the_sheet_moves_on_to(
    live_server, new_page, citizen, chargers
):
    page = new_page(locale="de-DE", viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    start_composing(page, live_server, citizen, ("Vorschlag machen", "Ladestation"))
    sheet = page.locator("#panel").bounding_box()
    map_box = page.locator("#map").bounding_box()
    # The middle of the map the sheet leaves uncovered; the chargers lie within 300 m of any point there.
    page.touchscreen.tap(map_box["x"] + map_box["width"] / 2, sheet["y"] - 60)

    hint = page.locator("#facilities-nearby")
    expect(hint.locator("li").first).to_contain_text("Ladestationen mit 40 Plätzen")
    page.wait_for_timeout(300)  # the sheet has settled
    # Not just above the sheet's visible part, where the browser's scroll anchoring would keep it.
    expect(hint).to_be_in_viewport()
    body, box = page.locator("#panel-body").bounding_box(), hint.bounding_box()
    assert body["y"] - 1 <= box["y"]  # one pixel for the rounding of the scroll position
    assert box["y"] + box["height"] <= body["y"] + body["height"]
    expect(page.get_by_label("Titel")).to_be_in_viewport()
    assert page.js_errors == []
