"""Issue 26: the exports and the OGC API link a suggestion's published photos (photo_1 … photo_3,
geo/fields.py), the KML balloon shows their thumbnails, and the GeoPackage carries them in a `photos` table.

Each file is read back with GDAL (ogrinfo, as QGIS reads it), the GeoPackage's thumbnails with SQLite and
Pillow. Only published photos of published suggestions appear anywhere: a pending photo, a comment's photo
and the photos of a suggestion rejected after it was published never do.
"""

import csv
import html
import io
import json
import sqlite3
import zipfile
from urllib.parse import urlsplit

import openpyxl
import pytest
from django.conf import settings
from django.contrib.gis.geos import LineString, Point
from django.core.files.base import ContentFile
from PIL import Image

from geo.exports import photos as export_photos
from geo.fields import PHOTO_FIELD_NAMES, fields_in
from participation.models import ModerationState, Suggestion
from participation.models.photos import PHOTOS_PER_SUGGESTION
from participation.services import photo_file_name, photo_storage
from tests.factories import CommentFactory, PhotoFactory, SuggestionFactory
from tests.geo.test_fields import KML_NS, _placemark, export, features, ogr, rendered_tags, schema, write

pytestmark = pytest.mark.django_db(transaction=True)

MARKUP_ALT = "<img src=x onerror=alert(1)> \"Ecke\" & 'Bahn'"


def small_jpeg(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), colour).save(out, "JPEG", quality=90)
    return out.getvalue()


def photo(suggestion, position: int, *, colour=(200, 30, 30), **kwargs):
    """A photo whose stored small rendition is its own (the factory stores the same bytes for every photo)."""
    made = PhotoFactory(suggestion=suggestion, position=position, **kwargs)
    name = photo_file_name(made.key, "small")
    photo_storage().delete(name)
    photo_storage().save(name, ContentFile(small_jpeg(colour)))
    return made


def link(key: str) -> str:
    return f"{settings.SITE_URL}/api/v1/photos/{key}/full.jpg"


@pytest.fixture
def pictured(point_category, line_category):
    """Two published photos and a pending one on a point; a point without photos; a line with one photo
    described with markup; a point rejected after its photo was published; a comment's photo."""
    two = SuggestionFactory(category=point_category, geom=Point(8.40, 49.00, srid=4326))
    first = photo(two, 0, colour=(200, 30, 30), alt_text="Die Ecke")
    second = photo(two, 1, colour=(30, 30, 200), alt_text="Die Haltestelle")
    pending = photo(two, 2, moderation_state=ModerationState.PENDING)
    comment = CommentFactory(suggestion=two)
    on_comment = PhotoFactory(suggestion=two, comment=comment, position=0)
    bare = SuggestionFactory(category=point_category, geom=Point(8.41, 49.00, srid=4326))
    line = SuggestionFactory(category=line_category, geom=LineString((8.40, 49.00), (8.41, 49.01), srid=4326))
    described = photo(line, 0, colour=(30, 160, 30), alt_text=MARKUP_ALT)
    rejected = SuggestionFactory(category=point_category, geom=Point(8.42, 49.00, srid=4326))
    stale = photo(rejected, 0)
    Suggestion.objects.filter(pk=rejected.pk).update(moderation_state=ModerationState.REJECTED)
    return {
        "two": two, "first": first, "second": second, "pending": pending, "on_comment": on_comment,
        "bare": bare, "line": line, "described": described, "rejected": rejected, "stale": stale,
    }  # fmt: skip


EVERY_STATE = {"state": "published,pending,rejected"}


def planner_export(client_factory, planner, project, fmt: str) -> bytes:
    from tests.geo.test_exports import body, export_url

    response = client_factory(planner).post(export_url(project, fmt, **EVERY_STATE))
    assert response.status_code == 200, response.content[:500]
    return body(response)


def expected_links(pictured) -> dict[str, tuple[str | None, ...]]:
    """{suggestion id: (photo_1, photo_2, photo_3)} as every format must carry them."""
    return {
        str(pictured["two"].pk): (link(pictured["first"].key), link(pictured["second"].key), None),
        str(pictured["bare"].pk): (None, None, None),
        str(pictured["line"].pk): (link(pictured["described"].key), None, None),
        str(pictured["rejected"].pk): (None, None, None),
    }


