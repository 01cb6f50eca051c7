"""The write path of API v1: every rule is a 4xx with a message, and a refused request stores nothing."""

import json
from datetime import timedelta

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from participation.models import (
    Comment,
    ModerationMode,
    ModerationState,
    PlanningStatus,
    Report,
    Suggestion,
    Support,
)
from participation.participants import Participant
from tests.factories import CategoryFactory, CitizenFactory, CommentFactory, SuggestionFactory, UserFactory

CREATE = "/api/v1/projects/test-project/suggestions/"
POINT = {"type": "Point", "coordinates": [8.4, 49.0]}
LINE = {"type": "LineString", "coordinates": [[8.40, 49.00], [8.41, 49.005], [8.42, 49.01]]}


def feature(geometry=POINT, **properties):
    props = {"category": "charging-station", "title": "Ladestation am Marktplatz", "text": "Bitte hier."}
    props.update(properties)
    return {"type": "Feature", "geometry": geometry, "properties": props}


def post(client, url, body):
    response = client.post(url, json.dumps(body) if not isinstance(body, str) else body, "application/json")
    return response, response.json()


@pytest.fixture
def signed_in(client, citizen):
    client.force_login(citizen)
    return client


# ------------------------------------------------------------------------------------------ creating


def test_a_citizen_creates_a_point_suggestion(signed_in, point_category, citizen):
    response, body = post(signed_in, CREATE, feature())

    assert response.status_code == 201
    suggestion = Suggestion.objects.get()
    assert body["id"] == suggestion.pk
    assert body["geometry"] == {"type": "Point", "coordinates": [8.4, 49.0]}
    assert body["properties"]["moderation_state"] == "published"  # the project is post-moderated
    assert body["properties"]["display_name"] == "Anna K."
    assert response["Location"].endswith(f"/projects/test-project/suggestions/{suggestion.pk}/")
    assert suggestion.author == citizen
    assert "anna@example.org" not in response.content.decode()


def test_a_citizen_draws_a_bike_path(signed_in, line_category):
    response, body = post(signed_in, CREATE, feature(LINE, category="bike-path"))

    assert response.status_code == 201
    assert body["geometry"]["type"] == "LineString"
    assert Suggestion.objects.get().geom.num_points == 3


def test_in_pre_moderation_a_new_suggestion_waits_and_only_its_author_sees_it(
    signed_in, project, point_category, client_factory
):
    project.moderation_mode = ModerationMode.PRE
    project.save()

    _response, body = post(signed_in, CREATE, feature())
    pk = body["id"]

    assert body["properties"]["moderation_state"] == "pending"
    assert signed_in.get(f"/api/v1/suggestions/{pk}/").status_code == 200
    assert client_factory().get(f"/api/v1/suggestions/{pk}/").status_code == 404
    other = client_factory(UserFactory())
    assert other.get(f"/api/v1/suggestions/{pk}/").status_code == 404
    listed = other.get("/api/v1/projects/test-project/suggestions/").json()
    assert listed["features"] == []


def test_the_author_finds_a_pending_suggestion_among_my_suggestions(signed_in, project, point_category):
    project.moderation_mode = ModerationMode.PRE
    project.save()
    post(signed_in, CREATE, feature(title="Meine"))

    mine = signed_in.get("/api/v1/projects/test-project/list/?mine=true").json()

    assert [(s["title"], s["moderation_state"]) for s in mine["results"]] == [("Meine", "pending")]


def test_fields_that_try_to_set_state_author_or_counts_are_refused(signed_in, point_category):
    body = feature(moderation_state="published", support_count=1000, author=1, planning_status="planned")

    response, error = post(signed_in, CREATE, body)

    assert response.status_code == 400
    assert "moderation_state" in error["message"]
    assert "support_count" in error["message"]
    assert not Suggestion.objects.exists()


