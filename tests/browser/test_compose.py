"""The new-suggestion flow ("Vorschlag machen") as a citizen sees it: on a phone the sheet moves on to the
next step and the placed pin stays in view; a line that leaves the project area is said where the send
button is; the drawing tools and the anti-spam widget arrive only when composing starts; Geoman speaks
our German.
"""

import json
import re

import pytest
from playwright.sync_api import expect

from participation.models import Suggestion
from tests.browser.helpers import centre_map, click_map, map_point, screenshot, sign_in, wait_for_map

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAP = "/projects/test-project/"
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
DESKTOP = {"viewport": {"width": 1366, "height": 768}}
# Source files of the compose flow: none of them may reach the browser before "Vorschlag machen".
COMPOSE_SOURCES = (
    "@geoman-io/",
    "node_modules/altcha/",
    "src/compose.js",
    "src/anti-spam.js",
    "src/placement.js",
)


@pytest.fixture
def open_page(new_page):
    def make(options=DESKTOP, locale="de-DE"):
        return new_page(locale=locale, **options)

    return make


def open_map(page, live_server, lon=8.40, lat=49.00, zoom=16):
    page.goto(live_server.url + MAP)
    wait_for_map(page)
    centre_map(page, lon, lat, zoom)
    page.wait_for_timeout(300)
    wait_for_map(page)


def box(page, selector):
    return page.locator(selector).bounding_box()


def settled_box(page, selector):
    """The drawn box once it has stopped moving (the sheet resizes, the map pans)."""
    last = None
    for _ in range(40):
        current = box(page, selector)
        if current == last:
            return current
        last = current
        page.wait_for_timeout(100)
    return last


# ------------------------------------------------------------------------ 3: phone, after placing a pin


def test_on_a_phone_placing_a_pin_moves_on_to_the_next_step_and_keeps_the_pin_in_view(
    live_server, open_page, citizen, categories
):
    page = open_page(PHONE)
    sign_in(page, live_server, citizen)
    open_map(page, live_server)

    page.get_by_role("button", name="Vorschlag machen").tap()
    page.get_by_role("radio", name="Ladestation").tap()
    expect(page.locator("#panel")).to_have_attribute("data-sheet", "drawing")
    # Tap the middle of the map that the sheet leaves uncovered, low down, near the sheet's edge.
    sheet = settled_box(page, "#panel")
    map_box = box(page, "#map")
    x, y = map_box["x"] + map_box["width"] / 2, sheet["y"] - 30
    page.touchscreen.tap(x, y)
    expect(page.locator(".compose-pin")).to_have_count(1)
    page.wait_for_timeout(200)
    screenshot(page, "compose-phone-after-placing")

    # The sheet shows the next step ("3. Beschreiben Sie es" with its title field), not the project's intro.
    sheet = settled_box(page, "#panel")
    step = page.get_by_text("3. Beschreiben Sie es")
    expect(step).to_be_visible()
    body = box(page, "#panel-body")
    step_box = step.bounding_box()
    title_box = box(page, "#compose-title")
    assert body["y"] - 1 <= step_box["y"]  # one pixel for the rounding of the sheet's scroll position
    assert step_box["y"] + step_box["height"] <= body["y"] + body["height"]
    assert title_box["y"] + title_box["height"] <= body["y"] + body["height"]
    intro = box(page, "#panel-title")
    assert intro is None or intro["y"] + intro["height"] <= body["y"], "the intro still fills the sheet"

    # The pin is drawn inside the part of the map the sheet does not cover.
    pin = settled_box(page, ".compose-pin")
    sheet = settled_box(page, "#panel")
    map_box = box(page, "#map")
    assert pin["x"] >= map_box["x"]
    assert pin["x"] + pin["width"] <= map_box["x"] + map_box["width"]
    assert pin["y"] >= map_box["y"], (pin, map_box)
    assert pin["y"] + pin["height"] <= sheet["y"], (pin, sheet)
    # … and it is the pin that was placed: the stored geometry is under it.
    tip = page.evaluate(
        "() => { let p = null; window.participationMap.eachLayer((l) => {"
        " if (l.options.icon && l.options.icon.options.className === 'compose-pin') p = l.getLatLng(); });"
        " return [p.lng, p.lat]; }"
    )
    tip_x, tip_y = map_point(page, *tip)
    assert pin["x"] <= tip_x <= pin["x"] + pin["width"]
    assert pin["y"] <= tip_y <= pin["y"] + pin["height"]
    screenshot(page, "compose-phone-pin-in-view")
    assert page.js_errors == []


