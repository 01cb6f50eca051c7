-- Published suggestions of the same category that a new geometry probably duplicates, nearest first.
--   points (and areas): within %(point_radius_m)s metres on the ground;
--   lines: the two lines run along each other, i.e. at least %(line_share)s of either line lies within
--   %(line_buffer_m)s metres of the other (a 20 m corridor over half the length).
-- The GiST index on geom_3857 finds the candidates. Web Mercator stretches distances by 1/cos(latitude),
-- so ground metres are scaled at the new geometry's latitude; exact distances use geography.
-- Only public fields leave the database.
WITH input AS (
    SELECT g,
           ST_Transform(g, 3857) AS g3857,
           1 / cos(radians(ST_Y(ST_Centroid(g)))) AS scale
    FROM (SELECT ST_SetSRID(ST_GeomFromWKB(%(geom)s), 4326) AS g) AS given
),
candidate AS (
    SELECT s.id, s.title, s.support_count, s.comment_count, s.planning_status, s.geom, s.geom_3857,
           ST_Distance(s.geom::geography, i.g::geography) AS distance_m,
           CASE WHEN %(is_line)s THEN greatest(
               ST_Length(ST_Intersection(i.g3857, ST_Buffer(s.geom_3857, %(line_buffer_m)s * i.scale)))
                   / nullif(ST_Length(i.g3857), 0),
               ST_Length(ST_Intersection(s.geom_3857, ST_Buffer(i.g3857, %(line_buffer_m)s * i.scale)))
                   / nullif(ST_Length(s.geom_3857), 0)
           ) END AS overlap
    FROM participation_suggestion AS s, input AS i
    WHERE s.project_id = %(project_id)s
      AND s.category_id = %(category_id)s
      AND s.moderation_state = 'published'
      AND ST_DWithin(
          s.geom_3857, i.g3857,
          CASE WHEN %(is_line)s THEN %(line_buffer_m)s ELSE %(point_radius_m)s END * i.scale)
),
found AS (
    SELECT * FROM candidate
    WHERE CASE WHEN %(is_line)s THEN overlap >= %(line_share)s ELSE distance_m <= %(point_radius_m)s END
    ORDER BY CASE WHEN %(is_line)s THEN -overlap ELSE distance_m END, id
    LIMIT %(limit)s
)
SELECT coalesce(json_agg(json_build_object(
    'type', 'Feature',
    'id', id,
    'geometry', ST_AsGeoJSON(geom, 7)::json,
    'properties', json_build_object(
        'id', id,
        'title', title,
        'planning_status', planning_status,
        'support_count', support_count,
        'comment_count', comment_count,
        'distance_m', round(distance_m::numeric, 0),
        'overlap', round(overlap::numeric, 2)
    )) ORDER BY CASE WHEN %(is_line)s THEN -overlap ELSE distance_m END, id), '[]'::json)::text
FROM found
