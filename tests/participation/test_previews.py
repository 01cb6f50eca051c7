"""Link preview pictures (Open Graph): a published suggestion's place drawn by the server, where it belongs on
the project's area, cached publicly, and never for anything the public cannot see."""

import io
from html import unescape

import pytest
from django.contrib.gis.geos import LineString, MultiPolygon, Point, Polygon
from PIL import Image

from participation import previews
from participation.models import ModerationState
from participation.selectors.previews import PREVIEW_BAND, PREVIEW_HEIGHT, PREVIEW_MARGIN, PREVIEW_WIDTH
from participation.views import previews as views
from tests.factories import CategoryFactory, CitizenFactory, ProjectFactory, SuggestionFactory
from tests.frontend.test_page_meta import meta

pytestmark = pytest.mark.django_db

COLOUR = (0x1B, 0x7F, 0x3B)  # the factory category's colour
MAP_HEIGHT = PREVIEW_HEIGHT - PREVIEW_BAND
# A wide area (not the picture's shape): the frame is fitted to its height and centred across.
AREA = MultiPolygon(Polygon.from_bbox((8.30, 48.98, 8.50, 49.04)), srid=4326)


def preview_url(suggestion) -> str:
    return f"/projects/{suggestion.project.slug}/suggestions/{suggestion.pk}/preview.png"


def expected_pixel(lon: float, lat: float) -> tuple[float, float]:
    """Where a place belongs in the picture, computed here from the area's bounds in Web Mercator."""
    corners = LineString((8.30, 48.98), (8.50, 49.04), srid=4326).transform(3857, clone=True)
    (xmin, ymin), (xmax, ymax) = corners.coords
    x, y = Point(lon, lat, srid=4326).transform(3857, clone=True).coords
    scale = min(
        (PREVIEW_WIDTH - 2 * PREVIEW_MARGIN) / (xmax - xmin),
        (MAP_HEIGHT - 2 * PREVIEW_MARGIN) / (ymax - ymin),
    )
    offset_x = (PREVIEW_WIDTH - (xmax - xmin) * scale) / 2
    offset_y = (MAP_HEIGHT - (ymax - ymin) * scale) / 2
    return offset_x + (x - xmin) * scale, offset_y + (ymax - y) * scale


def picture(response) -> Image.Image:
    image = Image.open(io.BytesIO(response.content))
    image.load()
    return image.convert("RGB")


def coloured(image: Image.Image, colour: tuple[int, int, int]) -> list[tuple[int, int]]:
    """The map part's pixels of this colour (the strip below repeats it in its swatch)."""
    pixels = image.load()
    return [
        (x, y)
        for y in range(MAP_HEIGHT)
        for x in range(PREVIEW_WIDTH)
        if all(abs(a - b) <= 6 for a, b in zip(pixels[x, y], colour, strict=True))
    ]


def centre(points: list[tuple[int, int]]) -> tuple[float, float]:
    return sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)


def test_the_marker_stands_where_the_suggestion_is_on_the_area(client):
    project = ProjectFactory(area=AREA)
    suggestion = SuggestionFactory(category__project=project, geom=Point(8.46, 49.03, srid=4326))

    response = client.get(preview_url(suggestion))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    image = picture(response)
    assert image.size == (PREVIEW_WIDTH, PREVIEW_HEIGHT) == (1200, 630)
    marker = coloured(image, COLOUR)
    assert len(marker) > 300  # the dot, not a stray pixel
    x, y = centre(marker)
    want_x, want_y = expected_pixel(8.46, 49.03)
    assert abs(x - want_x) <= 1.5, (x, want_x)
    assert abs(y - want_y) <= 1.5, (y, want_y)


