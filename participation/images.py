"""Uploaded photos, re-encoded: whatever a citizen sends, only images this module wrote are ever stored.

An upload is opened with Pillow restricted to an allow-list of formats (JPEG, PNG, WebP, HEIC/HEIF via
pillow-heif): SVG, HTML, scripts, executables, GIF, TIFF and everything else are refused before any decoder
runs, since Pillow then never tries their plugins. Its pixel count is read from the header and checked
before decoding (a decompression bomb is a small file with a huge header size); a JPEG is decoded at the
smallest DCT scale that still covers the target size (`draft`), which bounds memory for large photos.
Animated images (APNG, animated WebP) are refused: a photo is one still picture. Then the EXIF orientation is
applied, colours are converted to sRGB (an ICC profile such as an iPhone's Display P3, CMYK, 16-bit grey,
palette and transparency on white), and a fresh image is written as JPEG: no EXIF, GPS, XMP, IPTC, ICC,
comment or any other byte of the upload reaches the output.

JPEG rather than WebP: every browser, mail client, office program and GIS (the GeoPackage's thumbnails) shows
it, and Pillow writes it about twice as fast at this size; WebP would save a fifth of the bytes.
"""

import io
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO

import pillow_heif
from django.conf import settings
from django.utils.translation import gettext as _
from PIL import (
    ExifTags,
    Image,
    ImageCms,
    ImageFilter,
    UnidentifiedImageError,
    WebPImagePlugin,  # noqa: F401 - registers the WebP decoder of the allow-list
)

from .errors import PhotoAnimated, PhotoNotAnImage, PhotoTooManyPixels, PhotoTruncated
from .models.photos import PHOTO_LONG_EDGE

# HEIC (iPhones) and HEIF through libheif; AVIF stays unregistered (not on the allow-list).
pillow_heif.register_heif_opener()
# The decoders of the allow-list, loaded when the process starts rather than on its first upload (Pillow
# would otherwise import every one of its plugins then, a quarter of a second).
Image.preinit()

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
# What the pages' file choosers ask for (phones then offer the camera and the gallery). Only a hint to the
# browser: the server reads the bytes (ACCEPTED_FORMATS), never the type a client names.
ACCEPTED_TYPES = ("image/jpeg", "image/png", "image/webp", "image/heic", "image/heif")
# Rendition name: longest edge in pixels. "full" for the photo's page, "medium" for popups and the
# moderation queue (sharp at twice a 400 px box), "small" for lists (twice a 160 px box).
RENDITIONS = {"full": PHOTO_LONG_EDGE, "medium": 800, "small": 320}
# Modes Image.reduce takes as they are.
REDUCIBLE_MODES = ("RGB", "RGBA", "L", "LA", "CMYK")
# A photo larger than the stored size keeps at least this longest edge when reduced by an integer factor.
MIN_FULL_EDGE = 1536
# EXIF orientation -> the transposition that makes the image upright (as ImageOps.exif_transpose does).
ORIENTATIONS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
CONTENT_TYPE = "image/jpeg"
JPEG_QUALITY = 82
SRGB = ImageCms.createProfile("sRGB")
# Blurring a region: it is pixelated into blocks of at least this many pixels of the stored image, and at
# most this many blocks along its longer side, then blurred over half a block. A face or a number plate
# becomes a few coloured patches: nothing left to read, and no detail for a "deblurring" model to work from
# (a Gaussian blur alone can be partly inverted; averaged blocks cannot).
BLUR_MIN_BLOCK = 12
BLUR_MAX_BLOCKS = 8


@dataclass(frozen=True, slots=True)
class Rendition:
    data: bytes
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class ProcessedPhoto:
    """The re-encoded photo: one JPEG per rendition name of RENDITIONS."""

    renditions: dict[str, Rendition]

    @property
    def width(self) -> int:
        return self.renditions["full"].width

    @property
    def height(self) -> int:
        return self.renditions["full"].height


