"""Re-encoding uploaded photos (participation/images.py): what comes out carries nothing of the upload but its
pixels, upright, in sRGB, at most 2,048 px; what cannot be a photo is refused before it is decoded."""

import io

import pytest
from PIL import Image, ImageCms

from participation.errors import PhotoAnimated, PhotoNotAnImage, PhotoTooManyPixels, PhotoTruncated
from participation.images import RENDITIONS, photo_process

from . import photo_files
from .photo_files import colour_at, encoded, heic, is_red, marked, metadata_groups, phone_jpeg


def process(data: bytes):
    return photo_process(io.BytesIO(data))


def test_a_twelve_megapixel_phone_photo_comes_out_upright_small_and_without_any_metadata():
    upload = phone_jpeg(4032, 3024, orientation=6, noisy=True)  # held in portrait: turned 90° clockwise
    assert {"GPS", "IFD0"} <= metadata_groups(upload)

    photo = process(upload)

    full = photo.renditions["full"]
    assert (full.width, full.height) == (1512, 2016)  # portrait now, the long edge at most 2,048
    assert max(full.width, full.height) <= 2048
    # The red block was in the stored top-left corner; turned clockwise it is top-right.
    assert is_red(colour_at(full.data, (full.width - 10, 10)))
    assert not is_red(colour_at(full.data, (10, 10)))
    assert not is_red(colour_at(full.data, (full.width - 10, full.height - 10)))
    for rendition in photo.renditions.values():
        assert metadata_groups(rendition.data) == set()
        assert b"secret" not in rendition.data
        assert b"Phone" not in rendition.data


def test_thumbnails_come_in_two_sizes_with_the_same_orientation():
    photo = process(phone_jpeg(1600, 1200, orientation=8))  # turned 90° counter-clockwise

    sizes = {name: (r.width, r.height) for name, r in photo.renditions.items()}
    assert sizes == {"full": (1200, 1600), "medium": (600, 800), "small": (240, 320)}
    assert set(sizes) == set(RENDITIONS)
    small = photo.renditions["small"]
    assert is_red(colour_at(small.data, (5, small.height - 5)))  # top-left turned left: bottom-left


@pytest.mark.parametrize("orientation", [1, 2, 3, 4, 5, 6, 7, 8])
def test_every_exif_orientation_puts_the_stored_top_left_corner_where_the_camera_meant(orientation):
    # Where the stored top-left corner ends up when displayed with each EXIF orientation.
    corner = {1: "tl", 2: "tr", 3: "br", 4: "bl", 5: "tl", 6: "tr", 7: "br", 8: "bl"}[orientation]
    photo = process(phone_jpeg(160, 120, orientation=orientation)).renditions["full"]

    x = 5 if corner[1] == "l" else photo.width - 6
    y = 5 if corner[0] == "t" else photo.height - 6
    assert is_red(colour_at(photo.data, (x, y))), (orientation, corner)
    assert (photo.width, photo.height) == ((120, 160) if orientation >= 5 else (160, 120))


def test_png_webp_and_heic_are_accepted_and_written_as_jpeg():
    for data in (encoded(marked(80, 60), "PNG"), encoded(marked(80, 60), "WEBP"), heic(80, 60)):
        photo = process(data).renditions["full"]
        with Image.open(io.BytesIO(photo.data)) as image:
            assert image.format == "JPEG"
            assert image.size == (80, 60)
        assert is_red(colour_at(photo.data, (3, 3)))


def test_a_heic_from_an_iphone_is_read_with_pillow_heif():
    photo = process(heic(640, 480))

    assert (photo.width, photo.height) == (640, 480)
    assert metadata_groups(photo.renditions["full"].data) == set()


def test_transparency_is_laid_on_white_and_palettes_expanded():
    rgba = Image.new("RGBA", (20, 20), (0, 0, 0, 0))
    photo = process(encoded(rgba, "PNG")).renditions["full"]
    assert colour_at(photo.data, (10, 10)) >= (245, 245, 245)

    palette = marked(40, 40).convert("P")
    assert is_red(colour_at(process(encoded(palette, "PNG")).renditions["full"].data, (2, 2)))

    grey_alpha = Image.new("LA", (20, 20), (0, 255))
    assert colour_at(process(encoded(grey_alpha, "PNG")).renditions["full"].data, (10, 10)) <= (10, 10, 10)


def test_a_cmyk_jpeg_and_a_16_bit_png_are_converted_not_refused():
    cmyk = Image.new("CMYK", (40, 40), (0, 255, 255, 0))  # full magenta and yellow: red
    assert is_red(colour_at(process(encoded(cmyk, "JPEG")).renditions["full"].data, (20, 20)))

    deep = Image.new("I;16", (40, 40), 32768)  # mid grey in 16 bits, not white
    grey = colour_at(process(encoded(deep, "PNG")).renditions["full"].data, (20, 20))
    assert 110 < grey[0] < 145


def test_colours_in_another_profile_are_converted_to_srgb_and_the_profile_dropped():
    wide = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()  # any profile not sRGB
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    source = marked(40, 40)
    plain = process(encoded(source, "JPEG", icc_profile=srgb)).renditions["full"].data

    assert metadata_groups(plain) == set()  # no ICC_Profile group: sRGB is what a browser assumes
    # A broken or foreign profile does not fail the upload; the photo still comes out, without it.
    odd = process(encoded(source, "JPEG", icc_profile=wide)).renditions["full"].data
    assert metadata_groups(odd) == set()


def test_a_jpeg_html_polyglot_comes_out_as_a_plain_jpeg_without_the_page():
    photo = process(photo_files.jpeg_html_polyglot())

    for rendition in photo.renditions.values():
        assert b"<script" not in rendition.data
        assert b"<html" not in rendition.data


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"Dies ist ein Text, kein Bild.\n" * 20, id="text"),
        *(pytest.param(data, id=name) for name, data in photo_files.NOT_IMAGES.items()),
        pytest.param(encoded(marked(20, 20), "GIF"), id="gif"),
        pytest.param(encoded(marked(20, 20), "BMP"), id="bmp"),
        pytest.param(b"", id="empty"),
    ],
)
def test_what_is_not_a_jpeg_png_webp_or_heic_is_refused(data):
    with pytest.raises(PhotoNotAnImage) as refused:
        process(data)

    assert refused.value.field == "photo"


def test_a_decompression_bomb_is_refused_from_its_header():
    data = photo_files.bomb()
    assert len(data) < 1000  # a small file ...

    with pytest.raises(PhotoTooManyPixels):
        process(data)  # ... that would need gigabytes decoded: refused before decoding


def test_more_pixels_than_the_setting_allows_are_refused_with_the_figures(settings):
    settings.PHOTO_MAX_PIXELS = 1_000_000

    with pytest.raises(PhotoTooManyPixels) as refused:
        process(encoded(Image.new("RGB", (2000, 1000)), "PNG"))

    assert "(2 " in refused.value.message


def test_a_truncated_jpeg_is_refused():
    with pytest.raises(PhotoTruncated):
        process(photo_files.truncated_jpeg())


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_animated_images_are_refused(fmt):
    with pytest.raises(PhotoAnimated):
        process(photo_files.animated(fmt))
