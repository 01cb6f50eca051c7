"""Settings for every environment. Every value comes from the environment, with safe local defaults.

`production.py` only switches on what needs HTTPS; `test.py` what the test suite needs.
"""

import warnings
from pathlib import Path

import environ
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
if env.bool("DJANGO_READ_DOT_ENV", default=True):
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off (see .env.example)."
        )
    SECRET_KEY = "insecure-local-development-key-only-used-with-debug"  # noqa: S105
# The site's own address for links in mails sent without a request (confirmation links, notifications).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # modeltranslation patches the admin, so it comes before it.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    # Before allauth: our templates (e.g. allauth/layouts/base.html) override the library's.
    "frontend",
    "allauth",
    "allauth.account",
    "rest_framework",
    "rest_framework.authtoken",
    "rest_framework_gis",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "leaflet",
    "csp",
    "altcha_django",
    # Background work (notification mails; later large exports): tasks queued in the database, run by
    # `manage.py db_worker` (started by `make run`, its own container in docker-compose).
    "django_tasks",
    "django_tasks_db",
    "geo",
    "participation",
    "surveys",
    "fixtures",
]

MIDDLEWARE = [
    # Outermost: every response, tiles and static files included, says which browser features it may use.
    "config.permissions_policy.PermissionsPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # A database that does not answer: 503 with Retry-After and a message (config/db_unavailable.py).
    "config.db_unavailable.DatabaseUnavailableMiddleware",
    # Vector tiles are answered here, without the page middleware below (geo/tiles/middleware.py).
    "geo.tiles.middleware.TileMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Heavy reads of a client that has just written go to the primary, the others to the replica, if any.
    "config.read_your_writes.ReadYourWritesMiddleware",
    # Anonymous browsers' signed key: one support per browser (participation/participants.py).
    "participation.participants.BrowserKeyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Every write (any URL) counts against its address and its account: no endpoint is without a limit.
    # Last, so that its 429 passes back through the middleware above (CSP, framing, cookies) like any page.
    "participation.throttling.WriteLimitMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# ---------------------------------------------------------------------------------------------- data
# postgis://user:password@host:port/name; `make run` / `make test` point this at the private cluster.
DATABASES = {
    "default": env.db_url(
        "DATABASE_URL",
        default="postgis://app:app@127.0.0.1:5434/participation",
        engine="django.contrib.gis.db.backends.postgis",
    )
}
DATABASES["default"]["ENGINE"] = "django.contrib.gis.db.backends.postgis"
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A database that does not answer must fail fast (health check, 503s), not hang a worker.
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int(
    "DATABASE_CONNECT_TIMEOUT", default=5
)
# A streaming replica (postgis://…, usually the same role) for the heavy reads only: map, tiles, exports,
# OGC API (config/db_reads.py). Everything else, every write and every ORM read, stays on the primary. Unset:
# no `replica` alias, everything reads the primary. The role's session settings (jit, parallel workers) are
# ALTER ROLE settings in the catalogue, which the replica copies.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = {
        **env.db_url("DATABASE_REPLICA_URL", engine="django.contrib.gis.db.backends.postgis"),
        "ENGINE": "django.contrib.gis.db.backends.postgis",
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        # Under Django's test runner the alias reads the test database's copy instead of creating its own.
        "TEST": {"MIRROR": "default"},
    }
    DATABASES["replica"].setdefault("OPTIONS", {})["connect_timeout"] = DATABASES["default"]["OPTIONS"][
        "connect_timeout"
    ]
