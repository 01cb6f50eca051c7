"""A moderator blurs regions of a photo in the queue, one drawn with the pointer and one placed with the
keyboard, and removes another photo; on a desktop and on a phone. The blurred photo is checked where it is
stored: the regions lost their detail, and the old address answers 404."""

import pytest
from django.contrib.gis.geos import Point
from PIL import Image, ImageStat
from playwright.sync_api import expect

from participation.models import ModerationAction, ModerationEvent, ModerationState, Photo
from participation.services.photos import photo_file_name, photo_storage
from tests.browser.helpers import screenshot, serious_violations, sign_in, small_targets
from tests.factories import CategoryFactory, CitizenFactory, PhotoFactory, ReportFactory, SuggestionFactory
from tests.participation.photo_files import noisy_photo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUEUE = "/projects/test-project/moderation/"
S = ModerationState
DESKTOP = {"viewport": {"width": 1366, "height": 768}, "locale": "de-DE"}
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True, "locale": "de-DE"}


@pytest.fixture
def moderator(project):
    return CitizenFactory(username="mona", profile__display_name="Mona M.", moderator_of=project)


@pytest.fixture
def photos(project, citizen):
    """A photo waiting on a published suggestion, and a reported suggestion with a published photo."""
    station = CategoryFactory(project=project, key="charging-station", label_de="Ladestation")
    corner = SuggestionFactory(
        category=station, author=citizen, title="Ladestation an der Haltestelle", geom=Point(8.4037, 49.0093)
    )
    waiting = noisy_photo(corner, size=(1200, 900), state=S.PENDING)
    reported = SuggestionFactory(
        category=station, title="Parkplatz hinter dem Rathaus", geom=Point(8.4050, 49.0080)
    )
    shown = PhotoFactory(suggestion=reported, alt_text="Ein Auto mit lesbarem Kennzeichen")
    ReportFactory(suggestion=reported, reason="personal_data", text="Mein Kennzeichen ist zu sehen.")
    return {"waiting": waiting, "reported": reported, "shown": shown}


def stored_full(key) -> Image.Image:
    with photo_storage().open(photo_file_name(key, "full"), "rb") as stored:
        image = Image.open(stored)
        image.load()
    return image.convert("L")


def variance(image, fractions):
    x0, y0, x1, y1 = fractions
    w, h = image.size
    return ImageStat.Stat(image.crop((int(x0 * w), int(y0 * h), int(x1 * w), int(y1 * h)))).var[0]


def open_queue(page, live_server, user):
    sign_in(page, live_server, user)
    page.goto(live_server.url + QUEUE)
    page.wait_for_selector("body[data-moderation=ready]")


def test_a_moderator_blurs_with_pointer_and_keyboard_and_removes_a_photo(
    live_server, new_page, moderator, photos
):
    page = new_page(**DESKTOP)
    waiting = photos["waiting"]
    before = stored_full(waiting.key)
    old_address = f"{live_server.url}/api/v1/photos/{waiting.key}/full.jpg"
    open_queue(page, live_server, moderator)
    item = page.locator(f"#item-photo-{waiting.key}")
    expect(item.locator("img")).to_have_attribute("alt", "Ein Gesicht und ein Nummernschild")
    item.scroll_into_view_if_needed()
    item.locator("img").evaluate("(img) => img.decode()")  # loaded lazily, near the screen
    screenshot(page, "photo-moderation-queue", full_page=False)

    item.get_by_role("button", name="Bereiche unkenntlich machen …").click()
    dialog = page.locator("#blur-dialog")
    expect(dialog).to_be_visible()
    image = dialog.locator("#blur-image")
    expect(image).to_have_js_property("complete", True)
    box = image.bounding_box()
    # With the pointer: a rectangle over the top-left corner, from 10 % to 35 % of the photo.
    page.mouse.move(box["x"] + 0.10 * box["width"], box["y"] + 0.10 * box["height"])
    page.mouse.down()
    page.mouse.move(box["x"] + 0.20 * box["width"], box["y"] + 0.25 * box["height"], steps=4)
    page.mouse.move(box["x"] + 0.35 * box["width"], box["y"] + 0.35 * box["height"], steps=4)
    page.mouse.up()
    expect(dialog.locator(".blur-box")).to_have_count(1)
    # With the keyboard: a new region (a second one starts at 35 %, 20 % square), five steps right, five
    # steps taller.
    dialog.get_by_role("button", name="Bereich hinzufügen").focus()
    page.keyboard.press("Enter")
    expect(dialog.locator(".blur-box")).to_have_count(2)
    expect(dialog.locator(".blur-box").nth(1)).to_be_focused()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
        page.keyboard.press("Shift+ArrowDown")
    expect(dialog.locator("#blur-regions li").nth(1)).to_contain_text(
        "Bereich 2: von links 40 %, von oben 35 %, Breite 20 %, Höhe 25 %"
    )
    assert serious_violations(page) == []
    screenshot(page, "photo-moderation-blur-dialog", full_page=False)

    with page.expect_navigation():
        dialog.get_by_role("button", name="Diese Bereiche unkenntlich machen").click()
    page.wait_for_selector("body[data-moderation=ready]")

    waiting.refresh_from_db()
    after = stored_full(waiting.key)
    for region in ((0.12, 0.12, 0.33, 0.33), (0.42, 0.37, 0.58, 0.58)):
        assert variance(after, region) < variance(before, region) / 20, region
    assert variance(after, (0.7, 0.7, 0.95, 0.95)) > variance(before, (0.7, 0.7, 0.95, 0.95)) * 0.8
    assert page.request.get(old_address).status == 404
    assert ModerationEvent.objects.get(photo_id=waiting.pk).action == ModerationAction.BLUR
    expect(page.locator(".messages")).to_contain_text("Die Bereiche wurden unkenntlich gemacht.")
    # Back at the photo, under its new key, still waiting for approval.
    expect(page.locator(f"#item-photo-{waiting.key}")).to_be_visible()
    screenshot(page, "photo-moderation-blurred", full_page=False)

    shown = photos["shown"]
    with page.expect_navigation():
        page.get_by_role("button", name="Foto „Ein Auto mit lesbarem Kennzeichen“ entfernen").click()
    page.wait_for_selector("body[data-moderation=ready]")
    assert not Photo.objects.filter(pk=shown.pk).exists()
    expect(page.locator(".messages")).to_contain_text("Das Foto wurde entfernt und gelöscht.")
    assert page.js_errors == []


