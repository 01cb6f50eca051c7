"""Finding a place by its name (geo.places): the search key, the gazetteer's sources (network, districts,
addresses from OSM and from a town's list), the search's order and tolerance, every bad input, and the
optional fallback geocoder against a fake one on 127.0.0.1."""

import json
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.contrib.gis.geos import LineString, Point, Polygon
from django.core.cache import cache
from django.db import connection
from django.utils import translation

from geo.layers.imports import layer_import
from geo.layers.models import ContextFeature, ContextLayer
from geo.network.models import NetworkEdge, StreetNetwork
from geo.network.signals import network_replaced
from geo.places.imports import AddressesRefused, addresses_import
from geo.places.models import Place, SuggestionPlace
from geo.places.services import place_labels_rebuild, places_build
from participation.throttling import WindowRateThrottle
from tests.factories import CategoryFactory, ProjectFactory, SuggestionFactory, UserFactory

pytestmark = pytest.mark.django_db

KARLSRUHE = Path(__file__).resolve().parents[2] / "fixtures" / "karlsruhe"


def url(slug: str = "town") -> str:
    return f"/api/v1/projects/{slug}/places/"


def search(client, text: str, slug: str = "town", **params) -> list[dict]:
    response = client.get(url(slug), {"q": text, **params})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def labels(results: list[dict]) -> list[str]:
    return [r["label"] for r in results]


def place(project, label: str, x: float, y: float, kind: str = "street", **fields) -> Place:
    return Place.objects.create(
        project=project, kind=kind, source="addresses", label=label, geom=Point(x, y, srid=4326), **fields
    )


@pytest.fixture
def town():
    return ProjectFactory(slug="town")  # area 8.30–8.50 E, 48.95–49.05 N


# ------------------------------------------------------------------------------------------- the search key


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Kaiserstraße", "kaiserstrasse"),
        ("Kaiserstrasse", "kaiserstrasse"),
        ("kaiserstr.", "kaiserstrasse"),
        ("KAISERSTR", "kaiserstrasse"),
        ("Karl-Friedrich-Str. 12 a", "karl friedrich strasse 12a"),
        ("Gottesauer Straße 21", "gottesauer strasse 21"),
        ("Mühlburger Tor", "muehlburger tor"),
        ("Ölmühle", "oelmuehle"),
        ("Café Crêpe", "cafe crepe"),
        ("  Innenstadt–West ", "innenstadt west"),
        ("50%_'; DROP TABLE x; --", "50 drop table x"),
        ("🚲🚲", ""),
    ],
)
def test_the_search_key_is_the_same_for_the_usual_spellings(text, key):
    with connection.cursor() as cursor:
        cursor.execute("SELECT geo_place_key(%s)", [text])
        assert cursor.fetchone()[0] == key


# ------------------------------------------------------------------------------------------- the search


def test_a_prefix_typed_so_far_finds_the_street_and_typos_still_find_it(client, town):
    place(town, "Kaiserstraße", 8.40, 49.009)
    place(town, "Karlstraße", 8.39, 49.005)
    place(town, "Kaiserallee", 8.38, 49.010)

    assert labels(search(client, "Kaiserstr"))[0] == "Kaiserstraße"
    assert labels(search(client, "kaiserstrasse"))[0] == "Kaiserstraße"
    assert labels(search(client, "Kaiserstrase"))[0] == "Kaiserstraße"  # one letter missing
    assert labels(search(client, "Kaisrstrase"))[0] == "Kaiserstraße"  # two
    assert labels(search(client, "Kais")) == ["Kaiserallee", "Kaiserstraße"]  # prefixes only, shortest first
    assert "Karlstraße" not in labels(search(client, "Kaiser"))


def test_similar_names_are_the_typos_street_not_every_street_with_the_same_ending(client, town):
    """Names ending alike ("…straße") share enough trigrams to look half alike: the list is the street meant,
    not the town's other streets (seen in the Karlsruhe demo: "Kaiserstr" listed Engesserstraße, Adlerstraße,
    Weberstraße… after Kaiserstraße)."""
    for x, name in enumerate(["Kaiserstraße", "Engesserstraße", "Adlerstraße", "Weberstraße", "Waldstraße"]):
        place(town, name, 8.38 + x / 100, 49.009)
    place(town, "Apotheke am Marktplatz", 8.40, 49.01, kind="place")
    place(town, "Marktplatzgarage", 8.41, 49.01, kind="place")

    assert labels(search(client, "Kaiserstr")) == ["Kaiserstraße"]
    assert labels(search(client, "Kaisrstraße")) == ["Kaiserstraße"]  # a typo: no name begins with it
    assert labels(search(client, "Waldstr")) == ["Waldstraße"]
    # A name that begins with the text first, then names that hold it whole.
    assert labels(search(client, "Marktplatz")) == ["Marktplatzgarage", "Apotheke am Marktplatz"]


