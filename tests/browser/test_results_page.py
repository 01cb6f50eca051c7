"""The public results page as people read it: without JavaScript on a desktop and a phone, in both languages,
with the keyboard and a screen reader's landmarks (axe), and printed by chromium to an A4 PDF whose pages hold
the figures and the map, and nothing that is not published."""

from datetime import timedelta

import pytest
from django.contrib.gis.geos import LineString, Point
from django.utils import timezone
from playwright.sync_api import expect

from participation.models import ModerationState, PlanningStatus
from tests.browser.helpers import ARTIFACTS, screenshot, serious_violations, wait_for_map
from tests.browser.pdf_reading import read_pdf
from tests.factories import CommentFactory, SuggestionFactory, SupportFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
TEXTS = {
    "de": {
        "title": "Ergebnisse: Radverkehr Musterstadt",
        "planned": "Geplant",
        "all": "Alle 7 Vorschläge: Geplant",
        "over time": "Im Lauf der Zeit, Woche für Woche",
        "map link": "Geplante Vorschläge auf der Karte zeigen",
    },
    "en": {
        "title": "Results: Cycling in Sampletown",
        "planned": "Planned",
        "all": "All 7 suggestions: Planned",
        "over time": "Over time, week by week",
        "map link": "Show the planned suggestions on the map",
    },
}
# The map's own colours: the area's edge and the three decided statuses' signs (results_symbols.html).
MAP_COLOURS = {"#334155", "#15803d", "#0b5cad", "#b91c1c"}


@pytest.fixture
def finished(project, categories):
    """A finished project with its summary, seven planned suggestions (more than the page lists), an
    implemented path, a declined point; and decided suggestions that are not published, which must show
    nowhere."""
    now = timezone.now()
    project.title_de, project.title_en = "Radverkehr Musterstadt", "Cycling in Sampletown"
    project.phase_start, project.phase_end = now - timedelta(days=90), now - timedelta(days=2)
    project.results_summary_de = "Wir bauen 12 Ladestationen.\n\nDanke an alle, die mitgemacht haben!"
    project.results_summary_en = "We are building 12 charging stations.\n\nThank you all for taking part!"
    project.area_attribution = "© OpenStreetMap contributors (ODbL)"
    project.save()
    point, line = categories["point"], categories["line"]
    for n in range(7):
        made = now - timedelta(days=80 - 10 * n)
        planned = SuggestionFactory(
            category=point,
            title=f"Ladesäule Nummer {n}",
            planning_status=PlanningStatus.PLANNED,
            official_answer=f"Wird gebaut ({n}).",
            answered_at=now - timedelta(days=3),
            created_at=made,
            geom=Point(8.33 + 0.02 * n, 48.97 + 0.01 * n, srid=4326),
            support_count=n,
            comment_count=1,
        )
        # The rows behind the counters, over the weeks after it was made (the figures over time count them).
        for k in range(n):
            SupportFactory(suggestion=planned, created_at=min(made + timedelta(days=2 + 5 * k), now))
        CommentFactory(suggestion=planned, created_at=made + timedelta(days=1))
    SuggestionFactory(
        category=line,
        title="Radweg am Fluss",
        planning_status=PlanningStatus.IMPLEMENTED,
        official_answer="Seit Mai befahrbar.",
        geom=LineString((8.32, 49.02), (8.40, 49.03), (8.47, 49.01), srid=4326),
        created_at=now - timedelta(days=60),
    )
    SuggestionFactory(
        category=point,
        title="Station im Park",
        planning_status=PlanningStatus.DECLINED,
        official_answer="Der Park ist geschützt.",
        geom=Point(8.45, 48.98, srid=4326),
        created_at=now - timedelta(days=40),
    )
    for state in (ModerationState.PENDING, ModerationState.HIDDEN, ModerationState.REJECTED):
        SuggestionFactory(
            category=point,
            title=f"SECRET-{state}",
            moderation_state=state,
            planning_status=PlanningStatus.DECLINED,
            official_answer="SECRET-answer",
            support_count=50,
        )
    return project


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_results_read_without_javascript_on_desktop_and_phone(
    live_server, new_page, finished, language, viewport
):
    page = new_page(
        viewport=VIEWPORTS[viewport],
        locale=language,
        extra_http_headers={"Accept-Language": language},
        java_script_enabled=False,
    )
    texts = TEXTS[language]

    page.goto(f"{live_server.url}/projects/{finished.slug}/results/")

    expect(page.get_by_role("heading", level=1)).to_have_text(texts["title"])
    expect(page.locator("#results-summary")).to_be_visible()
    expect(page.locator("#results-totals")).to_contain_text("9")
    # The map, drawn by the server, fills the width and shows each published decided suggestion.
    svg = page.locator("svg.results-map-svg")
    expect(svg).to_be_visible()
    box = svg.bounding_box()
    assert box["width"] > (300 if viewport == "phone" else 700), box
    assert box["height"] > 150, box
    expect(svg.locator("use")).to_have_count(8)  # 7 planned, 1 declined point
    expect(svg.locator("path.results-shape--implemented")).to_have_count(1)
    expect(
        page.get_by_role(
            "img",
            name="Karte der entschiedenen Vorschläge"
            if language == "de"
            else "Map of the decided suggestions",
        )
    ).to_be_visible()
    expect(page.locator("#area-credit")).to_contain_text("OpenStreetMap")
    # The newest five planned, and a link to all seven; nothing unpublished.
    expect(page.locator("#decided-planned .decided-item")).to_have_count(5)
    expect(page.get_by_role("link", name=texts["all"])).to_be_visible()
    assert "SECRET" not in page.content()
    # Nothing wider than the screen: the page does not scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # Nor does a table inside its card: the long German headings break where they should.
    wide = page.evaluate(
        "[...document.querySelectorAll('.figures-card')]"
        ".filter((card) => card.scrollWidth > card.clientWidth)"
        ".map((card) => card.querySelector('caption').textContent)"
    )
    assert wide == []
    screenshot(page, f"results-nojs-{viewport}-{language}")


