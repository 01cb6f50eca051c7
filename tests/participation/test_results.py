"""The public results page: figures of published contributions only (by category, status and over time), the
decided suggestions with their official answers in lists and on a server-drawn SVG map, the finished project's
summary; no script; every bad address a clear 4xx in the reader's language."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.gis.geos import LineString, Point
from django.utils import timezone

from participation.models import ModerationState, PlanningStatus
from participation.selectors import results as results_selectors
from tests.factories import (
    CategoryFactory,
    CommentFactory,
    ProjectFactory,
    SuggestionFactory,
    SupportFactory,
)

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
DE = {"HTTP_ACCEPT_LANGUAGE": "de"}
UNPUBLISHED = (
    ModerationState.PENDING,
    ModerationState.REJECTED,
    ModerationState.HIDDEN,
    ModerationState.WITHDRAWN,
)


@pytest.fixture
def world(project, point_category, line_category):
    """Published suggestions in two categories and three statuses, with supports and comments; and in every
    unpublished state a decided suggestion with an answer, supports and comments that must count nowhere."""
    now = timezone.now()
    CategoryFactory(project=project, key="unused", label_en="Nobody used it")
    planned = SuggestionFactory(
        category=point_category,
        title="Ladesäule am Markt",
        planning_status=PlanningStatus.PLANNED,
        official_answer="Kommt im Frühjahr.\n\nDer Gemeinderat hat zugestimmt.",
        answered_at=now - timedelta(days=1),
        created_at=now - timedelta(days=20),
        geom=Point(8.401, 49.001, srid=4326),
    )
    implemented = SuggestionFactory(
        category=line_category,
        title="Radweg Kaiserstraße",
        planning_status=PlanningStatus.IMPLEMENTED,
        official_answer="Fertig.",
        created_at=now - timedelta(days=3),
        geom=LineString((8.40, 49.00), (8.41, 49.01), srid=4326),
    )
    received = SuggestionFactory(category=point_category, title="Ladepunkt Schloss", created_at=now)
    for suggestion, supports, comments in ((planned, 2, 1), (implemented, 1, 0), (received, 0, 2)):
        for _ in range(supports):
            SupportFactory(suggestion=suggestion)
        for _ in range(comments):
            CommentFactory(suggestion=suggestion)
        suggestion.support_count, suggestion.comment_count = supports, comments
        suggestion.save(update_fields=["support_count", "comment_count"])
    # A hidden comment under a published suggestion: its counter does not count it (as the services keep it).
    CommentFactory(suggestion=received, text="SECRET-comment", moderation_state=ModerationState.HIDDEN)
    unpublished = [
        SuggestionFactory(
            category=point_category,
            title=f"SECRET-{state}",
            moderation_state=state,
            planning_status=PlanningStatus.DECLINED,
            official_answer=f"SECRET-answer-{state}",
            support_count=5,
            comment_count=5,
            geom=Point(8.405, 49.005, srid=4326),
        )
        for state in UNPUBLISHED
    ]
    unpublished.append(
        SuggestionFactory(
            category=point_category,
            title="SECRET-merged",
            moderation_state=ModerationState.MERGED,
            merged_into=planned,
            planning_status=PlanningStatus.PLANNED,
        )
    )
    SuggestionFactory(title="SECRET-other-project", planning_status=PlanningStatus.PLANNED)
    return {"planned": planned, "implemented": implemented, "received": received, "unpublished": unpublished}


def test_the_figures_count_published_suggestions_supports_and_comments_only(client, world):
    response = client.get("/projects/test-project/results/", **EN)

    assert response.status_code == 200
    results = response.context["results"]
    assert (results.total.suggestions, results.total.supports, results.total.comments) == (3, 3, 3)
    # In the map's order: position, then key.
    assert [
        (row.key, row.figures.suggestions, row.figures.supports, row.figures.comments)
        for row in results.by_category
    ] == [
        ("bike-path", 1, 1, 0),
        ("charging-station", 2, 2, 3),
        ("unused", 0, 0, 0),
    ]
    assert {row.key: row.figures.suggestions for row in results.by_status} == {
        "received": 1,
        "under_review": 0,
        "planned": 1,
        "implemented": 1,
        "declined": 0,
    }
    # Every status in workflow order, the longest bar full.
    assert [row.key for row in results.by_status] == PlanningStatus.values
    assert max(row.bar for row in results.by_category) == 100.0
    # 20 days: weeks, from the first to the last, the empty ones with 0.
    assert results.period_kind == "week"
    assert sum(row.count for row in results.periods) == 3
    assert len(results.periods) in (3, 4)
    assert b"SECRET" not in response.content


def test_a_long_project_counts_by_month_with_the_empty_months(project, point_category):
    now = timezone.now()
    for days in (0, 150):
        SuggestionFactory(category=point_category, created_at=now - timedelta(days=days))

    results = results_selectors.project_results_get(project=project)

    assert results.period_kind == "month"
    assert len(results.periods) in (5, 6)
    assert [row.count for row in results.periods if row.count] == [1, 1]
    assert all(re.fullmatch(r"\d{4}-\d{2}", row.label) for row in results.periods)


BERLIN = ZoneInfo("Europe/Berlin")


def _at(day: str, time: str = "12:00") -> datetime:
    """A moment of the site's time zone (weeks and months are Berlin's)."""
    return datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=BERLIN)


def _over_time(results) -> list[tuple[str, int, int, int]]:
    return [
        (row.start.isoformat(), row.figures.suggestions, row.figures.supports, row.figures.comments)
        for row in results.periods
    ]


def test_over_time_counts_suggestions_supports_and_published_comments_per_week(
    client, project, point_category
):
    # Two published suggestions in the ISO weeks from Monday 2 and 16 March 2026.
    first = SuggestionFactory(category=point_category, created_at=_at("2026-03-02"))
    second = SuggestionFactory(category=point_category, created_at=_at("2026-03-16"))
    SupportFactory(suggestion=first, created_at=_at("2026-03-03"))
    # The week without a new suggestion; the first from 00:30 on Monday in Berlin (Sunday in UTC).
    SupportFactory(suggestion=first, created_at=_at("2026-03-09", "00:30"))
    SupportFactory(suggestion=first, created_at=_at("2026-03-11"))
    SupportFactory(suggestion=second, created_at=_at("2026-03-25"))  # after the last suggestion
    CommentFactory(suggestion=second, created_at=_at("2026-03-17"))
    CommentFactory(suggestion=first, created_at=_at("2026-03-18"), parent=None)
    # Nothing of this counts: comments that are not published under a published suggestion, and every
    # support and comment under a suggestion that is not published (their weeks must not even appear).
    for state in (ModerationState.PENDING, ModerationState.REJECTED, ModerationState.HIDDEN):
        CommentFactory(suggestion=first, moderation_state=state, created_at=_at("2026-03-04"))
    for state in UNPUBLISHED:
        hidden = SuggestionFactory(
            category=point_category, moderation_state=state, created_at=_at("2026-02-02")
        )
        SupportFactory(suggestion=hidden, created_at=_at("2026-03-11"))
        SupportFactory(suggestion=hidden, created_at=_at("2026-04-20"))
        CommentFactory(suggestion=hidden, created_at=_at("2026-04-21"))
    # Nor another project's.
    elsewhere = SuggestionFactory(created_at=_at("2026-03-10"))
    SupportFactory(suggestion=elsewhere, created_at=_at("2026-03-10"))
    CommentFactory(suggestion=elsewhere, created_at=_at("2026-03-10"))

    results = results_selectors.project_results_get(project=project)

    assert results.period_kind == "week"
    assert _over_time(results) == [
        ("2026-03-02", 1, 1, 0),
        ("2026-03-09", 0, 2, 0),
        ("2026-03-16", 1, 0, 2),
        ("2026-03-23", 0, 1, 0),
    ]
    assert [row.label for row in results.periods] == ["2026-W10", "2026-W11", "2026-W12", "2026-W13"]
    # Each measure's bars against its own longest.
    assert [row.bars.supports for row in results.periods] == [50.0, 100.0, 0.0, 50.0]
    assert [row.bars.comments for row in results.periods] == [0.0, 0.0, 100.0, 0.0]

    body = client.get("/projects/test-project/results/", **EN).content.decode()
    table = re.search(r'<table class="figures figures--time".*?</table>', body, re.S).group(0)
    row = re.search(r'<tr data-period="2026-03-09">.*?</tr>', table, re.S).group(0)
    assert re.findall(r'<span class="number">(\d+)</span>', row) == ["0", "2", "0"]
    assert len(re.findall(r'<svg class="bar bar--(?:suggestions|supports|comments)"', row)) == 3
    german = client.get("/projects/test-project/results/", **DE).content.decode()
    assert "Im Lauf der Zeit, Woche für Woche" in german
    assert "In jeder Kalenderwoche eingereichte Vorschläge, gegebene Unterstützungen" in german


def test_over_time_by_month_when_supports_come_long_after_the_suggestions(project, point_category):
    # The suggestions in one week, a support five months later: months (the rule takes every measure),
    # the months between with nothing in them, the last month with the support alone.
    suggestion = SuggestionFactory(category=point_category, created_at=_at("2026-01-05"))
    SuggestionFactory(category=point_category, created_at=_at("2026-01-06"))
    SupportFactory(suggestion=suggestion, created_at=_at("2026-01-07"))
    SupportFactory(suggestion=suggestion, created_at=_at("2026-06-10"))
    CommentFactory(suggestion=suggestion, created_at=_at("2026-04-01", "00:30"))  # in UTC still March

    results = results_selectors.project_results_get(project=project)

    assert results.period_kind == "month"
    assert _over_time(results) == [
        ("2026-01-01", 2, 1, 0),
        ("2026-02-01", 0, 0, 0),
        ("2026-03-01", 0, 0, 0),
        ("2026-04-01", 0, 0, 1),
        ("2026-05-01", 0, 0, 0),
        ("2026-06-01", 0, 1, 0),
    ]


def test_over_time_adds_up_to_the_totals(client, world):
    # The world's counters equal its rows: the periods' supports and comments are the totals.
    results = client.get("/projects/test-project/results/", **EN).context["results"]

    assert sum(row.figures.suggestions for row in results.periods) == results.total.suggestions
    assert sum(row.figures.supports for row in results.periods) == results.total.supports == 3
    assert sum(row.figures.comments for row in results.periods) == results.total.comments == 3


def test_the_decided_suggestions_are_listed_with_their_official_answers(client, world):
    response = client.get("/projects/test-project/results/", **EN)

    body = response.content.decode()
    decided = {group.status: group for group in response.context["results"].decided}
    assert [item.id for item in decided["planned"].items] == [world["planned"].pk]
    assert [item.id for item in decided["implemented"].items] == [world["implemented"].pk]
    assert decided["declined"].items == []
    assert decided["declined"].count == 0
    assert "Ladesäule am Markt" in body
    assert "Radweg Kaiserstraße" in body
    # The answer's paragraphs as paragraphs, the received suggestion not among the decided.
    assert "<p>Kommt im Frühjahr.</p>" in body
    assert "<p>Der Gemeinderat hat zugestimmt.</p>" in body
    assert 'id="decided-planned"' in body
    assert "Ladepunkt Schloss" not in body
    assert f'href="/projects/test-project/suggestions/{world["planned"].pk}/"' in body


def test_each_decided_status_links_the_full_map_filtered_to_it(client, world):
    body = client.get("/projects/test-project/results/", **EN).content.decode()
    decided = client.get("/projects/test-project/results/implemented/", **DE).content.decode()

    for status in ("planned", "implemented"):
        section = re.search(rf'<section class="decided-group" id="decided-{status}".*?</section>', body, re.S)
        assert f'href="/projects/test-project/?status={status}"' in section.group(0)
    # No link for a status without suggestions: it would open an empty map.
    declined = re.search(r'<section class="decided-group" id="decided-declined".*?</section>', body, re.S)
    assert "?status=" not in declined.group(0)
    assert (
        '<a class="map-link" href="/projects/test-project/?status=implemented" data-status="implemented">'
        "Umgesetzte Vorschläge auf der Karte zeigen</a>"
    ) in decided


def test_the_map_is_svg_of_the_area_and_the_published_decided_suggestions(client, world):
    response = client.get("/projects/test-project/results/", **EN)

    body = response.content.decode()
    svg = re.search(r'<svg class="results-map-svg".*?</svg>', body, re.S).group(0)
    assert 'role="img"' in svg
    assert "<title" in svg
    assert re.search(r'viewBox="-?\d+ -?\d+ \d+ \d+"', svg)
    assert re.search(r'class="results-area" d="M [-\d ]+', svg)
    # The planned point as its sign, the implemented line as a path: one of each, nothing unpublished.
    assert len(re.findall(r'<use href="#results-sign-planned"', svg)) == 1
    assert len(re.findall(r"<use ", svg)) == 1
    assert len(re.findall(r"results-shape--line results-shape--implemented", svg)) == 1
    shapes = response.context["results"].map
    assert {p.id for p in shapes.points} | {p.id for p in shapes.paths} == {
        world["planned"].pk,
        world["implemented"].pk,
    }
    # Numbers in SVG never take a German decimal comma.
    german = client.get("/projects/test-project/results/", **DE).content.decode()
    german_svg = re.search(r'<svg class="results-map-svg".*?</svg>', german, re.S).group(0)
    assert re.search(r'transform="scale\(\d+(\.\d+)?\)"', german_svg)
    assert not re.search(r'="[^"]*\d,\d[^"]*"', german_svg)


def test_the_legend_says_how_many_the_map_leaves_out(client, project, point_category, monkeypatch):
    for _ in range(3):
        SuggestionFactory(category=point_category, planning_status=PlanningStatus.DECLINED)
    monkeypatch.setattr(results_selectors, "MAP_PER_STATUS", 2)

    response = client.get("/projects/test-project/results/", **EN)

    body = response.content.decode()
    assert len(re.findall(r'<use href="#results-sign-declined"', body)) == 2
    legend = re.search(r'<ul class="results-legend".*?</ul>', body, re.S).group(0)
    assert "the newest 2 of 3" in legend


def test_the_area_credit_is_shown_under_the_map(client, project, point_category):
    project.area_attribution = "© OpenStreetMap contributors (ODbL)"
    project.save(update_fields=["area_attribution"])

    body = client.get("/projects/test-project/results/", **EN).content.decode()

    assert 'id="area-credit"' in body
    assert "Project area: © OpenStreetMap contributors (ODbL)" in body


def test_the_summary_shows_once_the_phase_has_ended_as_text(client, project):
    project.results_summary_en = "We built <b>12</b> stations.\n\nThank you!"
    project.save(update_fields=["results_summary_en"])

    running = client.get("/projects/test-project/results/", **EN).content.decode()
    project.phase_start = timezone.now() - timedelta(days=60)
    project.phase_end = timezone.now() - timedelta(days=1)
    project.save(update_fields=["phase_start", "phase_end"])
    finished = client.get("/projects/test-project/results/", **EN).content.decode()

    assert 'id="results-summary"' not in running
    assert 'id="results-summary"' in finished
    assert "<p>We built &lt;b&gt;12&lt;/b&gt; stations.</p>" in finished
    assert "<p>Thank you!</p>" in finished
    # The summary comes before the figures.
    assert finished.index('id="results-summary"') < finished.index('id="results-totals"')


def test_the_pages_need_no_script(client, world):
    for path in ("/projects/test-project/results/", "/projects/test-project/results/planned/"):
        body = client.get(path, **EN).content.decode()
        assert "<script" not in body, path
        assert "public-results.css" in body


def test_the_results_page_reads_in_a_bounded_number_of_queries(client, world, django_assert_max_num_queries):
    # project, figures, newest decided, map (and the session's reads): the same for any number of suggestions.
    with django_assert_max_num_queries(5):
        assert client.get("/projects/test-project/results/", **EN).status_code == 200


def test_a_decided_list_pages_by_keyset_newest_first(client, project, point_category, monkeypatch):
    made = [
        SuggestionFactory(category=point_category, planning_status=PlanningStatus.PLANNED) for _ in range(5)
    ]
    SuggestionFactory(
        category=point_category,
        planning_status=PlanningStatus.PLANNED,
        moderation_state=ModerationState.HIDDEN,
    )
    monkeypatch.setattr(results_selectors, "DECIDED_PAGE_SIZE", 2)
    newest_first = [s.pk for s in reversed(made)]

    seen, path = [], "/projects/test-project/results/planned/"
    while path:
        response = client.get(path, **EN)
        assert response.status_code == 200
        assert response.context["count"] == 5
        seen += [item.id for item in response.context["items"]]
        after = response.context["next_after"]
        path = f"/projects/test-project/results/planned/?after={after}" if after else None

    assert seen == newest_first


@pytest.mark.parametrize(
    ("path", "status", "english", "german"),
    [
        (
            "/projects/test-project/results/received/",
            404,
            "The results list only has suggestions that were decided on: planned, implemented, declined.",
            "Die Ergebnisliste enthält nur Vorschläge, über die entschieden wurde: planned, implemented, "
            "declined.",
        ),
        (
            "/projects/test-project/results/planned/?after=x",
            400,
            "This page link is not valid. Please start from the first page.",
            "Dieser Seitenlink ist ungültig. Bitte beginnen Sie mit der ersten Seite.",
        ),
    ],
)
def test_bad_addresses_are_refused_with_a_message_in_the_readers_language(
    client, project, path, status, english, german
):
    for headers, message in ((EN, english), (DE, german)):
        response = client.get(path, **headers)
        assert response.status_code == status
        assert message in response.content.decode()


def test_an_unknown_or_private_project_has_no_results(client, project):
    project.is_public = False
    project.save(update_fields=["is_public"])

    assert client.get("/projects/test-project/results/").status_code == 404
    assert client.get("/projects/no-such/results/").status_code == 404
    assert client.get("/projects/test-project/results/planned/").status_code == 404


def test_the_map_page_and_a_finished_projects_card_link_the_results(client, project):
    now = timezone.now()
    ProjectFactory(
        slug="finished-project", phase_start=now - timedelta(days=60), phase_end=now - timedelta(1)
    )

    map_page = client.get("/projects/test-project/", **EN).content.decode()
    start = client.get("/", **EN).content.decode()

    assert 'id="results-link" href="/projects/test-project/results/"' in map_page
    # On the start page the running project's card leads to its map (its results are linked there).
    assert 'href="/projects/finished-project/results/"' in start
    assert 'href="/projects/test-project/results/"' not in start


def test_the_figures_come_from_a_copy_refreshed_by_the_worker_and_the_lists_stay_live(
    client, world, monkeypatch, run_worker
):
    """The figures query reads every support of the project: the page serves a kept copy of its counts and
    the worker brings it up to date once it is FRESH_SECONDS old; titles and answers are read live."""
    from django_tasks_db.models import DBTaskResult

    from participation import results_figures

    first = client.get("/projects/test-project/results/", **EN)
    planned = world["planned"]
    SupportFactory(suggestion=planned)
    planned.moderation_state = ModerationState.HIDDEN  # a moderator hides it: its words leave the page now
    planned.save(update_fields=["moderation_state"])

    kept = client.get("/projects/test-project/results/", **EN)
    assert kept.context["results"].total == first.context["results"].total  # the copy, younger than 5 min
    assert b"Lades\xc3\xa4ule am Markt" in first.content
    assert b"Lades\xc3\xa4ule am Markt" not in kept.content
    assert b'id="figures-at"' in kept.content
    assert not DBTaskResult.objects.exists()

    # Older than FRESH_SECONDS: still served at once, and one refresh is queued however many read it.
    monkeypatch.setattr(results_figures, "FRESH_SECONDS", -1)
    stale = client.get("/projects/test-project/results/", **EN)
    client.get("/projects/test-project/results/", **EN)
    assert stale.context["results"].total == first.context["results"].total
    assert DBTaskResult.objects.count() == 1
    assert run_worker() == 0

    monkeypatch.setattr(results_figures, "FRESH_SECONDS", 300)
    fresh = client.get("/projects/test-project/results/", **EN).context["results"]
    assert (fresh.total.suggestions, fresh.total.supports) == (2, 1)  # the hidden one and its supports gone
    assert fresh.figures_at > first.context["results"].figures_at