@pytest.mark.parametrize(
    "members",
    [{"id": 999999}, {"moderation_state": "hidden"}, {"author": 1, "support_count": 99}],
)
def test_members_beside_the_feature_that_try_to_set_fields_are_refused(signed_in, point_category, members):
    response, error = post(signed_in, CREATE, {**feature(), **members})

    assert response.status_code == 400
    assert all(name in error["message"] for name in members)
    assert not Suggestion.objects.exists()


def test_a_feature_may_carry_bbox_and_a_null_id(signed_in, point_category):
    body = {**feature(), "id": None, "bbox": [8.4, 49.0, 8.4, 49.0]}

    response, _ = post(signed_in, CREATE, body)

    assert response.status_code == 201


BAD_GEOMETRIES = [
    pytest.param("not geojson", id="a-string"),
    pytest.param({"type": "Point"}, id="no-coordinates"),
    pytest.param({"type": "LineString", "coordinates": [[8.40, 49.0], [8.41, 49.0]]}, id="line-for-a-point"),
    pytest.param({"type": "MultiPoint", "coordinates": [[8.4, 49.0]]}, id="multipoint"),
    pytest.param({"type": "Point", "coordinates": [8.9, 49.0]}, id="outside-the-area"),
    pytest.param({"type": "Point", "coordinates": [8.4, 49.0, 120]}, id="z-value"),
    pytest.param({"type": "Point", "coordinates": [8.4, 49.0, 1, 2]}, id="z-and-m"),
    pytest.param({"type": "Point", "coordinates": [200, 49.0]}, id="longitude-out-of-range"),
    pytest.param({"type": "Point", "coordinates": [8.4, -91]}, id="latitude-out-of-range"),
    pytest.param({"type": "Point", "coordinates": []}, id="empty"),
    pytest.param({"type": "Point", "coordinates": ["8.4", "49.0"]}, id="strings"),
    pytest.param({"type": "Point", "coordinates": [True, False]}, id="booleans"),
    pytest.param({"type": "Point", "coordinates": [8.4, 49.0], "crs": {"type": "name"}}, id="crs-member"),
    pytest.param("SRID=3857;POINT(935000 6275000)", id="ewkt"),
    pytest.param({"type": "Point", "coordinates": [[[[[[8.4]]]]]]}, id="nested"),
    pytest.param({"type": "Feature", "geometry": POINT}, id="a-feature-as-geometry"),
]


@pytest.mark.parametrize("geometry", BAD_GEOMETRIES)
def test_bad_point_geometries_are_refused_with_a_message(signed_in, point_category, geometry):
    response, error = post(signed_in, CREATE, feature(geometry))

    assert response.status_code == 400
    assert error["message"]
    assert "geometry" in error.get("errors", {})
    assert not Suggestion.objects.exists()


BAD_LINES = [
    pytest.param({"type": "Point", "coordinates": [8.4, 49.0]}, id="point-for-a-line"),
    pytest.param(
        {"type": "LineString", "coordinates": [[8.40, 49.0], [8.42, 49.02], [8.42, 49.0], [8.40, 49.02]]},
        id="self-intersecting",
    ),
    pytest.param({"type": "LineString", "coordinates": [[8.4, 49.0], [8.4, 49.0]]}, id="degenerate"),
    pytest.param({"type": "LineString", "coordinates": [[8.4, 49.0]]}, id="one-vertex"),
    pytest.param({"type": "LineString", "coordinates": [[8.40, 49.0], [8.60, 49.0]]}, id="leaves-the-area"),
    pytest.param(
        {
            "type": "LineString",
            "coordinates": [[8.30 + i * 0.0003, 49.0 + (i % 2) * 0.0001] for i in range(501)],
        },
        id="501-vertices",
    ),
]


@pytest.mark.parametrize("geometry", BAD_LINES)
def test_bad_lines_are_refused_with_a_message(signed_in, line_category, geometry):
    response, error = post(signed_in, CREATE, feature(geometry, category="bike-path"))

    assert response.status_code == 400
    assert error["errors"]["geometry"]
    assert not Suggestion.objects.exists()


