"""Run the coverage analysis' SQL again, with a rebuild that writes its measurements once and places the
facilities by the districts' kept areas.

geo_analysis_rebuild filled each suggestion's district into its temporary table by a second UPDATE, which
rewrote every row (1.1 million in the benchmark); the district is now joined in the same statement.
geo_district_figures_rebuild placed each facility with geo_district_of, which works out every candidate
district's geodesic area at each call (7.1 s for 100,000 facilities against 1.6 s by geo_district's areas).
The results are the same. Everything in the text is CREATE OR REPLACE.
"""

from django.db import migrations

# geo/sql/analysis_trigger.sql as this migration installs it, frozen here (tests/test_migrations.py holds the
# file to it while this is the latest migration of the trigger).
ANALYSIS_TRIGGER_SQL = r"""-- The coverage analysis (geo_suggestion_analysis, geo_district_figure), kept exact by PostgreSQL itself.
--
-- The readable copy of what the database runs; migrations never read it. The latest migration that carries
-- ANALYSIS_TRIGGER_SQL (geo 0018) holds this very text, and tests/test_migrations.py compares them.
--
-- Why triggers: like the cluster cells (cluster_trigger.sql), the figures must never drift from the
-- suggestions however a row changes (services, admin, moderation, bulk SQL), and a rolled-back change must
-- leave no trace. Statement triggers with transition tables, for the reason given there: a bulk change nets
-- its deltas per district first and touches each figure row once.
--
-- What a suggestion is measured against is the project's context layers (geo/layers): facilities layers of
-- its category and the first districts layer (by position). When those change, the service rebuilds the
-- project (analysis_rebuild.sql); in between the trigger measures new and moved suggestions against the
-- features as they are.

-- The nearest feature of the facilities layers of a category, nearest first by the GiST index on geom_3857
-- (KNN; Web Mercator's scale is the same in every direction at a latitude, so the order is the true order),
-- then its geodesic distance in metres. Layer by layer, each the partition key's equality with one layer id:
-- that lets PostgreSQL prune geo_context_feature to the layer's own partition at each call. With the ids
-- as an array (`layer_id = ANY (…)`) it did not, and every call started a KNN scan in every layer's
-- partition, walking all features of the layers that are not asked for (3,072 demo bicycle parkings for
-- each charging station). A category without facilities has no layer, so no scan at all.
CREATE OR REPLACE FUNCTION geo_nearest_facility(p_project bigint, p_category bigint, p_geom geometry)
RETURNS TABLE (feature_id bigint, distance_m double precision)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT nearest.id, ST_Distance(nearest.geom::geography, p_geom::geography)
    FROM geo_context_layer AS l
    CROSS JOIN LATERAL (
        SELECT f.id, f.geom, f.geom_3857 <-> ST_Transform(p_geom, 3857) AS mercator
        FROM geo_context_feature AS f
        WHERE f.layer_id = l.id
        ORDER BY f.geom_3857 <-> ST_Transform(p_geom, 3857)
        LIMIT 1
    ) AS nearest
    WHERE l.project_id = p_project AND l.role = 'facilities' AND l.category_id = p_category
    ORDER BY nearest.mercator, nearest.id
    LIMIT 1
$$;

-- The project's districts layer: the first by position. One layer, so that a suggestion lies in one place.
CREATE OR REPLACE FUNCTION geo_districts_layer(p_project bigint) RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT l.id FROM geo_context_layer AS l
    WHERE l.project_id = p_project AND l.role = 'districts'
    ORDER BY l.position, l.id
    LIMIT 1
$$;

-- The smallest district that holds a geometry's anchor (the cluster anchor: a point on it). Smallest, so a
-- suggestion in a Stadtteil counts there and not also in the Ortschaft that holds the Stadtteil. The size is
-- the one geo_district keeps (the same ST_Area, computed once by the rebuild), measured here only for a
-- feature the rebuild has not seen yet: measuring every candidate's geodesic area again for each suggestion
-- took 0.9 of the 1.2 ms a lookup cost (28 real districts, 4,400 vertices), 20 minutes over 1.1 M.
CREATE OR REPLACE FUNCTION geo_district_of(p_project bigint, p_geom geometry) RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT f.id
    FROM geo_context_feature AS f
    LEFT JOIN geo_district AS d ON d.feature_id = f.id
    WHERE f.layer_id = geo_districts_layer(p_project)
      AND ST_Intersects(f.geom, geo_suggestion_anchor(p_geom))
    ORDER BY coalesce(d.area_km2, ST_Area(f.geom::geography) / 1e6), f.id
    LIMIT 1
$$;

-- For a line: the share of its length within 20 m of the category's existing lines (the cycle network for
-- bike paths). NULL for other geometries and when the category has no existing lines. Measured in Web
-- Mercator with the tolerance scaled by 1/cos(latitude), the local scale factor.
CREATE OR REPLACE FUNCTION geo_network_share(p_project bigint, p_category bigint, p_geom geometry)
RETURNS double precision
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    WITH line AS (
        SELECT ST_Transform(p_geom, 3857) AS g,
               20.0 / cos(radians(ST_Y(ST_Centroid(p_geom)))) AS tolerance
        WHERE ST_GeometryType(p_geom) IN ('ST_LineString', 'ST_MultiLineString')
    ),
    network AS (
        SELECT l.id FROM geo_context_layer AS l
        WHERE l.project_id = p_project AND l.role = 'facilities' AND l.category_id = p_category
          AND EXISTS (
              SELECT FROM geo_context_feature AS f
              WHERE f.layer_id = l.id AND ST_Dimension(f.geom) = 1
          )
    )
    SELECT CASE
        WHEN NOT EXISTS (SELECT FROM network) THEN NULL
        WHEN ST_Length(line.g) = 0 THEN NULL
        ELSE coalesce(ST_Length(ST_Intersection(line.g, (
            SELECT ST_Union(ST_Buffer(f.geom_3857, line.tolerance, 'quad_segs=4'))
            FROM geo_context_feature AS f
            WHERE f.layer_id IN (SELECT id FROM network) AND ST_Dimension(f.geom) = 1
              AND ST_DWithin(f.geom_3857, line.g, line.tolerance)
        ))), 0) / ST_Length(line.g)
    END
    FROM line
$$;

-- Measure suggestions (by id) and store the result, replacing what was there.
CREATE OR REPLACE FUNCTION geo_analysis_measure(ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO geo_suggestion_analysis AS a
        (suggestion_id, project_id, category_id, facility_id, facility_distance_m, district_id, network_share)
    SELECT s.id, s.project_id, s.category_id, n.feature_id, n.distance_m,
           geo_district_of(s.project_id, s.geom), geo_network_share(s.project_id, s.category_id, s.geom)
    FROM participation_suggestion AS s
    LEFT JOIN LATERAL geo_nearest_facility(s.project_id, s.category_id, s.geom) AS n ON true
    WHERE s.id = ANY (ids)
    ORDER BY s.id
    ON CONFLICT (suggestion_id) DO UPDATE
    SET project_id = excluded.project_id, category_id = excluded.category_id,
        facility_id = excluded.facility_id, facility_distance_m = excluded.facility_distance_m,
        district_id = excluded.district_id, network_share = excluded.network_share
$$;

-- Add signed contributions to the figures, one row at a time in key order (concurrent writers never wait
-- for each other in a cycle). A contribution: one published suggestion (sign ±1) with its supports, counted
-- as covered when its facility lies within the project's coverage distance. District 0 holds what lies in
-- no district (or the project has no districts layer), so the rows of a project add up to all its demand.
CREATE OR REPLACE FUNCTION geo_district_figure_apply(
    district_ids bigint[], category_ids bigint[], project_ids bigint[], signs integer[], supports bigint[],
    covered boolean[]
)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    d record;
BEGIN
    FOR d IN
        SELECT c.project_id, c.district_id, c.category_id, sum(c.sign) AS suggestions,
               sum(c.sign * c.supports) AS supports,
               sum(c.sign) FILTER (WHERE c.covered) AS covered,
               sum(c.sign * c.supports) FILTER (WHERE c.covered) AS covered_supports
        FROM (
            SELECT coalesce(u.district_id, 0) AS district_id, u.category_id, u.project_id, u.sign, u.supports,
                   u.covered
            FROM unnest(district_ids, category_ids, project_ids, signs, supports, covered)
                 AS u (district_id, category_id, project_id, sign, supports, covered)
        ) AS c
        GROUP BY c.project_id, c.district_id, c.category_id
        ORDER BY c.project_id, c.district_id, c.category_id
    LOOP
        CONTINUE WHEN d.suggestions = 0 AND d.supports = 0 AND coalesce(d.covered, 0) = 0
                      AND coalesce(d.covered_supports, 0) = 0;
        INSERT INTO geo_district_figure AS g
            (project_id, district_id, category_id, suggestions, supports, covered, covered_supports, facilities)
        VALUES (d.project_id, d.district_id, d.category_id, d.suggestions, d.supports,
                coalesce(d.covered, 0), coalesce(d.covered_supports, 0), 0)
        ON CONFLICT (project_id, district_id, category_id) DO UPDATE
        SET suggestions = g.suggestions + excluded.suggestions, supports = g.supports + excluded.supports,
            covered = g.covered + excluded.covered,
            covered_supports = g.covered_supports + excluded.covered_supports;
    END LOOP;
END
$$;

-- The figures of a project from its measured suggestions, whole: after a rebuild of the measurements and
-- when the project's coverage distance changes. Every district of the layer gets a row per category (zeros
-- included, so the choropleth shows where nothing was asked). The lock makes concurrent writers' triggers
-- wait: a change counted before the lock is in the snapshot below, one counted after adds to the new rows.
CREATE OR REPLACE FUNCTION geo_district_figures_rebuild(p_project bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    LOCK TABLE geo_district_figure IN SHARE ROW EXCLUSIVE MODE;
    DELETE FROM geo_district_figure WHERE project_id = p_project;
    INSERT INTO geo_district_figure
        (project_id, district_id, category_id, suggestions, supports, covered, covered_supports, facilities)
    SELECT p_project, d.feature_id, cat.id,
           coalesce(demand.suggestions, 0), coalesce(demand.supports, 0),
           coalesce(demand.covered, 0), coalesce(demand.covered_supports, 0),
           coalesce(existing.facilities, 0)
    FROM (
        SELECT feature_id FROM geo_district WHERE project_id = p_project
        UNION ALL SELECT 0
    ) AS d
    CROSS JOIN participation_category AS cat
    LEFT JOIN (
        SELECT coalesce(a.district_id, 0) AS district_id, a.category_id, count(*) AS suggestions, sum(s.support_count) AS supports,
               count(*) FILTER (WHERE a.facility_distance_m <= pr.coverage_distance_m) AS covered,
               coalesce(sum(s.support_count) FILTER (
                   WHERE a.facility_distance_m <= pr.coverage_distance_m), 0) AS covered_supports
        FROM geo_suggestion_analysis AS a
        JOIN participation_suggestion AS s ON s.id = a.suggestion_id
        JOIN participation_project AS pr ON pr.id = a.project_id
        WHERE a.project_id = p_project AND s.moderation_state = 'published'
        GROUP BY 1, 2
    ) AS demand ON demand.district_id = d.feature_id AND demand.category_id = cat.id
    LEFT JOIN (
        -- The smallest district of each facility, as geo_district_of finds it but by the areas geo_district
        -- keeps: geo_district_of works out every candidate's geodesic area at each call, 4.5 times the time
        -- for 100,000 facilities.
        SELECT coalesce(placed.district_id, 0) AS district_id, l.category_id, count(*) AS facilities
        FROM geo_context_feature AS f
        JOIN geo_context_layer AS l ON l.id = f.layer_id
        LEFT JOIN LATERAL (
            SELECT d.feature_id AS district_id
            FROM geo_context_feature AS df
            JOIN geo_district AS d ON d.feature_id = df.id
            WHERE df.layer_id = geo_districts_layer(p_project)
              AND ST_Intersects(df.geom, geo_suggestion_anchor(f.geom))
            ORDER BY d.area_km2, d.feature_id
            LIMIT 1
        ) AS placed ON true
        WHERE l.project_id = p_project AND l.role = 'facilities'
        GROUP BY 1, 2
    ) AS existing ON existing.district_id = d.feature_id AND existing.category_id = cat.id
    WHERE cat.project_id = p_project;
END
$$;

-- Measure every suggestion of a project again and rebuild its districts and figures: after its facilities
-- or districts changed (a layer import or deletion), or for repair. The same functions as the triggers, so
-- a rebuild reproduces what they maintain. Map reads never touch these tables; exports and the dashboard
-- see the old analysis until commit. A suggestion moved by a citizen while the measurement runs may keep
-- the measurement of its old place until the next rebuild.
CREATE OR REPLACE FUNCTION geo_analysis_rebuild(p_project bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    -- The districts: every area of the first districts layer, its size, and the smallest district that holds
    -- at least 90 % of it (nested districts: a Stadtteil in its Ortschaft).
    DELETE FROM geo_district WHERE project_id = p_project;

    INSERT INTO geo_district (feature_id, project_id, layer_id, name, area_km2, nested_in, is_leaf)
    SELECT f.id, p_project, f.layer_id,
           coalesce(nullif(f.properties ->> 'name', ''), nullif(f.source_id, ''), f.id::text),
           ST_Area(f.geom::geography) / 1e6,
           (
               SELECT parent.id FROM geo_context_feature AS parent
               WHERE parent.layer_id = f.layer_id AND parent.id <> f.id
                 AND ST_Intersects(parent.geom, f.geom)
                 AND ST_Area(parent.geom::geography) > ST_Area(f.geom::geography)
                 AND ST_Area(ST_Intersection(parent.geom, f.geom)::geography) >= 0.9 * ST_Area(f.geom::geography)
               ORDER BY ST_Area(parent.geom::geography), parent.id
               LIMIT 1
           ),
           true
    FROM geo_context_feature AS f
    WHERE f.layer_id = geo_districts_layer(p_project);

    UPDATE geo_district AS d SET is_leaf = false
    WHERE d.project_id = p_project
      AND EXISTS (SELECT FROM geo_district AS child WHERE child.nested_in = d.feature_id);

    -- The measurements, first into a temporary table, without a lock on any stored row: measuring a million
    -- suggestions takes minutes, and a citizen moving a suggestion meanwhile must not wait for it. Nearest
    -- facility by KNN per suggestion; the district by one join of all suggestions with the districts (a
    -- function call per suggestion cost four times as much), joined in the same statement (filling it in by
    -- a second UPDATE rewrote every row of the temporary table); the network share only for the lines of a
    -- category with existing lines.
    CREATE TEMP TABLE geo_analysis_measured ON COMMIT DROP AS
    WITH placed AS (
        SELECT DISTINCT ON (s.id) s.id, d.feature_id AS district_id
        FROM participation_suggestion AS s
        JOIN geo_context_feature AS f
            ON f.layer_id = geo_districts_layer(p_project)
           AND ST_Intersects(f.geom, geo_suggestion_anchor(s.geom))
        JOIN geo_district AS d ON d.feature_id = f.id
        WHERE s.project_id = p_project
        ORDER BY s.id, d.area_km2, d.feature_id
    )
    SELECT s.id, s.project_id, s.category_id, n.feature_id AS facility_id, n.distance_m,
           p.district_id,
           CASE WHEN ST_GeometryType(s.geom) IN ('ST_LineString', 'ST_MultiLineString')
                 AND s.category_id IN (
                     SELECT l.category_id FROM geo_context_layer AS l
                     WHERE l.project_id = p_project AND l.role = 'facilities')
                THEN geo_network_share(s.project_id, s.category_id, s.geom) END AS network_share
    FROM participation_suggestion AS s
    LEFT JOIN LATERAL geo_nearest_facility(s.project_id, s.category_id, s.geom) AS n ON true
    LEFT JOIN placed AS p ON p.id = s.id
    WHERE s.project_id = p_project;

    -- Then into the stored rows in one statement, writing only what changed (a rebuild that finds what was
    -- there rewrites nothing). Rows of suggestions deleted meanwhile are gone with them (the trigger).
    INSERT INTO geo_suggestion_analysis AS a
        (suggestion_id, project_id, category_id, facility_id, facility_distance_m, district_id, network_share)
    SELECT m.id, m.project_id, m.category_id, m.facility_id, m.distance_m, m.district_id, m.network_share
    FROM geo_analysis_measured AS m
    WHERE EXISTS (SELECT FROM participation_suggestion AS s WHERE s.id = m.id)
    ORDER BY m.id
    ON CONFLICT (suggestion_id) DO UPDATE
    SET project_id = excluded.project_id, category_id = excluded.category_id,
        facility_id = excluded.facility_id, facility_distance_m = excluded.facility_distance_m,
        district_id = excluded.district_id, network_share = excluded.network_share
    WHERE (a.project_id, a.category_id, a.facility_id, a.facility_distance_m, a.district_id, a.network_share)
          IS DISTINCT FROM (excluded.project_id, excluded.category_id, excluded.facility_id,
                            excluded.facility_distance_m, excluded.district_id, excluded.network_share);
    DROP TABLE geo_analysis_measured;

    PERFORM geo_district_figures_rebuild(p_project);
END
$$;

-- A new coverage distance changes what counts as covered: the figures follow in the same transaction.
CREATE OR REPLACE FUNCTION geo_analysis_project_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM geo_district_figures_rebuild(NEW.id);
    RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER project_analysis_coverage
AFTER UPDATE OF coverage_distance_m ON participation_project
FOR EACH ROW WHEN (OLD.coverage_distance_m IS DISTINCT FROM NEW.coverage_distance_m)
EXECUTE FUNCTION geo_analysis_project_sync();

-- One function for the statement triggers below. An UPDATE re-measures rows whose geometry, project or
-- category changed; rows whose measurement, publication or supports changed leave the figures as they were
-- counted and enter them as they are now, netted into one change per figure row.
CREATE OR REPLACE FUNCTION geo_analysis_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    remeasure bigint[];
    changed bigint[];
    -- The contributions: district, category, project, sign, supports, covered; leaving ones first.
    d bigint[] := '{}';
    c bigint[] := '{}';
    p bigint[] := '{}';
    sg integer[] := '{}';
    su bigint[] := '{}';
    cv boolean[] := '{}';
BEGIN
    IF TG_OP = 'UPDATE' THEN
        SELECT array_agg(n.id ORDER BY n.id) FILTER (
                   WHERE o.project_id IS DISTINCT FROM n.project_id
                      OR o.category_id IS DISTINCT FROM n.category_id
                      OR NOT o.geom = n.geom),
               array_agg(n.id) FILTER (
                   WHERE o.project_id IS DISTINCT FROM n.project_id
                      OR o.category_id IS DISTINCT FROM n.category_id
                      OR NOT o.geom = n.geom
                      OR o.moderation_state IS DISTINCT FROM n.moderation_state
                      OR o.support_count IS DISTINCT FROM n.support_count)
        INTO remeasure, changed
        FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id;
        IF changed IS NULL THEN
            RETURN NULL;
        END IF;
    END IF;

    -- What leaves: the old published rows as they were counted (the stored measurement is still theirs).
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT coalesce(array_agg(a.district_id), '{}'), coalesce(array_agg(o.category_id), '{}'),
               coalesce(array_agg(o.project_id), '{}'), coalesce(array_agg(-1), '{}'),
               coalesce(array_agg(o.support_count::bigint), '{}'),
               coalesce(array_agg(a.facility_distance_m <= pr.coverage_distance_m), '{}')
        INTO d, c, p, sg, su, cv
        FROM old_rows AS o
        JOIN geo_suggestion_analysis AS a ON a.suggestion_id = o.id
        JOIN participation_project AS pr ON pr.id = o.project_id
        WHERE o.moderation_state = 'published' AND (TG_OP = 'DELETE' OR o.id = ANY (changed));
    END IF;

    IF TG_OP = 'DELETE' THEN
        DELETE FROM geo_suggestion_analysis WHERE suggestion_id IN (SELECT id FROM old_rows);
    ELSE
        IF TG_OP = 'INSERT' THEN
            SELECT array_agg(n.id ORDER BY n.id) INTO remeasure FROM new_rows AS n;
        END IF;
        IF remeasure IS NOT NULL THEN
            PERFORM geo_analysis_measure(remeasure);
        END IF;
        -- What enters: the new published rows as they are measured now.
        SELECT d || coalesce(array_agg(a.district_id), '{}'), c || coalesce(array_agg(n.category_id), '{}'),
               p || coalesce(array_agg(n.project_id), '{}'), sg || coalesce(array_agg(1), '{}'),
               su || coalesce(array_agg(n.support_count::bigint), '{}'),
               cv || coalesce(array_agg(a.facility_distance_m <= pr.coverage_distance_m), '{}')
        INTO d, c, p, sg, su, cv
        FROM new_rows AS n
        JOIN geo_suggestion_analysis AS a ON a.suggestion_id = n.id
        JOIN participation_project AS pr ON pr.id = n.project_id
        WHERE n.moderation_state = 'published' AND (TG_OP = 'INSERT' OR n.id = ANY (changed));
    END IF;

    IF cardinality(d) > 0 THEN
        PERFORM geo_district_figure_apply(d, c, p, sg, su, cv);
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER suggestion_analysis_insert
AFTER INSERT ON participation_suggestion
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION geo_analysis_sync();

CREATE OR REPLACE TRIGGER suggestion_analysis_update
AFTER UPDATE ON participation_suggestion
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION geo_analysis_sync();

CREATE OR REPLACE TRIGGER suggestion_analysis_delete
AFTER DELETE ON participation_suggestion
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION geo_analysis_sync();

CREATE OR REPLACE FUNCTION geo_analysis_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM geo_suggestion_analysis;
    UPDATE geo_district_figure SET suggestions = 0, supports = 0, covered = 0, covered_supports = 0;
    RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER suggestion_analysis_truncate
AFTER TRUNCATE ON participation_suggestion
FOR EACH STATEMENT EXECUTE FUNCTION geo_analysis_truncate();
"""


class Migration(migrations.Migration):
    dependencies = [("geo", "0017_street_network")]

    operations = [
        migrations.RunSQL(sql=[ANALYSIS_TRIGGER_SQL], reverse_sql=migrations.RunSQL.noop),
    ]
