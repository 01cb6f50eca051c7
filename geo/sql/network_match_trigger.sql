-- Suggested paths matched to the street network (geo_suggestion_edge) and the demand per street segment
-- (geo_segment_demand), kept exact by PostgreSQL itself.
--
-- The readable copy of what the database runs; migrations never read it. The latest migration that carries
-- NETWORK_MATCH_TRIGGER_SQL (geo 0019) holds this very text, and tests/test_migrations.py compares them.
--
-- Why triggers: like the cluster cells and the coverage analysis (cluster_trigger.sql,
-- analysis_trigger.sql), the figures must never drift from the suggestions however a row changes
-- (services, admin, moderation, bulk SQL), and a rolled-back change must leave no trace. Statement triggers
-- with transition tables: a bulk change nets its deltas per edge first and touches each figure row once.
-- Deltas rather than recounts: two transactions adding to the same edge each add their own, where a
-- recount from each one's snapshot would lose the other's.
--
-- What a path is matched against is its project's street network (geo/network). An import replaces the
-- edges; geo_network_rematch below then matches every path of the project again (the import's signal, in
-- the worker). In between, the trigger matches new and moved paths against the edges as they are.

-- The edges of a project's network that a line follows: the edge lies within 15 m of the line along at
-- least half of its length (`share`, the part of the edge within the corridor), and the edge runs along the
-- line rather than across it: its two ends, projected onto the line, lie at least half the edge's length
-- apart. A crossing street meets the corridor only near the crossing (a small share) and projects onto one
-- point of the line; a short stub at a crossing may lie wholly in the corridor, and the projection refuses
-- it. Measured in Web Mercator with the tolerance scaled by 1/cos(latitude), the local scale factor. The
-- corridor is built once per line and only when an edge is near (MATERIALIZED: inlined, it would be built
-- for every edge; a project without a network, or a line far from it, costs an index probe).
CREATE OR REPLACE FUNCTION geo_network_edges_along(p_project bigint, p_geom geometry)
RETURNS TABLE (edge_id bigint, share double precision)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    WITH line AS MATERIALIZED (
        SELECT ST_Transform(p_geom, 3857) AS g, 15.0 / cos(radians(ST_Y(ST_Centroid(p_geom)))) AS tolerance
        WHERE ST_GeometryType(p_geom) = 'ST_LineString'
    ),
    near AS MATERIALIZED (
        SELECT e.id, e.geom_3857 AS geom
        FROM line
        JOIN geo_street_network AS n ON n.project_id = p_project
        JOIN geo_network_edge AS e ON e.network_id = n.id
        WHERE ST_DWithin(e.geom_3857, line.g, line.tolerance)
    ),
    corridor AS MATERIALIZED (
        SELECT line.g, ST_Length(line.g) AS length, ST_Buffer(line.g, line.tolerance, 'quad_segs=4') AS area
        FROM line
        WHERE EXISTS (SELECT FROM near)
    ),
    measured AS (
        SELECT near.id, ST_Length(near.geom) AS length,
               ST_Length(ST_Intersection(near.geom, corridor.area)) AS inside,
               abs(ST_LineLocatePoint(corridor.g, ST_StartPoint(near.geom))
                   - ST_LineLocatePoint(corridor.g, ST_EndPoint(near.geom))) * corridor.length AS along
        FROM near CROSS JOIN corridor
    )
    SELECT id, least(inside / length, 1.0)
    FROM measured
    WHERE length > 0 AND inside >= 0.5 * length AND along >= 0.5 * length
    ORDER BY id
$$;

