"""Benchmark settings (`make bench`): the production settings on loopback, with the benchmark's own URLs.

Production as it runs behind a TLS proxy, minus what only makes sense there: the load client speaks plain
HTTP to 127.0.0.1 without a proxy (DJANGO_NUM_PROXIES=0, no redirect to https), and it writes far more than
a person may, so the write limits are out of its way. Everything else (DEBUG off, manifest static files,
secure cookies, the database role's settings) is what production runs.
"""

import os
from pathlib import Path

os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-never-used-in-production-3f9a1c7e")
os.environ.setdefault("SITE_URL", "https://bench.invalid")
os.environ.setdefault("DJANGO_NUM_PROXIES", "0")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("MAP_TILE_URL", "")
# The load client routes and searches hundreds of times a second from one address.
os.environ.setdefault("THROTTLE_ROUTE", "10000000/hour")
os.environ.setdefault("THROTTLE_PLACE_SEARCH", "10000000/hour")
# The upload scenario's photos, apart from those of `make run` (it deletes what it wrote).
os.environ.setdefault("PHOTO_ROOT", str(Path(__file__).resolve().parents[2] / ".local" / "bench" / "photos"))

from .production import *  # noqa: F403
from .production import WRITE_LIMITS

ROOT_URLCONF = "benchmarks.urls"
# The load client writes thousands of rows from one address and one account within seconds.
WRITE_LIMITS = {scope: "10000000/3600" for scope in WRITE_LIMITS}
# Request logs of tens of thousands of requests would only measure the console.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
