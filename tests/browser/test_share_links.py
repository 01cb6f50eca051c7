"""Share links as people use them: the map page's address keeps the view, the filters and the selected
suggestion while the person pans, zooms, filters and selects; the copied address opens the same map in
another browser (same centre and zoom, same filters, the same suggestion selected with its popup where it
was); junk in the address falls back to the project's view. The share buttons use the device's share sheet
where it has one, else copy the link and say so, else offer it in a field."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from participation.models import PlanningStatus
from tests.browser.helpers import screenshot, small_targets, wait_for_map
from tests.factories import SuggestionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {
    "desktop": {"viewport": {"width": 1366, "height": 768}},
    "phone": {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True},
}
# Leaflet rounds marker positions to whole pixels; the centre is compared on screen too.
TOLERANCE = 3
STUB_SHARE = "navigator.share = async (data) => { window.sharedData = data; };"
NO_SHARE = "delete Navigator.prototype.share; delete navigator.share;"
REFUSED_CLIPBOARD = (
    NO_SHARE
    + " navigator.clipboard.writeText = () => Promise.reject(new DOMException('no', 'NotAllowedError'));"
)


@pytest.fixture
def suggestions(categories):
    point = categories["point"]
    made = {
        "planned": SuggestionFactory(
            category=point,
            title="Ladesäule am Bahnhof",
            geom="SRID=4326;POINT(8.4120 49.0060)",
            planning_status=PlanningStatus.PLANNED,
        ),
        "received": SuggestionFactory(
            category=point, title="Ladesäule am Markt", geom="SRID=4326;POINT(8.4080 49.0040)"
        ),
        "path": SuggestionFactory(
            category=categories["line"],
            title="Radweg an der Allee",
            geom="SRID=4326;LINESTRING(8.405 49.007, 8.415 49.003)",
            planning_status=PlanningStatus.PLANNED,
        ),
    }
    return made


def map_state(page) -> dict:
    return page.evaluate(
        """() => {
        const map = window.participationMap;
        const c = map.getCenter();
        const form = document.getElementById('filters');
        const popup = document.querySelector('.suggestion-popup .popup-title');
        const marker = document.querySelector('.suggestion-marker.is-selected');
        const box = marker && marker.getBoundingClientRect();
        return {
          zoom: map.getZoom(), lat: c.lat, lng: c.lng,
          categories: [...form.querySelectorAll('input[name=category]')]
            .filter((b) => b.checked).map((b) => b.value),
          status: form.elements.status.value, sort: form.elements.sort.value,
          popup: popup ? popup.textContent : null,
          marker: box ? [box.left + box.width / 2, box.top + box.height / 2] : null,
        };
      }"""
    )


def centre_offset(page, lat: float, lng: float) -> float:
    """How far, in screen pixels, this place lies from the map's centre in the page."""
    return page.evaluate(
        """([lat, lng]) => {
        const map = window.participationMap;
        const p = map.latLngToContainerPoint([lat, lng]);
        const size = map.getSize();
        return Math.hypot(p.x - size.x / 2, p.y - size.y / 2);
      }""",
        [lat, lng],
    )


def shared_data(page) -> dict:
    """What the stubbed share sheet was given (polled: a string predicate would need eval under the CSP)."""
    for _ in range(50):
        data = page.evaluate("() => window.sharedData || null")
        if data is not None:
            return data
        page.wait_for_timeout(100)
    raise AssertionError("navigator.share was not called")


def open_panel(page, size: str) -> None:
    if size == "phone" and page.locator("#panel").get_attribute("data-sheet") != "expanded":
        page.locator("#sheet-handle").click()


def close_panel(page, size: str) -> None:
    if size == "phone" and page.locator("#panel").get_attribute("data-sheet") == "expanded":
        page.locator("#sheet-handle").click()


