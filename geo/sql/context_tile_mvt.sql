-- One Mapbox Vector Tile of one context layer: layer `features`, the layer's features with their id and two
-- display attributes, `name` and `capacity`, where the source's attributes have them.
--
-- Invariants:
-- * Only this layer's features, and of their attributes only name and capacity (cut to 200 and 20
--   characters): whatever else the source carried stays out of the tile.
-- * Simplified per zoom: lines and areas by ST_Simplify with a tolerance of half a pixel (ST_AsMVTGeom then
--   snaps them to the tile's grid); points thinned to the lowest id in each cell of `cell` metres (a few
--   pixels), so a dense layer neither overdraws nor bloats a tile at low zoom. `inside` is read once (no
--   other use of it), so PostgreSQL streams it into the grouping rather than keeping it.
-- * Bounded: at most max_features features and max_bytes of estimated encoded size (name bytes, vertices
--   after clipping, a fixed overhead per feature), lowest ids first, so a tile and its ETag are stable.
-- * `generation` is read in the same statement, hence the same snapshot, as the features: the cache stores
--   the tile only if no import of the layer committed since (context_tile_cache_store.sql).
WITH tile AS (
    SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS box,
           ST_TileEnvelope(%(z)s, %(x)s, %(y)s, margin => %(margin)s) AS buffered
),
inside AS (
    SELECT f.id, f.geom_3857 AS geom, ST_Dimension(f.geom_3857) = 0 AS point
    FROM tile, geo_context_feature AS f
    WHERE f.layer_id = %(layer_id)s AND f.geom_3857 && tile.buffered
),
thinned AS (
    -- One point per cell; a line or an area is its own group (keyed by its negated id).
    SELECT min(id) AS id
    FROM inside
    GROUP BY CASE WHEN point THEN floor(ST_X(geom) / %(cell)s)::bigint ELSE -id END,
             CASE WHEN point THEN floor(ST_Y(geom) / %(cell)s)::bigint END
    ORDER BY 1
    LIMIT %(max_features)s + 1
),
candidate AS (
    SELECT f.id, f.properties,
           ST_AsMVTGeom(CASE WHEN ST_Dimension(f.geom_3857) = 0 THEN f.geom_3857
                             ELSE ST_Simplify(f.geom_3857, %(tolerance)s, true) END,
                        tile.box, %(extent)s, %(buffer)s, true) AS geom
    FROM tile, thinned
    JOIN geo_context_feature AS f ON f.id = thinned.id
),
sized AS (
    -- A line or area whose bounding box meets the tile but whose shape does not is clipped to nothing.
    SELECT candidate.id, candidate.geom,
           left(candidate.properties ->> 'name', 200) AS name,
           left(candidate.properties ->> 'capacity', 20) AS capacity,
           row_number() OVER running AS rank,
           sum(coalesce(octet_length(candidate.properties ->> 'name'), 0) + 6 * ST_NPoints(candidate.geom)
               + %(feature_overhead)s) OVER running AS running_bytes
    FROM candidate
    WHERE candidate.geom IS NOT NULL
    WINDOW running AS (ORDER BY candidate.id ROWS UNBOUNDED PRECEDING)
),
kept AS (
    SELECT geom, id AS fid, id, name, capacity
    FROM sized
    WHERE rank <= %(max_features)s AND running_bytes <= %(max_bytes)s
),
answer AS MATERIALIZED (
    SELECT coalesce((SELECT generation FROM geo_context_tile_generation WHERE layer_id = %(layer_id)s), -1)
               AS generation,
           (SELECT coalesce(ST_AsMVT(l, 'features', %(extent)s, 'geom', 'fid'), '')
            FROM (SELECT * FROM kept ORDER BY id) AS l) AS mvt
)
SELECT generation, md5(mvt) AS etag, mvt FROM answer;
