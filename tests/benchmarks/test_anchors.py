"""The benchmark's own server setup: its URLs exist only under config.settings.bench, and its naive anchor
serves the same rows as the map (published suggestions in the bbox), and its results peer the same figures as
the results page, so the comparison is like with like."""

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.contrib.gis.geos import Point
from django.urls import Resolver404, resolve

from participation.selectors import results as results_selectors
from tests.factories import CommentFactory, SuggestionFactory, SupportFactory

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


@pytest.mark.urls("benchmarks.urls")
def test_the_results_peer_counts_what_the_results_page_counts(client, project, point_category):
    def at(day: str) -> datetime:
        return datetime.fromisoformat(f"{day}T00:30").replace(tzinfo=ZoneInfo("Europe/Berlin"))

    planned = SuggestionFactory(
        category=point_category, planning_status="planned", created_at=at("2026-03-02"), support_count=2
    )
    hidden = SuggestionFactory(
        category=point_category, moderation_state="hidden", created_at=at("2026-03-02")
    )
    for day in ("2026-03-09", "2026-04-06"):  # Monday 00:30 in Berlin: Sunday in UTC
        SupportFactory(suggestion=planned, created_at=at(day))
        SupportFactory(suggestion=hidden, created_at=at(day))
    CommentFactory(suggestion=planned, created_at=at("2026-03-16"))
    CommentFactory(suggestion=planned, created_at=at("2026-03-16"), moderation_state="hidden")

    body = client.get("/bench/naive/test-project/results").json()
    page = results_selectors.project_results_get(project=project)

    assert body["total"] == {"suggestions": 1, "supports": 2, "comments": 0}
    assert [item["id"] for item in body["decided"]["planned"]["newest"]] == [planned.pk]
    kind = page.period_kind
    for measure in ("suggestions", "supports", "comments"):
        theirs = body["over_time"][kind][measure]
        ours = {
            row.start.isoformat(): getattr(row.figures, measure)
            for row in page.periods
            if getattr(row.figures, measure)
        }
        assert theirs == ours, measure
