"""An index for the OGC API's numberMatched (geo/ogcapi/count_selectors.py): published suggestions of a
project by planning status and support count, with the category. A filter such as `planning_status =
'planned' AND support_count >= 5` is then counted as a range of this index alone (an index-only scan, ~4 ms
for 32,000 of 1.1 M suggestions) instead of a read of the whole project (~300 ms), and a rare status
finds its page through it too.

Built CONCURRENTLY: suggestions can still be written while it is built (~5 s at 1.1 M rows). Its price: a
change of support_count (a support) is no longer a HOT update, so it writes this and the table's other
index entries anew.
"""

from django.db import migrations


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("geo", "0028_tiles_line_drawing"),
        ("participation", "0012_export_pieces_line_drawing"),
    ]

    operations = [
        migrations.RunSQL(
            sql=(
                "CREATE INDEX CONCURRENTLY IF NOT EXISTS suggestion_published_status_supports "
                "ON participation_suggestion (project_id, planning_status, support_count) INCLUDE (category_id) "
                "WHERE moderation_state = 'published'"
            ),
            reverse_sql="DROP INDEX CONCURRENTLY IF EXISTS suggestion_published_status_supports",
        ),
    ]
