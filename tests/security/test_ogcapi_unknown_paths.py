"""Unknown addresses under /ogcapi answer OGC's 404 exception document at once.

Before: /ogcapi/x was sent to /ogcapi/x/ (Django's APPEND_SLASH, because the "drop the slash" pattern
matched there) and /ogcapi/x/ back to /ogcapi/x, forever; GDAL, OWSLib and browsers gave up after their
redirect limit. The API's own addresses keep working, with and without a trailing slash.
"""

import shutil
import subprocess

import pytest
from django.test import Client

from tests.geo.system_python import GDAL_ENV

UNKNOWN = [
    "/ogcapi/x",
    "/ogcapi/x/",
    "/ogcapi/collections/test-project-points/returnables",
    "/ogcapi/collections/test-project-points/returnables/",
    # Queryables and sortables exist for suggestion collections only (OGC API – Features Part 3, Part 5).
    "/ogcapi/collections/test-project-layer-1/queryables",
    "/ogcapi/collections/test-project-layer-1/sortables",
    "/ogcapi/collections/test-project-points/items/1/extra",
    "/ogcapi/collections/test-project-points/items/1/extra/",
    "/ogcapi/collections/a/b/c/d",
    "/ogcapi/collections/a/b/c/d/",
    "/ogcapi/tilesets",
    "/ogcapi/tiles/test-project/x/y",
]


@pytest.mark.django_db
@pytest.mark.parametrize("path", UNKNOWN)
def test_an_unknown_path_is_the_ogc_not_found_exception(client: Client, point_category, path):
    response = client.get(path, HTTP_ACCEPT="application/json")

    assert response.status_code == 404, (path, response.status_code, response.get("Location"))
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == "NotFound"
    assert body["description"]


@pytest.mark.django_db
def test_a_browser_gets_the_not_found_page_in_its_language(client: Client, point_category):
    response = client.get("/ogcapi/x/", HTTP_ACCEPT="text/html", HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "Diese Adresse gibt es in der OGC API nicht." in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/ogcapi",
        "/ogcapi/conformance",
        "/ogcapi/api",
        "/ogcapi/collections",
        "/ogcapi/collections/test-project-points",
        "/ogcapi/collections/test-project-points/items",
        "/ogcapi/tiles",
    ],
)
def test_the_apis_own_paths_still_answer_and_their_slashed_forms_lead_there(
    client: Client, point_category, path
):
    assert client.get(path).status_code == 200, path

    slashed = client.get(f"{path}/?limit=3")

    assert slashed.status_code == 301
    assert slashed["Location"] == f"{path}?limit=3"


@pytest.mark.django_db
def test_an_unknown_collection_and_feature_are_still_the_not_found_exception(client: Client, point_category):
    for path in ("/ogcapi/collections/no-such", "/ogcapi/collections/test-project-points/items/999999"):
        response = client.get(path, HTTP_ACCEPT="application/json")
        assert response.status_code == 404
        assert response.json()["code"] == "NotFound"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("where", ["ogcapi/collections/no-such-collection", "ogcapi/nowhere"])
def test_gdal_reports_an_error_for_a_bad_address_instead_of_looping(live_server, point_category, where):
    result = subprocess.run(
        [shutil.which("ogrinfo"), "-ro", "-so", f"OAPIF:{live_server.url}/{where}"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**GDAL_ENV, "GDAL_HTTP_MAX_RETRY": "0"},
        check=False,
    )

    assert result.returncode != 0
    assert "redirect" not in result.stderr.lower(), result.stderr
    assert "404" in result.stderr or "NotFound" in result.stderr or "not found" in result.stderr.lower(), (
        result.stderr
    )
