"""The cluster aggregate geo_cluster_cell stays exactly what a fresh aggregation of the suggestions gives.

The trigger keeps it; `cluster_rebuild` recomputes it. Comparing the two after any sequence of changes, made
through the ORM, QuerySet.update() or raw SQL, is the specification: every change is counted exactly once.
"""

import math
import random
import threading

import pytest
from django.contrib.gis.geos import LineString, Point, Polygon
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from geo.core.grid import CLUSTER_MAX_ZOOM, WEB_MERCATOR_HALF, cell_size
from geo.models import ClusterCell
from geo.services import cluster_rebuild
from participation.models import ModerationState, Suggestion
from tests.factories import CategoryFactory, ProjectFactory, SuggestionFactory

pytestmark = pytest.mark.django_db

CELL_ROWS = (
    "SELECT project_id, zoom, cell_x, cell_y, category_id, count, sum_x, sum_y FROM geo_cluster_cell"
    " ORDER BY project_id, zoom, cell_x, cell_y, category_id"
)


def cell_rows() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(CELL_ROWS)
        return cursor.fetchall()


def assert_same_cells(actual: list[tuple], expected: list[tuple]) -> None:
    # Keys and counts exact; coordinate sums up to the rounding of a different summation order.
    assert [row[:6] for row in actual] == [row[:6] for row in expected]
    for got, wanted in zip(actual, expected, strict=True):
        assert got[6:] == (pytest.approx(wanted[6], abs=1e-6), pytest.approx(wanted[7], abs=1e-6))


def assert_cells_equal_a_fresh_aggregation() -> None:
    maintained = cell_rows()
    cluster_rebuild()
    assert_same_cells(maintained, cell_rows())


def mercator(lon: float, lat: float) -> tuple[float, float]:
    x = lon * WEB_MERCATOR_HALF / 180
    y = math.log(math.tan((90 + lat) * math.pi / 360)) * WEB_MERCATOR_HALF / math.pi
    return x, y


def expected_cell(x: float, y: float, zoom: int) -> tuple[int, int]:
    size = cell_size(zoom)
    return math.floor((x + WEB_MERCATOR_HALF) / size), math.floor((WEB_MERCATOR_HALF - y) / size)


def test_the_sql_grid_has_one_cell_per_zoom_up_to_cluster_max_zoom():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT min(zoom), max(zoom), count(*)"
            " FROM geo_cluster_cells(ST_SetSRID(ST_MakePoint(0, 0), 3857))"
        )
        assert cursor.fetchone() == (0, CLUSTER_MAX_ZOOM, CLUSTER_MAX_ZOOM + 1)


def test_a_published_point_counts_once_per_zoom_in_the_cell_of_its_mercator_coordinates(point_category):
    suggestion = SuggestionFactory(category=point_category, geom=Point(8.4037, 49.0069, srid=4326))
    x, y = mercator(8.4037, 49.0069)

    cells = list(ClusterCell.objects.filter(project=point_category.project).order_by("zoom"))

    assert [c.zoom for c in cells] == list(range(CLUSTER_MAX_ZOOM + 1))
    for cell in cells:
        assert (cell.cell_x, cell.cell_y) == expected_cell(x, y, cell.zoom)
        assert cell.count == 1
        assert cell.category_id == point_category.pk
        assert (cell.sum_x, cell.sum_y) == (pytest.approx(x, abs=1e-6), pytest.approx(y, abs=1e-6))
    assert suggestion.project_id == cells[0].project_id


def test_a_line_counts_at_its_middle(line_category):
    SuggestionFactory(category=line_category, geom=LineString((8.40, 49.00), (8.42, 49.00), srid=4326))
    (x0, y0), (x1, _) = mercator(8.40, 49.00), mercator(8.42, 49.00)

    cell = ClusterCell.objects.get(zoom=CLUSTER_MAX_ZOOM)

    assert (cell.sum_x, cell.sum_y) == (pytest.approx((x0 + x1) / 2, abs=1e-6), pytest.approx(y0, abs=1e-6))


def test_a_polygon_counts_at_a_point_inside_it(project):
    area_category = CategoryFactory(project=project, key="area", geometry_kind="polygon")
    ring = Polygon(((8.40, 49.00), (8.41, 49.00), (8.41, 49.01), (8.40, 49.01), (8.40, 49.00)), srid=4326)
    SuggestionFactory(category=area_category, geom=ring)

    cell = ClusterCell.objects.get(zoom=CLUSTER_MAX_ZOOM)

    (x0, y0), (x1, y1) = mercator(8.40, 49.00), mercator(8.41, 49.01)
    assert x0 < cell.sum_x < x1
    assert y0 < cell.sum_y < y1


