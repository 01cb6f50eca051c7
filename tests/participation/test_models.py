"""The database itself refuses what must never be stored, whatever code path writes."""

import math
from datetime import timedelta

import pytest
from django.contrib.gis.geos import GEOSGeometry, Point
from django.db import DataError, IntegrityError, connection, transaction
from django.utils import translation

from participation.models import Category, Suggestion
from tests.factories import CategoryFactory, ProjectFactory, SuggestionFactory

pytestmark = pytest.mark.django_db


def _refused(**changes) -> None:
    suggestion = SuggestionFactory()
    for name, value in changes.items():
        setattr(suggestion, name, value)
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        suggestion.save()


def test_category_key_is_unique_per_project_but_reusable_across_projects(point_category):
    CategoryFactory(project=ProjectFactory(), key=point_category.key)  # another project: fine

    with pytest.raises(IntegrityError), transaction.atomic():
        CategoryFactory(project=point_category.project, key=point_category.key)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("moderation_state", "approved"),
        ("planning_status", "done"),
        ("title", ""),
    ],
)
def test_suggestion_refuses_values_outside_its_closed_sets(field, value):
    _refused(**{field: value})


def test_suggestion_counts_never_go_negative():
    suggestion = SuggestionFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Suggestion.objects.filter(pk=suggestion.pk).update(support_count=-1)


def test_suggestion_refuses_an_invalid_geometry():
    bow_tie = GEOSGeometry("POLYGON((8.40 49.00, 8.41 49.01, 8.41 49.00, 8.40 49.01, 8.40 49.00))", srid=4326)

    _refused(geom=bow_tie)


def test_suggestion_refuses_geometry_types_no_category_draws():
    _refused(geom=GEOSGeometry("MULTIPOINT((8.40 49.00), (8.41 49.01))", srid=4326))


def test_suggestion_refuses_a_third_dimension():
    _refused(geom=Point(8.40, 49.00, 120.0, srid=4326))


def test_geom_3857_is_computed_by_the_database_and_follows_moves():
    suggestion = SuggestionFactory(geom=Point(8.4039, 49.0092, srid=4326))
    suggestion.refresh_from_db()
    assert suggestion.geom_3857.srid == 3857
    radius = 6_378_137  # spherical Web Mercator
    assert suggestion.geom_3857.x == pytest.approx(math.radians(8.4039) * radius, abs=0.01)
    assert suggestion.geom_3857.y == pytest.approx(
        math.log(math.tan(math.pi / 4 + math.radians(49.0092) / 2)) * radius, abs=0.01
    )

    suggestion.geom = Point(8.4017, 48.9935, srid=4326)
    suggestion.save()
    suggestion.refresh_from_db()

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_Equals(geom_3857, ST_Transform(geom, 3857))"
            " FROM participation_suggestion WHERE id = %s",
            [suggestion.pk],
        )
        assert cursor.fetchone() == (True,)


def test_geom_3857_has_its_own_gist_index():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes"
            " WHERE tablename = 'participation_suggestion' AND indexdef LIKE %s",
            ["%gist (geom_3857)%"],
        )
        assert cursor.fetchall(), "geom_3857 needs a GiST index for tiles and clusters"


def test_project_phase_must_end_after_it_starts(project):
    project.phase_end = project.phase_start - timedelta(days=1)

    with pytest.raises(IntegrityError), transaction.atomic():
        project.save()


def test_category_colour_must_be_a_hex_colour(project):
    with pytest.raises(IntegrityError), transaction.atomic():
        CategoryFactory(project=project, colour="#12345g")


def test_category_label_follows_the_active_language(point_category):
    category = Category.objects.get(pk=point_category.pk)
    with translation.override("en"):
        assert category.label == point_category.label_en
    with translation.override("de"):
        assert category.label == point_category.label_de


def test_a_suggestion_cannot_take_a_category_of_another_project(point_category):
    foreign = CategoryFactory(project=ProjectFactory(slug="elsewhere"))
    suggestion = SuggestionFactory(category=point_category)

    with pytest.raises(IntegrityError), transaction.atomic():
        Suggestion.objects.filter(pk=suggestion.pk).update(category=foreign)


def test_deleting_a_project_deletes_its_suggestions_and_categories(point_category):
    SuggestionFactory.create_batch(3, category=point_category)

    point_category.project.delete()

    assert not Suggestion.objects.exists()
    assert not Category.objects.exists()
