"""OGC API – Features: the public context layers, one collection each (`<slug>-layer-<id>`): the listing,
the collection's metadata (role, category, attribution, licence, extent), items with their attributes,
paging, bbox, limits, single items, what stays invisible, and attribute text that is never markup."""

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.gis.geos import LineString, MultiPolygon, Point, Polygon

from geo.layers.imports import layer_import
from geo.layers.models import ContextFeature, ContextLayer, LayerRole
from geo.ogcapi import kinds
from tests.factories import CategoryFactory, ProjectFactory

pytestmark = pytest.mark.django_db

BASE = "/ogcapi"
HOSTILE = '<script>alert("x")</script><b>fett</b> & =SUM(A1)'


def get_json(client, url: str, status: int = 200, **headers) -> dict:
    response = client.get(url, **headers)
    assert response.status_code == status, response.content
    return json.loads(response.content)


def make_layer(project, name: str, role: str = LayerRole.REFERENCE, **fields) -> ContextLayer:
    return ContextLayer.objects.create(
        project=project, name_de=name, name_en=f"{name} (en)", role=role, **fields
    )


def add_features(layer: ContextLayer, *items: tuple) -> list[ContextFeature]:
    return [ContextFeature.objects.create(layer=layer, geom=geom, properties=props) for geom, props in items]


def collection_url(layer: ContextLayer) -> str:
    return f"{BASE}/collections/{layer.project.slug}-layer-{layer.pk}"


@pytest.fixture
def parking(point_category):
    """A public layer of existing facilities: seven points on a row, the first without `capacity` (GDAL
    takes its fields from the first page, so every feature must carry every attribute name)."""
    project = point_category.project
    layer = make_layer(
        project,
        "Fahrradparken",
        role=LayerRole.FACILITIES,
        category=point_category,
        attribution="© OpenStreetMap contributors",
        licence="ODbL 1.0",
    )
    features = add_features(
        layer,
        (Point(8.40, 49.00, srid=4326), {"covered": "no"}),
        *(
            (Point(8.40 + 0.01 * i, 49.00, srid=4326), {"capacity": str(10 * i), "covered": "yes"})
            for i in range(1, 7)
        ),
    )
    return layer, features


@pytest.fixture
def hidden(project):
    """What the public feed never shows: a layer that is not public, and a public layer of a project that
    is not public."""
    secret = make_layer(project, "Interne Planung", public=False)
    add_features(secret, (Point(8.41, 49.01, srid=4326), {"note": "SECRET"}))
    hidden_project = ProjectFactory(slug="hidden-project", is_public=False)
    other = make_layer(hidden_project, "Verstecktes Projekt")
    add_features(other, (Point(8.41, 49.01, srid=4326), {"note": "SECRET"}))
    return secret, other


def test_the_collections_list_each_public_layer_and_no_other(client, parking, hidden):
    layer, _features = parking

    body = get_json(client, f"{BASE}/collections", HTTP_ACCEPT_LANGUAGE="en")

    listed = {c["id"]: c for c in body["collections"]}
    assert f"test-project-layer-{layer.pk}" in listed
    assert listed[f"test-project-layer-{layer.pk}"]["title"] == "Fahrradparken (en)"
    assert not [cid for cid in listed for secret in hidden if cid.endswith(f"-layer-{secret.pk}")]
    assert "SECRET" not in json.dumps(body)
    assert "hidden-project" not in json.dumps(body)