def test_a_line_longer_than_30_km_is_refused(signed_in, line_category):
    project = line_category.project
    project.area = MultiPolygon(Polygon.from_bbox((7.9, 48.8, 8.4, 49.3)), srid=4326)  # room for 30 km
    project.save()
    zigzag = [[8.0 + i * 0.01, 49.0 + (i % 2) * 0.1] for i in range(30)]  # ~ 30 x 11 km

    response, error = post(
        signed_in, CREATE, feature({"type": "LineString", "coordinates": zigzag}, category="bike-path")
    )

    assert response.status_code == 400
    assert "30" in error["message"]
    assert not Suggestion.objects.exists()


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(
            '{"type": "Feature", "geometry": {"type": "Point", "coordinates": [NaN, 49]}}', id="nan"
        ),
        pytest.param(
            '{"type": "Feature", "geometry": {"type": "Point", "coordinates": [Infinity, 49]}}', id="inf"
        ),
        pytest.param(
            '{"type": "Feature", "geometry": {"type": "Point", "coordinates": [8.4, 1e999]}, '
            '"properties": {"category": "charging-station", "title": "x"}}',
            id="1e999",
        ),
        pytest.param('{"type": "Feature", ', id="truncated-json"),
        pytest.param("[" * 100_000 + "]" * 100_000, id="deeply-nested-arrays"),
        pytest.param("[1, 2, 3]", id="a-list"),
        pytest.param('"Feature"', id="a-string"),
    ],
)
def test_malformed_json_and_non_finite_numbers_are_a_400(signed_in, point_category, raw):
    response, error = post(signed_in, CREATE, raw)

    assert response.status_code in (400, 413)
    assert error["message"]
    assert not Suggestion.objects.exists()


def test_an_oversized_body_is_a_413(signed_in, point_category):
    response, error = post(signed_in, CREATE, feature(text="x" * 100_000))

    assert response.status_code == 413
    assert "KB" in error["message"]


@pytest.mark.parametrize(
    ("properties", "field"),
    [
        pytest.param({"title": ""}, "title", id="empty-title"),
        pytest.param({"title": "   "}, "title", id="blank-title"),
        pytest.param({"title": "x" * 121}, "title", id="long-title"),
        pytest.param({"text": "x" * 5001}, "text", id="long-text"),
        pytest.param({"title": "Lade\x00station"}, "title", id="nul-in-title"),
        pytest.param({"text": "Bitte\x00hier"}, "text", id="nul-in-text"),
        pytest.param({"title": "Zeile\neins"}, "title", id="newline-in-title"),
        pytest.param({"category": "rocket-launchpad"}, "category", id="unknown-category"),
        pytest.param({"category": ""}, "category", id="empty-category"),
    ],
)
def test_text_rules(signed_in, point_category, properties, field):
    response, error = post(signed_in, CREATE, feature(**properties))

    assert response.status_code == 400
    assert error["message"]
    assert field in error["errors"] or field in json.dumps(error["errors"])
    assert not Suggestion.objects.exists()


def test_an_inactive_category_takes_no_new_suggestions(signed_in, point_category):
    point_category.active = False
    point_category.save()

    response, error = post(signed_in, CREATE, feature())

    assert response.status_code == 400
    assert error["code"] == "inactive_category"


def test_html_is_stored_as_text_and_returned_verbatim(signed_in, point_category):
    title = '<script>alert(1)</script><img src=x onerror="alert(2)">'

    response, body = post(signed_in, CREATE, feature(title=title))

    assert response.status_code == 201
    assert Suggestion.objects.get().title == title
    assert body["properties"]["title"] == title  # JSON is not HTML: the pages escape it


def test_sql_text_is_just_text(signed_in, point_category):
    title = "'; DROP TABLE participation_suggestion; --"

    response, _ = post(signed_in, CREATE, feature(title=title))

    assert response.status_code == 201
    assert Suggestion.objects.get().title == title


def test_unknown_project_is_a_404(signed_in, point_category):
    response, error = post(signed_in, "/api/v1/projects/nowhere/suggestions/", feature())

    assert response.status_code == 404
    assert error["code"] == "project_not_found"