@dataclass(frozen=True, slots=True)
class Region:
    """A rectangle of a photo in fractions of its width and height (0..1), from its top-left corner."""

    x: float
    y: float
    w: float
    h: float

    def box(self, width: int, height: int) -> tuple[int, int, int, int]:
        """The pixels it covers (left, top, right, bottom), rounded outwards: a region never blurs less than
        the moderator marked."""
        left = max(0, math.floor(self.x * width))
        top = max(0, math.floor(self.y * height))
        right = min(width, max(left + 1, math.ceil((self.x + self.w) * width)))
        bottom = min(height, max(top + 1, math.ceil((self.y + self.h) * height)))
        return left, top, right, bottom


def photo_blur(source: IO[bytes], regions: Sequence[Region]) -> ProcessedPhoto:
    """Blur `regions` of a stored photo's full rendition (a JPEG this module wrote) and derive every
    rendition from the result again, so no thumbnail keeps what the full image no longer shows."""
    source.seek(0)
    with Image.open(source, formats=("JPEG",)) as opened:
        image = opened.convert("RGB")
    for region in regions:
        box = region.box(*image.size)
        image.paste(_obscured(image.crop(box)), box[:2])
    return ProcessedPhoto(renditions=_renditions(_to_srgb(image, None)))


def _obscured(part: Image.Image) -> Image.Image:
    block = max(BLUR_MIN_BLOCK, math.ceil(max(part.size) / BLUR_MAX_BLOCKS))
    small = (max(1, math.ceil(part.width / block)), max(1, math.ceil(part.height / block)))
    pixelated = part.resize(small, Image.Resampling.BOX).resize(part.size, Image.Resampling.NEAREST)
    return pixelated.filter(ImageFilter.GaussianBlur(block / 2))


def photo_process(source: IO[bytes]) -> ProcessedPhoto:
    """Re-encode an upload (a binary file object, read from its start) or raise a typed error saying why not.

    The caller bounds the upload's size in bytes (PHOTO_UPLOAD_MAX_BYTES) before it is read; this bounds the
    pixels (PHOTO_MAX_PIXELS) before decoding.
    """
    image = _open(source)
    _load(image)
    try:
        orientation = image.getexif().get(ExifTags.Base.Orientation, 1)
    except (SyntaxError, ValueError, OSError, TypeError):  # an unreadable EXIF block: nothing to apply
        orientation = 1
    profile = image.info.get("icc_profile")
    # Reduced before converting (a 40 MP PNG with transparency: a quarter of the pixels to lay on white) and
    # before turning (as ImageOps.exif_transpose would turn them); palettes and 16-bit grey convert first.
    pixels = _fit_full(image) if image.mode in REDUCIBLE_MODES else image
    pixels = _fit_full(_flattened(pixels))
    method = ORIENTATIONS.get(orientation) if isinstance(orientation, int) else None
    if method is not None:
        pixels = pixels.transpose(method)
    return ProcessedPhoto(renditions=_renditions(_to_srgb(pixels, profile)))


def _open(source: IO[bytes]) -> Image.Image:
    source.seek(0)
    try:
        # A header declaring more pixels than Pillow's own limit is a bomb too: an error here, not a warning.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(source, formats=ACCEPTED_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(None) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise PhotoNotAnImage() from None
    width, height = image.size
    if width < 1 or height < 1:
        image.close()
        raise PhotoNotAnImage()
    if width * height > settings.PHOTO_MAX_PIXELS:
        image.close()
        raise _too_many_pixels(width * height)
    # APNG and animated WebP; a HEIF file holding several images (a burst) opens at its primary image.
    if image.format != "HEIF" and getattr(image, "n_frames", 1) > 1:
        image.close()
        raise PhotoAnimated()
    return image


def _too_many_pixels(pixels: int | None) -> PhotoTooManyPixels:
    limit = settings.PHOTO_MAX_PIXELS / 1_000_000
    if pixels is None:
        return PhotoTooManyPixels(
            _("This image has too many pixels: at most %(max).0f megapixels.") % {"max": limit}
        )
    return PhotoTooManyPixels(
        _("This image has too many pixels (%(mp).0f megapixels): at most %(max).0f megapixels.")
        % {"mp": pixels / 1_000_000, "max": limit}
    )


