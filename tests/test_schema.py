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


def test_every_api_operation_documents_its_errors_and_path_parameters(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)

    assert schema["components"]["schemas"]["Error"]["required"] == ["code", "message"]
    for path, operations in schema["paths"].items():
        if not path.startswith("/api/v1/"):
            continue
        for method, operation in operations.items():
            assert {"400", "404", "429"} <= set(operation["responses"]), (method, path)
            if "requestBody" in operation:
                assert {"413", "415"} <= set(operation["responses"]), (method, path)
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["name"] == "slug":
                    assert parameter["schema"]["pattern"] == r"^[-a-zA-Z0-9_]+$"


def test_geometries_are_described_as_geojson_with_coordinate_arrays(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)

    geometry = schema["components"]["schemas"]["SuggestionInput"]["properties"]["geometry"]
    kinds = {option["title"]: option for option in geometry["oneOf"]}
    assert set(kinds) == {"Point", "LineString", "Polygon"}
    position = kinds["Point"]["properties"]["coordinates"]
    assert (position["minItems"], position["maxItems"], position["items"]["type"]) == (2, 2, "number")
    assert kinds["LineString"]["properties"]["coordinates"]["maxItems"] == 500


def test_an_unknown_api_address_answers_json(client):
    response = client.get("/api/v1/no-such-thing/", HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "Nicht gefunden."}
