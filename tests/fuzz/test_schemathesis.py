"""schemathesis against /api/schema/: every /api/v1/ operation, in-process through the WSGI application.

For each operation, requests generated from its schema (valid ones, and invalid ones for its query and body)
go out as nobody, as a citizen and as the project's planner, mostly to the test project, its real
suggestion and the export formats, sometimes to generated addresses. Every answer must be no 5xx and as the
schema describes it: a documented status code, a documented content type, a body that validates, documented
headers. A known-good request per write operation proves its success answer matches the schema too (random
coordinates rarely fall inside a project's area).

Nothing is skipped: the operations are read from the schema itself, so a new endpoint is fuzzed too.
"""

import io

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from participation.models import Category, ModerationState
from tests.factories import (
    CategoryFactory,
    CitizenFactory,
    CommentFactory,
    PhotoFactory,
    ProjectFactory,
    SuggestionFactory,
    TokenFactory,
    UserFactory,
)
from tests.fuzz import budget

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def _schema():
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


def _real_path_parameters(path: str, world: dict) -> list[dict]:
    fixed = {name: value for name, value in world["path"].items() if "{" + name + "}" in path}
    if "{export_format}" in path:
        return [{**fixed, "export_format": name} for name in world["export_formats"]]
    return [fixed]


def _operations() -> list[tuple[str, str]]:
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    return sorted(
        (method.upper(), path)
        for path, operations in paths.items()
        if path.startswith("/api/v1/")
        for method in operations
    )


@pytest.fixture
def in_process_requests():
    """Requests through the WSGI application share the test's connection and transaction: Django must not
    close that connection at the end of each request (its test client does the same)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def world(db):
    """A project with a point and a line category, a published suggestion with a comment, a citizen and a
    planner with tokens."""
    project = ProjectFactory(slug="test-project", allow_anonymous=False)
    point = CategoryFactory(project=project, key="charging-station", geometry_kind="point")
    CategoryFactory(project=project, key="bike-path", geometry_kind="line")
    suggestion = SuggestionFactory(category=point)
    comment = CommentFactory(
        suggestion=suggestion, display_name="Anna K.", moderation_state=ModerationState.PENDING
    )
    citizen = CitizenFactory()
    planner = UserFactory(planner_of=project)
    photo = PhotoFactory(suggestion=suggestion)
    return {
        "path": {
            "slug": project.slug,
            "id": suggestion.pk,
            "comment_pk": comment.pk,
            "key": photo.key,
            "rendition": "small",
        },
        "citizen": citizen,
        # The export formats a planner asks for most; the GDAL ones take a second each (covered by tests/geo).
        "export_formats": ["geojson", "csv"],
        "headers": [
            {},
            {"Authorization": f"Token {TokenFactory(user=citizen).key}"},
            {"Authorization": f"Token {TokenFactory(user=planner).key}"},
        ],
    }


class Rollback(Exception):
    """Ends one example's savepoint, so examples do not see each other's writes."""


@pytest.mark.parametrize(("method", "path"), _operations())
def test_operation_answers_as_documented_and_never_with_a_server_error(
    method, path, world, in_process_requests
):
    operation = _schema()[path][method]
    modes = [GenerationMode.POSITIVE]
    if operation.body or operation.query:
        modes.append(GenerationMode.NEGATIVE)
    fixed = [
        operation.as_strategy(generation_mode=mode, path_parameters=parameters)
        for mode in modes
        for parameters in _real_path_parameters(path, world)
    ]
    # Three in four examples go to real addresses, where the views do their work.
    cases = st.one_of(
        *fixed, *fixed, *fixed, *(operation.as_strategy(generation_mode=mode) for mode in modes)
    )

    @settings(max_examples=budget(30), suppress_health_check=list(HealthCheck))
    @given(case=cases, headers=st.sampled_from(world["headers"]))
    def check(case, headers):
        try:
            with transaction.atomic():
                response = case.call(headers=headers)
                case.validate_response(response, checks=CHECKS, headers=headers)
                raise Rollback
        except Rollback:
            pass

    check()


GOOD_REQUESTS = {
    ("POST", "/api/v1/projects/{slug}/suggestions/"): {
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": [[8.40, 49.00], [8.41, 49.005]]},
        "properties": {
            "category": "bike-path",
            "title": "Radweg <b>entlang</b> der Kaiserstraße",
            "text": "",
        },
    },
    ("POST", "/api/v1/projects/{slug}/duplicates/"): {
        "category": "charging-station",
        "geometry": {"type": "Point", "coordinates": [8.4, 49.0]},
    },
    ("POST", "/api/v1/projects/{slug}/facilities-nearby/"): {
        "category": "charging-station",
        "geometry": {"type": "Point", "coordinates": [8.4, 49.0]},
    },
    ("POST", "/api/v1/suggestions/{id}/comments/"): {"text": "Ja, bitte! 🚲"},
    ("POST", "/api/v1/suggestions/{id}/reports/"): {"reason": "spam", "text": ""},
    ("POST", "/api/v1/suggestions/{id}/support/"): {},
}


@pytest.mark.parametrize(("method", "path"), sorted(GOOD_REQUESTS))
def test_a_good_write_succeeds_and_its_answer_matches_the_schema(method, path, world, in_process_requests):
    operation = _schema()[path][method]
    case = operation.Case(
        path_parameters=_real_path_parameters(path, world)[0],
        body=GOOD_REQUESTS[(method, path)],
        media_type="application/json",
    )

    response = case.call(headers=world["headers"][1])

    assert response.status_code in (200, 201), response.text
    case.validate_response(response, checks=CHECKS)


# Multipart uploads of one's own photos: the citizen's own suggestion and comment, a real photo.
GOOD_UPLOADS = {
    ("POST", "/api/v1/suggestions/{id}/photos/"),
    ("POST", "/api/v1/suggestions/{id}/comments/{comment_pk}/photos/"),
}


@pytest.mark.parametrize(("method", "path"), sorted(GOOD_UPLOADS))
def test_a_good_upload_succeeds_and_its_answer_matches_the_schema(method, path, world, in_process_requests):
    citizen = world["citizen"]
    point = Category.objects.get(project__slug="test-project", key="charging-station")
    suggestion = SuggestionFactory(category=point, author=citizen)
    comment = CommentFactory(suggestion=suggestion, author=citizen)
    operation = _schema()[path][method]
    image = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(image, "JPEG")
    case = operation.Case(
        path_parameters={"id": suggestion.pk, "comment_pk": comment.pk},
        body={"photo": image.getvalue(), "alt": "Die Ecke an der Haltestelle"},
        media_type="multipart/form-data",
    )

    response = case.call(headers=world["headers"][1])

    assert response.status_code == 201, response.text
    case.validate_response(response, checks=CHECKS)


def test_every_write_operation_has_a_good_request():
    writes = (
        {(method, path) for method, path in _operations() if method == "POST"}
        - GOOD_UPLOADS
        - {
            ("POST", "/api/v1/auth/token/"),  # issues a token, writes nothing a person sees; fuzzed above
            # A planner's export: POST so that no link can start one, but it stores nothing a person sees;
            # fuzzed above as each role, its files and jobs are tested in tests/geo.
            ("POST", "/api/v1/projects/{slug}/exports/{export_format}"),
        }
    )

    assert writes == set(GOOD_REQUESTS)
