from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.forms import Media, ModelForm, Script
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdmin, LeafletGeoAdminMixin
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from .admin_forms import CategoryAdminForm, ProjectAdminForm
from .embedding import embed_snippet, embed_url
from .models import Category, ModerationEvent, Project, ProjectRole, Suggestion
from .services import account_delete


class ProjectRoleInline(admin.TabularInline):
    model = ProjectRole
    extra = 0
    raw_id_fields = ("user",)
    verbose_name_plural = _("Moderators and planners")


class CategoryInline(TranslationTabularInline):
    model = Category
    form = CategoryAdminForm
    extra = 0
    fields = ("position", "key", "label", "geometry_kind", "colour", "icon", "active")


@admin.register(Project)
class ProjectAdmin(LeafletGeoAdminMixin, TranslationAdmin):
    form = ProjectAdminForm
    list_display = ("title", "slug", "phase_start", "phase_end", "moderation_mode", "allow_anonymous")
    prepopulated_fields = {"slug": ("title_de",)}
    inlines = [CategoryInline, ProjectRoleInline]
    fieldsets = [
        (None, {"fields": ("title", "slug", "description")}),
        (
            _("Participation phase"),
            {
                "fields": (
                    "phase_start",
                    "phase_end",
                    "moderation_mode",
                    "premoderate_photos",
                    "allow_anonymous",
                    "auto_hide_reports",
                )
            },
        ),
        # The place search above the maps: it moves them to where the area is to be drawn.
        (
            _("Map"),
            {"fields": ("area_file", "find_place", "area", "area_attribution", "map_center", "map_zoom")},
        ),
        # The public results page (views/results.py) shows it at its top once the phase has ended.
        (_("Results"), {"fields": ("results_summary",)}),
        # The town's own websites that may show the map, and the code they paste (docs/embedding.md).
        (_("Embedding on other websites"), {"fields": ("embed_origins", "embed_code")}),
    ]
    readonly_fields = ("embed_code",)

    @property
    def media(self) -> Media:
        # The embed code's copy button (a module script, like every bundle of ours; no inline script).
        return super().media + Media(js=[Script("frontend/build/admin-embed-code.js", type="module")])

    @admin.display(description=_("Embed code"))
    def embed_code(self, obj: Project | None) -> SafeString:
        """The frame to paste into the town's page, read-only with a copy button, and what still keeps it
        from showing (no website allowed yet, a project that is not public)."""
        if obj is None or not obj.pk:
            return render_to_string("participation/admin/embed_code.html", {"unsaved": True})
        return render_to_string(
            "participation/admin/embed_code.html",
            {
                "snippet": embed_snippet(slug=obj.slug, title=obj.title),
                "url": embed_url(obj.slug),
                "origins": obj.embed_origins,
                "is_public": obj.is_public,
            },
        )

    def save_model(self, request: HttpRequest, obj: Project, form: ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        boundary = getattr(form, "boundary", None)
        if boundary is None:
            return
        # Say what was taken from the file and what it changed, so nothing changes unseen.
        messages.info(
            request,
            gettext(
                "The area was taken from the file: %(features)s polygon feature(s), converted to WGS84 "
                "and joined into %(parts)s separate part(s), %(size)s km², %(vertices)s vertices."
            )
            % {
                "features": boundary.features,
                "parts": boundary.parts,
                "size": number_format(boundary.square_metres / 1e6, 2, force_grouping=True),
                "vertices": number_format(boundary.vertices, 0, force_grouping=True),
            },
        )
        if form.centre_moved:
            messages.warning(
                request,
                gettext(
                    "The map centre lay outside the new area: it was moved into the area. Please check it."
                ),
            )
        outside = Suggestion.objects.filter(project=obj).exclude(geom__coveredby=obj.area).count()
        if outside:
            messages.warning(
                request,
                ngettext(
                    "%(count)s suggestion lies outside the new area. It stays as it is.",
                    "%(count)s suggestions lie outside the new area. They stay as they are.",
                    outside,
                )
                % {"count": number_format(outside, 0, force_grouping=True)},
            )


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
    list_filter = ("project", "category", "moderation_state", "planning_status", "line_drawing")
    search_fields = ("title", "text", "display_name")
    # Decisions go through the moderation page and the planner's answer page, which log them in the audit
    # trail; here they can be read, not changed.
    readonly_fields = (
        "moderation_state",
        # How the citizen drew the path: a fact about the drawing, not something to change afterwards.
        "line_drawing",
        "merged_into",
        "planning_status",
        "official_answer",
        "answered_at",
        "support_count",
        "comment_count",
        "created_at",
        "updated_at",
    )
    # The address hash serves abuse handling in queries, not reading; nobody needs to see it.
    exclude = ("source_address",)
    raw_id_fields = ("author",)
    date_hierarchy = "created_at"
    list_select_related = ("project", "category")


@admin.register(ModerationEvent)
class ModerationEventAdmin(admin.ModelAdmin):
    """The audit trail, for reading: the database refuses changes and deletions anyway."""

    list_display = (
        "created_at",
        "project",
        "suggestion_id",
        "comment_id",
        "photo_id",
        "action",
        "from_state",
        "to_state",
    )
    list_filter = ("action", "project")
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class AccountAdmin(UserAdmin):
    """Django's user admin, except that deleting goes through `account_delete`: contributions stay anonymised
    and every support still counts, as when people delete their own account. (A plain delete would cascade
    the supports away behind the counters' back and keep the public names on suggestions and comments.)"""

    def delete_model(self, request: HttpRequest, obj: AbstractBaseUser) -> None:
        account_delete(user=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for user in queryset:
            account_delete(user=user)


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), AccountAdmin)
