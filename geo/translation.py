"""Texts of geo's models an administrator writes in German and English (django-modeltranslation adds
_de/_en fields)."""

from modeltranslation.translator import TranslationOptions, register

from .layers.models import ContextLayer


@register(ContextLayer)
class ContextLayerTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("de",)
