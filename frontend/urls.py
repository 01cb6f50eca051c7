from django.urls import path

from . import views

app_name = "frontend"

urlpatterns = [path("legal/<slug:kind>/", views.legal_page, name="legal-page")]
