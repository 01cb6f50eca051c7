"""The demo survey in a real browser: a citizen answers it, both map questions included (a point placed by
click, a line drawn by clicks and one placed from the keyboard), then a planner reads the results. Desktop
and phone, with axe-core; screenshots go to test-artifacts/screenshots/."""

import os

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from surveys.models import Answer, Response, Survey
from tests.browser.helpers import screenshot, serious_violations, sign_in, small_targets
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}


@pytest.fixture
def demo(db):
    call_command("load_demo", "--no-accounts")
    return Survey.objects.select_related("project").get(slug="ebikes-energie")


@pytest.fixture
def planner(demo):
    return UserFactory(username="paula", planner_of=demo.project)


def questions(survey):
    return {q.position: q for q in survey.questions.prefetch_related("choices")}


def option(question, key):
    return f"input[name=q{question.pk}][value='{question.choices.get(key=key).pk}']"


def click_on_map(page, question, lon, lat):
    name = f"q{question.pk}"
    x, y = page.evaluate(
        "([name, lat, lon]) => { const p = window.surveyMaps[name].latLngToContainerPoint([lat, lon]);"
        " return [p.x, p.y]; }",
        [name, lat, lon],
    )
    box = page.locator(f"#map-{name}").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)


def survey_url(live_server, survey):
    return f"{live_server.url}/projects/{survey.project.slug}/surveys/{survey.slug}/"


def test_a_citizen_answers_the_demo_survey_with_both_map_questions(live_server, page, demo, citizen):
    q = questions(demo)
    before = Response.objects.count()
    sign_in(page, live_server, citizen)
    page.goto(f"{live_server.url}/projects/{demo.project.slug}/")
    page.get_by_role("link", name="Umfrage: eBikes & Energie").click()
    page.wait_for_selector("body[data-survey-ready]")

    charge = page.locator(f"#question-{q[4].pk}")
    expect(charge).to_be_hidden()  # shown only to pedelec owners
    page.locator(option(q[1], "pedelec")).check()
    expect(charge).to_be_visible()
    page.locator(option(q[4], "home")).check()
    page.locator(f"#input-q{q[2].pk}").fill("8")
    page.locator(option(q[3], "work")).check()
    page.locator(option(q[3], "leisure")).check()
    page.locator(f"input[name=q{q[6].pk}][value='4']").check()
    page.locator(f"input[name=q{q[7].pk}][value='yes']").check()

    # The point: a click on the map near the main station.
    page.locator(f"#map-q{q[8].pk}").scroll_into_view_if_needed()
    click_on_map(page, q[8], 8.4030, 49.0000)
    expect(page.locator(f"#hint-q{q[8].pk}")).to_contain_text("Punkt gesetzt")
    # The line: two clicks, then one point placed at the map centre with the keyboard button, then finish.
    line_map = page.locator(f"#map-q{q[9].pk}")
    line_map.scroll_into_view_if_needed()
    click_on_map(page, q[9], 8.3950, 49.0050)
    click_on_map(page, q[9], 8.4000, 49.0080)
    page.evaluate(f"() => window.surveyMaps['q{q[9].pk}'].setView([49.0100, 8.4080], 14, {{animate: false}})")
    page.locator(f"#question-{q[9].pk} [data-action=vertex]").click()
    expect(page.locator(f"#hint-q{q[9].pk}")).to_contain_text("Punkt 3")
    page.locator(f"#question-{q[9].pk} [data-action=finish]").click()
    expect(page.locator(f"#hint-q{q[9].pk}")).to_contain_text("3 Punkten")
    page.locator(f"#input-q{q[10].pk}").fill("Mehr Ladestationen am Hauptbahnhof, bitte!")
    screenshot(page, "survey-filled-desktop")

    page.get_by_role("button", name="Antworten senden").click()
    expect(page.locator("#survey-done")).to_be_visible()
    screenshot(page, "survey-thanks-desktop")

    assert Response.objects.count() == before + 1
    response = Response.objects.get(user=citizen)
    point = Answer.objects.get(response=response, question=q[8])
    line = Answer.objects.get(response=response, question=q[9])
    assert point.geom.geom_type == "Point"
    assert abs(point.geom.x - 8.4030) < 0.0005
    assert line.geom.geom_type == "LineString"
    assert line.geom.num_points == 3
    assert abs(line.geom.coords[2][0] - 8.4080) < 0.0005
    assert Answer.objects.filter(response=response, question=q[4]).get().choice.key == "home"
    assert page.js_errors == []


