"""Without DATABASE_REPLICA_URL (the test settings never have it) every heavy read is on the primary."""

import pytest
from django.db import DEFAULT_DB_ALIAS
from django.test import Client

from config import db_reads
from config.read_your_writes import COOKIE_NAME
from tests.test_replica import FEATURE

pytestmark = pytest.mark.django_db


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
