"""The planners' coverage page: who may open it, and that it shows the analysis's figures, district table and
gaps with links to open each suggestion."""

import pytest
from django.contrib.gis.geos import LineString, Point
from django.urls import reverse
from django.utils import translation

from tests.factories import CitizenFactory, SuggestionFactory, UserFactory

pytestmark = pytest.mark.django_db


def coverage_url(project, **query):
    url = reverse("geo:coverage", kwargs={"slug": project.slug})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def planner(town):
    return UserFactory(planner_of=town["project"])


def test_only_the_projects_planners_open_it(client_factory, town, planner):
    project = town["project"]
    assert client_factory().get(coverage_url(project)).status_code == 302  # to sign in
    assert client_factory(CitizenFactory()).get(coverage_url(project)).status_code == 403
    assert client_factory(UserFactory(moderator_of=project)).get(coverage_url(project)).status_code == 403
    assert client_factory(planner).get(coverage_url(project)).status_code == 200


def test_it_shows_demand_met_and_unmet_per_category_districts_and_gaps(client_factory, town, planner):
    parking = town["parking"]
    SuggestionFactory(category=parking, geom=Point(8.372, 48.9905, srid=4326), support_count=2)  # ~160 m
    far = SuggestionFactory(
        category=parking, geom=Point(8.385, 49.015, srid=4326), support_count=9, title="Am <b>Bahnhof</b>"
    )
    with translation.override("en"):
        response = client_factory(planner).get(coverage_url(town["project"]))
    page = response.content.decode()
    config = response.context["coverage_config"]

    coverage = {row.category.key: row for row in response.context["coverage"]}
    assert set(coverage) == {"sharing-point", "bike-path"}  # the categories with existing facilities
    assert (coverage["sharing-point"].covered, coverage["sharing-point"].unmet) == (1, 1)
    assert coverage["sharing-point"].unmet_supports == 9

    districts = {d["name"]: d for d in config["districts"]}
    assert districts["West"]["suggestions"] == 2  # its part West-Süd's one plus the one north of it
    assert districts["West-Süd"]["suggestions"] == 1
    assert districts["East"]["suggestions"] == 0
    assert response.context["district_total"] == 2  # nested districts not counted twice

    gaps = response.context["gaps"]
    assert len(gaps) == 1
    gap, openable = gaps[0]
    assert (gap.suggestions, gap.supports) == (1, 9)
    answer = reverse("participation:planning-answer", kwargs={"slug": "town", "pk": far.pk})
    assert openable == [("Am <b>Bahnhof</b>", answer)]
    assert f'href="{answer}">Am &lt;b&gt;Bahnhof&lt;/b&gt;</a>' in page  # escaped, and openable


def test_the_district_table_filters_by_category_and_refuses_an_unknown_one(client_factory, town, planner):
    SuggestionFactory(category=town["parking"], geom=Point(8.372, 48.9905, srid=4326))
    client = client_factory(planner)
    shown = client.get(coverage_url(town["project"], category="bike-path")).context["districts"]
    assert sum(d.suggestions for d in shown if d.nested_in is None) == 0
    with translation.override("en"):
        refused = client.get(coverage_url(town["project"], category="nope"))
    assert refused.status_code == 404


def test_a_project_without_layers_says_what_to_do(client_factory):
    project = SuggestionFactory().project
    with translation.override("en"):
        response = client_factory(UserFactory(planner_of=project)).get(coverage_url(project))
    page = response.content.decode()
    assert 'id="no-facilities"' in page
    assert 'id="no-districts"' in page


def test_the_maps_credit_the_layers_they_compare_with(client_factory, town, planner):
    town["west"].layer.__class__.objects.filter(pk=town["west"].layer_id).update(
        attribution="© OpenStreetMap-Mitwirkende", licence="ODbL 1.0"
    )
    SuggestionFactory(category=town["parking"], geom=Point(8.385, 49.015, srid=4326))
    page = client_factory(planner).get(coverage_url(town["project"])).content.decode()
    assert page.count("Districts: © OpenStreetMap-Mitwirkende · ODbL 1.0") == 2  # under both maps


def test_suggested_paths_show_their_share_along_the_existing_network(client_factory, town, planner):
    half = SuggestionFactory(
        category=town["path"], geom=LineString((8.37, 49.005), (8.41, 49.005), srid=4326), support_count=4
    )
    SuggestionFactory(category=town["path"], geom=LineString((8.37, 49.015), (8.39, 49.015), srid=4326))
    with translation.override("de"):
        response = client_factory(planner).get(coverage_url(town["project"]))
    paths = response.context["paths"]
    assert paths["total"] == 2
    assert paths["overall_percent"] == pytest.approx(100 * 0.5 * 2 / 3, abs=1)  # lengths 2:1
    first, percent, _url = paths["rows"][0]
    assert first.id == half.pk
    assert percent == pytest.approx(50, abs=1)
    page = response.content.decode()
    assert f"2 vorgeschlagene Wege; {round(paths['overall_percent'])} % ihrer Länge" in page