def _load(image: Image.Image) -> None:
    """Decode the pixels. A JPEG decodes at the smallest DCT scale (1/2, 1/4, 1/8) that keeps its longest
    edge at least MIN_FULL_EDGE: a 12 MP photo needs a quarter of the memory and time, a 48 MP one a
    sixteenth."""
    if image.format == "JPEG":
        width, height = image.size
        scale = next((s for s in (8, 4, 2) if max(width, height) / s >= MIN_FULL_EDGE), 1)
        if scale > 1:
            image.draft(image.mode, (-(-width // scale), -(-height // scale)))
    try:
        image.load()
    except OSError as error:
        if "truncated" in str(error) or "broken data stream" in str(error):
            raise PhotoTruncated() from None
        raise PhotoNotAnImage() from None
    except (SyntaxError, ValueError, EOFError):
        raise PhotoNotAnImage() from None


def _flattened(image: Image.Image) -> Image.Image:
    """8-bit RGB, grey or CMYK without transparency: 16-bit grey scaled (Pillow's plain conversion would
    clip everything above 255 to white), palettes expanded, transparency laid on white."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    elif image.mode == "F":
        image = image.convert("L")
    if image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or (
        image.mode == "P" and "transparency" in image.info
    ):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    if image.mode not in ("RGB", "L", "CMYK"):
        return image.convert("RGB")
    return image


def _fit_full(image: Image.Image) -> Image.Image:
    """At most PHOTO_LONG_EDGE: by an integer box reduction when that keeps at least MIN_FULL_EDGE (fast
    and as sharp as a phone photo needs), else by Lanczos."""
    long_edge = max(image.size)
    if long_edge <= PHOTO_LONG_EDGE:
        return image
    factor = -(-long_edge // PHOTO_LONG_EDGE)
    if long_edge / factor >= MIN_FULL_EDGE:
        return image.reduce(factor)
    return _fit(image, PHOTO_LONG_EDGE)


def _to_srgb(image: Image.Image, profile: bytes | None) -> Image.Image:
    """An 8-bit RGB image in sRGB, carrying nothing of the upload but its pixels."""
    if profile:
        try:
            converted = ImageCms.profileToProfile(
                image, ImageCms.ImageCmsProfile(io.BytesIO(profile)), SRGB, outputMode="RGB"
            )
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            converted = None  # a broken profile, or one of another colour space: the pixels as they are
        if converted is not None:
            image = converted
    if image.mode != "RGB":
        image = image.convert("RGB")
    # A fresh image: Pillow carries `info` (comments, profiles) into what it saves; this one has none.
    fresh = Image.new("RGB", image.size)
    fresh.paste(image)
    return fresh


def _renditions(full: Image.Image) -> dict[str, Rendition]:
    """Each rendition made from the one before it (the list's 320 px from the popup's 800 px), written as a
    baseline JPEG with optimised Huffman tables. Measured on a 12 MP phone photo (CPU ms): progressive
    saved 1.5 % of the bytes for 37 ms more of the full size; a fair Lanczos to 800 px cost 39 ms against
    17 for halving first (`reducing_gap=1.0`), which a popup's photo does not show."""
    out = {}
    image = full
    for name, edge in RENDITIONS.items():
        image = _fit(image, edge)
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
        out[name] = Rendition(data=buffer.getvalue(), width=image.width, height=image.height)
    return out


def rendition_size(width: int, height: int, rendition: str) -> tuple[int, int]:
    """The size of a photo's rendition, from the stored photo's size (pages give it to <img> up front)."""
    return _fitted_size(width, height, RENDITIONS[rendition])


def _fitted_size(width: int, height: int, edge: int) -> tuple[int, int]:
    if max(width, height) <= edge:
        return width, height
    scale = edge / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def _fit(image: Image.Image, edge: int) -> Image.Image:
    size = _fitted_size(image.width, image.height, edge)
    if size == image.size:
        return image
    # reducing_gap: a fast integer (box) reduction first, then Lanczos over the last factor (< 2).
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=1.0)
