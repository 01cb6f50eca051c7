"""Texts an administrator writes in German and English (django-modeltranslation adds _de/_en fields)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Choice, Question, Survey


@register(Survey)
class SurveyTranslation(TranslationOptions):
    fields = ("title", "introduction")
    required_languages = ("de",)


@register(Question)
class QuestionTranslation(TranslationOptions):
    fields = ("text", "help_text", "scale_min_label", "scale_max_label")
    required_languages = {"de": ("text",)}


@register(Choice)
class ChoiceTranslation(TranslationOptions):
    fields = ("label",)
    required_languages = ("de",)
