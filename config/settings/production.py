"""Production: the base settings plus HTTPS. Everything else is set by environment variables."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import SECRET_KEY, SILENCED_SYSTEM_CHECKS, SITE_URL, STORAGES, env

# The key signs sessions, password-reset links and anti-spam challenges: a guessable one lets anyone forge
# them. Refused are .env.example's placeholder, Django's marker of a generated development key, and what
# Django's deploy check only warns about (fewer than 50 characters or 5 different ones).
_PLACEHOLDER_SECRET_KEYS = {"change-me-to-a-long-random-string"}
if (
    SECRET_KEY in _PLACEHOLDER_SECRET_KEYS
    or SECRET_KEY.startswith("django-insecure-")
    or len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be a long random string of its own (at least 50 characters), not the "
        "placeholder of .env.example. Make one with: "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )

# Links in mails (confirmation links, notifications) are built from SITE_URL, outside any request.
if not SITE_URL.startswith("https://"):
    raise ImproperlyConfigured("SITE_URL must be the site's public https:// address (see .env.example).")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Behind that proxy every request comes from its address: without DJANGO_NUM_PROXIES all anonymous
# visitors would share one rate-limit budget. Serving without a proxy is said explicitly with 0.
if "DJANGO_NUM_PROXIES" not in env.ENVIRON:
    raise ImproperlyConfigured(
        "Set DJANGO_NUM_PROXIES: the number of reverse proxies in front of the app (1 behind one TLS proxy)."
    )
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# Health checks come from the container runtime over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# The language cookie only says "de" or "en", but like the others it never travels over plain HTTP nor
# with cross-site requests; no script reads it (the language switch is a form).
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
WHITENOISE_USE_FINDERS = False
STORAGES["staticfiles"]["BACKEND"] = "whitenoise.storage.CompressedManifestStaticFilesStorage"
# Preloading HSTS binds every subdomain of the town's domain for years: the town decides, by setting
# DJANGO_SECURE_HSTS_PRELOAD, not a default of ours.
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "security.W021"]
