-- The bulk of one benchmark project: suggestions clustered around hotspots, supports and comments, with
-- counters equal to the rows. Run by benchmarks/seed.py in one transaction, with the cluster triggers of
-- participation_suggestion disabled (the cells are rebuilt afterwards in one pass).
--
-- Reproducible: setseed() fixes random() for this session, every random() is drawn in the scan order of a
-- generate_series or of a table ordered by id, and no date depends on the clock. The same seed and sizes give
-- the same rows (ids aside, which depend on what the sequences handed out before).
--
-- Where demand is: `hotspots` centres drawn inside the project area (ST_GeneratePoints with the seed), each
-- with a popularity (a few are far more popular than the rest) and a spread of 150-1,000 m; 88 percent of the
-- suggestions fall around a hotspot (a 2D gaussian), 12 percent anywhere in the area. Every geometry is inside the
-- area (a line entirely): candidates are drawn in surplus and those outside dropped.
SELECT setseed(%(seed)s);

CREATE TEMP TABLE bench_area ON COMMIT DROP AS
SELECT area, ST_XMin(area) AS west, ST_YMin(area) AS south, ST_XMax(area) AS east, ST_YMax(area) AS north,
       cos(radians(ST_Y(ST_Centroid(area)))) AS coslat
FROM participation_project WHERE id = %(project_id)s;

CREATE TEMP TABLE bench_hotspot ON COMMIT DROP AS
SELECT d.path[1] AS n, ST_X(d.geom) AS cx, ST_Y(d.geom) AS cy,
       -- 150..1,000 m as degrees of latitude
       (150 + 850 * random()) / 111320.0 AS sigma
FROM bench_area AS a, ST_Dump(ST_GeneratePoints(a.area, %(hotspots)s, %(seed_int)s)) AS d
ORDER BY d.path[1];

-- A point drawn around a hotspot (popular ones more often: index = hotspots * u^1.8) or, for 12 percent,
-- uniformly in the area's bounding box; `n` orders the draws.
CREATE TEMP TABLE bench_draw ON COMMIT DROP AS
SELECT g AS n,
       random() AS u_kind,
       1 + floor(%(hotspots)s * power(random(), 1.8))::int AS hotspot,
       sqrt(-2 * ln(1 - random())) AS radius,
       2 * pi() * random() AS angle,
       random() AS ux, random() AS uy
FROM generate_series(1, %(candidates)s) AS g;

CREATE TEMP TABLE bench_anchor ON COMMIT DROP AS
SELECT d.n,
       CASE WHEN d.u_kind < 0.12 THEN a.west + d.ux * (a.east - a.west)
            ELSE h.cx + h.sigma / a.coslat * d.radius * cos(d.angle) END AS x,
       CASE WHEN d.u_kind < 0.12 THEN a.south + d.uy * (a.north - a.south)
            ELSE h.cy + h.sigma * d.radius * sin(d.angle) END AS y
FROM bench_draw AS d
JOIN bench_hotspot AS h ON h.n = d.hotspot
CROSS JOIN bench_area AS a
ORDER BY d.n;

-- Points: the first `points` anchors inside the area.
CREATE TEMP TABLE bench_geom ON COMMIT DROP AS
SELECT row_number() OVER (ORDER BY p.n) AS n, 'point' AS kind, p.geom
FROM (
    SELECT b.n, ST_SetSRID(ST_MakePoint(round(b.x::numeric, 7), round(b.y::numeric, 7)), 4326) AS geom
    FROM bench_anchor AS b
    WHERE b.n <= %(point_candidates)s
) AS p, bench_area AS a
WHERE ST_Intersects(a.area, p.geom)
ORDER BY p.n
LIMIT %(points)s;