def test_each_result_has_its_kind_label_point_and_for_a_street_its_box(client, town):
    Place.objects.create(
        project=town, kind="street", source="network", label="Kaiserstraße",
        geom=Point(8.40, 49.009, srid=4326),
        extent=LineString((8.39, 49.008), (8.41, 49.010), srid=4326),
    )  # fmt: skip
    place(town, "Kaiserstraße 12", 8.401, 49.0091, kind="address", street="Kaiserstraße", housenumber="12")

    (street,) = search(client, "Kaiserstraße")
    address = search(client, "Kaiserstraße 12")[0]

    assert street == {
        "kind": "street", "label": "Kaiserstraße", "point": [8.4, 49.009],
        "bbox": [8.39, 49.008, 8.41, 49.01],
        "inside": True, "source": "gazetteer",
    }  # fmt: skip
    assert address["kind"] == "address"
    assert address["point"] == [8.401, 49.0091]
    assert address["bbox"] is None


def test_a_house_number_finds_the_addresses_of_the_street_however_it_is_spelt(client, town):
    place(town, "Kaiserstraße", 8.40, 49.009)
    place(town, "Karlstraße", 8.39, 49.005)
    for number in ("1", "12", "12a", "120", "2"):
        place(town, f"Kaiserstraße {number}", 8.40, 49.009, kind="address", street="Kaiserstraße")
    place(town, "Karlstraße 12", 8.39, 49.005, kind="address", street="Karlstraße")

    # The exact number first, then those it begins, then the street itself.
    assert labels(search(client, "Kaiserstr. 12"))[:4] == [
        "Kaiserstraße 12", "Kaiserstraße 120", "Kaiserstraße 12a", "Kaiserstraße",
    ]  # fmt: skip
    assert labels(search(client, "kaiserstrase 12 a"))[0] == "Kaiserstraße 12a"
    assert labels(search(client, "Karlstrasse 12"))[0] == "Karlstraße 12"


def test_inside_the_projects_area_comes_first_then_the_nearest_outside(client, town):
    place(town, "Hauptstraße", 8.60, 49.00)  # 10 km east of the area
    place(town, "Hauptstraße", 8.45, 49.00)  # inside
    place(town, "Hauptstraße", 8.52, 49.00)  # 2 km east

    results = search(client, "Hauptstr")

    assert [(r["point"][0], r["inside"]) for r in results] == [(8.45, True), (8.52, False), (8.60, False)]


def test_districts_and_named_places_are_found_with_streets(client, town):
    place(town, "Innenstadt-West", 8.39, 49.01, kind="district")
    place(town, "Westbahnhof", 8.37, 49.00, kind="place")

    assert search(client, "innenstadt west")[0]["kind"] == "district"
    assert labels(search(client, "West")) == ["Westbahnhof", "Innenstadt-West"]  # prefix before word match


def test_the_count_is_limited(client, town):
    for n in range(30):
        place(town, f"Teststraße {n}", 8.4, 49.0, kind="address", street="Teststraße")
    place(town, "Teststraße", 8.4, 49.0)

    assert len(search(client, "Teststraße 1")) == 8  # of 1, 10–19 and the street, 8 by default
    assert len(search(client, "Teststraße 1", limit=20)) == 11 + 1
    assert len(search(client, "Teststr", limit=3)) == 1  # without a number: no addresses


def test_one_projects_places_are_never_anothers(client, town):
    other = ProjectFactory(slug="other")
    place(other, "Kaiserstraße", 8.40, 49.009)

    assert search(client, "Kaiserstraße") == []
    assert labels(search(client, "Kaiserstraße", slug="other")) == ["Kaiserstraße"]


