"""A citizen attaches photos (issue 26): on a phone-size screen with the keyboard only, on a desktop with the
pointer; a missing description and a file the server cannot read are said next to the photo concerned, with
nothing lost of what was typed. Once a moderator has approved the suggestion, its page, the map's popup and
the list show the photo, and what the browser receives of it carries no metadata (exiftool).
"""

import re
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from participation import services
from participation.models import IdempotencyKey, ModerationMode, Photo, Suggestion
from tests.browser.helpers import (
    centre_map,
    click_map,
    screenshot,
    serious_violations,
    sign_in,
    small_targets,
    tab_to,
    wait_for_map,
)
from tests.factories import CategoryFactory, SuggestionFactory, UserFactory
from tests.participation.photo_files import metadata_groups, phone_jpeg
from tests.servers import slow_upload_proxy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAP = "/projects/test-project/"
PHONE = {"viewport": {"width": 390, "height": 844}}  # keyboard only: no touch
DESKTOP = {"viewport": {"width": 1366, "height": 768}}
WAITING = "Wartet auf Prüfung: für andere noch nicht sichtbar."
NO_DESCRIPTION = (
    "Bitte beschreiben Sie jedes Foto in wenigen Worten, für Menschen, die es nicht sehen können."
)


@pytest.fixture
def premoderated(project):
    """Pre-moderation: the new suggestion waits for a moderator, with its photos. One category (a point), so
    that choosing it is one key press."""
    project.moderation_mode = ModerationMode.PRE
    project.save()
    CategoryFactory(
        project=project, key="charging-station", label_de="Ladestation", label_en="Charging station"
    )
    return project


def photo_file(name: str = "ecke.jpg") -> dict:
    """A phone photo as the file chooser hands it over: EXIF with a GPS position, XMP, a comment."""
    return {"name": name, "mimeType": "image/jpeg", "buffer": phone_jpeg(1200, 900, orientation=6)}


def focused(page, script: str = "el => el.id"):
    return page.evaluate(f"() => {{ const el = document.activeElement; return ({script})(el); }}")


def open_map(page, live_server, zoom: int = 16) -> None:
    page.goto(live_server.url + MAP)
    wait_for_map(page)
    centre_map(page, 8.40, 49.00, zoom)
    page.wait_for_timeout(300)
    wait_for_map(page)


def approve(suggestion: Suggestion) -> None:
    """What the moderator's queue does on "approve": the suggestion, and the photos sent with it."""
    moderator = UserFactory(moderator_of=suggestion.project)
    services.item_decide(
        actor=moderator,
        decision=services.Decision(kind="suggestion", pk=suggestion.pk, seen_state="pending"),
        action="approve",
    )


