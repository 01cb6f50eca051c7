-- Hotspots for the planner dashboard: where a project's published suggestions concentrate.
--
-- Invariants:
-- * Published suggestions of one project only: pending, rejected, hidden, merged and withdrawn ones never
--   make or grow a hotspot.
-- * DBSCAN on geom_3857 (points, and lines by their nearest parts). Web Mercator stretches distances by
--   1/cos(latitude), so `eps` (true metres on the ground) is scaled with the project's latitude: a project
--   area spans a town, where the scale changes by well under 1 %%. `radius_m` is scaled back the same way.
-- * A suggestion within eps of `minpoints - 1` others is a core point; noise (cluster id NULL) is dropped.
-- * Bounded output: the largest `max_clusters` hotspots; all rows are clustered first (a LIMIT before
--   clustering would change which hotspots exist), only the answer is cut.
--
-- Cost: ST_ClusterDBSCAN is a window function over every published suggestion of the project; PostGIS builds
-- its own in-memory tree for the neighbour search, so it is O(n log n) in time and O(n) in memory (the rows
-- are read once through the project's published index or a sequential scan). Measured on this machine kind
-- (PostGIS 3.3) with 100,000 evenly spread suggestions (one giant cluster, the worst case for the
-- aggregates): 2.5-5.6 s. At 1M expect tens of seconds: fine for an occasional planner's look, not for a page
-- request under load; the next step is a cached or nightly table of hotspots (README "## Planning").
WITH member AS (
    SELECT s.category_id, s.geom_3857,
           ST_ClusterDBSCAN(s.geom_3857, eps := %(eps_m)s / cos(radians(%(latitude)s)),
                            minpoints := %(minpoints)s) OVER () AS cluster_id
    FROM participation_suggestion AS s
    WHERE s.project_id = %(project_id)s
      AND s.moderation_state = 'published'
),
hotspot AS (
    SELECT cluster_id,
           count(*) AS count,
           ST_Centroid(ST_Collect(geom_3857)) AS centre,
           ST_Collect(geom_3857) AS members,
           mode() WITHIN GROUP (ORDER BY category_id) AS top_category_id
    FROM member
    WHERE cluster_id IS NOT NULL
    GROUP BY cluster_id
    ORDER BY count(*) DESC, cluster_id
    LIMIT %(max_clusters)s
)
SELECT h.count,
       ST_X(ST_Transform(h.centre, 4326)) AS lon,
       ST_Y(ST_Transform(h.centre, 4326)) AS lat,
       -- The farthest member from the centre, in ground metres: the circle that covers the hotspot.
       ST_MaxDistance(h.centre, h.members) * cos(radians(%(latitude)s)) AS radius_m,
       c.key AS top_category
FROM hotspot AS h
JOIN participation_category AS c ON c.id = h.top_category_id
ORDER BY h.count DESC, h.cluster_id;
