"""Texts an administrator writes in German and English (django-modeltranslation adds _de/_en fields)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Category, Project


@register(Project)
class ProjectTranslation(TranslationOptions):
    fields = ("title", "description", "results_summary")
    required_languages = ("de",)


@register(Category)
class CategoryTranslation(TranslationOptions):
    fields = ("label",)
    required_languages = ("de",)