# After a client's successful write (POST, PUT, PATCH, DELETE), its heavy reads go to the primary for this
# many seconds, so a citizen sees their own suggestion on the map at once; far above normal replication lag.
READ_YOUR_WRITES_SECONDS = env.int("READ_YOUR_WRITES_SECONDS", default=10)
# A replica that does not answer is left alone for this many seconds (reads go to the primary meanwhile),
# so that not every request waits for connect_timeout.
DATABASE_REPLICA_RETRY_SECONDS = env.float("DATABASE_REPLICA_RETRY_SECONDS", default=10.0)
# Optional: a replica further behind than this (seconds of replay lag, checked at most every
# DATABASE_REPLICA_LAG_CHECK_SECONDS per process) is skipped. Unset: no lag check.
DATABASE_REPLICA_MAX_LAG_SECONDS = env.float("DATABASE_REPLICA_MAX_LAG_SECONDS", default=None)
DATABASE_REPLICA_LAG_CHECK_SECONDS = env.float("DATABASE_REPLICA_LAG_CHECK_SECONDS", default=2.0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A shared cache: rate limits and replay protection must hold across gunicorn workers, so not LocMem.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env.str("REDIS_URL", default="redis://127.0.0.1:6380/0"),
        # Instances that share one Redis (or test servers beside a dev server) each keep their own keys.
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="participation"),
        "TIMEOUT": 300,
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# ---------------------------------------------------------------------------------------------- language
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
MODELTRANSLATION_DEFAULT_LANGUAGE = "de"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("de", "en")
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="Europe/Berlin")
USE_I18N = True
USE_TZ = True

