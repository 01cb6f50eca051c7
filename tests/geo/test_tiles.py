"""Vector tiles /tiles/<slug>/{z}/{x}/{y}.pbf: what they hold (read back with GDAL's MVT driver, the library
QGIS reads them with), their HTTP caching, their bounds, and the tile cache that PostgreSQL keeps exact."""

import math
import re
import subprocess
from pathlib import Path

import pytest
from django.contrib.gis.geos import LineString, Point
from django.db import connection
from django.utils import translation

from geo.core.errors import TileOutOfRange
from geo.core.grid import TileAddress
from geo.models import TileCache, TileGeneration
from geo.services import cluster_rebuild
from geo.tiles import selectors, services
from participation import services as participation_services
from participation.errors import ProjectNotFound
from participation.models import ModerationState, PlanningStatus, Suggestion
from tests.factories import CategoryFactory, CitizenFactory, ProjectFactory, SuggestionFactory
from tests.geo.test_clusters import mercator

pytestmark = pytest.mark.django_db

MVT = "application/vnd.mapbox-vector-tile"
P = (8.4037, 49.0094)  # where things change
Q = (8.3200, 48.9600)  # from zoom 12 on in other tiles than P


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return z, x, y


def url(z: int, x: int, y: int, slug: str = "test-project") -> str:
    return f"/tiles/{slug}/{z}/{x}/{y}.pbf"


def read_tile(content: bytes, tile: tuple[int, int, int], tmp_path: Path) -> dict[str, list[dict[str, str]]]:
    """The tile as GDAL's MVT driver reads it: {layer: [{field: value, "geometry": WKT}]}. The file sits at
    z/x/y.pbf so that GDAL georeferences it from its path, as it does for a tile set."""
    z, x, y = tile
    path = tmp_path / "tiles" / str(z) / str(x) / f"{y}.pbf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    command = ("ogrinfo", "-ro", "-al", "-q", f"MVT:{path}")
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert "ERROR" not in result.stderr, result.stderr
    layers: dict[str, list[dict[str, str]]] = {}
    feature: dict[str, str] = {}
    for line in result.stdout.splitlines():
        if match := re.match(r"Layer name: (\w+)$", line):
            layers[match[1]] = []
        elif match := re.match(r"OGRFeature\((\w+)\):\d+$", line):
            feature = {}
            layers[match[1]].append(feature)
        elif match := re.match(r"  ([\w-]+) \(\w+\) = (.*)$", line):
            feature[match[1]] = match[2]
        elif match := re.match(r"  ((?:MULTI)?(?:POINT|LINESTRING|POLYGON) .*)$", line):
            feature["geometry"] = match[1]
    return layers


@pytest.fixture
def few_features_threshold(monkeypatch):
    """Clusters from three suggestions in a tile on, so that tests need only a handful of rows."""
    monkeypatch.setattr(selectors, "FEATURE_THRESHOLD", 2)


@pytest.fixture
def moderator(project):
    return CitizenFactory(username="mara", moderator_of=project)


def decide(actor, suggestion, action):
    decision = participation_services.Decision("suggestion", suggestion.pk, suggestion.moderation_state)
    return participation_services.item_decide(actor=actor, decision=decision, action=action, reason="Nein.")


def cached(tile: tuple[int, int, int]) -> TileCache | None:
    z, x, y = tile
    return TileCache.objects.filter(z=z, x=x, y=y).first()


# ------------------------------------------------------------------------------------------ what tiles hold
def test_a_high_zoom_tile_holds_published_suggestions_with_public_fields_only(
    client, point_category, tmp_path
):
    shown = SuggestionFactory(
        category=point_category,
        geom=Point(*P, srid=4326),
        title="Ladesäule „am“ <Markt>",
        planning_status=PlanningStatus.PLANNED,
        support_count=4,
        comment_count=2,
        display_name="Secret Name",
        text="secret text",
    )
    tile = tile_of(*P, 18)

    response = client.get(url(*tile))

    assert response.status_code == 200
    assert response["Content-Type"] == MVT
    layers = read_tile(response.content, tile, tmp_path)
    assert list(layers) == ["suggestions"]
    (feature,) = layers["suggestions"]
    geometry = feature.pop("geometry")
    assert feature == {
        "mvt_id": str(shown.pk),
        "id": str(shown.pk),
        "category": "charging-station",
        "title": "Ladesäule „am“ <Markt>",
        "planning_status": "planned",
        "support_count": "4",
        "comment_count": "2",
    }
    x, y = (float(c) for c in re.findall(r"[-\d.]+", geometry))
    # EPSG:3857, to the tile's grid: 4096 steps on 153 m at zoom 18.
    assert (x, y) == tuple(pytest.approx(c, abs=0.05) for c in mercator(*P))
    for private in (b"Secret Name", b"secret text", b"anna"):
        assert private not in response.content


