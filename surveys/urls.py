from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("projects/<slug:slug>/surveys/<slug:survey_slug>/", views.survey_page, name="survey"),
    path("projects/<slug:slug>/surveys/<slug:survey_slug>/results/", views.survey_results, name="results"),
]