def test_one_query_whatever_the_gazetteer_holds(client, town, django_assert_num_queries):
    """The search box asks at every keystroke: the project is looked up in the search's own statement."""
    place(town, "Kaiserstraße", 8.40, 49.009)
    with django_assert_num_queries(1):
        assert labels(search(client, "Kaiserstr")) == ["Kaiserstraße"]


def test_the_search_has_a_budget_per_address_kept_in_one_counter(client, town, monkeypatch):
    """Past the address's budget a 429 in the person's language with Retry-After; the next window opens
    again. The budget is one counter per address and window, not the time of every request in it (which
    the search read and wrote whole at each keystroke, slower the more a client had searched)."""
    place(town, "Kaiserstraße", 8.40, 49.009)
    monkeypatch.setattr(WindowRateThrottle, "THROTTLE_RATES", {"place_search": "3/hour"})
    now = [4e9 + 11]
    monkeypatch.setattr(WindowRateThrottle, "timer", staticmethod(lambda: now[0]))
    key = f"throttle_place_search_127.0.0.1:{int(now[0] // 3600)}"  # the test client's address
    cache.delete(key)

    answers = [client.get(url(), {"q": "Kaiser"}, HTTP_ACCEPT_LANGUAGE="de") for _ in range(4)]

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[3].json()["code"] == "throttled"
    assert "Anfrage" in answers[3].json()["message"]
    assert 0 < int(answers[3]["Retry-After"]) <= 3601
    assert cache.get(key) == 4
    now[0] += 3600
    assert labels(client.get(url(), {"q": "Kaiser"}).json()["results"]) == ["Kaiserstraße"]
    cache.delete(key)


# ------------------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "text", ["%", "_", "%%%", "__", "%_%", "\\", "'", '"', "*", "(", "[", "🚲", "😀😀😀", "   "]
)
def test_wildcards_quotes_and_emoji_are_text_that_finds_nothing_of_their_own(client, town, text):
    place(town, "Kaiserstraße", 8.40, 49.009)
    place(town, "Karlstraße", 8.39, 49.005)

    assert search(client, text) == []


def test_like_wildcards_are_no_pattern_but_ignored_like_punctuation(client, town):
    place(town, "Kaiserstraße", 8.40, 49.009)
    place(town, "Karlstraße", 8.39, 49.005)
    place(town, "Kaiserallee", 8.38, 49.010)

    assert search(client, "%") == []  # LIKE '%' would be every place
    assert labels(search(client, "Kaiser%str")) == labels(search(client, "Kaiser str"))
    assert labels(search(client, "Kaiserstr%")) == ["Kaiserstraße"]  # not Kaiserstr…: no Kaiserallee
    assert labels(search(client, "Kaiser_allee")) == labels(search(client, "Kaiser allee"))


