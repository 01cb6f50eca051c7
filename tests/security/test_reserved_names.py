"""Nobody may pose as the project's staff, and the API says which names were given without an account.

Before: an anonymous participant (or anyone signing up) could call themselves "Moderation" or take a staff
member's public name, and the API returned that name exactly like an account's. Now staff names (names of
staff accounts, and words such as Moderation, Administrator, Planung; in any letter case and with or
without accents) are refused for everyone who is not staff, with a 400 that says why, and every name in
the API carries `author_is_anonymous`.
"""

import uuid

import pytest
from django.contrib.auth import get_user_model

from participation.models import Profile
from tests.factories import CommentFactory, SuggestionFactory, UserFactory
from tests.participation.test_anonymous import CREATE, feature, post, solved

pytestmark = pytest.mark.django_db

REFUSAL_EN = "reserved for the project's staff"
REFUSAL_DE = "dem Team des Projekts vorbehalten"


@pytest.fixture
def open_project(project, point_category):
    project.allow_anonymous = True
    project.save()
    return project


@pytest.fixture
def staff_member(project):
    user = UserFactory(username="mona", moderator_of=project)
    Profile.objects.create(user=user, display_name="Mona Beispiel-Müller")
    return user


@pytest.mark.parametrize(
    "name",
    [
        "Moderation",
        "moderation",
        "MODERATION",
        "Modération",
        "Administrator",
        "Planung",
        "Das Planungsamt ",
        "Die Moderation",
    ],
)
def test_an_anonymous_suggestion_may_not_take_a_staff_word(client, open_project, name):
    response, body = post(
        client, CREATE, {**feature(name=name), "altcha": solved(client)}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 400, body
    assert REFUSAL_EN in body["errors"]["name"][0]


def test_an_anonymous_comment_may_not_take_a_staff_members_name(
    client, open_project, point_category, staff_member
):
    suggestion = SuggestionFactory(category=point_category)

    response, body = post(
        client,
        f"/api/v1/suggestions/{suggestion.pk}/comments/",
        {"text": "Offizielle Antwort", "name": "mona beispiel-muller", "altcha": solved(client)},
        HTTP_ACCEPT_LANGUAGE="de",
    )

    assert response.status_code == 400, body
    assert REFUSAL_DE in body["errors"]["name"][0]


def test_ordinary_names_still_pass(client, open_project):
    response, body = post(
        client, CREATE, {**feature(name="Moritz aus der Nordstadt"), "altcha": solved(client)}
    )

    assert response.status_code == 201, body


def test_signing_up_with_a_staff_name_is_refused_with_a_message(client, staff_member):
    address = f"sign-up-{uuid.uuid4().hex[:10]}@example.org"
    response = client.post(
        "/accounts/signup/",
        {
            "email": address,
            "password1": "ein-langes-passwort-2026",
            "password2": "ein-langes-passwort-2026",
            "display_name": "Moderation",
        },
        HTTP_ACCEPT_LANGUAGE="de",
    )

    assert response.status_code == 200
    assert REFUSAL_DE in response.content.decode()
    assert not get_user_model().objects.filter(email=address).exists()


def test_the_api_marks_names_given_without_an_account(client, point_category, citizen):
    by_account = SuggestionFactory(category=point_category, author=citizen, display_name="Anna K.")
    anonymous = SuggestionFactory(category=point_category, author=None, display_name="Bea")
    for author, name in ((None, "Carl"), (citizen, "Anna K.")):
        CommentFactory(suggestion=anonymous, author=author, display_name=name, text="Gut")

    listed = client.get("/api/v1/projects/test-project/list/").json()["results"]
    detail = client.get(f"/api/v1/suggestions/{anonymous.pk}/").json()["properties"]
    own = client.get(f"/api/v1/suggestions/{by_account.pk}/").json()["properties"]
    comments = client.get(f"/api/v1/suggestions/{anonymous.pk}/comments/").json()

    assert {s["display_name"]: s["author_is_anonymous"] for s in listed} == {"Anna K.": False, "Bea": True}
    assert (detail["display_name"], detail["author_is_anonymous"]) == ("Bea", True)
    assert (own["display_name"], own["author_is_anonymous"]) == ("Anna K.", False)
    assert {c["display_name"]: c["author_is_anonymous"] for c in comments} == {"Carl": True, "Anna K.": False}


def test_the_api_schema_describes_the_mark(client):
    schema = client.get("/api/schema/?format=json").json()

    described = [
        name
        for name, shape in schema["components"]["schemas"].items()
        if "author_is_anonymous" in shape.get("properties", {})
    ]
    assert described


def test_staff_keep_their_own_names(staff_member):
    """Reserved for non-staff only: the moderator's own public name is theirs to use."""
    from participation.names import check_public_name

    check_public_name("Mona Beispiel-Müller", user=staff_member)
    check_public_name("Moderation", user=staff_member)
