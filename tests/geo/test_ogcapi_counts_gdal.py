"""numberMatched as the real clients use it: GDAL's OAPIF driver (`ogrinfo -so`) and QGIS 3.22's own OGC API
– Features provider show the layer's feature count from the first page, without paging through a
collection larger than a page; OWSLib hands it over, with a sorted, narrowed page."""

import re

import pytest
from django.contrib.gis.geos import Point

from participation.models import PlanningStatus
from tests.factories import SuggestionFactory
from tests.geo.system_python import run_system_python
from tests.geo.test_ogcapi_gdal import gdal

pytestmark = pytest.mark.django_db(transaction=True)

STATUSES = list(PlanningStatus.values)


@pytest.fixture
def points(point_category, line_category):
    """40 published points (8 planned with 5 or more supports), a line and a pending point."""
    SuggestionFactory(category=line_category)
    SuggestionFactory(category=point_category, moderation_state="pending")
    return [
        SuggestionFactory(
            category=point_category,
            geom=Point(8.30 + 0.005 * i, 49.0, srid=4326),
            planning_status=STATUSES[i % 5],
            support_count=i % 10,
        )
        for i in range(40)
    ]


def test_ogrinfo_counts_from_number_matched_without_paging(live_server, points, requests_seen):
    out = gdal(
        "ogrinfo",
        "-ro",
        "-so",
        "-oo",
        "PAGE_SIZE=5",
        f"OAPIF:{live_server.url}/ogcapi",
        "test-project-points",
    )

    assert re.search(r"^Feature Count: 40$", out, re.M), out
    # The first page told the count: GDAL did not read the 8 pages of 5.
    assert len(requests_seen) <= 2, requests_seen


def test_ogrinfo_counts_a_server_side_filter_right(live_server, points, requests_seen):
    """GDAL 3.6 counts a filtered layer by reading its (server-filtered) pages, not from numberMatched."""
    out = gdal(
        "ogrinfo",
        "-ro",
        "-so",
        "-oo",
        "PAGE_SIZE=2",
        "-where",
        "planning_status = 'planned' AND support_count >= 5",
        f"OAPIF:{live_server.url}/ogcapi",
        "test-project-points",
    )

    expected = sum(1 for s in points if s.planning_status == "planned" and s.support_count >= 5)
    assert expected == 4
    assert re.search(rf"^Feature Count: {expected}$", out, re.M), out
    assert all(
        r["filter"] == ["(planning_status = 'planned') AND (support_count >= 5)"] for r in requests_seen[1:]
    )


QGIS_SCRIPT = """
import json, sys
from qgis.core import QgsApplication, QgsVectorLayer
app = QgsApplication([], False)
app.setPrefixPath("/usr", True)  # without it, the OAPIF provider crashes on its first request
app.initQgis()
uri = "url='" + sys.argv[1] + "' typename='test-project-points' pageSize='5' restrictToRequestBBOX='0'"
layer = QgsVectorLayer(uri, "points", "OAPIF")
print(json.dumps({"valid": layer.isValid(), "count": layer.featureCount(), "fields": layer.fields().names()}))
app.exitQgis()
"""


def test_qgis_shows_the_feature_count_of_the_first_page(live_server, points, requests_seen):
    # QGIS 3.22 (Debian's, headless) with its own OGC API – Features provider, as a planner adds the layer.
    body = run_system_python(["-c", QGIS_SCRIPT, f"{live_server.url}/ogcapi"], timeout=120)

    assert body["valid"], body
    assert body["count"] == 40  # more than QGIS's page of 5: the server's count
    assert "support_count" in body["fields"]
    assert len(requests_seen) < 8, requests_seen  # not every page


OWSLIB_SCRIPT = """
import json, sys
from owslib.ogcapi.features import Features
api = Features(sys.argv[1])
page = api.collection_items(
    "test-project-points", limit=3, sortby="-support_count", properties="support_count"
)
print(json.dumps({"matched": page.get("numberMatched"), "features": page["features"]}))
"""


def test_owslib_gets_number_matched_and_the_sorted_narrowed_page(live_server, points):
    body = run_system_python(["-c", OWSLIB_SCRIPT, f"{live_server.url}/ogcapi"], timeout=60)

    assert body["matched"] == 40
    assert [f["properties"] for f in body["features"]] == [
        {"id": s.pk, "support_count": 9} for s in sorted(points, key=lambda s: s.pk) if s.support_count == 9
    ][:3]
