-- The nearest facility alone (the KNN of geo_nearest_facility) for every suggestion of the project, straight in
-- PostgreSQL and without writing; aggregated so that every lookup runs.
SELECT count(*) AS suggestions, count(n.feature_id) AS with_facility, sum(n.distance_m) AS distance_m
FROM participation_suggestion AS s
LEFT JOIN LATERAL geo_nearest_facility(s.project_id, s.category_id, s.geom) AS n ON true
WHERE s.project_id = %(project_id)s;