# ---------------------------------------------------------------------------------------------- static
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Participants' photos (participation/images.py writes them, participation/api/photos.py serves them
    # after checking who may see them): never a public folder or bucket. PHOTO_STORAGE=s3 keeps them in an
    # S3-compatible bucket (below, docs/photos.md); by default they lie under PHOTO_ROOT.
    "photos": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env.str("PHOTO_ROOT", default=str(BASE_DIR / ".local" / "photos"))},
    },
    "staticfiles": {
        # Hashed, compressed files need `collectstatic` (the Docker image runs it); local runs and tests
        # serve the sources through the finders.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env.bool("DJANGO_MANIFEST_STATIC", default=False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
PHOTO_STORAGE = env.str("PHOTO_STORAGE", default="filesystem")
if PHOTO_STORAGE == "s3":
    # Any S3-compatible store through django-storages (AWS, MinIO, Ceph, Garage, a provider's object
    # storage). The bucket stays private: the site reads every photo itself and serves it to whom may see it.
    # Unset (or empty) optional values leave boto3 to its defaults (AWS, its credential chain).
    STORAGES["photos"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("PHOTO_S3_BUCKET"),
            "location": env.str("PHOTO_S3_PREFIX", default="photos"),
            "endpoint_url": env.str("PHOTO_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("PHOTO_S3_REGION", default="") or None,
            "access_key": env.str("PHOTO_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("PHOTO_S3_SECRET_ACCESS_KEY", default="") or None,
            "addressing_style": env.str("PHOTO_S3_ADDRESSING_STYLE", default="") or None,
            # Names are random keys, never reused: no existence check (a HEAD request) before each write.
            "file_overwrite": True,
            "default_acl": None,
            "querystring_auth": True,
        },
    }
elif PHOTO_STORAGE != "filesystem":
    raise ImproperlyConfigured("PHOTO_STORAGE is “filesystem” (the default) or “s3”.")
# Without collectstatic (local runs, tests) whitenoise serves straight from the apps' static folders.
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=True)
warnings.filterwarnings("ignore", message="No directory at")  # STATIC_ROOT exists only after collectstatic

# ---------------------------------------------------------------------------------------------- map
# Base-map tiles are external; with an empty URL the map shows the area and features on a plain background.
MAP_TILE_URL = env.str("MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env.str(
    "MAP_TILE_ATTRIBUTION",
    default='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
)
DEFAULT_PROJECT_SLUG = env.str("DEFAULT_PROJECT_SLUG", default="karlsruhe-ebikes")

# Where the admin's map widgets open for a new project (latitude, longitude); a saved project opens on
# its own.
LEAFLET_CONFIG = {
    "DEFAULT_CENTER": tuple(env.list("MAP_DEFAULT_CENTER", cast=float, default=[49.0069, 8.4037])),
    "DEFAULT_ZOOM": env.int("MAP_DEFAULT_ZOOM", default=12),
    "TILES": [("OpenStreetMap", MAP_TILE_URL, {"attribution": MAP_TILE_ATTRIBUTION})] if MAP_TILE_URL else [],
    "RESET_VIEW": False,
}

# ---------------------------------------------------------------------------------------------- API
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["config.parsers.JSONParser"],
    # Pages use the session (with CSRF); API clients send `Authorization: Token …` from /api/v1/auth/token/.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header makes "not signed in" a 401 rather than a 403.
        "participation.token_auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "EXCEPTION_HANDLER": "config.api_errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Limits per person (or address) and hour; the counters live in Redis, shared by all workers.
    "DEFAULT_THROTTLE_RATES": {
        "token": env.str("THROTTLE_TOKEN", default="20/hour"),
        # Whole-project downloads without an account, per address.
        "open_data": env.str("THROTTLE_OPEN_DATA", default="60/hour"),
        # Routing along the street network and its street search, per address.
        "route": env.str("THROTTLE_ROUTE", default="300/min"),
        # Place search as people type (a request per pause in typing), per person or address.
        "place_search": env.str("THROTTLE_PLACE_SEARCH", default="1200/hour"),
    },
    # Client addresses come from REMOTE_ADDR unless proxies in front are declared: a client must not pick
    # its own address with X-Forwarded-For to escape the limits.
    "NUM_PROXIES": env.int("DJANGO_NUM_PROXIES", default=0),
}
# Write limits per person, shared by the API and the pages (participation/throttling.py): "count/seconds".
WRITE_LIMITS = {
    "suggestion": env.str("LIMIT_SUGGESTIONS", default="20/3600"),
    "comment": env.str("LIMIT_COMMENTS", default="60/3600"),
    "support": env.str("LIMIT_SUPPORTS", default="300/3600"),
    "report": env.str("LIMIT_REPORTS", default="30/3600"),
    # Photos added to one's own suggestions and comments (those sent with a new suggestion count as it).
    "photo": env.str("LIMIT_PHOTOS", default="30/3600"),
    # Survey responses per account or address: one per survey and person anyway; this bounds new browsers.
    "survey_response": env.str("LIMIT_SURVEY_RESPONSES", default="10/3600"),
    # Anonymous supports of one suggestion from one address (cookies thrown away do not help), and
    # confirmation mails to one e-mail address.
    "support_anonymous": env.str("LIMIT_ANONYMOUS_SUPPORTS", default="3/86400"),
    "contact": env.str("LIMIT_CONTACT_MAILS", default="5/86400"),
    # Alerts for a place made without an account, per address (each also sends a confirmation mail).
    "alert": env.str("LIMIT_ANONYMOUS_ALERTS", default="10/86400"),
    # Fresh ALTCHA challenges per address: solving them costs the client, issuing them costs us little.
    "challenge": env.str("LIMIT_CHALLENGES", default="120/600"),
    # Wrong passwords for API tokens (participation/login_limits.py; the sign-in forms have allauth's
    # limits): per account and address (the lock), per address over all logins (unknown ones only count
    # here), and per account over all addresses (past it, addresses that have failed on it are refused).
    "token_failure": env.str("LIMIT_TOKEN_FAILURES", default="10/900"),
    "token_failure_address": env.str("LIMIT_TOKEN_FAILURES_PER_ADDRESS", default="30/900"),
    "token_failure_account": env.str("LIMIT_TOKEN_FAILURES_PER_ACCOUNT", default="50/900"),
    # Every write request of any kind (WriteLimitMiddleware in participation/throttling.py): per account,
    # and per client address, which people behind one router (a school, a town hall workshop) share.
    "write_account": env.str("LIMIT_WRITES_PER_ACCOUNT", default="600/3600"),
    "write_address": env.str("LIMIT_WRITES_PER_ADDRESS", default="2000/3600"),
}
# Seconds a client is asked to wait (Retry-After of the 503) while the database does not answer.
DATABASE_UNAVAILABLE_RETRY_AFTER = env.int("DATABASE_UNAVAILABLE_RETRY_AFTER", default=5)
# Idempotency-Key on POST (participation/idempotency.py): how long a key and its answer are kept, and how
# long a fresh claim is left to its own request before a retry may take it over (if no request works on it).
IDEMPOTENCY_KEY_TTL_HOURS = env.int("IDEMPOTENCY_KEY_TTL_HOURS", default=24)
IDEMPOTENCY_GRACE_SECONDS = env.int("IDEMPOTENCY_GRACE_SECONDS", default=2)
API_PAGE_DEFAULT = env.int("API_PAGE_DEFAULT", default=500)
API_PAGE_MAX = env.int("API_PAGE_MAX", default=5000)
# A suggestion of 500 vertices is ~20 KB of GeoJSON; anything far bigger is not a person typing.
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=64 * 1024)

