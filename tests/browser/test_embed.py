"""Embedding, as a town's website and its visitors see it: two tiny host pages on two other loopback origins
frame /embed/<slug>/ with the very code the admin page offers. From the origin the project lists, the frame
shows the map with every marker where its coordinates project (measured inside the frame and clicked on the
host page's screen), and its links open the full pages in a new tab; from the other origin chromium refuses
the frame (the CSP violation it reports, and no map in the frame); the normal map page refuses every frame,
the allowed origin's included. Screenshots of the host page (desktop and phone) and of the admin's embed
code."""

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.gis.geos import LineString, Point
from django.utils import translation
from playwright.sync_api import expect

from participation.embedding import embed_snippet
from participation.models import PlanningStatus, Project, Suggestion
from tests.browser.helpers import screenshot, serious_violations, sign_in
from tests.browser.test_map_positions import assert_drawn_where_they_are, published
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {
    "desktop": {"viewport": {"width": 1366, "height": 768}},
    "phone": {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True},
}
HOST_PAGE = """<!doctype html><html lang="de"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">
<title>Stadt Musterstadt</title>
<style>body {{ font: 16px/1.5 sans-serif; margin: 0; }} header {{ background: #7c2d12; color: #fff;
padding: 12px 16px; }} main {{ max-width: 960px; margin: 0 auto; padding: 8px 16px; }}</style></head>
<body><header><strong>Stadt Musterstadt</strong> · Rathaus · Verkehr · Bürgerbeteiligung</header>
<main><h1>Radverkehr: Ihre Vorschläge</h1><p>Wo fehlen Ladestationen und Radwege? Die Karte zeigt, was
schon vorgeschlagen wurde.</p>{frame}<p>Fragen? Schreiben Sie an das Stadtplanungsamt.</p></main>
</body></html>"""


