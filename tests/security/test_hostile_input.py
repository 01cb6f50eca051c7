"""The hostile-input corpus: what attackers and broken clients send, each refused with a 4xx and a message
(in the request's language), or stored as plain text and shown escaped — never a 5xx, never stored when
refused, never applied where it tries to set what only the server sets."""

import json

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.core import mail

from participation.models import (
    Comment,
    ModerationState,
    Report,
    Suggestion,
    Support,
)
from surveys.models import Answer
from surveys.models import Response as SurveyResponse
from tests.factories import CategoryFactory, CommentFactory, ProjectFactory, SuggestionFactory, UserFactory
from tests.surveys.factories import QuestionFactory, SurveyFactory, choice_question

pytestmark = pytest.mark.django_db

XSS = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1">',
    '"><svg onload=window.__xss=1>',
    "javascript:window.__xss=1",
    "<a href='javascript:alert(1)'>klick</a>",
    "{{ request }}{% debug %}",
]
SQL = [
    "'; DROP TABLE participation_suggestion; --",
    "1 OR 1=1",
    "charging-station' OR '1'='1",
    "1); SELECT pg_sleep(5); --",
    "%(limit)s",
    "$1",
    "\\x00",
]
CREATE = "/api/v1/projects/test-project/suggestions/"
POINT = {"type": "Point", "coordinates": [8.4, 49.0]}


def feature(geometry=POINT, **properties):
    props = {"category": "charging-station", "title": "Ladestation", "text": ""}
    props.update(properties)
    return {"type": "Feature", "geometry": geometry, "properties": props}


def send(client, url, body, *, content_type="application/json", language="en", method="post"):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return getattr(client, method)(url, data, content_type=content_type, HTTP_ACCEPT_LANGUAGE=language)


def stored() -> tuple[int, ...]:
    return tuple(
        model.objects.count() for model in (Suggestion, Comment, Support, Report, SurveyResponse, Answer)
    )


def refused(response, *statuses) -> dict:
    """A 4xx with the API's JSON error and a message for a person."""
    assert response.status_code in (statuses or range(400, 500)), (response.status_code, response.content)
    body = response.json()
    assert body["message"].strip()
    return body


@pytest.fixture
def world(project, point_category, line_category, citizen, client_factory):
    suggestion = SuggestionFactory(category=point_category)
    comment = CommentFactory(
        suggestion=suggestion, display_name="Anna K.", moderation_state=ModerationState.PENDING
    )
    elsewhere = ProjectFactory(slug="elsewhere")
    foreign_category = CategoryFactory(project=elsewhere, key="foreign-kind")
    foreign = SuggestionFactory(category=foreign_category)
    foreign_comment = CommentFactory(
        suggestion=foreign, text="Anderswo", display_name="B.", moderation_state=ModerationState.PENDING
    )
    return {
        "suggestion": suggestion,
        "comment": comment,
        "foreign": foreign,
        "foreign_comment": foreign_comment,
        "citizen": client_factory(citizen),
    }


# ------------------------------------------------------------------------------------------ XSS as text


@pytest.mark.parametrize("payload", XSS)
def test_markup_in_every_api_text_field_is_stored_as_text_and_returned_verbatim(world, payload):
    client = world["citizen"]
    created = send(client, CREATE, feature(title=payload[:120], text=payload))
    comment = send(client, f"/api/v1/suggestions/{world['suggestion'].pk}/comments/", {"text": payload})
    report = send(
        client, f"/api/v1/suggestions/{world['suggestion'].pk}/reports/", {"reason": "other", "text": payload}
    )

    assert (created.status_code, comment.status_code, report.status_code) == (201, 201, 201)
    assert created.json()["properties"]["title"] == payload[:120]
    assert created["Content-Type"].startswith("application/")
    assert Suggestion.objects.get(pk=created.json()["id"]).text == payload
    assert Comment.objects.get(pk=comment.json()["id"]).text == payload
    assert Report.objects.get(pk=report.json()["id"]).text == payload


@pytest.mark.parametrize("payload", XSS)
def test_markup_is_escaped_on_the_detail_page(world, payload, client):
    suggestion = world["suggestion"]
    Suggestion.objects.filter(pk=suggestion.pk).update(title=payload, text=payload, display_name=payload)
    Comment.objects.filter(pk=world["comment"].pk).update(text=payload, display_name=payload)

    html = client.get(f"/projects/test-project/suggestions/{suggestion.pk}/").content.decode()

    assert "window.__xss=1</script>" not in html
    assert "<img src=x" not in html
    assert "<svg onload" not in html
    assert "href='javascript:" not in html