def test_the_photo_fields_hold_every_photo_a_suggestion_may_have():
    assert len(PHOTO_FIELD_NAMES) == PHOTOS_PER_SUGGESTION
    assert all(not f.queryable for f in fields_in("ogcapi") if f.name in PHOTO_FIELD_NAMES)


def test_every_export_links_the_published_photos_of_published_suggestions(
    client, client_factory, planner, pictured, tmp_path
):
    project = pictured["two"].project
    wanted = expected_links(pictured)
    public = {k: v for k, v in wanted.items() if k != str(pictured["rejected"].pk)}

    content = planner_export(client_factory, planner, project, "geojson")
    found = {
        str(f["id"]): tuple(f["properties"][name] for name in PHOTO_FIELD_NAMES)
        for f in json.loads(content)["features"]
    }
    assert found == wanted
    content, _ = export(client, project, "geojson", open_data=True)
    found = {
        str(f["id"]): tuple(f["properties"][name] for name in PHOTO_FIELD_NAMES)
        for f in json.loads(content)["features"]
    }
    assert found == public

    for content in (planner_export(client_factory, planner, project, "csv"),
                    export(client, project, "csv", open_data=True)[0]):  # fmt: skip
        reader = csv.DictReader(io.StringIO(content.decode("utf-8-sig")))
        assert reader.fieldnames[-3:] == list(PHOTO_FIELD_NAMES)  # the last columns
        found = {r["id"]: tuple(r[name] or None for name in PHOTO_FIELD_NAMES) for r in reader}
        assert found == {k: v for k, v in wanted.items() if k in found}
        assert len(found) in (len(wanted), len(public))

    workbook = planner_export(client_factory, planner, project, "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(workbook)).active
    header = [c.value for c in sheet[1]]
    assert header[-3:] == list(PHOTO_FIELD_NAMES)
    found = {str(r[0]): tuple(r[-3:]) for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert found == wanted

    gpkg = write(tmp_path, "s.gpkg", planner_export(client_factory, planner, project, "gpkg"))
    shp = write(tmp_path, "s.zip", planner_export(client_factory, planner, project, "shp"))
    kml = write(tmp_path, "s.kml", planner_export(client_factory, planner, project, "kml"))
    for source, layers in (
        (str(gpkg), ("suggestions_points", "suggestions_lines")),
        (f"/vsizip/{shp}", ("suggestions_points", "suggestions_lines")),
        (str(kml), ("suggestions",)),
    ):
        rows = [row for layer in layers for row in features(ogr("-al", source, layer))]
        found = {
            r["id"]: tuple(None if r.get(n, "(null)") == "(null)" else r[n] for n in PHOTO_FIELD_NAMES)
            for r in rows
        }
        assert found == wanted, source


def test_a_site_address_that_needs_quotes_gives_whole_csv_cells(
    client, client_factory, planner, pictured, settings
):
    settings.SITE_URL = 'https://example.org/a,"b"'

    for content in (planner_export(client_factory, planner, pictured["two"].project, "csv"),
                    export(client, pictured["two"].project, "csv", open_data=True)[0]):  # fmt: skip
        rows = {r["id"]: r for r in csv.DictReader(io.StringIO(content.decode("utf-8-sig")))}
        row = rows[str(pictured["two"].pk)]
        assert row["photo_1"] == f'https://example.org/a,"b"/api/v1/photos/{pictured["first"].key}/full.jpg'
        assert row["photo_2"].endswith(f"/{pictured['second'].key}/full.jpg")
        assert row["photo_3"] == ""
        assert rows[str(pictured["bare"].pk)]["photo_1"] == ""


def test_the_links_open_the_photo_for_anyone(client, client_factory, planner, pictured):
    content, _ = export(client, pictured["two"].project, "geojson", open_data=True)
    feature = next(f for f in json.loads(content)["features"] if f["id"] == pictured["two"].pk)

    response = client.get(urlsplit(feature["properties"]["photo_1"]).path)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"


def test_the_kml_balloon_shows_the_thumbnails_with_their_escaped_descriptions(
    client_factory, planner, pictured
):
    content = planner_export(client_factory, planner, pictured["two"].project, "kml")

    description = _placemark(content, pictured["line"].pk).find("kml:description", KML_NS).text
    small = link(pictured["described"].key).replace("/full.jpg", "/small.jpg")
    # The text, then one linked thumbnail; the description makes no element of its own.
    assert rendered_tags(description)[-5:] == ["p", "a", "img", "/a", "/p"]
    assert f'<img src="{small}" alt="' in description
    alt = description.split(' alt="', 1)[1].split('"></a>', 1)[0]
    assert rendered_tags(alt) == []
    assert html.unescape(alt) == MARKUP_ALT
    assert html.unescape(description).startswith(pictured["line"].text)

    two = _placemark(content, pictured["two"].pk).find("kml:description", KML_NS).text
    assert two.count("<img ") == 2  # the pending photo is not shown
    assert two.index(pictured["first"].key) < two.index(pictured["second"].key)
    for other in ("bare", "rejected"):
        text = _placemark(content, pictured[other].pk).find("kml:description", KML_NS).text or ""
        assert "<img" not in text


def gpkg_photos(path) -> list[tuple]:
    with sqlite3.connect(path) as database:
        return database.execute(
            "SELECT suggestion_id, position, alt_text, url, thumbnail FROM photos "
            "ORDER BY suggestion_id, position"
        ).fetchall()


def test_the_geopackage_carries_the_published_photos_with_their_thumbnails(
    client_factory, planner, pictured, tmp_path
):
    path = write(tmp_path, "s.gpkg", planner_export(client_factory, planner, pictured["two"].project, "gpkg"))

    layers = schema(ogr("-so", "-al", str(path)))
    assert layers["photos"] == {
        "suggestion_id": "Integer64", "position": "Integer", "alt_text": "String", "url": "String",
        "thumbnail": "Binary",
    }  # fmt: skip
    rows = gpkg_photos(path)
    shown = [pictured[name] for name in ("first", "second", "described")]
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [
        (p.suggestion_id, p.position + 1, p.alt_text, link(p.key)) for p in shown
    ]
    for row, shown_photo in zip(rows, shown, strict=True):
        with photo_storage().open(photo_file_name(shown_photo.key, "small"), "rb") as file:
            assert row[4] == file.read()  # the stored small rendition, byte for byte
        image = Image.open(io.BytesIO(row[4]))
        assert image.format == "JPEG"
        assert image.size == (32, 24)
    # Never a pending photo, a comment's photo or a photo of a suggestion that is no longer published.
    keys = {r[3] for r in rows}
    for name in ("pending", "on_comment", "stale"):
        assert link(pictured[name].key) not in keys
    with sqlite3.connect(path) as database:
        query = "SELECT data_type FROM gpkg_contents WHERE table_name = 'photos'"
        (kind,) = database.execute(query).fetchone()
    assert kind == "attributes"


def test_the_photos_are_written_in_batches_with_the_same_rows(
    client_factory, planner, pictured, tmp_path, monkeypatch
):
    project = pictured["two"].project
    whole = gpkg_photos(write(tmp_path, "a.gpkg", planner_export(client_factory, planner, project, "gpkg")))
    monkeypatch.setattr(export_photos, "PHOTO_BATCH_BYTES", 1)  # one photo per ogr2ogr call
    monkeypatch.setattr(export_photos, "PHOTO_PAGE_SUGGESTIONS", 1)  # one suggestion per listing

    batched = gpkg_photos(write(tmp_path, "b.gpkg", planner_export(client_factory, planner, project, "gpkg")))

    assert batched == whole
    assert len(whole) == 3


def test_a_geopackage_without_photos_has_an_empty_photos_table_and_null_links(
    client_factory, planner, point_category, tmp_path
):
    alone = SuggestionFactory(category=point_category)

    path = write(tmp_path, "s.gpkg", planner_export(client_factory, planner, point_category.project, "gpkg"))

    assert gpkg_photos(path) == []
    assert "photos" in schema(ogr("-so", "-al", str(path)))
    (row,) = features(ogr("-al", str(path), "suggestions_points"))
    assert row["id"] == str(alone.pk)
    assert all(row[name] == "(null)" for name in PHOTO_FIELD_NAMES)


def test_a_lost_thumbnail_leaves_its_row_without_bytes(client_factory, planner, pictured, tmp_path):
    photo_storage().delete(photo_file_name(pictured["first"].key, "small"))

    path = write(tmp_path, "s.gpkg", planner_export(client_factory, planner, pictured["two"].project, "gpkg"))

    rows = {r[3]: r[4] for r in gpkg_photos(path)}
    assert rows[link(pictured["first"].key)] is None
    assert rows[link(pictured["second"].key)] is not None


def test_the_shapefile_names_the_links_within_dbase_limits(client_factory, planner, pictured, tmp_path):
    content = planner_export(client_factory, planner, pictured["two"].project, "shp")
    names = zipfile.ZipFile(io.BytesIO(content)).namelist()
    assert "suggestions_points.dbf" in names
    layers = schema(ogr("-so", "-al", f"/vsizip/{write(tmp_path, 's.zip', content)}"))
    assert {name: layers["suggestions_points"][name] for name in PHOTO_FIELD_NAMES} == dict.fromkeys(
        PHOTO_FIELD_NAMES, "String"
    )


# -------------------------------------------------------------------------------------------- OGC API
def test_ogc_api_features_carry_the_links_and_null_without_photos(client, pictured):
    page = client.get("/ogcapi/collections/test-project-points/items?f=json").json()

    found = {
        str(f["id"]): tuple(f["properties"][name] for name in PHOTO_FIELD_NAMES) for f in page["features"]
    }
    wanted = expected_links(pictured)
    assert found == {k: wanted[k] for k in (str(pictured["two"].pk), str(pictured["bare"].pk))}
    one = client.get(f"/ogcapi/collections/test-project-lines/items/{pictured['line'].pk}?f=json").json()
    assert one["properties"]["photo_1"] == link(pictured["described"].key)
    chosen = client.get("/ogcapi/collections/test-project-points/items?f=json&properties=photo_2").json()
    assert {str(f["id"]): f["properties"] for f in chosen["features"]}[str(pictured["two"].pk)] == {
        "id": pictured["two"].pk,
        "photo_2": link(pictured["second"].key),
    }


def test_the_items_html_page_links_the_photos(client, pictured):
    page = client.get(f"/ogcapi/collections/test-project-points/items/{pictured['two'].pk}?f=html")

    text = page.content.decode()
    assert f'<a href="{link(pictured["first"].key)}"><code>photo_1</code></a>' in text
    assert f'<a href="{link(pictured["second"].key)}"><code>photo_2</code></a>' in text
    bare = client.get(f"/ogcapi/collections/test-project-points/items/{pictured['bare'].pk}?f=html")
    assert "photo_1" not in bare.content.decode()


def test_the_photo_links_are_not_queryable(client, pictured):
    queryables = client.get("/ogcapi/collections/test-project-points/queryables").json()["properties"]
    assert not set(PHOTO_FIELD_NAMES) & set(queryables)

    response = client.get("/ogcapi/collections/test-project-points/items?filter=photo_1%20IS%20NULL")
    assert response.status_code == 400


def test_staff_collections_link_only_published_suggestions_photos(client_factory, planner, pictured):
    client = client_factory(planner)
    page = client.get("/ogcapi/collections/test-project-points-staff/items?f=json")
    assert page.status_code == 200, page.content[:300]

    found = {f["id"]: f["properties"] for f in page.json()["features"]}
    assert found[pictured["rejected"].pk]["moderation_state"] == "rejected"
    assert found[pictured["rejected"].pk]["photo_1"] is None
    assert found[pictured["two"].pk]["photo_2"] == link(pictured["second"].key)


def test_gdal_reads_the_ogc_api_links_as_texts(live_server, pictured):
    output = ogr("-al", f"OAPIF:{live_server.url}/ogcapi", "test-project-points")

    (layer,) = schema(output).values()
    assert {name: layer[name] for name in PHOTO_FIELD_NAMES} == dict.fromkeys(PHOTO_FIELD_NAMES, "String")
    row = next(f for f in features(output) if f["id"] == str(pictured["two"].pk))
    assert row["photo_1"] == link(pictured["first"].key)
    assert row["photo_3"] == "(null)"


def test_the_export_page_says_that_photos_are_linked_and_the_geopackage_carries_thumbnails(
    client_factory, planner, project
):
    from django.urls import reverse

    url = reverse("geo:export", kwargs={"slug": project.slug})
    for language, linked, thumbnails in (
        ("en", "links each suggestion's published photos", "the photos with their thumbnails as a table"),
        ("de", "verlinkt die veröffentlichten Fotos", "die Fotos mit ihren Vorschaubildern als Tabelle"),
    ):
        page = client_factory(planner).get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        hint = page.split('id="photos-hint">', 1)[1].split("</p>", 1)[0]
        assert linked in hint
        assert "photo_1" in hint
        assert thumbnails in page