-- Lines (bike paths): 2-8 vertices from a later anchor, each step 60-400 m in a heading that wanders
-- at most 35 degrees from the line's own; only lines entirely inside the area.
INSERT INTO bench_geom (n, kind, geom)
SELECT %(points)s + row_number() OVER (ORDER BY l.n), 'line', l.geom
FROM (
    SELECT v.n, ST_MakeLine(array_agg(ST_SetSRID(ST_MakePoint(round(v.x::numeric, 7), round(v.y::numeric, 7)),
                                                 4326) ORDER BY v.k)) AS geom
    FROM (
        SELECT s.n, s.k,
               s.x0 + sum(s.dx) OVER w AS x,
               s.y0 + sum(s.dy) OVER w AS y
        FROM (
            SELECT b.n, k.k, b.x AS x0, b.y AS y0,
                   CASE WHEN k.k = 0 THEN 0 ELSE
                       (60 + 340 * random()) / 111320.0 / a.coslat * cos(b.heading + (random() - 0.5) * 1.2)
                   END AS dx,
                   CASE WHEN k.k = 0 THEN 0 ELSE
                       (60 + 340 * random()) / 111320.0 * sin(b.heading + (random() - 0.5) * 1.2)
                   END AS dy
            FROM (
                SELECT n, x, y, 2 * pi() * random() AS heading, 2 + floor(7 * random())::int AS vertices
                FROM bench_anchor
                WHERE n > %(point_candidates)s
                ORDER BY n
            ) AS b
            CROSS JOIN bench_area AS a
            CROSS JOIN LATERAL generate_series(0, b.vertices - 1) AS k (k)
        ) AS s
        WINDOW w AS (PARTITION BY s.n ORDER BY s.k ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
    ) AS v
    GROUP BY v.n
) AS l, bench_area AS a
WHERE ST_Covers(a.area, l.geom) AND ST_IsValid(l.geom)
ORDER BY l.n
LIMIT %(lines)s;

-- The suggestions' attributes: category by kind, a moderation mix (90 percent published), planning statuses with
-- official answers, creation dates over half a year, and titles and texts of realistic length.
CREATE TEMP TABLE bench_suggestion ON COMMIT DROP AS
SELECT nextval(pg_get_serial_sequence('participation_suggestion', 'id')) AS id, x.*
FROM (
    SELECT r.n, r.geom, r.kind,
           CASE WHEN r.kind = 'line' THEN %(cat_line)s::bigint
                WHEN r.u_cat < 0.42 THEN %(cat_charging)s::bigint
                WHEN r.u_cat < 0.72 THEN %(cat_sharing)s::bigint
                ELSE %(cat_comment)s::bigint END AS category_id,
           CASE WHEN r.u_state < 0.90 THEN 'published' WHEN r.u_state < 0.94 THEN 'pending'
                WHEN r.u_state < 0.97 THEN 'rejected' WHEN r.u_state < 0.99 THEN 'hidden'
                ELSE 'withdrawn' END AS moderation_state,
           CASE WHEN r.u_state >= 0.90 THEN 'received'
                WHEN r.u_status < 0.50 THEN 'received' WHEN r.u_status < 0.70 THEN 'under_review'
                WHEN r.u_status < 0.83 THEN 'planned' WHEN r.u_status < 0.90 THEN 'implemented'
                ELSE 'declined' END AS planning_status,
           1 + floor(8 * r.u_title)::int AS title_no,
           1 + floor(6 * r.u_text)::int AS text_no,
           timestamptz '2026-04-01 06:00:00+00' + (r.u_created * 180 * 86400) * interval '1 second'
               AS created_at,
           r.u_update
    FROM (
        SELECT g.n, g.geom, g.kind, random() AS u_cat, random() AS u_state, random() AS u_status,
               random() AS u_title, random() AS u_text, random() AS u_created, random() AS u_update
        FROM bench_geom AS g
        ORDER BY g.n
    ) AS r
    -- Ids follow the submission time, as they do in the app: points and lines interleave in id order.
    ORDER BY created_at, r.n
) AS x;

-- Supports: up to 13 per suggestion, most suggestions with none or one, from distinct accounts (an
-- injective mapping of the draw number to one of the bench users), exactly `supports` of them.
CREATE TEMP TABLE bench_support ON COMMIT DROP AS
SELECT t.suggestion_id, t.k, t.created_at
FROM (
    SELECT s.id AS suggestion_id, k.k, s.created_at + (k.k + 1) * interval '7 hours' AS created_at,
           row_number() OVER (ORDER BY s.u_pick, k.k) AS rank
    FROM (
        SELECT id, created_at, floor(14 * power(random(), 3.2))::int AS wanted, random() AS u_pick
        FROM bench_suggestion
        WHERE moderation_state = 'published'
        ORDER BY id
    ) AS s
    CROSS JOIN LATERAL generate_series(1, s.wanted) AS k (k)
) AS t
WHERE t.rank <= %(supports)s;

-- Comments on published suggestions (several on popular ones), 95 percent of them published.
CREATE TEMP TABLE bench_comment ON COMMIT DROP AS
SELECT p.id AS suggestion_id,
       CASE WHEN d.u_state < 0.95 THEN 'published' WHEN d.u_state < 0.98 THEN 'pending' ELSE 'hidden' END
           AS state,
       1 + floor(6 * d.u_text)::int AS text_no,
       1 + floor(8 * d.u_name)::int AS name_no,
       p.created_at + (1 + d.u_when * 20) * interval '1 day' AS created_at
FROM (
    -- the suggestion at a skewed position among all: the low end gets more comments
    SELECT g, 1 + floor((SELECT count(*) FROM bench_suggestion) * power(random(), 1.4))::bigint AS target,
           random() AS u_state, random() AS u_text, random() AS u_name, random() AS u_when
    FROM generate_series(1, %(comments)s * 3) AS g
) AS d
JOIN bench_suggestion AS p ON p.n = d.target AND p.moderation_state = 'published'
ORDER BY d.g
LIMIT %(comments)s;
