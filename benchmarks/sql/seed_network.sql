-- The benchmark project's street network (issue 24): a synthetic city of exactly `edges` edges in the
-- project area, in pgRouting's shape (geo.network.models), replacing the project's network if it has one.
-- Run by benchmarks/network_seed.py in one transaction.
--
-- A jittered grid over the area (blocks of about 40 m at the full scale, drawn so that the area holds a
-- quarter more candidate edges than wanted), every grid line one named street, crossings where lines meet.
-- The `edges` candidates nearest the area's centre are kept: a compact, connected city. Every tenth line is
-- a `secondary` road, every thirtieth a `primary` one, the rest `residential`; 12 percent of the residential
-- edges are one-way (a bicycle may ride them one way only: the other cost is negative), 3 percent of all
-- edges are closed to bicycles (both costs negative). Costs are metres (geography length).
--
-- Reproducible: setseed(), every random() drawn in the scan order of generate_series; ids depend on the
-- sequences. Parameters: project_id, edges, seed.
SELECT setseed(%(seed)s);

DELETE FROM geo_network_edge
WHERE network_id IN (SELECT id FROM geo_street_network WHERE project_id = %(project_id)s);
DELETE FROM geo_network_vertex
WHERE network_id IN (SELECT id FROM geo_street_network WHERE project_id = %(project_id)s);
DELETE FROM geo_street_network WHERE project_id = %(project_id)s;

INSERT INTO geo_street_network (
    project_id, name, source_name, attribution, licence, generation, imported_at, import_report, updated_at
)
VALUES (%(project_id)s, 'Bench grid', 'benchmarks/sql/seed_network.sql',
        'Invented benchmark network (make bench), no real streets', '', 1, now(),
        jsonb_build_object('edges', %(edges)s), now());

-- Metres between grid lines: a square grid has about two edges per crossing.
CREATE TEMP TABLE bench_net_area ON COMMIT DROP AS
SELECT n.id AS network_id, p.area, ST_X(ST_Centroid(p.area)) AS cx, ST_Y(ST_Centroid(p.area)) AS cy,
       ST_XMin(p.area) AS west, ST_YMin(p.area) AS south, ST_XMax(p.area) AS east, ST_YMax(p.area) AS north,
       cos(radians(ST_Y(ST_Centroid(p.area)))) AS coslat,
       sqrt(2 * ST_Area(p.area::geography) / (%(edges)s * 1.25)) AS step_m
FROM participation_project AS p
JOIN geo_street_network AS n ON n.project_id = p.id
WHERE p.id = %(project_id)s;

-- The crossings inside the area: grid point (i, j), moved by up to 15 percent of a block either way.
CREATE TEMP TABLE bench_net_grid ON COMMIT DROP AS
SELECT g.i, g.j, g.geom
FROM (
    SELECT i, j,
           ST_SetSRID(ST_MakePoint(
               round((a.west + (i + 0.3 * (random() - 0.5)) * a.step_m / (111320 * a.coslat))::numeric, 7),
               round((a.south + (j + 0.3 * (random() - 0.5)) * a.step_m / 111320)::numeric, 7)
           ), 4326) AS geom
    FROM bench_net_area AS a
    CROSS JOIN generate_series(0, ceil((a.east - a.west) * 111320 * a.coslat / a.step_m)::int) AS i
    CROSS JOIN generate_series(0, ceil((a.north - a.south) * 111320 / a.step_m)::int) AS j
    ORDER BY i, j
) AS g, bench_net_area AS a
WHERE ST_Intersects(a.area, g.geom);
CREATE UNIQUE INDEX ON bench_net_grid (i, j);
ANALYZE bench_net_grid;

-- The candidate edges (east and north of each crossing), the `edges` nearest the centre kept. `line` numbers
-- the streets: west-east lines by j, south-north lines after them by i; `pos` orders the edges along a line.
CREATE TEMP TABLE bench_net_edge ON COMMIT DROP AS
SELECT row_number() OVER (ORDER BY c.dist, c.line, c.pos) AS n, c.*
FROM (
    SELECT e.line, e.pos, e.a_i, e.a_j, e.b_i, e.b_j, e.geom,
           power((ST_X(ST_Centroid(e.geom)) - a.cx) * a.coslat, 2) + power(ST_Y(ST_Centroid(e.geom)) - a.cy, 2)
               AS dist
    FROM (
        SELECT 'we' AS axis, p.j AS line, p.i AS pos, p.i AS a_i, p.j AS a_j, q.i AS b_i, q.j AS b_j,
               ST_MakeLine(p.geom, q.geom) AS geom
        FROM bench_net_grid AS p JOIN bench_net_grid AS q ON q.i = p.i + 1 AND q.j = p.j
        UNION ALL
        SELECT 'sn', 100000 + p.i, p.j, p.i, p.j, q.i, q.j, ST_MakeLine(p.geom, q.geom)
        FROM bench_net_grid AS p JOIN bench_net_grid AS q ON q.i = p.i AND q.j = p.j + 1
    ) AS e, bench_net_area AS a
) AS c
ORDER BY 1
LIMIT %(edges)s;
ANALYZE bench_net_edge;