SPECTACULAR_SETTINGS = {
    "TITLE": "Participation map API",
    "DESCRIPTION": "Suggestions on a map: projects, their suggestions as GeoJSON (RFC 7946), keyset paging.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Error responses and path parameter patterns of every /api/v1/ operation (config/api_schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.api_schema.document_api",
    ],
}

# ---------------------------------------------------------------------------------------------- security
_tile_host = "/".join(MAP_TILE_URL.split("/")[:3]) if MAP_TILE_URL.startswith("http") else None
CONTENT_SECURITY_POLICY = {
    # Every page, the admin included. The site's own pages run bundled files only; django-leaflet's admin
    # map widgets start with a small inline script that carries the request's nonce (LeafletGeoAdminMixin
    # reads `request.csp_nonce`). django-csp adds the nonce to the header only on a response that used it,
    # so no other page allows any inline script.
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        # Leaflet and Swagger UI set element styles from script (allowed); no inline <style> or attributes.
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *([_tile_host] if _tile_host else [])],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}
# A form sent without its CSRF token gets a page that says what to do, in the user's language.
CSRF_FAILURE_VIEW = "frontend.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Browser features pages may use (config/permissions_policy.py): an empty list allows none, to no one.
PERMISSIONS_POLICY = {
    "geolocation": ["self"],
    "camera": [],
    "microphone": [],
    "payment": [],
    "usb": [],
    "serial": [],
    "hid": [],
    "midi": [],
    "magnetometer": [],
    "gyroscope": [],
    "accelerometer": [],
    "display-capture": [],
}

# GDAL < 3.9 cannot block file or network access from GDAL itself (gis.W001). Untrusted input never reaches
# SpatialReference, GDALRaster or DataSource: geometries come in as GeoJSON and are parsed by GEOS.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
}

# ---------------------------------------------------------------------------------------------- anti-spam
# ALTCHA proof-of-work for anonymous writes (altcha-django): challenges are signed with this secret and
# each solution is claimed once in the shared cache (Redis), so a replayed payload is refused.
ALTCHA_HMAC_SECRET = (
    env.str("ALTCHA_HMAC_SECRET", default="")
    or salted_hmac("participation.altcha", "hmac", secret=SECRET_KEY).hexdigest()
)
ALTCHA_CHALLENGE = {
    # Deterministic mode: the client tries at most max_number keys of `cost` PBKDF2 rounds each, about
    # a second on a mid-range phone; a bot posting thousands of suggestions pays that thousands of times.
    "algorithm": "PBKDF2/SHA-256",
    "cost": env.int("ALTCHA_COST", default=1000),
    "max_number": env.int("ALTCHA_MAX_NUMBER", default=2000),
    "expires_seconds": env.int("ALTCHA_EXPIRES_SECONDS", default=1200),
}
ALTCHA_CHALLENGE_ENDPOINT_RATELIMIT = "participation.antispam.challenge_allowed"

# ---------------------------------------------------------------------------------------------- accounts
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"email", "username"}
# Failed sign-ins counted per account, whichever of its names was typed (participation/account_adapter.py).
ACCOUNT_ADAPTER = "participation.account_adapter.AccountAdapter"
ALLAUTH_TRUSTED_PROXY_COUNT = REST_FRAMEWORK["NUM_PROXIES"]
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SIGNUP_FORM_CLASS = "participation.forms.SignupForm"
ACCOUNT_EMAIL_SUBJECT_PREFIX = env.str("ACCOUNT_EMAIL_SUBJECT_PREFIX", default="")
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env.str("ACCOUNT_DEFAULT_HTTP_PROTOCOL", default="http" if DEBUG else "https")
# consolemail:// prints mails (development); smtp+tls://user:password@host:587 in production.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="participation@localhost")

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# How long the keyed hash of a contributor's address is kept for abuse handling (spotting one source behind
# many suggestions or reports); `manage.py purge_personal_data` empties older ones.
ADDRESS_RETENTION_DAYS = env.int("ADDRESS_RETENTION_DAYS", default=30)