def marker(page, title: str):
    return page.locator(f'.suggestion-marker[aria-label^="{title}"]')


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_copied_address_opens_the_same_map(live_server, new_page, project, suggestions, size):
    page = new_page(**SIZES[size], locale="de-DE")
    page.goto(f"{live_server.url}/projects/{project.slug}/")
    wait_for_map(page)
    assert "map=" not in page.url  # a plain visit keeps its plain address
    visits = page.evaluate("() => history.length")

    # Zoom in with the keyboard and drag the map, as a person does.
    page.locator("#map").focus()
    for _ in range(2):
        page.keyboard.press("+")
        page.wait_for_timeout(400)
    box = page.locator("#map").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 3
    page.mouse.move(x, y)
    page.mouse.down()
    # Westwards on the phone's narrow map, far enough to bring the suggestions east of the centre into view.
    page.mouse.move(x - (150 if size == "phone" else 60), y + 40, steps=8)
    page.mouse.up()
    # Filters: only the point category, only planned suggestions, most supported first.
    open_panel(page, size)
    page.locator('#filters label.choice:has(input[value="bike-path"])').click()
    page.locator("#filter-status").select_option("planned")
    page.locator("#filter-sort").select_option("supported")
    close_panel(page, size)
    expect(marker(page, "Ladesäule am Markt")).to_have_count(0)  # received: filtered out
    target = marker(page, "Ladesäule am Bahnhof")
    target.scroll_into_view_if_needed()
    target.click()
    expect(page.locator(".suggestion-popup .popup-title")).to_have_text("Ladesäule am Bahnhof")
    expect(page).to_have_url(re.compile(rf"suggestion={suggestions['planned'].pk}"))
    page.wait_for_timeout(800)  # the popup's pan, then the address's pause
    shared = page.url
    before = map_state(page)
    params = parse_qs(urlsplit(shared).query, keep_blank_values=True)
    assert params["category"] == ["charging-station"]
    assert params["status"] == ["planned"]
    assert params["sort"] == ["supported"]
    assert params["suggestion"] == [str(suggestions["planned"].pk)]
    zoom, lat, lng = (float(v) for v in params["map"][0].split("/"))
    assert zoom == before["zoom"] == 15.0
    assert centre_offset(page, lat, lng) <= 1  # the address's centre is the map's, to the pixel
    screenshot(page, f"share-link-{size}-shared", full_page=False)

    other = new_page(**SIZES[size], locale="de-DE")
    other.goto(shared)
    wait_for_map(other)
    expect(other.locator(".suggestion-popup .popup-title")).to_have_text("Ladesäule am Bahnhof")
    other.wait_for_timeout(800)
    after = map_state(other)
    assert after["zoom"] == before["zoom"]
    assert centre_offset(other, before["lat"], before["lng"]) <= TOLERANCE
    assert after["categories"] == before["categories"] == ["charging-station"]
    assert (after["status"], after["sort"]) == ("planned", "supported")
    assert after["popup"] == before["popup"]
    assert after["marker"] is not None
    assert abs(after["marker"][0] - before["marker"][0]) <= TOLERANCE, (after["marker"], before["marker"])
    assert abs(after["marker"][1] - before["marker"][1]) <= TOLERANCE, (after["marker"], before["marker"])
    expect(marker(other, "Ladesäule am Markt")).to_have_count(0)
    # The address stays the one that was shared (nothing moved), and closing the popup takes its number out.
    assert parse_qs(urlsplit(other.url).query)["suggestion"] == [str(suggestions["planned"].pk)]
    screenshot(other, f"share-link-{size}-opened", full_page=False)
    other.locator(".suggestion-popup .leaflet-popup-close-button").click()
    expect(other).not_to_have_url(re.compile("suggestion="))
    # Switching the language keeps the map as it is now (moved since the page was loaded).
    other.locator("#map").focus()
    other.keyboard.press("ArrowDown")
    other.wait_for_timeout(900)
    moved = map_state(other)
    assert centre_offset(other, before["lat"], before["lng"]) > 20
    other.locator('.language-form button[value="en"]').click()
    expect(other.get_by_role("button", name="Share this view of the map")).to_be_visible()  # the new page
    wait_for_map(other)
    assert centre_offset(other, moved["lat"], moved["lng"]) <= TOLERANCE
    assert map_state(other)["status"] == "planned"
    # Moving, filtering and selecting replaced the address each time: no new history entries.
    assert page.evaluate("() => history.length") == visits
    assert page.js_errors == []
    assert other.js_errors == []


JUNK = [
    "map=99/999/999",
    "map=15/52.52/13.40",  # Berlin: not a view of this project
    "map=<script>alert(1)</script>",
    "map=15/49.0/8.4/1",
    "map=1e1/49/8.4",
    "map=Infinity/49/8.4",
    "map=15/49.0/8.4%00",
    "category=<img src=x onerror=alert(1)>",
    "category=,,,",
    "status=' OR '1'='1",
    "status=planned<svg onload=alert(1)>",
    "sort=javascript:alert(1)",
    "suggestion=1e5",
    "suggestion=-1",
    "suggestion=99999999999999999999",
    "suggestion=<script>alert(1)</script>",
    "suggestion=0x10",
]


def test_junk_in_every_parameter_falls_back_to_the_projects_map(live_server, new_page, project, suggestions):
    page = new_page(**SIZES["desktop"], locale="de-DE")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{live_server.url}/projects/{project.slug}/?{'&'.join(JUNK)}&keep=me")
    wait_for_map(page)
    page.wait_for_timeout(800)

    state = map_state(page)
    assert state["zoom"] == project.map_zoom
    assert centre_offset(page, project.map_center.y, project.map_center.x) <= 1
    assert sorted(state["categories"]) == ["bike-path", "charging-station"]
    assert (state["status"], state["sort"], state["popup"]) == ("", "newest", None)
    assert dialogs == []
    assert page.js_errors == []
    assert not [url for url in requests if "/api/v1/suggestions/" in url]  # no junk number was asked for
    # The address is written back with the page's own values: the junk is gone, other parameters stay.
    params = parse_qs(urlsplit(page.url).query, keep_blank_values=True)
    assert set(params) == {"map", "keep"}
    assert params["keep"] == ["me"]


