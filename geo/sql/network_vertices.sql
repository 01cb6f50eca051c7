-- The network's vertices, one per position: where two or more points of the ways lie (a node that ways share,
-- or that one way passes twice) and where a way ends. Only shared positions join ways: a bridge that crosses a
-- street without a node of both is no vertex. Ids come from the vertex table's own sequence, so the new
-- vertices can be inserted beside the old ones before those are deleted.
CREATE TEMPORARY TABLE network_vertices ON COMMIT DROP AS
SELECT nextval(pg_get_serial_sequence('geo_network_vertex', 'id')) AS id, x, y
FROM pg_temp.network_points
GROUP BY x, y
HAVING count(*) > 1 OR bool_or(i = 1 OR i = last)
