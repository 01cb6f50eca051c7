from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config import health
from config.admin_login import AdminLoginForm

# The admin's sign-in counts wrong passwords with the site's sign-in limits (config/admin_login.py).
admin.site.login_form = AdminLoginForm

# Under /api/ even Django's own refusals (no such address, an unreadable request) are the API's JSON errors.
handler400 = "config.api_errors.bad_request"
handler404 = "config.api_errors.not_found"
# A database outage raised before any view ran (sessions, accounts) is a 503 too, never the generic 500.
handler500 = "config.db_unavailable.server_error"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start script as a file: no inline script under our CSP.
    # Swagger UI sets style attributes; inline styles (never scripts) are allowed on this page only.
    path(
        "api/docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="schema")
        ),
        name="api-docs",
    ),
    # OGC API – Features at /ogcapi, for QGIS and GDAL (its own paths: no trailing slashes).
    path("", include("geo.ogcapi.urls")),
    path("", include("geo.tiles.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    # Imprint, privacy and accessibility statements, terms of participation (edited in the admin).
    path("", include("frontend.urls")),
    path("", include("geo.urls")),
    path("", include("surveys.urls")),
    path("", include("participation.urls")),
]
