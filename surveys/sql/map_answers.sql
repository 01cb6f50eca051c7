-- The map answers of a survey as one GeoJSON FeatureCollection, built by PostGIS (RFC 7946, 6 decimals:
-- about 10 cm, plenty for a results map). Points are grouped by a grid of %(cell_m)s metres (Web Mercator
-- cells, scaled to metres on the ground at the project's latitude): a cell with one point keeps the point,
-- a cell with several becomes one feature at their mean position with their count. Lines are drawn as they
-- are, simplified to the same tolerance. No response id, no person: this feeds the planners' results page.
WITH points AS (
    SELECT a.question_id,
           ST_SnapToGrid(ST_Transform(a.geom, 3857), %(cell)s) AS cell,
           a.geom
    FROM surveys_answer AS a
    WHERE a.survey_id = %(survey_id)s AND a.kind = 'map_point'
),
cells AS (
    SELECT question_id, count(*) AS n,
           CASE WHEN count(*) = 1 THEN min(ST_AsText(geom))
                ELSE ST_AsText(ST_Centroid(ST_Collect(geom))) END AS wkt
    FROM points
    GROUP BY question_id, cell
),
features AS (
    SELECT json_build_object(
               'type', 'Feature',
               'geometry', ST_AsGeoJSON(ST_GeomFromText(wkt, 4326), 6)::json,
               'properties', json_build_object('question', question_id, 'count', n)
           ) AS feature
    FROM cells
    UNION ALL
    SELECT json_build_object(
               'type', 'Feature',
               'geometry', ST_AsGeoJSON(ST_SimplifyPreserveTopology(a.geom, %(tolerance)s), 6)::json,
               'properties', json_build_object('question', a.question_id, 'count', 1)
           )
    FROM surveys_answer AS a
    WHERE a.survey_id = %(survey_id)s AND a.kind = 'map_line'
)
SELECT json_build_object('type', 'FeatureCollection', 'features', COALESCE(json_agg(feature), '[]'::json))::text
FROM features