def test_a_project_that_is_not_public_is_a_404(signed_in, project, point_category):
    project.is_public = False
    project.save()

    response, _ = post(signed_in, CREATE, feature())

    assert response.status_code == 404
    assert not Suggestion.objects.exists()


@pytest.mark.parametrize(
    ("start", "end"),
    [pytest.param(-30, -1, id="ended"), pytest.param(2, 30, id="not-started")],
)
def test_outside_the_phase_writes_are_a_403_with_a_message(signed_in, project, point_category, start, end):
    now = timezone.now()
    project.phase_start, project.phase_end = now + timedelta(days=start), now + timedelta(days=end)
    project.save()

    response, error = post(signed_in, CREATE, feature())

    assert response.status_code == 403
    assert error["code"] == "phase_closed"
    assert not Suggestion.objects.exists()


def test_anonymous_writes_are_a_401(client, point_category):
    response, error = post(client, CREATE, feature())

    assert response.status_code == 401
    assert error["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == "Token"


def test_session_writes_need_the_csrf_token(citizen, point_category):
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)

    response, error = post(client, CREATE, feature())

    assert response.status_code == 403
    assert "CSRF" in error["message"]
    assert not Suggestion.objects.exists()


def test_too_many_suggestions_are_a_429(signed_in, point_category, settings):
    settings.WRITE_LIMITS = {**settings.WRITE_LIMITS, "suggestion": "2/3600"}

    codes = [post(signed_in, CREATE, feature(title=f"Nr. {i}"))[0].status_code for i in range(3)]

    assert codes == [201, 201, 429]
    response, error = post(signed_in, CREATE, feature(title="noch eine"))
    assert response["Retry-After"]
    assert error["code"] == "throttled"
    assert Suggestion.objects.count() == 2


# ------------------------------------------------------------------------------------------ tokens


def test_a_token_for_user_name_or_email_authenticates_writes(client, citizen, point_category):
    by_name = post(client, "/api/v1/auth/token/", {"username": citizen.username, "password": "pw-for-tests"})
    by_mail = post(
        client, "/api/v1/auth/token/", {"username": "ANNA@example.org", "password": "pw-for-tests"}
    )

    assert by_name[0].status_code == 200
    assert by_mail[1]["token"] == by_name[1]["token"]
    api = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Token {by_name[1]['token']}")
    response, _ = post(api, CREATE, feature())
    assert response.status_code == 201


def test_wrong_password_gets_no_token(client, citizen):
    response, error = post(client, "/api/v1/auth/token/", {"username": citizen.username, "password": "nope"})

    assert response.status_code == 400
    assert error["code"] == "bad_credentials"
    assert not Token.objects.exists()


def test_an_unconfirmed_email_gets_no_token(client, db):
    user = UserFactory()

    response, error = post(
        client, "/api/v1/auth/token/", {"username": user.username, "password": "pw-for-tests"}
    )

    assert response.status_code == 403
    assert error["code"] == "email_not_verified"


def test_a_bad_token_is_a_401(client, point_category):
    api = Client(HTTP_AUTHORIZATION="Token not-a-token")

    response, error = post(api, CREATE, feature())

    assert response.status_code == 401
    assert error["message"]


# ------------------------------------------------------------------------------------------ support


def support_url(suggestion):
    return f"/api/v1/suggestions/{suggestion.pk}/support/"


def test_support_once_then_refused_then_withdrawn(signed_in, point_category):
    suggestion = SuggestionFactory(category=point_category)

    first, body = post(signed_in, support_url(suggestion), {})
    second, error = post(signed_in, support_url(suggestion), {})
    withdrawn = signed_in.delete(support_url(suggestion))

    assert (first.status_code, body) == (201, {"supported": True, "support_count": 1, "ask_follow": True})
    assert (second.status_code, error["code"]) == (409, "already_supported")
    assert withdrawn.json() == {"supported": False, "support_count": 0}
    assert not Support.objects.exists()