def test_sql_is_a_search_text_like_any_other(client, town):
    place(town, "Kaiserstraße", 8.40, 49.009)

    for text in ("'; DROP TABLE geo_place; --", "' OR '1'='1", "1) UNION SELECT * FROM auth_user --"):
        response = client.get(url(), {"q": text})
        assert response.status_code == 200
        assert response.json() == {"results": []}
    assert Place.objects.count() == 1


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "The search text is too long: at most 100 characters"), ("de", "Der Suchtext ist zu lang")],
)
def test_ten_kilobytes_of_text_are_refused_with_a_message(client, town, language, message):
    response = client.get(url(), {"q": "Kaiserstraße " * 800}, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 400
    assert message in response.json()["message"]


@pytest.mark.parametrize(
    ("params", "status"),
    [({}, 200), ({"q": ""}, 200), ({"q": "a\x00b"}, 400), ({"q": "x", "limit": "0"}, 400),
     ({"q": "x", "limit": "21"}, 400), ({"q": "x", "limit": "viele"}, 400)],
)  # fmt: skip
def test_an_empty_text_is_an_empty_list_and_other_bad_parameters_a_400(client, town, params, status):
    response = client.get(url(), params)

    assert response.status_code == status
    if status == 200:
        assert response.json() == {"results": []}
    else:
        assert response.json()["message"]


def test_an_unknown_or_hidden_project_is_not_found(client, town):
    ProjectFactory(slug="hidden", is_public=False)

    assert client.get(url("nothing"), {"q": "x"}).status_code == 404
    assert client.get(url("hidden"), {"q": "x"}).status_code == 404


def test_a_project_being_set_up_is_searched_by_its_staff_and_in_the_admin_only(client):
    """Not public yet: its planners (the export page) and whoever may change projects in the admin (the
    area's place search) find its places; to everyone else it does not exist."""
    hidden = ProjectFactory(slug="hidden", is_public=False)
    place(hidden, "Kaiserstraße", 8.40, 49.009)
    editor = UserFactory(username="editor", is_staff=True)
    editor.user_permissions.add(
        Permission.objects.get(content_type__app_label="participation", codename="change_project")
    )
    people = {
        "anonymous": None,
        "outsider": UserFactory(username="outsider"),
        "staff without the right": UserFactory(username="clerk", is_staff=True),
        "planner": UserFactory(username="paula", planner_of=hidden),
        "editor": editor,
        "site admin": UserFactory(username="root", is_staff=True, is_superuser=True),
    }
    answers = {}
    for who, user in people.items():
        client.logout()
        if user:
            client.force_login(user)
        response = client.get(url("hidden"), {"q": "kaiserstr"})
        answers[who] = (response.status_code, labels(response.json().get("results", [])))

    found, missing = (200, ["Kaiserstraße"]), (404, [])
    assert answers == {
        "anonymous": missing,
        "outsider": missing,
        "staff without the right": missing,
        "planner": found,
        "editor": found,
        "site admin": found,
    }


# ------------------------------------------------------------------------------------------- sources


def _network(project, edges):
    network = StreetNetwork.objects.create(project=project, name="test")
    for n, (name, coords) in enumerate(edges):
        line = LineString(*coords, srid=4326)
        NetworkEdge.objects.create(
            network=network, source=n, target=n + 1, cost=1, reverse_cost=1, length_m=1, bicycle=True,
            name=name, geom=line,
        )  # fmt: skip
    return network


def test_the_networks_edges_become_one_street_per_name_merged(client, town):
    _network(town, [
        ("Kaiserstraße", ((8.39, 49.009), (8.40, 49.009))),
        ("Kaiserstraße ", ((8.40, 49.009), (8.41, 49.0095))),
        ("", ((8.41, 49.0095), (8.42, 49.01))),
        ("Waldstraße", ((8.395, 49.005), (8.395, 49.012))),
    ])  # fmt: skip

    counts = places_build(project_id=town.pk)

    assert counts["streets"] == 2
    (kaiser,) = search(client, "Kaiserstr")
    assert kaiser["bbox"] == [8.39, 49.009, 8.41, 49.0095]
    street = Place.objects.get(project=town, label="Kaiserstraße")
    assert street.extent.distance(street.geom) < 1e-9  # the point lies on the street


def test_a_network_import_rebuilds_the_streets_through_its_signal(client, town):
    network = _network(town, [("Erbprinzenstraße", ((8.39, 49.009), (8.40, 49.009)))])
    assert search(client, "Erbprinzen") == []

    network_replaced.send(sender=StreetNetwork, network=network)

    assert labels(search(client, "Erbprinzen")) == ["Erbprinzenstraße"]
    NetworkEdge.objects.filter(network=network).update(name="Amalienstraße")
    network_replaced.send(sender=StreetNetwork, network=network)
    assert search(client, "Erbprinzen") == []
    assert labels(search(client, "Amalien")) == ["Amalienstraße"]


def test_a_districts_layer_import_brings_its_districts_and_keeps_the_addresses(client, town, tmp_path):
    csv = tmp_path / "adressen.csv"
    csv.write_text("street,number,lon,lat\nKaiserstraße,12,8.401,49.0091\n", encoding="utf-8")
    addresses_import(project_id=town.pk, source=csv)
    layer = ContextLayer.objects.create(project=town, name="Stadtteile", role="districts")

    layer_import(layer=layer, source=KARLSRUHE / "districts.geojson", actor=None)

    district = search(client, "Innenstadt-West")[0]
    assert (district["kind"], district["label"]) == ("district", "Innenstadt-West")
    assert len(district["bbox"]) == 4
    assert labels(search(client, "Kaiserstraße 12")) == ["Kaiserstraße 12", "Kaiserstraße"]


def test_a_towns_address_list_as_csv_with_lon_lat_or_projected_x_y(client, town, tmp_path):
    lonlat = tmp_path / "adressen.csv"
    lonlat.write_text(
        "Strasse,Hausnummer,lon,lat\nKaiserstraße,012,8.401,49.0091\nKaiserstraße,14,8.402,49.0092\n"
        "Lammstraße,1,8.403,49.0093\n,5,8.4,49.0\n",
        encoding="utf-8",
    )  # fmt: skip

    report = addresses_import(project_id=town.pk, source=lonlat)

    assert (report.read, report.addresses, report.streets) == (
        4,
        3,
        2,
    )  # a row without a street is no address
    assert labels(search(client, "Kaiserstr 012")) == ["Kaiserstraße 012", "Kaiserstraße"]  # "012" stays text
    # UTM zone 32 (EPSG:25832) x/y of the same place.
    projected = tmp_path / "utm.csv"
    projected.write_text("street,housenumber,x,y\nWaldstraße,14,456263.9,5429148.6\n", encoding="utf-8")
    addresses_import(project_id=town.pk, source=projected, srs="EPSG:25832")
    waldstrasse = search(client, "Waldstraße 14")[0]
    assert waldstrasse["point"] == pytest.approx([8.40188, 49.01368], abs=1e-5)
    assert "Lammstraße" not in labels(search(client, "Lammstr"))  # the second list replaced the first


def test_a_towns_address_list_as_geopackage_of_buildings(client, town, tmp_path):
    source = tmp_path / "gebaeude.csv"
    source.write_text(
        "Strasse,HNR,WKT\n"
        'Erbprinzenstraße,7,"POLYGON((8.399 49.009,8.4 49.009,8.4 49.0095,8.399 49.0095,8.399 49.009))"\n',
        encoding="utf-8",
    )
    gpkg = tmp_path / "gebaeude.gpkg"
    args = [str(gpkg), str(source), "-a_srs", "EPSG:4326", "-oo", "GEOM_POSSIBLE_NAMES=WKT"]
    subprocess.run(["ogr2ogr", "-f", "GPKG", *args], check=True, capture_output=True)  # noqa: S607

    addresses_import(project_id=town.pk, source=gpkg)

    found = search(client, "erbprinzenstr 7")[0]
    assert found["label"] == "Erbprinzenstraße 7"
    assert found["point"] == pytest.approx([8.3995, 49.00925], abs=3e-4)  # a point inside the building


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("adressen.txt", b"street,number\n", "not a file we can read addresses from"),
        ("adressen.osm", b"<osm><this is not xml", "cannot be read as OSM"),
        ("adressen.gpkg", b"SQLite format 3\x00 but not really", "cannot be read as GPKG"),
        ("adressen.csv", b"name,lon,lat\nRathaus,8.4,49.0\n", "no address"),
        (
            "adressen.csv",
            b"street,number,x,y\nKaiserstrasse,1,456263.9,5429148.6\n",
            "not longitude and latitude",
        ),
    ],
)
def test_a_bad_file_is_refused_with_a_message_and_the_old_addresses_stay(
    town, tmp_path, name, content, message
):
    good = tmp_path / "good.csv"
    good.write_text("street,number,lon,lat\nKaiserstraße,12,8.401,49.0091\n", encoding="utf-8")
    addresses_import(project_id=town.pk, source=good)
    before = sorted(Place.objects.filter(project=town).values_list("label", flat=True))
    bad = tmp_path / name
    bad.write_bytes(content)

    with translation.override("en"), pytest.raises(AddressesRefused) as refused:
        addresses_import(project_id=town.pk, source=bad)

    assert message in refused.value.message
    assert sorted(Place.objects.filter(project=town).values_list("label", flat=True)) == before


