"""Context-layer features partitioned by layer (LIST on layer_id), so that an import builds a layer's new
features in a table of its own and swaps it in whole (geo/sql/context_layer_partitions.sql says why).

The features move into one partition per layer; the primary key becomes (id, layer_id), because a
partitioned table's key must hold the partition key (ids still come from one sequence); the index on
layer_id goes, the partitions are what it was for. Django's state keeps `id` as the primary key.
"""

import django.db.models.deletion
from django.db import migrations, models

CONTEXT_LAYER_PARTITIONS_SQL = r"""
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
"""

PARTITION = r"""
ALTER TABLE geo_context_feature RENAME TO geo_context_feature_unpartitioned;
ALTER INDEX geo_context_feature_pkey RENAME TO geo_context_feature_unpartitioned_pkey;
ALTER INDEX context_feature_3857_gist RENAME TO geo_context_feature_unpartitioned_3857;
ALTER INDEX geo_context_feature_geom_5c0cb8d4_id RENAME TO geo_context_feature_unpartitioned_geom;
ALTER INDEX geo_context_feature_layer_id_98213870 RENAME TO geo_context_feature_unpartitioned_layer;
ALTER SEQUENCE geo_context_feature_id_seq RENAME TO geo_context_feature_unpartitioned_id_seq;

CREATE TABLE geo_context_feature (
    id bigint GENERATED BY DEFAULT AS IDENTITY,
    geom geometry(Geometry, 4326) NOT NULL,
    geom_3857 geometry(Geometry, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
    properties jsonb NOT NULL,
    source_id varchar(100) NOT NULL,
    layer_id bigint NOT NULL,
    CONSTRAINT geo_context_feature_pkey PRIMARY KEY (id, layer_id),
    CONSTRAINT context_feature_geom_valid CHECK (ST_IsValid(geom)),
    CONSTRAINT context_feature_geom_2d CHECK (ST_NDims(geom) = 2),
    CONSTRAINT context_feature_geom_not_empty CHECK (NOT ST_IsEmpty(geom)),
    CONSTRAINT geo_context_feature_layer_id_98213870_fk_geo_context_layer_id
        FOREIGN KEY (layer_id) REFERENCES geo_context_layer (id) DEFERRABLE INITIALLY DEFERRED
) PARTITION BY LIST (layer_id);
CREATE INDEX geo_context_feature_geom_5c0cb8d4_id ON geo_context_feature USING gist (geom);
CREATE INDEX context_feature_3857_gist ON geo_context_feature USING gist (geom_3857);
CREATE TABLE geo_context_feature_default PARTITION OF geo_context_feature DEFAULT;

DO $$
DECLARE
    layer bigint;
BEGIN
    FOR layer IN SELECT DISTINCT layer_id FROM geo_context_feature_unpartitioned LOOP
        EXECUTE format(
            'CREATE TABLE %I PARTITION OF geo_context_feature FOR VALUES IN (%s)',
            'geo_context_feature_l' || layer, layer
        );
    END LOOP;
END
$$;
INSERT INTO geo_context_feature (id, geom, properties, source_id, layer_id)
SELECT id, geom, properties, source_id, layer_id FROM geo_context_feature_unpartitioned;
SELECT setval(
    pg_get_serial_sequence('geo_context_feature', 'id'),
    COALESCE((SELECT max(id) FROM geo_context_feature_unpartitioned), 0) + 1,
    false
);
DROP TABLE geo_context_feature_unpartitioned;
"""

UNPARTITION = r"""
DROP FUNCTION geo_context_layer_build(bigint);
DROP FUNCTION geo_context_layer_index(bigint);
DROP FUNCTION geo_context_layer_swap(bigint, text);
ALTER TABLE geo_context_feature RENAME TO geo_context_feature_partitioned;
ALTER INDEX geo_context_feature_pkey RENAME TO geo_context_feature_partitioned_pkey;
ALTER INDEX context_feature_3857_gist RENAME TO geo_context_feature_partitioned_3857;
ALTER INDEX geo_context_feature_geom_5c0cb8d4_id RENAME TO geo_context_feature_partitioned_geom;
ALTER SEQUENCE geo_context_feature_id_seq RENAME TO geo_context_feature_partitioned_id_seq;

CREATE TABLE geo_context_feature (
    id bigint GENERATED BY DEFAULT AS IDENTITY,
    geom geometry(Geometry, 4326) NOT NULL,
    geom_3857 geometry(Geometry, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
    properties jsonb NOT NULL,
    source_id varchar(100) NOT NULL,
    layer_id bigint NOT NULL,
    CONSTRAINT geo_context_feature_pkey PRIMARY KEY (id),
    CONSTRAINT context_feature_geom_valid CHECK (ST_IsValid(geom)),
    CONSTRAINT context_feature_geom_2d CHECK (ST_NDims(geom) = 2),
    CONSTRAINT context_feature_geom_not_empty CHECK (NOT ST_IsEmpty(geom)),
    CONSTRAINT geo_context_feature_layer_id_98213870_fk_geo_context_layer_id
        FOREIGN KEY (layer_id) REFERENCES geo_context_layer (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX geo_context_feature_geom_5c0cb8d4_id ON geo_context_feature USING gist (geom);
CREATE INDEX context_feature_3857_gist ON geo_context_feature USING gist (geom_3857);
CREATE INDEX geo_context_feature_layer_id_98213870 ON geo_context_feature (layer_id);
INSERT INTO geo_context_feature (id, geom, properties, source_id, layer_id)
SELECT id, geom, properties, source_id, layer_id FROM geo_context_feature_partitioned;
SELECT setval(
    pg_get_serial_sequence('geo_context_feature', 'id'),
    COALESCE((SELECT max(id) FROM geo_context_feature_partitioned), 0) + 1,
    false
);
DROP TABLE geo_context_feature_partitioned;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("geo", "0011_context_layer_refresh_error"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(sql=[PARTITION, CONTEXT_LAYER_PARTITIONS_SQL], reverse_sql=[UNPARTITION]),
            ],
            state_operations=[
                # 0010's index for a layer's pages went with the unpartitioned table: in a partition of its
                # own, a layer's pages walk the partition's key (id, layer_id) in id order.
                migrations.RemoveIndex(model_name="contextfeature", name="context_feature_layer_page"),
                migrations.AlterField(
                    model_name="contextfeature",
                    name="layer",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="features",
                        to="geo.contextlayer",
                    ),
                ),
            ],
        ),
    ]