@pytest.mark.parametrize("payload", XSS)
def test_markup_in_a_display_name_at_sign_up_is_kept_as_text(client, payload):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "x@example.org",
            "password1": "a-long-pass-2026!",
            "password2": "a-long-pass-2026!",
            "display_name": payload,
        },
    )

    assert response.status_code in (200, 302)
    assert "window.__xss=1</script>" not in response.content.decode()


def test_markup_in_survey_answers_planner_answers_and_moderation_reasons_is_stored_as_text(
    world, project, citizen, client_factory
):
    payload = XSS[1]
    survey = SurveyFactory(project=project, slug="mobility")
    question = QuestionFactory(survey=survey, kind="text", position=1)
    planner, moderator = UserFactory(planner_of=project), UserFactory(moderator_of=project)
    pending = SuggestionFactory(
        category=world["suggestion"].category, moderation_state=ModerationState.PENDING
    )

    world["citizen"].post("/projects/test-project/surveys/mobility/", {f"q{question.pk}": payload})
    client_factory(planner).post(
        f"/projects/test-project/planning/suggestions/{world['suggestion'].pk}/",
        {"status": "planned", "answer": payload},
    )
    client_factory(moderator).post(
        "/projects/test-project/moderation/decide/",
        {
            "kind": "suggestion",
            "pk": pending.pk,
            "seen_state": "pending",
            "action": "reject",
            "reason": payload,
        },
    )

    assert Answer.objects.get(question=question).text == payload
    world["suggestion"].refresh_from_db()
    assert world["suggestion"].official_answer == payload
    pending.refresh_from_db()
    assert pending.moderation_state == ModerationState.REJECTED
    html = client_factory(moderator).get("/projects/test-project/moderation/").content.decode()
    assert "<img src=x" not in html


# ------------------------------------------------------------------------------------------ SQL in filters

FILTER_URLS = [
    "/api/v1/projects/test-project/suggestions/?category={v}",
    "/api/v1/projects/test-project/suggestions/?bbox={v}",
    "/api/v1/projects/test-project/suggestions/?limit={v}",
    "/api/v1/projects/test-project/suggestions/?after={v}",
    "/api/v1/projects/test-project/map/?bbox={v}&zoom=14",
    "/api/v1/projects/test-project/map/?bbox=8.3,48.9,8.5,49.1&zoom={v}",
    "/api/v1/projects/test-project/map/?bbox=8.3,48.9,8.5,49.1&zoom=14&category={v}",
    "/api/v1/projects/test-project/map/?bbox=8.3,48.9,8.5,49.1&zoom=14&status={v}",
    "/api/v1/projects/test-project/list/?bbox={v}",
    "/api/v1/projects/test-project/list/?category={v}",
    "/api/v1/projects/test-project/list/?status={v}",
    "/api/v1/projects/test-project/list/?sort={v}",
    "/api/v1/projects/test-project/list/?cursor={v}",
    "/api/v1/projects/test-project/duplicates/?category={v}&geometry=%7B%7D",
    "/api/v1/projects/test-project/facilities-nearby/?category={v}&geometry=%7B%7D",
    "/api/v1/projects/test-project/open-data/geojson?category={v}",
    "/api/v1/projects/test-project/open-data/csv?status={v}",
    "/api/v1/projects/test-project/open-data/geojson?bbox={v}",
    "/api/v1/projects/test-project/open-data/geojson?created_from={v}",
    "/api/v1/projects/test-project/open-data/geojson?area={v}",
    "/api/v1/projects/test-project/exports/geojson?category={v}",
    "/api/v1/projects/test-project/exports/csv?state={v}",
    "/api/v1/projects/test-project/exports/geojson?status={v}",
    "/api/v1/projects/test-project/exports/geojson?created_to={v}",
    "/api/v1/projects/test-project/exports/geojson?area={v}",
    "/ogcapi/collections/test-project/items?bbox={v}",
    "/ogcapi/collections/test-project/items?limit={v}",
    "/ogcapi/collections/test-project/items?datetime={v}",
    "/ogcapi/collections/test-project/items?category={v}",
    "/ogcapi/collections/{v}/items",
    "/ogcapi/collections/test-project/items/{v}",
]


