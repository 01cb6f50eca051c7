-- One Mapbox Vector Tile of a project's street segments with their demand: layer `segments`, one feature per
-- network edge with its street name, the published suggestions that follow it, their supports and `demand`
-- (both together, what the map colours by). Figures come from geo_segment_demand, which the triggers keep
-- (network_match_trigger.sql): nothing is counted here.
--
-- Invariants:
-- * Only edges of the project's network; an edge without demand only from zoom `all_from` on, where the
--   street grid is the map's ground (below, a city's whole network would bury the few streets asked for).
-- * Simplified with half a pixel's tolerance; bounded to max_features, the most demanded first, then by id,
--   so a tile and its ETag are stable.
WITH tile AS (
    SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS box,
           ST_TileEnvelope(%(z)s, %(x)s, %(y)s, margin => %(margin)s) AS buffered
),
inside AS (
    SELECT e.id, e.name, e.geom_3857, coalesce(d.suggestions, 0) AS suggestions,
           coalesce(d.supports, 0) AS supports
    FROM tile
    JOIN geo_street_network AS n ON n.project_id = %(project_id)s
    JOIN geo_network_edge AS e ON e.network_id = n.id AND e.geom_3857 && tile.buffered
    LEFT JOIN geo_segment_demand AS d ON d.edge_id = e.id
    WHERE %(z)s >= %(all_from)s OR d.suggestions > 0
),
kept AS (
    SELECT inside.id AS fid, left(inside.name, 200) AS name, inside.suggestions, inside.supports,
           inside.suggestions + inside.supports AS demand,
           ST_AsMVTGeom(ST_Simplify(inside.geom_3857, %(tolerance)s, true), tile.box, %(extent)s, %(buffer)s,
                        true) AS geom
    FROM inside, tile
    ORDER BY inside.suggestions + inside.supports DESC, inside.id
    LIMIT %(max_features)s
),
answer AS MATERIALIZED (
    SELECT coalesce(ST_AsMVT(k, 'segments', %(extent)s, 'geom', 'fid'), '') AS mvt
    FROM (SELECT * FROM kept WHERE geom IS NOT NULL ORDER BY demand, fid) AS k
)
SELECT md5(mvt) AS etag, mvt FROM answer;
