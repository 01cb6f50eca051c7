"""Link preview pictures, drawn by the server with Pillow (no base-map tiles, no third-party service): the
project's area on a plain ground, the suggestion in its category's colour (a ringed dot for a point, a cased
line, a filled shape), the other published suggestions smaller in their categories' colours, the credit of
the area's data, and a strip naming the project, the category and the planning status. The suggestion's own
title and text (user input) are never drawn: the preview's tags carry them as text.

Drawn at twice the size and scaled down, which smooths the edges Pillow's drawing leaves jagged.
"""

import io
from functools import cache
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from .selectors.previews import PREVIEW_BAND, PREVIEW_HEIGHT, PREVIEW_WIDTH, Preview

SUPERSAMPLE = 2
OUTSIDE = (226, 232, 240)  # the world outside the area, greyed as on the map page
INSIDE = (248, 250, 252)
OUTLINE = (30, 41, 59)
# Other suggestions beside the one a picture is of: dots of this radius (its marker's is 20), their colour
# at this opacity over the ground.
NEIGHBOUR_RADIUS = 6
NEIGHBOUR_SHARE = 0.75
BAND = (13, 91, 173)  # the site's blue (frontend/static/frontend/img/og-image.png)
WHITE = (255, 255, 255)
# Debian's DejaVu where installed (it has every German letter in bold); Pillow's own font elsewhere.
FONT_FILES = {
    True: Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    False: Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
}


@cache
def _font(size: int, bold: bool) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = FONT_FILES[bold]
    if path.exists():
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size)


def _rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))


def _mix(colour: tuple[int, int, int], ground: tuple[int, int, int], share: float) -> tuple[int, int, int]:
    """`colour` seen at `share` opacity over `ground`: drawn opaque, so overlaps never darken."""
    return tuple(round(c * share + g * (1 - share)) for c, g in zip(colour, ground, strict=True))  # type: ignore[return-value]


def _scaled(ring: list[list[float]]) -> list[tuple[float, float]]:
    return [(x * SUPERSAMPLE, y * SUPERSAMPLE) for x, y in ring]


