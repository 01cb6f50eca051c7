"""Legal pages are written in German and English (django-modeltranslation adds _de/_en fields)."""

from modeltranslation.translator import TranslationOptions, register

from .models import LegalPage


@register(LegalPage)
class LegalPageTranslation(TranslationOptions):
    fields = ("title", "body")
    required_languages = ("de",)
