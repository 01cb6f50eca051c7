-- Addresses and named places from a staged file (pg_temp.context_layer_staging, one GeoJSON feature per row,
-- as context_layer_staging.sql makes it), in one statement; the answer is the import's figures.
-- Parameter: project.
--
-- Attribute names are matched without regard to case, in the spellings of OSM (addr:street,
-- addr:housenumber, addr:postcode; GDAL's OSM driver names them addr_street, …) and of towns' address lists
-- (street/strasse, number/housenumber/hausnummer, postcode/plz). A feature with a street and a number is an
-- address ("Kaiserstraße 12"); a feature with a name and an OSM place, amenity, shop, tourism, leisure or
-- historic tag is a named place (both, for a named restaurant with its address). A building's point is a
-- point inside it.
WITH staged AS (
    SELECT s.n, s.geom, coalesce(p.props, '{}'::jsonb) AS props
    FROM pg_temp.context_layer_staging AS s
    CROSS JOIN LATERAL (
        SELECT jsonb_object_agg(lower(e.key), e.value) AS props
        FROM jsonb_each(CASE WHEN jsonb_typeof(s.doc -> 'properties') = 'object' THEN s.doc -> 'properties'
                             ELSE '{}'::jsonb END) AS e
        WHERE jsonb_typeof(e.value) IN ('string', 'number')
    ) AS p
),
fields AS (
    SELECT
        n,
        CASE
            WHEN geom IS NULL OR ST_IsEmpty(geom) THEN NULL
            WHEN ST_GeometryType(geom) = 'ST_Point' THEN geom
            WHEN ST_IsValid(geom) THEN ST_PointOnSurface(geom)
            ELSE ST_PointOnSurface(ST_MakeValid(geom))
        END AS point,
        CASE WHEN ST_Dimension(geom) = 2 AND ST_IsValid(geom) THEN ST_Envelope(geom) END AS box,
        left(btrim(coalesce(
            props ->> 'addr:street', props ->> 'addr_street', props ->> 'street', props ->> 'strasse',
            props ->> 'straße', props ->> 'streetname', props ->> 'street_name', ''
        )), 200) AS street,
        left(btrim(coalesce(
            props ->> 'addr:housenumber', props ->> 'addr_housenumber', props ->> 'housenumber',
            props ->> 'house_number', props ->> 'number', props ->> 'hausnummer', props ->> 'hnr', ''
        )), 20) AS number,
        left(btrim(coalesce(
            props ->> 'addr:postcode', props ->> 'addr_postcode', props ->> 'postcode', props ->> 'plz', ''
        )), 10) AS postcode,
        left(btrim(coalesce(props ->> 'name', '')), 200) AS name,
        props ?| ARRAY['place', 'amenity', 'shop', 'tourism', 'leisure', 'historic'] AS is_place
    FROM staged
),
kept AS (
    SELECT * FROM fields WHERE point IS NOT NULL AND NOT ST_IsEmpty(point)
),
inserted AS (
    INSERT INTO geo_place (project_id, kind, source, name, street, housenumber, postcode, label, geom, extent)
    -- One address per spelling: OSM often has a house number on a shop's node and on its building too.
    -- The first in the file (a node: points are read before areas) stands for it.
    (
        SELECT DISTINCT ON (geo_place_key(street || ' ' || number))
               %(project)s, 'address', 'addresses', name, street, number, postcode, street || ' ' || number,
               point, NULL::geometry
        FROM kept
        WHERE street <> '' AND number <> ''
        ORDER BY geo_place_key(street || ' ' || number), n
    )
    UNION ALL
    SELECT %(project)s, 'place', 'addresses', name, street, number, postcode, name, point, box
    FROM kept
    WHERE name <> '' AND is_place
    RETURNING kind
)
SELECT
    (SELECT count(*) FROM pg_temp.context_layer_staging) AS read,
    (SELECT count(*) FROM inserted WHERE kind = 'address') AS addresses,
    (SELECT count(*) FROM inserted WHERE kind = 'place') AS places
