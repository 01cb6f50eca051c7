-- Recompute geo_cluster_cell from the suggestions, for one project or (project_id NULL) for all: repair
-- after a restore or a bug, and bulk loads that ran with the trigger disabled.
-- Same rules as the trigger (geo/sql/cluster_trigger.sql): published suggestions only, the same anchor and
-- grid functions, so a rebuild reproduces exactly what the trigger maintains.
--
-- Run inside a transaction. The lock lets map reads go on (they see the old cells until commit) but makes
-- the trigger of any concurrent writer wait: a change whose trigger ran before the lock was taken has
-- committed before the snapshot below (the lock waits for it), a change whose trigger runs later applies
-- its delta on top of the rebuilt rows. Nothing is lost or counted twice.
LOCK TABLE geo_cluster_cell IN SHARE ROW EXCLUSIVE MODE;

DELETE FROM geo_cluster_cell
WHERE %(project_id)s::bigint IS NULL OR project_id = %(project_id)s::bigint;

INSERT INTO geo_cluster_cell (project_id, zoom, cell_x, cell_y, category_id, count, sum_x, sum_y)
SELECT s.project_id, c.zoom, c.cell_x, c.cell_y, s.category_id, count(*), sum(c.x), sum(c.y)
FROM participation_suggestion AS s
CROSS JOIN LATERAL geo_cluster_cells(geo_suggestion_anchor(s.geom_3857)) AS c
WHERE s.moderation_state = 'published'
  AND (%(project_id)s::bigint IS NULL OR s.project_id = %(project_id)s::bigint)
GROUP BY s.project_id, c.zoom, c.cell_x, c.cell_y, s.category_id;