def test_on_a_phone_a_citizen_attaches_a_photo_with_the_keyboard_only(
    live_server, new_page, citizen, premoderated
):
    page = new_page(locale="de-DE", **PHONE)
    # The operating system's file chooser, as Playwright stands in for it (listening from the start: asked
    # for only after the key press, chromium may open it before Playwright listens).
    choosers = []
    page.on("filechooser", lambda chooser: choosers.append(chooser))
    sign_in(page, live_server, citizen)
    open_map(page, live_server)

    tab_to(page, "#compose-start")
    page.keyboard.press("Enter")
    expect(page.locator("#compose")).to_be_visible()
    # The (only) category's radio has focus; Space chooses it.
    page.wait_for_function("() => document.activeElement.name === 'category'")
    page.keyboard.press("Space")
    expect(page.locator("#compose-form input[value=charging-station]")).to_be_checked()
    expect(page.locator("#placement")).to_be_visible()
    tab_to(page, "#place-coords")
    page.keyboard.type("49.0005, 8.4005")
    page.keyboard.press("Enter")
    expect(page.locator("#compose-title")).to_be_focused()
    page.keyboard.type("Platz für vier Ladesäulen")

    tab_to(page, "#photo-add-button")
    page.keyboard.press("Enter")
    page.wait_for_function("() => true")
    for _ in range(50):
        if choosers:
            break
        page.wait_for_timeout(100)
    [chooser] = choosers
    assert chooser.is_multiple()
    assert "capture" not in (page.locator("#photo-input").evaluate("el => el.outerHTML"))
    chooser.set_files(photo_file())
    # The description is what comes next: it has the focus, labelled, with its hint.
    description = page.get_by_label("Beschreibung von Foto 1 (Pflichtfeld)")
    expect(description).to_be_focused()
    expect(page.locator(".photo-draft-name")).to_have_text(re.compile(r"^Foto 1: ecke\.jpg \(\d+ KB\)$"))
    expect(page.locator(".photo-draft-preview canvas")).to_have_count(1)
    expect(page.locator("#map-announcer")).to_have_text("1 Foto hinzugefügt. Bitte beschreiben Sie es.")
    page.keyboard.type("Die Ecke an der Haltestelle, vom Gehweg aus")

    # On the phone the sheet leaves the map in view above it, and the send button is reached in it.
    sheet = page.locator("#panel").bounding_box()
    map_box = page.locator("#map").bounding_box()
    assert sheet["y"] - map_box["y"] >= 150, "the sheet covers the map"
    screenshot(page, "photos-phone-compose", full_page=False)
    assert serious_violations(page) == [], "the form with a photo, on a phone"
    assert small_targets(page) == []
    tab_to(page, "#compose-send")
    send = page.locator("#compose-send").bounding_box()
    assert send["y"] + send["height"] <= 844
    assert send["y"] >= sheet["y"]
    page.keyboard.press("Enter")

    result = page.locator("#compose-result")
    expect(result).to_be_focused()
    expect(result).to_contain_text("sobald die Moderation ihn geprüft hat")
    suggestion = Suggestion.objects.get()
    photo = Photo.objects.get()
    assert (photo.suggestion_id, photo.alt_text) == (
        suggestion.pk,
        "Die Ecke an der Haltestelle, vom Gehweg aus",
    )
    assert (photo.width, photo.height) == (900, 1200)  # turned upright
    # Sent under an Idempotency-Key: a resend after a lost answer gets this answer, not a second suggestion.
    assert IdempotencyKey.objects.filter(status_code=201).count() == 1

    page.keyboard.press("Tab")  # "Ihren Vorschlag ansehen"
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/suggestions/{suggestion.pk}/")
    figure = page.locator("#photo-gallery .photo--pending")
    expect(figure.get_by_role("img", name="Die Ecke an der Haltestelle, vom Gehweg aus")).to_be_visible()
    expect(figure).to_contain_text(WAITING)
    screenshot(page, "photos-phone-detail-pending")
    assert page.js_errors == []


