"""Run geo/sql/cluster_trigger.sql again: geo_cluster_cell_apply now visits cells one by one in key order.

Its first version (applied by 0002 in earlier checkouts) added to cells in one statement and subtracted in
a second, so two concurrent writers could lock the same cells in opposite orders and deadlock. Everything in
the file is CREATE OR REPLACE, so running it again on a database that 0002 just created changes nothing.
"""

from django.db import migrations

from geo.core.sql import load_sql


class Migration(migrations.Migration):
    dependencies = [
        ("geo", "0002_cluster_trigger"),
    ]

    operations = [
        migrations.RunSQL(sql=[load_sql("cluster_trigger_0003")], reverse_sql=migrations.RunSQL.noop),
    ]
