-- The street segments of a project asked for most: published suggestions that follow each, their supports
-- and demand (both together), from the stored figures (network_match_trigger.sql keeps them), at most
-- `limit`, the most demanded first. Edges that are gone (a network import, before the re-match) are not
-- shown: the join with the edges drops them.
SELECT e.id, e.name, e.highway, e.length_m, d.suggestions, d.supports, d.suggestions + d.supports AS demand,
       ST_X(ST_LineInterpolatePoint(e.geom, 0.5)) AS lon, ST_Y(ST_LineInterpolatePoint(e.geom, 0.5)) AS lat
FROM geo_segment_demand AS d
JOIN geo_network_edge AS e ON e.id = d.edge_id
WHERE d.project_id = %(project_id)s AND d.suggestions > 0
ORDER BY d.suggestions + d.supports DESC, d.suggestions DESC, e.id
LIMIT %(limit)s;