def test_a_layer_collection_describes_role_category_attribution_licence_and_extent(client, parking):
    layer, _features = parking

    english = get_json(client, collection_url(layer), HTTP_ACCEPT_LANGUAGE="en")
    german = get_json(client, collection_url(layer), HTTP_ACCEPT_LANGUAGE="de")

    assert german["title"] == "Fahrradparken"
    assert english["title"] == "Fahrradparken (en)"
    assert german["description"].startswith("Kontextebene des Projekts")
    assert "Lizenz: ODbL 1.0." in german["description"]
    assert "existing facilities" in english["description"]
    assert "charging-station" in english["category"]
    assert "© OpenStreetMap contributors" in english["description"]
    assert "ODbL 1.0" in english["description"]
    assert english["attribution"] == "© OpenStreetMap contributors"
    assert english["role"] == "facilities"
    licence = next(x for x in english["links"] if x["rel"] == "license")
    assert licence["title"] == "ODbL 1.0"
    assert licence["href"].endswith(f"{collection_url(layer)}?f=html#licence")
    # The extent is the features' box, not the project's area.
    assert english["extent"]["spatial"]["bbox"] == [[8.4, 49.0, 8.46, 49.0]]
    items = next(x for x in english["links"] if x["rel"] == "items" and x["type"] == "application/geo+json")
    assert items["href"] == f"http://testserver{collection_url(layer)}/items"


def test_a_licence_given_as_an_address_is_the_license_link(client, project):
    layer = make_layer(project, "Bäume", licence="https://www.govdata.de/dl-de/by-2-0")

    body = get_json(client, collection_url(layer))

    assert [x["href"] for x in body["links"] if x["rel"] == "license"] == [
        "https://www.govdata.de/dl-de/by-2-0"
    ]
    assert "extent" not in body  # no features, no extent


def test_items_page_through_every_feature_by_next_links_with_every_attribute(client, parking):
    layer, features = parking
    url = f"{collection_url(layer)}/items?limit=3"
    seen, pages = [], 0
    while url:
        body = get_json(client, url)
        pages += 1
        assert body["numberReturned"] == len(body["features"])
        seen += body["features"]
        following = next((x for x in body["links"] if x["rel"] == "next"), None)
        url = following["href"].removeprefix("http://testserver") if following else None

    assert pages == 3
    assert [f["id"] for f in seen] == [f.pk for f in features]
    # Every feature has every attribute name of the layer, null where it has none.
    assert seen[0]["properties"] == {"capacity": None, "covered": "no"}
    assert seen[3]["properties"] == {"capacity": "30", "covered": "yes"}
    assert seen[3]["geometry"] == {"type": "Point", "coordinates": [8.43, 49.0]}


def test_the_next_link_keeps_the_query_and_moves_after(client, parking):
    layer, features = parking

    body = get_json(client, f"{collection_url(layer)}/items?limit=2&bbox=8.405,48.99,8.455,49.01")

    assert [f["id"] for f in body["features"]] == [features[1].pk, features[2].pk]
    following = next(x for x in body["links"] if x["rel"] == "next")
    assert parse_qs(urlsplit(following["href"]).query) == {
        "limit": ["2"],
        "bbox": ["8.405,48.99,8.455,49.01"],
        "after": [str(features[2].pk)],
    }


def test_bbox_filters_the_features(client, parking):
    layer, features = parking

    body = get_json(client, f"{collection_url(layer)}/items?bbox=8.425,48.99,8.445,49.01")

    assert [f["id"] for f in body["features"]] == [features[3].pk, features[4].pk]
    assert not any(x["rel"] == "next" for x in body["links"])


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("limit=0", "whole number of at least 1"),
        ("limit=-5", "whole number of at least 1"),
        ("limit=ten", "whole number of at least 1"),
        ("bbox=8.4,49.0,8.3", "bbox"),
        ("after=x", "after must be the id"),
        ("datetime=2025-05-01", "Unknown query parameter “datetime”"),
        ("category=charging-station", "Unknown query parameter “category”"),
    ],
)
def test_bad_parameters_are_a_400_with_a_sentence(client, parking, query, said):
    layer, _features = parking

    body = get_json(client, f"{collection_url(layer)}/items?{query}", status=400, HTTP_ACCEPT_LANGUAGE="en")

    assert body["code"] == "InvalidParameterValue"
    assert said.lower() in body["description"].lower()