# ------------------------------------------------------------------------------------------- Karlsruhe


@pytest.fixture
def karlsruhe():
    project = ProjectFactory(slug="karlsruhe")
    addresses_import(project_id=project.pk, source=KARLSRUHE / "inner-city-2009.osm")
    layer = ContextLayer.objects.create(project=project, name="Stadtteile", role="districts")
    layer_import(layer=layer, source=KARLSRUHE / "districts.geojson", actor=None)
    return project


def test_the_inner_city_extract_finds_its_streets_addresses_places_and_districts(client, karlsruhe):
    for text in ("Kaiserstr.", "kaiserstrasse", "Kaiserstrase", "Kaiserstraße", "KAISERSTR"):
        first = search(client, text, slug="karlsruhe")[0]
        assert (first["kind"], first["label"]) == ("street", "Kaiserstraße"), text
    district = search(client, "Innenstadt-West", slug="karlsruhe")[0]
    assert (district["kind"], district["label"]) == ("district", "Innenstadt-West")
    # The pub "Spalato", Douglasstraße 36 (node 29990270 of the extract).
    douglasstrasse_36 = search(client, "Douglasstr 36", slug="karlsruhe")
    assert labels(douglasstrasse_36).count("Douglasstraße 36") == 1  # on the pub's node and its building
    spalato = douglasstrasse_36[0]
    assert (spalato["label"], spalato["point"]) == ("Douglasstraße 36", [8.393175, 49.0085474])
    assert "Spalato" in labels(search(client, "Spalato", slug="karlsruhe"))