def test_lines_are_clipped_to_the_tile_with_a_buffer(client, line_category, tmp_path):
    SuggestionFactory(category=line_category, geom=LineString((8.38, 49.00), (8.42, 49.01), srid=4326))
    tile = tile_of(8.40, 49.005, 16)

    layers = read_tile(client.get(url(*tile)).content, tile, tmp_path)

    (feature,) = layers["suggestions"]
    assert feature["geometry"].startswith("LINESTRING")
    assert feature["category"] == "bike-path"


def test_a_path_carries_how_it_was_drawn_and_a_new_drawing_forgets_its_tiles(
    client, point_category, line_category, tmp_path
):
    path = SuggestionFactory(
        category=line_category,
        geom=LineString((8.38, 49.00), (8.42, 49.01), srid=4326),
        line_drawing="routed",
    )
    point = SuggestionFactory(category=point_category, geom=Point(8.40, 49.005, srid=4326))
    tile = tile_of(8.40, 49.005, 16)

    features = {f["id"]: f for f in read_tile(client.get(url(*tile)).content, tile, tmp_path)["suggestions"]}

    assert features[str(path.pk)]["line_drawing"] == "routed"
    assert features[str(point.pk)].get("line_drawing", "(null)") == "(null)"  # left out: MVT has no null
    assert cached(tile) is not None

    Suggestion.objects.filter(pk=path.pk).update(line_drawing="free")

    assert cached(tile) is None
    features = {f["id"]: f for f in read_tile(client.get(url(*tile)).content, tile, tmp_path)["suggestions"]}
    assert features[str(path.pk)]["line_drawing"] == "free"


def test_low_zoom_tiles_hold_clusters_with_counts_per_category(
    client, point_category, line_category, few_features_threshold, tmp_path
):
    SuggestionFactory.create_batch(3, category=point_category, geom=Point(8.40, 49.00, srid=4326))
    SuggestionFactory.create_batch(2, category=line_category)  # anchored near 8.405, 49.005
    SuggestionFactory(category=point_category, geom=Point(8.43, 49.00, srid=4326))  # the next cell east
    tile = tile_of(8.40, 49.00, 12)

    layers = read_tile(client.get(url(*tile)).content, tile, tmp_path)

    assert list(layers) == ["clusters"]
    clusters = sorted(layers["clusters"], key=lambda f: int(f["count"]))
    assert [int(c["count"]) for c in clusters] == [1, 5]
    big = clusters[1]
    assert (big["charging-station"], big["bike-path"]) == ("3", "2")
    assert big["geometry"].startswith("POINT")


def test_a_tile_with_few_suggestions_holds_them_even_at_zoom_0(client, point_category, tmp_path):
    SuggestionFactory.create_batch(3, category=point_category)

    layers = read_tile(client.get(url(0, 0, 0)).content, (0, 0, 0), tmp_path)

    assert len(layers["suggestions"]) == 3


def test_pending_rejected_hidden_and_withdrawn_never_reach_any_tile_or_count(
    client, point_category, few_features_threshold, tmp_path
):
    for _ in range(3):
        SuggestionFactory(category=point_category, geom=Point(*P, srid=4326), title="Shown")
    for state in ("pending", "rejected", "hidden", "withdrawn"):
        SuggestionFactory.create_batch(
            2, category=point_category, geom=Point(*P, srid=4326), title="SECRET", moderation_state=state
        )

    for z in range(23):
        tile = tile_of(*P, z)
        response = client.get(url(*tile))
        assert b"SECRET" not in response.content
        layers = read_tile(response.content, tile, tmp_path)
        if "clusters" in layers:
            assert sum(int(f["count"]) for f in layers["clusters"]) == 3, z
        else:
            assert [f["title"] for f in layers["suggestions"]] == ["Shown"] * 3, z