def test_the_blur_dialog_on_a_phone(live_server, new_page, moderator, photos):
    page = new_page(**PHONE)
    open_queue(page, live_server, moderator)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    item = page.locator(f"#item-photo-{photos['waiting'].key}")
    item.locator("img").scroll_into_view_if_needed()
    item.locator("img").evaluate("(img) => img.decode()")
    screenshot(page, "photo-moderation-queue-phone", full_page=False)
    assert small_targets(page) == []

    item.get_by_role("button", name="Bereiche unkenntlich machen …").click()
    dialog = page.locator("#blur-dialog")
    expect(dialog).to_be_visible()
    image = dialog.locator("#blur-image")
    expect(image).to_have_js_property("complete", True)
    box = image.bounding_box()
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 390
    page.mouse.move(box["x"] + 0.5 * box["width"], box["y"] + 0.2 * box["height"])
    page.mouse.down()
    page.mouse.move(box["x"] + 0.8 * box["width"], box["y"] + 0.5 * box["height"], steps=5)
    page.mouse.up()
    expect(dialog.locator(".blur-box")).to_have_count(1)
    assert small_targets(page) == []
    assert serious_violations(page) == []
    screenshot(page, "photo-moderation-blur-dialog-phone", full_page=False)
    dialog.get_by_role("button", name="Abbrechen").click()
    expect(dialog).to_be_hidden()
    assert page.js_errors == []


def test_blurring_from_a_suggestions_page_with_the_keyboard_only(live_server, new_page, moderator, photos):
    page = new_page(**DESKTOP)
    reported, shown = photos["reported"], photos["shown"]
    sign_in(page, live_server, moderator)
    page.goto(f"{live_server.url}{QUEUE}suggestions/{reported.pk}/versions/")
    blur = page.get_by_role(
        "button", name="Bereiche des Fotos „Ein Auto mit lesbarem Kennzeichen“ unkenntlich machen"
    )
    expect(blur).to_be_visible()

    for _ in range(40):  # Tab through the page to the photo's blur button
        page.keyboard.press("Tab")
        if blur.evaluate("(button) => button === document.activeElement"):
            break
    expect(blur).to_be_focused()
    page.keyboard.press("Enter")
    dialog = page.locator("#blur-dialog")
    expect(dialog).to_be_visible()
    add = dialog.get_by_role("button", name="Bereich hinzufügen")
    add.focus()
    page.keyboard.press("Enter")
    for _ in range(3):
        page.keyboard.press("Shift+ArrowRight")
    expect(dialog.locator("#blur-regions li")).to_have_text(
        ["Bereich 1: von links 40 %, von oben 40 %, Breite 23 %, Höhe 20 % Bereich entfernen"]
    )
    page.keyboard.press("Escape")  # closes the dialog, back at its button
    expect(dialog).to_be_hidden()
    expect(blur).to_be_focused()
    page.keyboard.press("Enter")
    add.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")  # from the region to … the page's next control in the dialog
    apply = dialog.get_by_role("button", name="Diese Bereiche unkenntlich machen")
    apply.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    shown.refresh_from_db()
    assert page.url.endswith("/versions/#photos")
    expect(page.locator(f"#photo-{shown.key}")).to_be_visible()
    expect(page.locator(".messages")).to_contain_text("Die Bereiche wurden unkenntlich gemacht.")
    screenshot(page, "photo-moderation-versions", full_page=False)
    assert page.js_errors == []