def test_the_results_page_is_accessible_and_works_with_the_keyboard(live_server, new_page, finished):
    page = new_page(viewport=VIEWPORTS["desktop"], locale="en", extra_http_headers={"Accept-Language": "en"})
    page.goto(f"{live_server.url}/projects/{finished.slug}/results/")

    assert serious_violations(page) == []
    # Landmarks and headings: one main, one h1, a section heading per part, a caption per table.
    expect(page.locator("main")).to_have_count(1)
    expect(page.get_by_role("heading", level=2)).to_have_text(["Summary", "In figures", "What was decided"])
    for table in page.locator("table.figures").all():
        expect(table.locator("caption")).not_to_be_empty()
    # The keyboard reaches the list of all planned suggestions, visibly, and follows it.
    link = page.get_by_role("link", name="All 7 suggestions: Planned")
    for _ in range(60):
        page.keyboard.press("Tab")
        if link.evaluate("el => el === document.activeElement"):
            break
    expect(link).to_be_focused()
    expect(link).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("#decided-list .decided-item")).to_have_count(7)
    assert serious_violations(page) == []
    assert page.js_errors == []


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_results_print_as_an_a4_report_with_the_map(live_server, new_page, finished, language):
    page = new_page(
        locale=language, extra_http_headers={"Accept-Language": language}, java_script_enabled=False
    )
    page.goto(f"{live_server.url}/projects/{finished.slug}/results/")

    pdf = page.pdf(format="A4", print_background=True)

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"results-{language}.pdf").write_bytes(pdf)
    pages = read_pdf(pdf)
    assert 2 <= len(pages) <= 5, len(pages)
    text = "\n".join(p.text for p in pages)
    flat = "".join(text.split())
    texts = TEXTS[language]
    # The first page: the title, the summary and the figures; no navigation, no footer.
    first = "".join(pages[0].text.split())
    assert "".join(texts["title"].split()) in first
    assert ("Wirbauen12Ladestationen" if language == "de" else "Wearebuilding12chargingstations") in first
    assert ("9Vorschläge" if language == "de" else "9suggestions") in first
    for chrome in (
        "Anmelden",
        "Registrieren",
        "Signin",
        "Signup",
        "Impressum",
        "Datenschutz",
        "ZurückzurKarte",
        "Backtothemap",
    ):
        assert chrome not in flat, chrome
    # Over time: its table with a bar of each measure's colour (backgrounds print), the links to the
    # interactive map left out.
    over_time = [p for p in pages if "".join(texts["over time"].split()) in "".join(p.text.split())]
    assert len(over_time) == 1
    assert {"#0b5cad", "#6d28d9", "#b45309"} <= over_time[0].colours
    assert "".join(texts["map link"].split()) not in flat
    # The map: a page that draws the area's edge and the three statuses' signs, with its legend and credit.
    map_pages = [p for p in pages if p.colours >= MAP_COLOURS]
    assert len(map_pages) == 1, [sorted(p.colours) for p in pages]
    assert "OpenStreetMap" in map_pages[0].text
    assert texts["planned"] in map_pages[0].text
    # The link to the whole list prints its full address; nothing unpublished anywhere.
    assert f"{live_server.url}/projects/{finished.slug}/results/planned/" in flat
    assert f"{live_server.url}/projects/{finished.slug}/results/" in flat
    assert "SECRET" not in text


