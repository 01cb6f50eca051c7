"""The public results page (participation/views/results.py): the summary a town writes for a finished project
(German and English), the credit for the area's outline, and an index for the page's figures.

suggestion_published_figures holds every column participation/sql/results_figures.sql reads of a project's
published suggestions, so the figures are an index-only scan (63 MB at 1.1 M rows) instead of a sequential
scan of the table with its export pieces: 0.5-0.9 s instead of 4.5-7 s at a million published suggestions on
the benchmark's seed. Built CONCURRENTLY (~8 s at 1.1 M rows); a changed counter (support or comment) now
writes one more index entry.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run in a transaction.
    atomic = False

    dependencies = [
        ("participation", "0017_follows_and_alerts"),
    ]

    operations = [
        migrations.RunSQL(
            sql=(
                "CREATE INDEX CONCURRENTLY IF NOT EXISTS suggestion_published_figures "
                "ON participation_suggestion (project_id, created_at) "
                "INCLUDE (category_id, planning_status, support_count, comment_count) "
                "WHERE moderation_state = 'published'"
            ),
            reverse_sql="DROP INDEX CONCURRENTLY IF EXISTS suggestion_published_figures",
        ),
        migrations.AddField(
            model_name="project",
            name="area_attribution",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                help_text="Credit for the area's outline where pages draw it, e.g. “© OpenStreetMap contributors (ODbL)” for a boundary taken from OpenStreetMap. Blank for the town's own data.",
                max_length=300,
                verbose_name="area source",
            ),
        ),
        migrations.AddField(
            model_name="project",
            name="results_summary",
            field=models.TextField(
                blank=True,
                db_default="",
                default="",
                help_text="What came of the project, in a few paragraphs: shown at the top of the public results page once participation has ended. Plain text; a blank line starts a new paragraph.",
                verbose_name="results summary",
            ),
        ),
        migrations.AddField(
            model_name="project",
            name="results_summary_de",
            field=models.TextField(
                blank=True,
                db_default="",
                default="",
                help_text="What came of the project, in a few paragraphs: shown at the top of the public results page once participation has ended. Plain text; a blank line starts a new paragraph.",
                null=True,
                verbose_name="results summary",
            ),
        ),
        migrations.AddField(
            model_name="project",
            name="results_summary_en",
            field=models.TextField(
                blank=True,
                db_default="",
                default="",
                help_text="What came of the project, in a few paragraphs: shown at the top of the public results page once participation has ended. Plain text; a blank line starts a new paragraph.",
                null=True,
                verbose_name="results summary",
            ),
        ),
    ]