def test_none_chosen_and_an_unknown_suggestion_are_kept_apart(live_server, new_page, project, suggestions):
    """`category=` (empty) is "none chosen"; a well-formed number of a suggestion the reader may not see
    selects nothing and leaves the address."""
    page = new_page(**SIZES["desktop"], locale="de-DE")
    page.goto(f"{live_server.url}/projects/{project.slug}/?category=&suggestion=999999")
    wait_for_map(page)
    expect(page.locator("#map-announcer")).to_contain_text("konnte nicht auf der Karte gezeigt werden")
    assert map_state(page)["categories"] == []
    expect(page).not_to_have_url(re.compile("suggestion="))
    assert "category=" in page.url


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_map_share_button_uses_the_share_sheet_where_there_is_one(
    live_server, new_page, project, suggestions, size
):
    page = new_page(**SIZES[size], locale="de-DE")
    page.add_init_script(STUB_SHARE)
    page.goto(f"{live_server.url}/projects/{project.slug}/?status=planned")
    wait_for_map(page)
    button = page.get_by_role("button", name="Diese Kartenansicht teilen")
    expect(button).to_be_visible()
    expect(button).to_have_text("Teilen")
    box = button.bounding_box()
    assert box["width"] >= 44
    assert box["height"] >= 44
    assert [target for target in small_targets(page) if "share" in target] == []
    button.focus()
    page.keyboard.press("Enter")
    shared = shared_data(page)
    params = parse_qs(urlsplit(shared["url"]).query)
    assert params["status"] == ["planned"]
    assert "map" in params
    assert shared["title"] == project.title_de


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_without_a_share_sheet_the_link_is_copied_and_said(live_server, new_page, project, suggestions, size):
    page = new_page(**SIZES[size], locale="de-DE")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.add_init_script(NO_SHARE)
    page.goto(f"{live_server.url}/projects/{project.slug}/")
    wait_for_map(page)
    page.get_by_role("button", name="Diese Kartenansicht teilen").click()

    status = page.locator("#map-share-status")
    expect(status).to_have_text("Link kopiert")
    expect(status).to_be_visible()
    assert status.get_attribute("role") == "status"
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert f"/projects/{project.slug}/?map=13/" in copied
    screenshot(page, f"share-map-copied-{size}", full_page=False)


def test_a_refused_clipboard_offers_the_link_in_a_field(live_server, new_page, project, suggestions):
    page = new_page(**SIZES["desktop"], locale="en-GB", extra_http_headers={"Accept-Language": "en"})
    page.add_init_script(REFUSED_CLIPBOARD)
    page.goto(f"{live_server.url}/projects/{project.slug}/")
    wait_for_map(page)
    page.get_by_role("button", name="Share this view of the map").click()

    field = page.get_by_label("Link to share")
    expect(field).to_be_visible()
    expect(field).to_be_focused()
    assert "map=" in field.input_value()
    assert (
        page.evaluate("() => document.getSelection().toString() || document.activeElement.selectionEnd") != 0
    )
    expect(page.locator("#map-share-status")).to_have_text(
        "Copying was not allowed: copy the link from the field."
    )


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_suggestions_page_shares_its_own_address(live_server, new_page, project, suggestions, size):
    suggestion = suggestions["planned"]
    url = f"{live_server.url}/projects/{project.slug}/suggestions/{suggestion.pk}/"
    page = new_page(**SIZES[size], locale="de-DE")
    page.add_init_script(STUB_SHARE)
    page.goto(url + "#comment-form")
    button = page.get_by_role("button", name="Diesen Vorschlag teilen")
    button.focus()
    page.keyboard.press("Enter")
    shared = shared_data(page)
    assert shared["url"] == url
    assert shared["text"] == "Ladesäule am Bahnhof"
    box = button.bounding_box()
    assert box["width"] >= 44
    assert box["height"] >= 44

    copying = new_page(**SIZES[size], locale="de-DE")
    copying.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    copying.add_init_script(NO_SHARE)
    copying.goto(url)
    copying.get_by_role("button", name="Diesen Vorschlag teilen").click()
    expect(copying.locator("#suggestion-share-status")).to_have_text("Link kopiert")
    assert copying.evaluate("() => navigator.clipboard.readText()") == url
    screenshot(copying, f"share-suggestion-copied-{size}", full_page=False)
