-- The benchmark project's existing facilities: `facilities` points of one layer, spread as the suggestions
-- are (around the same hotspots with the same spreads, 12 percent anywhere in the area), so the nearest
-- facility of a suggestion is usually close and sometimes far, as in a real city. Run by benchmarks/seed.py
-- in the transaction of seed_project.sql, whose bench_area and bench_hotspot it reads.
--
-- Reproducible: its own setseed(), every random() drawn in the scan order of a generate_series; candidates
-- are drawn in surplus and those outside the area dropped.
SELECT setseed(%(facility_seed)s);

INSERT INTO geo_context_feature (layer_id, geom, properties, source_id)
SELECT %(layer_id)s, f.geom, jsonb_build_object('name', 'Bench facility ' || row_number() OVER (ORDER BY f.n)),
       'bench-' || row_number() OVER (ORDER BY f.n)
FROM (
    SELECT d.n,
           ST_SetSRID(ST_MakePoint(
               round((CASE WHEN d.u_kind < 0.12 THEN a.west + d.ux * (a.east - a.west)
                           ELSE h.cx + h.sigma / a.coslat * d.radius * cos(d.angle) END)::numeric, 7),
               round((CASE WHEN d.u_kind < 0.12 THEN a.south + d.uy * (a.north - a.south)
                           ELSE h.cy + h.sigma * d.radius * sin(d.angle) END)::numeric, 7)
           ), 4326) AS geom
    FROM (
        SELECT g AS n,
               random() AS u_kind,
               1 + floor(%(hotspots)s * power(random(), 1.8))::int AS hotspot,
               sqrt(-2 * ln(1 - random())) AS radius,
               2 * pi() * random() AS angle,
               random() AS ux, random() AS uy
        FROM generate_series(1, %(facility_candidates)s) AS g
    ) AS d
    JOIN bench_hotspot AS h ON h.n = d.hotspot
    CROSS JOIN bench_area AS a
) AS f, bench_area AS a
WHERE ST_Intersects(a.area, f.geom)
ORDER BY f.n
LIMIT %(facilities)s;
