"""The "Use in QGIS" page: a project's planners and moderators find the OGC API's address and their staff
layers, and make or replace their API token (POST with its CSRF token, the key shown once), without curl."""

import base64
import re

import pytest
from django.test import Client

from tests.factories import CategoryFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(project, point_category):
    other = ProjectFactory(slug="other-project")
    return {
        "citizen": UserFactory(username="carl"),
        "planner": UserFactory(username="paula", planner_of=project),
        "moderator": UserFactory(username="mona", moderator_of=project),
        "planner_other": UserFactory(username="otto", planner_of=other),
    }


def page_url(project) -> str:
    return f"/projects/{project.slug}/planning/qgis/"


def signed_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def shown_token(response) -> str:
    return re.search(r'<code id="api-token">([0-9a-f]{40})</code>', response.content.decode())[1]


def test_only_the_projects_planners_and_moderators_open_it(project, people):
    url = page_url(project)
    assert Client().get(url).status_code == 302  # to sign in
    assert signed_in(people["citizen"]).get(url).status_code == 403
    assert signed_in(people["planner_other"]).get(url).status_code == 403
    assert signed_in(people["citizen"]).get("/projects/no-such-project/planning/qgis/").status_code == 404
    secret = ProjectFactory(slug="being-set-up", is_public=False)
    CategoryFactory(project=secret)
    assert signed_in(people["planner"]).get(page_url(secret)).status_code == 404

    for role in ("planner", "moderator"):
        response = signed_in(people[role]).get(url)
        assert response.status_code == 200
        body = response.content.decode()
        assert "http://testserver/ogcapi" in body
        assert "<code>test-project-points-staff</code>" in body
        assert 'id="api-token"' not in body
        assert response["Cache-Control"] == "private, no-store"


def test_a_token_is_made_with_a_post_and_its_csrf_token_shown_once_and_replaced(project, people):
    browser = signed_in(people["planner"], enforce_csrf_checks=True)
    url = page_url(project)
    page = browser.get(url)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]

    assert browser.post(url).status_code == 403  # a form from elsewhere makes no token
    made = browser.post(url, {"csrfmiddlewaretoken": csrf})
    first = shown_token(made)

    assert made["Cache-Control"] == "private, no-store"
    assert first not in browser.get(url).content.decode()  # shown once
    reader = Client(HTTP_AUTHORIZATION="Basic " + base64.b64encode(f"paula:{first}".encode()).decode())
    assert reader.get("/ogcapi/collections/test-project-points-staff/items").status_code == 200

    second = shown_token(browser.post(url, {"csrfmiddlewaretoken": csrf}))

    assert second != first
    assert reader.get("/ogcapi/collections/test-project-points-staff/items").status_code == 401
    with_new = Client(HTTP_AUTHORIZATION=f"Token {second}")
    assert with_new.get("/ogcapi/collections/test-project-points-staff/items").status_code == 200


def test_the_page_speaks_german(project, people):
    response = signed_in(people["moderator"]).get(page_url(project), HTTP_ACCEPT_LANGUAGE="de")

    body = response.content.decode()
    assert '<h1 id="qgis-title">In QGIS nutzen</h1>' in body
    assert "Mein Token erstellen" in body
    assert "niemals das Passwort Ihres Kontos" in body
