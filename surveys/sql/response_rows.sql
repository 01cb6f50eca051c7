-- One row per response of a survey, for the CSV and XLSX exports: the response's id, the day it was sent and
-- its language, and its answers as a JSON object keyed by question id (a list of option keys for multiple
-- choice, an option key, a text, a number, true/false, or the geometry as WKT in WGS84). Nothing about who
-- answered: no account, no browser key, no address hash.
WITH answers AS (
    SELECT a.response_id, a.question_id::text AS question,
           CASE a.kind
               WHEN 'multiple' THEN jsonb_agg(c.key ORDER BY c.position, c.id)
               WHEN 'single' THEN to_jsonb(min(c.key))
               WHEN 'text' THEN to_jsonb(min(a.text))
               WHEN 'yes_no' THEN to_jsonb(bool_and(a.boolean))
               WHEN 'number' THEN to_jsonb(trim_scale(min(a.number)))
               WHEN 'scale' THEN to_jsonb(trim_scale(min(a.number)))
               ELSE to_jsonb(min(ST_AsText(a.geom, 7)))
           END AS value
    FROM surveys_answer AS a
    LEFT JOIN surveys_choice AS c ON c.id = a.choice_id
    WHERE a.survey_id = %(survey_id)s
    GROUP BY a.response_id, a.question_id, a.kind
)
SELECT r.id, (r.created_at AT TIME ZONE %(time_zone)s)::date AS day, r.language,
       COALESCE(jsonb_object_agg(answers.question, answers.value) FILTER (WHERE answers.question IS NOT NULL),
                '{}'::jsonb)
FROM surveys_response AS r
LEFT JOIN answers ON answers.response_id = r.id
WHERE r.survey_id = %(survey_id)s
GROUP BY r.id
ORDER BY r.id
