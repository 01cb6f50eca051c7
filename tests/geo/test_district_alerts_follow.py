"""Alerts for a district follow the project's districts layer: a re-import gives every feature a new
number, and each alert finds its district again (by its id in the source and its name, where its polygon
lies) and takes the new polygon and name in the import's transaction; an alert whose district is gone keeps
its last polygon and its owner sees so on their follows page. One UPDATE for all alerts, however many."""

import json
import re
from datetime import timedelta

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from geo.analysis.services import analysis_rebuild
from geo.layers.imports import LayerRefused, layer_import
from geo.layers.models import ContextLayer
from participation import services
from participation.models import Notice, PlaceAlert
from participation.participants import Participant
from tests.factories import CitizenFactory, UserFactory

pytestmark = pytest.mark.django_db

DE = {"HTTP_ACCEPT_LANGUAGE": "de"}
WEST = (8.35, 48.98, 8.40, 49.02)
EAST = (8.40, 48.98, 8.45, 49.02)
EAST_GROWN = (8.40, 48.98, 8.47, 49.02)  # the new boundary reaches 2 km further east
WEST_SOUTH = (8.35, 48.98, 8.375, 49.00)
FAR_AWAY = (9.10, 48.70, 9.20, 48.80)  # another town's districts, with names like ours


def feature(name, bbox, source_id=None):
    geometry = json.loads(Polygon.from_bbox(bbox).geojson)
    found = {"type": "Feature", "properties": {"name": name}, "geometry": geometry}
    if source_id is not None:
        found["id"] = source_id
    return found


def import_districts(town, tmp_path, *features):
    """The town's districts layer imported from a GeoJSON file, as an administrator's upload does it."""
    source = tmp_path / f"districts-{len(list(tmp_path.iterdir()))}.geojson"
    source.write_text(json.dumps({"type": "FeatureCollection", "features": list(features)}))
    layer = ContextLayer.objects.get(project=town["project"], role="districts")
    report = layer_import(layer=layer, source=source, actor="test")
    analysis_rebuild(project_id=town["project"].pk)  # the worker's part, after the commit (the page reads it)
    return report


def number(layer_name):
    return ContextLayer.objects.get(name="Districts").features.get(properties__name=layer_name).pk


def pick(client, name):
    response = client.post("/projects/town/districts/", {"district": str(number(name)), "delivery": "daily"})
    assert response.status_code == 302
    return PlaceAlert.objects.order_by("-id").first()


@pytest.fixture
def anna(client, db):
    user = CitizenFactory(username="anna", email="anna@example.org")
    client.force_login(user)
    return user


@pytest.fixture
def osm(town, tmp_path):
    """The town's districts as OpenStreetMap gives them: each with its relation's id."""
    import_districts(
        town,
        tmp_path,
        feature("West", WEST, 101),
        feature("East", EAST, 102),
        feature("West-Süd", WEST_SOUTH, 103),
    )
    return town


def test_a_reimport_moves_alerts_to_their_districts_new_polygons_names_and_numbers(
    client, anna, osm, tmp_path
):
    east, west, south = pick(client, "East"), pick(client, "West"), pick(client, "West-Süd")
    assert (east.district_key, west.district_key, south.district_key) == ("102", "101", "103")
    old_south = south.area

    report = import_districts(
        osm,
        tmp_path,
        feature("Oststadt", EAST_GROWN, 102),  # a new boundary and a new name, the same relation
        feature("West", WEST, 101),
        # West-Süd is gone (merged into West).
    )

    for alert in (east, west, south):
        alert.refresh_from_db()
    assert (east.district_name, east.district_number, east.district_missing_since) == (
        "Oststadt",
        number("Oststadt"),
        None,
    )
    assert east.area.equals(MultiPolygon(Polygon.from_bbox(EAST_GROWN)))
    assert (west.district_name, west.district_number, west.district_missing_since) == (
        "West",
        number("West"),
        None,
    )
    # The gone district's alert keeps its last polygon and name, and is marked.
    assert south.district_name == "West-Süd"
    assert south.area.equals(old_south)
    assert timezone.now() - south.district_missing_since < timedelta(minutes=1)
    # The administrator hears of it with the import's report (in the site's language).
    assert report.warnings == [
        "1 Benachrichtigung für einen Stadtteil, den es in der Ebene nicht mehr gibt, behält dessen "
        "letzte Grenze; wer sie angelegt hat, sieht das auf der Seite der gefolgten Vorschläge und "
        "Benachrichtigungen."
    ]
    layer = ContextLayer.objects.get(name="Districts")
    assert layer.import_report["warnings"] == report.warnings
    assert report.warnings[0] in report.summary()

    # What it is for: a suggestion in the district's new part is told to the alert, at once after the import.
    carl = CitizenFactory(username="carl")
    suggestion = services.suggestion_create(
        actor=Participant(user=carl, address="192.0.2.7"),
        project=osm["project"],
        category_key="sharing-point",
        geometry={"type": "Point", "coordinates": [8.46, 49.0]},
        title="Im neuen Osten",
        text="",
    )
    assert list(Notice.objects.values_list("alert_id", "suggestion_id")) == [(east.pk, suggestion.pk)]