def test_on_a_desktop_with_the_pointer_refusals_are_said_at_the_photo_and_the_approved_photo_shows(
    live_server, new_page, citizen, premoderated
):
    page = new_page(locale="de-DE", **DESKTOP)
    sign_in(page, live_server, citizen)
    open_map(page, live_server)
    posts = []
    page.on(
        "request",
        lambda r: posts.append(r.url) if r.method == "POST" and r.url.endswith("/suggestions/") else None,
    )

    page.get_by_role("button", name="Vorschlag machen").click()
    page.get_by_role("radio", name="Ladestation").check()
    click_map(page, 8.4005, 49.0005)
    page.get_by_label("Titel").fill("Ladesäulen an der Haltestelle")
    page.get_by_label("Beschreibung (optional)").fill("Genug Platz für vier.")
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Foto hinzufügen").click()
    chooser.value.set_files(
        [
            photo_file("ecke.jpg"),
            # Named and typed as a photo, but not one: only the server can tell.
            {"name": "zweites.jpg", "mimeType": "image/jpeg", "buffer": b"MZ\x90\x00 not a photo"},
        ]
    )
    expect(page.locator(".photo-draft")).to_have_count(2)
    expect(page.get_by_role("button", name="Weiteres Foto hinzufügen")).to_be_visible()

    # A description left empty: said at the photo, and nothing sent.
    page.get_by_role("button", name="Vorschlag absenden").click()
    first = page.locator(".photo-draft").nth(0)
    expect(first.locator(".field-error")).to_have_text(NO_DESCRIPTION)
    expect(first.get_by_role("textbox")).to_have_attribute("aria-invalid", "true")
    expect(first.get_by_role("textbox")).to_be_focused()
    expect(page.locator("#error-form")).to_contain_text("Beschreibung von Foto 1 (Pflichtfeld)")
    assert posts == []
    assert not Suggestion.objects.exists()
    screenshot(page, "photos-desktop-no-description", full_page=False)

    first.get_by_role("textbox").fill("Die Ecke an der Haltestelle")
    page.locator(".photo-draft").nth(1).get_by_role("textbox").fill("Das zweite Bild")
    page.get_by_role("button", name="Vorschlag absenden").click()

    # The server's refusal of the second file: next to it, in German; the rest as typed.
    second = page.locator(".photo-draft").nth(1)
    expect(second.locator(".field-error")).to_contain_text("kein Foto, das wir annehmen können")
    expect(second).to_have_class("photo-draft photo-draft--refused")
    expect(page.get_by_role("button", name="Foto 2 entfernen")).to_be_focused()
    expect(first.locator(".field-error")).to_be_empty()
    expect(page.get_by_label("Titel")).to_have_value("Ladesäulen an der Haltestelle")
    expect(first.get_by_role("textbox")).to_have_value("Die Ecke an der Haltestelle")
    assert not Suggestion.objects.exists()
    screenshot(page, "photos-desktop-refused", full_page=False)

    page.get_by_role("button", name="Foto 2 entfernen").click()
    expect(page.locator(".photo-draft")).to_have_count(1)
    page.get_by_role("button", name="Vorschlag absenden").click()
    expect(page.locator("#compose-result")).to_be_visible()
    suggestion = Suggestion.objects.get(title="Ladesäulen an der Haltestelle")
    assert Photo.objects.filter(suggestion=suggestion).count() == 1

    approve(suggestion)

    # Anyone now: the suggestion's page shows the photo, and what the browser gets of it has no metadata.
    reader = new_page(locale="de-DE", **DESKTOP)
    reader.goto(f"{live_server.url}/projects/test-project/suggestions/{suggestion.pk}/")
    image = reader.locator("#photo-gallery").get_by_role("img", name="Die Ecke an der Haltestelle")
    expect(image).to_be_visible()
    expect(reader.locator(".photo-state")).to_have_count(0)
    assert image.get_attribute("loading") == "lazy"
    assert (image.get_attribute("width"), image.get_attribute("height")) == ("600", "800")
    reader.wait_for_function("() => document.querySelector('#photo-gallery img').complete")
    screenshot(reader, "photos-desktop-detail")
    with reader.expect_response("**/full.jpg") as answer:
        reader.locator("#photo-gallery a.photo-link").click()
    received = answer.value.body()
    assert answer.value.headers["content-type"] == "image/jpeg"
    assert metadata_groups(received) == set()
    assert b"secret" not in received
    assert b"PhoneMaker" not in received

    # The map: the list's entry and the popup show its thumbnail with its description.
    reader.goto(live_server.url + MAP)
    wait_for_map(reader)
    centre_map(reader, 8.4005, 49.0005, 18)
    reader.wait_for_timeout(300)
    wait_for_map(reader)
    entry = reader.locator(f'#suggestion-list li[data-id="{suggestion.pk}"]')
    expect(entry.get_by_role("img", name="Die Ecke an der Haltestelle")).to_be_visible()
    entry.get_by_role("button", name="Ladesäulen an der Haltestelle").click()
    popup_image = reader.locator(".leaflet-popup .popup-photo img")
    expect(popup_image).to_have_attribute("alt", "Die Ecke an der Haltestelle")
    reader.wait_for_function("() => document.querySelector('.popup-photo img').complete")
    # The loaded photo makes the popup taller, and the map pans again (animated): wait until it is still.
    reader.wait_for_function(
        """() => new Promise((done) => {
            const top = () => document.querySelector('.leaflet-popup').getBoundingClientRect().top;
            const before = top();
            setTimeout(() => done(top() === before), 400);
        })"""
    )
    box = reader.locator(".leaflet-popup").bounding_box()
    map_box = reader.locator("#map").bounding_box()
    search = reader.locator("#place-search-map").bounding_box()
    assert box["y"] >= search["y"] + search["height"]  # panned below the search box over the map's head
    assert box["x"] + box["width"] <= map_box["x"] + map_box["width"]
    screenshot(reader, "photos-desktop-popup", full_page=False)

    # On a phone: the marker's popup, with the photo, in view above the collapsed sheet.
    phone = new_page(locale="de-DE", **PHONE)
    phone.goto(live_server.url + MAP)
    wait_for_map(phone)
    centre_map(phone, 8.4005, 49.0005, 18)
    phone.wait_for_timeout(300)
    wait_for_map(phone)
    phone.locator(".suggestion-marker").first.click()
    expect(phone.locator(".leaflet-popup .popup-photo img")).to_have_attribute(
        "alt", "Die Ecke an der Haltestelle"
    )
    phone.wait_for_function("() => document.querySelector('.popup-photo img').complete")
    phone.wait_for_timeout(300)
    popup, sheet = phone.locator(".leaflet-popup").bounding_box(), phone.locator("#panel").bounding_box()
    zoom = phone.locator(".leaflet-control-zoom").bounding_box()
    assert popup["y"] >= zoom["y"] + zoom["height"]  # nothing of it under the map's controls
    assert popup["y"] + popup["height"] <= sheet["y"]
    assert popup["x"] >= 0
    assert popup["x"] + popup["width"] <= 390
    screenshot(phone, "photos-phone-popup", full_page=False)
    assert phone.js_errors == []
    assert page.js_errors == []
    assert reader.js_errors == []


