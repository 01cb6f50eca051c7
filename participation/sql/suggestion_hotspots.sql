-- Hotspots for the planner dashboard: where a project's published suggestions concentrate.
--
-- Invariants:
-- * Published suggestions of one project only, read from the cluster table (geo_cluster_cell), which its
--   trigger keeps exact: pending, rejected, hidden, merged and withdrawn suggestions never count.
-- * The input is the finest cluster grid (zoom %(zoom)s: 64-px cells, about 100 m on the ground in central
--   Europe), one point per cell at the mean of its suggestions' anchors, weighted by their number. DBSCAN
--   (minpoints 1) joins cells whose centres lie within eps of each other into one hotspot; a hotspot counts
--   once it holds at least %(minpoints)s suggestions. Isolated suggestions stay noise.
-- * Web Mercator stretches distances by 1/cos(latitude), so `eps` (true metres on the ground) is scaled with
--   the project's latitude (a town spans far less than 1 %% of scale change), and `radius_m` back the same way.
--   The radius covers every member cell's centre plus half a cell's diagonal.
-- * Bounded output: the largest `max_clusters` hotspots, after clustering all cells.
--
-- Cost: why cells and not the suggestions themselves. DBSCAN over every published suggestion is a window over
-- all rows: 2.5-5.6 s for 100,000 evenly spread suggestions here, tens of seconds at 1M. The non-empty cells
-- of a town are bounded by its area (~17,000 for 170 km2) however many suggestions there are, so this costs
-- the same at 10,000 and at 1,000,000 suggestions (see docs/planning.md, "Speed").
WITH cell AS (
    SELECT cell_x, cell_y, sum(count) AS count,
           ST_SetSRID(ST_MakePoint(sum(sum_x) / sum(count), sum(sum_y) / sum(count)), 3857) AS centre
    FROM geo_cluster_cell
    WHERE project_id = %(project_id)s AND zoom = %(zoom)s
    GROUP BY cell_x, cell_y
),
member AS (
    SELECT cell_x, cell_y, count, centre,
           ST_ClusterDBSCAN(centre, eps := %(eps_m)s / cos(radians(%(latitude)s)), minpoints := 1) OVER ()
               AS cluster_id
    FROM cell
),
hotspot AS (
    SELECT cluster_id,
           sum(count) AS count,
           ST_SetSRID(ST_MakePoint(sum(ST_X(centre) * count) / sum(count),
                                   sum(ST_Y(centre) * count) / sum(count)), 3857) AS centre,
           ST_Collect(centre) AS members
    FROM member
    GROUP BY cluster_id
    HAVING sum(count) >= %(minpoints)s
    ORDER BY sum(count) DESC, cluster_id
    LIMIT %(max_clusters)s
),
top_category AS (
    SELECT DISTINCT ON (m.cluster_id) m.cluster_id, g.category_id
    FROM member AS m
    JOIN geo_cluster_cell AS g
      ON g.project_id = %(project_id)s AND g.zoom = %(zoom)s AND g.cell_x = m.cell_x AND g.cell_y = m.cell_y
    WHERE m.cluster_id IN (SELECT cluster_id FROM hotspot)
    GROUP BY m.cluster_id, g.category_id
    ORDER BY m.cluster_id, sum(g.count) DESC, g.category_id
)
SELECT h.count,
       ST_X(ST_Transform(h.centre, 4326)) AS lon,
       ST_Y(ST_Transform(h.centre, 4326)) AS lat,
       (ST_MaxDistance(h.centre, h.members) + %(cell_size)s * sqrt(2) / 2) * cos(radians(%(latitude)s))
           AS radius_m,
       c.key AS top_category
FROM hotspot AS h
JOIN top_category AS t ON t.cluster_id = h.cluster_id
JOIN participation_category AS c ON c.id = t.category_id
ORDER BY h.count DESC, h.cluster_id;
