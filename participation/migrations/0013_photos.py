"""Photos of suggestions and comments (participation/models/photos.py), and the project setting that
pre-moderates them (on by default, for existing projects too)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("participation", "0012_export_pieces_line_drawing"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="project",
            name="premoderate_photos",
            field=models.BooleanField(
                db_default=True,
                default=True,
                help_text="Photos wait for a moderator's approval before anyone else sees them, even where suggestions and comments are published at once (post-moderation).",
                verbose_name="pre-moderate photos",
            ),
        ),
        migrations.CreateModel(
            name="Photo",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0, verbose_name="position")),
                ("alt_text", models.CharField(max_length=200, verbose_name="description (alternative text)")),
                (
                    "moderation_state",
                    models.CharField(
                        choices=[
                            ("pending", "Waiting for review"),
                            ("published", "Published"),
                            ("rejected", "Rejected"),
                            ("hidden", "Hidden"),
                            ("merged", "Merged into another suggestion"),
                            ("withdrawn", "Withdrawn by its author"),
                        ],
                        default="pending",
                        max_length=9,
                        verbose_name="moderation state",
                    ),
                ),
                ("key", models.CharField(editable=False, max_length=22, unique=True, verbose_name="key")),
                ("width", models.PositiveIntegerField(verbose_name="width")),
                ("height", models.PositiveIntegerField(verbose_name="height")),
                (
                    "source_address",
                    models.CharField(
                        blank=True,
                        db_default="",
                        default="",
                        max_length=64,
                        verbose_name="source address (keyed hash)",
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="created"),
                ),
                (
                    "author",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="photos",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "comment",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="photos",
                        to="participation.comment",
                    ),
                ),
                (
                    "suggestion",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="photos",
                        to="participation.suggestion",
                    ),
                ),
            ],
            options={
                "verbose_name": "photo",
                "verbose_name_plural": "photos",
                "ordering": ["suggestion", "comment", "position"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("moderation_state__in", ["pending", "published", "rejected", "hidden"])
                        ),
                        name="photo_moderation_state_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("alt_text", ""), _negated=True), name="photo_alt_text_not_empty"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("key__regex", "^[A-Za-z0-9_-]{22}$")), name="photo_key_format"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("height__gte", 1), ("height__lte", 2048), ("width__gte", 1), ("width__lte", 2048)
                        ),
                        name="photo_size_range",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("comment__isnull", True), ("position__lt", 3)),
                            models.Q(("comment__isnull", False), ("position__lt", 1)),
                            _connector="OR",
                        ),
                        name="photo_position_range",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("comment__isnull", True)),
                        fields=("suggestion", "position"),
                        name="photo_one_per_suggestion_position",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("comment__isnull", False)),
                        fields=("comment", "position"),
                        name="photo_one_per_comment_position",
                    ),
                ],
            },
        ),
    ]