def _markers(page) -> list[dict]:
    """The map's suggestion markers as drawn: their status class and their names (a line's keyboard proxy
    says its status in its name only)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('#map .suggestion-marker')].map((node) => ({
          status: [...node.classList].find((c) => c.startsWith('status--')) || null,
          name: node.getAttribute('aria-label'),
        }))"""
    )


@pytest.mark.parametrize("start", ["results", "decided"])
def test_the_map_links_open_the_full_map_filtered_to_that_status(live_server, new_page, finished, start):
    # Beside the planned ones, a received suggestion in the middle of the map: the filter must hide it.
    SuggestionFactory(
        category=finished.categories.get(key="charging-station"),
        title="Noch offen am Markt",
        geom=Point(8.40, 49.00, srid=4326),
    )
    page = new_page(viewport=VIEWPORTS["desktop"], locale="de", extra_http_headers={"Accept-Language": "de"})
    path = "results/" if start == "results" else "results/planned/"
    page.goto(f"{live_server.url}/projects/{finished.slug}/{path}")

    link = page.get_by_role("link", name="Geplante Vorschläge auf der Karte zeigen")
    expect(link).to_have_count(1)
    if start == "decided":
        screenshot(page, "results-decided-with-map-link", full_page=False)
    link.click()
    page.wait_for_url(f"**/projects/{finished.slug}/?status=planned")
    wait_for_map(page)
    screenshot(page, f"results-map-link-{start}-opened", full_page=False)

    expect(page.locator("#filter-status")).to_have_value("planned")
    markers = _markers(page)
    assert len(markers) >= 5, markers  # the planned points in the first view
    assert {marker["status"] for marker in markers} == {"status--planned"}, markers
    assert all(marker["name"].endswith("– Geplant") for marker in markers), markers
    # The list beside the map has the same filter: planned ones only.
    metas = page.locator("#suggestion-list .suggestion-item-meta")
    expect(metas.first).to_contain_text("Geplant")
    assert all(" · Geplant · " in meta for meta in metas.all_inner_texts())
    # The same map unfiltered does show the others: the filter did the work.
    page.goto(f"{live_server.url}/projects/{finished.slug}/")
    wait_for_map(page)
    assert {marker["status"] for marker in _markers(page)} > {"status--planned"}
    assert page.js_errors == []
