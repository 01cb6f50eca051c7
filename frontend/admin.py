from django.contrib import admin
from django.http import HttpRequest
from modeltranslation.admin import TranslationAdmin

from .models import LegalPage


@admin.register(LegalPage)
class LegalPageAdmin(TranslationAdmin):
    """The four pages exist after every `migrate` (frontend/apps.py): edited, never added or removed."""

    list_display = ("__str__", "title", "updated_at")
    fields = ("title", "body")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: LegalPage | None = None) -> bool:
        return False
