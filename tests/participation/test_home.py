"""`/`: the town's public projects by phase, each with its area drawn without base-map tiles."""

import re
from datetime import timedelta

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.utils import timezone

from tests.factories import CategoryFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_projects():
    now = timezone.now()
    running = ProjectFactory(slug="running", title_de="Radwege Nord", title_en="Bike paths north")
    upcoming = ProjectFactory(
        slug="upcoming",
        title_de="Ladesäulen Süd",
        phase_start=now + timedelta(days=20),
        phase_end=now + timedelta(days=60),
    )
    finished = ProjectFactory(
        slug="finished",
        title_de="Sharing 2025",
        phase_start=now - timedelta(days=400),
        phase_end=now - timedelta(days=300),
    )
    hidden = ProjectFactory(slug="in-setup", title_de="Geheimes Projekt", is_public=False)
    return running, upcoming, finished, hidden


def _section(html: str, group: str) -> str:
    match = re.search(rf'<section class="project-group project-group--{group}".*?</section>', html, re.S)
    assert match, f"no {group} section"
    return match[0]


def test_one_public_project_leads_straight_to_its_map(client, django_assert_num_queries):
    ProjectFactory(slug="only-one")
    ProjectFactory(slug="not-yet-public", is_public=False)

    with django_assert_num_queries(1):
        response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/projects/only-one/"


def test_home_lists_running_upcoming_and_finished_projects(client, three_projects):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/projects/running/"' in _section(html, "running")
    assert 'href="/projects/upcoming/"' in _section(html, "upcoming")
    assert 'href="/projects/finished/"' in _section(html, "finished")
    assert "Jetzt laufend" in html
    assert "Demnächst" in html
    assert "Abgeschlossen" in html


def test_home_never_lists_a_project_that_is_not_public(client, three_projects):
    html = client.get("/").content.decode()

    assert "in-setup" not in html
    assert "Geheimes Projekt" not in html


def test_home_speaks_english(client, three_projects):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Bike paths north" in html
    assert "Running now" in html


def test_each_project_area_is_an_svg_path_framed_by_its_viewbox(client, three_projects):
    square = MultiPolygon(Polygon.from_bbox((8.30, 48.95, 8.50, 49.05)), srid=4326)
    running = three_projects[0]
    running.area = square
    running.save()

    html = client.get("/").content.decode()

    card = re.search(r'<li class="project-card" data-slug="running">.*?</li>', html, re.S)[0]
    view_box = [float(v) for v in re.search(r'viewBox="([^"]+)"', card)[1].split()]
    path = re.search(r'<path d="([^"]+)"', card)[1]
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path)]
    xs, ys = numbers[0::2], numbers[1::2]
    # Web Mercator metres, y downwards (SVG): the square's corners, inside the box with a margin.
    mercator = square.transform(3857, clone=True).extent
    assert min(xs) == pytest.approx(mercator[0], abs=1)
    assert max(xs) == pytest.approx(mercator[2], abs=1)
    assert min(ys) == pytest.approx(-mercator[3], abs=1)
    x, y, width, height = view_box
    assert x < min(xs)
    assert max(xs) < x + width
    assert y < min(ys)
    assert max(ys) < y + height


def test_home_lists_projects_in_a_fixed_number_of_queries(client, three_projects, django_assert_num_queries):
    for index in range(5):
        project = ProjectFactory(slug=f"more-{index}")
        CategoryFactory(project=project)

    with django_assert_num_queries(2):  # projects, outlines
        response = client.get("/")

    assert response.status_code == 200


def test_a_finished_project_stays_readable_and_says_it_is_finished(client, three_projects):
    finished = three_projects[2]
    CategoryFactory(project=finished)

    response = client.get("/projects/finished/", HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Participation has ended" in html
    assert 'id="compose-start"' not in html
