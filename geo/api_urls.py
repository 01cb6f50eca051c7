"""Map, tile and export endpoints under /api/v1/ (included by `participation.api_urls`, namespace `api`)."""

urlpatterns: list = []
