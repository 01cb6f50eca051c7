"""A district feed's address stays the same when the town imports its districts layer again: it holds the
district's name as an address spells it (geo/analysis/district_keys.py), not the feature's number, which
every import changes. The numbers of before redirect permanently while their feature exists; a number an
import replaced, a renamed district and a name that several districts share since answer a 404 that says
why and links the districts page: never another district's feed. Imports run through GDAL, as an
administrator's upload does (tests/geo/test_district_alerts_follow.py)."""

import json
import re

import pytest
from django.contrib.gis.geos import Point

from geo.analysis.district_keys import KEY_FORM, KEY_MAX, Named, district_keys
from geo.analysis.services import analysis_rebuild
from geo.layers.imports import layer_import
from geo.layers.models import ContextLayer
from tests.factories import SuggestionFactory
from tests.feed_reading import DE, EN, detail, parse
from tests.geo.test_district_alerts_follow import EAST, EAST_GROWN, FAR_AWAY, WEST, WEST_SOUTH, feature

pytestmark = pytest.mark.django_db


def import_districts(town, tmp_path, *features, rebuild=True):
    """The districts layer imported from a GeoJSON file by GDAL; the worker's rebuild of the analysis
    after the commit unless `rebuild` is False (the feeds are read in between too)."""
    source = tmp_path / f"districts-{len(list(tmp_path.iterdir()))}.geojson"
    source.write_text(json.dumps({"type": "FeatureCollection", "features": list(features)}))
    layer = ContextLayer.objects.get(project=town["project"], role="districts")
    layer_import(layer=layer, source=source, actor="test")
    if rebuild:
        analysis_rebuild(project_id=town["project"].pk)


def number(name):
    layer = ContextLayer.objects.get(project__slug="town", role="districts")
    return layer.features.get(properties__name=name).pk


def feed_links(client):
    """The district feeds' addresses as the districts page links them, by the district's name."""
    page = client.get("/projects/town/districts/", **EN).content.decode()
    found = {}
    for line in page.split('<link rel="alternate" ')[1:]:
        title = line.split('title="', 1)[1].split('"', 1)[0]
        found[title.rsplit("new suggestions in ", 1)[1]] = line.split('href="', 1)[1].split('"', 1)[0]
    return found


@pytest.fixture
def osm(town, tmp_path):
    """The town's districts as OpenStreetMap gives them (each with its relation's id), a suggestion in each
    leaf district and a pending one."""
    import_districts(
        town,
        tmp_path,
        feature("West", WEST, 101),
        feature("East", EAST, 102),
        feature("West-Süd", WEST_SOUTH, 103),
    )
    parking = town["parking"]
    town["in"] = {
        "south": SuggestionFactory(category=parking, geom=Point(8.36, 48.99, srid=4326)),
        "west": SuggestionFactory(category=parking, geom=Point(8.38, 49.01, srid=4326)),
        "east": SuggestionFactory(category=parking, geom=Point(8.42, 49.01, srid=4326)),
    }
    return town


def entries(client, address, **headers):
    feed = parse(client.get(address, **(headers or EN)))
    return feed.feed.title, sorted(e.id for e in feed.entries)


def test_a_subscribed_district_feed_serves_the_same_district_after_a_reimport(client, osm, tmp_path):
    # A reader subscribes to West-Süd's feed from the districts page.
    address = feed_links(client)["West-Süd"]
    assert address == "/projects/town/feed/districts/west-sued/"
    title, before = entries(client, address)
    assert title.endswith("new suggestions in West-Süd")
    assert before == [detail(osm["in"]["south"])]
    old_number = number("West-Süd")

    # The town imports its districts again: another order, every feature a new number, and a source that
    # numbers its rows (the ids changed too).
    import_districts(
        osm,
        tmp_path,
        feature("West-Süd", WEST_SOUTH, 1),
        feature("East", EAST_GROWN, 2),
        feature("West", WEST, 3),
    )
    assert number("West-Süd") != old_number

    # The same address, the same district, read by a real feed parser; the page links it unchanged.
    assert entries(client, address) == (title, before)
    assert feed_links(client)["West-Süd"] == address
    assert entries(client, "/projects/town/feed/districts/west/")[1] == sorted(
        detail(osm["in"][name]) for name in ("west", "south")
    )


def test_between_an_import_and_the_workers_rebuild_the_address_still_serves_its_district(
    client, osm, tmp_path
):
    title, before = entries(client, "/projects/town/feed/districts/west-sued/")

    same = (feature("West", WEST, 101), feature("East", EAST, 102), feature("West-Süd", WEST_SOUTH, 103))
    import_districts(osm, tmp_path, *same, rebuild=False)

    assert entries(client, "/projects/town/feed/districts/west-sued/") == (title, before)


def test_a_number_of_before_keys_redirects_permanently_while_its_feature_exists(client, osm):
    response = client.get(f"/projects/town/feed/districts/{number('West-Süd')}/", **EN)

    assert response.status_code == 301
    assert response["Location"] == "/projects/town/feed/districts/west-sued/"
    assert entries(client, response["Location"])[1] == [detail(osm["in"]["south"])]


