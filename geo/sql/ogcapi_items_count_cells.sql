-- numberMatched of an OGC API suggestion collection without bbox, datetime or filter: its published
-- suggestions in the chosen categories, read from the cluster aggregate the triggers keep exact
-- (geo/sql/cluster_trigger.sql). At zoom 0 every published suggestion counts once, in one of 16 cells: a few
-- rows of the unique index (project, zoom, …), whatever the size of the project.
SELECT coalesce(sum(c.count), 0)::bigint
FROM geo_cluster_cell AS c
WHERE c.project_id = %(project_id)s
  AND c.zoom = 0
  AND c.category_id = ANY (%(category_ids)s::bigint[])