-- The crossings the kept edges use, with ids from the table's own sequence.
CREATE TEMP TABLE bench_net_vertex ON COMMIT DROP AS
SELECT nextval(pg_get_serial_sequence('geo_network_vertex', 'id')) AS id, g.i, g.j, g.geom
FROM (SELECT a_i AS i, a_j AS j FROM bench_net_edge UNION SELECT b_i, b_j FROM bench_net_edge) AS u
JOIN bench_net_grid AS g USING (i, j)
ORDER BY g.i, g.j;
ANALYZE bench_net_vertex;

INSERT INTO geo_network_vertex (id, network_id, geom)
SELECT v.id, a.network_id, v.geom FROM bench_net_vertex AS v, bench_net_area AS a ORDER BY v.id;

-- Street names: 50 stems x 20 kinds, one name per line (1,000 names for at most 1,000 lines).
CREATE TEMP TABLE bench_net_name ON COMMIT DROP AS
SELECT l.line,
       (ARRAY['Kaiser', 'Linden', 'Garten', 'Mühl', 'Schützen', 'Bürger', 'Brücken', 'Kirch', 'Schloss',
              'Wald', 'Wiesen', 'Rosen', 'Eichen', 'Birken', 'Buchen', 'Ahorn', 'Tannen', 'Fichten', 'Ulmen',
              'Kastanien', 'Akademie', 'Ritter', 'Herren', 'Kriegs', 'Hirsch', 'Adler', 'Löwen', 'Sonnen',
              'Stern', 'Rhein', 'Alb', 'Pfinz', 'Durlacher', 'Ettlinger', 'Rüppurrer', 'Gottesauer',
              'Goethe', 'Schiller', 'Hebel', 'Scheffel', 'Moltke', 'Stephanien', 'Sophien', 'Amalien',
              'Karl', 'Wilhelm', 'Friedrich', 'Luisen', 'Gärtner', 'Küfer'])[1 + l.k %% 50]
       || (ARRAY['straße', 'weg', 'allee', 'gasse', 'ring', 'pfad', 'steige', 'damm', 'zeile', 'ufer',
                 'platz', 'graben', 'hof', 'anger', 'berg', 'feld', 'garten', 'brücke', 'markt', 'tor'])
          [1 + (l.k / 50) %% 20] AS name,
       CASE WHEN l.k %% 30 = 0 THEN 'primary' WHEN l.k %% 10 = 0 THEN 'secondary' ELSE 'residential' END
           AS highway
FROM (
    SELECT line, (row_number() OVER (ORDER BY line) - 1)::int AS k
    FROM (SELECT DISTINCT line FROM bench_net_edge) AS d
) AS l;

INSERT INTO geo_network_edge (
    network_id, source, target, cost, reverse_cost, length_m, bicycle, name, highway, osm_way_id, geom
)
SELECT a.network_id, s.id, t.id,
       CASE WHEN NOT d.bicycle THEN -1 WHEN d.oneway = 2 THEN -1 ELSE d.length_m END,
       CASE WHEN NOT d.bicycle THEN -1 WHEN d.oneway = 1 THEN -1 ELSE d.length_m END,
       d.length_m, d.bicycle, d.name, d.highway, NULL, d.geom
FROM (
    SELECT e.n, e.a_i, e.a_j, e.b_i, e.b_j, e.geom, nm.name, nm.highway,
           round(ST_Length(e.geom::geography)::numeric, 2)::float8 AS length_m,
           random() >= 0.03 AS bicycle,
           -- 0: both ways; 1: only from source to target; 2: only back
           CASE WHEN nm.highway = 'residential' AND random() < 0.12 THEN 1 + (random() < 0.5)::int ELSE 0 END
               AS oneway
    FROM bench_net_edge AS e
    JOIN bench_net_name AS nm ON nm.line = e.line
    ORDER BY e.n
) AS d
JOIN bench_net_vertex AS s ON (s.i, s.j) = (d.a_i, d.a_j)
JOIN bench_net_vertex AS t ON (t.i, t.j) = (d.b_i, d.b_j)
CROSS JOIN bench_net_area AS a
-- As an import writes them (geo/sql/network_replace.sql): in the geometries' order.
ORDER BY d.geom;