def test_the_author_adds_a_photo_on_the_suggestions_page(live_server, new_page, citizen, categories):
    suggestion = SuggestionFactory(category=categories["point"], title="Lader am Markt", author=citizen)
    page = new_page(locale="de-DE", **PHONE)
    sign_in(page, live_server, citizen)
    page.goto(f"{live_server.url}/projects/test-project/suggestions/{suggestion.pk}/")

    page.get_by_text("Foto hinzufügen (Platz für 3 weitere)").click()
    page.get_by_label("Beschreibung des Fotos (Pflichtfeld)").fill("Der Platz vor dem Markt")
    page.get_by_label("Foto", exact=True).set_input_files(photo_file())
    page.get_by_role("button", name="Foto hinzufügen", exact=True).click()

    expect(page.locator(".upload-status")).to_have_text(
        "Foto hinzugefügt. Es wird angezeigt, sobald die Moderation es geprüft hat."
    )
    figure = page.locator("#photo-gallery .photo--pending")
    expect(figure.get_by_role("img", name="Der Platz vor dem Markt")).to_be_visible()
    expect(page.get_by_label("Beschreibung des Fotos (Pflichtfeld)")).to_have_value("")
    expect(page.locator("#photo-add summary")).to_have_text("Foto hinzufügen (Platz für 2 weitere)")
    assert Photo.objects.get().suggestion_id == suggestion.pk
    screenshot(page, "photos-phone-detail-added")
    assert page.js_errors == []


