-- Published suggestions of the same category that a new geometry probably duplicates, nearest first.
--   points (and areas): within %(point_radius_m)s metres on the ground;
--   lines: the two lines run along each other, i.e. at least %(line_share)s of either line lies within
--   %(line_buffer_m)s metres of the other (a 20 m corridor over half the length), or they follow the same
--   street segments: the segments both follow make at least %(line_share)s of the length of the segments
--   either follows. The second finds two paths along the same streets drawn on either side of them (or one
--   routed, one drawn by hand), which the corridor misses.
-- The drawn line is matched to the project's street network by geo_network_edges_along, the function that
-- matched the stored paths (geo's network_match_trigger.sql); the stored matches are geo_suggestion_edge.
-- The GiST index on geom_3857 finds the candidates near the line, the matches' index on edge_id those along
-- its segments. Web Mercator stretches distances by 1/cos(latitude), so ground metres are scaled at the new
-- geometry's latitude; exact distances use geography.
-- Only public fields leave the database.
WITH input AS (
    SELECT g,
           ST_Transform(g, 3857) AS g3857,
           1 / cos(radians(ST_Y(ST_Centroid(g)))) AS scale
    FROM (SELECT ST_SetSRID(ST_GeomFromWKB(%(geom)s), 4326) AS g) AS given
),
drawn_edges AS MATERIALIZED (
    SELECT m.edge_id, e.length_m
    FROM input AS i
    CROSS JOIN LATERAL geo_network_edges_along(%(project_id)s, i.g) AS m
    JOIN geo_network_edge AS e ON e.id = m.edge_id
    WHERE %(is_line)s
),
shared AS (
    SELECT se.suggestion_id AS id, count(*) AS edges, sum(d.length_m) AS length_m
    FROM drawn_edges AS d
    JOIN geo_suggestion_edge AS se ON se.edge_id = d.edge_id
    GROUP BY se.suggestion_id
),
near AS (
    -- Two index scans, not one OR, which would make PostgreSQL read every suggestion of the category.
    SELECT s.id
    FROM participation_suggestion AS s, input AS i
    WHERE s.project_id = %(project_id)s
      AND s.category_id = %(category_id)s
      AND s.moderation_state = 'published'
      AND ST_DWithin(
          s.geom_3857, i.g3857,
          CASE WHEN %(is_line)s THEN %(line_buffer_m)s ELSE %(point_radius_m)s END * i.scale)
    UNION
    SELECT id FROM shared
),
candidate AS (
    SELECT s.id, s.title, s.support_count, s.comment_count, s.planning_status, s.geom, s.geom_3857,
           ST_Distance(s.geom::geography, i.g::geography) AS distance_m,
           CASE WHEN %(is_line)s THEN greatest(
               ST_Length(ST_Intersection(i.g3857, ST_Buffer(s.geom_3857, %(line_buffer_m)s * i.scale)))
                   / nullif(ST_Length(i.g3857), 0),
               ST_Length(ST_Intersection(s.geom_3857, ST_Buffer(i.g3857, %(line_buffer_m)s * i.scale)))
                   / nullif(ST_Length(s.geom_3857), 0),
               sh.length_m / nullif((SELECT sum(length_m) FROM drawn_edges), 0),
               sh.length_m / nullif((
                   SELECT sum(e.length_m)
                   FROM geo_suggestion_edge AS se
                   JOIN geo_network_edge AS e ON e.id = se.edge_id
                   WHERE se.suggestion_id = s.id), 0)
           ) END AS overlap,
           coalesce(sh.edges, 0) AS shared_segments
    FROM near
    JOIN participation_suggestion AS s ON s.id = near.id
    CROSS JOIN input AS i
    LEFT JOIN shared AS sh ON sh.id = s.id
    WHERE s.project_id = %(project_id)s
      AND s.category_id = %(category_id)s
      AND s.moderation_state = 'published'
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
        'overlap', round(overlap::numeric, 2),
        'shared_segments', shared_segments
    )) ORDER BY CASE WHEN %(is_line)s THEN -overlap ELSE distance_m END, id), '[]'::json)::text
FROM found
