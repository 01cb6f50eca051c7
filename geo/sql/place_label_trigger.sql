-- Reverse labels: each suggestion's nearest address (within 40 m), else its nearest street, and its
-- district, stored in geo_suggestion_place and kept exact by PostgreSQL itself (geo.places).
--
-- The readable copy of what the database runs; migrations never read it. The latest migration that carries
-- PLACE_LABEL_TRIGGER_SQL (geo 0025) holds this very text, and tests/test_migrations.py compares them.
--
-- Why stored: the map's popups and the exports show "Kaiserstraße 12, Innenstadt-West" for every suggestion;
-- three nearest-neighbour searches per row and request would cost more than the rest of the read. Why
-- triggers: like the coverage analysis (analysis_trigger.sql), a label must never drift from the suggestion
-- however its row changes, and a rolled-back change leaves no trace. When the network, the addresses or the
-- districts change, the worker labels the project's suggestions again (geo_place_labels_rebuild, through
-- geo.places.services.place_labels_request): minutes for a million suggestions, so never in an import's
-- request; until it is done, the labels are those of the gazetteer before.

-- A suggestion's place in words, described from one point (geo_place_label_anchor). The nearest address by
-- the GiST index on geom, if within 40 m on the ellipsoid; the nearest street, if within 200 m (beyond the
-- streets the town brought, a street kilometres away would mislead): of the named edges of the project's
-- network and the street of that nearest address (an address list without a network, or streets beyond the
-- extract), the nearer; the smallest district holding the point (a Stadtteil before its Ortschaft), of the
-- project's districts layers.
--
-- Why edges and not the gazetteer's merged streets: an edge is short, so its box in the index is tight and
-- the nearest-first scan reads a few; a merged street's box spans its whole length, and the planner sorted
-- all of them for each suggestion (1.8 ms a row). The point comes in as a parameter, never from a join, so
-- that `ORDER BY geom <-> point LIMIT 1` is an index scan; the EXISTS conditions stop a project without
-- addresses or network from walking the other projects' rows in the index.
CREATE OR REPLACE FUNCTION geo_place_label_at(p_project bigint, p_point geometry)
RETURNS TABLE (address text, street text, district text)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT
        CASE WHEN ST_DWithin(a.geom::geography, p_point::geography, 40) THEN a.label END,
        (SELECT c.street
         FROM (VALUES (e.street, e.geom), (a.street, a.geom)) AS c (street, geom)
         WHERE ST_DWithin(c.geom::geography, p_point::geography, 200)
         ORDER BY ST_Distance(c.geom::geography, p_point::geography)
         LIMIT 1),
        (SELECT f.properties ->> 'name'
         FROM geo_context_layer AS l
         JOIN geo_context_feature AS f ON f.layer_id = l.id
         WHERE l.project_id = p_project AND l.role = 'districts'
           AND ST_Intersects(f.geom, p_point) AND btrim(coalesce(f.properties ->> 'name', '')) <> ''
         ORDER BY ST_Area(f.geom), f.id
         LIMIT 1)
    FROM (SELECT) AS one
    LEFT JOIN LATERAL (
        SELECT p.label::text AS label, p.street::text AS street, p.geom
        FROM geo_place AS p
        WHERE p.project_id = p_project AND p.kind = 'address'
          AND EXISTS (SELECT FROM geo_place AS x WHERE x.project_id = p_project AND x.kind = 'address')
        ORDER BY p.geom <-> p_point
        LIMIT 1
    ) AS a ON true
    LEFT JOIN LATERAL (
        SELECT left(btrim(n.name), 200) AS street, n.geom
        FROM geo_network_edge AS n
        WHERE n.network_id = (SELECT w.id FROM geo_street_network AS w WHERE w.project_id = p_project)
          AND btrim(n.name) <> ''
          AND EXISTS (SELECT FROM geo_street_network AS w WHERE w.project_id = p_project)
        ORDER BY n.geom <-> p_point
        LIMIT 1
    ) AS e ON true
$$;

-- The point a suggestion is described from: the suggestion itself, or for a line the point of the line
-- nearest its centre.
CREATE OR REPLACE FUNCTION geo_place_label_anchor(p_geom geometry) RETURNS geometry
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN ST_Dimension(p_geom) = 0 THEN ST_PointOnSurface(p_geom)
                ELSE ST_ClosestPoint(p_geom, ST_Centroid(p_geom)) END
$$;

CREATE OR REPLACE FUNCTION geo_place_label(p_project bigint, p_geom geometry)
RETURNS TABLE (address text, street text, district text)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT * FROM geo_place_label_at(p_project, geo_place_label_anchor(p_geom))
$$;