def test_an_anonymous_citizen_sends_a_photo_with_the_anti_spam_proof(live_server, new_page, project):
    project.allow_anonymous = True
    project.save()
    CategoryFactory(
        project=project, key="charging-station", label_de="Ladestation", label_en="Charging station"
    )
    page = new_page(locale="de-DE", **DESKTOP)
    open_map(page, live_server)

    page.get_by_role("button", name="Vorschlag machen").click()
    page.get_by_role("radio", name="Ladestation").check()
    click_map(page, 8.4005, 49.0005)
    page.get_by_label("Titel", exact=True).fill("Ohne Konto, mit Foto")
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Foto hinzufügen").click()
    chooser.value.set_files(photo_file())
    page.get_by_label("Beschreibung von Foto 1 (Pflichtfeld)").fill("Die Ecke an der Haltestelle")
    form = page.locator("#compose-form")
    widget = form.locator("altcha-widget .altcha")
    expect(widget).not_to_have_attribute("data-state", "verifying", timeout=20_000)
    if widget.get_attribute("data-state") != "verified":
        form.locator("altcha-widget label").first.click()
    expect(widget).to_have_attribute("data-state", "verified", timeout=20_000)
    assert serious_violations(page) == [], "the form with a photo"
    page.get_by_role("button", name="Vorschlag absenden").click()

    result = page.locator("#compose-result")
    expect(result).to_contain_text("jetzt auf der Karte")
    expect(result).to_contain_text("Ihre Fotos werden angezeigt, sobald die Moderation sie geprüft hat.")
    photo = Photo.objects.get()
    assert (photo.author_id, photo.alt_text, photo.moderation_state) == (
        None,
        "Die Ecke an der Haltestelle",
        "pending",
    )
    assert page.js_errors == []


def test_a_slow_upload_shows_and_says_how_far_it_is(live_server, new_page, citizen, premoderated):
    page = new_page(locale="de-DE", **PHONE)
    sign_in(page, live_server, citizen)
    open_map(page, live_server)
    page.get_by_role("button", name="Vorschlag machen").click()
    page.locator("#compose-form label.choice", has_text="Ladestation").click()
    page.locator("#place-coords").fill("49.0005, 8.4005")
    page.locator("#place-coords").press("Enter")
    page.get_by_label("Titel", exact=True).fill("Langsam hochgeladen")
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Foto hinzufügen").click()
    big = phone_jpeg(2400, 1800, noisy=True)  # a camera's detail: a few hundred KB
    chooser.value.set_files({"name": "gross.jpg", "mimeType": "image/jpeg", "buffer": big})
    page.get_by_label("Beschreibung von Foto 1 (Pflichtfeld)").fill("Der Platz, weit gesehen")
    # A slow phone connection: the upload takes a few seconds.
    network = page.context.new_cdp_session(page)
    network.send("Network.enable")
    network.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 50, "downloadThroughput": -1, "uploadThroughput": len(big) / 3},
    )
    said = []
    page.expose_function("noteStatus", lambda text: said.append(text))
    page.evaluate(
        "() => new MutationObserver(() => window.noteStatus(document.getElementById('compose-upload-status')"
        ".textContent)).observe(document.getElementById('compose-upload-status'), {childList: true})"
    )
    page.get_by_role("button", name="Vorschlag absenden").click()

    expect(page.locator("#compose-progress")).to_be_visible()
    expect(page.locator("#compose-form")).to_have_attribute("aria-busy", "true")
    screenshot(page, "photos-phone-uploading", full_page=False)
    expect(page.locator("#compose-result")).to_be_visible(timeout=30_000)
    expect(page.locator("#compose-progress")).to_be_hidden()
    assert said[0] == "Ihr Vorschlag wird mit 1 Foto gesendet …"
    assert "Fotos werden gesendet: 50 % erledigt" in said
    assert "Fotos gesendet. Sie werden aufbereitet …" in said
    assert Photo.objects.get().alt_text == "Der Platz, weit gesehen"


