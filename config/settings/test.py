"""Test settings: the real PostGIS and Redis of `make test`, no base-map tiles, fast password hashing."""

import atexit
import os
import shutil
import tempfile

# Long enough for production settings: the benchmark smoke run (production-based) inherits it.
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-used-anywhere-else-7c1e4b9a2d")
os.environ.setdefault("MAP_TILE_URL", "")
# Tests route far faster than a person; tests/geo/test_routing.py tests the budget with its own rate.
os.environ.setdefault("THROTTLE_ROUTE", "10000000/hour")
# Photos go to a folder of this test process, removed when it ends (tests that look into it use tmp_path).
if not os.environ.get("PHOTO_ROOT"):
    os.environ["PHOTO_ROOT"] = tempfile.mkdtemp(prefix="participation-photos-")
    atexit.register(shutil.rmtree, os.environ["PHOTO_ROOT"], ignore_errors=True)

from .base import *  # noqa: F403
from .base import CACHES, DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Each test run gets its own cache namespace so parallel or repeated runs never see each other's keys.
CACHES["default"]["KEY_PREFIX"] = f"test-{os.getpid()}"
# Several test runs may share one cluster (e.g. two checkouts): each can name its own test database.
if os.environ.get("DJANGO_TEST_DATABASE"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["DJANGO_TEST_DATABASE"]}
# No replica, even when DATABASE_REPLICA_URL is set: most tests write inside a transaction a replica never
# sees. tests/test_replica.py starts a real one and adds the alias for its own tests.
DATABASES.pop("replica", None)

from .base import ALTCHA_CHALLENGE  # noqa: E402

# Proof-of-work stays real in tests (the widget and the verifier run), only cheaper to solve.
ALTCHA_CHALLENGE = {**ALTCHA_CHALLENGE, "cost": 50, "max_number": 1000}

from .base import WRITE_LIMITS  # noqa: E402

# Every test client and browser writes from 127.0.0.1, so the address limits would add up across the suite:
# tests of the limits set their own, tight ones.
WRITE_LIMITS = {scope: "100000/3600" for scope in WRITE_LIMITS}