@contextmanager
def host_site(pages: dict[str, str]) -> Iterator[int]:
    """A tiny static website on 127.0.0.1 (a free port): the town's own pages, `path -> HTML`."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path, "").encode()
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def embedded(db, categories) -> Project:
    """A project with points in every planning status and a line, around its map centre (8.40, 49.00)."""
    project = categories["point"].project
    for n, status in enumerate(PlanningStatus.values):
        Suggestion.objects.create(
            project=project,
            category=categories["point"],
            geom=Point(8.388 + n * 0.006, 49.003 - (n % 2) * 0.006, srid=4326),
            title=f"Ladestation {n + 1}",
            planning_status=status,
            moderation_state="published",
        )
    Suggestion.objects.create(
        project=project,
        category=categories["line"],
        geom=LineString((8.385, 48.994), (8.395, 48.992), (8.41, 48.995), srid=4326),
        title="Radweg an der Alb",
        moderation_state="published",
    )
    return project


@pytest.fixture
def site_url(live_server, settings):
    """The snippet names the app's public address: here, the live server's."""
    settings.SITE_URL = live_server.url
    return live_server.url


def frame_of(page):
    page.wait_for_selector("iframe")
    return page.frame_locator("iframe").first


def test_the_embed_shows_the_map_on_the_allowed_origin_only(site_url, new_page, embedded):
    project = embedded
    snippet = embed_snippet(slug=project.slug, title=project.title)
    full_map = (
        f'<iframe src="{site_url}/projects/{project.slug}/" title="Karte" width="800" height="500"></iframe>'
    )
    pages = {"/": HOST_PAGE.format(frame=snippet), "/full/": HOST_PAGE.format(frame=full_map)}
    with host_site(pages) as allowed_port, host_site(pages) as other_port:
        allowed, other = f"http://localhost:{allowed_port}", f"http://127.0.0.1:{other_port}"
        Project.objects.filter(pk=project.pk).update(embed_origins=[allowed])

        # The allowed origin: the frame loads, the map's markers are where they belong.
        page = new_page(locale="de-DE", **SIZES["desktop"])
        refusals: list[str] = []
        # Chromium's own report of a refused frame ("Framing '…' violates … frame-ancestors …"), and any
        # other error in the host page or the frame (a CSP violation inside the frame would be one).
        page.on("console", lambda msg: refusals.append(msg.text) if "frame-ancestors" in msg.text else None)
        page.on("console", lambda msg: page.js_errors.append(msg.text) if msg.type == "error" else None)
        page.goto(allowed + "/")
        frame_element = page.locator("iframe")
        expect(frame_element).to_have_attribute(
            "title", re.compile("Karte der Vorschläge|Map of suggestions")
        )
        frame = frame_element.element_handle().content_frame()
        frame.wait_for_selector("body[data-features-loaded]")
        frame.wait_for_selector("body[data-list-loaded]")
        rows = published(project)
        assert frame.get_attribute("body", "data-map-mode") == "features"
        assert assert_drawn_where_they_are(frame, rows, "in the frame") == len(rows)
        assert page.js_errors == []
        assert refusals == []

        # With the keyboard: from the host page into the frame, its project's name, then the way to the full
        # map.
        focused = []
        for _ in range(2):
            page.keyboard.press("Tab")
            focused.append(frame.evaluate("() => document.activeElement.closest('[id]').id"))
        assert focused == ["panel-title", "embed-take-part"]
        # On the host page's screen: the frame's box plus the marker's place in the frame is the marker. A
        # click there opens its popup, inside the frame, with the frame's foot still below the window's edge
        # (the host page must not scroll on the press, or the marker moves away under the pointer).
        screenshot(page, "embed-host-desktop", full_page=False)
        box = frame_element.bounding_box()
        assert box["y"] + box["height"] > SIZES["desktop"]["viewport"]["height"]
        target = Suggestion.objects.get(title="Ladestation 3")
        x, y = frame.evaluate(
            "([lat, lon]) => { const p = window.participationMap.latLngToContainerPoint([lat, lon]);"
            " const r = window.participationMap.getContainer().getBoundingClientRect();"
            " return [r.left + p.x, r.top + p.y]; }",
            [target.geom.y, target.geom.x],
        )
        marker = frame_of(page).locator('.suggestion-marker[aria-label^="Ladestation 3 – "]')
        drawn = marker.bounding_box()  # on the host page's screen
        centre = (drawn["x"] + drawn["width"] / 2, drawn["y"] + drawn["height"] / 2)
        assert abs(centre[0] - (box["x"] + x)) <= 3
        assert abs(centre[1] - (box["y"] + y)) <= 3
        page.mouse.move(*centre)
        page.mouse.down()
        assert page.evaluate("() => window.scrollY") == 0  # the press moved nothing under the pointer
        page.mouse.up()
        popup = frame_of(page).locator(".suggestion-popup")
        expect(popup.locator(".popup-title")).to_have_text("Ladestation 3")
        expect(popup).to_have_css("opacity", "1")  # faded in
        screenshot(page, "embed-host-desktop-popup", full_page=False)

        # Taking part leaves the frame: the suggestion's page opens in a new tab, the host page stays.
        link = popup.locator("a.popup-link")
        expect(link).to_have_attribute("target", "_blank")
        expect(link).to_have_attribute("rel", "noopener")
        with page.context.expect_page() as opened:
            link.click()
        detail = opened.value
        detail.wait_for_load_state()
        assert detail.url == f"{site_url}/projects/{project.slug}/suggestions/{target.pk}/"
        assert page.url == allowed + "/"
        detail.close()
        # The way to the full map, with the keyboard.
        take_part = frame_of(page).locator("#embed-take-part")
        take_part.focus()
        with page.context.expect_page() as opened:
            page.keyboard.press("Enter")
        opened.value.wait_for_load_state()
        assert opened.value.url == f"{site_url}/projects/{project.slug}/"
        opened.value.close()
        # Every link in the frame leaves it; nothing in it is a form that sends anything.
        outside = frame.evaluate(
            "() => [...document.querySelectorAll('a[href]:not([href^=\"#\"])')]"
            ".filter((a) => a.target !== '_blank' || a.rel !== 'noopener').map((a) => a.href)"
        )
        assert outside == []
        assert frame.evaluate("() => [...document.forms].map((f) => f.id)") == ["filters"]
        assert serious_violations(frame) == []

        assert page.js_errors == []

        # Another origin: chromium refuses the frame and says why; the frame holds no map.
        page.goto(other + "/")
        page.wait_for_timeout(1000)
        assert [text for text in refusals if f'"frame-ancestors {allowed}"' in text], refusals
        assert frame_of(page).locator("#map").count() == 0
        assert [f.url for f in page.frames] == [other + "/", "chrome-error://chromewebdata/"]

        # The normal map page refuses every frame, the allowed origin's too.
        refusals.clear()
        page.goto(allowed + "/full/")
        page.wait_for_timeout(1000)
        assert any("frame-ancestors 'none'" in text or "X-Frame-Options" in text for text in refusals), (
            refusals
        )
        assert frame_of(page).locator("#map").count() == 0
        assert not [f for f in page.frames if f.url.startswith(site_url)]

        # On a phone the frame is the host column's width: the map with its list in the bottom sheet.
        phone = new_page(locale="de-DE", **SIZES["phone"])
        phone.goto(allowed + "/")
        phone_frame = phone.locator("iframe").element_handle().content_frame()
        phone_frame.wait_for_selector("body[data-features-loaded]")
        assert assert_drawn_where_they_are(phone_frame, rows, "in the phone's frame") >= 3
        phone.locator("iframe").evaluate("(el) => el.scrollIntoView({ block: 'center' })")
        screenshot(phone, "embed-host-phone", full_page=False)
        # Its list: the sheet opens with its handle, as on the full map.
        phone_list = phone.frame_locator("iframe").first
        phone_list.locator("#sheet-handle").click()
        expect(phone_list.locator("#suggestion-list li[data-id]")).to_have_count(len(rows))
        phone.wait_for_timeout(300)
        screenshot(phone, "embed-host-phone-list", full_page=False)
        assert phone.js_errors == []


@pytest.mark.parametrize("size", SIZES)
def test_the_admin_copies_the_embed_code(live_server, site_url, new_page, embedded, size):
    project = embedded
    Project.objects.filter(pk=project.pk).update(embed_origins=["https://www.musterstadt.de"])
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    page = new_page(locale="de-DE", **SIZES[size])
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url)
    sign_in(page, live_server, admin)
    page.goto(f"{site_url}/admin/participation/project/{project.pk}/change/")

    code = page.locator("#embed-code")
    with translation.override("de"):
        expect(code).to_have_value(embed_snippet(slug=project.slug, title=project.title))
    assert 'loading="lazy"' in code.input_value()
    assert 'title="' in code.input_value()
    expect(page.locator("#id_embed_origins")).to_have_value("https://www.musterstadt.de")
    code.scroll_into_view_if_needed()
    page.locator("#embed-code-copy").click()
    expect(page.locator("#embed-code-status")).to_contain_text("kopiert")
    assert page.evaluate("() => navigator.clipboard.readText()") == code.input_value()
    page.locator(".embed-code").evaluate("(el) => el.closest('fieldset').scrollIntoView()")
    screenshot(page, f"embed-admin-{size}", full_page=False)
    assert page.js_errors == []