# ------------------------------------------------------------- 4: a line leaving the area, at the send step

AREA_TEXTS = {
    "de-DE": {
        "start": "Vorschlag machen",
        "line": "Radweg",
        "title": "Titel",
        "send": "Vorschlag absenden",
        "area": "Projektgebiet",
    },
    "en-GB": {
        "start": "Make a suggestion",
        "line": "Bike path",
        "title": "Title",
        "send": "Send suggestion",
        "area": "project area",
    },
}


@pytest.mark.parametrize(
    ("locale", "late"),
    [("de-DE", False), ("en-GB", False), ("de-DE", True)],
    ids=["de-DE", "en-GB", "answer after scrolling to send"],
)
def test_a_line_leaving_the_project_area_is_said_at_the_send_button(
    live_server, open_page, citizen, categories, locale, late
):
    texts = AREA_TEXTS[locale]
    page = open_page(DESKTOP, locale)
    sign_in(page, live_server, citizen)
    open_map(page, live_server, lon=8.50, lat=49.00)  # the area's eastern edge runs through the middle
    posts = []
    page.on(
        "request",
        lambda r: posts.append(r.url) if r.method == "POST" and r.url.endswith("/suggestions/") else None,
    )
    held = []
    if late:
        # A slow server: the check of the place answers only once the person is at the send button.
        page.route("**/duplicates/", lambda route: held.append(route))

    page.get_by_role("button", name=texts["start"]).click()
    page.get_by_role("radio", name=texts["line"]).check()
    for lon in (8.497, 8.499, 8.503):
        click_map(page, lon, 49.0)
    click_map(page, 8.503, 49.0)  # the last point again finishes the line
    page.get_by_label(texts["title"]).fill("Radweg über die Grenze")
    send = page.get_by_role("button", name=texts["send"])
    send.scroll_into_view_if_needed()
    if late:
        page.wait_for_function("() => true")  # let the held request reach the route handler
        assert held, "the place was not checked"
        for route in held:
            route.continue_()
        page.unroute("**/duplicates/")

    # The problem is said beside the send button, in view, before anyone presses it …
    problem = page.locator("#compose-send-problem")
    expect(problem).to_contain_text(texts["area"])
    expect(problem).to_be_in_viewport()
    problem_box, send_box = problem.bounding_box(), send.bounding_box()
    assert abs((problem_box["y"] + problem_box["height"]) - send_box["y"]) < 60
    # … and pressing it sends nothing: the message gets the focus.
    send.click()
    page.wait_for_timeout(300)
    assert posts == []
    focused = page.evaluate("() => document.activeElement.textContent")
    assert texts["area"] in focused
    expect(problem).to_be_in_viewport()
    screenshot(page, f"compose-line-outside-{locale}")
    assert not Suggestion.objects.exists()

    # Moving the line back inside clears the message and sends.
    page.get_by_role("button", name=re.compile("Neu zeichnen|Draw again")).click()
    for lon in (8.490, 8.495):
        click_map(page, lon, 49.0)
    click_map(page, 8.495, 49.0)
    expect(problem).to_be_empty()
    send.click()
    expect(page.locator("#compose-result")).to_be_visible()
    assert Suggestion.objects.count() == 1
    assert page.js_errors == []


def test_a_refusal_of_the_place_by_the_server_is_said_at_the_send_button(
    live_server, open_page, citizen, categories
):
    """The similar-suggestions check has not answered (it failed): the server's refusal is said at send."""
    page = open_page(DESKTOP)
    sign_in(page, live_server, citizen)
    open_map(page, live_server, lon=8.50, lat=49.00)
    page.route(re.compile(r".*/duplicates/$"), lambda route: route.abort("connectionreset"))

    page.get_by_role("button", name="Vorschlag machen").click()
    page.get_by_role("radio", name="Radweg").check()
    for lon in (8.497, 8.503):
        click_map(page, lon, 49.0)
    click_map(page, 8.503, 49.0)
    page.get_by_label("Titel").fill("Radweg über die Grenze")
    page.get_by_role("button", name="Vorschlag absenden").click()

    problem = page.locator("#compose-send-problem")
    expect(problem).to_contain_text("Projektgebiet")
    expect(problem).to_be_focused()
    expect(problem).to_be_in_viewport()
    assert not Suggestion.objects.exists()


