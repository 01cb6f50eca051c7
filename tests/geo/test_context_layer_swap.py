"""The context-layer import builds a layer's new features in a partition of their own and swaps it in
(geo/sql/context_layer_partitions.sql). What that must keep: readers on other connections see the old layer
or the new one, never half of one, and never wait for the import while it converts, copies, inserts and
builds indexes; a reader that holds the feature table makes the import give way, not the other way round;
features written through the ORM are replaced like the imported ones; and the report's figures stay exact
whichever path the features take (straight in, or repaired, split and dropped)."""

import json
import threading
import time
from pathlib import Path

import psycopg
import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.utils import translation

from geo.layers import imports
from geo.layers.imports import LayerRefused, layer_import
from geo.layers.models import ContextFeature, ContextLayer
from tests.factories import ProjectFactory

KARLSRUHE = Path(__file__).resolve().parents[2] / "fixtures" / "karlsruhe"
DISTRICTS = KARLSRUHE / "districts.geojson"
PARKING = KARLSRUHE / "bicycle-parking.geojson"
# A read that had to wait for a lock longer than this fails: the import must never make it wait.
READER_LOCK_WAIT = "200ms"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def other_connection() -> psycopg.Connection:
    """A second session, as a map read has: it sees only what is committed."""
    db = connection.settings_dict
    conn = psycopg.connect(
        dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"], host=db["HOST"], port=db["PORT"]
    )
    conn.autocommit = True
    conn.execute(f"SET lock_timeout = '{READER_LOCK_WAIT}'")
    return conn


def counts(conn: psycopg.Connection) -> dict[int, int]:
    """Features per layer as a reader of the whole table sees them."""
    rows = conn.execute("SELECT layer_id, count(*) FROM geo_context_feature GROUP BY 1").fetchall()
    return dict(rows)


@pytest.mark.django_db(transaction=True)
def test_readers_see_the_old_layer_without_waiting_until_the_swap_then_the_new_one(monkeypatch):
    project = ProjectFactory(slug="karlsruhe")
    districts = ContextLayer.objects.create(project=project, name="Districts", role="reference")
    parking = ContextLayer.objects.create(project=project, name="Parking", role="reference")
    other = ContextLayer.objects.create(
        project=ProjectFactory(slug="elsewhere"), name="Other", role="reference"
    )
    layer_import(layer=districts, source=DISTRICTS, actor="test")
    layer_import(layer=parking, source=PARKING, actor="test")
    layer_import(layer=other, source=DISTRICTS, actor="test")
    before = {districts.pk: 28, parking.pk: 3072, other.pk: 28}
    seen = []
    real_swap = imports._swap

    def swap_after_reading(cursor, layer):
        # Here the new features are staged, inserted and indexed, uncommitted: the readers' moment.
        with other_connection() as reader:
            began = time.monotonic()
            seen.append(counts(reader))
            seen.append(
                reader.execute(
                    "SELECT count(*) FROM geo_context_feature WHERE layer_id = %s AND geom && "
                    "ST_MakeEnvelope(7, 48, 10, 50, 4326)",
                    [parking.pk],
                ).fetchone()[0]
            )
            seen.append(time.monotonic() - began)
        real_swap(cursor, layer)

    monkeypatch.setattr(imports, "_swap", swap_after_reading)
    # The parkings' layer gets the districts: 28 features instead of 3,072.
    report = layer_import(layer=parking, source=DISTRICTS, actor="test")

    assert report.taken_total == 28
    during, parking_in_bbox, read_seconds = seen
    assert during == before
    assert parking_in_bbox == 3072
    assert read_seconds < 2
    with other_connection() as reader:
        assert counts(reader) == {districts.pk: 28, parking.pk: 28, other.pk: 28}


@pytest.mark.django_db(transaction=True)
def test_a_reader_holding_the_feature_table_makes_the_import_give_way_and_change_nothing(monkeypatch):
    project = ProjectFactory(slug="karlsruhe")
    layer = ContextLayer.objects.create(project=project, name="Parking", role="reference")
    layer_import(layer=layer, source=DISTRICTS, actor="test")
    ids = set(layer.features.values_list("id", flat=True))
    monkeypatch.setattr(imports, "SWAP_LOCK_PATIENCE", imports.timedelta(seconds=0.5))
    with other_connection() as long_reader, other_connection() as map_reader:
        # A long analysis query: a transaction that has read the feature table and goes on.
        long_reader.autocommit = False
        long_reader.execute("SELECT count(*) FROM geo_context_feature").fetchone()
        began = time.monotonic()
        with pytest.raises(LayerRefused) as caught:
            layer_import(layer=layer, source=PARKING, actor="test")
        # The map reads on while the import tried: each try waited only LOCK_WAIT for the table.
        assert map_reader.execute(
            "SELECT count(*) FROM geo_context_feature WHERE layer_id = %s", [layer.pk]
        ).fetchone() == (28,)
        long_reader.rollback()

    assert "being read by a long query" in caught.value.message
    assert time.monotonic() - began < 10
    assert set(layer.features.values_list("id", flat=True)) == ids
    layer.refresh_from_db()
    assert layer.import_report["read"] == 28


