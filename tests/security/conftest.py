import copy
import importlib
import sys

import pytest

from tests.factories import CitizenFactory, UserFactory

# What production.py switches on for HTTPS; the rest of the security settings live in base.py.
PRODUCTION_SECURITY = (
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "SECURE_REDIRECT_EXEMPT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "LANGUAGE_COOKIE_SECURE",
    "LANGUAGE_COOKIE_SAMESITE",
    "LANGUAGE_COOKIE_HTTPONLY",
)


@pytest.fixture
def production(settings, monkeypatch):
    """The test settings with production.py's HTTPS switches, read from the module itself (not copied), so a
    change there is what these tests see. Requests then come through the TLS proxy (X-Forwarded-Proto)."""
    import config.settings.base as base

    monkeypatch.setattr(base, "SITE_URL", "https://participation.example.org")
    # production.py refuses the test suite's short key.
    monkeypatch.setattr(base, "SECRET_KEY", "production-fixture-" + "Kq8vN2xR5tW9yB3mP7sL" * 3)
    # production.py changes STORAGES in place: it must get a copy, not the dict the running settings use.
    monkeypatch.setattr(base, "STORAGES", copy.deepcopy(base.STORAGES))
    monkeypatch.setenv("DJANGO_NUM_PROXIES", "0")
    sys.modules.pop("config.settings.production", None)
    try:
        module = importlib.import_module("config.settings.production")
    finally:
        sys.modules.pop("config.settings.production", None)
    for name in PRODUCTION_SECURITY:
        setattr(settings, name, getattr(module, name))
    return settings


@pytest.fixture
def moderator(project):
    return CitizenFactory(
        username="mona", email="mona@example.org", profile__display_name="Mona M.", moderator_of=project
    )


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)
