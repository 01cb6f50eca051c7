"""Surveys are built in the admin: the survey with its questions inline, each question's options on the
question's own page (Django has no nested inlines), linked from the survey. Responses are read-only here."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import ManyToManyField, QuerySet
from django.forms import BaseInlineFormSet, ModelMultipleChoiceField
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline, TranslationTabularInline

from .models import Choice, Question, QuestionKind, Response, Survey


def _conditions(survey_id: object) -> QuerySet[Choice]:
    """What a question's display may depend on: options of this survey's single-choice questions."""
    return Choice.objects.filter(
        question__survey_id=survey_id, question__kind=QuestionKind.SINGLE
    ).select_related("question")


class QuestionForm(forms.ModelForm):
    """A question's condition is checked here: a many-to-many value does not reach the model's clean()."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        choices = cleaned.get("show_if_choices")
        if choices:
            self.instance.survey_id = getattr(cleaned.get("survey"), "pk", self.instance.survey_id)
            self.instance.position = cleaned.get("position", self.instance.position)
            problem = self.instance.condition_error(choices)
            if problem:
                self.add_error("show_if_choices", problem)
        return cleaned


class ChoiceFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        for form in self.deleted_forms:
            if form.instance.pk and form.instance.dependent_questions.exists():
                raise forms.ValidationError(
                    _(
                        "The option “%(option)s” cannot be deleted: other questions are shown only when it "
                        "is chosen. Change their condition first."
                    )
                    % {"option": form.instance.label}
                )


class QuestionInline(TranslationStackedInline):
    model = Question
    form = QuestionForm
    extra = 0
    show_change_link = True  # the options are edited on the question's page
    fields = (
        ("position", "kind", "required"),
        "text",
        "help_text",
        ("min_value", "max_value"),
        ("min_selections", "max_selections"),
        ("scale_min_label", "scale_max_label"),
        "show_if_choices",
    )

    def formfield_for_manytomany(
        self, db_field: ManyToManyField, request: HttpRequest, **kwargs: object
    ) -> ModelMultipleChoiceField | None:
        if db_field.name == "show_if_choices":
            match = request.resolver_match
            kwargs["queryset"] = _conditions(match.kwargs.get("object_id") if match else None)
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)


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
    formset = ChoiceFormSet
    extra = 0
    fields = ("position", "key", "label")


@admin.register(Question)
class QuestionAdmin(TranslationAdmin):
    form = QuestionForm
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
        "show_if_choices",
    )

    def formfield_for_manytomany(
        self, db_field: ManyToManyField, request: HttpRequest, **kwargs: object
    ) -> ModelMultipleChoiceField | None:
        if db_field.name == "show_if_choices":
            match = request.resolver_match
            object_id = match.kwargs.get("object_id") if match else None
            survey_id = Question.objects.filter(pk=object_id).values("survey_id")[:1] if object_id else None
            kwargs["queryset"] = _conditions(survey_id)
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)


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
