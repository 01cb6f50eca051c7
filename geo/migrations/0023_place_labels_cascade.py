"""A suggestion's label (geo_suggestion_place) goes with its suggestion or project in the database itself.

Django cascades a delete only through the ORM; its foreign keys in PostgreSQL have no ON DELETE. A DELETE in
SQL (a retention job, a bulk repair, the benchmark) failed on the label's reference instead of removing it, as
place_label_trigger.sql says it does. The two keys are made again, as Django names them, with ON DELETE
CASCADE and still deferrable.
"""

from django.db import migrations

CASCADE_SQL = """
DO $$
DECLARE
    fk record;
BEGIN
    FOR fk IN
        SELECT c.conname, a.attname, c.confrelid::regclass AS target
        FROM pg_constraint AS c
        JOIN pg_attribute AS a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
        WHERE c.conrelid = 'geo_suggestion_place'::regclass AND c.contype = 'f'
    LOOP
        EXECUTE format('ALTER TABLE geo_suggestion_place DROP CONSTRAINT %I', fk.conname);
        EXECUTE format(
            'ALTER TABLE geo_suggestion_place ADD CONSTRAINT %I FOREIGN KEY (%I) REFERENCES %s (id) '
            'ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED',
            fk.conname, fk.attname, fk.target
        );
    END LOOP;
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("geo", "0022_place_labels_set_join")]

    operations = [migrations.RunSQL(sql=CASCADE_SQL, reverse_sql=migrations.RunSQL.noop)]