def test_a_line_is_drawn_from_its_start_to_its_end(client):
    project = ProjectFactory(area=AREA)
    category = CategoryFactory(project=project, geometry_kind="line", colour="#c2410c")
    suggestion = SuggestionFactory(
        category=category, geom=LineString((8.33, 48.99), (8.47, 49.02), srid=4326)
    )

    image = picture(client.get(preview_url(suggestion)))

    line = coloured(image, (0xC2, 0x41, 0x0C))
    xs = [p[0] for p in line]
    start, end = expected_pixel(8.33, 48.99), expected_pixel(8.47, 49.02)
    assert abs(min(xs) - start[0]) <= 6
    assert abs(max(xs) - end[0]) <= 6


def test_published_neighbours_are_drawn_and_unpublished_ones_never(client):
    project = ProjectFactory(area=AREA)
    suggestion = SuggestionFactory(category__project=project, geom=Point(8.40, 49.01, srid=4326))
    SuggestionFactory(category=suggestion.category, geom=Point(8.34, 49.00, srid=4326))
    for state, lon in [
        (ModerationState.PENDING, 8.44),
        (ModerationState.REJECTED, 8.45),
        (ModerationState.HIDDEN, 8.46),
        (ModerationState.WITHDRAWN, 8.47),
    ]:
        SuggestionFactory(
            category=suggestion.category, geom=Point(lon, 49.00, srid=4326), moderation_state=state
        )

    image = picture(client.get(preview_url(suggestion)))

    pixels = image.load()
    ground = pixels[int(expected_pixel(8.36, 49.00)[0]), int(expected_pixel(8.36, 49.00)[1])]
    near = expected_pixel(8.34, 49.00)
    assert pixels[round(near[0]), round(near[1])] != ground  # the published neighbour's dot
    for lon in (8.44, 8.45, 8.46, 8.47):
        x, y = expected_pixel(lon, 49.00)
        assert pixels[round(x), round(y)] == ground, lon


PURPLE = (0x7C, 0x3A, 0xED)
ORANGE = (0xC2, 0x41, 0x0C)


def near_colour(pixel, colour, tolerance=8) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


def test_neighbours_are_drawn_in_their_categories_colours_and_the_suggestion_stands_out(client, tmp_path):
    project = ProjectFactory(area=AREA)
    suggestion = SuggestionFactory(category__project=project, geom=Point(8.40, 49.01, srid=4326))
    charging = CategoryFactory(project=project, colour="#7c3aed")
    paths = CategoryFactory(project=project, geometry_kind="line", colour="#c2410c")
    SuggestionFactory(category=charging, geom=Point(8.34, 49.00, srid=4326))
    SuggestionFactory(category=paths, geom=LineString((8.44, 48.99), (8.48, 48.99), srid=4326))

    response = client.get(preview_url(suggestion))
    (tmp_path / "preview.png").write_bytes(response.content)
    image = picture(response)

    pixels = image.load()
    dot = expected_pixel(8.34, 49.00)
    on_line = expected_pixel(8.46, 48.99)
    # Each in its own category's colour (a little lighter than the suggestion's), not a common grey.
    assert near_colour(pixels[round(dot[0]), round(dot[1])], previews._mix(PURPLE, previews.INSIDE, 0.75))
    assert near_colour(
        pixels[round(on_line[0]), round(on_line[1])], previews._mix(ORANGE, previews.INSIDE, 0.75)
    )
    # The suggestion stays what the eye finds first: its marker in full colour, many times a neighbour's dot.
    marker = coloured(image, COLOUR)
    neighbour = coloured(image, previews._mix(PURPLE, previews.INSIDE, 0.75))
    assert len(marker) > 300
    assert 0 < len(neighbour) * 4 < len(marker)
    assert not coloured(image, PURPLE)  # no neighbour in the full colour the suggestion has


