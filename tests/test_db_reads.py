"""Without DATABASE_REPLICA_URL (the test settings never have it) every heavy read is on the primary."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS
from django.test import Client

from config import db_reads
from config.read_your_writes import COOKIE_NAME
from tests.test_replica import FEATURE

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_without_a_replica_heavy_reads_use_the_primary_and_writes_set_no_cookie(point_category, citizen):
    author = Client()
    author.force_login(citizen)

    response = author.post("/api/v1/projects/test-project/suggestions/", FEATURE, "application/json")

    assert response.status_code == 201
    assert COOKIE_NAME not in response.cookies
    assert not db_reads.replica_configured()
    assert db_reads.heavy_read_alias() == DEFAULT_DB_ALIAS
    assert author.get("/api/v1/projects/test-project/map/?bbox=8.3,48.9,8.5,49.1&zoom=17").status_code == 200
    assert "replica" not in Client().get("/healthz").json()


def settings_databases(module: str, **env: str) -> dict:
    """DATABASES as `module` builds it from the environment, in a fresh process."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    code = "import json; from django.conf import settings; print(json.dumps(settings.DATABASES, default=str))"
    result = subprocess.run(  # the interpreter running the tests, fixed arguments
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_READ_DOT_ENV": "false", "DJANGO_SETTINGS_MODULE": module, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


def test_database_replica_url_adds_a_replica_alias_like_the_primary():
    databases = settings_databases(
        "config.settings.base",
        DJANGO_DEBUG="true",
        DATABASE_URL="postgis://app:secret@db.internal:5432/participation",
        DATABASE_REPLICA_URL="postgis://app:secret@replica.internal:5432/participation",
        DATABASE_CONNECT_TIMEOUT="3",
        DJANGO_CONN_MAX_AGE="120",
    )

    replica = databases["replica"]
    assert (replica["HOST"], replica["NAME"]) == ("replica.internal", "participation")
    assert replica["ENGINE"] == "django.contrib.gis.db.backends.postgis"
    assert (replica["CONN_MAX_AGE"], replica["CONN_HEALTH_CHECKS"]) == (120, True)
    assert replica["OPTIONS"]["connect_timeout"] == 3
    assert replica["TEST"] == {"MIRROR": "default"}
    assert databases["default"]["HOST"] == "db.internal"


def test_without_database_replica_url_and_in_tests_there_is_no_replica_alias():
    assert "replica" not in settings_databases("config.settings.base", DJANGO_DEBUG="true")
    assert "replica" not in settings_databases(
        "config.settings.test", DATABASE_REPLICA_URL="postgis://app:app@127.0.0.1:5435/participation"
    )
