"""The OGC API's district figures: per public project with a public districts layer, its districts with the
coverage analysis's figures, nested districts adding their parts, and nothing of what is not public."""

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse

from geo.layers.models import ContextLayer
from geo.ogcapi import kinds
from tests.factories import SuggestionFactory

pytestmark = pytest.mark.django_db


def url(name: str, *args) -> str:
    return reverse(f"ogcapi:{name}", args=args)


@pytest.fixture
def demand(town):
    SuggestionFactory(category=town["parking"], geom=Point(8.372, 48.9905, srid=4326), support_count=2)
    SuggestionFactory(category=town["parking"], geom=Point(8.385, 49.015, srid=4326), support_count=5)
    SuggestionFactory(category=town["parking"], geom=Point(8.44, 49.015, srid=4326))
    return town


def test_the_districts_are_a_collection_with_their_figures(client, demand):
    listed = client.get(url("collections"), {"f": "json"}).json()["collections"]
    assert "town-districts" in [c["id"] for c in listed]

    collection = client.get(url("collection", "town-districts"), {"f": "json"}).json()
    assert collection["extent"]["spatial"]["bbox"] == [[8.35, 48.98, 8.45, 49.02]]

    items = client.get(url("items", "town-districts"), {"f": "json"}).json()
    by_name = {f["properties"]["name"]: f["properties"] for f in items["features"]}
    assert by_name["West-Süd"]["suggestions"] == 1
    assert by_name["West"]["suggestions"] == 2  # with its part West-Süd
    assert by_name["West"]["holds_others"] is True
    assert by_name["West-Süd"]["nested_in"] == demand["west"].pk
    assert by_name["West"]["supports"] == 7
    assert by_name["East"]["suggestions"] == 1
    assert by_name["East"]["facilities"] == 1
    assert by_name["West-Süd"]["suggestions_per_km2"] == pytest.approx(1 / (1.825 * 2.224), rel=0.03)
    assert items["features"][0]["geometry"]["type"] == "Polygon"


def test_one_district_by_id_and_paging(client, demand):
    feature = client.get(url("item", "town-districts", demand["east"].pk), {"f": "json"}).json()
    assert feature["properties"]["name"] == "East"
    first = client.get(url("items", "town-districts"), {"f": "json", "limit": 2}).json()
    assert len(first["features"]) == 2
    following = next(link["href"] for link in first["links"] if link["rel"] == "next")
    rest = client.get(following).json()
    assert len(rest["features"]) == 1


def test_a_hidden_districts_layer_is_no_collection_and_hidden_facilities_are_not_counted(client, demand):
    ContextLayer.objects.filter(pk=demand["a"].layer_id).update(public=False)
    items = client.get(url("items", "town-districts"), {"f": "json"}).json()
    assert {f["properties"]["facilities"] for f in items["features"]} == {None}

    ContextLayer.objects.filter(pk=demand["west"].layer_id).update(public=False)
    assert client.get(url("collection", "town-districts"), {"f": "json"}).status_code == 404
    listed = client.get(url("collections"), {"f": "json"}).json()["collections"]
    assert "town-districts" not in [c["id"] for c in listed]


def test_the_html_pages_show_the_figures(client, demand):
    page = client.get(url("items", "town-districts"), {"f": "html"}).content.decode()
    assert "West-Süd" in page
    assert client.get(url("collection", "town-districts"), {"f": "html"}).status_code == 200


def test_a_district_collection_id_is_claimed_by_its_kind_only(demand):

    ids = [c.id for _kind, c in kinds.collection_list()]
    assert "town-districts" in ids
    for collection_id in ids:
        claimed = [kind.name for kind in kinds.KINDS if kind.find(collection_id) is not None]
        assert len(claimed) == 1, (collection_id, claimed)
    assert kinds.collection_get(collection_id="town-districts")[0].name == "district figures"