@pytest.mark.parametrize("state", [ModerationState.PENDING, ModerationState.REJECTED, ModerationState.HIDDEN])
def test_unpublished_suggestions_never_count(point_category, line_category, state):
    SuggestionFactory(category=point_category, moderation_state=state)
    SuggestionFactory(category=line_category, moderation_state=state)

    assert not ClusterCell.objects.exists()


@pytest.mark.parametrize("state", [ModerationState.PENDING, ModerationState.REJECTED, ModerationState.HIDDEN])
def test_leaving_the_published_state_removes_the_count(point_category, state):
    staying = SuggestionFactory(category=point_category, geom=Point(8.35, 48.97, srid=4326))
    leaving = SuggestionFactory(category=point_category)

    leaving.moderation_state = state
    leaving.save()

    assert ClusterCell.objects.filter(zoom=0).get().count == 1
    assert ClusterCell.objects.count() == CLUSTER_MAX_ZOOM + 1  # only `staying`'s cells are left
    assert staying.pk


def test_publishing_moving_recategorising_and_deleting_keep_the_cells_exact(point_category, line_category):
    other_points = CategoryFactory(project=point_category.project, key="sharing-point")
    pending = SuggestionFactory(category=point_category, moderation_state=ModerationState.PENDING)
    line = SuggestionFactory(category=line_category)
    SuggestionFactory.create_batch(3, category=point_category)

    pending.moderation_state = ModerationState.PUBLISHED
    pending.save()
    assert_cells_equal_a_fresh_aggregation()

    pending.geom = Point(8.45, 49.03, srid=4326)
    pending.save()
    assert_cells_equal_a_fresh_aggregation()

    Suggestion.objects.filter(pk=pending.pk).update(category=other_points)
    assert_cells_equal_a_fresh_aggregation()

    line.delete()
    Suggestion.objects.filter(category=point_category).delete()
    assert_cells_equal_a_fresh_aggregation()
    assert set(ClusterCell.objects.values_list("category_id", flat=True)) == {other_points.pk}


def test_a_moved_suggestion_leaves_its_old_cell_empty(point_category):
    suggestion = SuggestionFactory(category=point_category, geom=Point(8.31, 48.96, srid=4326))

    suggestion.geom = Point(8.49, 49.04, srid=4326)
    suggestion.save()

    x, y = mercator(8.49, 49.04)
    cell = ClusterCell.objects.get(zoom=CLUSTER_MAX_ZOOM)
    assert (cell.cell_x, cell.cell_y, cell.count) == (*expected_cell(x, y, CLUSTER_MAX_ZOOM), 1)


def test_changes_that_do_not_move_a_suggestion_leave_its_cells_alone(point_category):
    suggestion = SuggestionFactory(category=point_category)
    before = cell_rows()

    suggestion.title = "Neuer Titel"
    suggestion.support_count = 3
    suggestion.save()
    Suggestion.objects.filter(pk=suggestion.pk).update(geom=Point(8.40, 49.00, srid=4326))

    assert cell_rows() == before


def test_two_suggestions_in_one_cell_add_up_and_subtract_to_nothing(point_category):
    first = SuggestionFactory(category=point_category, geom=Point(8.40000, 49.00000, srid=4326))
    second = SuggestionFactory(category=point_category, geom=Point(8.40001, 49.00001, srid=4326))
    (x1, y1), (x2, y2) = mercator(8.40000, 49.00000), mercator(8.40001, 49.00001)

    cell = ClusterCell.objects.get(zoom=CLUSTER_MAX_ZOOM)
    assert cell.count == 2
    assert (cell.sum_x, cell.sum_y) == (pytest.approx(x1 + x2, abs=1e-6), pytest.approx(y1 + y2, abs=1e-6))

    first.delete()
    assert ClusterCell.objects.get(zoom=CLUSTER_MAX_ZOOM).count == 1
    second.delete()
    assert not ClusterCell.objects.exists()


def test_moving_a_suggestion_to_another_project_moves_its_count(point_category):
    elsewhere = CategoryFactory(project=ProjectFactory(slug="elsewhere"), key="charging-station")
    suggestion = SuggestionFactory(category=point_category)

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE participation_suggestion SET project_id = %s, category_id = %s WHERE id = %s",
            [elsewhere.project_id, elsewhere.pk, suggestion.pk],
        )

    assert set(ClusterCell.objects.values_list("project_id", flat=True)) == {elsewhere.project_id}
    assert_cells_equal_a_fresh_aggregation()


