from django.urls import path

from . import views
from .js_catalogue import javascript_catalogue, javascript_catalogue_map

app_name = "frontend"

urlpatterns = [
    path("legal/<slug:kind>/", views.legal_page, name="legal-page"),
    path("jsi18n/<slug:language>/<slug:version>.js", javascript_catalogue, name="javascript-catalogue"),
    path(
        "jsi18n/<slug:language>/<slug:version>.js.map",
        javascript_catalogue_map,
        name="javascript-catalogue-map",
    ),
]
