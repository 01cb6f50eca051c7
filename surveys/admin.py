"""Surveys are built in the admin: the survey with its questions inline, each question's options on the
question's own page (Django has no nested inlines), linked from the survey. Responses are read-only here."""

from django.contrib import admin
from django.db.models import ForeignKey, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline, TranslationTabularInline

from .models import Choice, Question, QuestionKind, Response, Survey


def _conditions(survey_id: object) -> QuerySet[Choice]:
    """What a question's display may depend on: options of this survey's single-choice questions."""
    return Choice.objects.filter(
        question__survey_id=survey_id, question__kind=QuestionKind.SINGLE
    ).select_related("question")


class QuestionInline(TranslationStackedInline):
    model = Question
    extra = 0
    show_change_link = True  # the options are edited on the question's page
    fields = (
        ("position", "kind", "required"),
        "text",
        "help_text",
        ("min_value", "max_value"),
        ("min_selections", "max_selections"),
        ("scale_min_label", "scale_max_label"),
        "show_if_choice",
    )

    def formfield_for_foreignkey(
        self, db_field: ForeignKey, request: HttpRequest, **kwargs: object
    ) -> ModelChoiceField | None:
        if db_field.name == "show_if_choice":
            match = request.resolver_match
            kwargs["queryset"] = _conditions(match.kwargs.get("object_id") if match else None)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Survey)
class SurveyAdmin(TranslationAdmin):
    list_display = ("title", "project", "opens_at", "closes_at", "allow_anonymous", "position")
    list_filter = ("project",)
    prepopulated_fields = {"slug": ("title_de",)}
    inlines = [QuestionInline]
    fields = (
        "project",
        "title",
        "slug",
        "introduction",
        ("opens_at", "closes_at"),
        "allow_anonymous",
        "position",
    )


class ChoiceInline(TranslationTabularInline):
    model = Choice
    extra = 0
    fields = ("position", "key", "label")


@admin.register(Question)
class QuestionAdmin(TranslationAdmin):
    list_display = ("text", "survey", "position", "kind", "required")
    list_filter = ("survey__project", "survey", "kind")
    inlines = [ChoiceInline]
    fields = (
        "survey",
        ("position", "kind", "required"),
        "text",
        "help_text",
        ("min_value", "max_value"),
        ("min_selections", "max_selections"),
        ("scale_min_label", "scale_max_label"),
        "show_if_choice",
    )

    def formfield_for_foreignkey(
        self, db_field: ForeignKey, request: HttpRequest, **kwargs: object
    ) -> ModelChoiceField | None:
        if db_field.name == "show_if_choice":
            match = request.resolver_match
            object_id = match.kwargs.get("object_id") if match else None
            survey_id = Question.objects.filter(pk=object_id).values("survey_id")[:1] if object_id else None
            kwargs["queryset"] = _conditions(survey_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    """Counting and deleting (e.g. a test response) only: answers are read on the results page."""

    list_display = ("id", "survey", "language", "created_at")
    list_filter = ("survey__project", "survey")
    date_hierarchy = "created_at"
    # Who answered stays out of sight: results and exports never name anyone either.
    fields = ("survey", "language", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
