-- The staged lines (pg_temp.context_layer_staging, one ogr2ogr GeoJSONSeq line each) as the ways of a street
-- network: their tags, what a bicycle may do on them, and why a way is skipped (NULL: taken).
-- Tags are read case-insensitively (a Shapefile's NAME is name); GDAL's OSM driver writes oneway:bicycle as
-- oneway_bicycle and cycleway:left as cycleway_left (geo/network/osmconf.ini). A town's own network may write
-- yes/no as true/false, 1/0 or ja/nein.
-- bicycle: open to bicycles at all. Motorways never; otherwise an explicit bicycle tag decides; trunk roads,
-- access=no/private/agricultural/forestry and ways for walkers (footway, pedestrian, steps, …) are closed.
-- direction: the one way a bicycle may ride (1 along the line, -1 against it, 0 both). oneway:bicycle decides
-- first, then a contraflow cycleway (cycleway=opposite*), then oneway (and a roundabout's implied one).
-- Parameters: osm (true: an OSM extract, where only the listed highway kinds are ways of the network; a
-- town's own network keeps every line but the unbuilt kinds).
CREATE TEMPORARY TABLE network_ways ON COMMIT DROP AS
WITH staged AS (
    SELECT
        s.n,
        s.geom,
        (
            SELECT jsonb_object_agg(lower(key), value)
            FROM jsonb_each(CASE WHEN jsonb_typeof(s.doc -> 'properties') = 'object' THEN s.doc -> 'properties' END)
        ) AS t
    FROM pg_temp.context_layer_staging AS s
),
tagged AS (
    SELECT
        n,
        CASE WHEN ST_GeometryType(geom) = 'ST_LineString' THEN ST_RemoveRepeatedPoints(geom) END AS geom,
        geom IS NULL AS no_geometry,
        ST_GeometryType(geom) = 'ST_LineString' AS is_line,
        nullif(btrim(t ->> 'name'), '') AS name,
        nullif(lower(btrim(t ->> 'highway')), '') AS highway,
        lower(btrim(t ->> 'oneway')) AS oneway,
        lower(btrim(t ->> 'oneway_bicycle')) AS oneway_bicycle,
        lower(btrim(t ->> 'bicycle')) AS bicycle,
        lower(btrim(t ->> 'access')) AS access,
        lower(btrim(t ->> 'junction')) AS junction,
        lower(btrim(t ->> 'area')) AS area,
        lower(concat_ws(';', t ->> 'cycleway', t ->> 'cycleway_left', t ->> 'cycleway_right', t ->> 'cycleway_both'))
            AS cycleway,
        CASE WHEN btrim(t ->> 'osm_id') ~ '^[0-9]{1,18}$' THEN btrim(t ->> 'osm_id')::bigint END AS osm_way_id
    FROM staged
)
SELECT
    n,
    geom,
    name,
    highway,
    osm_way_id,
    CASE
        WHEN highway IN ('motorway', 'motorway_link') THEN false
        WHEN bicycle IN ('yes', 'true', '1', 'ja', 'designated', 'permissive', 'official', 'destination') THEN true
        WHEN bicycle IN ('no', 'false', '0', 'nein', 'private', 'dismount', 'use_sidepath') THEN false
        WHEN highway IN ('trunk', 'trunk_link') THEN false
        WHEN access IN ('no', 'private', 'agricultural', 'forestry') THEN false
        WHEN highway IN ('footway', 'pedestrian', 'steps', 'bridleway', 'corridor') THEN false
        ELSE true
    END AS bicycle,
    CASE
        WHEN oneway_bicycle IN ('no', 'false', '0', 'nein') THEN 0
        WHEN oneway_bicycle IN ('yes', 'true', '1', 'ja') THEN 1
        WHEN oneway_bicycle IN ('-1', 'reverse') THEN -1
        WHEN cycleway LIKE '%%opposite%%' THEN 0
        WHEN oneway IN ('yes', 'true', '1', 'ja') THEN 1
        WHEN oneway IN ('-1', 'reverse') THEN -1
        WHEN oneway IN ('no', 'false', '0', 'nein') THEN 0
        WHEN junction IN ('roundabout', 'circular') THEN 1
        ELSE 0
    END AS direction,
    CASE
        WHEN no_geometry THEN 'no-geometry'
        WHEN NOT is_line THEN 'not-a-line'
        WHEN ST_IsEmpty(geom) OR ST_NPoints(geom) < 2 OR ST_Length(geom) = 0 THEN 'empty'
        WHEN area IN ('yes', 'true', '1') THEN 'area'
        WHEN highway IN ('proposed', 'construction', 'abandoned', 'disused', 'razed', 'no') THEN 'not-built'
        WHEN %(osm)s AND highway IS NULL THEN 'not-a-street'
        WHEN %(osm)s AND highway NOT IN (
            'motorway', 'motorway_link', 'trunk', 'trunk_link', 'primary', 'primary_link', 'secondary',
            'secondary_link', 'tertiary', 'tertiary_link', 'unclassified', 'residential', 'living_street',
            'service', 'track', 'road', 'cycleway', 'path', 'footway', 'pedestrian', 'steps', 'bridleway'
        ) THEN 'other-kind'
    END AS skipped
FROM tagged