@pytest.mark.parametrize("url", FILTER_URLS)
@pytest.mark.parametrize("fragment", SQL[:4])
def test_sql_fragments_in_filters_are_values_never_sql(world, project, client_factory, url, fragment):
    from urllib.parse import quote

    planner = UserFactory(planner_of=project)
    before = Suggestion.objects.count()

    response = client_factory(planner).get(url.format(v=quote(fragment, safe="")), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code < 500
    if response.status_code >= 400 and response["Content-Type"].startswith("application/"):
        assert json.loads(response.content).get("message") or json.loads(response.content).get("description")
    assert Suggestion.objects.count() == before  # the table is still there, and untouched


# ------------------------------------------------------------------------------------------ sizes and shapes


def test_a_10_mb_json_body_is_refused_with_413_and_nothing_is_read_into_the_database(world):
    body = json.dumps(feature(text="x" * (10 * 1024 * 1024)))

    body = refused(send(world["citizen"], CREATE, body), 413)

    assert "KB" in body["message"]
    assert not Suggestion.objects.filter(title="Ladestation").exists()


def test_a_10_mb_form_is_refused_with_a_page_that_says_what_to_do(world, settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 2.5 * 1024 * 1024  # Django's bound applies to forms
    url = f"/projects/test-project/suggestions/{world['suggestion'].pk}/comments/"

    response = world["citizen"].post(url, {"text": "x" * (10 * 1024 * 1024)}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert "too large" in response.content.decode()
    assert Comment.objects.count() == 2  # the two of the fixture


def test_a_10_mb_body_to_an_unknown_api_address_is_json_too(world):
    response = send(world["citizen"], "/api/v1/nothing-here/", "x" * 1000)

    assert refused(response, 404)["code"] == "not_found"


@pytest.mark.parametrize("depth", [1000, 10_000, 100_000])
def test_deeply_nested_json_is_a_400(world, depth):
    body = '{"type": "Feature", "geometry": ' + "[" * depth + "]" * depth + "}"

    response = send(world["citizen"], CREATE, body)

    refused(response, 400, 413)
    assert stored()[0] == 2


def test_a_million_vertex_line_is_refused_quickly_without_being_stored(world):
    line = {"type": "LineString", "coordinates": [[8.4, 49.0]] * 1_000_000}

    response = send(world["citizen"], CREATE, feature(line, category="bike-path"))

    refused(response, 413)
    assert stored()[0] == 2


def test_a_line_just_over_the_vertex_limit_inside_the_size_limit_names_the_limit(world):
    line = {"type": "LineString", "coordinates": [[8.4, 49.0]] * 501}

    body = refused(send(world["citizen"], CREATE, feature(line, category="bike-path")), 400)

    assert "500" in body["message"]


@pytest.mark.parametrize(
    ("title", "accepted"),
    [
        ("Lade\x00station", False),  # NUL: PostgreSQL cannot store it, people never type it
        ("\u202eevil.exe\u202c", False),  # right-to-left override makes text display as something else
        ("\u2066isolate\u2069", False),
        ("\u200b", False),  # zero-width only: a title nobody can see
        ("\u200b\u200d\ufeff ", False),
        ("Bike\u200dpath", True),  # a joiner inside visible text stays (emoji, scripts need it)
        ("Rad\u00adweg", True),  # soft hyphen
        ("שלום Karlsruhe", True),  # right-to-left script without overrides
        ("👩‍👩‍👧 Familie", True),
    ],
)
def test_nul_and_unicode_tricks_in_titles(world, title, accepted):
    response = send(world["citizen"], CREATE, feature(title=title))

    if accepted:
        assert response.status_code == 201
        assert Suggestion.objects.get(pk=response.json()["id"]).title == title
    else:
        assert refused(response, 400)["code"] in ("invalid", "invalid_text")
        assert stored()[0] == 2


def test_overlong_utf8_and_invalid_bytes_are_a_400(world):
    # "<" as the overlong two-byte sequence C0 BC: a decoder that allowed it would let markup past filters.
    body = b'{"type": "Feature", "geometry": {"type": "Point", "coordinates": [8.4, 49.0]}, ' + (
        b'"properties": {"category": "charging-station", "title": "\xc0\xbcscript\xc0\xbe"}}'
    )

    assert "UTF-8" in refused(send(world["citizen"], CREATE, body), 400)["message"]
    assert stored()[0] == 2


def test_a_lone_surrogate_escape_is_a_400(world):
    body = json.dumps(feature(title="a\ud800b"))  # json.dumps writes the escape \\ud800

    refused(send(world["citizen"], CREATE, body), 400)
    assert stored()[0] == 2


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/x-www-form-urlencoded", "type=Feature&title=Hallo"),
        (
            "multipart/form-data; boundary=x",
            "--x\r\nContent-Disposition: form-data; name=a\r\n\r\nb\r\n--x--",
        ),
        ("text/plain", json.dumps(feature())),
        ("application/xml", "<Feature><title>Hallo</title></Feature>"),
        ("text/xml", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'),
        # Latin-1 bytes as JSON: JSON is UTF-8 (RFC 8259), and these bytes are not.
        (
            "application/json",
            json.dumps(feature(title="Straße"), ensure_ascii=False).encode("latin-1"),
        ),
    ],
)
def test_wrong_content_types_are_refused_with_415_or_400(world, content_type, body):
    response = send(world["citizen"], CREATE, body, content_type=content_type)

    refused(response, 400, 415)
    assert stored()[0] == 2


@pytest.mark.parametrize(
    "body",
    [
        '{"type": "Feature", "type": "Feature", "geometry": {"type": "Point", "coordinates": [8.4, 49.0]},'
        ' "properties": {"category": "charging-station", "title": "a"}}',
        '{"type": "Feature", "geometry": {"type": "Point", "coordinates": [8.4, 49.0]},'
        ' "properties": {"category": "charging-station", "title": "harmlos", "title": "<script>"}}',
        '{"type": "Feature", "geometry": {"type": "Point", "coordinates": [8.4, 49.0], "type": "LineString"},'
        ' "properties": {"category": "charging-station", "title": "a"}}',
    ],
)
def test_duplicate_json_members_are_refused_and_named(world, body):
    error = refused(send(world["citizen"], CREATE, body), 400)

    assert "more than once" in error["message"]
    assert stored()[0] == 2


def test_unreadable_json_is_refused_in_german_too(world):
    url = f"/api/v1/suggestions/{world['suggestion'].pk}/comments/"
    body = '{"text": ' + "[" * 10_000

    german = refused(send(world["citizen"], url, body, language="de"), 400)

    assert german["message"] == "Der Inhalt der Anfrage ist kein gültiges JSON."
    assert Comment.objects.count() == 2


# ------------------------------------------------------------------------------------------ mass assignment


def test_mass_assignment_on_comments_is_never_applied(world):
    url = f"/api/v1/suggestions/{world['suggestion'].pk}/comments/"
    body = {
        "text": "Hallo",
        "moderation_state": "hidden",
        "display_name": "Stadtverwaltung",
        "suggestion": world["foreign"].pk,
        "author": 1,
        "id": 999_999,
        "created": "2000-01-01T00:00:00Z",
    }

    response = send(world["citizen"], url, body)

    if response.status_code == 201:
        comment = Comment.objects.get(pk=response.json()["id"])
        assert comment.pk != 999_999
        assert comment.suggestion_id == world["suggestion"].pk
        assert comment.display_name == "Anna K."
        assert comment.moderation_state == ModerationState.PUBLISHED
        assert comment.created_at.year > 2000
    else:
        refused(response, 400)


def test_mass_assignment_on_supports_and_reports_is_never_applied(world):
    pk = world["suggestion"].pk
    support = send(world["citizen"], f"/api/v1/suggestions/{pk}/support/", {"support_count": 1000})
    report = send(
        world["citizen"],
        f"/api/v1/suggestions/{pk}/reports/",
        {"reason": "spam", "handled": True, "reporter": 1, "suggestion": world["foreign"].pk},
    )

    world["suggestion"].refresh_from_db()
    assert support.status_code in (201, 400)
    assert world["suggestion"].support_count == Support.objects.filter(suggestion_id=pk).count() <= 1
    if report.status_code == 201:
        assert Report.objects.get().suggestion_id == pk
    else:
        refused(report, 400)


@pytest.mark.parametrize(
    "fields",
    [
        {"moderation_state": "published"},
        {"support_count": 1000, "comment_count": 5},
        {"planning_status": "implemented", "official_answer": "Wird gebaut"},
        {"author": 1, "display_name": "Oberbürgermeister"},
        {"project": "elsewhere"},
    ],
)
def test_mass_assignment_on_suggestions_is_refused_in_the_request_language(world, fields):
    english = refused(send(world["citizen"], CREATE, feature(**fields)), 400)
    german = refused(send(world["citizen"], CREATE, feature(**fields), language="de"), 400)

    assert all(name in english["message"] for name in fields)
    assert english["message"] != german["message"]
    assert stored()[0] == 2


# ------------------------------------------------------------------------------------------ foreign ids


def test_another_projects_category_is_an_unknown_category(world):
    error = refused(send(world["citizen"], CREATE, feature(category="foreign-kind")), 400)
    german = refused(send(world["citizen"], CREATE, feature(category="foreign-kind"), language="de"), 400)

    assert error["code"] == "unknown_category"
    assert german["message"] != error["message"]
    assert stored()[0] == 2


def test_replies_and_reports_cannot_point_at_another_suggestions_comment(world):
    pk = world["suggestion"].pk
    reply = send(
        world["citizen"],
        f"/api/v1/suggestions/{pk}/comments/",
        {"text": "Antwort", "parent": world["foreign_comment"].pk},
    )
    report = send(
        world["citizen"],
        f"/api/v1/suggestions/{pk}/reports/",
        {"reason": "spam", "comment": world["foreign_comment"].pk},
    )

    refused(reply, 400, 404)
    refused(report, 400, 404)
    assert (Comment.objects.count(), Report.objects.count()) == (2, 0)


def test_staff_cannot_reach_another_projects_items_through_their_own_project(world, project, client_factory):
    staff = UserFactory(moderator_of=project, planner_of=project)
    foreign = world["foreign"]
    client = client_factory(staff)

    decided = client.post(
        "/projects/test-project/moderation/decide/",
        {"kind": "suggestion", "pk": foreign.pk, "seen_state": "published", "action": "hide", "reason": "x"},
    )
    answered = client.post(
        f"/projects/test-project/planning/suggestions/{foreign.pk}/", {"status": "planned", "answer": "x"}
    )

    assert (decided.status_code, answered.status_code) == (404, 404)
    foreign.refresh_from_db()
    assert (foreign.moderation_state, foreign.planning_status, foreign.official_answer) == (
        ModerationState.PUBLISHED,
        "received",
        "",
    )


def test_survey_answers_naming_other_surveys_questions_or_choices_are_refused(world, project):
    survey = SurveyFactory(project=project, slug="mobility")
    mine = choice_question(survey, keys=("yes", "no"), position=1)
    several = choice_question(survey, kind="multiple", keys=("home", "work"), position=2)
    other = SurveyFactory(project=project, slug="other")
    theirs = choice_question(other, keys=("a", "b"), position=1)
    foreign_choice = str(theirs.choices.first().pk)
    url = "/projects/test-project/surveys/mobility/"

    for data in (
        {f"q{mine.pk}": foreign_choice},
        {f"q{several.pk}": [foreign_choice]},
        {f"q{theirs.pk}": foreign_choice},
    ):
        for language in ("en", "de"):
            response = world["citizen"].post(url, data, HTTP_ACCEPT_LANGUAGE=language)
            assert response.status_code == 400
            assert 'role="alert"' in response.content.decode() or "error" in response.content.decode()
    assert (SurveyResponse.objects.count(), Answer.objects.count()) == (0, 0)


def test_a_blank_multiple_choice_field_is_no_answer_rather_than_a_server_error(world, project):
    survey = SurveyFactory(project=project, slug="mobility")
    several = choice_question(survey, kind="multiple", keys=("home", "work"), position=1)

    response = world["citizen"].post("/projects/test-project/surveys/mobility/", {f"q{several.pk}": [""]})

    assert response.status_code == 302
    assert SurveyResponse.objects.count() == 1
    assert Answer.objects.count() == 0


def test_deeply_nested_brackets_in_a_survey_map_answer_are_a_400(world, project):
    survey = SurveyFactory(project=project, slug="mobility")
    where = QuestionFactory(survey=survey, kind="map_point", position=1)

    response = world["citizen"].post(
        "/projects/test-project/surveys/mobility/", {f"q{where.pk}": "[" * 100_000}
    )

    assert response.status_code == 400
    assert SurveyResponse.objects.count() == 0


def test_a_login_with_control_characters_is_a_400_not_a_cache_error(client):
    response = send(client, "/api/v1/auth/token/", {"username": "a\x0f b\n" * 50, "password": "x"})

    refused(response, 400)


def test_an_area_project_far_away_refuses_points_elsewhere(world, project):
    project.area = MultiPolygon(Polygon.from_bbox((13.3, 52.4, 13.5, 52.6)), srid=4326)  # Berlin
    project.save()

    refused(send(world["citizen"], CREATE, feature()), 400)
    assert stored()[0] == 2
    assert not mail.outbox