def test_the_projects_picture_draws_its_suggestions_in_full_colour(client):
    project = ProjectFactory(area=AREA)
    charging = CategoryFactory(project=project, colour="#7c3aed")
    SuggestionFactory(category=charging, geom=Point(8.34, 49.00, srid=4326))

    image = picture(client.get(f"/projects/{project.slug}/preview.png"))

    x, y = expected_pixel(8.34, 49.00)
    assert near_colour(image.load()[round(x), round(y)], PURPLE, tolerance=3)


def test_the_picture_is_cached_publicly_and_its_etag_follows_the_place(client):
    project = ProjectFactory(area=AREA)
    suggestion = SuggestionFactory(category__project=project, geom=Point(8.46, 49.03, srid=4326))

    first = client.get(preview_url(suggestion))
    again = client.get(preview_url(suggestion), HTTP_IF_NONE_MATCH=first["ETag"])
    suggestion.geom = Point(8.35, 49.0, srid=4326)
    suggestion.save(update_fields=["geom"])
    moved = client.get(preview_url(suggestion), HTTP_IF_NONE_MATCH=first["ETag"])
    suggestion.planning_status = "planned"
    suggestion.save(update_fields=["planning_status"])
    answered = client.get(preview_url(suggestion))

    assert "public" in first["Cache-Control"]
    assert "max-age=600" in first["Cache-Control"]
    assert again.status_code == 304
    assert moved.status_code == 200
    assert moved["ETag"] != first["ETag"]
    assert answered["ETag"] not in (first["ETag"], moved["ETag"])


def test_a_picture_is_drawn_once_per_change(client, monkeypatch):
    drawn = []
    monkeypatch.setattr(
        views, "preview_png", lambda preview: drawn.append(preview) or previews.preview_png(preview)
    )
    suggestion = SuggestionFactory(geom=Point(8.41, 49.01, srid=4326))

    first = client.get(preview_url(suggestion))
    second = client.get(preview_url(suggestion))
    suggestion.geom = Point(8.42, 49.01, srid=4326)
    suggestion.save(update_fields=["geom"])
    third = client.get(preview_url(suggestion))

    assert first.content == second.content
    assert third.content != first.content
    assert len(drawn) == 2


@pytest.mark.parametrize(
    "state",
    [ModerationState.PENDING, ModerationState.REJECTED, ModerationState.HIDDEN, ModerationState.WITHDRAWN],
)
def test_no_picture_of_an_unpublished_suggestion_not_even_for_its_author(client, state):
    author = CitizenFactory()
    suggestion = SuggestionFactory(author=author, moderation_state=state)
    client.force_login(author)

    response = client.get(preview_url(suggestion))

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_no_picture_in_a_project_that_is_not_public_or_under_another_project(client):
    hidden_project = SuggestionFactory(category__project__is_public=False)
    elsewhere = SuggestionFactory()
    other = ProjectFactory()

    assert client.get(preview_url(hidden_project)).status_code == 404
    assert client.get(f"/projects/{hidden_project.project.slug}/preview.png").status_code == 404
    assert client.get(f"/projects/{other.slug}/suggestions/{elsewhere.pk}/preview.png").status_code == 404
    assert client.post(preview_url(elsewhere)).status_code == 405


