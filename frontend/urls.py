from django.urls import path

from . import views
from .js_catalogue import javascript_catalogue

app_name = "frontend"

urlpatterns = [
    path("legal/<slug:kind>/", views.legal_page, name="legal-page"),
    path("jsi18n/<slug:language>/<slug:version>.js", javascript_catalogue, name="javascript-catalogue"),
]