-- A label's text as the exports write it, kept with the label so that the 1.1 M-row export only appends it
-- (a join, not a CASE and to_json per row): the GeoJSON property `,"place":"…"` (null where there is none)
-- and the CSV cell `,"…"` (empty where there is none; addresses are imported data, made inert for
-- spreadsheets). The label itself: the address, else the street, then the district, as the popups show it.
CREATE OR REPLACE FUNCTION geo_place_label_fragments(p_address text, p_street text, p_district text)
RETURNS TABLE (geojson_place text, csv_place text)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT ',"place":' || coalesce(to_json(w.label)::text, 'null'),
           ',' || coalesce('"' || replace(pm_spreadsheet_safe(w.label), '"', '""') || '"', '')
    FROM (
        SELECT CASE WHEN p_address <> '' OR p_street <> '' THEN
                        CASE WHEN p_address <> '' THEN p_address ELSE p_street END
                        || CASE WHEN p_district <> '' THEN ', ' || p_district ELSE '' END
                    WHEN p_district <> '' THEN p_district
               END AS label
    ) AS w
$$;

-- Label the given suggestions (insert or replace their rows). The ids are joined as a set: `id = ANY (…)` over
-- a statement's 100,000 new rows compared every row with every id.
CREATE OR REPLACE FUNCTION geo_place_labels_measure(p_ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO geo_suggestion_place AS g
        (suggestion_id, project_id, address, street, district, geojson_place, csv_place)
    SELECT l.id, l.project_id, l.address, l.street, l.district, x.geojson_place, x.csv_place
    FROM (
        SELECT s.id, s.project_id, coalesce(l.address, '') AS address, coalesce(l.street, '') AS street,
               coalesce(left(l.district, 300), '') AS district
        FROM unnest(p_ids) AS i (id)
        JOIN participation_suggestion AS s ON s.id = i.id
        CROSS JOIN LATERAL geo_place_label(s.project_id, s.geom) AS l
    ) AS l
    CROSS JOIN LATERAL geo_place_label_fragments(l.address, l.street, l.district) AS x
    ON CONFLICT (suggestion_id) DO UPDATE
    SET project_id = EXCLUDED.project_id, address = EXCLUDED.address, street = EXCLUDED.street,
        district = EXCLUDED.district, geojson_place = EXCLUDED.geojson_place, csv_place = EXCLUDED.csv_place
$$;

-- Label every suggestion of a project again, after its network, addresses or districts changed; the number
-- of label rows written. Only what changed is written: after a newer extract most labels are the same, and
-- rewriting a million rows (and their index entries) for nothing would double the work. Without streets or
-- addresses a project has no labels. Suggestions added meanwhile were labelled by the trigger.
CREATE OR REPLACE FUNCTION geo_place_labels_rebuild(p_project bigint) RETURNS bigint
LANGUAGE sql AS $$
    WITH fresh AS MATERIALIZED (
        SELECT s.id, s.project_id, coalesce(l.address, '') AS address, coalesce(l.street, '') AS street,
               coalesce(left(l.district, 300), '') AS district
        FROM participation_suggestion AS s
        CROSS JOIN LATERAL geo_place_label(s.project_id, s.geom) AS l
        WHERE s.project_id = p_project
          AND EXISTS (
              SELECT FROM geo_place AS p WHERE p.project_id = p_project AND p.kind IN ('street', 'address')
          )
    ), gone AS (
        DELETE FROM geo_suggestion_place AS g
        WHERE g.project_id = p_project AND NOT EXISTS (SELECT FROM fresh AS f WHERE f.id = g.suggestion_id)
        RETURNING 1
    ), written AS (
        INSERT INTO geo_suggestion_place AS g
            (suggestion_id, project_id, address, street, district, geojson_place, csv_place)
        SELECT f.id, f.project_id, f.address, f.street, f.district, x.geojson_place, x.csv_place
        FROM fresh AS f
        CROSS JOIN LATERAL geo_place_label_fragments(f.address, f.street, f.district) AS x
        WHERE NOT EXISTS (
            SELECT FROM geo_suggestion_place AS o
            WHERE o.suggestion_id = f.id
              AND (o.project_id, o.address, o.street, o.district) = (f.project_id, f.address, f.street, f.district)
        )
        ON CONFLICT (suggestion_id) DO UPDATE
        SET project_id = EXCLUDED.project_id, address = EXCLUDED.address, street = EXCLUDED.street,
            district = EXCLUDED.district, geojson_place = EXCLUDED.geojson_place, csv_place = EXCLUDED.csv_place
        RETURNING 1
    )
    SELECT (SELECT count(*) FROM gone) + (SELECT count(*) FROM written)
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