def test_a_district_that_comes_back_takes_its_alert_back(client, anna, osm, tmp_path):
    south = pick(client, "West-Süd")
    import_districts(osm, tmp_path, feature("West", WEST, 101), feature("East", EAST, 102))
    south.refresh_from_db()
    assert south.district_missing_since is not None

    # The wrong file was imported; the right one brings West-Süd back (a new number again).
    import_districts(
        osm,
        tmp_path,
        feature("West", WEST, 101),
        feature("East", EAST, 102),
        feature("West-Süd", WEST_SOUTH, 103),
    )

    south.refresh_from_db()
    assert (south.district_number, south.district_missing_since) == (number("West-Süd"), None)


def test_a_source_that_numbers_its_rows_cannot_hand_an_alert_to_another_district(
    client, anna, town, tmp_path
):
    # A Shapefile or GeoPackage: the ids are row numbers, and the next export lists the districts in
    # another order. The names decide; the id alone never moves an alert to a district elsewhere.
    import_districts(town, tmp_path, feature("West", WEST, 1), feature("East", EAST, 2))
    west, east = pick(client, "West"), pick(client, "East")

    import_districts(town, tmp_path, feature("East", EAST, 1), feature("West", WEST, 2))

    west.refresh_from_db()
    east.refresh_from_db()
    assert (west.district_name, west.district_number, west.district_key) == ("West", number("West"), "2")
    assert (east.district_name, east.district_number, east.district_key) == ("East", number("East"), "1")
    assert west.area.equals(MultiPolygon(Polygon.from_bbox(WEST)))


def test_another_towns_district_of_the_same_name_is_not_ours(client, anna, town, tmp_path):
    east = pick(client, "East")  # the fixture's districts: no ids in a source, matched by name

    import_districts(town, tmp_path, feature("East", FAR_AWAY), feature("West", FAR_AWAY))

    east.refresh_from_db()
    assert east.district_missing_since is not None
    assert east.area.equals(MultiPolygon(Polygon.from_bbox(EAST)))


def test_two_districts_of_one_name_the_alert_takes_the_one_that_covers_it(client, anna, town, tmp_path):
    # An Ortschaft and its Stadtteil may share a name: the alert made for the Stadtteil stays with it.
    import_districts(town, tmp_path, feature("Durlach", WEST), feature("Durlach", WEST_SOUTH))
    small = ContextLayer.objects.get(name="Districts").features.order_by("id").last()
    client.post("/projects/town/districts/", {"district": str(small.pk), "delivery": "daily"})
    alert = PlaceAlert.objects.get()

    import_districts(town, tmp_path, feature("Durlach", WEST), feature("Durlach", WEST_SOUTH))

    alert.refresh_from_db()
    assert alert.area.equals(MultiPolygon(Polygon.from_bbox(WEST_SOUTH)))
    assert alert.district_missing_since is None


def test_a_refused_import_leaves_the_alerts_as_they_were(client, anna, osm, tmp_path):
    east = pick(client, "East")
    before = (east.district_number, east.district_name)
    source = tmp_path / "points.geojson"
    point = json.loads(Point(8.42, 49.0).geojson)
    source.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [{"type": "Feature", "properties": {}, "geometry": point}],
            }
        )
    )
    layer = ContextLayer.objects.get(name="Districts")
    with pytest.raises(LayerRefused):
        layer_import(layer=layer, source=source, actor="test")

    east.refresh_from_db()
    assert (east.district_number, east.district_name, east.district_missing_since) == (*before, None)


