"""A project that is not public does not exist for anyone without a role in it.

Before: its dashboard, answer, export and export-job pages and the export API answered 302 (to sign in) or
403 for a private project and 404 for a missing one, so anyone could find out which slugs exist and probe
the staff pages of a project being prepared. Now everyone without a role there (anonymous included: no
redirect to sign in) gets the same 404 as for a project that does not exist; its own staff get the pages.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from geo.models import ExportJob
from tests.factories import CategoryFactory, ProjectFactory, SuggestionFactory, UserFactory
from tests.surveys.factories import SurveyFactory

pytestmark = pytest.mark.django_db

PRIVATE = "private-plans"
MISSING = "no-such-plans"
TITLE = "Geheime Planung Nordstadt"


@pytest.fixture
def private(planner, citizen):
    """A project being prepared, with its own planner, a suggestion, an export job and a survey."""
    project = ProjectFactory(slug=PRIVATE, is_public=False, title_de=TITLE, title_en=TITLE)
    category = CategoryFactory(project=project, key="charging-station", geometry_kind="point")
    own_planner = UserFactory(username="private-planner", planner_of=project)
    own_moderator = UserFactory(username="private-moderator", moderator_of=project)
    suggestion = SuggestionFactory(category=category)
    job = ExportJob.objects.create(
        project=project,
        requested_by=own_planner,
        format="gpkg",
        expires_at=timezone.now() + timedelta(hours=1),
    )
    SurveyFactory(project=project, slug="mobility")
    return {
        "project": project,
        "suggestion": suggestion,
        "job": job,
        "planner": own_planner,
        "moderator": own_moderator,
        "outsiders": {"anonymous": None, "citizen": citizen, "planner of another project": planner},
    }


def page_paths(slug: str, suggestion_id: int, job_id: str) -> list[str]:
    return [
        f"/projects/{slug}/dashboard/",
        f"/projects/{slug}/planning/suggestions/{suggestion_id}/",
        f"/projects/{slug}/planning/export/",
        f"/projects/{slug}/planning/exports/{job_id}/",
        f"/projects/{slug}/planning/exports/{job_id}/download",
        f"/projects/{slug}/moderation/",
        f"/projects/{slug}/surveys/mobility/results/",
        f"/projects/{slug}/surveys/mobility/results/export.csv",
    ]


def api_requests(slug: str, job_id: str) -> list[tuple[str, str]]:
    return [
        ("post", f"/api/v1/projects/{slug}/exports/geojson"),
        ("get", f"/api/v1/projects/{slug}/exports/jobs/{job_id}"),
        ("get", f"/api/v1/projects/{slug}/exports/jobs/{job_id}/download"),
    ]


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_the_staff_pages_of_a_private_project_are_404_for_everyone_without_a_role(private):
    job = str(private["job"].pk)
    for who, user in private["outsiders"].items():
        client = client_for(user)
        for private_path, missing_path in zip(
            page_paths(PRIVATE, private["suggestion"].pk, job),
            page_paths(MISSING, private["suggestion"].pk, job),
            strict=True,
        ):
            missing = client.get(missing_path)
            response = client.get(private_path)

            assert missing.status_code == 404, (who, missing_path, missing.status_code)
            assert response.status_code == 404, (who, private_path, response.status_code)
            assert TITLE not in response.content.decode()


def test_the_export_api_of_a_private_project_answers_as_for_a_missing_one(private):
    job = str(private["job"].pk)
    for who, user in private["outsiders"].items():
        client = client_for(user)
        for (method, private_path), (_method, missing_path) in zip(
            api_requests(PRIVATE, job), api_requests(MISSING, job), strict=True
        ):
            missing = getattr(client, method)(missing_path)
            response = getattr(client, method)(private_path)

            assert response.status_code == missing.status_code == 404, (
                who,
                private_path,
                response.status_code,
            )
            assert response.json() == missing.json()


def test_its_own_staff_still_get_their_pages(private):
    planner = client_for(private["planner"])
    for path in page_paths(PRIVATE, private["suggestion"].pk, str(private["job"].pk))[:4]:
        assert planner.get(path).status_code == 200, path
    assert planner.get(f"/api/v1/projects/{PRIVATE}/exports/jobs/{private['job'].pk}").status_code == 200
    assert client_for(private["moderator"]).get(f"/projects/{PRIVATE}/moderation/").status_code == 200


def test_its_moderator_is_refused_the_planners_pages_with_403(private):
    """Staff of the project know it exists: for them a missing right is a 403, not a 404."""
    moderator = client_for(private["moderator"])

    assert moderator.get(f"/projects/{PRIVATE}/dashboard/").status_code == 403


def test_a_public_projects_staff_pages_still_send_visitors_to_sign_in(project, point_category):
    response = Client().get(f"/projects/{project.slug}/dashboard/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
