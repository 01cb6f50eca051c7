-- Marks the edges open to bicycles in a small part of one network that the rest never reaches (a path in a
-- park cut off at the extract's edge, a courtyard, a bridge whose ramps are missing): a tap near one is
-- placed on the nearest street of the connected network instead, if that is within reach
-- (network_route_snap.sql), so a route can be found. Small: fewer than %(small)s crossings, and not the
-- network's largest part (pgRouting's components of the bicycle edges, either way).
--
-- Writes only the edges whose mark changes (a new network has none marked), so the rows keep the order the
-- import wrote them in. The answer is the count of edges now marked. Parameters: network, small.
WITH parts AS (
    SELECT c.node, c.component
    FROM pgr_connectedComponents(format(
        'SELECT id, source, target, 1.0::float8 AS cost, 1.0::float8 AS reverse_cost FROM geo_network_edge '
        'WHERE network_id = %%s AND bicycle', %(network)s::bigint
    )) AS c
),
sizes AS (
    SELECT component, count(*) AS crossings FROM parts GROUP BY component
),
small AS (
    SELECT s.component
    FROM sizes AS s
    WHERE s.crossings < %(small)s
      AND s.component <> (SELECT component FROM sizes ORDER BY crossings DESC, component LIMIT 1)
),
stranded AS (
    SELECT e.id
    FROM geo_network_edge AS e
    JOIN parts AS p ON p.node = e.source
    WHERE e.network_id = %(network)s AND e.bicycle AND p.component IN (SELECT component FROM small)
),
changed AS (
    UPDATE geo_network_edge AS e
    SET stranded = NOT e.stranded
    WHERE e.network_id = %(network)s AND e.stranded <> (e.id IN (SELECT id FROM stranded))
    RETURNING 1
)
SELECT (SELECT count(*) FROM stranded) AS marked, (SELECT count(*) FROM changed) AS changed
