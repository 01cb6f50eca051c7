"""A database that does not answer: every kind of request gets a 503 with Retry-After and a message in the
request's language, never a traceback (tests/test_integrity.py restarts a real PostgreSQL under load)."""

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.utils import translation

from config.db_unavailable import server_error

MESSAGE = "The service is briefly unavailable. Please try again in a few seconds."


@pytest.fixture
def database_unreachable(settings):
    """Point the connection at a closed port; a real failed connect, no mock."""
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    connection.close()
    original = connection.settings_dict.copy()
    connection.settings_dict.update(HOST="127.0.0.1", PORT="9")
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(original)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "path",
    ["/api/v1/projects/", "/api/v1/projects/test-project/map/?bbox=8,48,9,49&zoom=12", "/ogcapi/collections"],
)
def test_api_reads_get_a_json_503(client, database_unreachable, path):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en", HTTP_ACCEPT="application/json")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == {"code": "database_unavailable", "message": MESSAGE}


@pytest.mark.django_db(transaction=True)
def test_an_api_write_gets_a_json_503(client, database_unreachable):
    response = client.post(
        "/api/v1/suggestions/1/support/",
        "{}",
        "application/json",
        HTTP_ACCEPT_LANGUAGE="de",
        HTTP_IDEMPOTENCY_KEY="k",
    )

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["code"] == "database_unavailable"
    assert "Traceback" not in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_page_gets_a_page_that_needs_no_database(client, database_unreachable):
    response = client.get("/projects/test-project/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "<h1>Briefly unavailable</h1>" in html
    assert MESSAGE in html
    assert "Traceback" not in html


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("language", "accept", "expected"), [("en", "application/json", MESSAGE), ("de", "*/*", None)]
)
def test_a_tile_gets_a_503_in_the_requests_language(client, database_unreachable, language, accept, expected):
    """Tiles are answered before LocaleMiddleware (geo/tiles/middleware.py); the outage still speaks the
    client's language."""
    tile = "/tiles/test-project/0/0/0.pbf"
    with translation.override("de" if language == "en" else "en"):  # what the thread's last request left
        response = client.get(tile, HTTP_ACCEPT_LANGUAGE=language, HTTP_ACCEPT=accept)

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    text = response.content.decode()
    assert "Traceback" not in text
    if expected:
        assert response.json() == {"code": "database_unavailable", "message": expected}
    else:
        assert "Der Dienst ist kurz nicht erreichbar" in text


def test_an_outage_raised_before_any_view_is_a_503_too(rf):
    """handler500 sees errors of middleware (sessions, accounts) that ran before the view."""
    try:
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")
    except OperationalError:
        response = server_error(rf.get("/api/v1/projects/"))

    assert response.status_code == 503
    assert response["Retry-After"] == "5"


def test_other_errors_stay_a_plain_500(rf):
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(rf.get("/"))

    assert response.status_code == 500


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "message"),
    [
        (
            "de",
            "Auf unserer Seite ist ein Fehler aufgetreten; er ist protokolliert. "
            "Bitte versuchen Sie es später noch einmal.",
        ),
        ("en", "Something went wrong on our side; it has been logged. Please try again later."),
    ],
)
def test_a_bug_under_the_api_is_the_apis_json_error_in_the_callers_language(monkeypatch, language, message):
    """An uncaught error in an API view reaches handler500: API clients get JSON with a message, never the
    HTML page."""

    def broken() -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr("participation.selectors.project_list", broken)
    client = Client(raise_request_exception=False)

    response = client.get("/api/v1/projects/", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"code": "server_error", "message": message}
    assert response["Cache-Control"] == "no-store"