def test_the_database_refuses_a_second_support_even_without_the_service(point_category, citizen):
    from django.db import IntegrityError, transaction

    suggestion = SuggestionFactory(category=point_category)
    Support.objects.create(suggestion=suggestion, user=citizen)

    with pytest.raises(IntegrityError), transaction.atomic():
        Support.objects.create(suggestion=suggestion, user=citizen)


def test_own_suggestions_cannot_be_supported(signed_in, point_category, citizen):
    suggestion = SuggestionFactory(category=point_category, author=citizen)

    response, error = post(signed_in, support_url(suggestion), {})

    assert (response.status_code, error["code"]) == (409, "own_suggestion")


@pytest.mark.parametrize(
    ("state", "status"),
    [(ModerationState.HIDDEN, 410), (ModerationState.REJECTED, 410), (ModerationState.PENDING, 404)],
)
def test_unpublished_suggestions_take_no_support(signed_in, point_category, state, status):
    suggestion = SuggestionFactory(category=point_category, moderation_state=state)

    response, error = post(signed_in, support_url(suggestion), {})

    assert response.status_code == status
    assert error["message"]
    assert not Support.objects.exists()


def test_support_after_the_phase_is_refused(signed_in, project, point_category):
    suggestion = SuggestionFactory(category=point_category)
    project.phase_end = timezone.now() - timedelta(days=1)
    project.phase_start = project.phase_end - timedelta(days=10)
    project.save()

    response, error = post(signed_in, support_url(suggestion), {})

    assert (response.status_code, error["code"]) == (403, "phase_closed")


# ------------------------------------------------------------------------------------------ comments


def comments_url(suggestion):
    return f"/api/v1/suggestions/{suggestion.pk}/comments/"


def test_comment_and_reply_one_level(signed_in, point_category):
    suggestion = SuggestionFactory(category=point_category)

    _, comment = post(signed_in, comments_url(suggestion), {"text": "Gute Idee"})
    _, reply = post(signed_in, comments_url(suggestion), {"text": "Finde ich auch", "parent": comment["id"]})
    deeper, error = post(signed_in, comments_url(suggestion), {"text": "Zu tief", "parent": reply["id"]})
    thread = signed_in.get(comments_url(suggestion)).json()

    assert deeper.status_code == 400
    assert error["code"] == "reply_depth"
    assert [c["text"] for c in thread] == ["Gute Idee"]
    assert [r["text"] for r in thread[0]["replies"]] == ["Finde ich auch"]
    suggestion.refresh_from_db()
    assert suggestion.comment_count == 2


def test_a_reply_to_a_comment_of_another_suggestion_is_refused(signed_in, point_category):
    one, two = SuggestionFactory.create_batch(2, category=point_category)
    _, comment = post(signed_in, comments_url(one), {"text": "Hier"})

    response, error = post(signed_in, comments_url(two), {"text": "Dort", "parent": comment["id"]})

    assert (response.status_code, error["code"]) == (404, "comment_not_found")


@pytest.mark.parametrize("text", ["", "   ", "x" * 2001, "a\x00b"])
def test_bad_comment_texts_are_refused(signed_in, point_category, text):
    suggestion = SuggestionFactory(category=point_category)

    response, error = post(signed_in, comments_url(suggestion), {"text": text})

    assert response.status_code == 400
    assert "text" in error["errors"]
    assert not Comment.objects.exists()


def test_in_pre_moderation_comments_wait_for_review(signed_in, project, point_category):
    project.moderation_mode = ModerationMode.PRE
    project.save()
    suggestion = SuggestionFactory(category=point_category)

    _response, comment = post(signed_in, comments_url(suggestion), {"text": "Gute Idee"})

    assert comment["moderation_state"] == "pending"
    assert signed_in.get(comments_url(suggestion)).json() == []
    suggestion.refresh_from_db()
    assert suggestion.comment_count == 0


# ------------------------------------------------------------------------------------------ reports


