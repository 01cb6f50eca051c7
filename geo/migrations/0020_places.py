"""Place search (geo.places): the search key function and the gazetteer table.

geo_place_key comes first: the table's generated column `key` calls it.
"""

import django.contrib.gis.db.models.fields
import django.contrib.postgres.indexes
import django.db.models.deletion
import django.db.models.expressions
from django.db import migrations, models

# geo/sql/place_key.sql as this migration installs it, frozen here (tests/test_migrations.py holds the file to
# it while this is the latest migration of the function).
PLACE_KEY_SQL = r"""
-- The search key of a place's label and of what people type (geo.places): the same IMMUTABLE function on
-- both sides, so that "Kaiserstraße", "Kaiserstrasse", "KAISERSTR." and "kaiserstr" meet.
--
-- The readable copy of what the database runs; migrations never read it. The latest migration that carries
-- PLACE_KEY_SQL (geo 0020) holds this very text, and tests/test_migrations.py compares them.
--
-- Lower case; ß → ss and ä/ö/ü → ae/oe/ue (German's own spelling without them; unaccent alone would make
-- "a"), then unaccent for the rest (é → e); every run of anything but a-z and 0-9 one space (punctuation,
-- hyphens, LIKE's % and _, emoji: never part of a key); "str" at a word's end → "strasse"; a house number's
-- letter joined to it ("12 a" → "12a"). unaccent() is only STABLE (its dictionary could change); named
-- explicitly with its schema it is safe to call from an IMMUTABLE function, the documented way to index it.
CREATE OR REPLACE FUNCTION geo_place_key(p_text text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT btrim(regexp_replace(regexp_replace(regexp_replace(
        public.unaccent(
            'public.unaccent'::regdictionary,
            replace(replace(replace(replace(lower(p_text), 'ß', 'ss'), 'ä', 'ae'), 'ö', 'oe'), 'ü', 'ue')
        ),
        '[^a-z0-9]+', ' ', 'g'),
        'str( |$)', 'strasse\1', 'g'),
        '([0-9]) ([a-z])( |$)', '\1\2\3', 'g'))
$$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("geo", "0019_segment_demand"),
        ("participation", "0010_project_coverage_distance"),
    ]

    operations = [
        migrations.RunSQL(PLACE_KEY_SQL, reverse_sql="DROP FUNCTION IF EXISTS geo_place_key(text)"),
        migrations.CreateModel(
            name="Place",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("street", "street"),
                            ("address", "address"),
                            ("district", "district"),
                            ("place", "place"),
                        ],
                        max_length=8,
                        verbose_name="kind",
                    ),
                ),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("network", "street network"),
                            ("districts", "districts layer"),
                            ("addresses", "address list or OSM extract"),
                            ("derived", "streets of the addresses"),
                        ],
                        max_length=10,
                        verbose_name="source",
                    ),
                ),
                ("name", models.CharField(blank=True, max_length=200, verbose_name="name")),
                ("street", models.CharField(blank=True, max_length=200, verbose_name="street")),
                ("housenumber", models.CharField(blank=True, max_length=20, verbose_name="house number")),
                ("postcode", models.CharField(blank=True, max_length=10, verbose_name="postcode")),
                ("label", models.CharField(max_length=300, verbose_name="label")),
                (
                    "key",
                    models.GeneratedField(
                        db_persist=True,
                        expression=django.db.models.expressions.Func(
                            models.F("label"), function="geo_place_key", output_field=models.TextField()
                        ),
                        output_field=models.TextField(),
                    ),
                ),
                ("geom", django.contrib.gis.db.models.fields.PointField(srid=4326, verbose_name="position")),
                (
                    "extent",
                    django.contrib.gis.db.models.fields.GeometryField(
                        blank=True, null=True, spatial_index=False, srid=4326, verbose_name="extent"
                    ),
                ),
                (
                    "project",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="participation.project",
                    ),
                ),
            ],
            options={
                "verbose_name": "place",
                "verbose_name_plural": "places",
                "db_table": "geo_place",
                "indexes": [
                    models.Index(
                        condition=models.Q(("kind", "address"), _negated=True),
                        fields=["project", "key"],
                        name="place_name_prefix",
                        opclasses=["int8_ops", "text_pattern_ops"],
                    ),
                    models.Index(
                        condition=models.Q(("kind", "address")),
                        fields=["project", "key"],
                        name="place_address_prefix",
                        opclasses=["int8_ops", "text_pattern_ops"],
                    ),
                    django.contrib.postgres.indexes.GistIndex(
                        condition=models.Q(("kind", "address"), _negated=True),
                        fields=["key"],
                        name="place_name_trgm",
                        opclasses=["gist_trgm_ops"],
                    ),
                    models.Index(fields=["project", "source"], name="place_source"),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("kind__in", ["street", "address", "district", "place"])),
                        name="place_kind_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("source__in", ["network", "districts", "addresses", "derived"])),
                        name="place_source_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("label", ""), _negated=True), name="place_label_not_empty"
                    ),
                ],
            },
        ),
    ]