def test_a_limit_above_the_maximum_is_a_full_page_of_the_maximum(client, parking, monkeypatch):
    from geo.ogcapi import params

    monkeypatch.setattr(params, "LIMIT_MAX", 4)
    layer, features = parking

    body = get_json(client, f"{collection_url(layer)}/items?limit=999999999999999999999")

    assert [f["id"] for f in body["features"]] == [f.pk for f in features[:4]]


def test_errors_follow_the_request_language(client, parking):
    layer, _features = parking

    german = get_json(client, f"{collection_url(layer)}/items?limit=0", status=400, HTTP_ACCEPT_LANGUAGE="de")

    assert "ganze Zahl" in german["description"]


def test_an_item_by_its_id_and_no_other_layers_feature(client, parking, project):
    layer, features = parking
    other = make_layer(project, "Andere")
    (foreign,) = add_features(other, (Point(8.3, 49.0, srid=4326), {"x": 1}))

    body = get_json(client, f"{collection_url(layer)}/items/{features[2].pk}")
    missing = get_json(client, f"{collection_url(layer)}/items/{foreign.pk}", status=404)

    assert body["id"] == features[2].pk
    assert body["properties"] == {"capacity": "20", "covered": "yes"}
    assert body["geometry"]["coordinates"] == [8.42, 49.0]
    assert {x["rel"] for x in body["links"]} >= {"self", "alternate", "collection"}
    assert missing["code"] == "NotFound"
    assert get_json(client, f"{collection_url(layer)}/items/abc", status=404)["code"] == "NotFound"


def test_a_layer_that_is_not_public_is_404_for_everyone_planners_too(client, parking, hidden, planner):
    client.force_login(planner)

    for layer in hidden:
        feature = layer.features.get()
        for url in (
            collection_url(layer),
            f"{collection_url(layer)}/items",
            f"{collection_url(layer)}/items/{feature.pk}",
        ):
            assert get_json(client, url, status=404)["code"] == "NotFound", url
    # A public layer under another project's slug is not found either.
    public_layer, _features = parking
    assert client.get(f"{BASE}/collections/hidden-project-layer-{public_layer.pk}").status_code == 404


def test_attributes_with_html_are_text_in_json_and_escaped_in_html(client, project):
    layer = make_layer(project, "Feindlich", attribution='<img src=x onerror="alert(1)">')
    (feature,) = add_features(layer, (Point(8.4, 49.0, srid=4326), {"name": HOSTILE, "<i>key</i>": "v"}))

    as_json = get_json(client, f"{collection_url(layer)}/items")
    page = client.get(f"{collection_url(layer)}/items?f=html").content.decode()
    item_page = client.get(f"{collection_url(layer)}/items/{feature.pk}?f=html").content.decode()
    collection_page = client.get(f"{collection_url(layer)}?f=html").content.decode()

    assert as_json["features"][0]["properties"]["name"] == HOSTILE
    for html in (page, item_page):
        assert "<script>alert" not in html
        assert "<b>fett</b>" not in html
        assert "<i>key</i>" not in html
        assert (
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;fett&lt;/b&gt; &amp; =SUM(A1)" in html
        )
        assert "&lt;i&gt;key&lt;/i&gt;" in html
    assert "<img src=x" not in collection_page
    assert "&lt;img src=x" in collection_page


