"""The Project admin as an administrator uses it: the change form read like a browser reads it, a boundary
file written by ogr2ogr uploaded, the form sent back, and what was stored and said."""

import json
import re
import subprocess
from html.parser import HTMLParser

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.core.files.uploadedfile import SimpleUploadedFile

from geo.places.models import Place
from participation.models import Category, Project
from tests.factories import CategoryFactory, ProjectFactory, SuggestionFactory, UserFactory

TOWN = Polygon.from_bbox((9.90, 51.50, 10.00, 51.56))  # Göttingen, far from the Karlsruhe demo


class FormReader(HTMLParser):
    """The values a browser would send for the form with this id: inputs, checked boxes, textareas and the
    selected options (submit buttons and files left out)."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id, self.inside, self.values = form_id, False, []
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside or ("name" not in a and tag != "option"):
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("submit", "file", "button", "image"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.values.append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea":
            self._textarea = a["name"]
            self.values.append((a["name"], ""))
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.values.append((self._select, a.get("value", "")))

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            name, value = self.values[-1]
            self.values[-1] = (name, value + data)


def form_values(html: str, form_id: str = "project_form") -> dict[str, list[str]]:
    reader = FormReader(form_id)
    reader.feed(html)
    data: dict[str, list[str]] = {}
    for name, value in reader.values:
        data.setdefault(name, []).append(
            value.removeprefix("\n") if name.startswith("description") else value
        )
    return data


@pytest.fixture
def admin_client(db, client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def gpkg_in_utm(tmp_path, *polygons: Polygon) -> SimpleUploadedFile:
    source = tmp_path / "source.geojson"
    features = [{"type": "Feature", "properties": {}, "geometry": json.loads(p.geojson)} for p in polygons]
    source.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    target = tmp_path / "stadtgrenze.gpkg"
    subprocess.run(
        ["ogr2ogr", "-f", "GPKG", str(target), str(source), "-t_srs", "EPSG:25832"],  # noqa: S607
        check=True,
        capture_output=True,
    )
    return SimpleUploadedFile("stadtgrenze.gpkg", target.read_bytes())


def change_url(project: Project) -> str:
    return f"/admin/participation/project/{project.pk}/change/"


def test_an_uploaded_boundary_becomes_the_projects_area(admin_client, tmp_path):
    project = ProjectFactory(slug="goettingen", map_center=Point(9.95, 51.53, srid=4326))
    data = form_values(admin_client.get(change_url(project), HTTP_ACCEPT_LANGUAGE="en").content.decode())
    data["area_file"] = gpkg_in_utm(tmp_path, TOWN)

    response = admin_client.post(change_url(project), data, HTTP_ACCEPT_LANGUAGE="en", follow=True)

    assert response.redirect_chain, re.findall(
        r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode()
    )
    assert response.redirect_chain[-1][0] == "/admin/participation/project/"
    project.refresh_from_db()
    assert project.area.sym_difference(MultiPolygon(TOWN, srid=4326)).area < 1e-9
    said = [str(m) for m in response.context["messages"]]
    assert any(
        m.startswith(
            "The area was taken from the file: 1 polygon feature(s), converted to WGS84 and joined into 1"
        )
        for m in said
    ), said


def test_a_new_project_needs_no_drawing_when_a_boundary_is_uploaded(admin_client, tmp_path):
    data = form_values(admin_client.get("/admin/participation/project/add/").content.decode())
    data.update(
        {
            "title_de": "Radverkehr Göttingen",
            "title_en": "Cycling in Göttingen",
            "slug": "rad-goettingen",
            "phase_start_0": "2027-01-01",
            "phase_start_1": "00:00:00",
            "phase_end_0": "2027-03-31",
            "phase_end_1": "00:00:00",
            "area_file": gpkg_in_utm(tmp_path, TOWN, Polygon.from_bbox((10.10, 51.50, 10.12, 51.52))),
        }
    )

    response = admin_client.post("/admin/participation/project/add/", data, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 302, re.findall(
        r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode()
    )
    project = Project.objects.get(slug="rad-goettingen")
    assert len(project.area) == 2  # the town and a separate part: one MultiPolygon
    assert project.area.contains(project.map_center)  # the map centre, from the area, inside it


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("grenze.txt", b"x", "ist keine Grenzdatei, die wir lesen können"),
        ("grenze.gpkg", b"\x00 kaputt", "Die Datei kann nicht als GPKG gelesen werden."),
    ],
)
def test_a_bad_boundary_file_is_a_form_error_in_german_and_nothing_changes(admin_client, name, content, said):
    project = ProjectFactory(slug="goettingen")
    before = project.area.wkt
    data = form_values(admin_client.get(change_url(project)).content.decode())
    data["area_file"] = SimpleUploadedFile(name, content)

    response = admin_client.post(change_url(project), data, HTTP_ACCEPT_LANGUAGE="de")

    html = response.content.decode()
    assert response.status_code == 200  # the admin shows the form again with the message at the field
    assert said in html
    assert 'class="errorlist' in html
    project.refresh_from_db()
    assert project.area.wkt == before


def test_the_area_map_opens_on_the_projects_own_centre(admin_client):
    project = ProjectFactory(slug="goettingen", map_center=Point(9.95, 51.53, srid=4326), map_zoom=12)

    html = admin_client.get(change_url(project)).content.decode()

    # django-leaflet hands the map's settings to its script as JSON: the centre is (lat, lon).
    assert html.count('"DEFAULT_CENTER": [51.53, 9.95]') + html.count('"center": [51.53, 9.95]') >= 2
    assert "49.0069" not in html


def test_a_new_project_opens_on_the_configured_default_centre(admin_client, settings):
    settings.LEAFLET_CONFIG = {**settings.LEAFLET_CONFIG, "DEFAULT_CENTER": (53.55, 9.99), "DEFAULT_ZOOM": 11}

    html = admin_client.get("/admin/participation/project/add/").content.decode()

    assert html.count("[53.55, 9.99]") >= 2


def test_category_colour_is_a_colour_picker_and_icon_a_list(admin_client):
    category = CategoryFactory(project=ProjectFactory(slug="goettingen"), icon="bicycle")

    html = admin_client.get(change_url(category.project)).content.decode()

    assert re.search(r'<input type="color" name="categories-0-colour" value="#1b7f3b"', html)
    icons = re.search(r'<select name="categories-0-icon"[^>]*>(.*?)</select>', html, re.S).group(1)
    assert re.findall(r'<option value="([^"]*)"', icons) == [
        "",
        "charging-station",
        "bicycle",
        "route",
        "comment",
        "parking",
        "warning",
    ]
    assert '<option value="bicycle" selected>' in icons


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("categories-0-colour", "grün", "Bitte wählen Sie eine Farbe"),
        ("categories-0-icon", "<svg onload=alert(1)>", "Bitte eine gültige Auswahl treffen."),
    ],
)
def test_a_colour_or_icon_outside_the_picker_is_refused(admin_client, field, value, said):
    category = CategoryFactory(project=ProjectFactory(slug="goettingen"), colour="#1b7f3b")
    data = form_values(admin_client.get(change_url(category.project)).content.decode())
    data[field] = value

    response = admin_client.post(change_url(category.project), data, HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 200
    assert said in response.content.decode()
    category.refresh_from_db()
    assert (category.colour, category.icon) == ("#1b7f3b", "")


def test_a_picked_colour_and_icon_are_saved(admin_client):
    category = CategoryFactory(project=ProjectFactory(slug="goettingen"))
    data = form_values(admin_client.get(change_url(category.project)).content.decode())
    data["categories-0-colour"] = "#C2410C"
    data["categories-0-icon"] = "route"

    response = admin_client.post(change_url(category.project), data)

    assert response.status_code == 302
    assert Category.objects.values_list("colour", "icon").get(pk=category.pk) == ("#c2410c", "route")


def test_what_a_new_boundary_leaves_outside_is_said(admin_client, tmp_path):
    project = ProjectFactory(slug="goettingen", map_center=Point(8.40, 49.00, srid=4326))  # Karlsruhe
    SuggestionFactory(category=CategoryFactory(project=project), geom=Point(8.40, 49.00, srid=4326))
    data = form_values(admin_client.get(change_url(project), HTTP_ACCEPT_LANGUAGE="en").content.decode())
    data["area_file"] = gpkg_in_utm(tmp_path, TOWN)

    response = admin_client.post(change_url(project), data, HTTP_ACCEPT_LANGUAGE="en", follow=True)

    said = [str(m) for m in response.context["messages"]]
    assert "The map centre lay outside the new area: it was moved into the area. Please check it." in said
    assert "1 suggestion lies outside the new area. It stays as it is." in said
    project.refresh_from_db()
    assert project.area.contains(project.map_center)


def test_a_project_without_an_area_or_a_file_is_asked_for_one(admin_client):
    data = form_values(admin_client.get("/admin/participation/project/add/").content.decode())
    data.update({"title_de": "Ohne Gebiet", "slug": "ohne-gebiet", "map_center": ""})

    response = admin_client.post("/admin/participation/project/add/", data, HTTP_ACCEPT_LANGUAGE="de")

    html = response.content.decode()
    assert response.status_code == 200
    assert (
        "Bitte zeichnen Sie das Projektgebiet auf der Karte ein oder laden Sie eine Grenzdatei hoch." in html
    )
    assert "Bitte setzen Sie den Kartenmittelpunkt." in html
    assert not Project.objects.filter(slug="ohne-gebiet").exists()


# ------------------------------------------------------------------------------------------- place search


def _with_a_gazetteer(project: Project) -> Project:
    Place.objects.create(
        project=project, kind="street", source="addresses", label="Weender Straße", geom=Point(9.93, 51.54)
    )
    return project


def test_the_place_search_stands_above_the_maps_and_searches_the_saved_project(admin_client):
    project = _with_a_gazetteer(ProjectFactory(slug="goettingen"))

    html = admin_client.get(change_url(project), HTTP_ACCEPT_LANGUAGE="de").content.decode()

    box = '<div class="place-search--admin" data-places-url="/api/v1/projects/goettingen/places/"'
    assert box in html
    assert '<label for="id_find_place">Ort finden:</label>' in html
    assert 'data-input-id="id_find_place" data-described-by="id_find_place_helptext"' in html
    assert 'id="id_find_place_helptext"' in html
    assert html.index(box) < html.index('id="id_area-map"') < html.index('id="id_map_center-map"')
    # The bundle as a module script through the form's media, after its texts (a script file: no inline one).
    assert '<script src="/static/frontend/build/admin-place-search.js" type="module"></script>' in html
    assert '<link href="/static/frontend/build/admin-place-search.css"' in html
    assert re.search(r'<script src="/jsi18n/de/\w+\.js"></script><div class="place-search--admin"', html)


def test_the_search_box_sends_nothing_and_changes_nothing(admin_client):
    project = _with_a_gazetteer(ProjectFactory(slug="goettingen", title_de="Göttingen"))
    data = form_values(admin_client.get(change_url(project)).content.decode())
    assert not any(name.startswith("find_place") for name in data)
    data["find_place"] = ["Weender Straße"]  # even if something were sent
    data["title_de"] = ["Göttingen neu"]

    response = admin_client.post(change_url(project), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    project.refresh_from_db()
    assert project.title_de == "Göttingen neu"


@pytest.mark.parametrize(
    ("case", "said"),
    [
        ("new", "Die Ortssuche gibt es, sobald das Projekt gespeichert ist"),
        ("no gazetteer", "Dieses Projekt hat noch keine Straßen, Adressen oder Stadtteile"),
    ],
)
def test_without_anything_to_search_the_admin_is_told_why_and_no_script_loads(admin_client, case, said):
    if case == "new":
        address = "/admin/participation/project/add/"
    else:
        address = change_url(ProjectFactory(slug="goettingen"))

    html = admin_client.get(address, HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert f'<p class="place-search-unavailable">{said}' in html
    assert "place-search--admin" not in html
    assert "admin-place-search.js" not in html
    assert '<label for="id_find_place">' not in html  # the notice is no control to label
    assert "Die Suche ändert nichts am Projekt" not in html  # nor is there a box to explain