def test_report_once_per_person(signed_in, point_category):
    suggestion = SuggestionFactory(category=point_category)
    url = f"/api/v1/suggestions/{suggestion.pk}/reports/"

    first, _ = post(signed_in, url, {"reason": "spam", "text": "Werbung"})
    second, error = post(signed_in, url, {"reason": "offensive"})

    assert first.status_code == 201
    assert (second.status_code, error["code"]) == (409, "already_reported")
    assert Report.objects.count() == 1


def test_a_report_needs_a_known_reason(signed_in, point_category):
    suggestion = SuggestionFactory(category=point_category)

    response, error = post(signed_in, f"/api/v1/suggestions/{suggestion.pk}/reports/", {"reason": "boring"})

    assert response.status_code == 400
    assert "reason" in error["errors"]


def test_a_comment_can_be_reported(signed_in, point_category):
    suggestion = SuggestionFactory(category=point_category)
    comment = CommentFactory(suggestion=suggestion, text="Spam")

    response, _ = post(
        signed_in, f"/api/v1/suggestions/{suggestion.pk}/reports/", {"reason": "spam", "comment": comment.pk}
    )

    assert response.status_code == 201
    assert Report.objects.get().comment == comment


# ------------------------------------------------------------------------------------------ reading one


def test_hidden_suggestions_are_gone_with_an_explanation(client, point_category):
    suggestion = SuggestionFactory(category=point_category, moderation_state=ModerationState.HIDDEN)

    response = client.get(f"/api/v1/suggestions/{suggestion.pk}/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 410
    assert "moderators" in response.json()["message"]


def test_a_suggestion_shows_its_planning_answer(client, point_category):
    suggestion = SuggestionFactory(
        category=point_category, planning_status=PlanningStatus.PLANNED, official_answer="Kommt 2027."
    )

    body = client.get(f"/api/v1/suggestions/{suggestion.pk}/").json()

    assert body["properties"]["planning_status"] == "planned"
    assert body["properties"]["official_answer"] == "Kommt 2027."


# ------------------------------------------------------------------------------------------ duplicates


def duplicates(client, category, geometry):
    query = {"category": category, "geometry": json.dumps(geometry)}
    return client.get("/api/v1/projects/test-project/duplicates/", query)


def test_points_within_150_m_of_the_same_category_are_duplicates(client, point_category):
    near = SuggestionFactory(category=point_category, geom=Point(8.4010, 49.0, srid=4326))  # ~73 m east
    SuggestionFactory(category=point_category, geom=Point(8.4030, 49.0, srid=4326))  # ~219 m east
    SuggestionFactory(category=CategoryFactory(project=point_category.project, key="sharing-point"))

    body = duplicates(client, "charging-station", POINT).json()

    assert [f["id"] for f in body["features"]] == [near.pk]
    assert 60 < body["features"][0]["properties"]["distance_m"] < 90


def test_a_line_running_along_another_is_a_duplicate_but_a_crossing_one_is_not(client, line_category):
    from django.contrib.gis.geos import LineString

    along = SuggestionFactory(
        category=line_category, geom=LineString((8.400, 49.0001), (8.420, 49.0001), srid=4326)
    )  # 11 m north, same course
    SuggestionFactory(category=line_category, geom=LineString((8.41, 48.99), (8.41, 49.01), srid=4326))
    drawn = {"type": "LineString", "coordinates": [[8.401, 49.0], [8.419, 49.0]]}

    body = duplicates(client, "bike-path", drawn).json()

    assert [f["id"] for f in body["features"]] == [along.pk]
    assert body["features"][0]["properties"]["overlap"] >= 0.5


def test_the_duplicate_check_applies_the_geometry_rules(client, point_category):
    response = duplicates(client, "charging-station", {"type": "Point", "coordinates": [9.9, 49.0]})

    assert response.status_code == 400
    assert response.json()["code"] == "outside_area"


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("de", "Der Vorschlag muss im Projektgebiet liegen."),
        ("en", "The suggestion must lie inside the project area."),
    ],
)
def test_messages_speak_the_requests_language(signed_in, point_category, language, message):
    body = json.dumps(feature({"type": "Point", "coordinates": [9.9, 49.0]}))

    response = signed_in.post(CREATE, body, "application/json", HTTP_ACCEPT_LANGUAGE=language)

    assert response.json()["message"].startswith(message)


