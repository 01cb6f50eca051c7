"""The streamed exports (GeoJSON, CSV) at the level of their SQL and their streams: what a planner's file
holds for awkward titles, empty and one-row exports, and the database functions staying cheap at 1 M rows."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_the_export_functions_are_inlined_into_the_query_and_keep_null():
    # Called per row instead of inlined, pm_spreadsheet_safe cost over a second per CSV column at 1 M rows.
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN VERBOSE SELECT pm_spreadsheet_safe(title), pm_iso_utc(created_at) "
            "FROM participation_suggestion"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SELECT pm_spreadsheet_safe(NULL), pm_iso_utc(NULL)")
        nulls = cursor.fetchone()
    assert "pm_spreadsheet_safe" not in plan
    assert "pm_iso_utc" not in plan
    assert "CASE WHEN" in plan
    assert "to_char" in plan
    assert nulls == (None, None)
