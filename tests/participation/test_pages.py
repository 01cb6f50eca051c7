"""Public pages and the admin, as HTML (the browser tests cover what the script draws)."""

import json
import re

import pytest

from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_home_puts_the_default_project_first_among_several(client, settings):
    # Issue 20, item 7: with several public projects `/` lists them; the default one leads its group.
    settings.DEFAULT_PROJECT_SLUG = "karlsruhe-ebikes"
    ProjectFactory(slug="other")
    ProjectFactory(slug="karlsruhe-ebikes")

    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert html.index('data-slug="karlsruhe-ebikes"') < html.index('data-slug="other"')


def test_home_without_projects_says_what_to_do(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert "load_demo" in response.content.decode()


def test_unknown_project_page_is_a_404_page(client):
    response = client.get("/projects/nowhere/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert "Project not found" in response.content.decode()


def test_map_page_hands_its_data_over_as_json_without_inline_script(client, point_category):
    project = point_category.project
    project.title_de = '</script><script>alert("x")</script>'
    project.save()

    response = client.get(f"/projects/{project.slug}/")

    html = response.content.decode()
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    scripts = re.findall(r"<script([^>]*)>", html)
    assert all('type="application/json"' in attrs or "src=" in attrs for attrs in scripts), scripts
    assert '<script>alert("x")' not in html
    config = json.loads(
        re.search(r'<script id="map-config" type="application/json">(.*?)</script>', html, re.S)[1]
    )
    assert config["urls"]["map"] == f"/api/v1/projects/{project.slug}/map/"
    assert config["urls"]["create"] == f"/api/v1/projects/{project.slug}/suggestions/"
    assert config["categories"] == [
        {"key": "charging-station", "label": point_category.label_de, "kind": "point", "colour": "#1b7f3b"}
    ]
    assert config["area"]["type"] == "MultiPolygon"


def test_map_page_speaks_english_when_asked(client, point_category):
    response = client.get(f"/projects/{point_category.project.slug}/", HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Suggestions in this map section" in html
    assert point_category.label_en in html


def test_admin_draws_the_project_area_on_a_leaflet_map(client, project):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.get(f"/admin/participation/project/{project.pk}/change/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_area-map"' in html or 'id="id_area_map"' in html  # django-leaflet's map for the field
    assert "leaflet/leaflet.js" in html
    assert "MultiPolygon" in html  # the stored area, handed to the widget


def test_map_page_takes_three_queries(client, point_category, django_assert_num_queries):
    # The project with its categories, its open surveys (linked in the panel), whether it has public districts
    # (their feeds and alerts are linked); suggestions come from the API.
    with django_assert_num_queries(3):
        response = client.get(f"/projects/{point_category.project.slug}/")

    assert response.status_code == 200
