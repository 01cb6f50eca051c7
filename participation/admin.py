from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdmin, LeafletGeoAdminMixin
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from .models import Category, Project, Suggestion


class CategoryInline(TranslationTabularInline):
    model = Category
    extra = 0
    fields = ("position", "key", "label", "geometry_kind", "colour", "icon", "active")


@admin.register(Project)
class ProjectAdmin(LeafletGeoAdminMixin, TranslationAdmin):
    list_display = ("title", "slug", "phase_start", "phase_end", "moderation_mode", "allow_anonymous")
    prepopulated_fields = {"slug": ("title_de",)}
    inlines = [CategoryInline]
    fieldsets = [
        (None, {"fields": ("title", "slug", "description")}),
        (
            _("Participation phase"),
            {"fields": ("phase_start", "phase_end", "moderation_mode", "allow_anonymous")},
        ),
        (_("Map"), {"fields": ("area", "map_center", "map_zoom")}),
    ]


@admin.register(Suggestion)
class SuggestionAdmin(LeafletGeoAdmin):
    list_display = (
        "title",
        "project",
        "category",
        "moderation_state",
        "planning_status",
        "support_count",
        "created_at",
    )
    list_filter = ("project", "category", "moderation_state", "planning_status")
    search_fields = ("title", "text", "display_name")
    readonly_fields = ("support_count", "comment_count", "created_at", "updated_at")
    raw_id_fields = ("author",)
    date_hierarchy = "created_at"
    list_select_related = ("project", "category")
