-- What the anchors read, as views over the benchmark project (the project id is bound as a literal).
--
-- bench_published_suggestions: tipg's collection, the published suggestions with the map's public fields.
-- bench_export_rows: the rows and property columns of our GeoJSON export (geo/sql/export_rows.sql and
-- export_geojson.sql) for the states the benchmark exports, read by ogr2ogr and by the raw COPY.
CREATE OR REPLACE VIEW bench_published_suggestions AS
SELECT s.id, c.key AS category, s.title, s.planning_status, s.support_count, s.comment_count,
       s.created_at AS created, s.geom
FROM participation_suggestion AS s
JOIN participation_category AS c ON c.id = s.category_id
WHERE s.project_id = %(project_id)s AND s.moderation_state = 'published';

CREATE OR REPLACE VIEW bench_export_rows AS
SELECT s.id, c.key AS category, c.label AS category_label, s.title, s.text, s.moderation_state,
       s.planning_status, s.official_answer, s.support_count, s.comment_count, s.created_at, s.updated_at,
       s.answered_at, s.geom,
       -- Last, so that CREATE OR REPLACE VIEW can add it to a seeded database's view.
       nullif(s.line_drawing, '') AS line_drawing
FROM participation_suggestion AS s
JOIN participation_category AS c ON c.id = s.category_id
WHERE s.project_id = %(project_id)s AND s.moderation_state = ANY (%(states)s::text[])
ORDER BY s.id;
