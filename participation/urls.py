from django.urls import path

from . import views

app_name = "participation"

urlpatterns = [
    path("", views.home, name="home"),
    path("projects/<slug:slug>/", views.project_map, name="project-map"),
]