def test_bulk_sql_is_counted_like_single_changes(point_category, line_category):
    SuggestionFactory.create_batch(5, category=point_category, moderation_state=ModerationState.PENDING)
    SuggestionFactory.create_batch(2, category=line_category)

    with connection.cursor() as cursor:
        cursor.execute("UPDATE participation_suggestion SET moderation_state = 'published'")
        cursor.execute(
            "UPDATE participation_suggestion SET geom = ST_Translate(geom, 0.01, 0.005)"
            " WHERE category_id = %s",
            [point_category.pk],
        )

    assert ClusterCell.objects.get(zoom=0, category=point_category).count == 5
    assert_cells_equal_a_fresh_aggregation()


def test_deleting_a_project_deletes_its_cells_and_keeps_the_others(point_category):
    SuggestionFactory.create_batch(2, category=point_category)
    other = SuggestionFactory(category=CategoryFactory(project=ProjectFactory(slug="other")))

    point_category.project.delete()

    assert set(ClusterCell.objects.values_list("project_id", flat=True)) == {other.project_id}
    assert_cells_equal_a_fresh_aggregation()


def test_truncating_the_suggestions_empties_the_cells(point_category):
    SuggestionFactory.create_batch(2, category=point_category)

    with connection.cursor() as cursor:
        # The test's transaction still holds deferred foreign key checks, which TRUNCATE refuses to skip.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE participation_suggestion CASCADE")

    assert not ClusterCell.objects.exists()


def random_geometry(rng: random.Random, kind: str) -> Point | LineString:
    # Few centres and small offsets: suggestions share cells at every zoom, so counts rise above 1 and fall
    # back to 0, which is where an aggregate goes wrong.
    lon, lat = rng.choice([(8.40, 49.00), (8.35, 48.97), (8.46, 49.03)])
    lon, lat = lon + rng.uniform(-0.004, 0.004), lat + rng.uniform(-0.004, 0.004)
    if kind == "line":
        return LineString(
            (lon, lat), (lon + rng.uniform(0.001, 0.01), lat + rng.uniform(-0.01, 0.01)), srid=4326
        )
    return Point(lon, lat, srid=4326)


@pytest.mark.parametrize("seed", range(6))
def test_any_sequence_of_changes_keeps_the_cells_equal_to_a_fresh_aggregation(
    point_category, line_category, seed
):
    rng = random.Random(seed)
    project = point_category.project
    categories = [point_category, line_category, CategoryFactory(project=project, key="sharing-point")]
    other_project_category = CategoryFactory(project=ProjectFactory(slug="other"), key="charging-station")
    # Every state a plain UPDATE can set (merged needs its target; the merge service has its own test).
    states = [s for s in ModerationState.values if s != ModerationState.MERGED]

    def some_suggestion() -> Suggestion | None:
        ids = list(Suggestion.objects.values_list("pk", flat=True).order_by("pk"))
        return Suggestion.objects.get(pk=rng.choice(ids)) if ids else None

    for _ in range(60):
        action = rng.choice(
            ["create", "create", "state", "state", "move", "category", "project", "bulk", "delete"]
        )
        via = rng.choice(["save", "update", "sql"])
        suggestion = some_suggestion()
        if action == "create" or suggestion is None:
            category = rng.choice(categories)
            SuggestionFactory(
                category=category,
                moderation_state=rng.choice(states),
                geom=random_geometry(rng, category.geometry_kind),
            )
        elif action == "state":
            change_suggestion(suggestion, via, moderation_state=rng.choice(states))
        elif action == "move":
            change_suggestion(suggestion, via, geom=random_geometry(rng, suggestion.category.geometry_kind))
        elif action == "category":
            same_kind = [
                c
                for c in [*categories, other_project_category]
                if c.project_id == suggestion.project_id
                and c.geometry_kind == suggestion.category.geometry_kind
            ]
            change_suggestion(suggestion, via, category=rng.choice(same_kind))
        elif action == "project" and suggestion.category.geometry_kind == "point":
            target = other_project_category if suggestion.project_id == project.pk else point_category
            Suggestion.objects.filter(pk=suggestion.pk).update(project=target.project, category=target)
        elif action == "bulk":
            Suggestion.objects.filter(moderation_state=rng.choice(states)).update(
                moderation_state=rng.choice(states)
            )
        elif action == "delete":
            if via == "sql":
                with connection.cursor() as cursor:
                    cursor.execute("DELETE FROM participation_suggestion WHERE id = %s", [suggestion.pk])
            else:
                suggestion.delete()

    published = Suggestion.objects.filter(moderation_state=ModerationState.PUBLISHED).count()
    assert sum(ClusterCell.objects.filter(zoom=0).values_list("count", flat=True)) == published
    assert_cells_equal_a_fresh_aggregation()


