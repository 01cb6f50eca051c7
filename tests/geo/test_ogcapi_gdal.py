"""GDAL's OAPIF driver, the client QGIS's "WFS / OGC API – Features" connection is built like, reads /ogcapi
from a live server: it lists the collections, reads features with their attributes, filters by bbox on the
server and pages through everything by following the `next` links."""

import json
import re
import subprocess

import pytest
from django.contrib.gis.geos import Point

from participation.models import ModerationState
from tests.factories import CategoryFactory, ProjectFactory, SuggestionFactory
from tests.geo.system_python import GDAL_ENV

pytestmark = pytest.mark.django_db(transaction=True)

UMLAUT_TITLE = "Fahrradständer am Schloßplatz – Süd"


def gdal(*args: str) -> str:
    result = subprocess.run(args, capture_output=True, text=True, timeout=120, env=GDAL_ENV, check=False)
    assert result.returncode == 0, result.stderr
    assert "ERROR" not in result.stderr, result.stderr
    return result.stdout


@pytest.fixture
def published(point_category, line_category):
    """25 published points on a 5 x 5 grid in two categories, one line, and what must not show."""
    sharing = CategoryFactory(project=point_category.project, key="sharing-point", geometry_kind="point")
    points = [
        SuggestionFactory(
            category=sharing if i % 5 == 0 else point_category,
            geom=Point(8.32 + 0.04 * (i % 5), 48.96 + 0.02 * (i // 5), srid=4326),
            title=UMLAUT_TITLE if i == 12 else f"Vorschlag {i}",
            support_count=i,
        )
        for i in range(25)
    ]
    SuggestionFactory.create_batch(
        3, category=point_category, title="SECRET", moderation_state=ModerationState.PENDING
    )
    SuggestionFactory(category=line_category, title="Radweg")
    hidden = ProjectFactory(slug="hidden-project", is_public=False)
    SuggestionFactory(category=CategoryFactory(project=hidden, key="comment"), title="SECRET project")
    return points


def features_of(output: str) -> dict[int, dict[str, str]]:
    """ogrinfo -al output → {fid: {field: value}}."""
    features: dict[int, dict[str, str]] = {}
    current: dict[str, str] = {}
    for line in output.splitlines():
        if match := re.match(r"OGRFeature\([^)]*\):(\d+)$", line):
            current = features.setdefault(int(match[1]), {})
        elif match := re.match(r"\s+(\w+) \(\w+\) = (.*)$", line):
            current[match[1]] = match[2]
    return features


def test_ogrinfo_lists_the_collections_as_layers(live_server, published):
    output = gdal("ogrinfo", "-ro", "-so", f"OAPIF:{live_server.url}/ogcapi")

    assert re.search(r"^1: test-project-points \(title: .*\) \(Point\)$", output, re.M), output
    assert re.search(r"^2: test-project-lines \(title: .*\) \(Line String\)$", output, re.M), output
    assert "hidden-project" not in output


def test_ogrinfo_pages_through_every_feature_with_its_attributes(live_server, published, requests_seen):
    output = gdal(
        "ogrinfo",
        "-ro",
        "-al",
        "-oo",
        "PAGE_SIZE=7",
        f"OAPIF:{live_server.url}/ogcapi",
        "test-project-points",
    )

    features = features_of(output)
    assert sorted(features) == sorted(s.pk for s in published)
    assert "Feature Count: 25" in output
    umlaut = next(s for s in published if s.title == UMLAUT_TITLE)
    assert features[umlaut.pk]["title"] == UMLAUT_TITLE
    assert features[umlaut.pk]["support_count"] == "12"
    assert features[umlaut.pk]["category"] == "charging-station"
    assert features[published[5].pk]["category"] == "sharing-point"
    assert "SECRET" not in output
    # The pages came from the `next` links: 7 + 7 + 7 + 4, each after the last id of the one before.
    reads = [r for r in requests_seen if "after" in r]
    assert [r["after"] for r in reads[:3]] == [[str(published[i].pk)] for i in (6, 13, 20)]
    assert all(r["limit"] == ["7"] for r in requests_seen)


def test_ogrinfo_with_a_spatial_filter_reads_only_the_features_in_the_bbox(
    live_server, published, requests_seen
):
    # The grid's two middle columns of its three middle rows: 6 points.
    output = gdal(
        "ogrinfo",
        "-ro",
        "-al",
        "-oo",
        "PAGE_SIZE=7",
        "-spat",
        "8.35",
        "48.97",
        "8.41",
        "49.03",
        f"OAPIF:{live_server.url}/ogcapi",
        "test-project-points",
    )

    inside = [s.pk for s in published if 8.35 <= s.geom.x <= 8.41 and 48.97 <= s.geom.y <= 49.03]
    assert len(inside) == 6
    assert sorted(features_of(output)) == inside
    # The server filtered: GDAL sent the bbox with every read (only its first request, which learns the
    # layer's fields, has none); tests/geo/test_ogcapi.py checks what the server answers to it.
    filtered = [r for r in requests_seen if "bbox" in r]
    assert len(filtered) == len(requests_seen) - 1
    assert [float(v) for v in filtered[0]["bbox"][0].split(",")] == pytest.approx([8.35, 48.97, 8.41, 49.03])


def test_an_attribute_filter_on_the_category_is_sent_to_the_server(live_server, published, requests_seen):
    output = gdal(
        "ogrinfo",
        "-ro",
        "-al",
        "-where",
        "category = 'sharing-point'",
        f"OAPIF:{live_server.url}/ogcapi",
        "test-project-points",
    )

    assert sorted(features_of(output)) == [s.pk for s in published[::5]]
    # As CQL text since the OpenAPI document offers it (tests/geo/test_ogcapi_filter_gdal.py).
    assert any(r.get("filter") == ["category = 'sharing-point'"] for r in requests_seen)


def test_ogr2ogr_copies_the_whole_collection_page_by_page(live_server, published, tmp_path):
    target = tmp_path / "points.geojson"

    gdal(
        "ogr2ogr",
        "-f",
        "GeoJSON",
        str(target),
        "-oo",
        "PAGE_SIZE=7",
        f"OAPIF:{live_server.url}/ogcapi",
        "test-project-points",
    )

    copied = json.loads(target.read_text(encoding="utf-8"))["features"]
    assert sorted(f["properties"]["id"] for f in copied) == sorted(s.pk for s in published)
    by_id = {f["properties"]["id"]: f for f in copied}
    umlaut = next(s for s in published if s.title == UMLAUT_TITLE)
    assert by_id[umlaut.pk]["properties"]["title"] == UMLAUT_TITLE
    assert by_id[umlaut.pk]["geometry"]["coordinates"] == pytest.approx([umlaut.geom.x, umlaut.geom.y])
    assert set(by_id[umlaut.pk]["properties"]) >= {
        "category",
        "planning_status",
        "created_at",
        "support_count",
    }
    assert not {"author", "display_name", "source_address", "moderation_state"} & set(
        by_id[umlaut.pk]["properties"]
    )