# Planners' exports (geo/exports/). GDAL formats with more suggestions than this are written by the worker
# while the page shows the progress; smaller ones come at once. GeoJSON and CSV always stream.
EXPORT_INLINE_MAX_FEATURES = env.int("EXPORT_INLINE_MAX_FEATURES", default=20_000)
# Where the worker keeps finished export files: private (served only to the project's planners), not media.
EXPORT_ROOT = Path(env.str("EXPORT_ROOT", default=str(BASE_DIR / ".local" / "exports")))
# How long a finished export can be downloaded; `manage.py purge_exports` deletes older files.
EXPORT_TTL_HOURS = env.int("EXPORT_TTL_HOURS", default=24)
# ogr2ogr is stopped after this long: a runaway export must not hold the worker forever.
EXPORT_TIMEOUT_SECONDS = env.int("EXPORT_TIMEOUT_SECONDS", default=1800)
# Photos (participation/images.py): the largest upload in bytes, refused before it is read to its end, and
# the most pixels an image may declare, refused before it is decoded (a decompression bomb is a small file);
# 50 million lets the 48-megapixel photos of recent phones through.
PHOTO_UPLOAD_MAX_BYTES = env.int("PHOTO_UPLOAD_MAX_BYTES", default=15 * 1024 * 1024)
PHOTO_MAX_PIXELS = env.int("PHOTO_MAX_PIXELS", default=50_000_000)
# Context layers (geo.layers.imports): the largest source file and the most features one layer may have.
CONTEXT_LAYER_MAX_BYTES = env.int("CONTEXT_LAYER_MAX_BYTES", default=200 * 1024 * 1024)
CONTEXT_LAYER_MAX_FEATURES = env.int("CONTEXT_LAYER_MAX_FEATURES", default=1_000_000)
CONTEXT_LAYER_TIMEOUT_SECONDS = env.int("CONTEXT_LAYER_TIMEOUT_SECONDS", default=600)
# A layer from a URL (geo.layers.remote): each request to the service may take this long (the whole import
# CONTEXT_LAYER_TIMEOUT_SECONDS). Servers on private, loopback or link-local addresses are refused unless this
# is on (an intranet's WFS; the tests' servers on 127.0.0.1), so an admin form cannot probe the inside.
CONTEXT_LAYER_URL_TIMEOUT_SECONDS = env.int("CONTEXT_LAYER_URL_TIMEOUT_SECONDS", default=60)
CONTEXT_LAYER_URL_PRIVATE = env.bool("CONTEXT_LAYER_URL_PRIVATE", default=False)
# A URL imported from the admin's form must be read within gunicorn's 30 s request timeout.
CONTEXT_LAYER_ADMIN_URL_SECONDS = env.int("CONTEXT_LAYER_ADMIN_URL_SECONDS", default=25)
# CA certificates (PEM file) for https sources signed by an intranet's own authority; empty: the system's.
CONTEXT_LAYER_URL_CA_BUNDLE = env.str("CONTEXT_LAYER_URL_CA_BUNDLE", default="")
# The worker looks for URL layers due for their refresh this often (geo.layers.refresh).
CONTEXT_LAYER_REFRESH_CHECK_MINUTES = env.int("CONTEXT_LAYER_REFRESH_CHECK_MINUTES", default=15)
# Place search (geo.places): the most addresses and places one import may bring, and an optional fallback
# geocoder (a Photon or Nominatim search URL, e.g. https://photon.example.org/api) asked by the server only
# when the project's own gazetteer finds nothing. Empty (the default): no third party is ever asked; the
# privacy statement says when it is set.
PLACE_ADDRESSES_MAX = env.int("PLACE_ADDRESSES_MAX", default=2_000_000)
PLACE_SEARCH_FALLBACK_URL = env.str("PLACE_SEARCH_FALLBACK_URL", default="")
PLACE_SEARCH_FALLBACK_SECONDS = env.float("PLACE_SEARCH_FALLBACK_SECONDS", default=2.0)
# Written into every export's provenance. Match it to the terms participants agreed to.
EXPORT_LICENCE = env.str(
    "EXPORT_LICENCE",
    default=(
        "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/), contributors of the participation project"
    ),
)
# Large GDAL layers are written in parts of this many suggestions, so the worker can report progress.
EXPORT_CHUNK_ROWS = env.int("EXPORT_CHUNK_ROWS", default=50_000)
