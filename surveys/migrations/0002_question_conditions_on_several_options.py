"""A question's condition becomes a set of options (of one earlier single-choice question), so one question
can follow several answers; every existing single-option condition is carried over before the old column
goes."""

import django.db.models.deletion
from django.db import migrations, models


def conditions_to_sets(apps, schema_editor):
    Question = apps.get_model("surveys", "Question")
    Through = Question.show_if_choices.through
    Through.objects.bulk_create(
        Through(question_id=question_id, choice_id=choice_id)
        for question_id, choice_id in Question.objects.filter(show_if_choice__isnull=False).values_list(
            "id", "show_if_choice_id"
        )
    )


def sets_to_conditions(apps, schema_editor):
    """Back to one option: the first of each set (a set of several cannot be said with one)."""
    Question = apps.get_model("surveys", "Question")
    for question in Question.objects.filter(show_if_choices__isnull=False).distinct():
        question.show_if_choice = question.show_if_choices.order_by("position", "id").first()
        question.save(update_fields=["show_if_choice"])


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0001_initial"),
    ]

    operations = [
        # The old column gives up its reverse name first, so the new field can take it.
        migrations.AlterField(
            model_name="question",
            name="show_if_choice",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.RESTRICT,
                related_name="+",
                to="surveys.choice",
                verbose_name="show only if this was chosen",
            ),
        ),
        migrations.AddField(
            model_name="question",
            name="show_if_choices",
            field=models.ManyToManyField(
                blank=True,
                related_name="dependent_questions",
                to="surveys.choice",
                verbose_name="show only if one of these was chosen",
            ),
        ),
        migrations.RunPython(conditions_to_sets, sets_to_conditions),
        migrations.RemoveField(
            model_name="question",
            name="show_if_choice",
        ),
    ]
