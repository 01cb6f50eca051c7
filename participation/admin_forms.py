"""The admin's forms for a project: its area from an uploaded boundary file, the map widgets opening on the
project's own place with a place search above them, and each category's colour from a colour picker and icon
from a list."""

from typing import Any

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from geo.core.boundary import DRIVERS, Boundary, BoundaryRefused, boundary_from_upload

from .embedding import origins_parse
from .models import Category, Project
from .selectors import project_has_places

# The front end draws every category as a dot or a line in the category's colour and ships no icon images;
# the icon is a name API clients may map to their own symbols. These are the names it may take.
CATEGORY_ICONS = [
    ("", _("none")),
    ("charging-station", _("charging station")),
    ("bicycle", _("bicycle")),
    ("route", _("route")),
    ("comment", _("comment")),
    ("parking", _("parking")),
    ("warning", _("warning")),
]


class PlaceSearchWidget(forms.Widget):
    """The place search box above the project's map widgets (frontend/src/admin-place-search.js, the public
    map's combobox over the project's place search API): choosing a place moves the maps there, so the admin
    draws the area in the right streets. It only moves the maps and sends nothing with the form. Where there
    is nothing to search (a project not saved yet, or one without streets, addresses or districts) it says
    why in its place, and the page loads no script for it."""

    template_name = "participation/admin/place_search.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.places_url = ""  # the project's place search API; empty: `unavailable` says why not
        self.unavailable = ""

    @property
    def media(self) -> forms.Media:
        if not self.places_url:
            return forms.Media()
        # A module script, like every bundle of ours (it shares esbuild's chunks with the public pages).
        return forms.Media(
            js=[forms.Script("frontend/build/admin-place-search.js", type="module")],
            css={"all": ["frontend/build/admin-place-search.css"]},
        )

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["places_url"] = self.places_url
        context["unavailable"] = self.unavailable
        # The help text's id, for the box the script makes (screen readers read it with the label).
        context["described_by"] = context["widget"]["attrs"].get("aria-describedby", "")
        return context

    def id_for_label(self, id_: str) -> str | None:
        # The field's label names the search box; a notice in its place is no control to label.
        return id_ if self.places_url else None

    def value_from_datadict(self, data: Any, files: Any, name: str) -> None:
        return None

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return True


class OriginsField(forms.Field):
    """The websites that may embed the map, one origin a line (participation/embedding.py): each bad line is
    named in the form's message, the good ones are stored normalised (lower case, no default port)."""

    widget = forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "autocomplete": "off", "cols": 60})

    def prepare_value(self, value: Any) -> str:
        return "\n".join(value) if isinstance(value, list | tuple) else (value or "")

    def to_python(self, value: Any) -> list[str]:
        return origins_parse(value if isinstance(value, str) else "\n".join(value or []))


