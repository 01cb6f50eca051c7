"""The coverage analysis: nearest existing facility, district and network share of every suggestion, and the
figures per district, kept exact by the triggers through every kind of change and equal to a rebuild."""

import json
import math
from io import StringIO

import pytest
from django.contrib.gis.geos import LineString, Point
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from geo.analysis.models import AnalysisState, District, DistrictFigure, SuggestionAnalysis
from geo.analysis.services import analysis_rebuild, analysis_rebuild_task, analysis_request
from geo.layers.imports import layer_import
from geo.layers.models import ContextFeature, ContextLayer
from participation.models import ModerationState, Suggestion
from tests.factories import CategoryFactory, SuggestionFactory
from tests.geo.conftest import PARKING_A

pytestmark = pytest.mark.django_db(transaction=False)


def metres(a: Point, b: Point) -> float:
    """Great-circle distance on the mean earth radius: an independent check of PostGIS's geodesic distance
    (spheroid) to within a few tenths of a percent."""
    lon1, lat1, lon2, lat2 = map(math.radians, (a.x, a.y, b.x, b.y))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371008.8 * math.asin(math.sqrt(h))


def figures(project) -> dict:
    return {
        (f.district_id, f.category_id): (
            f.suggestions,
            f.supports,
            f.covered,
            f.covered_supports,
            f.facilities,
        )
        for f in DistrictFigure.objects.filter(project_id=project.pk)
    }


def test_a_new_suggestion_gets_its_nearest_facility_and_its_smallest_district(town):
    at = Point(8.3720, 48.9920, srid=4326)
    s = SuggestionFactory(category=town["parking"], geom=at)

    row = SuggestionAnalysis.objects.get(suggestion_id=s.pk)
    assert row.facility_id == town["a"].pk
    assert row.facility_distance_m == pytest.approx(metres(at, PARKING_A), rel=4e-3)
    assert row.district_id == town["south"].pk  # the Stadtteil, not the Ortschaft that holds it


def test_nested_districts_are_known_and_the_figures_count_a_suggestion_once(town):
    SuggestionFactory(category=town["parking"], geom=Point(8.372, 48.992, srid=4326), support_count=3)
    SuggestionFactory(category=town["parking"], geom=Point(8.44, 49.015, srid=4326), support_count=1)
    SuggestionFactory(category=town["parking"], geom=Point(8.50, 49.05, srid=4326))  # in no district

    south = District.objects.get(feature_id=town["south"].pk)
    assert south.nested_in == town["west"].pk
    assert south.is_leaf
    assert not District.objects.get(feature_id=town["west"].pk).is_leaf
    assert south.area_km2 == pytest.approx(1.825 * 2.224, rel=0.02)
    rows = figures(town["project"])
    parking = town["parking"].pk
    assert rows[(town["south"].pk, parking)][:2] == (1, 3)
    assert rows[(town["west"].pk, parking)][:2] == (0, 0)
    assert rows[(town["east"].pk, parking)][:2] == (1, 1)
    assert rows[(0, parking)][:2] == (1, 0)
    assert sum(r[0] for r in rows.values()) == 3  # each suggestion in exactly one row


def test_covered_follows_the_project_coverage_distance(town):
    project = town["project"]
    near = Point(8.3720, 48.9900, srid=4326)  # ~147 m east of parking A
    SuggestionFactory(category=town["parking"], geom=near, support_count=5)
    key = (town["south"].pk, town["parking"].pk)
    assert figures(project)[key][2:4] == (1, 5)

    project.coverage_distance_m = 100
    project.save(update_fields=["coverage_distance_m"])
    assert figures(project)[key][2:4] == (0, 0)
    assert figures(project)[key][:2] == (1, 5)


def test_the_figures_count_facilities_per_district_and_category(town):
    rows = figures(town["project"])
    assert rows[(town["south"].pk, town["parking"].pk)][4] == 1
    assert rows[(town["east"].pk, town["parking"].pk)][4] == 1
    assert rows[(town["west"].pk, town["parking"].pk)][4] == 0


def test_a_suggested_path_knows_its_share_along_the_existing_network(town):
    # 0.02° along the cycleway (8.36..8.39 at 49.005), then 0.02° beyond its end: half of it.
    along = SuggestionFactory(
        category=town["path"], geom=LineString((8.37, 49.005), (8.41, 49.005), srid=4326)
    )
    away = SuggestionFactory(
        category=town["path"], geom=LineString((8.37, 49.015), (8.39, 49.015), srid=4326)
    )
    point = SuggestionFactory(category=town["parking"], geom=Point(8.37, 49.005, srid=4326))

    assert SuggestionAnalysis.objects.get(suggestion_id=along.pk).network_share == pytest.approx(
        0.5, abs=0.01
    )
    assert SuggestionAnalysis.objects.get(suggestion_id=away.pk).network_share == 0
    assert SuggestionAnalysis.objects.get(suggestion_id=point.pk).network_share is None


