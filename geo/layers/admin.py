"""Context layers in the Django admin: the layer's settings and, optionally, a file or a live URL (OGC API –
Features collection, WFS type) whose features replace the layer's on save (the same import as
`manage.py import_layer`). A URL layer with a refresh interval is then refreshed by the worker
(geo.layers.refresh); its last refresh, or why it failed, is shown here.

The import runs while the form is validated (`_post_clean`), inside the admin's transaction: a refused file
or URL is a form error at its field, and the savepoint takes the layer's row and features back with it, so
nothing is saved half. The report is shown as a message after the save.
"""

import shutil
import tempfile
from datetime import datetime
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
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from ..analysis.services import analysis_request, district_alerts_follow
from .imports import DRIVERS, ImportReport, LayerRefused, layer_import
from .models import ContextLayer, LayerRole, SourceKind
from .refresh import next_refresh, schedule_refresh
from .remote import SourceTooSlow, url_import


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
    import_url = forms.CharField(
        label=_("Or import features from a URL"),
        required=False,
        max_length=500,
        help_text=_(
            "An OGC API – Features collection (…/collections/<id>, or its /items) or a WFS (with "
            "SERVICE=WFS; give its type name below). Its features replace the layer's, and the worker "
            "imports it again every “refresh every (hours)”."
        ),
        widget=forms.URLInput(attrs={"size": 80}),
    )
    import_now = forms.BooleanField(
        label=_("Import from the URL now"),
        required=False,
        help_text=_("Import the layer's URL again on save (it is imported anyway when the URL changes)."),
    )
    import_layer = forms.CharField(
        label=_("Layer of the file, or WFS type name"),
        required=False,
        help_text=_(
            "For a file with several layers: e.g. “lines” of an OpenStreetMap file. For a WFS: the type "
            "name, e.g. app:parking."
        ),
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
        # The admin's fieldsets choose what is shown; the URL is set through `import_url`, by a good import.
        exclude = ("source_url",)  # noqa: DJ006
        widgets = {"colour": forms.TextInput(attrs={"type": "color"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.report: ImportReport | None = None
        self.actor: Any = None
        if self.instance.source_kind == SourceKind.URL:
            self.initial.setdefault("import_url", self.instance.source_url)

    def _post_clean(self) -> None:
        super()._post_clean()  # the instance now holds the form's values, checked
        if self.errors:
            return
        upload = self.cleaned_data.get("source_file")
        url = (self.cleaned_data.get("import_url") or "").strip()
        layer = self.instance
        if upload and url and url != layer.source_url:
            self.add_error("import_url", gettext("Please give either a file or a URL, not both."))
            return
        # Checked before any import: an import's savepoint is kept even when the form fails afterwards.
        if layer.refresh_hours and not (url and not upload):
            self.add_error(
                "refresh_hours", gettext("Only a layer imported from a URL can be refreshed by the worker.")
            )
            return
        if upload:
            self._import_file(upload)
        elif url and (url != layer.source_url or layer.source_kind != SourceKind.URL or self._url_options()):
            self._import_url(url)

    def _url_options(self) -> bool:
        data = self.cleaned_data
        return bool(
            data.get("import_now")
            or data.get("import_layer")
            or data.get("import_where")
            or data.get("import_srs")
        )

    def _import_url(self, url: str) -> None:
        layer = self.instance
        adding = layer._state.adding
        same = url == layer.source_url
        try:
            with transaction.atomic():
                layer.save()
                self.report = url_import(
                    layer=layer,
                    url=url,
                    actor=self.actor,
                    type_name=self.cleaned_data.get("import_layer") or (layer.source_layer if same else None),
                    where=self.cleaned_data.get("import_where") or (layer.source_where if same else None),
                    srs=self.cleaned_data.get("import_srs") or (layer.source_srs if same else None),
                    # Within the web server's request timeout; the command and the worker take longer.
                    seconds=settings.CONTEXT_LAYER_ADMIN_URL_SECONDS,
                )
        except SourceTooSlow:
            if adding:
                layer.pk = None
                layer._state.adding = True
            self.add_error(
                "import_url",
                gettext(
                    "Reading the URL took longer than %(seconds)s seconds, too long for a page of the admin. "
                    "Please import it with manage.py import_layer; the worker then refreshes it."
                )
                % {"seconds": settings.CONTEXT_LAYER_ADMIN_URL_SECONDS},
            )
        except LayerRefused as refused:
            if adding:
                layer.pk = None
                layer._state.adding = True
            self.add_error("import_url", refused.message)

    def _import_file(self, upload: Any) -> None:
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
        "refreshed_at",
        "refresh_status",
    )
    fieldsets = (
        (
            None,
            {"fields": ("project", "name", "role", "category", "position", "visible_by_default", "public")},
        ),
        (_("Style"), {"fields": ("colour", "icon", "line_pattern", "attribution", "licence")}),
        (
            _("Import"),
            {
                "fields": (
                    "source_file",
                    "import_url",
                    "import_layer",
                    "import_where",
                    "import_srs",
                    "refresh_hours",
                    "import_now",
                )
            },
        ),
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

    @admin.display(description=_("refresh"))
    def refresh_status(self, layer: ContextLayer) -> str:
        due = next_refresh(layer)
        parts = []
        if layer.refresh_failed_at is not None:
            parts.append(
                gettext("The last refresh failed at %(at)s: %(error)s")
                % {"at": _when(layer.refresh_failed_at), "error": layer.refresh_error}
            )
        if due is not None:
            parts.append(gettext("Next refresh: %(at)s.") % {"at": _when(due)})
        return " ".join(parts) or "–"

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
        if report is None and change and {"role", "position", "public"} & set(form.changed_data):
            # Another layer may be the project's districts now, or this one public again (an import follows
            # by itself): district alerts find their districts in it, in this transaction.
            district_alerts_follow(project_id=obj.project_id)
        if obj.source_kind == SourceKind.URL and obj.refresh_hours:
            schedule_refresh()

    def delete_model(self, request: HttpRequest, obj: ContextLayer) -> None:
        super().delete_model(request, obj)
        if obj.role != LayerRole.REFERENCE:
            analysis_request(project_id=obj.project_id)
        if obj.role == LayerRole.DISTRICTS:
            district_alerts_follow(project_id=obj.project_id)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ContextLayer]) -> None:
        projects = set(queryset.exclude(role=LayerRole.REFERENCE).values_list("project_id", flat=True))
        with_districts = set(queryset.filter(role=LayerRole.DISTRICTS).values_list("project_id", flat=True))
        super().delete_queryset(request, queryset)
        for project_id in sorted(projects):
            analysis_request(project_id=project_id)
        for project_id in sorted(with_districts):
            district_alerts_follow(project_id=project_id)


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")
