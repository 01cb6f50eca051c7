"""ModerationEvent.photo: a moderator's decision about one photo (approved, removed, blurred) in the audit
trail, and the action BLUR. A plain id like the trail's other references; adding a nullable column writes no
row, so the append-only trigger of 0005 is not involved."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("participation", "0014_suggestion_photo_keys"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="moderationevent",
            name="moderation_event_action_valid",
        ),
        migrations.AddField(
            model_name="moderationevent",
            name="photo",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="events",
                to="participation.photo",
                verbose_name="photo",
            ),
        ),
        migrations.AlterField(
            model_name="moderationevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("approve", "Approved"),
                    ("reject", "Rejected"),
                    ("hide", "Hidden"),
                    ("unhide", "Shown again"),
                    ("dismiss", "Reports dismissed"),
                    ("auto_hide", "Hidden automatically after reports"),
                    ("merge", "Merged"),
                    ("move", "Moved"),
                    ("edit", "Edited by its author"),
                    ("withdraw", "Withdrawn by its author"),
                    ("status", "Planning status or official answer set"),
                    ("blur", "Regions blurred"),
                ],
                max_length=9,
                verbose_name="action",
            ),
        ),
        migrations.AddConstraint(
            model_name="moderationevent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "action__in",
                        [
                            "approve",
                            "reject",
                            "hide",
                            "unhide",
                            "dismiss",
                            "auto_hide",
                            "merge",
                            "move",
                            "edit",
                            "withdraw",
                            "status",
                            "blur",
                        ],
                    )
                ),
                name="moderation_event_action_valid",
            ),
        ),
    ]
