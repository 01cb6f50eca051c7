-- Histograms of the number questions of a survey: ten equal bins between the question's minimum and maximum
-- (or, where the question has none, the smallest and largest answer). The largest value falls into the last
-- bin, not an eleventh one (width_bucket's upper bound is exclusive).
WITH bounds AS (
    SELECT q.id,
           COALESCE(q.min_value, min(a.number)) AS lo,
           COALESCE(q.max_value, max(a.number)) AS hi
    FROM surveys_question AS q
    JOIN surveys_answer AS a ON a.question_id = q.id
    WHERE q.survey_id = %(survey_id)s AND q.kind = 'number'
    GROUP BY q.id
)
SELECT b.id, b.lo, b.hi,
       CASE WHEN b.hi <= b.lo THEN 1
            ELSE least(greatest(width_bucket(a.number, b.lo, b.hi, %(bins)s), 1), %(bins)s) END AS bin,
       count(*)
FROM bounds AS b
JOIN surveys_answer AS a ON a.question_id = b.id
GROUP BY 1, 2, 3, 4
ORDER BY 1, 4
