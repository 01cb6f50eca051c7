-- For the map's list of layers: each layer's number of features and their bounds in WGS84 (NULL for a layer
-- without features). Parameters: layer_ids.
SELECT f.layer_id, count(*) AS features,
       ST_XMin(ST_Extent(f.geom)), ST_YMin(ST_Extent(f.geom)), ST_XMax(ST_Extent(f.geom)), ST_YMax(ST_Extent(f.geom))
FROM geo_context_feature AS f
WHERE f.layer_id = ANY (%(layer_ids)s)
GROUP BY f.layer_id;
