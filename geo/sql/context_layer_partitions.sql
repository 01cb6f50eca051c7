-- A context layer's features are one partition of geo_context_feature (LIST on layer_id), so that an import
-- builds the layer's new features apart and swaps them in whole (geo.layers.imports).
--
-- The readable copy of what the database runs; migrations never read it. The latest migration that carries
-- CONTEXT_LAYER_PARTITIONS_SQL (geo 0009) holds this very text, and tests/test_migrations.py compares them.
--
-- Why: inserting 100,000 rows one by one into the shared table's two GiST indexes cost four times a plain
-- ogr2ogr; a table of its own is filled without indexes, which are then built in one pass each, and an
-- attach with a CHECK constraint that matches the partition bound scans nothing. All of it in the import's
-- transaction: until it commits, nobody sees the new table, and a refusal rolls every step back.
--
-- Locks: building takes no lock on the feature table at all. Only the swap (drop the old partition, attach the
-- new one) needs ACCESS EXCLUSIVE on geo_context_feature, for a few milliseconds before the commit; the caller
-- asks for it with a short lock_timeout and tries again, so a map read waits at most that long. The layer's
-- foreign key is cloned from the parent's at the attach (one anti-join over the new rows): a foreign key made
-- on the new table beforehand would have its triggers on geo_context_layer dropped at the attach, which locks
-- geo_context_layer against every reader.
--
-- Names: the layer's partition is geo_context_feature_l<layer id>, its indexes <partition>_pkey,
-- <partition>_geom_idx and <partition>_geom_3857_idx (PostgreSQL's own names for a partition made with
-- PARTITION OF); while it is built, the same with _new. Features written through the parent for a layer
-- that has no partition yet (the ORM, tests) land in geo_context_feature_default.

-- A new, empty table for the layer's next features, shaped as the parent (the same columns, generated column
-- and checks, ids from the parent's sequence), and a view pg_temp.context_layer_incoming onto it: the
-- import's SQL files insert there by a fixed name. Written out rather than LIKE geo_context_feature: LIKE
-- would hold a lock on the feature table from here on, and two imports that each held one would wait for
-- each other at their swaps. A migration that changes geo_context_feature changes this table with it (the
-- attach refuses a table that differs).
CREATE OR REPLACE FUNCTION geo_context_layer_build(p_layer bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    incoming text := format('geo_context_feature_l%s_new', p_layer);
BEGIN
    EXECUTE format(
        $sql$
        CREATE TABLE %I (
            id bigint NOT NULL DEFAULT nextval('geo_context_feature_id_seq'::regclass),
            geom geometry(Geometry, 4326) NOT NULL,
            geom_3857 geometry(Geometry, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
            properties jsonb NOT NULL,
            source_id varchar(100) NOT NULL,
            layer_id bigint NOT NULL,
            CONSTRAINT context_feature_geom_valid CHECK (ST_IsValid(geom)),
            CONSTRAINT context_feature_geom_2d CHECK (ST_NDims(geom) = 2),
            CONSTRAINT context_feature_geom_not_empty CHECK (NOT ST_IsEmpty(geom)),
            -- Matches the partition bound, so the attach proves it instead of scanning the rows.
            CONSTRAINT layer_only CHECK (layer_id = %s)
        )
        $sql$,
        incoming, p_layer
    );
    EXECUTE format('CREATE TEMPORARY VIEW context_layer_incoming AS SELECT * FROM %I', incoming);
END
$$;

-- The new table's indexes, built in one pass each.
CREATE OR REPLACE FUNCTION geo_context_layer_index(p_layer bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    incoming text := format('geo_context_feature_l%s_new', p_layer);
BEGIN
    DROP VIEW IF EXISTS pg_temp.context_layer_incoming;
    EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I PRIMARY KEY (id, layer_id)', incoming, incoming || '_pkey');
    EXECUTE format('CREATE INDEX %I ON %I USING gist (geom)', incoming || '_geom_idx', incoming);
    EXECUTE format('CREATE INDEX %I ON %I USING gist (geom_3857)', incoming || '_geom_3857_idx', incoming);
END
$$;

-- The swap: the layer's features written through the parent into the default partition and the old
-- partition go, the new one takes its place under the old name (the attach proves the default partition
-- holds none of the layer's). Dropped, not detached: a detach would first give the old partition
-- foreign-key triggers of its own on geo_context_layer. The attach clones the parent's foreign key onto the
-- new partition, checking its rows in one query. Every
-- lock of the swap (the feature table's, and what the attach takes beside it) is waited for at most
-- p_lock_wait (e.g. '50ms'); then lock_not_available (55P03), and the caller tries again.
CREATE OR REPLACE FUNCTION geo_context_layer_swap(p_layer bigint, p_lock_wait text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    current text := format('geo_context_feature_l%s', p_layer);
    incoming text := current || '_new';
    lock_wait text := current_setting('lock_timeout');
BEGIN
    PERFORM set_config('lock_timeout', p_lock_wait, true);
    LOCK TABLE geo_context_feature IN ACCESS EXCLUSIVE MODE;
    DELETE FROM geo_context_feature_default WHERE layer_id = p_layer;
    EXECUTE format('DROP TABLE IF EXISTS %I', current);
    EXECUTE format('ALTER TABLE geo_context_feature ATTACH PARTITION %I FOR VALUES IN (%s)', incoming, p_layer);
    EXECUTE format('ALTER TABLE %I RENAME TO %I', incoming, current);
    EXECUTE format('ALTER INDEX %I RENAME TO %I', incoming || '_pkey', current || '_pkey');
    EXECUTE format('ALTER INDEX %I RENAME TO %I', incoming || '_geom_idx', current || '_geom_idx');
    EXECUTE format('ALTER INDEX %I RENAME TO %I', incoming || '_geom_3857_idx', current || '_geom_3857_idx');
    PERFORM set_config('lock_timeout', lock_wait, true);
END
$$;