def test_a_project_that_is_not_public_has_no_tiles(client, db):
    hidden = ProjectFactory(slug="hidden-project", is_public=False)
    SuggestionFactory(category=CategoryFactory(project=hidden))

    response = client.get(url(0, 0, 0, slug="hidden-project"))

    assert response.status_code == 404
    assert response.json()["code"] == "project_not_found"
    assert client.get(url(0, 0, 0, slug="no-such-project")).status_code == 404


@pytest.mark.parametrize(
    "path",
    ["23/0/0", "1/2/0", "1/0/2", "-1/0/0", "3/-1/0", "0/0/-1", "22/4194304/0", "99999/0/0"],
)
def test_tiles_outside_the_grid_are_a_400_with_a_message(client, project, path):
    response = client.get(f"/tiles/test-project/{path}.pbf")

    assert response.status_code == 400
    assert response.json() == {"code": "tile_out_of_range", "message": str(TileOutOfRange.default_message)}


def test_the_deepest_corner_tile_is_served(client, project):
    assert client.get(url(22, 2**22 - 1, 2**22 - 1)).status_code == 204


# ------------------------------------------------------------------------------------------------- HTTP
def test_an_empty_tile_is_a_204_with_an_etag(client, point_category):
    SuggestionFactory(category=point_category, geom=Point(*P, srid=4326))
    tile = tile_of(*Q, 16)

    response = client.get(url(*tile))

    assert response.status_code == 204
    assert response.content == b""
    assert re.fullmatch(r'"[0-9a-f]{32}"', response["ETag"])
    assert cached(tile).layer == "empty"


def test_an_empty_tile_says_it_is_a_vector_tile_on_the_short_and_the_full_path(
    client_factory, point_category, citizen
):
    """An empty tile has no body, but its type is still MVT, never Django's default text/html: the anonymous
    request is answered by the tile middleware (geo/tiles/middleware.py), the signed-in one by the full
    stack; the first builds the tile, the second finds it cached, the third is a 304."""
    SuggestionFactory(category=point_category, geom=Point(*P, srid=4326))
    path = url(*tile_of(*Q, 16))

    for client in (client_factory(), client_factory(citizen)):
        built, cached_again = client.get(path), client.get(path)
        not_modified = client.get(path, headers={"If-None-Match": built["ETag"]})

        assert [built.status_code, cached_again.status_code, not_modified.status_code] == [204, 204, 304]
        for response in (built, cached_again, not_modified):
            assert response["Content-Type"] == MVT