def test_a_hidden_districts_layer_changes_no_alert_until_the_admin_makes_it_public(
    client, anna, osm, tmp_path
):
    east = pick(client, "East")
    layer = ContextLayer.objects.get(name="Districts")
    ContextLayer.objects.filter(pk=layer.pk).update(public=False)

    import_districts(osm, tmp_path, feature("Geheim-Ost", EAST, 102))

    east.refresh_from_db()
    assert (east.district_name, east.district_missing_since) == ("East", None)  # no hidden name leaks
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    form = {
        "project": osm["project"].pk,
        "name_de": "Districts",
        "name_en": "Districts",
        "role": "districts",
        "position": 0,
        "colour": "#555555",
        "line_pattern": "solid",
        "icon": "",
        "public": "on",
    }
    assert client.post(f"/admin/geo/contextlayer/{layer.pk}/change/", form).status_code == 302
    east.refresh_from_db()
    assert (east.district_name, east.district_number) == ("Geheim-Ost", number("Geheim-Ost"))


def test_deleting_the_districts_layer_in_the_admin_marks_every_district_alert(client, anna, osm):
    east = pick(client, "East")
    layer = ContextLayer.objects.get(name="Districts")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.post(f"/admin/geo/contextlayer/{layer.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    east.refresh_from_db()
    assert east.district_missing_since is not None
    assert east.area.equals(MultiPolygon(Polygon.from_bbox(EAST)))


def test_the_follows_page_and_the_data_download_say_the_district_is_gone_in_german(
    client, anna, osm, tmp_path
):
    south = pick(client, "West-Süd")
    east = pick(client, "East")
    import_districts(osm, tmp_path, feature("West", WEST, 101), feature("East", EAST, 102))

    page = client.get("/account/follows/", **DE).content.decode()

    item = re.search(rf'<li class="own-item own-item--missing" id="alert-{south.pk}">.*?</li>', page, re.S)
    assert item is not None
    assert "Diesen Stadtteil gibt es in der Karte des Projekts nicht mehr" in item.group(0)
    assert 'href="/projects/town/districts/">Erneut einen Stadtteil wählen</a>' in item.group(0)
    assert f'id="alert-{east.pk}"' in page
    assert page.count("Diesen Stadtteil gibt es") == 1
    [gone, kept] = client.get("/account/data/").json()["place_alerts"]
    assert gone["district"] == "West-Süd"
    assert gone["district_missing_since"]
    assert kept["district_missing_since"] is None


def test_thousands_of_alerts_follow_an_import_in_one_statement(osm, tmp_path):
    # 2,000 alerts of 400 people for three districts, made as the districts page makes them.
    people = UserFactory._meta.model.objects.bulk_create(
        [UserFactory.build(username=f"p{i}", email=f"p{i}@example.org") for i in range(400)]
    )
    layer = ContextLayer.objects.get(name="Districts")
    features = list(layer.features.order_by("id"))
    PlaceAlert.objects.bulk_create(
        [
            PlaceAlert(
                user=person,
                project=osm["project"],
                area=MultiPolygon(f.geom, srid=4326),
                district_name=f.properties["name"],
                district_number=f.pk,
                district_key=f.source_id,
                language="de",
            )
            for person in people
            for f in (features * 2)[:5]
        ]
    )

    with CaptureQueriesContext(connection) as queries:
        import_districts(osm, tmp_path, feature("West", WEST, 101), feature("Oststadt", EAST_GROWN, 102))

    writes = [q["sql"] for q in queries if "participation_placealert" in q["sql"]]
    assert len(writes) == 1
    assert writes[0].lstrip().startswith("WITH districts")
    assert (
        PlaceAlert.objects.filter(district_name="Oststadt", district_number=number("Oststadt")).count() == 800
    )
    assert PlaceAlert.objects.filter(district_name="West", district_number=number("West")).count() == 800
    assert (
        PlaceAlert.objects.filter(district_name="West-Süd", district_missing_since__isnull=False).count()
        == 400
    )
