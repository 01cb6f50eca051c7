-- One RFC 7946 Feature per line, each but the first led by a comma, for the body of a FeatureCollection
-- that Python frames. Run as COPY … (FORMAT csv) with delimiter and quote set to control characters that
-- JSON text never holds raw (PostgreSQL escapes them as \u0001), so the lines pass through unchanged.
COPY (
    SELECT CASE WHEN row_number() OVER () = 1 THEN '' ELSE ',' END
           || json_build_object(
                  'type', 'Feature',
                  'id', r.id,
                  'geometry', ST_AsGeoJSON(r.geom, 7)::json,
                  'properties', json_build_object(
                      'id', r.id,
                      'category', r.category,
                      'category_label', r.category_label,
                      'title', r.title,
                      'text', r.text,
                      'moderation_state', r.moderation_state,
                      'planning_status', r.planning_status,
                      'official_answer', r.official_answer,
                      'support_count', r.support_count,
                      'comment_count', r.comment_count,
                      'created_at', pm_iso_utc(r.created_at),
                      'updated_at', pm_iso_utc(r.updated_at),
                      'answered_at', pm_iso_utc(r.answered_at)
                  )
              )::text
    FROM (/* rows */) AS r
) TO STDOUT (FORMAT csv, DELIMITER E'\x02', QUOTE E'\x01')