-- Match suggestions (by id) again, replacing their matches. Only lines follow streets.
CREATE OR REPLACE FUNCTION geo_network_match(ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    DELETE FROM geo_suggestion_edge WHERE suggestion_id = ANY (ids);
    INSERT INTO geo_suggestion_edge (suggestion_id, edge_id, project_id, share)
    SELECT s.id, m.edge_id, s.project_id, m.share
    FROM participation_suggestion AS s
    CROSS JOIN LATERAL geo_network_edges_along(s.project_id, s.geom) AS m
    WHERE s.id = ANY (ids) AND ST_GeometryType(s.geom) = 'ST_LineString'
    ORDER BY s.id, m.edge_id;
$$;

-- Add signed contributions to the demand, netted per edge, each row once and in key order (concurrent
-- writers never wait for each other in a cycle). A contribution: one published suggestion along an edge
-- (sign ±1) with its supports. Rows that fall to zero stay (readers skip them): deleting them would race
-- with a concurrent writer adding to the same edge.
CREATE OR REPLACE FUNCTION geo_segment_demand_apply(
    edge_ids bigint[], project_ids bigint[], signs integer[], supports bigint[]
)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO geo_segment_demand AS g (edge_id, project_id, suggestions, supports)
    SELECT d.edge_id, d.project_id, d.suggestions, d.supports
    FROM (
        SELECT u.edge_id, max(u.project_id) AS project_id, sum(u.sign) AS suggestions,
               sum(u.sign * u.supports) AS supports
        FROM unnest(edge_ids, project_ids, signs, supports) AS u (edge_id, project_id, sign, supports)
        GROUP BY u.edge_id
    ) AS d
    WHERE d.suggestions <> 0 OR d.supports <> 0
    ORDER BY d.edge_id
    ON CONFLICT (edge_id) DO UPDATE
    SET suggestions = g.suggestions + excluded.suggestions, supports = g.supports + excluded.supports,
        project_id = excluded.project_id;
$$;

-- A project's matches and demand, whole: after its network was replaced, and for repair. The matching runs
-- first into a temporary table without a lock (it is the slow part); then, with the two tables locked
-- against the triggers of concurrent writers, the matches of paths that did not move meanwhile are stored,
-- paths added or moved meanwhile are matched now, and the demand is counted again from the matches.
CREATE OR REPLACE FUNCTION geo_network_rematch(p_project bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    CREATE TEMP TABLE geo_network_matched ON COMMIT DROP AS
    SELECT s.id AS suggestion_id, s.geom, m.edge_id, m.share
    FROM participation_suggestion AS s
    LEFT JOIN LATERAL geo_network_edges_along(s.project_id, s.geom) AS m ON true
    WHERE s.project_id = p_project AND ST_GeometryType(s.geom) = 'ST_LineString';

    LOCK TABLE geo_suggestion_edge, geo_segment_demand IN SHARE ROW EXCLUSIVE MODE;

    DELETE FROM geo_suggestion_edge WHERE project_id = p_project;
    INSERT INTO geo_suggestion_edge (suggestion_id, edge_id, project_id, share)
    SELECT m.suggestion_id, m.edge_id, p_project, m.share
    FROM geo_network_matched AS m
    JOIN participation_suggestion AS s ON s.id = m.suggestion_id
    WHERE m.edge_id IS NOT NULL AND s.project_id = p_project AND s.geom = m.geom
    ORDER BY m.suggestion_id, m.edge_id;

    PERFORM geo_network_match(late.ids)
    FROM (
        SELECT array_agg(s.id ORDER BY s.id) AS ids
        FROM participation_suggestion AS s
        WHERE s.project_id = p_project AND ST_GeometryType(s.geom) = 'ST_LineString'
          AND NOT EXISTS (
              SELECT FROM geo_network_matched AS m WHERE m.suggestion_id = s.id AND m.geom = s.geom)
    ) AS late
    WHERE late.ids IS NOT NULL;

    DELETE FROM geo_segment_demand WHERE project_id = p_project;
    INSERT INTO geo_segment_demand (edge_id, project_id, suggestions, supports)
    SELECT m.edge_id, p_project, count(*), sum(s.support_count)
    FROM geo_suggestion_edge AS m
    JOIN participation_suggestion AS s ON s.id = m.suggestion_id
    WHERE m.project_id = p_project AND s.moderation_state = 'published'
    GROUP BY m.edge_id
    ORDER BY m.edge_id;

    DROP TABLE geo_network_matched;
END
$$;

-- One function for the statement triggers below. An UPDATE matches again the rows whose geometry or
-- project changed; rows whose matches, publication or supports changed leave the demand as they were
-- counted and enter it as they are now, netted into one change per edge. Only the public's view counts:
-- published suggestions.
CREATE OR REPLACE FUNCTION geo_segment_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    rematch bigint[];
    changed bigint[];
    -- The contributions: edge, project, sign, supports; leaving ones first.
    e bigint[] := '{}';
    p bigint[] := '{}';
    sg integer[] := '{}';
    su bigint[] := '{}';
BEGIN
    IF TG_OP = 'UPDATE' THEN
        SELECT array_agg(n.id ORDER BY n.id) FILTER (
                   WHERE o.project_id IS DISTINCT FROM n.project_id OR NOT o.geom = n.geom),
               array_agg(n.id) FILTER (
                   WHERE o.project_id IS DISTINCT FROM n.project_id OR NOT o.geom = n.geom
                      OR o.moderation_state IS DISTINCT FROM n.moderation_state
                      OR o.support_count IS DISTINCT FROM n.support_count)
        INTO rematch, changed
        FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id
        WHERE ST_GeometryType(o.geom) = 'ST_LineString' OR ST_GeometryType(n.geom) = 'ST_LineString';
        IF changed IS NULL THEN
            RETURN NULL;
        END IF;
    END IF;

    -- What leaves: the old published rows along the edges they were matched to.
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT coalesce(array_agg(m.edge_id), '{}'), coalesce(array_agg(m.project_id), '{}'),
               coalesce(array_agg(-1), '{}'), coalesce(array_agg(o.support_count::bigint), '{}')
        INTO e, p, sg, su
        FROM old_rows AS o
        JOIN geo_suggestion_edge AS m ON m.suggestion_id = o.id
        WHERE o.moderation_state = 'published' AND (TG_OP = 'DELETE' OR o.id = ANY (changed));
    END IF;

    IF TG_OP = 'DELETE' THEN
        DELETE FROM geo_suggestion_edge WHERE suggestion_id IN (SELECT id FROM old_rows);
    ELSE
        IF TG_OP = 'INSERT' THEN
            SELECT array_agg(n.id ORDER BY n.id) INTO rematch
            FROM new_rows AS n WHERE ST_GeometryType(n.geom) = 'ST_LineString';
        END IF;
        IF rematch IS NOT NULL THEN
            PERFORM geo_network_match(rematch);
        END IF;
        -- What enters: the new published rows along the edges they are matched to now.
        SELECT e || coalesce(array_agg(m.edge_id), '{}'), p || coalesce(array_agg(m.project_id), '{}'),
               sg || coalesce(array_agg(1), '{}'), su || coalesce(array_agg(n.support_count::bigint), '{}')
        INTO e, p, sg, su
        FROM new_rows AS n
        JOIN geo_suggestion_edge AS m ON m.suggestion_id = n.id
        WHERE n.moderation_state = 'published' AND (TG_OP = 'INSERT' OR n.id = ANY (changed));
    END IF;

    IF cardinality(e) > 0 THEN
        PERFORM geo_segment_demand_apply(e, p, sg, su);
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER suggestion_segments_insert
AFTER INSERT ON participation_suggestion
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION geo_segment_sync();

CREATE OR REPLACE TRIGGER suggestion_segments_update
AFTER UPDATE ON participation_suggestion
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION geo_segment_sync();

CREATE OR REPLACE TRIGGER suggestion_segments_delete
AFTER DELETE ON participation_suggestion
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION geo_segment_sync();

CREATE OR REPLACE FUNCTION geo_segment_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM geo_suggestion_edge;
    DELETE FROM geo_segment_demand;
    RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER suggestion_segments_truncate
AFTER TRUNCATE ON participation_suggestion
FOR EACH STATEMENT EXECUTE FUNCTION geo_segment_truncate();
