"""Export speed: pm_spreadsheet_safe is redefined so that PostgreSQL inlines it (see export_functions.sql).

The file is re-run as it is (every statement is CREATE OR REPLACE); going back needs nothing, the older
definition answered the same.
"""

from django.db import migrations

from geo.sql import load_sql


class Migration(migrations.Migration):
    dependencies = [("geo", "0005_tiles")]

    operations = [migrations.RunSQL(sql=[load_sql("export_functions")], reverse_sql=migrations.RunSQL.noop)]
