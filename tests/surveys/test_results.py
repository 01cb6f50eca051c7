"""The planners' results: aggregation against known answers, free-text search, the map, permissions."""

import json

import pytest
from django.utils import translation

from surveys import results
from surveys.selectors import question_list
from tests.factories import CitizenFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def bars(result):
    return [(bar.label, bar.count) for bar in result.bars]


@translation.override("en")
def test_counts_per_choice_yes_no_scale_and_number_bins(answered, questions):
    found = {
        r.question.pk: r
        for r in results.question_results(survey=answered, questions=question_list(survey=answered))
    }

    assert bars(found[questions["owns"].pk]) == [("YES", 3), ("NO", 2)]
    assert bars(found[questions["charge"].pk]) == [("HOME", 2), ("WORK", 1), ("PUBLIC", 1)]
    assert found[questions["charge"].pk].answered == 3  # people, not rows
    assert bars(found[questions["share"].pk]) == [("Yes", 2), ("No", 2)]
    assert [count for _label, count in bars(found[questions["scale"].pk])] == [1, 1, 0, 2, 1]
    trips = bars(found[questions["trips"].pk])
    assert len(trips) == 10
    assert trips[0] == ("0–5", 1)
    assert trips[2] == ("10–15", 1)
    assert trips[5] == ("25–30", 1)
    assert trips[9] == ("45–50", 2)  # 49.5 and the maximum itself
    assert sum(count for _label, count in trips) == 5
    assert found[questions["text"].pk].chart == "texts"
    assert found[questions["point"].pk].chart == "map"


def test_responses_per_day_include_the_days_without_any(answered):
    per_day = results.responses_per_day(survey=answered)
    assert [d.count for d in per_day] == [2, 1, 2]


def test_free_texts_are_searched_without_regard_to_case(answered, questions):
    assert results.free_texts(survey=answered).paginator.count == 4
    found = results.free_texts(survey=answered, search="LADESÄULE")
    assert sorted(a.text for a in found) == ["Mehr Ladesäulen", "ladesäule am markt"]
    assert results.free_texts(survey=answered, question_id=questions["owns"].pk).paginator.count == 0


def test_the_map_clusters_points_that_lie_close_together_and_keeps_lines(answered, questions):
    collection = json.loads(results.map_answers_geojson(survey=answered))
    points = sorted(
        (f["properties"]["count"], f["geometry"]["coordinates"])
        for f in collection["features"]
        if f["geometry"]["type"] == "Point"
    )
    lines = [f for f in collection["features"] if f["geometry"]["type"] == "LineString"]

    assert [count for count, _xy in points] == [1, 3]  # three within ~20 m, one far away
    assert points[0][1] == [8.45, 49.03]
    assert len(lines) == 1
    assert all("response" not in json.dumps(f["properties"]) for f in collection["features"])


def results_url(survey):
    return f"/projects/{survey.project.slug}/surveys/{survey.slug}/results/"


@pytest.mark.parametrize("suffix", ["", "export.csv", "export.xlsx", "export.geojson", "codebook.csv"])
def test_results_and_exports_are_for_the_projects_planners_only(client_factory, answered, suffix):
    url = results_url(answered) + suffix
    anonymous = client_factory().get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    assert client_factory(CitizenFactory()).get(url).status_code == 403
    elsewhere = UserFactory(planner_of=ProjectFactory())
    assert client_factory(elsewhere).get(url).status_code == 403
    moderator = UserFactory(moderator_of=answered.project)
    assert client_factory(moderator).get(url).status_code == 403

    planner = UserFactory(planner_of=answered.project)
    assert client_factory(planner).get(url).status_code == 200
    assert client_factory(UserFactory(is_superuser=True)).get(url).status_code == 200


@pytest.fixture
def planner_client(client_factory, answered):
    planner = UserFactory(planner_of=answered.project)
    return client_factory(planner)


def test_the_results_page_has_a_table_per_chart_and_a_bounded_number_of_queries(
    planner_client, answered, questions, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20):
        page = planner_client.get(results_url(answered), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    config = page.context["results_config"]

    assert page.status_code == 200
    assert "5 responses." in html
    for name in ("owns", "charge", "trips", "scale", "share"):
        assert f'id="chart-q{questions[name].pk}"' in html
        assert f'id="table-q{questions[name].pk}"' in html
    assert 'id="table-days"' in html
    assert len(config["charts"]) == 5
    assert len(config["answers"]["features"]) == 3
    assert "=HYPERLINK(1)" in html  # shown as text (escaped by the template)


def test_the_free_text_search_works_without_script(planner_client, answered):
    page = planner_client.get(results_url(answered) + "?search=bahnhof", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert "1 answer found." in html
    assert "Bahnhof fehlt" in html
    assert "Mehr Ladesäulen" not in html


def test_the_dashboard_and_the_survey_page_link_the_results_for_planners(planner_client, answered, client):
    dashboard = planner_client.get(f"/projects/{answered.project.slug}/dashboard/").content.decode()
    assert f'href="{results_url(answered)}"' in dashboard
    survey_page = planner_client.get(f"/projects/{answered.project.slug}/surveys/{answered.slug}/")
    assert f'href="{results_url(answered)}"' in survey_page.content.decode()
    assert (
        results_url(answered)
        not in client.get(f"/projects/{answered.project.slug}/surveys/{answered.slug}/").content.decode()
    )