def test_cancelling_during_the_upload_stops_it_and_stores_nothing(
    live_server, new_page, citizen, premoderated
):
    # A 12 MP camera photo (5.6 MB: more than the few MB this machine's socket buffers take at once) through a
    # link that needs about 40 s for it: cancelled long before its end.
    big = phone_jpeg(4000, 3000, noisy=True)
    with slow_upload_proxy(live_server.url, bytes_per_second=len(big) // 40) as url:
        page = new_page(locale="de-DE", **PHONE)
        sign_in(page, SimpleNamespace(url=url), citizen)
        open_map(page, SimpleNamespace(url=url))
        page.get_by_role("button", name="Vorschlag machen").click()
        page.locator("#compose-form label.choice", has_text="Ladestation").click()
        page.locator("#place-coords").fill("49.0005, 8.4005")
        page.locator("#place-coords").press("Enter")
        page.get_by_label("Titel", exact=True).fill("Doch nicht")
        with page.expect_file_chooser() as chooser:
            page.get_by_role("button", name="Foto hinzufügen").click()
        chooser.value.set_files({"name": "gross.jpg", "mimeType": "image/jpeg", "buffer": big})
        page.get_by_label("Beschreibung von Foto 1 (Pflichtfeld)").fill("Der Platz, weit gesehen")
        failed = []
        page.on("requestfailed", lambda request: request.method == "POST" and failed.append(request.url))
        page.get_by_role("button", name="Vorschlag absenden").click()
        expect(page.locator("#compose-progress")).to_be_visible()
        page.wait_for_timeout(1_000)  # some of the photo is out

        page.get_by_role("button", name="Abbrechen").click()

        expect(page.locator("#compose-progress")).to_be_hidden()
        expect(page.get_by_role("button", name="Vorschlag machen")).to_be_focused()
        for _ in range(20):  # the aborted request's event arrives after the click's effects
            if failed:
                break
            page.wait_for_timeout(100)
        assert failed == [url + "/api/v1/projects/test-project/suggestions/"]
        page.wait_for_timeout(1_000)  # the server had part of a body: nothing may appear later either
        assert Suggestion.objects.count() == 0
        assert Photo.objects.count() == 0
        expect(page.locator("#compose-form .field-error:not(:empty)")).to_have_count(0)
        assert page.js_errors == []


def test_a_photo_sent_again_after_a_lost_answer_is_added_once(live_server, new_page, citizen, categories):
    suggestion = SuggestionFactory(category=categories["point"], title="Lader am Markt", author=citizen)
    page = new_page(locale="de-DE", **DESKTOP)
    sign_in(page, live_server, citizen)
    page.goto(f"{live_server.url}/projects/test-project/suggestions/{suggestion.pk}/")
    lost = []

    def lose_first_answer(route):
        # The request reaches the server and is stored; its answer never reaches the phone.
        if not lost:
            lost.append(route.fetch().status)
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/api/v1/suggestions/*/photos/", lose_first_answer)
    page.get_by_text("Foto hinzufügen (Platz für 3 weitere)").click()
    page.get_by_label("Beschreibung des Fotos (Pflichtfeld)").fill("Der Platz vor dem Markt")
    page.get_by_label("Foto", exact=True).set_input_files(photo_file())
    add = page.get_by_role("button", name="Foto hinzufügen", exact=True)
    add.click()
    expect(page.locator(".upload-status")).to_contain_text("Verbindung")
    assert lost == [201]

    add.click()  # the same file and description again

    expect(page.locator(".upload-status")).to_have_text(
        "Foto hinzugefügt. Es wird angezeigt, sobald die Moderation es geprüft hat."
    )
    assert Photo.objects.filter(suggestion=suggestion).count() == 1
    expect(page.locator("#photo-gallery .photo--pending")).to_have_count(1)
    assert page.js_errors == []