# ----------------------------------------------------------------- the main action on a phone, in view


@pytest.mark.parametrize("signed_in", [True, False], ids=["signed-in", "anonymous"])
def test_on_a_phone_make_a_suggestion_is_in_view_and_opens_the_form_in_view(
    live_server, open_page, citizen, categories, project, signed_in
):
    """The collapsed sheet showed the project's title and description; "Make a suggestion" was at y = 1,185,
    and once pressed only the form's heading peeked in at the sheet's foot."""
    project.allow_anonymous = True
    project.save()
    page = open_page(PHONE)
    if signed_in:
        sign_in(page, live_server, citizen)
    open_map(page, live_server)

    start = page.get_by_role("button", name="Vorschlag machen")
    expect(start).to_be_in_viewport(ratio=1)
    start.tap()

    choice = page.get_by_role("radio", name="Ladestation")
    expect(choice).to_be_in_viewport(ratio=1)
    expect(page.get_by_text("1. Was schlagen Sie vor?")).to_be_in_viewport(ratio=1)


# ------------------------------------------------------- a refused field, said where the citizen is looking


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_refused_title_is_said_at_the_send_button_and_the_title_gets_focus(
    live_server, open_page, citizen, categories, size
):
    """The server's "this field may not be blank" was written under the title, scrolled out of view by then
    (on a phone above the sheet's top), and focus fell to the page: pressing send seemed to do nothing."""
    page = open_page(DESKTOP if size == "desktop" else PHONE)
    sign_in(page, live_server, citizen)
    open_map(page, live_server)
    press = (lambda loc: loc.click()) if size == "desktop" else (lambda loc: loc.tap())

    press(page.get_by_role("button", name="Vorschlag machen"))
    press(page.get_by_role("radio", name="Ladestation"))
    if size == "desktop":
        click_map(page, 8.40, 49.00)
    else:
        sheet = settled_box(page, "#panel")
        map_box = box(page, "#map")
        page.touchscreen.tap(map_box["x"] + map_box["width"] / 2, sheet["y"] - 30)
    expect(page.locator(".compose-pin")).to_have_count(1)
    # One pin, not "the points" of a line.
    expect(page.locator("#draw-hint")).to_have_text(
        "Sie können die Markierung verschieben, um die Lage zu korrigieren."
    )
    page.get_by_label("Titel").fill("   ")
    send = page.get_by_role("button", name="Vorschlag absenden")
    send.scroll_into_view_if_needed()
    press(send)

    said = page.locator("#error-form")
    expect(said).to_contain_text("Titel")
    expect(said).to_be_in_viewport()
    title = page.get_by_label("Titel")
    expect(title).to_be_focused()
    expect(title).to_be_in_viewport()
    expect(title).to_have_attribute("aria-invalid", "true")
    assert not Suggestion.objects.exists()


# ------------------------------------------------------------ 9: compose code loads when composing starts


def sources_of(page, urls):
    """The source files bundled into the scripts at `urls`, read from the source maps next to them."""
    sources = set()
    for url in urls:
        if url.endswith("/altcha-pbkdf2.js"):  # ALTCHA's worker, copied from the package without a map
            sources.add("node_modules/altcha/dist/workers/pbkdf2.js")
            continue
        response = page.request.get(url + ".map")
        assert response.ok, url
        sources.update(json.loads(response.body())["sources"])
    return sources


def script_responses(page):
    scripts = []
    page.on("response", lambda r: scripts.append(r.url) if r.request.resource_type == "script" else None)
    return scripts


@pytest.mark.parametrize("anonymous", [False, True], ids=["signed-in", "anonymous"])
def test_the_map_page_loads_the_compose_code_only_when_composing_starts(
    live_server, open_page, citizen, categories, project, anonymous
):
    if anonymous:
        project.allow_anonymous = True
        project.save()
    page = open_page(DESKTOP)
    if not anonymous:
        sign_in(page, live_server, citizen)
    scripts = script_responses(page)
    open_map(page, live_server)
    page.wait_for_load_state("networkidle")

    initial = sources_of(page, scripts)
    assert any(s.endswith("src/map.js") for s in initial)
    assert [s for s in initial if any(part in s for part in COMPOSE_SOURCES)] == []
    assert (
        page.evaluate(
            "() => Boolean(window.L && window.L.PM) || Boolean(customElements.get('altcha-widget'))"
        )
        is False
    )

    # Composing still works from start to end.
    page.get_by_role("button", name="Vorschlag machen").click()
    page.get_by_role("radio", name="Ladestation").check()
    click_map(page, 8.401, 49.001)
    expect(page.locator(".compose-pin")).to_have_count(1)
    page.get_by_label("Titel").fill("Ladestation, spät geladen")
    page.get_by_role("button", name="Vorschlag absenden").click()
    expect(page.locator("#compose-result")).to_be_visible()
    assert Suggestion.objects.get().title == "Ladestation, spät geladen"
    later = sources_of(page, scripts)
    assert any("@geoman-io/" in s for s in later)
    assert any("node_modules/altcha/" in s for s in later) is anonymous  # signed-in people prove nothing
    assert page.js_errors == []


