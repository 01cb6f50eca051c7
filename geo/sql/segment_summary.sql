-- A project's demand per segment in a few figures: the segments with demand, the suggested paths matched to
-- its network (published ones), and the class breaks of the map's colours (quintiles of demand over the
-- segments that have any) and their extent (west, south, east, north), where the map opens, from the stored
-- figures.
SELECT count(*) AS segments,
       (SELECT count(DISTINCT m.suggestion_id)
        FROM geo_suggestion_edge AS m
        JOIN participation_suggestion AS s ON s.id = m.suggestion_id
        WHERE m.project_id = %(project_id)s AND s.moderation_state = 'published') AS paths,
       coalesce(percentile_disc(ARRAY[0.2, 0.4, 0.6, 0.8]) WITHIN GROUP (ORDER BY d.suggestions + d.supports),
                '{}') AS breaks,
       coalesce(max(d.suggestions + d.supports), 0) AS most,
       ST_XMin(ST_Extent(e.geom)) AS west, ST_YMin(ST_Extent(e.geom)) AS south,
       ST_XMax(ST_Extent(e.geom)) AS east, ST_YMax(ST_Extent(e.geom)) AS north
FROM geo_segment_demand AS d
JOIN geo_network_edge AS e ON e.id = d.edge_id
WHERE d.project_id = %(project_id)s AND d.suggestions > 0;