def test_a_number_an_import_replaced_is_a_404_that_says_why_in_german(client, osm, tmp_path):
    old = number("East")
    import_districts(osm, tmp_path, feature("West", WEST, 101), feature("East", EAST, 102))

    response = client.get(f"/projects/town/feed/districts/{old}/", **DE)

    assert response.status_code == 404
    page = response.content.decode()
    assert "Jeder Import nummeriert die Stadtteile neu" in page
    more = '<a href="/projects/town/districts/" id="feed-refused-more">Alle Stadtteile und ihre Feeds</a>'
    assert more in page
    # No guess: not a redirect to East, whose number it was.
    assert "Location" not in response


def test_a_renamed_districts_old_address_is_a_404_not_the_renamed_district(client, osm, tmp_path):
    # The same relation under a new name and a new boundary.
    import_districts(
        osm, tmp_path, feature("West", WEST, 101), feature("Oststadt", EAST_GROWN, 102),
        feature("West-Süd", WEST_SOUTH, 103),
    )  # fmt: skip

    response = client.get("/projects/town/feed/districts/east/", **DE)

    assert response.status_code == 404
    assert "Er wurde vielleicht umbenannt oder entfernt." in response.content.decode()
    assert b"Oststadt" not in response.content
    assert entries(client, "/projects/town/feed/districts/oststadt/")[1] == [detail(osm["in"]["east"])]


def test_two_districts_of_one_name_are_told_apart_by_their_source_ids_across_reimports(client, osm, tmp_path):
    # An Ortschaft and its Stadtteil of one name.
    import_districts(osm, tmp_path, feature("Durlach", WEST, 201), feature("Durlach", WEST_SOUTH, 202))
    page = client.get("/projects/town/districts/", **EN).content.decode()
    assert sorted(set(re.findall(r'href="(/projects/town/feed/districts/[^"]*)"', page))) == [
        "/projects/town/feed/districts/durlach--201/",
        "/projects/town/feed/districts/durlach--202/",
    ]
    small = entries(client, "/projects/town/feed/districts/durlach--202/")[1]
    assert small == [detail(osm["in"]["south"])]

    import_districts(osm, tmp_path, feature("Durlach", WEST_SOUTH, 202), feature("Durlach", WEST, 201))
    assert entries(client, "/projects/town/feed/districts/durlach--202/")[1] == small

    # The Ortschaft is dissolved: the Stadtteil's name is its own again, and its address moves there.
    import_districts(osm, tmp_path, feature("Durlach", WEST_SOUTH, 202))
    response = client.get("/projects/town/feed/districts/durlach--202/", **EN)
    assert (response.status_code, response["Location"]) == (301, "/projects/town/feed/districts/durlach/")
    assert entries(client, "/projects/town/feed/districts/durlach/")[1] == small


def test_without_source_ids_two_districts_of_one_name_are_told_apart_by_size(client, osm, tmp_path):
    import_districts(osm, tmp_path, feature("Durlach", WEST_SOUTH), feature("Durlach", WEST))

    assert entries(client, "/projects/town/feed/districts/durlach--2/")[1] == [detail(osm["in"]["south"])]
    assert len(entries(client, "/projects/town/feed/districts/durlach--1/")[1]) == 2


def test_a_name_that_two_districts_share_since_an_import_is_a_404_not_a_guess(client, osm, tmp_path):
    import_districts(
        osm, tmp_path, feature("West", WEST, 101), feature("West", FAR_AWAY, 901), feature("East", EAST, 102)
    )

    response = client.get("/projects/town/feed/districts/west/", **EN)

    assert response.status_code == 404
    assert "Several districts of this project have this name now." in response.content.decode()


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("West-Süd", "west-sued"),
        ("west süd", "west-sued"),
        ("Grötzingen", "groetzingen"),
        ("Weiherfeld-Dammerstock", "weiherfeld-dammerstock"),
        ("Straße des 17. Juni", "strasse-des-17-juni"),
        ("Île de la Cité", "ile-de-la-cite"),
        ("12", "district-12"),
        ("", "district"),
        ("Σ", "district"),
        ("'; DROP TABLE geo_district; --", "drop-table-geo-district"),
        ("x" * 300, "x" * 80),
        ("9" * 300, "district-" + "9" * 80),
    ],
)
def test_the_key_of_a_name(name, key):
    found = district_keys([Named(1, name, "", 1.0)])[1]
    assert found == key
    assert KEY_FORM.fullmatch(found)
    assert len(found) <= KEY_MAX
    assert not found.isdigit()


def test_keys_are_distinct_whatever_the_names():
    named = [
        Named(1, "Neustadt", "r/5", 2.0),
        Named(2, "Neustadt", "r/6", 1.0),
        Named(3, "District 12", "", 1.0),
        Named(4, "12", "", 3.0),
        Named(5, "Mitte", "7", 1.0),
        Named(6, "Mitte", "7", 2.0),  # the same source id twice: by size
    ]
    assert district_keys(named) == {
        1: "neustadt--r-5",
        2: "neustadt--r-6",
        3: "district-12--2",
        4: "district-12--1",
        5: "mitte--2",
        6: "mitte--1",
    }
