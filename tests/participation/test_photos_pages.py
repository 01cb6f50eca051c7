"""Photos where citizens see them: the suggestion's page (gallery, the author's photos waiting for review,
comments' photos, the forms to add more), the list beside the map and the map's features (the first published
photo, from Suggestion.photo_keys), and a refused photo named in the API's answer."""

import json
import re

import pytest
from django.test import Client

from participation.models import ModerationState
from tests.factories import CommentFactory, PhotoFactory, SuggestionFactory

from .photo_files import phone_jpeg
from .test_photos_api import photo_root, send  # noqa: F401 - photo_root is a fixture

LIST = "/api/v1/projects/test-project/list/"
MAP = "/api/v1/projects/test-project/map/?bbox=8.3,48.9,8.5,49.1&zoom=18"


def detail(client: Client, suggestion) -> str:
    response = client.get(f"/projects/{suggestion.project.slug}/suggestions/{suggestion.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def signed_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="de")
    client.force_login(user)
    return client


# ------------------------------------------------------------------------------------------ the page


def test_the_page_shows_published_photos_at_their_medium_size_linked_to_the_full_one(client, point_category):
    suggestion = SuggestionFactory(category=point_category)
    photo = PhotoFactory(suggestion=suggestion, width=2048, height=1536, alt_text="Die Ecke & der Mast")
    PhotoFactory(suggestion=suggestion, position=1, moderation_state=ModerationState.PENDING)

    html = detail(client, suggestion)

    assert html.count('class="photo"') == 1  # the one waiting for review is its author's alone
    image = re.search(r'<img src="([^"]+)" alt="([^"]*)" width="(\d+)" height="(\d+)" loading="lazy">', html)
    assert image.groups() == (
        f"/api/v1/photos/{photo.key}/medium.jpg",
        "Die Ecke &amp; der Mast",
        "800",
        "600",
    )
    assert f'href="/api/v1/photos/{photo.key}/full.jpg"' in html
    assert "Wartet auf Prüfung" not in html
    assert 'id="photo-add"' not in html  # no form for readers


def test_the_author_sees_their_photo_waiting_for_review_marked_and_may_add_more(point_category, citizen):
    suggestion = SuggestionFactory(category=point_category, author=citizen)
    mine = PhotoFactory(suggestion=suggestion, moderation_state=ModerationState.PENDING)

    html = detail(signed_in(citizen), suggestion)

    assert f"/api/v1/photos/{mine.key}/medium.jpg" in html
    assert 'class="photo photo--pending"' in html
    assert "Wartet auf Prüfung: für andere noch nicht sichtbar." in html
    form = re.search(r'<form class="photo-add-form"[^>]*>', html).group(0)
    assert f'data-url="/api/v1/suggestions/{suggestion.pk}/photos/"' in form
    assert 'data-room="2"' in form
    assert "hidden" in form  # without script it stays hidden: viewing needs none, adding does
    assert 'accept="image/jpeg,image/png,image/webp,image/heic,image/heif"' in html
    assert "capture" not in html  # phones offer camera and gallery


def test_a_full_suggestion_has_no_form_to_add_photos(point_category, citizen):
    suggestion = SuggestionFactory(category=point_category, author=citizen)
    for position in range(3):
        PhotoFactory(suggestion=suggestion, position=position)

    assert 'class="photo-add-form"' not in detail(signed_in(citizen), suggestion)


def test_comments_show_their_published_photos_and_their_author_may_add_one(point_category, citizen):
    suggestion = SuggestionFactory(category=point_category)
    with_photo = CommentFactory(suggestion=suggestion)
    photo = PhotoFactory(suggestion=suggestion, comment=with_photo, alt_text="Der Ständer ist voll")
    pending = CommentFactory(suggestion=suggestion)
    PhotoFactory(suggestion=suggestion, comment=pending, moderation_state=ModerationState.PENDING)
    own = CommentFactory(suggestion=suggestion, author=citizen)

    for html in (detail(Client(), suggestion), detail(signed_in(citizen), suggestion)):
        gallery = re.search(rf'id="comment-photos-{with_photo.pk}">(.*?)</ul>', html, re.S).group(1)
        assert f"/api/v1/photos/{photo.key}/medium.jpg" in gallery
        assert 'alt="Der Ständer ist voll"' in gallery
        assert re.search(rf'id="comment-photos-{pending.pk}"></ul>', html)
    form = re.search(r'<form class="photo-add-form"[^>]*>', detail(signed_in(citizen), suggestion)).group(0)
    assert f'data-url="/api/v1/suggestions/{suggestion.pk}/comments/{own.pk}/photos/"' in form
    assert f'data-gallery="comment-photos-{own.pk}"' in form
    assert 'class="photo-add-form"' not in detail(Client(), suggestion)


# ------------------------------------------------------------------------------- the list and the map


def test_the_list_names_the_first_published_photo_with_its_description_in_one_more_query(
    client, point_category, django_assert_num_queries
):
    with_photos = SuggestionFactory(category=point_category)
    first = PhotoFactory(suggestion=with_photos, alt_text="Blick vom Gehweg")
    PhotoFactory(suggestion=with_photos, position=1)
    plain = SuggestionFactory(category=point_category)
    for _ in range(5):
        PhotoFactory(suggestion=SuggestionFactory(category=point_category))

    with django_assert_num_queries(3):  # project, the page, the descriptions of its first photos
        items = {item["id"]: item for item in client.get(LIST).json()["results"]}

    assert items[with_photos.pk]["photo"] == {
        "url": f"/api/v1/photos/{first.key}/small.jpg",
        "alt": "Blick vom Gehweg",
    }
    assert items[plain.pk]["photo"] is None


def test_an_authors_own_list_shows_no_photo_of_a_suggestion_not_public(point_category, citizen):
    waiting = SuggestionFactory(category=point_category, author=citizen, moderation_state="pending")
    PhotoFactory(suggestion=waiting, moderation_state=ModerationState.PENDING)

    [item] = signed_in(citizen).get(f"{LIST}?mine=true").json()["results"]

    assert item["photo"] is None


def test_the_maps_features_carry_the_first_published_photos_key_and_nothing_without_one(
    client, point_category
):
    with_photo = SuggestionFactory(category=point_category)
    first = PhotoFactory(suggestion=with_photo)
    PhotoFactory(suggestion=with_photo, position=1)
    only_pending = SuggestionFactory(category=point_category)
    PhotoFactory(suggestion=only_pending, moderation_state=ModerationState.PENDING)

    features = {f["id"]: f["properties"] for f in json.loads(client.get(MAP).content)["features"]}

    assert features[with_photo.pk]["photo"] == first.key
    assert "photo" not in features[only_pending.pk]


# ------------------------------------------------------------------------ which photo a refusal concerns


@pytest.mark.parametrize(
    ("second", "field"),
    [((b"not an image", "Das zweite Foto"), "photo"), ((phone_jpeg(), "  "), "alt")],
    ids=["unreadable", "no description"],
)
def test_a_refusal_names_the_photo_it_concerns(point_category, citizen, photo_root, second, field):  # noqa: F811
    response = send(signed_in(citizen), [(phone_jpeg(), "Die Ecke"), second])

    assert response.status_code == 400
    body = response.json()
    assert body["photo_index"] == 1
    assert list(body["errors"]) == [field]


def test_a_refusal_of_the_form_as_a_whole_names_no_photo(point_category, citizen):
    suggestion = SuggestionFactory(category=point_category, author=citizen)
    response = signed_in(citizen).post(
        f"/api/v1/suggestions/{suggestion.pk}/photos/",
        {"photo": [], "alt": "Die Ecke"},
    )

    assert response.status_code == 400
    assert "photo_index" not in response.json()