def test_the_pbf_extract_gives_the_same_gazetteer(karlsruhe):
    other = ProjectFactory(slug="pbf")

    report = addresses_import(project_id=other.pk, source=KARLSRUHE / "inner-city-2009.osm.pbf")

    expected = Place.objects.filter(project=karlsruhe, source="addresses").count()
    assert report.addresses + report.places == expected


# ------------------------------------------------------------------------------------------- fallback


@contextmanager
def fake_photon(features: list[dict]) -> Iterator[list[str]]:
    """A Photon stand-in on 127.0.0.1 answering `features`; yields the paths and queries it was asked."""
    asked: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append(self.path)
            body = json.dumps({"type": "FeatureCollection", "features": features}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield asked, f"http://127.0.0.1:{server.server_address[1]}/api"
    finally:
        server.shutdown()
        server.server_close()


PHOTON_FEATURE = {
    "type": "Feature",
    "geometry": {"type": "Point", "coordinates": [8.4041, 49.0093]},
    "properties": {"name": "Marktplatz", "osm_key": "place", "extent": [8.403, 49.010, 8.405, 49.008]},
}


def test_the_fallback_is_asked_only_when_our_gazetteer_finds_nothing(client, town, settings):
    place(town, "Kaiserstraße", 8.40, 49.009)
    with fake_photon([PHOTON_FEATURE]) as (asked, photon):
        settings.PLACE_SEARCH_FALLBACK_URL = photon

        ours = search(client, "Kaiserstr")
        theirs = search(client, "Marktplatz")

    assert labels(ours) == ["Kaiserstraße"]
    assert ours[0]["source"] == "gazetteer"
    assert theirs == [{
        "kind": "place", "label": "Marktplatz", "point": [8.4041, 49.0093],
        "bbox": [8.403, 49.008, 8.405, 49.01],
        "inside": False, "source": "fallback",
    }]  # fmt: skip
    assert len(asked) == 1
    assert "q=Marktplatz" in asked[0]
    assert "bbox=8.3%2C48.95%2C8.5%2C49.05" in asked[0]


def test_emoji_alone_never_go_to_the_fallback(client, town, settings):
    with fake_photon([PHOTON_FEATURE]) as (asked, photon):
        settings.PLACE_SEARCH_FALLBACK_URL = photon
        assert search(client, "🚲🚲") == []
    assert asked == []


def test_without_the_setting_no_one_is_asked(client, town, settings):
    with fake_photon([PHOTON_FEATURE]) as (asked, _photon):
        settings.PLACE_SEARCH_FALLBACK_URL = ""
        assert search(client, "Marktplatz") == []
    assert asked == []


def test_a_fallback_that_answers_garbage_or_nothing_is_nothing_found(client, town, settings):
    with fake_photon([{"geometry": None}]) as (_asked, photon):
        settings.PLACE_SEARCH_FALLBACK_URL = photon
        assert search(client, "Marktplatz") == []
    settings.PLACE_SEARCH_FALLBACK_URL = photon  # the server is gone now
    assert search(client, "Marktplatz") == []


def test_the_privacy_statement_names_the_fallback_only_when_it_is_on(client, settings):
    settings.PLACE_SEARCH_FALLBACK_URL = ""
    off = client.get("/legal/privacy/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    settings.PLACE_SEARCH_FALLBACK_URL = "https://photon.example.org/api"
    on = client.get("/legal/privacy/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "photon.example.org" not in off
    assert "is answered from this site" in off
    assert "photon.example.org" in on


# ------------------------------------------------------------------------------------------- reverse labels


@pytest.fixture
def labelled_town(town, tmp_path):
    """A town with one district (Innenstadt-West, around 8.40 E 49.01 N) and two addresses of Kaiserstraße."""
    districts = ContextLayer.objects.create(project=town, name="Stadtteile", role="districts")
    ContextFeature.objects.create(
        layer=districts,
        geom=Polygon.from_bbox((8.39, 49.00, 8.41, 49.02)),
        properties={"name": "Innenstadt-West"},
    )
    csv = tmp_path / "adressen.csv"
    csv.write_text(
        "street,number,lon,lat\nKaiserstraße,12,8.4000,49.0100\nKaiserstraße,40,8.4050,49.0100\n",
        encoding="utf-8",
    )
    addresses_import(project_id=town.pk, source=csv)
    return town


def _label(suggestion) -> str:
    return SuggestionPlace.objects.get(suggestion=suggestion).label


def test_a_suggestion_is_labelled_with_its_nearest_address_within_40_m_and_its_district(labelled_town):
    category = CategoryFactory(project=labelled_town)

    near = SuggestionFactory(category=category, geom=Point(8.4003, 49.0101, srid=4326))  # 23 m from no. 12
    between = SuggestionFactory(category=category, geom=Point(8.4025, 49.0104, srid=4326))  # 150 m from both
    outside = SuggestionFactory(category=category, geom=Point(8.45, 49.03, srid=4326))

    assert _label(near) == "Kaiserstraße 12, Innenstadt-West"
    assert _label(between) == "Kaiserstraße, Innenstadt-West"  # no address within 40 m: the street
    assert _label(outside) == ""  # 4 km from the street, in no district: nothing that would help


def test_the_label_follows_a_moved_suggestion_and_a_new_gazetteer(
    labelled_town, tmp_path, django_capture_on_commit_callbacks, run_worker
):
    category = CategoryFactory(project=labelled_town)
    suggestion = SuggestionFactory(category=category, geom=Point(8.4003, 49.0101, srid=4326))

    suggestion.geom = Point(8.4052, 49.0101, srid=4326)
    suggestion.save()
    assert _label(suggestion) == "Kaiserstraße 40, Innenstadt-West"

    csv = tmp_path / "neu.csv"
    csv.write_text("street,number,lon,lat\nWaldstraße,3,8.4051,49.0102\n", encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        addresses_import(project_id=labelled_town.pk, source=csv)
    # The import's request never waits for the labels: the worker makes them from the new gazetteer.
    assert _label(suggestion) == "Kaiserstraße 40, Innenstadt-West"
    assert run_worker() == 0
    assert _label(suggestion) == "Waldstraße 3, Innenstadt-West"


def test_a_network_import_relabels_by_the_worker_and_writes_only_what_changed(
    town, django_capture_on_commit_callbacks, run_worker
):
    """The defect of stop 32: the rebuild after a network import ran in the import's request and relabelled
    every suggestion (13 minutes and more for the benchmark's 1.1 million)."""
    network = _network(town, [("Erbprinzenstraße", ((8.39, 49.009), (8.40, 49.009)))])
    category = CategoryFactory(project=town)
    with django_capture_on_commit_callbacks(execute=True):
        places_build(project_id=town.pk)
    assert run_worker() == 0
    on_it = SuggestionFactory(category=category, geom=Point(8.395, 49.0091, srid=4326))
    far = SuggestionFactory(category=category, geom=Point(8.395, 49.02, srid=4326))  # 1.2 km off
    assert (_label(on_it), SuggestionPlace.objects.filter(suggestion=far).get().label) == (
        "Erbprinzenstraße",
        "",
    )

    NetworkEdge.objects.filter(network=network).update(name="Amalienstraße")
    with django_capture_on_commit_callbacks(execute=True):
        network_replaced.send(sender=StreetNetwork, network=network)
    assert _label(on_it) == "Erbprinzenstraße"  # the signal's receiver queued the labels, made none
    assert _queued("place_labels_rebuild_task") == 1

    assert run_worker() == 0
    assert _label(on_it) == "Amalienstraße"
    # With the text the streamed exports append (geo 0025).
    stored = SuggestionPlace.objects.get(suggestion=on_it)
    assert (stored.geojson_place, stored.csv_place) == (',"place":"Amalienstraße"', ',"Amalienstraße"')
    assert SuggestionPlace.objects.get(suggestion=far).geojson_place == ',"place":null'
    # Nothing changed since: a rebuild writes no row (the far one's empty label stays as it is).
    assert place_labels_rebuild(project_id=town.pk) == 0
    NetworkEdge.objects.filter(network=network).update(name="Kriegsstraße")
    assert place_labels_rebuild(project_id=town.pk) == 1


def test_a_nearer_address_or_street_of_another_project_is_never_the_label(labelled_town, tmp_path):
    other = ProjectFactory(slug="nachbar")
    csv = tmp_path / "nachbar.csv"
    csv.write_text("street,number,lon,lat\nNachbarweg,1,8.40031,49.01011\n", encoding="utf-8")
    addresses_import(project_id=other.pk, source=csv)
    _network(other, [("Nachbarstraße", ((8.40, 49.0101), (8.401, 49.0101)))])
    SuggestionFactory(category=CategoryFactory(project=other), geom=Point(8.4003, 49.0101, srid=4326))

    ours = SuggestionFactory(
        category=CategoryFactory(project=labelled_town), geom=Point(8.4003, 49.0101, srid=4326)
    )

    assert _label(ours) == "Kaiserstraße 12, Innenstadt-West"


def test_imports_one_after_another_have_the_labels_rebuilt_once(
    town, django_capture_on_commit_callbacks, run_worker
):
    """An admin imports the network, then the addresses, then the districts: each asked the worker for a
    full relabel (three times 3 minutes for 1.1 million suggestions). A job still waiting reads what the
    later imports committed, so one is enough; once it has run, the next import asks again."""
    network = _network(town, [("Erbprinzenstraße", ((8.39, 49.009), (8.40, 49.009)))])
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            network_replaced.send(sender=StreetNetwork, network=network)
    assert _queued("place_labels_rebuild_task") == 1

    assert run_worker() == 0
    with django_capture_on_commit_callbacks(execute=True):
        network_replaced.send(sender=StreetNetwork, network=network)
    assert _queued("place_labels_rebuild_task") == 1


def _queued(task: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult "
            "WHERE task_path LIKE %s AND status = 'READY'",
            [f"%{task}"],
        )
        return cursor.fetchone()[0]


def test_a_suggestion_deleted_in_sql_takes_its_label_with_it(labelled_town):
    """Not only Django's cascade: a DELETE in SQL (a retention job, the benchmark) removes the label too,
    instead of failing on the label's reference to the suggestion."""
    category = CategoryFactory(project=labelled_town)
    suggestion = SuggestionFactory(category=category, geom=Point(8.4003, 49.0101, srid=4326))
    assert SuggestionPlace.objects.filter(suggestion=suggestion).exists()

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM participation_suggestion WHERE id = %s", [suggestion.pk])
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred check, as at commit

    assert not SuggestionPlace.objects.filter(suggestion_id=suggestion.pk).exists()


def test_a_line_is_labelled_from_its_middle(labelled_town):
    line = LineString((8.3960, 49.0104), (8.4000, 49.0104), (8.4090, 49.0104), srid=4326)
    suggestion = SuggestionFactory(
        category=CategoryFactory(project=labelled_town, geometry_kind="line"), geom=line
    )

    assert SuggestionPlace.objects.get(suggestion=suggestion).district == "Innenstadt-West"
    assert SuggestionPlace.objects.get(suggestion=suggestion).street == "Kaiserstraße"


def test_without_streets_or_addresses_a_suggestion_has_no_label_and_costs_nothing(town):
    districts = ContextLayer.objects.create(project=town, name="Stadtteile", role="districts")
    ContextFeature.objects.create(
        layer=districts, geom=Polygon.from_bbox((8.3, 48.9, 8.5, 49.1)), properties={"name": "Mitte"}
    )
    places_build(project_id=town.pk)  # districts only: the coverage analysis has them already
    suggestion = SuggestionFactory(category=CategoryFactory(project=town))
    places_build(project_id=town.pk)

    assert not SuggestionPlace.objects.filter(suggestion=suggestion).exists()


def test_the_maps_popups_get_the_label(client, labelled_town):
    category = CategoryFactory(project=labelled_town)
    near = SuggestionFactory(category=category, geom=Point(8.4003, 49.0101, srid=4326))

    response = client.get("/api/v1/projects/town/map/?bbox=8.39,49.00,8.41,49.02&zoom=17")

    (feature,) = response.json()["features"]
    assert feature["id"] == near.pk
    assert feature["properties"]["place"] == "Kaiserstraße 12, Innenstadt-West"
