-- The benchmark project's addresses for place search (issue 24): exactly `addresses` house numbers along the
-- streets seed_network.sql has just drawn, in the same transaction (it reads its bench_net_edge and
-- bench_net_name). Each edge gets its share (2 or 3 at the full scale), spread along it; numbers run along
-- each street from its west or south end, odd ones 8 m to the left of the centre line, even ones 8 m to the
-- right, 4 percent with a letter ("12a").
--
-- Until the gazetteer (geo/places/) is on this branch they go to the staging table bench_address (street,
-- housenumber, lon, lat), replaced per project; benchmarks/network_seed.py moves them on from there.
-- Reproducible as seed_network.sql (random() in scan order after its setseed()).
-- Parameters: project_id, edges, addresses.
CREATE TABLE IF NOT EXISTS bench_address (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id bigint NOT NULL,
    street text NOT NULL,
    housenumber text NOT NULL,
    lon double precision NOT NULL,
    lat double precision NOT NULL
);
DELETE FROM bench_address WHERE project_id = %(project_id)s;

INSERT INTO bench_address (project_id, street, housenumber, lon, lat)
SELECT %(project_id)s, h.name, h.number::text || CASE WHEN h.u < 0.04 THEN 'a' ELSE '' END,
       round((ST_X(h.geom) + CASE WHEN h.line >= 100000 THEN h.side * 8 / (111320 * a.coslat) ELSE 0 END)::numeric,
             7)::float8,
       round((ST_Y(h.geom) + CASE WHEN h.line < 100000 THEN h.side * 8 / 111320.0 ELSE 0 END)::numeric, 7)::float8
FROM (
    SELECT s.*, CASE WHEN s.number %% 2 = 1 THEN 1 ELSE -1 END AS side
    FROM (
        SELECT e.line, nm.name, random() AS u,
               row_number() OVER (PARTITION BY e.line ORDER BY e.pos, k) AS number,
               ST_LineInterpolatePoint(e.geom, (k - 0.5) / e.share) AS geom
        FROM (
            SELECT b.line, b.pos, b.geom, b.n,
                   (floor(%(addresses)s::numeric * b.n / %(edges)s)
                    - floor(%(addresses)s::numeric * (b.n - 1) / %(edges)s))::int AS share
            FROM bench_net_edge AS b
        ) AS e
        JOIN bench_net_name AS nm ON nm.line = e.line
        CROSS JOIN LATERAL generate_series(1, e.share) AS k
        ORDER BY e.n, k
    ) AS s
) AS h
CROSS JOIN bench_net_area AS a;
