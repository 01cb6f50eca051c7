-- The ways split at their vertices (network_vertices.sql) into edges: each point of a way belongs to the
-- piece that the vertices up to it have begun, and a vertex also ends the piece before it. An edge runs from
-- its first point's vertex (source) to its last one's (target); length_m is geodesic (on the spheroid).
CREATE TEMPORARY TABLE network_edges ON COMMIT DROP AS
WITH marked AS (
    SELECT p.way, p.i, p.x, p.y, v.id AS vertex, count(v.id) OVER (PARTITION BY p.way ORDER BY p.i) AS piece
    FROM pg_temp.network_points AS p
    LEFT JOIN pg_temp.network_vertices AS v ON v.x = p.x AND v.y = p.y
),
pieces AS (
    SELECT way, piece, i, x, y, vertex FROM marked
    UNION ALL
    SELECT way, piece - 1, i, x, y, vertex FROM marked WHERE vertex IS NOT NULL AND piece > 1
),
lines AS (
    SELECT
        way,
        piece,
        ST_SetSRID(ST_MakeLine(array_agg(ST_MakePoint(x, y) ORDER BY i)), 4326) AS geom,
        (array_agg(vertex ORDER BY i))[1] AS source,
        (array_agg(vertex ORDER BY i DESC))[1] AS target
    FROM pieces
    GROUP BY way, piece
    HAVING count(*) >= 2
)
SELECT
    l.source,
    l.target,
    l.geom,
    ST_Length(l.geom::geography) AS length_m,
    w.name,
    w.highway,
    w.osm_way_id,
    w.bicycle,
    w.direction
FROM lines AS l
JOIN pg_temp.network_ways AS w ON w.n = l.way
ORDER BY l.way, l.piece
