"""GDAL's OAPIF driver (3.6, QGIS's OGR provider uses it) sends an `ogr2ogr -where` to our server as a CQL
text `filter` (it finds `cql-text` among the values of `filter-lang` in the OpenAPI document and the
properties in the queryables) and gets exactly the right rows: the answered date lands on `answered_at`,
never on the creation date as `datetime=` did (issue 25: 56 rows instead of 7). OWSLib's Features client
reads the queryables and sends `filter=` too, and QGIS 3.22 sends a provider filter through GDAL."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.gis.geos import Point

from tests.factories import SuggestionFactory
from tests.geo.system_python import run_system_python
from tests.geo.test_ogcapi_gdal import gdal

pytestmark = pytest.mark.django_db(transaction=True)

OCT_1 = datetime(2026, 9, 30, 22, 0, tzinfo=UTC)  # midnight of 1 October 2026 in Berlin


@pytest.fixture
def answered(point_category):
    """20 published points created in 2026 (all after 1 October), answered before or after it, or not."""
    return [
        SuggestionFactory(
            category=point_category,
            geom=Point(8.3 + 0.01 * i, 49.0, srid=4326),
            support_count=i,
            created_at=OCT_1 + timedelta(days=2, hours=i),
            answered_at=OCT_1 + timedelta(days=i - 12, hours=12) if i % 3 else None,
        )
        for i in range(20)
    ]


def copy(live_server, tmp_path, where: str) -> set[int]:
    target = tmp_path / "out.geojson"
    target.unlink(missing_ok=True)
    gdal(
        "ogr2ogr",
        "-f",
        "GeoJSON",
        str(target),
        "-where",
        where,
        f"OAPIF:{live_server.url}/ogcapi",
        "test-project-points",
    )
    return {f["properties"]["id"] for f in json.loads(target.read_text(encoding="utf-8"))["features"]}


def test_ogr2ogr_where_on_support_count_is_a_server_side_filter(
    live_server, answered, requests_seen, tmp_path
):
    found = copy(live_server, tmp_path, "support_count > 3")

    assert found == {s.pk for s in answered if s.support_count > 3}
    reads = [r for r in requests_seen if "filter" in r]
    assert reads
    assert all(r["filter"] == ["support_count > 3"] for r in reads)
    assert all(r["filter-lang"] == ["cql-text"] for r in reads)


def test_ogr2ogr_where_on_the_answer_date_filters_answered_at(live_server, answered, requests_seen, tmp_path):
    found = copy(live_server, tmp_path, "answered_at > '2026-10-01'")

    expected = {s.pk for s in answered if s.answered_at and s.answered_at >= OCT_1 + timedelta(days=1)}
    assert len(expected) == 5
    assert found == expected
    assert not any("datetime" in r for r in requests_seen)
    assert any(r.get("filter", [""])[0].startswith("answered_at > '2026-10-01") for r in requests_seen)


OWSLIB_SCRIPT = """
import json, sys
from owslib.ogcapi.features import Features
api = Features(sys.argv[1])
queryables = api.collection_queryables("test-project-points")
items = api.collection_items(
    "test-project-points", filter="answered_at > DATE('2026-10-01') AND support_count >= 14", limit=100
)
ids = [f["id"] for f in items["features"]]
print(json.dumps({"queryables": sorted(queryables["properties"]), "ids": ids}))
"""


def test_owslib_reads_the_queryables_and_sends_a_filter(live_server, answered):
    # OWSLib is Debian's (0.27.2, beside QGIS's Python), not in the project's virtualenv.
    body = run_system_python(["-c", OWSLIB_SCRIPT, f"{live_server.url}/ogcapi"], timeout=60)

    assert {"support_count", "answered_at", "geometry"} <= set(body["queryables"])
    assert set(body["ids"]) == {
        s.pk
        for s in answered
        if s.answered_at and s.answered_at >= OCT_1 + timedelta(days=1) and s.support_count >= 14
    }


QGIS_SCRIPT = """
import json, sys
from qgis.core import QgsApplication, QgsVectorLayer
app = QgsApplication([], False)
app.initQgis()
layer = QgsVectorLayer(sys.argv[1] + "|layername=test-project-points", "points", "ogr")
layer.setSubsetString('"support_count" > 3 AND "answered_at" > \\'2026-10-01\\'')
print(json.dumps({"valid": layer.isValid(), "ids": sorted(f["id"] for f in layer.getFeatures())}))
"""


def test_qgis_sends_a_provider_filter_through_gdal_to_the_server(live_server, answered, requests_seen):
    # QGIS 3.22 (Debian's, headless) with its OGR provider, as docs/ogc-api.md shows it.
    body = run_system_python(["-c", QGIS_SCRIPT, f"OAPIF:{live_server.url}/ogcapi"], timeout=120)

    assert body["valid"]
    assert set(body["ids"]) == {
        s.pk
        for s in answered
        if s.answered_at and s.answered_at >= OCT_1 + timedelta(days=1) and s.support_count > 3
    }
    sent = [r.get("filter") for r in requests_seen]
    assert ["(support_count > 3) AND (answered_at > '2026-10-01T')"] in sent
