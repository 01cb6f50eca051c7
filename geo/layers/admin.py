"""Context layers in the Django admin: the layer's settings and, optionally, a file whose features replace
the layer's on save (the same import as `manage.py import_layer`).

The import runs while the form is validated (`_post_clean`), inside the admin's transaction: a refused file
is a form error at the file field, and the savepoint takes the layer's row and features back with it, so
nothing is saved half. The report is shown as a message after the save.
"""

import shutil
import tempfile
from pathlib import Path, PurePosixPath
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from ..analysis.services import analysis_request
from .imports import DRIVERS, ImportReport, LayerRefused, layer_import
from .models import ContextLayer, LayerRole


class ContextLayerAdminForm(forms.ModelForm):
    source_file = forms.FileField(
        label=_("Import features from a file"),
        required=False,
        help_text=_(
            "GeoJSON, GeoPackage, zipped Shapefile, KML, CSV with coordinate columns, or OpenStreetMap "
            "(.osm, .pbf), in any coordinate system. Its features replace the layer's."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(sorted(DRIVERS))}),
    )
    import_layer = forms.CharField(
        label=_("Layer of the file"),
        required=False,
        help_text=_("For a file with several layers: e.g. “lines” of an OpenStreetMap file."),
    )
    import_where = forms.CharField(
        label=_("Filter"), required=False, help_text=_("Which features to take, e.g. highway='cycleway'.")
    )
    import_srs = forms.CharField(
        label=_("Coordinate system of the file"),
        required=False,
        help_text=_("Only if the file does not say it (a CSV always needs it): e.g. EPSG:25832."),
    )

    class Meta:
        model = ContextLayer
        # The admin's fieldsets choose what is shown; a URL source comes with the worker's refresh (later).
        exclude = ("source_url",)  # noqa: DJ006
        widgets = {"colour": forms.TextInput(attrs={"type": "color"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.report: ImportReport | None = None
        self.actor: Any = None

    def _post_clean(self) -> None:
        super()._post_clean()  # the instance now holds the form's values, checked
        upload = self.cleaned_data.get("source_file")
        if not upload or self.errors:
            return
        if upload.size is not None and upload.size > settings.CONTEXT_LAYER_MAX_BYTES:
            self.add_error(
                "source_file",
                gettext("The file is larger than %(size)s. Please use manage.py import_layer for it.")
                % {"size": filesizeformat(settings.CONTEXT_LAYER_MAX_BYTES)},
            )
            return
        layer = self.instance
        adding = layer._state.adding
        work = Path(tempfile.mkdtemp(prefix="context-layer-upload-"))
        try:
            source = work / f"upload{PurePosixPath((upload.name or '').lower()).suffix}"
            with source.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            with transaction.atomic():
                layer.save()
                self.report = layer_import(
                    layer=layer,
                    source=source,
                    actor=self.actor,
                    source_layer=self.cleaned_data.get("import_layer") or None,
                    where=self.cleaned_data.get("import_where") or None,
                    srs=self.cleaned_data.get("import_srs") or None,
                    source_name=PurePosixPath(upload.name or "upload").name,
                )
        except LayerRefused as refused:
            if adding:  # the savepoint took the new row back: the form must not think it exists
                layer.pk = None
                layer._state.adding = True
            self.add_error("source_file", refused.message)
        finally:
            shutil.rmtree(work, ignore_errors=True)


@admin.register(ContextLayer)
class ContextLayerAdmin(TranslationAdmin):
    form = ContextLayerAdminForm
    list_display = (
        "name",
        "project",
        "role",
        "category",
        "public",
        "visible_by_default",
        "position",
        "updated_at",
    )
    list_filter = ("project", "role")
    search_fields = ("name",)
    readonly_fields = (
        "source_kind",
        "source_name",
        "source_url",
        "source_layer",
        "source_where",
        "source_srs",
        "report",
    )
    fieldsets = (
        (
            None,
            {"fields": ("project", "name", "role", "category", "position", "visible_by_default", "public")},
        ),
        (_("Style"), {"fields": ("colour", "icon", "line_pattern", "attribution", "licence")}),
        (_("Import"), {"fields": ("source_file", "import_layer", "import_where", "import_srs")}),
        (
            _("Source and last import"),
            {"fields": readonly_fields},
        ),
    )

    @admin.display(description=_("last import"))
    def report(self, layer: ContextLayer) -> str:
        report = layer.import_report
        if not report:
            return "–"
        return ImportReport(**report).summary()

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> type:
        form = super().get_form(request, obj, change=change, **kwargs)
        user = request.user

        class WithActor(form):  # type: ignore[misc, valid-type]
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                self.actor = user

        return WithActor

    def save_model(self, request: HttpRequest, obj: ContextLayer, form: ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        report = getattr(form, "report", None)
        if report is not None:
            messages.info(request, gettext("Imported: %(report)s") % {"report": report.summary()})
        elif change and {"role", "category", "position"} & set(form.changed_data):
            # What the suggestions are measured against changed without an import (which asks by itself).
            analysis_request(project_id=obj.project_id)

    def delete_model(self, request: HttpRequest, obj: ContextLayer) -> None:
        super().delete_model(request, obj)
        if obj.role != LayerRole.REFERENCE:
            analysis_request(project_id=obj.project_id)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ContextLayer]) -> None:
        projects = set(queryset.exclude(role=LayerRole.REFERENCE).values_list("project_id", flat=True))
        super().delete_queryset(request, queryset)
        for project_id in sorted(projects):
            analysis_request(project_id=project_id)
