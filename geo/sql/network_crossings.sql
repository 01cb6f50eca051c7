-- The streets meeting one street at its vertices, for the form "along <street> from <crossing street> to
-- <crossing street>": one row per crossing street and vertex (a street may meet it twice), by name. The
-- street's own edges must be open to bicycles; a crossing street is named by any edge (a footway's name
-- still says where the crossing is). Answers one row: whether the street exists, and the crossings as JSON.
WITH street AS (
    SELECT e.source, e.target
    FROM geo_network_edge AS e
    WHERE e.network_id = %(network)s AND e.bicycle AND e.name = %(street)s
),
vertices AS (
    SELECT source AS vertex FROM street
    UNION
    SELECT target FROM street
),
meeting AS (
    SELECT DISTINCT o.name, v.vertex
    FROM vertices AS v
    JOIN geo_network_edge AS o
        ON o.network_id = %(network)s AND o.source = v.vertex
    WHERE o.name <> '' AND o.name <> %(street)s
    UNION
    SELECT DISTINCT o.name, v.vertex
    FROM vertices AS v
    JOIN geo_network_edge AS o
        ON o.network_id = %(network)s AND o.target = v.vertex
    WHERE o.name <> '' AND o.name <> %(street)s
)
SELECT
    EXISTS (SELECT 1 FROM street) AS found,
    (SELECT json_agg(
                json_build_object(
                    'name', m.name,
                    'vertex', m.vertex,
                    'position', json_build_array(round(ST_X(p.geom)::numeric, 7), round(ST_Y(p.geom)::numeric, 7))
                )
                ORDER BY m.name, ST_Y(p.geom) DESC, ST_X(p.geom), m.vertex
            )
     FROM meeting AS m
     JOIN geo_network_vertex AS p ON p.id = m.vertex AND p.network_id = %(network)s) AS crossings
