-- The floor of the coverage analysis: the SELECT geo_analysis_rebuild's measurement runs
-- (geo/sql/analysis_trigger.sql: nearest facility by KNN, smallest district, network share) over the
-- project's suggestions, straight in PostgreSQL and without writing. The aggregates make every column count:
-- PostgreSQL drops the outputs of a subquery nobody reads.
SELECT count(*) AS suggestions, count(m.facility_id) AS with_facility, sum(m.distance_m) AS distance_m,
       count(m.district_id) AS in_district, sum(m.network_share) AS network_share
FROM (
    SELECT s.id, n.feature_id AS facility_id, n.distance_m,
           geo_district_of(s.project_id, s.geom) AS district_id,
           geo_network_share(s.project_id, s.category_id, s.geom) AS network_share
    FROM participation_suggestion AS s
    LEFT JOIN LATERAL geo_nearest_facility(s.project_id, s.category_id, s.geom) AS n ON true
    WHERE s.project_id = %(project_id)s
) AS m;