# ------------------------------------------------------------------------------------------ the list


@pytest.mark.parametrize("sort", ["newest", "supported"])
def test_the_list_pages_through_ties_without_repeating_or_losing_rows(client, point_category, sort):
    SuggestionFactory.create_batch(65, category=point_category, support_count=3)  # all tied on the sort value
    seen, url = [], f"/api/v1/projects/test-project/list/?sort={sort}"

    while url:
        page = client.get(url).json()
        seen += [s["id"] for s in page["results"]]
        url = page["next"]

    assert len(seen) == 65
    assert len(set(seen)) == 65


def test_the_list_sorts_by_support(client, point_category):
    few = SuggestionFactory(category=point_category, support_count=1)
    many = SuggestionFactory(category=point_category, support_count=9)

    page = client.get("/api/v1/projects/test-project/list/?sort=supported").json()

    assert [s["id"] for s in page["results"]] == [many.pk, few.pk]


def test_a_forged_cursor_is_a_400(client, point_category):
    response = client.get("/api/v1/projects/test-project/list/?sort=supported&cursor=bm9wZQ")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_cursor"


def test_my_suggestions_need_a_sign_in(client, point_category):
    response = client.get("/api/v1/projects/test-project/list/?mine=true")

    assert response.status_code == 401


def test_guessing_passwords_for_a_token_stops_after_the_limit(client, db, settings):
    settings.WRITE_LIMITS = {**settings.WRITE_LIMITS, "token_failure": "3/900"}
    url = "/api/v1/auth/token/"
    user = CitizenFactory()  # its own name: failure counts live in the shared cache

    codes = [
        post(client, url, {"username": user.username, "password": f"guess-{i}"})[0].status_code
        for i in range(3)
    ]
    # A forged X-Forwarded-For does not give a fresh budget, and neither does the right password now.
    blocked = client.post(
        url,
        json.dumps({"username": user.username, "password": "pw-for-tests"}),
        "application/json",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )

    assert codes == [400, 400, 400]
    assert blocked.status_code == 429
    assert int(blocked["Retry-After"]) <= 901


def test_a_rate_limit_says_how_long_to_wait(signed_in, point_category, settings):
    settings.WRITE_LIMITS = {**settings.WRITE_LIMITS, "suggestion": "1/3600"}
    post(signed_in, CREATE, feature())

    response, _ = post(signed_in, CREATE, feature(title="zweiter"))

    assert response.status_code == 429
    # Fixed windows: the wait is what is left of the hour (near its end, only seconds).
    assert 1 <= int(response["Retry-After"]) <= 3601


def test_support_is_not_counted_when_the_suggestion_was_hidden_meanwhile(
    point_category, citizen, monkeypatch
):
    from participation.services import contributions as services

    suggestion = SuggestionFactory(category=point_category)
    real_check = services._published

    def check_then_hide(**kwargs):  # a moderator hides it right after the visibility check
        found = real_check(**kwargs)
        Suggestion.objects.filter(pk=suggestion.pk).update(moderation_state=ModerationState.HIDDEN)
        return found

    monkeypatch.setattr(services, "_published", check_then_hide)

    with pytest.raises(services.NotPublished):
        services.support_add(actor=Participant(user=citizen), suggestion_id=suggestion.pk)

    assert not Support.objects.exists()


def test_duplicates_take_long_lines_in_a_json_body(signed_in, line_category):
    from django.contrib.gis.geos import LineString

    existing = SuggestionFactory(
        category=line_category, geom=LineString((8.40, 49.0001), (8.42, 49.0001), srid=4326)
    )
    drawn = {"type": "LineString", "coordinates": [[8.40 + i * 0.00004, 49.0] for i in range(500)]}

    response, body = post(
        signed_in, "/api/v1/projects/test-project/duplicates/", {"category": "bike-path", "geometry": drawn}
    )

    assert response.status_code == 200
    assert [f["id"] for f in body["features"]] == [existing.pk]
