-- A project's streets and districts for the gazetteer, in one statement (geo.places.services.places_build).
-- Parameter: project.
--
-- Streets: the network's edges by name, one street per name (trimmed), its pieces merged into one line;
-- the point to go to is the point of the line nearest its centre. Districts: the named areas of the project's
-- districts layers, a point inside each and its bounding box.
INSERT INTO geo_place (project_id, kind, source, name, street, housenumber, postcode, label, geom, extent)
SELECT %(project)s, 'street', 'network', s.name, s.name, '', '', s.name,
       ST_ClosestPoint(s.line, ST_Centroid(s.line)), s.line
FROM (
    SELECT left(btrim(e.name), 200) AS name, ST_LineMerge(ST_Collect(e.geom)) AS line
    FROM geo_street_network AS n
    JOIN geo_network_edge AS e ON e.network_id = n.id
    WHERE n.project_id = %(project)s AND btrim(e.name) <> ''
    GROUP BY 1
) AS s
UNION ALL
SELECT %(project)s, 'district', 'districts', d.name, '', '', '', d.name, ST_PointOnSurface(d.geom),
       ST_Envelope(d.geom)
FROM (
    SELECT left(btrim(f.properties ->> 'name'), 200) AS name, f.geom
    FROM geo_context_layer AS l
    JOIN geo_context_feature AS f ON f.layer_id = l.id
    WHERE l.project_id = %(project)s AND l.role = 'districts'
      AND ST_Dimension(f.geom) = 2 AND btrim(coalesce(f.properties ->> 'name', '')) <> ''
) AS d
