"""Re-encoding a 12-megapixel phone photo (issue 26: at most 1 s and 200 MB on this machine).

    DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python -m benchmarks.photo_processing

Makes a 4032 x 3024 JPEG with camera-like detail, EXIF GPS position and orientation (turned 90°), then runs
`participation.images.photo_process` on it five times in a fresh process: each run's time, the Python
heap's peak (tracemalloc; Pillow's pixel buffers are not on it) and the process's peak resident memory above
what it held before the first run (resource.getrusage).
"""

import io
import multiprocessing
import resource
import time
import tracemalloc

import django


def phone_photo(width: int = 4032, height: int = 3024) -> bytes:
    from PIL import ExifTags, Image

    noise = Image.effect_noise((width, height), 40)
    image = Image.merge(
        "RGB",
        [noise, Image.linear_gradient("L").resize((width, height)), Image.effect_noise((width, height), 20)],
    )
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (49.0, 0.0, 30.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (8.0, 24.0, 10.0),
    }
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92, exif=exif.tobytes())
    return out.getvalue()


def _resident_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return 0.0


def _measure(data: bytes) -> None:
    """In a fresh process, so that making the photo does not count as processing it."""
    django.setup()
    from participation.images import photo_process

    before = _resident_mb()
    for run in range(5):
        tracemalloc.start()
        started = time.perf_counter()
        photo = photo_process(io.BytesIO(data))
        elapsed = time.perf_counter() - started
        heap = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"run {run}: {elapsed * 1000:.0f} ms, Python heap peak {heap / 1e6:.1f} MB, "
            f"resident peak +{peak - before:.0f} MB ({photo.width} x {photo.height})"
        )
    print(f"upload {len(data) / 1e6:.1f} MB; stored {len(photo.renditions['full'].data) / 1e6:.2f} MB")


def main() -> None:
    data = phone_photo()
    child = multiprocessing.get_context("spawn").Process(target=_measure, args=(data,))
    child.start()
    child.join()


if __name__ == "__main__":
    main()
