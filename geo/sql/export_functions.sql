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

-- A timestamp as ISO 8601 in the zone `zone` with its offset ("2026-07-01T12:00:00+02:00"), whatever the
-- session's DateStyle and TimeZone: the text the stored export pieces hold (pm_iso_local_fixed in
-- export_fragments.sql), for the OGC API, the Shapefile and KML. A SQL function and not STRICT (its CASE
-- would keep a STRICT one from being inlined, see pm_spreadsheet_safe), so PostgreSQL inlines it; NULL
-- still gives NULL, as every piece it concatenates does.
CREATE OR REPLACE FUNCTION pm_iso_local(value timestamptz, zone text) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT to_char(value AT TIME ZONE zone, 'YYYY-MM-DD"T"HH24:MI:SS')
        || CASE WHEN value AT TIME ZONE zone < value AT TIME ZONE 'UTC' THEN '-' ELSE '+' END
        || to_char(abs(extract(epoch FROM (value AT TIME ZONE zone) - (value AT TIME ZONE 'UTC'))::integer)
                   / 3600, 'FM00')
        || ':'
        || to_char(abs(extract(epoch FROM (value AT TIME ZONE zone) - (value AT TIME ZONE 'UTC'))::integer)
                   / 60 % 60, 'FM00')
$$;

-- A text for a place that viewers render as HTML (KML balloons): & < > " ' as character references, so
-- markup someone typed shows as typed. A SQL function, so PostgreSQL inlines it.
CREATE OR REPLACE FUNCTION pm_html_text(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT replace(replace(replace(replace(replace(value, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'),
                   '"', '&quot;'), '''', '&#39;')
$$;
