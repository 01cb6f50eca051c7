-- The floor of the coverage analysis: the measuring SELECTs of geo_analysis_rebuild
-- (geo/sql/analysis_trigger.sql: nearest facility by KNN and the network share of lines per suggestion, the
-- smallest district by one join) over the project's suggestions, straight in PostgreSQL and without writing.
-- The aggregates make every column count: PostgreSQL drops the outputs of a subquery nobody reads.
WITH measured AS (
    SELECT s.id, n.feature_id AS facility_id, n.distance_m,
           CASE WHEN ST_GeometryType(s.geom) IN ('ST_LineString', 'ST_MultiLineString')
                 AND s.category_id IN (
                     SELECT l.category_id FROM geo_context_layer AS l
                     WHERE l.project_id = %(project_id)s AND l.role = 'facilities')
                THEN geo_network_share(s.project_id, s.category_id, s.geom) END AS network_share
    FROM participation_suggestion AS s
    LEFT JOIN LATERAL geo_nearest_facility(s.project_id, s.category_id, s.geom) AS n ON true
    WHERE s.project_id = %(project_id)s
),
placed AS (
    SELECT DISTINCT ON (s.id) s.id, d.feature_id AS district_id
    FROM participation_suggestion AS s
    JOIN geo_context_feature AS f
        ON f.layer_id = geo_districts_layer(%(project_id)s)
       AND ST_Intersects(f.geom, geo_suggestion_anchor(s.geom))
    JOIN geo_district AS d ON d.feature_id = f.id
    WHERE s.project_id = %(project_id)s
    ORDER BY s.id, d.area_km2, d.feature_id
)
SELECT count(*) AS suggestions, count(m.facility_id) AS with_facility, sum(m.distance_m) AS distance_m,
       count(p.district_id) AS in_district, sum(m.network_share) AS network_share
FROM measured AS m
LEFT JOIN placed AS p ON p.id = m.id;
