"""The benchmark's own server setup: its URLs exist only under config.settings.bench, and its naive anchor
serves the same rows as the map (published suggestions in the bbox), so the comparison is like with like."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.gis.geos import Point
from django.urls import Resolver404, resolve

from tests.factories import SuggestionFactory

ROOT = Path(__file__).resolve().parents[2]


def test_the_benchmark_urls_are_not_part_of_the_app():
    with pytest.raises(Resolver404):
        resolve("/bench/naive/test-project/suggestions", urlconf="config.urls")

    naive = resolve("/bench/naive/test-project/suggestions", urlconf="benchmarks.urls")
    assert naive.url_name == "bench-naive"
    # the app itself is served unchanged beside them
    assert resolve("/api/v1/projects/test-project/map/", urlconf="benchmarks.urls").url_name


def test_bench_settings_are_production_on_loopback():
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SITE_URL"))}
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "--no-imports",
            "-c",
            "from django.conf import settings as s; "
            "print(s.DEBUG, s.ROOT_URLCONF, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, "
            "s.REST_FRAMEWORK['NUM_PROXIES'], s.STORAGES['staticfiles']['BACKEND'].rsplit('.', 1)[1])",
        ],
        cwd=ROOT,
        env={**clean, "DJANGO_READ_DOT_ENV": "false", "DJANGO_SETTINGS_MODULE": "config.settings.bench"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "benchmarks.urls",
        "False",
        "True",
        "0",
        "CompressedManifestStaticFilesStorage",
    ]


@pytest.mark.urls("benchmarks.urls")
def test_naive_anchor_serves_published_suggestions_in_the_bbox(client, point_category):
    inside = SuggestionFactory(category=point_category, geom=Point(8.40, 49.00, srid=4326))
    SuggestionFactory(category=point_category, geom=Point(8.40, 49.00, srid=4326), moderation_state="pending")
    SuggestionFactory(category=point_category, geom=Point(8.45, 49.03, srid=4326))

    response = client.get(
        "/bench/naive/test-project/suggestions", {"bbox": "8.39,48.99,8.41,49.01", "limit": 10}
    )

    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert body["numberMatched"] == 1
    assert [f["id"] for f in body["features"]] == [inside.pk]
    assert body["features"][0]["properties"]["category"] == "charging-station"