def test_missing_answers_are_listed_and_the_summary_gets_the_focus(live_server, page, demo, citizen):
    sign_in(page, live_server, citizen)
    page.goto(survey_url(live_server, demo))
    page.wait_for_selector("body[data-survey-ready]")
    page.get_by_role("button", name="Antworten senden").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary.locator("li")).to_have_count(4)  # the four required questions that are shown
    assert serious_violations(page) == []
    screenshot(page, "survey-errors-desktop")


def test_a_planner_reads_the_results_with_charts_map_and_free_texts(live_server, page, demo, planner):
    sign_in(page, live_server, planner)
    page.goto(f"{live_server.url}/projects/{demo.project.slug}/dashboard/")
    page.get_by_role("link", name="Umfrage-Ergebnisse: eBikes & Energie").click()
    page.wait_for_selector("body[data-map-features]")

    assert int(page.get_attribute("body", "data-charts")) == 8  # seven questions and the days
    assert int(page.get_attribute("body", "data-map-features")) > 20
    expect(page.locator(".dashboard-total")).to_contain_text("200 Antworten")
    screenshot(page, "survey-results-desktop")
    assert serious_violations(page) == []

    page.locator("#text-search").fill("Hauptbahnhof")
    page.get_by_role("button", name="Suchen").click()
    expect(page.locator("#texts-count")).to_contain_text("gefunden")
    for text in page.locator(".free-text-body").all_text_contents():
        assert "hauptbahnhof" in text.lower()
    assert page.js_errors == []


@pytest.mark.parametrize("who", ["citizen", "planner"])
def test_survey_and_results_work_on_a_phone(live_server, browser, demo, citizen, planner, who):
    context = browser.new_context(locale="de-DE", **PHONE)
    phone = context.new_page()
    errors = []
    phone.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(phone, live_server, citizen if who == "citizen" else planner)
    url = survey_url(live_server, demo) + ("results/" if who == "planner" else "")
    phone.goto(url)
    phone.wait_for_selector("body[data-survey-ready]" if who == "citizen" else "body[data-charts]")
    if who == "citizen":
        q = questions(demo)
        phone.locator(option(q[1], "pedelec")).check()  # the conditional question appears

    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert small_targets(phone) == []
    assert serious_violations(phone) == []
    # Targets further down the page count too: measure again at the foot of the page.
    phone.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    assert small_targets(phone) == []
    phone.evaluate("window.scrollTo(0, 0)")
    screenshot(phone, f"survey-{'results' if who == 'planner' else 'answer'}-phone")
    assert errors == []
    context.close()


def test_a_closed_survey_shows_its_closing_date(live_server, page, demo):
    from datetime import timedelta

    from django.utils import timezone

    Survey.objects.filter(pk=demo.pk).update(
        opens_at=timezone.now() - timedelta(days=30), closes_at=timezone.now() - timedelta(days=1)
    )
    page.goto(survey_url(live_server, demo))
    expect(page.locator("#survey-closed")).to_contain_text("geschlossen")
    expect(page.locator("#survey-form")).to_have_count(0)


def shown_numbers(page) -> list[str]:
    """The numbers in front of the questions a person sees, top to bottom."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.question')]
          .filter((q) => q.getBoundingClientRect().height > 0)
          .map((q) => q.querySelector('.question-number').textContent.trim())"""
    )


@pytest.mark.parametrize("size", [{"width": 1366, "height": 768}, {"width": 390, "height": 844}])
def test_the_demo_survey_numbers_what_is_shown_and_asks_s_pedelec_owners_where_they_charge(
    live_server, browser, demo, citizen, size
):
    q = questions(demo)
    context = browser.new_context(viewport=size, locale="de-DE")
    page = context.new_page()
    try:
        sign_in(page, live_server, citizen)
        page.goto(survey_url(live_server, demo))
        page.wait_for_selector("body[data-survey-ready]")
        charge = page.locator(f"#question-{q[4].pk}")

        expect(charge).to_be_hidden()
        assert shown_numbers(page) == [f"{n}." for n in range(1, 10)]  # 1-9, no gap where "charge" waits

        page.locator(option(q[1], "s-pedelec")).check()
        expect(charge).to_be_visible()  # S-pedelec owners charge too
        assert shown_numbers(page) == [f"{n}." for n in range(1, 11)]
        assert charge.locator(".question-number").text_content() == "4."
        charge.scroll_into_view_if_needed()
        if shots := os.environ.get("SHOTS_DIR"):  # pictures for reviewers, outside the repository
            page.screenshot(path=f"{shots}/survey-numbering-{size['width']}.png")

        page.locator(option(q[1], "no")).check()
        expect(charge).to_be_hidden()
        assert shown_numbers(page) == [f"{n}." for n in range(1, 10)]
    finally:
        context.close()