@pytest.mark.django_db
def test_features_written_through_the_orm_are_replaced_by_an_import():
    layer = ContextLayer.objects.create(project=ProjectFactory(), name="Layer", role="reference")
    ContextFeature.objects.create(layer=layer, geom=Point(8.4, 49.0, srid=4326), properties={"by": "hand"})

    layer_import(layer=layer, source=DISTRICTS, actor="test")

    assert layer.features.count() == 28
    assert not layer.features.filter(properties__by="hand").exists()
    assert ContextFeature.objects.count() == 28


@pytest.mark.django_db
def test_figures_are_exact_when_valid_features_go_straight_in_and_the_rest_is_split_or_dropped(tmp_path):
    """No invalid geometry: the valid ones take the straight path, the others the repairing one."""
    features = [
        ({"type": "Point", "coordinates": [8.4, 49.0]}, {"name": "point"}),
        ({"type": "LineString", "coordinates": [[8.4, 49.0], [8.5, 49.1]]}, {"name": "line"}),
        (None, {"name": "nothing"}),
        ({"type": "MultiPolygon", "coordinates": []}, {"name": "empty"}),
        (
            {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Point", "coordinates": [8.45, 49.05]},
                    {"type": "LineString", "coordinates": [[8.4, 49.0], [8.45, 49.05]]},
                ],
            },
            {"name": "collection"},
        ),
    ]
    source = tmp_path / "mixed.geojson"
    source.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [{"type": "Feature", "properties": p, "geometry": g} for g, p in features],
            }
        )
    )
    layer = ContextLayer.objects.create(project=ProjectFactory(), name="Layer", role="reference")

    report = layer_import(layer=layer, source=source, actor="test")

    assert report.read == 5
    assert report.taken == {"Point": 2, "LineString": 2}
    assert report.repaired == 0
    assert report.dropped == {"empty": 1, "no-geometry": 1}
    assert (report.collections_split, report.collection_parts) == (1, 2)
    assert layer.features.filter(properties__name="collection").count() == 2
    assert set(layer.features.values_list("properties__name", flat=True)) == {"point", "line", "collection"}


@pytest.mark.django_db(transaction=True)
def test_two_imports_of_different_layers_at_once_both_arrive(monkeypatch):
    """Each swap needs geo_context_layer free of other writers for a moment: two imports that reach their
    swaps together must not wait for each other until both give up."""
    project = ProjectFactory(slug="karlsruhe")
    layers = [
        ContextLayer.objects.create(project=project, name=f"Layer {n}", role="reference") for n in (1, 2)
    ]
    monkeypatch.setattr(imports, "SWAP_LOCK_PATIENCE", imports.timedelta(seconds=3))
    both_built = threading.Barrier(2, timeout=60)
    real_swap = imports._swap

    def swap_together(cursor, layer):
        both_built.wait()
        real_swap(cursor, layer)

    monkeypatch.setattr(imports, "_swap", swap_together)
    results: dict[int, object] = {}

    def run(layer: ContextLayer) -> None:
        try:
            results[layer.pk] = layer_import(layer=layer, source=PARKING, actor="test").taken_total
        except Exception as error:
            results[layer.pk] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(layer,)) for layer in layers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert results == {layers[0].pk: 3072, layers[1].pk: 3072}
    assert ContextFeature.objects.count() == 2 * 3072


@pytest.mark.django_db
def test_a_file_refused_after_its_features_were_built_leaves_no_table_behind(tmp_path):
    """The districts' role refuses points only once the features are counted, after the new partition was
    made and filled: the refusal takes the table back with everything else."""
    layer = ContextLayer.objects.create(project=ProjectFactory(), name="Districts", role="districts")
    layer_import(layer=layer, source=DISTRICTS, actor="test")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_inherits WHERE inhparent = 'geo_context_feature'::regclass")
        partitions = cursor.fetchone()[0]

    with pytest.raises(LayerRefused, match="areas only"):
        layer_import(layer=layer, source=PARKING, actor="test")

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [f"geo_context_feature_l{layer.pk}_new"])
        assert cursor.fetchone()[0] is None
        cursor.execute("SELECT count(*) FROM pg_inherits WHERE inhparent = 'geo_context_feature'::regclass")
        assert cursor.fetchone()[0] == partitions
    assert layer.features.count() == 28
