"""Street networks in the Django admin: a project's network, its name and credits, and an upload whose file
replaces the network on save (the same import as `manage.py import_network`), with the last import's report.

The import runs while the form is validated (`_post_clean`), inside the admin's transaction: a refused file
is a form error at its field, and the savepoint takes the network's row and edges back with it, so nothing is
saved half. Edges and vertices are never edited by hand: only an import replaces them.
"""

import shutil
import tempfile
from pathlib import Path, PurePosixPath
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db import transaction
from django.forms import ModelForm
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .imports import DRIVERS, NetworkRefused, network_import, report_summary
from .models import StreetNetwork

UPLOAD_TYPES = (".osm", ".pbf", ".gpkg", ".zip", ".geojson", ".json")


class StreetNetworkAdminForm(forms.ModelForm):
    source_file = forms.FileField(
        label=_("Import the network from a file"),
        required=False,
        help_text=_(
            "An OpenStreetMap extract (.osm or .pbf; its ways with a highway tag), or the town's own network "
            "of lines as GeoPackage (.gpkg), zipped Shapefile (.zip, with its .prj) or GeoJSON, in any "
            "coordinate system. Columns of the lines: name (the street's name) and, where known, highway "
            "(OSM's kind of way, e.g. residential, cycleway, footway), oneway (yes, no or -1), "
            "oneway_bicycle (no: bicycles may ride both ways), bicycle (yes or no), access. Lines are joined "
            "where they share a position (an end or a vertex), never where they merely cross. It replaces "
            "the project's network as a whole."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(UPLOAD_TYPES)}),
    )

    class Meta:
        model = StreetNetwork
        fields = ("project", "name", "attribution", "licence")
        widgets = {"attribution": forms.TextInput(attrs={"size": 80})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.report: dict[str, Any] | None = None
        self.actor: Any = None

    def _post_clean(self) -> None:
        super()._post_clean()  # the instance now holds the form's values, checked
        if self.errors:
            return
        upload = self.cleaned_data.get("source_file")
        if upload:
            self._import_file(upload)

    def _import_file(self, upload: Any) -> None:
        if upload.size is not None and upload.size > settings.CONTEXT_LAYER_MAX_BYTES:
            self.add_error(
                "source_file",
                gettext("The file is larger than %(size)s. Please use manage.py import_network for it.")
                % {"size": filesizeformat(settings.CONTEXT_LAYER_MAX_BYTES)},
            )
            return
        network = self.instance
        adding = network._state.adding
        name = PurePosixPath(upload.name or "upload").name
        suffix = PurePosixPath(name.lower()).suffix
        work = Path(tempfile.mkdtemp(prefix="street-network-upload-"))
        try:
            # Under a name of our own: only the suffix of the user's name, and only one the import knows.
            source = work / f"upload{suffix if suffix in DRIVERS else ''}"
            with source.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            with transaction.atomic():
                network.save()
                self.report = network_import(
                    network.project,
                    source,
                    name=network.name,
                    attribution=network.attribution,
                    licence=network.licence,
                    actor=self.actor,
                    source_name=name,
                )
                # What the import wrote, so that the admin's save does not write older values over it.
                network.refresh_from_db()
        except NetworkRefused as refused:
            if adding:  # the savepoint took the new row back: the form must not think it exists
                network.pk = None
                network._state.adding = True
            self.add_error("source_file", refused.message)
        finally:
            shutil.rmtree(work, ignore_errors=True)


@admin.register(StreetNetwork)
class StreetNetworkAdmin(admin.ModelAdmin):
    form = StreetNetworkAdminForm
    list_display = ("__str__", "project", "edges", "imported_at", "generation")
    list_select_related = ("project",)
    search_fields = ("name", "source_name")
    readonly_fields = ("source_name", "generation", "imported_at", "report")
    fieldsets = (
        (None, {"fields": ("project", "name", "attribution", "licence")}),
        (_("Import"), {"fields": ("source_file",)}),
        (_("Source and last import"), {"fields": readonly_fields}),
    )

    @admin.display(description=_("edges"))
    def edges(self, network: StreetNetwork) -> str:
        count = (network.import_report or {}).get("edges")
        return "–" if count is None else str(count)

    @admin.display(description=_("last import"))
    def report(self, network: StreetNetwork) -> str:
        return report_summary(network.import_report)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # One network per project: which project it belongs to is chosen when it is added.
        return (*self.readonly_fields, "project") if obj is not None else self.readonly_fields

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> type:
        form = super().get_form(request, obj, change=change, **kwargs)
        user = request.user

        class WithActor(form):  # type: ignore[misc, valid-type]
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                self.actor = user

        return WithActor

    def save_model(self, request: HttpRequest, obj: StreetNetwork, form: ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        report = getattr(form, "report", None)
        if report is not None:
            messages.info(request, gettext("Imported: %(report)s") % {"report": report_summary(report)})