def test_lines_and_polygons_are_served_with_their_geometry(client, project):
    layer = make_layer(project, "Netz und Stadtteile", role=LayerRole.DISTRICTS)
    square = Polygon(((8.3, 48.9), (8.4, 48.9), (8.4, 49.0), (8.3, 49.0), (8.3, 48.9)), srid=4326)
    line, area = add_features(
        layer,
        (LineString((8.40, 49.00), (8.41, 49.01), srid=4326), {"highway": "cycleway"}),
        (MultiPolygon(square, srid=4326), {"name": "Innenstadt"}),
    )

    body = get_json(client, f"{collection_url(layer)}/items")
    crossing = get_json(client, f"{collection_url(layer)}/items?bbox=8.405,49.004,8.406,49.006")

    by_id = {f["id"]: f for f in body["features"]}
    assert by_id[line.pk]["geometry"] == {"type": "LineString", "coordinates": [[8.4, 49.0], [8.41, 49.01]]}
    assert by_id[area.pk]["geometry"]["type"] == "MultiPolygon"
    assert by_id[area.pk]["geometry"]["coordinates"][0][0][:2] == [[8.3, 48.9], [8.4, 48.9]]
    assert by_id[area.pk]["properties"] == {"highway": None, "name": "Innenstadt"}
    assert [f["id"] for f in crossing["features"]] == [line.pk]
    collection = get_json(client, collection_url(layer))
    assert collection["extent"]["spatial"]["bbox"] == [[8.3, 48.9, 8.41, 49.01]]
    assert collection["category"] is None


def test_html_pages_of_a_layer(client, parking):
    layer, features = parking

    listing = client.get(f"{BASE}/collections?f=html", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    description = client.get(f"{collection_url(layer)}?f=html", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    items = client.get(f"{collection_url(layer)}/items?f=html&limit=5").content.decode()

    assert f"test-project-layer-{layer.pk}" in listing
    assert "Fahrradparken (en)" in listing
    assert "ODbL 1.0" in description
    assert "© OpenStreetMap contributors" in description
    assert 'id="next-link"' in items
    assert f"after={features[4].pk}" in items
    assert '<th scope="col">capacity</th>' in items


def test_ids_of_one_kind_are_never_claimed_by_another(project, point_category):
    """A project whose slug looks like a layer id still has its suggestion collections, and its layers
    theirs: each kind's ids end in their own way."""
    tricky = ProjectFactory(slug="ring-layer-1")
    CategoryFactory(project=tricky, key="charging-station", geometry_kind="point")
    layer = make_layer(tricky, "Ring")

    ids = [c.id for _kind, c in kinds.collection_list()]

    assert "ring-layer-1-points" in ids
    assert f"ring-layer-1-layer-{layer.pk}" in ids
    for collection_id in ids:
        claimed = [kind.name for kind in kinds.KINDS if kind.find(collection_id) is not None]
        assert len(claimed) == 1, (collection_id, claimed)
    assert kinds.collection_get(collection_id=f"ring-layer-1-layer-{layer.pk}")[0].name == "context layers"
    assert kinds.collection_get(collection_id="ring-layer-1-points")[0].name == "suggestions"


def test_a_new_import_is_served_at_once_with_its_attributes_and_extent(client, project, tmp_path):
    """The collection's extent and attribute names are kept between requests: a new import must replace
    them at once."""
    layer = make_layer(project, "Neu importiert")

    def import_features(name: str, features: list[dict]) -> None:
        source = tmp_path / name
        source.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
        layer_import(layer=layer, source=source, actor="test")

    def point(lon: float, properties: dict) -> dict:
        return {
            "type": "Feature",
            "properties": properties,
            "geometry": {"type": "Point", "coordinates": [lon, 49.0]},
        }

    import_features("first.geojson", [point(8.40, {"old": "1"})])
    before = get_json(client, collection_url(layer))
    assert get_json(client, f"{collection_url(layer)}/items")["features"][0]["properties"] == {"old": "1"}

    import_features("second.geojson", [point(8.41, {"new": "2"}), point(8.43, {"other": "3"})])
    after = get_json(client, collection_url(layer))
    features = get_json(client, f"{collection_url(layer)}/items")["features"]

    assert before["extent"]["spatial"]["bbox"] == [[8.4, 49.0, 8.4, 49.0]]
    assert after["extent"]["spatial"]["bbox"] == [[8.41, 49.0, 8.43, 49.0]]
    assert [f["properties"] for f in features] == [{"new": "2", "other": None}, {"new": None, "other": "3"}]