def test_tiles_carry_a_strong_etag_short_cache_control_and_answer_304(client, point_category):
    SuggestionFactory(category=point_category, geom=Point(*P, srid=4326))
    path = url(*tile_of(*P, 15))

    first = client.get(path)  # built
    again = client.get(path)  # from the cache

    etag = first["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    assert again["ETag"] == etag
    assert again.content == first.content
    for response in (first, again):
        assert response["Cache-Control"] == "public, max-age=60, must-revalidate"
    for header in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        not_modified = client.get(path, headers={"If-None-Match": header})
        assert not_modified.status_code == 304, header
        assert not_modified.content == b""
        assert not_modified["ETag"] == etag
    assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200


def test_a_tile_is_the_same_for_everyone_and_varies_on_nothing(client_factory, point_category, citizen):
    """Tiles are answered before the page middleware (geo/tiles/middleware.py): no `Vary: Accept-Language` or
    cookie, so an HTTP cache keeps one copy; signed-in visitors go the full way and get the same tile."""
    SuggestionFactory(category=point_category, geom=Point(*P, srid=4326))
    path = url(*tile_of(*P, 15))
    anonymous, signed_in = client_factory(), client_factory(citizen)

    built = anonymous.get(path, HTTP_ACCEPT_LANGUAGE="en")
    cached = anonymous.get(path, HTTP_ACCEPT_LANGUAGE="de")
    theirs = signed_in.get(path)

    for response in (built, cached, theirs):
        assert response.status_code == 200
        assert response.content == built.content
        assert response["ETag"] == built["ETag"]
        assert response["Content-Length"] == str(len(built.content))
        assert response["X-Content-Type-Options"] == "nosniff"
    for response in (built, cached):
        assert not response.has_header("Vary")
        assert not response.has_header("Content-Language")
        assert not response.cookies
    assert theirs.has_header("Content-Language")  # the full stack ran


def test_an_error_is_answered_in_the_visitors_language(client):
    english = client.get(url(23, 0, 0), HTTP_ACCEPT_LANGUAGE="en")
    german = client.get(url(23, 0, 0), HTTP_ACCEPT_LANGUAGE="de")
    missing = client.get(url(0, 0, 0, slug="no-such-project"), HTTP_ACCEPT_LANGUAGE="en")

    assert (english.status_code, german.status_code, missing.status_code) == (400, 400, 404)
    assert english.json()["message"] != german.json()["message"]
    with translation.override("en"):
        assert english.json()["message"] == str(TileOutOfRange.default_message)
        assert missing.json()["message"] == str(ProjectNotFound.default_message)


def test_a_cached_tile_costs_one_query_and_a_new_one_three(client, point_category, django_assert_num_queries):
    SuggestionFactory(category=point_category, geom=Point(*P, srid=4326))
    path = url(*tile_of(*P, 14))

    with django_assert_num_queries(3):  # project and cache, build, store
        client.get(path)
    with django_assert_num_queries(1):
        client.get(path)


# ------------------------------------------------------------------------------------------ the exact cache
def etags_over(point: tuple[float, float], client) -> dict[tuple[int, int, int], str]:
    etags = {}
    for z in range(23):
        tile = tile_of(*point, z)
        response = client.get(url(*tile))
        assert response.status_code in (200, 204)
        etags[tile] = response["ETag"]
    return etags


def test_publishing_changes_the_tiles_over_it_at_every_zoom_and_no_other(
    client, point_category, moderator, few_features_threshold
):
    SuggestionFactory.create_batch(3, category=point_category, geom=Point(P[0] + 0.0001, P[1], srid=4326))
    SuggestionFactory.create_batch(3, category=point_category, geom=Point(*Q, srid=4326))
    pending = SuggestionFactory(
        category=point_category, geom=Point(*P, srid=4326), moderation_state=ModerationState.PENDING
    )
    over_p, over_q = etags_over(P, client), etags_over(Q, client)
    elsewhere = {tile: etag for tile, etag in over_q.items() if tile not in over_p}
    assert len(elsewhere) == 11  # zoom 12 to 22
    rows_elsewhere = {tile: cached(tile).created_at for tile in elsewhere}

    decide(moderator, pending, "approve")

    assert not any(cached(tile) for tile in over_p)  # forgotten in the same transaction
    for tile, etag in etags_over(P, client).items():
        assert etag != over_p[tile], tile
    for tile, etag in elsewhere.items():
        assert cached(tile).created_at == rows_elsewhere[tile], tile  # never rebuilt
        assert client.get(url(*tile), headers={"If-None-Match": etag}).status_code == 304


def test_a_bulk_publication_forgets_the_tiles_over_each_published_item_and_no_other(
    client, point_category, moderator, few_features_threshold
):
    R = (8.3600, 49.0300)  # an item the bulk does not change: from zoom 13 on in tiles of its own
    at_p, at_q, at_r = (
        SuggestionFactory(
            category=point_category, geom=Point(*where, srid=4326), moderation_state=ModerationState.PENDING
        )
        for where in (P, Q, R)
    )
    Suggestion.objects.filter(pk=at_r.pk).update(moderation_state=ModerationState.REJECTED)
    over = {where: etags_over(where, client) for where in (P, Q, R)}
    only_r = {tile: etag for tile, etag in over[R].items() if tile not in over[P] and tile not in over[Q]}
    assert len(only_r) == 10  # zoom 13 to 22
    rows_r = {tile: cached(tile).created_at for tile in only_r}

    outcomes = participation_services.items_decide(
        actor=moderator,
        decisions=[
            participation_services.Decision("suggestion", s.pk, ModerationState.PENDING, 0)
            for s in (at_p, at_q, at_r)
        ],
        action="approve",
    )

    assert [o.error is None for o in outcomes] == [True, True, False]
    assert not any(cached(tile) for where in (P, Q) for tile in over[where])  # in the same transaction
    for where in (P, Q):
        for tile, etag in etags_over(where, client).items():
            assert etag != over[where][tile], tile
    for tile, etag in only_r.items():
        assert cached(tile).created_at == rows_r[tile], tile
        assert client.get(url(*tile), headers={"If-None-Match": etag}).status_code == 304


def moved(s: Suggestion) -> dict:
    return {"geom": Point(s.geom.x + 0.00002, s.geom.y, srid=4326)}


CHANGES = {
    "hidden": lambda s: {"moderation_state": ModerationState.HIDDEN},
    "rejected after publishing": lambda s: {"moderation_state": ModerationState.REJECTED},
    "moved": moved,
    "title": lambda s: {"title": "Neuer Titel"},
    "planning status": lambda s: {"planning_status": PlanningStatus.IMPLEMENTED},
    "supports": lambda s: {"support_count": s.support_count + 1},
    "comments": lambda s: {"comment_count": s.comment_count + 1},
}


@pytest.mark.parametrize("change", CHANGES)
def test_every_change_a_tile_shows_forgets_the_tiles_over_it(client, point_category, change):
    suggestion = SuggestionFactory(category=point_category, geom=Point(*P, srid=4326))
    tiles = [tile_of(*P, z) for z in range(23)]
    before = {tile: client.get(url(*tile)).content for tile in tiles}
    assert all(cached(tile) for tile in tiles)

    Suggestion.objects.filter(pk=suggestion.pk).update(**CHANGES[change](suggestion))

    assert not any(cached(tile) for tile in tiles)
    for tile in tiles:
        if change == "moved" and tile[0] < 14:
            continue  # 2 m is less than one step of the tile's grid there: rebuilt, and rightly the same
        assert client.get(url(*tile)).content != before[tile], tile


def test_a_category_change_forgets_the_tiles_over_it(client, point_category):
    other = CategoryFactory(project=point_category.project, key="sharing-point")
    suggestion = SuggestionFactory(category=point_category, geom=Point(*P, srid=4326))
    tile = tile_of(*P, 17)
    client.get(url(*tile))

    Suggestion.objects.filter(pk=suggestion.pk).update(category=other)

    assert cached(tile) is None
    assert b"sharing-point" in client.get(url(*tile)).content


def test_a_move_forgets_the_tiles_at_both_places(client, point_category):
    suggestion = SuggestionFactory(category=point_category, geom=Point(*P, srid=4326))
    old, new = tile_of(*P, 16), tile_of(*Q, 16)
    client.get(url(*old)), client.get(url(*new))

    Suggestion.objects.filter(pk=suggestion.pk).update(geom=Point(*Q, srid=4326))

    assert cached(old) is None
    assert cached(new) is None
    assert client.get(url(*old)).status_code == 204
    assert client.get(url(*new)).status_code == 200


def test_a_new_title_keeps_cluster_tiles_and_forgets_suggestion_tiles(
    client, point_category, few_features_threshold
):
    suggestions = SuggestionFactory.create_batch(3, category=point_category, geom=Point(*P, srid=4326))
    clusters, features = tile_of(*P, 12), tile_of(*P, 18)
    client.get(url(*clusters)), client.get(url(*features))
    assert (cached(clusters).layer, cached(features).layer) == ("clusters", "suggestions")

    Suggestion.objects.filter(pk=suggestions[0].pk).update(title="Neu")

    assert cached(clusters) is not None
    assert cached(features) is None


def test_changes_to_suggestions_no_tile_shows_keep_every_tile(client, point_category):
    SuggestionFactory(category=point_category, geom=Point(*P, srid=4326))
    pending = SuggestionFactory(
        category=point_category, geom=Point(*P, srid=4326), moderation_state=ModerationState.PENDING
    )
    tile = tile_of(*P, 18)
    client.get(url(*tile))

    Suggestion.objects.filter(pk=pending.pk).update(title="Still pending", geom=Point(*Q, srid=4326))
    Suggestion.objects.filter(moderation_state=ModerationState.PUBLISHED).update(text="Not in tiles")

    assert cached(tile) is not None


def test_a_tile_built_before_a_change_committed_is_not_stored(point_category):
    SuggestionFactory(category=point_category, geom=Point(*P, srid=4326))
    tile = TileAddress(*tile_of(*P, 18))
    built = selectors.tile_build(project_id=point_category.project_id, tile=tile)

    SuggestionFactory(category=point_category, geom=Point(*P, srid=4326))  # commits meanwhile

    assert services.tile_cache_store(project_id=point_category.project_id, tile=tile, built=built) is False
    assert not TileCache.objects.exists()
    rebuilt = selectors.tile_build(project_id=point_category.project_id, tile=tile)
    assert services.tile_cache_store(project_id=point_category.project_id, tile=tile, built=rebuilt) is True


@pytest.mark.django_db(transaction=True)
def test_a_tile_is_not_stored_while_a_change_to_its_project_is_open(point_category):
    """A writer's open transaction holds its project's generation row: a tile built meanwhile (from data
    without the change) must not be stored, or it would outlive the change once it commits."""
    import psycopg

    suggestion = SuggestionFactory(
        category=point_category, geom=Point(*P, srid=4326), moderation_state=ModerationState.PENDING
    )
    tile = TileAddress(*tile_of(*P, 18))
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"],
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"],
    ) as writer:
        writer.execute(
            "UPDATE participation_suggestion SET moderation_state = 'published' WHERE id = %s",
            [suggestion.pk],
        )  # not committed yet
        built = selectors.tile_build(project_id=point_category.project_id, tile=tile)
        assert built.layer == "empty"
        assert (
            services.tile_cache_store(project_id=point_category.project_id, tile=tile, built=built) is False
        )
        writer.commit()
    assert not TileCache.objects.exists()
    assert selectors.tile_build(project_id=point_category.project_id, tile=tile).layer == "suggestions"


