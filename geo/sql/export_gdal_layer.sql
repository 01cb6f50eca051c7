-- One GeoPackage layer (one geometry kind): every column with its own type; ogr2ogr reads it as it is.
SELECT r.id, r.category, r.category_label, r.title, r.text, r.moderation_state, r.planning_status,
       r.official_answer, r.support_count, r.comment_count, r.created_at, r.updated_at, r.answered_at, r.geom
FROM (/* rows */) AS r
