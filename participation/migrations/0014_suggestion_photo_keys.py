"""Suggestion.photo_keys: the keys of a suggestion's own published photos, in their order, kept by the
database. A trigger on the photos recomputes them for the suggestions a changed photo row belongs to (before
and after the change), so no service can forget it; the suggestion's row is only written when they differ.
Nothing else may write them: a model's save() writes every field, and one holding keys read before a
photo's decision would put them back (photo_keys_keep restores them on any write not made by the sync)."""

import django.contrib.postgres.fields
from django.db import migrations, models

SYNC_SQL = """
CREATE OR REPLACE FUNCTION participation_photo_keys_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[] := '{}';
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.comment_id IS NULL THEN
        ids := ids || OLD.suggestion_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.comment_id IS NULL THEN
        ids := ids || NEW.suggestion_id;
    END IF;
    UPDATE participation_suggestion AS s
    SET photo_keys = keys.keys
    FROM (
        SELECT wanted.id,
               coalesce((SELECT array_agg(p.key ORDER BY p.position)
                         FROM participation_photo AS p
                         WHERE p.suggestion_id = wanted.id AND p.comment_id IS NULL
                           AND p.moderation_state = 'published'), '{}') AS keys
        FROM (SELECT DISTINCT unnest(ids) AS id) AS wanted
    ) AS keys
    WHERE s.id = keys.id AND s.photo_keys IS DISTINCT FROM keys.keys;
    RETURN NULL;
END
$$;

CREATE TRIGGER photo_keys_sync
AFTER INSERT OR UPDATE OR DELETE ON participation_photo
FOR EACH ROW EXECUTE FUNCTION participation_photo_keys_sync();

UPDATE participation_suggestion AS s
SET photo_keys = keys.keys
FROM (
    SELECT suggestion_id, array_agg(key ORDER BY position) AS keys
    FROM participation_photo
    WHERE comment_id IS NULL AND moderation_state = 'published'
    GROUP BY suggestion_id
) AS keys
WHERE s.id = keys.suggestion_id;

-- Writes of photo_keys from anywhere but the sync above (trigger depth 2: inside the photos' trigger) keep
-- the stored keys.
CREATE OR REPLACE FUNCTION participation_photo_keys_keep() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF pg_trigger_depth() < 2 THEN
        NEW.photo_keys := OLD.photo_keys;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER photo_keys_keep
BEFORE UPDATE OF photo_keys ON participation_suggestion
FOR EACH ROW EXECUTE FUNCTION participation_photo_keys_keep();
"""

UNSYNC_SQL = """
DROP TRIGGER IF EXISTS photo_keys_keep ON participation_suggestion;
DROP FUNCTION IF EXISTS participation_photo_keys_keep();
DROP TRIGGER IF EXISTS photo_keys_sync ON participation_photo;
DROP FUNCTION IF EXISTS participation_photo_keys_sync();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("participation", "0013_photos"),
    ]

    operations = [
        migrations.AddField(
            model_name="suggestion",
            name="photo_keys",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(max_length=22),
                blank=True,
                db_default=models.Value(
                    [],
                    output_field=django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=22), size=None
                    ),
                ),
                default=list,
                editable=False,
                size=None,
                verbose_name="published photos",
            ),
        ),
        migrations.RunSQL(SYNC_SQL, UNSYNC_SQL),
    ]