def test_a_failed_load_of_the_compose_code_is_said_and_can_be_tried_again(
    live_server, open_page, citizen, categories
):
    page = open_page(DESKTOP)
    sign_in(page, live_server, citizen)
    # Watch the start button while it loads (a script of the test, outside the page's CSP).
    page.add_init_script(
        "window.__busy = []; document.addEventListener('DOMContentLoaded', () => {"
        " const b = document.getElementById('compose-start');"
        " new MutationObserver(() => window.__busy.push([b.getAttribute('aria-busy'), b.textContent.trim()]))"
        ".observe(b, { attributes: true, childList: true }); });"
    )
    open_map(page, live_server)
    chunks = re.compile(r".*/static/frontend/build/chunk-.*\.js$")
    page.route(chunks, lambda route: route.abort("internetdisconnected"))

    start = page.get_by_role("button", name="Vorschlag machen")
    start.click()
    error = page.locator("#compose-load-error")
    expect(error).to_contain_text("Verbindung")
    expect(page.locator("#compose")).to_be_hidden()
    busy = page.evaluate("() => window.__busy")
    assert busy, "the start button was never pressed"
    assert busy[0][0] == "true", busy
    assert "geladen" in busy[0][1], busy
    expect(start).to_be_enabled()
    expect(start).not_to_have_attribute("aria-busy", "true")
    screenshot(page, "compose-load-failed")

    page.unroute(chunks)
    start.click()
    expect(page.locator("#compose")).to_be_visible()
    expect(error).to_be_empty()


# ------------------------------------------------------------------------ 9: Geoman's German says "Sie"


def test_geoman_hints_while_drawing_come_from_our_catalogue(live_server, open_page, citizen, categories):
    page = open_page(DESKTOP)
    sign_in(page, live_server, citizen)
    open_map(page, live_server)

    page.get_by_role("button", name="Vorschlag machen").click()
    page.get_by_role("radio", name="Radweg").check()
    x, y = map_point(page, 8.399, 49.0)
    page.mouse.move(x, y)
    page.mouse.move(x + 5, y + 5)
    tooltip = page.locator(".leaflet-tooltip")
    expect(tooltip.first).to_be_visible()
    first = tooltip.first.text_content()
    click_map(page, 8.399, 49.0)
    page.mouse.move(x + 40, y + 5)
    second = tooltip.first.text_content()
    screenshot(page, "compose-geoman-hint-de")
    for text in (first, second):
        assert "Sie" in text, text
        assert not re.search(r"\b(Klicke|Tippe|Platziere|Beende)\b", text), text


def test_geoman_hints_on_the_planners_export_map_come_from_our_catalogue(live_server, open_page, planner):
    page = open_page(DESKTOP)
    sign_in(page, live_server, planner)
    page.goto(f"{live_server.url}/projects/test-project/planning/export/")
    page.wait_for_function("() => window.exportMap !== undefined")

    page.locator(".leaflet-pm-icon-polygon").click()
    box_ = page.locator("#export-map").bounding_box()
    x, y = box_["x"] + box_["width"] / 2, box_["y"] + box_["height"] / 2
    page.mouse.move(x, y)
    page.mouse.move(x + 5, y + 5)
    tooltip = page.locator(".leaflet-tooltip")
    expect(tooltip.first).to_be_visible()
    first = tooltip.first.text_content()
    page.mouse.click(x, y)
    page.mouse.move(x + 40, y + 5)
    second = tooltip.first.text_content()
    screenshot(page, "export-geoman-hint-de")
    for text in (first, second):
        assert "Sie" in text, text
        assert not re.search(r"\b(Klicke|Tippe|Platziere|Beende)\b", text), text