class ProjectAdminForm(forms.ModelForm):
    embed_origins = OriginsField(
        label=_("Websites that may embed the map"),
        required=False,
        help_text=_(
            "One origin a line, e.g. https://www.example.org (https only; http only for localhost and "
            "127.0.0.1, for tests). Only these websites may show the map in a frame (/embed/…); with none, "
            "no website may."
        ),
    )
    area_file = forms.FileField(
        label=_("Area from a boundary file"),
        required=False,
        help_text=_(
            "GeoJSON, GeoPackage, zipped Shapefile (.zip with .shp, .shx, .dbf and .prj) or KML, in any "
            "coordinate system. Its polygons replace the area drawn on the map below."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(sorted(DRIVERS))}),
    )
    find_place = forms.CharField(
        label=_("Find a place"),
        required=False,
        help_text=_(
            "A street, an address or a district of the project: the maps below show it, to draw the area "
            "there. The search changes nothing in the project."
        ),
        widget=PlaceSearchWidget,
    )

    class Meta:
        model = Project
        fields = "__all__"  # noqa: DJ007 (the admin's fieldsets choose what is shown)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.boundary: Boundary | None = None
        self.centre_moved = False
        # Filled from the file when one is uploaded, so neither may be required of the map alone.
        for name in ("area", "map_center"):
            if name in self.fields:
                self.fields[name].required = False
        self._open_maps_here()
        self._offer_place_search()

    def _open_maps_here(self) -> None:
        """An empty map widget opens on the project's own centre (a new project: the configured default
        centre), not on the demo town; a widget with a geometry fits itself to it."""
        project = self.instance
        if project.pk and project.map_center:
            centre = (project.map_center.y, project.map_center.x)
            zoom = project.map_zoom
        else:
            centre = settings.LEAFLET_CONFIG["DEFAULT_CENTER"]
            zoom = settings.LEAFLET_CONFIG["DEFAULT_ZOOM"]
        for name in ("area", "map_center"):
            if name in self.fields:
                self.fields[name].widget.attrs["settings_overrides"] = {
                    "DEFAULT_CENTER": centre,
                    "DEFAULT_ZOOM": zoom,
                }

    def _offer_place_search(self) -> None:
        """The place search of the project as saved (its slug before any change in this form), if it has
        anything to find; else the reason, in the search box's place."""
        if "find_place" not in self.fields:
            return
        widget = self.fields["find_place"].widget
        project = self.instance
        if not project.pk:
            widget.unavailable = _(
                "The place search comes once the project is saved and its street network, addresses or "
                "districts are imported."
            )
        elif not settings.PLACE_SEARCH_FALLBACK_URL and not project_has_places(project_id=project.pk):
            widget.unavailable = _(
                "This project has no streets, addresses or districts to search yet. Import a street network "
                "(Street networks), a districts layer (Context layers) or addresses (manage.py "
                "import_addresses), then the search finds them here."
            )
        else:
            widget.places_url = reverse("api:place-search", kwargs={"slug": project.slug})
        if widget.unavailable:
            self.fields["find_place"].help_text = ""  # it tells how to use a box that is not there

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        upload = cleaned.get("area_file")
        if upload:
            try:
                self.boundary = boundary_from_upload(upload)
            except BoundaryRefused as refused:
                self.add_error("area_file", refused.message)
                return cleaned
            cleaned["area"] = self.boundary.area
            centre = cleaned.get("map_center")
            if centre is not None and not self.boundary.area.intersects(centre):
                # The map would open beside the new area: it opens inside it instead, and the admin is told.
                cleaned["map_center"] = self.boundary.area.point_on_surface
                self.centre_moved = True
            # Shown again on the map if another field sends the form back.
            self.data = self.data.copy()
            self.data[self.add_prefix("area")] = self.boundary.area.geojson
        if not cleaned.get("area") and "area" not in self.errors:
            self.add_error("area", _("Please draw the project area on the map or upload a boundary file."))
        if not cleaned.get("map_center") and "map_center" not in self.errors and cleaned.get("area"):
            # A point that surely lies inside the area (a centroid may not, for a ring-shaped town).
            cleaned["map_center"] = cleaned["area"].point_on_surface
        elif not cleaned.get("map_center") and "map_center" not in self.errors:
            self.add_error("map_center", _("Please set the map centre."))
        return cleaned


class CategoryAdminForm(forms.ModelForm):
    colour = forms.CharField(
        label=_("colour"),
        max_length=7,
        validators=[
            RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Please choose a colour (a hex colour such as #1b7f3b)."))
        ],
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    icon = forms.ChoiceField(label=_("icon"), choices=CATEGORY_ICONS, required=False)

    class Meta:
        model = Category
        fields = "__all__"  # noqa: DJ007 (the inline's fields choose what is shown)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = self.instance.icon if self.instance.pk else ""
        if current and current not in dict(CATEGORY_ICONS):
            # Set before the list existed: kept as it is until someone chooses from the list.
            self.fields["icon"].choices = [
                *CATEGORY_ICONS,
                (current, _("%(icon)s (not in the list)") % {"icon": current}),
            ]

    def clean_colour(self) -> str:
        return self.cleaned_data["colour"].lower()