def _polygons(geometry: dict[str, Any]) -> list[list[list[list[float]]]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["coordinates"]
    return []


def _lines(geometry: dict[str, Any]) -> list[list[list[float]]]:
    if geometry["type"] == "LineString":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiLineString":
        return geometry["coordinates"]
    return []


def _points(geometry: dict[str, Any]) -> list[list[float]]:
    if geometry["type"] == "Point":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPoint":
        return geometry["coordinates"]
    return []


def _area_mask(mask: ImageDraw.ImageDraw, area: dict[str, Any]) -> None:
    # Holes are cut out of the mask again, so the outside ground shows through them.
    for polygon in _polygons(area):
        mask.polygon(_scaled(polygon[0]), fill=255)
        for hole in polygon[1:]:
            mask.polygon(_scaled(hole), fill=0)


def _area_outline(draw: ImageDraw.ImageDraw, area: dict[str, Any]) -> None:
    for polygon in _polygons(area):
        for ring in polygon:
            draw.line(_scaled(ring), fill=OUTLINE, width=3 * SUPERSAMPLE, joint="curve")


def _neighbours(draw: ImageDraw.ImageDraw, neighbours: list[dict[str, Any]], *, context: bool) -> None:
    """The other published suggestions in their categories' colours, as the map draws them: a dot with a
    white ring, a line with a white casing, a shape with a light fill. Beside a suggestion (`context`) they
    are smaller than its marker and a little lighter, so it stays what the eye finds first; on the
    project's own picture they are the picture, in full colour."""
    share = NEIGHBOUR_SHARE if context else 1.0
    r = NEIGHBOUR_RADIUS * SUPERSAMPLE
    ring = r + 2 * SUPERSAMPLE
    for neighbour in neighbours:
        geometry, colour = neighbour["geometry"], _rgb(neighbour["colour"])
        shade = _mix(colour, INSIDE, share)
        for polygon in _polygons(geometry):
            draw.polygon(_scaled(polygon[0]), fill=_mix(colour, INSIDE, 0.2 * share))
            draw.line(_scaled(polygon[0]), fill=shade, width=2 * SUPERSAMPLE, joint="curve")
        for line in _lines(geometry):
            draw.line(_scaled(line), fill=WHITE, width=6 * SUPERSAMPLE, joint="curve")
            draw.line(_scaled(line), fill=shade, width=3 * SUPERSAMPLE, joint="curve")
        for x, y in _scaled(_points(geometry)):
            draw.ellipse((x - ring, y - ring, x + ring, y + ring), fill=WHITE)
            draw.ellipse((x - r, y - r, x + r, y + r), fill=shade)


def _suggestion(draw: ImageDraw.ImageDraw, geometry: dict[str, Any], colour: tuple[int, int, int]) -> None:
    # A halo that reads at a thumbnail's size (a path is often short beside a whole town), then the shape.
    halo = _mix(colour, INSIDE, 0.25)
    r = 22 * SUPERSAMPLE
    for polygon in _polygons(geometry):
        draw.polygon(_scaled(polygon[0]), fill=_mix(colour, INSIDE, 0.35))
        draw.line(_scaled(polygon[0]), fill=WHITE, width=10 * SUPERSAMPLE, joint="curve")
        draw.line(_scaled(polygon[0]), fill=colour, width=6 * SUPERSAMPLE, joint="curve")
    for line in _lines(geometry):
        draw.line(_scaled(line), fill=halo, width=2 * r, joint="curve")
        for x, y in _scaled([line[0], line[-1]]):
            draw.ellipse((x - r, y - r, x + r, y + r), fill=halo)
    for line in _lines(geometry):
        draw.line(_scaled(line), fill=WHITE, width=14 * SUPERSAMPLE, joint="curve")
        draw.line(_scaled(line), fill=colour, width=8 * SUPERSAMPLE, joint="curve")
    for x, y in _scaled(_points(geometry)):
        # A dark and a white ring around the category's colour.
        for radius, fill in (
            (34, halo),
            (20, OUTLINE),
            (18, WHITE),
            (13, colour),
        ):
            r = radius * SUPERSAMPLE
            draw.ellipse((x - r, y - r, x + r, y + r), fill=fill)


def _band(image: Image.Image, preview: Preview) -> None:
    draw = ImageDraw.Draw(image)
    top = PREVIEW_HEIGHT - PREVIEW_BAND
    draw.rectangle((0, top, PREVIEW_WIDTH, PREVIEW_HEIGHT), fill=BAND)
    right = ""
    if preview.kind_label:
        right = f"{preview.kind_label} · {preview.status_label}"
    right_font = _font(28, False)
    right_width = draw.textlength(right, font=right_font) if right else 0
    if right:
        swatch = top + PREVIEW_BAND // 2
        x = PREVIEW_WIDTH - 40 - right_width
        draw.ellipse(
            (x - 34, swatch - 11, x - 12, swatch + 11), fill=_rgb(preview.colour), outline=WHITE, width=3
        )
        draw.text((x, swatch), right, font=right_font, fill=WHITE, anchor="lm")
    # The project's name, shortened to what fits beside the category.
    room = PREVIEW_WIDTH - 80 - (right_width + 70 if right else 0)
    title_font = _font(40, True)
    title = preview.project_title
    if draw.textlength(title, font=title_font) > room:
        while title and draw.textlength(title + "…", font=title_font) > room:
            title = title[:-1]
        title = title.rstrip() + "…"
    draw.text((40, top + PREVIEW_BAND // 2), title, font=title_font, fill=WHITE, anchor="lm")


def _credit(image: Image.Image, text: str) -> None:
    """The area's data credit in the map part's lower right corner, dark on a light box, as maps show it."""
    if not text:
        return
    draw = ImageDraw.Draw(image)
    font = _font(18, False)
    width = draw.textlength(text, font=font)
    right, bottom = PREVIEW_WIDTH - 8, PREVIEW_HEIGHT - PREVIEW_BAND - 8
    draw.rectangle((right - width - 16, bottom - 30, right, bottom), fill=WHITE)
    draw.text((right - 8, bottom - 15), text, font=font, fill=OUTLINE, anchor="rm")


def preview_png(preview: Preview) -> bytes:
    """The picture as PNG bytes, PREVIEW_WIDTH x PREVIEW_HEIGHT."""
    size = (PREVIEW_WIDTH * SUPERSAMPLE, (PREVIEW_HEIGHT - PREVIEW_BAND) * SUPERSAMPLE)
    ground = Image.new("RGB", size, OUTSIDE)
    mask = Image.new("L", size, 0)
    _area_mask(ImageDraw.Draw(mask), preview.area)
    ground.paste(Image.new("RGB", size, INSIDE), mask=mask)
    draw = ImageDraw.Draw(ground)
    _area_outline(draw, preview.area)
    _neighbours(draw, preview.neighbours, context=preview.suggestion is not None)
    if preview.suggestion is not None:
        _suggestion(draw, preview.suggestion, _rgb(preview.colour))
    image = Image.new("RGB", (PREVIEW_WIDTH, PREVIEW_HEIGHT), BAND)
    image.paste(ground.reduce(SUPERSAMPLE))
    _credit(image, preview.attribution)
    _band(image, preview)
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=3)
    return out.getvalue()
