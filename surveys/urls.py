from django.urls import path

from . import views

app_name = "surveys"
RESULTS = "projects/<slug:slug>/surveys/<slug:survey_slug>/results/"

urlpatterns = [
    path("projects/<slug:slug>/surveys/<slug:survey_slug>/", views.survey_page, name="survey"),
    path("projects/<slug:slug>/surveys/<slug:survey_slug>/results/", views.survey_results, name="results"),
    path(f"{RESULTS}export.csv", views.export_csv, name="export-csv"),
    path(f"{RESULTS}export.xlsx", views.export_xlsx, name="export-xlsx"),
    path(f"{RESULTS}export.geojson", views.export_geojson, name="export-geojson"),
    path(f"{RESULTS}codebook.csv", views.export_codebook, name="export-codebook"),
]