@pytest.mark.parametrize("junk", ["xx", "<script>alert(1)</script>", "de' OR '1'='1", "%00", "e" * 500])
def test_junk_in_the_address_is_ignored(client, junk):
    suggestion = SuggestionFactory()
    plain = client.get(preview_url(suggestion), HTTP_ACCEPT_LANGUAGE="de")

    response = client.get(preview_url(suggestion), {"lang": junk, "v": junk}, HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 200
    assert response["ETag"] == plain["ETag"]


def test_the_language_of_the_strip_follows_lang(client):
    suggestion = SuggestionFactory()

    german = client.get(preview_url(suggestion), {"lang": "de"})
    english = client.get(preview_url(suggestion), {"lang": "en"})

    assert german["ETag"] != english["ETag"]  # "Eingegangen" vs "Received" drawn in the strip


def test_the_project_has_its_own_picture(client):
    project = ProjectFactory(area=AREA)
    SuggestionFactory(category__project=project, geom=Point(8.46, 49.03, srid=4326))

    response = client.get(f"/projects/{project.slug}/preview.png")

    assert response.status_code == 200
    assert picture(response).size == (1200, 630)
    assert "public" in response["Cache-Control"]


def test_suggestion_page_names_its_picture_and_text_in_the_tags(client, settings):
    settings.SITE_URL = "https://beteiligung.example.de"
    suggestion = SuggestionFactory(
        title="Ladesäule <am> Markt", text="Hier fehlt eine Ladesäule & ein Dach.\n\n" + "Lang " * 100
    )
    url = f"/projects/{suggestion.project.slug}/suggestions/{suggestion.pk}/"

    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    tags = meta(html)
    assert tags["og:description"].startswith("Hier fehlt eine Ladesäule & ein Dach. Lang Lang")
    assert len(tags["og:description"]) <= 200
    assert tags["og:description"].endswith("…")
    assert tags["og:url"] == "https://beteiligung.example.de" + url
    image = tags["og:image"]
    assert image.startswith(f"https://beteiligung.example.de{preview_url(suggestion)}?v=")
    assert image.endswith("&lang=en")
    assert (tags["og:image:width"], tags["og:image:height"], tags["og:image:type"]) == (
        "1200",
        "630",
        "image/png",
    )
    assert "Ladesäule <am> Markt" in tags["og:image:alt"]
    assert tags["twitter:card"] == "summary_large_image"
    assert "<am>" not in html.split("</head>")[0]
    # The picture the tag names is served (the version and language in its address are accepted).
    assert client.get(unescape(image).removeprefix(settings.SITE_URL)).status_code == 200


def test_the_pictures_address_changes_when_the_place_does(client):
    suggestion = SuggestionFactory()
    url = f"/projects/{suggestion.project.slug}/suggestions/{suggestion.pk}/"
    before = meta(client.get(url).content.decode())["og:image"]
    suggestion.geom = Point(8.45, 49.01, srid=4326)
    suggestion.save(update_fields=["geom"])

    after = meta(client.get(url).content.decode())["og:image"]

    assert before != after


def test_pending_suggestion_page_keeps_the_projects_picture(client):
    author = CitizenFactory()
    suggestion = SuggestionFactory(author=author, moderation_state=ModerationState.PENDING)
    client.force_login(author)

    tags = meta(
        client.get(f"/projects/{suggestion.project.slug}/suggestions/{suggestion.pk}/").content.decode()
    )

    assert f"/suggestions/{suggestion.pk}/" not in tags["og:image"]
    assert tags["og:image"].split("?")[0].endswith(f"/projects/{suggestion.project.slug}/preview.png")


def test_the_areas_data_credit_is_printed_on_the_picture(client):
    """The area is often OpenStreetMap's: its credit stands in the map's lower right corner, as on maps."""
    credited = ProjectFactory(area=AREA, area_attribution="© OpenStreetMap contributors (ODbL)")
    plain = ProjectFactory(area=AREA)

    def corner(project) -> tuple[Image.Image, str]:
        response = client.get(f"/projects/{project.slug}/preview.png")
        box = (PREVIEW_WIDTH - 300, MAP_HEIGHT - 36, PREVIEW_WIDTH - 10, MAP_HEIGHT - 10)
        return picture(response).crop(box), response["ETag"]

    with_credit, credited_etag = corner(credited)
    without, plain_etag = corner(plain)

    # A white box with dark letters where the credit goes; nothing white there without one.
    white = [pixel == (255, 255, 255) for pixel in with_credit.getdata()]
    assert sum(white) > len(white) / 2
    assert min(sum(pixel) for pixel in with_credit.getdata()) < 3 * 100
    assert (255, 255, 255) not in set(without.getdata())
    assert credited_etag != plain_etag