def test_every_kind_of_change_keeps_the_figures_equal_to_a_rebuild(town):
    parking = town["parking"]
    s1 = SuggestionFactory(category=parking, geom=Point(8.372, 48.992, srid=4326), support_count=2)
    s2 = SuggestionFactory(category=parking, geom=Point(8.44, 49.015, srid=4326))
    s3 = SuggestionFactory(category=parking, geom=Point(8.38, 49.01, srid=4326),
                           moderation_state=ModerationState.PENDING)  # fmt: skip
    SuggestionFactory(category=town["path"], geom=LineString((8.37, 49.005), (8.41, 49.005), srid=4326))

    Suggestion.objects.filter(pk=s1.pk).update(support_count=7)  # supports
    Suggestion.objects.filter(pk=s2.pk).update(geom=Point(8.371, 48.991, srid=4326))  # moved into West-Süd
    Suggestion.objects.filter(pk=s3.pk).update(moderation_state=ModerationState.PUBLISHED)  # published
    Suggestion.objects.filter(pk=s1.pk).update(moderation_state=ModerationState.HIDDEN)  # hidden
    Suggestion.objects.filter(pk__in=[s2.pk, s3.pk]).update(support_count=1)  # a bulk change
    s3.delete()

    kept = figures(town["project"])
    analysis_rebuild(project_id=town["project"].pk)
    assert figures(town["project"]) == kept
    assert kept[(town["south"].pk, parking.pk)][:2] == (1, 1)  # s2 only: s1 hidden, s3 deleted
    assert not SuggestionAnalysis.objects.filter(suggestion_id=s3.pk).exists()


def test_a_rebuild_measures_against_changed_facilities(town):
    at = Point(8.3720, 48.9920, srid=4326)
    s = SuggestionFactory(category=town["parking"], geom=at)
    closer = ContextFeature.objects.create(layer=town["a"].layer, geom=Point(8.3721, 48.9921, srid=4326))
    assert SuggestionAnalysis.objects.get(suggestion_id=s.pk).facility_id == town["a"].pk  # not yet

    analysis_rebuild(project_id=town["project"].pk)

    row = SuggestionAnalysis.objects.get(suggestion_id=s.pk)
    assert row.facility_id == closer.pk
    assert row.facility_distance_m < 15
    assert figures(town["project"])[(town["south"].pk, town["parking"].pk)][4] == 2


def test_a_category_without_facilities_has_no_nearest_facility(town):
    other = CategoryFactory(project=town["project"], key="comment")
    s = SuggestionFactory(category=other, geom=Point(8.372, 48.992, srid=4326))
    row = SuggestionAnalysis.objects.get(suggestion_id=s.pk)
    assert row.facility_id is None
    assert row.facility_distance_m is None
    assert row.district_id == town["south"].pk


def test_a_request_queues_one_rebuild_and_a_later_rebuild_makes_older_jobs_end(
    town, django_capture_on_commit_callbacks
):
    project_id = town["project"].pk
    with django_capture_on_commit_callbacks(execute=True):
        analysis_request(project_id=project_id)
    state = AnalysisState.objects.get(project_id=project_id)
    assert state.requested_at is not None
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE task_path LIKE %s",
                       ["%analysis_rebuild_task"])  # fmt: skip
        assert cursor.fetchone()[0] == 1

    analysis_rebuild_task.call(project_id, state.requested_at.isoformat())
    rebuilt = AnalysisState.objects.get(project_id=project_id)
    assert rebuilt.started_at > state.requested_at
    assert rebuilt.rebuilt_at >= rebuilt.started_at

    analysis_rebuild_task.call(project_id, state.requested_at.isoformat())  # an older job: nothing to do
    assert AnalysisState.objects.get(project_id=project_id).rebuilt_at == rebuilt.rebuilt_at


def test_the_command_rebuilds_a_project_and_refuses_an_unknown_one(town):
    s = SuggestionFactory(category=town["parking"], geom=Point(8.3720, 48.9920, srid=4326))
    SuggestionAnalysis.objects.filter(suggestion_id=s.pk).update(facility_id=None, district_id=None)
    out = StringIO()
    call_command("rebuild_analysis", "town", stdout=out)
    assert "town: measured again" in out.getvalue()
    assert SuggestionAnalysis.objects.get(suggestion_id=s.pk).district_id == town["south"].pk
    with pytest.raises(CommandError, match="No such project: nowhere"):
        call_command("rebuild_analysis", "nowhere")


def test_a_rebuild_that_finds_what_was_there_rewrites_no_row(town):
    SuggestionFactory(category=town["parking"], geom=Point(8.372, 48.992, srid=4326))
    SuggestionFactory(category=town["path"], geom=LineString((8.37, 49.005), (8.41, 49.005), srid=4326))

    def versions() -> list:
        with connection.cursor() as cursor:
            cursor.execute("SELECT suggestion_id, xmin::text FROM geo_suggestion_analysis ORDER BY 1")
            return cursor.fetchall()

    before = versions()
    analysis_rebuild(project_id=town["project"].pk)
    assert versions() == before  # the same row versions: nothing rewritten, nothing locked


def test_the_nearest_facility_search_reads_only_its_own_layers_partition(town, tmp_path):
    """Each imported layer is a partition of its own; the search must not walk the others' features (it did:
    every call started a KNN scan in every partition and filtered out their features one by one)."""
    project = town["project"]
    other = ContextLayer.objects.create(
        project=project, name="Chargers", role="facilities", category=town["path"]
    )
    many = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [8.37, 48.99]}}
        ]
        * 200,
    }
    (tmp_path / "many.geojson").write_text(json.dumps(many))
    layer_import(layer=other, source=tmp_path / "many.geojson", actor="test")
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN (ANALYZE, FORMAT JSON) SELECT * FROM geo_nearest_facility(%s, %s, "
            "ST_SetSRID(ST_MakePoint(8.372, 48.992), 4326))",
            [project.pk, town["parking"].pk],
        )
        plan = json.dumps(cursor.fetchone()[0])
    assert f"geo_context_feature_l{other.pk}" not in plan or '"Actual Loops": 0' in plan
    assert '"Rows Removed by Filter": 200' not in plan
