"""Files for the photo tests, made in the test: phone photos with EXIF (GPS, orientation), the formats we
accept, and the bad inputs of issue 26 (bombs, polyglots, executables, animations, TIFFs) built by hand."""

import io
import json
import shutil
import struct
import subprocess
import zlib

from PIL import ExifTags, Image

import participation.images  # noqa: F401 - registers the HEIF plugin the HEIC builder writes with

GPS = {
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (49.0, 0.0, 30.0),
    ExifTags.GPS.GPSLongitudeRef: "E",
    ExifTags.GPS.GPSLongitude: (8.0, 24.0, 10.0),
}
RED = (220, 20, 20)
BLUE = (20, 20, 220)
# exiftool's groups that describe the file itself rather than carry metadata of the picture.
FILE_GROUPS = {"SourceFile", "ExifTool", "System", "File", "JFIF", "Composite"}


def marked(width: int, height: int) -> Image.Image:
    """Blue, with a red block in the stored top-left corner: where it ends up shows the orientation."""
    image = Image.new("RGB", (width, height), BLUE)
    image.paste(Image.new("RGB", (max(1, width // 4), max(1, height // 4)), RED), (0, 0))
    return image


def exif_bytes(*, orientation: int = 1, gps: bool = True) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Phone 12"
    if gps:
        exif[ExifTags.IFD.GPSInfo] = GPS
    return exif.tobytes()


def phone_jpeg(width: int = 400, height: int = 300, *, orientation: int = 6, noisy: bool = False) -> bytes:
    """A phone photo: EXIF with GPS position and orientation, an XMP packet and a JPEG comment."""
    image = marked(width, height)
    if noisy:  # a real photo's detail, so that size and time are a camera's
        noise = Image.effect_noise((width, height), 40)
        image = Image.merge("RGB", [noise, image.getchannel("G"), Image.effect_noise((width, height), 20)])
        image.paste(Image.new("RGB", (width // 4, height // 4), RED), (0, 0))
    xmp = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/>'
        b"<exif:GPSLatitude>49,0.5N</exif:GPSLatitude></x:xmpmeta>"
    )
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif_bytes(orientation=orientation), xmp=xmp, comment=b"secret")
    return out.getvalue()


def encoded(image: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def heic(width: int = 64, height: int = 48) -> bytes:
    return encoded(marked(width, height), "HEIF", exif=exif_bytes(orientation=1))


def animated(fmt: str) -> bytes:
    frames = [Image.new("RGB", (16, 16), colour) for colour in (RED, BLUE)]
    return encoded(frames[0], fmt, save_all=True, append_images=frames[1:], duration=100, loop=0)


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def bomb(width: int = 50_000, height: int = 50_000) -> bytes:
    """A PNG of a hundred bytes whose header declares 2.5 gigapixels: its first row compressed, the rest
    is what a decoder would have to allocate."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    row = zlib.compress(b"\x00" + b"\x00" * 3 * 64)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", row) + _chunk(b"IEND", b"")


def truncated_jpeg() -> bytes:
    data = encoded(Image.effect_noise((600, 400), 30).convert("RGB"), "JPEG", quality=90)
    return data[: len(data) // 2]


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script><rect width='10' height='10'/></svg>"
)
HTML = b"<!DOCTYPE html><html><body><script>fetch('/account/data/')</script></body></html>"
# A DOS/PE header (the start of every Windows program), named photo.jpg by the sender.
EXECUTABLE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 44
    + b"PE\x00\x00"
    + b"\x90" * 512
)
# A GIF header that is also JavaScript (the classic GIF/JS polyglot): GIF is not on the allow-list.
GIF_JS_POLYGLOT = b"GIF89a/*\x0a\x00\x0a\x00\x00\x00\x00*/=alert(document.domain);//" + b"\x00" * 32 + b";"
# What must be refused as not a photo (not JPEG, PNG, WebP or HEIC), whatever its name says: by the image
# processing and by the API alike.
NOT_IMAGES = {
    "renamed-executable": EXECUTABLE,
    "svg": SVG,
    "html": HTML,
    "gif-js-polyglot": GIF_JS_POLYGLOT,
    "cmyk-tiff": encoded(Image.new("CMYK", (30, 30)), "TIFF"),
    "16-bit-tiff": encoded(Image.new("I;16", (30, 30)), "TIFF"),
}


def jpeg_html_polyglot() -> bytes:
    """A valid JPEG whose comment segment holds an HTML page with a script: a browser sniffing it, or a
    server serving it as HTML, would run the script."""
    page = b"<html><body><script>alert(document.cookie)</script></body></html>"
    return encoded(marked(64, 48), "JPEG", comment=page)


def exiftool(data: bytes) -> dict[str, object]:
    """exiftool's reading of the bytes (every group, duplicates too)."""
    program = shutil.which("exiftool")
    assert program, "exiftool is missing: `make test` installs Debian's libimage-exiftool-perl"
    result = subprocess.run(
        [program, "-j", "-G1", "-a", "-"], input=data, capture_output=True, check=True, timeout=60
    )
    return json.loads(result.stdout)[0]


def metadata_groups(data: bytes) -> set[str]:
    return {name.split(":")[0] for name in exiftool(data)} - FILE_GROUPS


def colour_at(data: bytes, xy: tuple[int, int]) -> tuple[int, int, int]:
    with Image.open(io.BytesIO(data)) as image:
        return image.convert("RGB").getpixel(xy)


def is_red(rgb: tuple[int, int, int]) -> bool:
    return rgb[0] > 150 and rgb[2] < 100


def is_blue(rgb: tuple[int, int, int]) -> bool:
    return rgb[2] > 150 and rgb[0] < 100


def noisy_photo(suggestion, *, size=(1200, 900), state="published", position=0, comment=None):
    """A stored photo with detail everywhere (strong noise), processed and stored as an upload would be:
    blurring a region of it shows as a drop of the pixel variance there."""
    from participation.images import photo_process
    from participation.models import Photo
    from participation.services.photos import photo_files_write

    noise = Image.merge("RGB", [Image.effect_noise(size, 90) for _ in range(3)])
    processed = photo_process(io.BytesIO(encoded(noise, "PNG")))
    return Photo.objects.create(
        suggestion=suggestion,
        comment=comment,
        position=position,
        author=suggestion.author,
        alt_text="Ein Gesicht und ein Nummernschild",
        moderation_state=state,
        key=photo_files_write(processed, written=[]),
        width=processed.width,
        height=processed.height,
    )