def change_suggestion(suggestion: Suggestion, via: str, **changes: object) -> None:
    if via == "save":
        for field, value in changes.items():
            setattr(suggestion, field, value)
        suggestion.save()
    elif via == "update":
        Suggestion.objects.filter(pk=suggestion.pk).update(**changes)
    else:
        column, value = next(iter(changes.items()))
        with connection.cursor() as cursor:
            if column == "geom":
                cursor.execute(
                    "UPDATE participation_suggestion SET geom = ST_GeomFromEWKT(%s) WHERE id = %s",
                    [value.ewkt, suggestion.pk],
                )
            elif column == "category":
                cursor.execute(
                    "UPDATE participation_suggestion SET category_id = %s WHERE id = %s",
                    [value.pk, suggestion.pk],
                )
            else:
                assert column == "moderation_state"
                cursor.execute(
                    "UPDATE participation_suggestion SET moderation_state = %s WHERE id = %s",
                    [value, suggestion.pk],
                )


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_the_cells_exact_and_never_deadlock(point_category):
    # Two neighbouring spots share their low-zoom cells: writers publish, hide and move suggestions between
    # them at the same time, each in its own transaction, as parallel requests would.
    spots = [(8.40, 49.00), (8.41, 49.00)]
    ids = [
        SuggestionFactory(
            category=point_category,
            moderation_state=ModerationState.PENDING,
            geom=Point(*spots[n % 2], srid=4326),
        ).pk
        for n in range(20)
    ]
    failures: list[Exception] = []

    def writer(seed: int) -> None:
        rng = random.Random(seed)
        try:
            for _ in range(60):
                row = Suggestion.objects.filter(pk=rng.choice(ids))
                with transaction.atomic():
                    if rng.random() < 0.3:
                        lon, lat = rng.choice(spots)
                        row.update(geom=Point(lon + rng.uniform(0, 1e-4), lat, srid=4326))
                    else:
                        row.update(
                            moderation_state=rng.choice([ModerationState.PUBLISHED, ModerationState.HIDDEN])
                        )
        except Exception as error:  # a deadlock or a constraint violation fails the test below
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(seed,)) for seed in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    published = Suggestion.objects.filter(moderation_state=ModerationState.PUBLISHED).count()
    assert sum(ClusterCell.objects.filter(zoom=0).values_list("count", flat=True)) == published
    assert_cells_equal_a_fresh_aggregation()


def test_rebuild_repairs_drift_of_one_project_and_leaves_the_others_alone(point_category):
    SuggestionFactory.create_batch(3, category=point_category)
    other = SuggestionFactory(category=CategoryFactory(project=ProjectFactory(slug="other")))
    correct = cell_rows()
    ClusterCell.objects.filter(project=point_category.project, zoom__gt=5).delete()
    ClusterCell.objects.filter(project=point_category.project, zoom=0).update(count=99)
    ClusterCell.objects.filter(project_id=other.project_id, zoom=3).update(count=42)

    written = cluster_rebuild(project_id=point_category.project_id)

    assert written == CLUSTER_MAX_ZOOM + 1
    assert ClusterCell.objects.get(project_id=other.project_id, zoom=3).count == 42
    ClusterCell.objects.filter(project_id=other.project_id, zoom=3).update(count=1)
    assert_same_cells(cell_rows(), correct)


def test_rebuild_command_rebuilds_one_project_or_all(point_category, capsys):
    SuggestionFactory.create_batch(2, category=point_category)
    SuggestionFactory(category=CategoryFactory(project=ProjectFactory(slug="other")))
    correct = cell_rows()
    ClusterCell.objects.all().delete()

    call_command("rebuild_clusters", "--project", "test-project")
    assert ClusterCell.objects.values("project_id").distinct().count() == 1
    call_command("rebuild_clusters")

    assert_same_cells(cell_rows(), correct)
    out = capsys.readouterr().out
    assert "Rebuilt 17 cluster cells for project “test-project”." in out
    assert "Rebuilt 34 cluster cells for all projects." in out


def test_rebuild_command_refuses_an_unknown_project(db):
    with pytest.raises(CommandError, match="no project with the slug “nowhere”"):
        call_command("rebuild_clusters", "--project", "nowhere")
