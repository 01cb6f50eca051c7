"""The OpenAPI 3 schema describes the API, and its documentation page works without the internet."""

import pytest
import yaml

pytestmark = pytest.mark.django_db


def test_schema_is_openapi_3_and_lists_the_read_api(client):
    response = client.get("/api/schema/")

    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    suggestions = schema["paths"]["/api/v1/projects/{slug}/suggestions/"]["get"]
    assert {p["name"] for p in suggestions["parameters"]} >= {"slug", "bbox", "category", "limit", "after"}
    assert "application/geo+json" in suggestions["responses"]["200"]["content"]
    assert "/api/v1/projects/" in schema["paths"]


def test_docs_page_loads_swagger_ui_from_our_own_static_files(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "cdn.jsdelivr.net" not in html
    assert "<script>" not in html  # the start script is a file: our CSP forbids inline script
