"""The staff collections read by the real clients on a live server: GDAL's OAPIF driver with the API token in
a header (`GDAL_HTTP_HEADERS`) or as HTTP Basic's password (`GDAL_HTTP_AUTH=BASIC`), and QGIS 3.22 headless
with an authentication configuration of the method "Basic" (a fresh authentication database), which loads
and draws the pending suggestions; without credentials neither client sees the collection."""

import subprocess

import pytest
from django.contrib.gis.geos import Point

from participation.models import ModerationState
from tests.factories import SuggestionFactory, TokenFactory, UserFactory
from tests.geo.system_python import GDAL_ENV, run_harness
from tests.geo.test_ogcapi_gdal import features_of, gdal

pytestmark = pytest.mark.django_db(transaction=True)

STAFF = "test-project-points-staff"


@pytest.fixture
def staff_layer(point_category):
    """Three published and two pending points, and the project's planner with an API token."""
    made = [
        SuggestionFactory(
            category=point_category,
            geom=Point(8.38 + 0.01 * i, 49.0 + 0.005 * i, srid=4326),
            title=f"Punkt {i}",
            moderation_state=ModerationState.PENDING if i >= 3 else ModerationState.PUBLISHED,
        )
        for i in range(5)
    ]
    planner = UserFactory(username="paula", planner_of=point_category.project)
    return {"suggestions": made, "username": "paula", "token": TokenFactory(user=planner).key}


def ogrinfo(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    command = ("ogrinfo", "-ro", *args)
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=120,
        env=env or GDAL_ENV,
        check=False,
    )


def test_gdal_reads_the_staff_collection_with_the_token_in_a_header(live_server, staff_layer):
    env = {**GDAL_ENV, "GDAL_HTTP_HEADERS": f"Authorization: Token {staff_layer['token']}"}
    listing = ogrinfo("-so", f"OAPIF:{live_server.url}/ogcapi", env=env)
    assert listing.returncode == 0, listing.stderr
    assert STAFF in listing.stdout

    read = ogrinfo("-al", f"OAPIF:{live_server.url}/ogcapi", STAFF, env=env)
    assert read.returncode == 0, read.stderr
    found = features_of(read.stdout)
    assert {int(f["id"]) for f in found.values()} == {s.pk for s in staff_layer["suggestions"]}
    assert sorted(f["moderation_state"] for f in found.values()) == ["pending"] * 2 + ["published"] * 3
    assert {f["report_count"] for f in found.values()} == {"0"}


def test_gdal_reads_it_with_basic_authentication_the_token_as_password(live_server, staff_layer):
    output = gdal(
        "ogrinfo", "-ro", "-al",
        "--config", "GDAL_HTTP_AUTH", "BASIC",
        "--config", "GDAL_HTTP_USERPWD", f"{staff_layer['username']}:{staff_layer['token']}",
        f"OAPIF:{live_server.url}/ogcapi", STAFF,
    )  # fmt: skip

    found = features_of(output)
    assert {int(f["id"]) for f in found.values()} == {s.pk for s in staff_layer["suggestions"]}
    assert "report_count: Integer" in output
    assert "district: String" in output


def test_without_credentials_gdal_does_not_see_the_staff_collection(live_server, staff_layer):
    listing = gdal("ogrinfo", "-ro", "-so", f"OAPIF:{live_server.url}/ogcapi")
    assert "test-project-points" in listing
    assert STAFF not in listing

    refused = ogrinfo("-so", f"OAPIF:{live_server.url}/ogcapi", STAFF)
    assert refused.returncode != 0
    wrong = ogrinfo(
        "-so",
        "--config", "GDAL_HTTP_AUTH", "BASIC",
        "--config", "GDAL_HTTP_USERPWD", f"{staff_layer['username']}:not-the-token",
        f"OAPIF:{live_server.url}/ogcapi", STAFF,
    )  # fmt: skip
    assert wrong.returncode != 0
    assert "401" in wrong.stderr


def qgis_load(args: dict) -> dict:
    return run_harness("qgis_oapif.py", args)


def test_qgis_loads_and_draws_the_staff_layer_with_a_basic_authentication_configuration(
    live_server, staff_layer, tmp_path
):
    args = {"url": f"{live_server.url}/ogcapi", "typename": STAFF, "png": str(tmp_path / "staff.png")}
    loaded = qgis_load(
        {
            **args,
            "auth_dir": str(tmp_path / "auth"),
            "basic": {"username": staff_layer["username"], "password": staff_layer["token"]},
        }
    )

    assert loaded["valid"], loaded
    assert loaded["count"] == 5
    assert {"moderation_state", "report_count", "district", "nearest_facility"} <= set(loaded["fields"])
    assert sorted(f["moderation_state"] for f in loaded["features"]) == ["pending"] * 2 + ["published"] * 3
    assert loaded["drawn"] > 20  # five markers on a white map

    (tmp_path / "anonymous").mkdir()
    anonymous = qgis_load(
        {**args, "auth_dir": str(tmp_path / "anonymous"), "png": str(tmp_path / "none.png")}
    )
    assert not anonymous["valid"]