def test_rebuilding_clusters_and_renaming_a_category_forget_the_projects_tiles(client, point_category):
    SuggestionFactory(category=point_category, geom=Point(*P, srid=4326))
    generation = TileGeneration.objects.get(project=point_category.project).generation
    client.get(url(*tile_of(*P, 10)))

    cluster_rebuild(project_id=point_category.project_id)

    assert not TileCache.objects.exists()
    client.get(url(*tile_of(*P, 10)))
    point_category.key = "charging-point"
    point_category.save()
    assert not TileCache.objects.exists()
    assert TileGeneration.objects.get(project=point_category.project).generation == generation + 2
    assert b"charging-point" in client.get(url(*tile_of(*P, 10))).content


# ------------------------------------------------------------------------------------------------- bounds
HOTSPOT = """
-- 12,000 published suggestions on ~250 x 250 m around P: points with titles of 120 characters that are
-- 2 bytes each in UTF-8, and lines of 8 vertices (drawn along the streets); the densest a tile of any zoom
-- can get here.
SELECT setseed(0.5);
INSERT INTO participation_suggestion (
    project_id, category_id, geom, title, text, display_name, moderation_state, planning_status,
    official_answer, support_count, comment_count, created_at, updated_at, line_drawing
)
SELECT %(project_id)s,
       CASE WHEN i %% 4 = 3 THEN %(line)s ELSE %(point)s END,
       CASE WHEN i %% 4 = 3
            THEN ST_MakeLine(ARRAY(
                     SELECT ST_SetSRID(ST_MakePoint(lon + 0.0003 * v, lat + 0.0002 * (v %% 2)), 4326)
                     FROM generate_series(0, 7) AS v))
            ELSE ST_SetSRID(ST_MakePoint(lon, lat), 4326) END,
       left(i || ' ' || repeat('ä', 120), 120),
       'Text', 'Anna K.', 'published', 'received', '', i %% 7, i %% 3, now(), now(),
       CASE WHEN i %% 4 = 3 THEN 'routed' ELSE '' END
FROM (SELECT i, %(lon)s - 0.0017 + 0.0034 * random() AS lon, %(lat)s - 0.0011 + 0.0022 * random() AS lat
      FROM generate_series(1, 12000) AS i) AS position
"""


