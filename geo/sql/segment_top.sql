-- The street segments of a project asked for most: published suggestions that follow each, their supports
-- and demand (both together), from the stored figures (network_match_trigger.sql keeps them), at most
-- `limit`, the most demanded first. Edges that are gone (a network import, before the re-match) are not
-- shown: the join with the edges drops them. Where a segment lies, in words: a street of another name that
-- meets it at each end (its crossings, through the vertex indexes), for the list a screen reader reads.
SELECT e.id, e.name, e.highway, e.length_m, d.suggestions, d.supports, d.suggestions + d.supports AS demand,
       ST_X(ST_LineInterpolatePoint(e.geom, 0.5)) AS lon, ST_Y(ST_LineInterpolatePoint(e.geom, 0.5)) AS lat,
       (SELECT x.name FROM geo_network_edge AS x
        WHERE x.network_id = e.network_id AND e.source IN (x.source, x.target) AND x.name NOT IN ('', e.name)
        ORDER BY x.id LIMIT 1) AS from_name,
       (SELECT x.name FROM geo_network_edge AS x
        WHERE x.network_id = e.network_id AND e.target IN (x.source, x.target) AND x.name NOT IN ('', e.name)
        ORDER BY x.id LIMIT 1) AS to_name
FROM geo_segment_demand AS d
JOIN geo_network_edge AS e ON e.id = d.edge_id
WHERE d.project_id = %(project_id)s AND d.suggestions > 0
ORDER BY d.suggestions + d.supports DESC, d.suggestions DESC, e.id
LIMIT %(limit)s;
