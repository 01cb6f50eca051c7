-- A route for bicycles through the snapped points in their order (start, via points, end), as one line.
--
-- pgr_withPoints routes from each point to the next (the combinations -1 → -2, -2 → -3, …), so the line
-- starts and ends where the person tapped, not at the nearest crossing. Edges closed to bicycles are left
-- out; a negative cost or reverse_cost (one-way) is not taken in that direction.
--
-- Parameters: network; edge_ids and fractions (the snapped points, network_route_snap.sql); lons and lats
-- (the tapped points, for the corridor); corridor_m: only edges about this many metres from the line through
-- the points in their order (corridor_line; box to box, see below) or within it of their box (NULL: the whole
-- network); along: a street name whose edges are preferred (other edges count `detour` times their length;
-- NULL: none); area_project: only edges reaching into this project's area (NULL: all);
-- min_piece_m: shorter bits of an edge count neither as a street along the route nor as an edge followed;
-- max_vertices and tolerances: the line is simplified (the smallest tolerance, in degrees, that is enough)
-- when it has more vertices than a suggestion may.
--
-- Values reach pgRouting's inner queries through format(): typed numbers as they print, text quoted (%%L).
WITH params AS (
    SELECT
        %(network)s::bigint AS network,
        %(edge_ids)s::bigint[] AS edge_ids,
        %(fractions)s::float8[] AS fractions,
        %(corridor_m)s::float8 AS corridor_m,
        %(corridor_line)s::boolean AS corridor_line,
        %(along)s::text AS along,
        %(detour)s::float8 AS detour,
        %(area_project)s::bigint AS area_project
),
tapped AS (
    SELECT ST_Transform(ST_MakeLine(ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326) ORDER BY t.seq), 3857) AS line,
           -- Mercator units are 1 / cos(latitude) metres long.
           params.corridor_m / cos(radians(avg(t.lat))) AS margin
    FROM unnest(%(lons)s::float8[], %(lats)s::float8[]) WITH ORDINALITY AS t(lon, lat, seq), params
    GROUP BY params.corridor_m
),
corridor AS (
    -- Along the line: the edges whose boxes meet the box of a piece of it grown by the margin (pieces twice
    -- the margin long, each condition an index scan of its own box, OR'ed into one bitmap), so a diagonal
    -- route does not read the whole box around it. Boxes only: an exact distance per edge and piece
    -- (ST_DWithin) cost three times what pgRouting then spends on the graph, for a third fewer edges.
    -- Else the points' box grown by the margin.
    SELECT CASE
        WHEN params.corridor_line THEN (
            SELECT ' AND (' || string_agg(format('geom_3857 && ST_MakeEnvelope(%%s, %%s, %%s, %%s, 3857)',
                                                 ST_XMin(b.box), ST_YMin(b.box), ST_XMax(b.box), ST_YMax(b.box)),
                                          ' OR ') || ')'
            FROM ST_DumpSegments(ST_Segmentize(tapped.line, 2 * tapped.margin)) AS d,
                 LATERAL (SELECT ST_Expand(ST_Envelope(d.geom), tapped.margin) AS box) AS b
        )
        ELSE (
            SELECT format(' AND geom_3857 && ST_MakeEnvelope(%%s, %%s, %%s, %%s, 3857)',
                          ST_XMin(b.box), ST_YMin(b.box), ST_XMax(b.box), ST_YMax(b.box))
            FROM (SELECT ST_Expand(ST_Envelope(tapped.line), tapped.margin) AS box) AS b
        )
    END AS filter
    FROM tapped, params
    WHERE params.corridor_m IS NOT NULL
),
edges_sql AS (
    SELECT format(
        'SELECT id, source, target, %%s AS cost, %%s AS reverse_cost FROM geo_network_edge '
        'WHERE network_id = %%s AND bicycle%%s%%s',
        CASE WHEN p.along IS NULL THEN 'cost'
             ELSE format('CASE WHEN name = %%L THEN cost ELSE cost * %%s END', p.along, p.detour) END,
        CASE WHEN p.along IS NULL THEN 'reverse_cost'
             ELSE format('CASE WHEN name = %%L THEN reverse_cost ELSE reverse_cost * %%s END', p.along, p.detour)
        END,
        p.network,
        (SELECT c.filter FROM corridor AS c),
        CASE WHEN p.area_project IS NULL THEN ''
             ELSE format(' AND ST_Intersects(geom, (SELECT area FROM participation_project WHERE id = %%s))',
                         p.area_project) END
    ) AS text
    FROM params AS p
),
points AS (
    SELECT p.seq AS pid, p.edge_id, p.fraction
    FROM unnest((SELECT edge_ids FROM params), (SELECT fractions FROM params))
        WITH ORDINALITY AS p(edge_id, fraction, seq)
),
route AS (
    SELECT r.*
    FROM edges_sql, params,
        pgr_withPoints(
            edges_sql.text,
            format('SELECT pid, edge_id, fraction FROM unnest(%%L::bigint[], %%L::float8[]) '
                   'WITH ORDINALITY AS p(edge_id, fraction, pid)', params.edge_ids, params.fractions),
            format('SELECT -s AS source, -(s + 1) AS target FROM generate_series(1, %%s) AS s',
                   cardinality(params.edge_ids) - 1),
            directed => true,
            driving_side => 'b',
            details => false
        ) AS r
),
steps AS (
    -- Each row runs along `edge` from `node` to the next row's node; the last row of a leg has edge -1.
    SELECT -r.start_pid AS leg, r.path_seq, r.node, r.edge,
           lead(r.node) OVER (PARTITION BY r.start_pid ORDER BY r.path_seq) AS next_node
    FROM route AS r
),
pieces AS (
    SELECT s.leg, s.path_seq, s.edge, e.name,
           -- Where along the edge the step starts and ends: a tapped point's fraction, else a vertex.
           CASE WHEN s.node < 0 THEN ps.fraction WHEN s.node = e.source THEN 0 ELSE 1 END AS f_from,
           CASE WHEN s.next_node < 0 THEN pe.fraction WHEN s.next_node = e.source THEN 0 ELSE 1 END AS f_to,
           e.geom, e.length_m
    FROM steps AS s
    JOIN geo_network_edge AS e ON e.id = s.edge
    LEFT JOIN points AS ps ON ps.pid = -s.node
    LEFT JOIN points AS pe ON pe.pid = -s.next_node
    WHERE s.edge > 0
),
ordered AS (
    SELECT pc.*,
           CASE WHEN pc.f_from <= pc.f_to THEN ST_LineSubstring(pc.geom, pc.f_from, pc.f_to)
                ELSE ST_Reverse(ST_LineSubstring(pc.geom, pc.f_to, pc.f_from)) END AS piece,
           abs(pc.f_to - pc.f_from) * pc.length_m AS metres
    FROM pieces AS pc
),
followed AS (
    -- The edges the route follows: not the hair of an edge a point on a crossing was placed on.
    SELECT o.leg, o.path_seq, o.edge, o.name, lag(o.edge) OVER (ORDER BY o.leg, o.path_seq) AS previous_edge
    FROM ordered AS o
    WHERE o.metres >= %(min_piece_m)s
),
named AS (
    SELECT f.leg, f.path_seq, f.name, lag(f.name) OVER (ORDER BY f.leg, f.path_seq) AS previous_name
    FROM followed AS f
    WHERE f.name <> ''
),
line AS (
    -- 7 decimals, as a suggestion stores (repeated points fall away with the grid).
    SELECT ST_SnapToGrid(ST_MakeLine(o.piece ORDER BY o.leg, o.path_seq), 0.0000001) AS geom
    FROM ordered AS o
),
fitted AS (
    SELECT CASE
        WHEN ST_NPoints(line.geom) <= %(max_vertices)s THEN line.geom
        ELSE (
            SELECT s.geom
            FROM unnest(%(tolerances)s::float8[]) AS t(tolerance),
                 LATERAL (SELECT ST_SimplifyPreserveTopology(line.geom, t.tolerance) AS geom) AS s
            WHERE ST_NPoints(s.geom) <= %(max_vertices)s
            ORDER BY t.tolerance
            LIMIT 1
        )
    END AS geom
    FROM line
)
SELECT
    (SELECT count(DISTINCT leg) FROM steps) AS legs,
    ST_AsGeoJSON(fitted.geom, 7) AS geometry,
    ST_NPoints(fitted.geom) AS vertices,
    ST_Length(fitted.geom::geography) AS length_m,
    ST_IsSimple(fitted.geom) AS simple,
    (SELECT ST_CoveredBy(fitted.geom, area) FROM participation_project WHERE id = %(project)s) AS inside_area,
    (SELECT coalesce(array_agg(n.name ORDER BY n.leg, n.path_seq), '{}')
     FROM named AS n WHERE n.previous_name IS DISTINCT FROM n.name) AS streets,
    (SELECT coalesce(array_agg(f.edge ORDER BY f.leg, f.path_seq), '{}')
     FROM followed AS f WHERE f.previous_edge IS DISTINCT FROM f.edge) AS edges
FROM fitted