def test_no_tile_exceeds_500_kb_in_a_dense_hotspot(client, point_category, line_category, tmp_path):
    with connection.cursor() as cursor:
        cursor.execute(
            HOTSPOT,
            {
                "project_id": point_category.project_id,
                "point": point_category.pk,
                "line": line_category.pk,
                "lon": P[0],
                "lat": P[1],
            },
        )

    layers = {}
    for z in range(8, 23):
        tile = tile_of(*P, z)
        response = client.get(url(*tile))
        assert response.status_code == 200
        assert len(response.content) <= selectors.TILE_MAX_BYTES, (z, len(response.content))
        layers[z] = read_tile(response.content, tile, tmp_path)
    # Up to zoom 16 the hotspot is clusters, and every suggestion is counted once.
    assert sum(int(f["count"]) for f in layers[8]["clusters"]) == 12_000
    assert all(list(layers[z]) == ["clusters"] for z in range(8, 17))
    # From zoom 17 on, features, at most MAX_FEATURES of them, the lowest ids first.
    deep = layers[17]["suggestions"]
    assert 1000 < len(deep) <= selectors.MAX_FEATURES
    ids = [int(f["id"]) for f in deep]
    assert ids == sorted(ids)


def test_the_export_page_shows_the_tile_url_for_qgis(client_factory, planner):
    client = client_factory(planner)
    english = client.get("/projects/test-project/planning/export/", HTTP_ACCEPT_LANGUAGE="en")
    german = client.get("/projects/test-project/planning/export/", HTTP_ACCEPT_LANGUAGE="de")

    assert english.status_code == german.status_code == 200
    assert "http://testserver/tiles/test-project/{z}/{x}/{y}.pbf" in english.content.decode()
    # The style that draws them in the categories' colours (docs/qgis.md).
    assert "http://testserver/tiles/test-project/style.json" in english.content.decode()
    assert "Style-URL" in german.content.decode()
    # QGIS's own menu names, in the reader's language.
    assert "New Generic Connection" in english.content.decode()
    assert "Neue generische Verbindung" in german.content.decode()


