"""The planner dashboard and answer page: who may see them, what they count, and answering a suggestion."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse
from django.utils import formats, timezone

from participation.models import ModerationEvent, PlanningStatus, StaffRole, Suggestion
from participation.selectors import dashboard
from tests.factories import (
    CategoryFactory,
    ProjectFactory,
    ProjectRoleFactory,
    SuggestionFactory,
    UserFactory,
)

BERLIN = ZoneInfo("Europe/Berlin")


def dashboard_url(project):
    return reverse("participation:planning-dashboard", kwargs={"slug": project.slug})


def answer_url(suggestion):
    return reverse(
        "participation:planning-answer", kwargs={"slug": suggestion.project.slug, "pk": suggestion.pk}
    )


# ------------------------------------------------------------------------------------------- access


def test_anonymous_visitors_are_sent_to_sign_in(client, project, point_category):
    suggestion = SuggestionFactory(category=point_category)
    for url in (dashboard_url(project), answer_url(suggestion)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("role", [None, StaffRole.MODERATOR])
def test_citizens_and_moderators_get_403(client_factory, project, point_category, role):
    user = UserFactory()
    if role:
        ProjectRoleFactory(project=project, user=user, role=role)
    suggestion = SuggestionFactory(category=point_category)
    client = client_factory(user)
    assert client.get(dashboard_url(project)).status_code == 403
    assert client.get(answer_url(suggestion)).status_code == 403
    assert client.post(answer_url(suggestion), {"status": "planned", "answer": "x"}).status_code == 403
    assert Suggestion.objects.get(pk=suggestion.pk).planning_status == PlanningStatus.RECEIVED


def test_a_planner_of_one_project_gets_403_on_another(client_factory, planner):
    other = ProjectFactory(slug="other")
    suggestion = SuggestionFactory(category=CategoryFactory(project=other))
    client = client_factory(planner)
    assert client.get(dashboard_url(other)).status_code == 403
    assert client.get(answer_url(suggestion)).status_code == 403


def test_planners_and_site_admins_see_the_dashboard(client_factory, project, planner, point_category):
    admin = UserFactory(is_superuser=True, is_staff=True)
    for user in (planner, admin):
        response = client_factory(user).get(dashboard_url(project))
        assert response.status_code == 200
        assert b'id="dashboard-config"' in response.content


def test_a_suggestion_of_another_project_is_404_at_this_projects_address(client_factory, planner):
    other = ProjectFactory(slug="other")
    suggestion = SuggestionFactory(category=CategoryFactory(project=other))
    url = reverse(
        "participation:planning-answer",
        kwargs={"slug": planner.project_roles.get().project.slug, "pk": suggestion.pk},
    )
    assert client_factory(planner).get(url).status_code == 404


# ------------------------------------------------------------------------------------------- counts


@pytest.fixture
def known_data(project, point_category, line_category):
    """Five published suggestions in two categories and two weeks, plus some that must not count."""
    monday = datetime(2026, 3, 2, 10, tzinfo=BERLIN)  # ISO week 2026-W10
    SuggestionFactory(category=point_category, created_at=monday, support_count=3)
    SuggestionFactory(category=point_category, created_at=monday, planning_status="planned", support_count=9)
    SuggestionFactory(category=point_category, created_at=monday + timedelta(days=14), support_count=1)
    SuggestionFactory(
        category=line_category, created_at=monday + timedelta(days=15), planning_status="declined"
    )
    SuggestionFactory(
        category=line_category, created_at=monday + timedelta(days=16), planning_status="planned"
    )
    for state in ("pending", "hidden", "rejected"):
        SuggestionFactory(
            category=point_category, moderation_state=state, created_at=monday, support_count=50
        )
    other = CategoryFactory(project=ProjectFactory(slug="elsewhere"))
    SuggestionFactory(category=other, created_at=monday, support_count=99)
    return monday


def test_counts_by_category_count_only_published_suggestions(
    project, point_category, line_category, known_data
):
    CategoryFactory(project=project, key="comment", position=9)
    counts = dashboard.suggestion_counts_by_category(project=project)
    # Map order (position, then key); a category nobody used is listed with 0.
    assert [(c.key, c.count) for c in counts] == [("bike-path", 2), ("charging-station", 3), ("comment", 0)]


def test_counts_by_status_list_every_status_in_workflow_order(project, known_data, django_assert_num_queries):
    with django_assert_num_queries(1):
        counts = dashboard.suggestion_counts_by_status(project=project)
    assert [(c.key, c.count) for c in counts] == [
        ("received", 2),
        ("under_review", 0),
        ("planned", 2),
        ("implemented", 0),
        ("declined", 1),
    ]


def test_counts_by_week_fill_the_weeks_between(project, known_data, django_assert_num_queries):
    with django_assert_num_queries(1):
        weeks = dashboard.suggestion_counts_by_week(project=project)
    assert [(w.label, w.count) for w in weeks] == [("2026-W10", 2), ("2026-W11", 0), ("2026-W12", 3)]
    assert weeks[0].week.isoformat() == "2026-03-02"


def test_top_supported_are_published_suggestions_of_the_project(project, known_data):
    top = dashboard.suggestion_list_top_supported(project=project)
    assert [s.support_count for s in top] == [9, 3, 1, 0, 0]


def test_the_dashboard_shows_tables_and_links_to_answer_pages(client_factory, project, planner, known_data):
    response = client_factory(planner).get(dashboard_url(project))
    html = response.content.decode()
    top = dashboard.suggestion_list_top_supported(project=project)[0]
    assert answer_url(top) in html
    assert 'id="table-category"' in html
    assert 'id="table-status"' in html
    assert 'id="table-week"' in html
    assert "2026-W11" in html


# ------------------------------------------------------------------------------------------- hotspots


def _group(category, lon, lat, n, **kwargs):
    # Points 0.0003° (~22 m east-west, ~33 m north-south) apart: well within 250 m of each other.
    return [
        SuggestionFactory(
            category=category,
            geom=Point(lon + 0.0003 * (i % 3), lat + 0.0003 * (i // 3), srid=4326),
            **kwargs,
        )
        for i in range(n)
    ]


def test_two_dense_groups_and_noise_give_exactly_two_hotspots(project, point_category):
    _group(point_category, 8.36, 48.98, 8)
    _group(point_category, 8.44, 49.02, 5)
    _group(point_category, 8.44, 49.02, 6, moderation_state="pending")  # would make the group 11
    _group(point_category, 8.32, 49.04, 4)  # too few: noise
    for lon, lat in [(8.31, 48.96), (8.35, 49.03), (8.48, 48.97), (8.40, 49.00)]:
        SuggestionFactory(category=point_category, geom=Point(lon, lat, srid=4326))  # scattered: noise

    spots = dashboard.suggestion_hotspots(project=project)

    assert [s.count for s in spots] == [8, 5]
    assert spots[0].lon == pytest.approx(8.3603, abs=0.0005)
    assert spots[0].lat == pytest.approx(48.9803, abs=0.0005)
    assert spots[1].lon == pytest.approx(8.4402, abs=0.0005)
    assert all(0 < s.radius_m < 250 for s in spots)
    assert spots[0].top_category == "charging-station"


def test_hotspots_have_none_without_dense_places(project, point_category):
    SuggestionFactory(category=point_category)
    assert dashboard.suggestion_hotspots(project=project) == []


# ------------------------------------------------------------------------------------------- answering


def test_a_planner_sets_status_and_answer_and_the_public_page_shows_them(
    client_factory, client, project, planner, point_category
):
    suggestion = SuggestionFactory(category=point_category)
    planner_client = client_factory(planner)
    page = planner_client.get(answer_url(suggestion))
    assert page.status_code == 200
    assert b'name="seen_event" value="0"' in page.content

    response = planner_client.post(
        answer_url(suggestion),
        {"status": "planned", "answer": "Wird 2027 gebaut.", "seen_event": "0"},
    )

    assert response.status_code == 302
    assert response["Location"] == answer_url(suggestion)
    suggestion.refresh_from_db()
    assert (suggestion.planning_status, suggestion.official_answer) == ("planned", "Wird 2027 gebaut.")
    assert suggestion.answered_at is not None
    followed = planner_client.get(response["Location"])
    assert "Gespeichert" in followed.content.decode() or "Saved" in followed.content.decode()
    public = client.get(
        reverse("participation:suggestion-detail", kwargs={"slug": project.slug, "pk": suggestion.pk})
    )
    html = public.content.decode()
    assert "Wird 2027 gebaut." in html
    assert formats.date_format(timezone.localtime(suggestion.answered_at), "DATE_FORMAT") in html


def test_an_answer_over_a_colleagues_newer_one_is_refused_with_409(
    client_factory, project, planner, point_category
):
    suggestion = SuggestionFactory(category=point_category)
    colleague = UserFactory(is_superuser=True)
    seen = "0"
    client_factory(colleague).post(
        answer_url(suggestion), {"status": "declined", "answer": "Kein Platz.", "seen_event": seen}
    )
    assert ModerationEvent.objects.filter(suggestion=suggestion).count() == 1

    response = client_factory(planner).post(
        answer_url(suggestion), {"status": "planned", "answer": "Wird gebaut.", "seen_event": seen}
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert 'id="error-form"' in html
    assert "Wird gebaut." in html  # what the planner wrote is kept in the form
    suggestion.refresh_from_db()
    assert (suggestion.planning_status, suggestion.official_answer) == ("declined", "Kein Platz.")


def test_an_unknown_status_is_shown_at_its_field_with_400(client_factory, project, planner, point_category):
    suggestion = SuggestionFactory(category=point_category)
    response = client_factory(planner).post(answer_url(suggestion), {"status": "done", "answer": "x"})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode().split('id="answer-status"')[1].split(">")[0]
