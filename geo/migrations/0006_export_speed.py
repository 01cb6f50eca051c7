"""Export speed: pm_spreadsheet_safe is redefined so that PostgreSQL inlines it (see export_functions.sql).

The file is re-run as it is (every statement is CREATE OR REPLACE); going back needs nothing, the older
definition answered the same.
"""

from django.db import migrations

# export_functions.sql as it was when this migration was written: a migration runs the same SQL forever.
EXPORT_FUNCTIONS_SQL = r"""
-- Functions the exports' SQL uses. Everything is CREATE OR REPLACE: running the file again changes nothing.

-- A text cell that a spreadsheet would run as a formula (it starts with = + - @, possibly after tabs and
-- carriage returns) gets a leading apostrophe, so Excel and LibreOffice show it as typed.
-- config/spreadsheet_safety.py states the same rule for the Python writers; tests hold both to one list.
-- Not STRICT, although NULL gives NULL all the same: PostgreSQL inlines a SQL function into the query only
-- when it is not STRICT or its body provably is, and a CASE is not. Called per row instead, it cost 1.2 s
-- per column of a 1 M row CSV export (geo/migrations/0006_export_speed.py).
-- The first character is looked at before the regular expression runs: almost no cell starts with one of
-- the six (tab, carriage return, + - = @), and ascii() costs a fraction of a regex match.
CREATE OR REPLACE FUNCTION pm_spreadsheet_safe(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN ascii(value) IN (9, 13, 43, 45, 61, 64) AND value ~ '^[\t\r]*[=+@-]'
                THEN '''' || value ELSE value END
$$;

-- A timestamp as ISO 8601 in UTC ("2026-11-23T09:15:02Z"), whatever the session's DateStyle and TimeZone.
CREATE OR REPLACE FUNCTION pm_iso_utc(value timestamptz) RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE
AS $$
    SELECT to_char(value AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("geo", "0005_tiles")]

    operations = [migrations.RunSQL(sql=[EXPORT_FUNCTIONS_SQL], reverse_sql=migrations.RunSQL.noop)]