# ------------------------------------------------------------------------------------- QGIS's way, over HTTP
@pytest.mark.django_db(transaction=True)
def test_gdal_reads_tiles_fetched_from_a_live_server_as_qgis_does(
    live_server, point_category, line_category, few_features_threshold, tmp_path
):
    """QGIS's Vector Tiles connection fetches {z}/{x}/{y}.pbf over HTTP and decodes it with GDAL's code."""
    import urllib.request

    sharing = CategoryFactory(project=point_category.project, key="sharing-point", geometry_kind="point")
    for i in range(5):
        SuggestionFactory(category=point_category, geom=Point(P[0] + 0.0002 * i, P[1], srid=4326))
    SuggestionFactory(category=sharing, geom=Point(*P, srid=4326), title="Leihstation Marktplatz")
    SuggestionFactory(category=line_category, geom=LineString(P, (P[0] + 0.001, P[1]), srid=4326))
    SuggestionFactory(category=point_category, geom=Point(*P, srid=4326), moderation_state="pending")

    def fetch(tile):
        with urllib.request.urlopen(f"{live_server.url}{url(*tile)}", timeout=30) as response:  # noqa: S310
            assert response.headers["Content-Type"] == MVT
            assert response.headers["ETag"]
            return read_tile(response.read(), tile, tmp_path)

    clusters = fetch(tile_of(*P, 10))
    assert list(clusters) == ["clusters"]
    (cluster,) = clusters["clusters"]
    assert (
        cluster["count"],
        cluster["charging-station"],
        cluster["sharing-point"],
        cluster["bike-path"],
    ) == (
        "7",
        "5",
        "1",
        "1",
    )

    features = fetch(tile_of(*P, 18))
    assert list(features) == ["suggestions"]
    assert len(features["suggestions"]) == 7
    assert {f["category"] for f in features["suggestions"]} == {
        "charging-station",
        "sharing-point",
        "bike-path",
    }
    assert set(features["suggestions"][0]) == {
        "mvt_id",
        "id",
        "category",
        "title",
        "planning_status",
        "support_count",
        "comment_count",
        "geometry",
    }
    assert "Leihstation Marktplatz" in {f["title"] for f in features["suggestions"]}
