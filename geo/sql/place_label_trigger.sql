-- Reverse labels: each suggestion's nearest address (within 40 m), else its nearest street, and its
-- district, stored in geo_suggestion_place and kept exact by PostgreSQL itself (geo.places).
--
-- The readable copy of what the database runs; migrations never read it. The latest migration that carries
-- PLACE_LABEL_TRIGGER_SQL (geo 0022) holds this very text, and tests/test_migrations.py compares them.
--
-- Why stored: the map's popups and the exports show "Kaiserstraße 12, Innenstadt-West" for every suggestion;
-- three nearest-neighbour searches per row and request would cost more than the rest of the read. Why
-- triggers: like the coverage analysis (analysis_trigger.sql), a label must never drift from the suggestion
-- however its row changes, and a rolled-back change leaves no trace. When the gazetteer or the districts
-- change, geo.places.services rebuilds the project's labels in the same transaction
-- (geo_place_labels_rebuild).

-- A suggestion's place in words. The point it is described from: the suggestion itself, or for a line the
-- point of the line nearest its centre. Addresses nearest first by the GiST index on geom, within 40 m on
-- the ellipsoid; the nearest street by the lines' partial GiST index, if within 200 m (beyond the streets the
-- town brought, a street kilometres away would mislead); the smallest district holding the point (a
-- Stadtteil before its Ortschaft), of the project's districts layers.
CREATE OR REPLACE FUNCTION geo_place_label(p_project bigint, p_geom geometry)
RETURNS TABLE (address text, street text, district text)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    WITH anchor AS (
        SELECT CASE WHEN ST_Dimension(p_geom) = 0 THEN ST_PointOnSurface(p_geom)
                    ELSE ST_ClosestPoint(p_geom, ST_Centroid(p_geom)) END AS point
    )
    SELECT
        (SELECT a.label FROM geo_place AS a
         WHERE a.project_id = p_project AND a.kind = 'address'
           AND ST_DWithin(a.geom::geography, anchor.point::geography, 40)
         ORDER BY a.geom <-> anchor.point
         LIMIT 1),
        (SELECT nearest.label FROM (
             SELECT s.label, s.extent FROM geo_place AS s
             WHERE s.project_id = p_project AND s.kind = 'street' AND s.extent IS NOT NULL
             ORDER BY s.extent <-> anchor.point
             LIMIT 1
         ) AS nearest
         WHERE ST_DWithin(nearest.extent::geography, anchor.point::geography, 200)),
        (SELECT f.properties ->> 'name'
         FROM geo_context_layer AS l
         JOIN geo_context_feature AS f ON f.layer_id = l.id
         WHERE l.project_id = p_project AND l.role = 'districts'
           AND ST_Intersects(f.geom, anchor.point) AND btrim(coalesce(f.properties ->> 'name', '')) <> ''
         ORDER BY ST_Area(f.geom), f.id
         LIMIT 1)
    FROM anchor
$$;

-- Label the given suggestions (insert or replace their rows). The ids are joined as a set: `id = ANY (…)` over
-- a statement's 100,000 new rows compared every row with every id.
CREATE OR REPLACE FUNCTION geo_place_labels_measure(p_ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO geo_suggestion_place AS g (suggestion_id, project_id, address, street, district)
    SELECT s.id, s.project_id, coalesce(l.address, ''), coalesce(l.street, ''), coalesce(left(l.district, 300), '')
    FROM unnest(p_ids) AS i (id)
    JOIN participation_suggestion AS s ON s.id = i.id
    CROSS JOIN LATERAL geo_place_label(s.project_id, s.geom) AS l
    ON CONFLICT (suggestion_id) DO UPDATE
    SET project_id = EXCLUDED.project_id, address = EXCLUDED.address, street = EXCLUDED.street,
        district = EXCLUDED.district
$$;

-- Label every suggestion of a project again: after its gazetteer or its districts changed.
CREATE OR REPLACE FUNCTION geo_place_labels_rebuild(p_project bigint) RETURNS void
LANGUAGE sql AS $$
    DELETE FROM geo_suggestion_place WHERE project_id = p_project;
    INSERT INTO geo_suggestion_place (suggestion_id, project_id, address, street, district)
    SELECT s.id, s.project_id, coalesce(l.address, ''), coalesce(l.street, ''), coalesce(left(l.district, 300), '')
    FROM participation_suggestion AS s
    CROSS JOIN LATERAL geo_place_label(s.project_id, s.geom) AS l
    WHERE s.project_id = p_project
      AND EXISTS (
          SELECT FROM geo_place AS p WHERE p.project_id = p_project AND p.kind IN ('street', 'address')
      );
$$;

-- New suggestions and moved ones (or ones moved to another project) are labelled in their statement; a
-- deleted suggestion's row goes with it (ON DELETE CASCADE).
CREATE OR REPLACE FUNCTION geo_place_labels_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    projects bigint[];
    ids bigint[];
BEGIN
    -- Projects without streets or addresses have no labels (readers join them optionally): a suggestion
    -- there costs nothing more (the districts alone are the coverage analysis's); the project's first
    -- gazetteer build with streets labels them all.
    SELECT array_agg(p.id) INTO projects
    FROM (SELECT DISTINCT n.project_id AS id FROM new_rows AS n) AS p
    WHERE EXISTS (SELECT FROM geo_place AS g WHERE g.project_id = p.id AND g.kind IN ('street', 'address'));
    IF projects IS NULL THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(n.id) INTO ids FROM new_rows AS n WHERE n.project_id = ANY (projects);
    ELSE
        SELECT array_agg(n.id) INTO ids
        FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id
        WHERE n.project_id = ANY (projects)
          AND (o.project_id IS DISTINCT FROM n.project_id OR NOT o.geom = n.geom);
    END IF;
    IF ids IS NOT NULL THEN
        PERFORM geo_place_labels_measure(ids);
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER suggestion_place_label_insert
AFTER INSERT ON participation_suggestion
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION geo_place_labels_sync();

CREATE OR REPLACE TRIGGER suggestion_place_label_update
AFTER UPDATE ON participation_suggestion
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION geo_place_labels_sync();
