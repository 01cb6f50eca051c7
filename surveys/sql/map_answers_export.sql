-- The GeoJSON export of a survey's map answers: every point and line as drawn (RFC 7946, 7 decimals), with
-- the response id (to join the CSV), the question id and its kind. Nothing about who answered.
SELECT json_build_object(
           'type', 'FeatureCollection',
           'features', COALESCE(json_agg(json_build_object(
               'type', 'Feature',
               'id', a.id,
               'geometry', ST_AsGeoJSON(a.geom, 7)::json,
               'properties', json_build_object(
                   'response_id', a.response_id, 'question_id', a.question_id, 'kind', a.kind
               )
           ) ORDER BY a.response_id, q.position, a.question_id), '[]'::json)
       )::text
FROM surveys_answer AS a
JOIN surveys_question AS q ON q.id = a.question_id
WHERE a.survey_id = %(survey_id)s AND a.geom IS NOT NULL
