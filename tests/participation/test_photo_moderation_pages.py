"""Photos in the moderation queue without JavaScript (approve, remove as plain forms) and the blur endpoint
the queue's dialog posts to (JSON answers): what the queue shows, who may decide, stale and bad decisions."""

import json

import pytest
from django.contrib.messages import get_messages

from participation.models import ModerationAction, ModerationEvent, ModerationState, Photo
from tests.factories import (
    CategoryFactory,
    CitizenFactory,
    CommentFactory,
    PhotoFactory,
    ProjectFactory,
    ReportFactory,
    SuggestionFactory,
)

S = ModerationState
QUEUE = "/projects/test-project/moderation/"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def moderator(project):
    return CitizenFactory(username="mona", profile__display_name="Mona M.", moderator_of=project)


@pytest.fixture
def mod_client(client_factory, moderator):
    return client_factory(moderator)


@pytest.fixture
def published(point_category, citizen):
    return SuggestionFactory(category=point_category, author=citizen, title="Ecke an der Haltestelle")


def photo_form(photo, action, *, item="", seen_event=0, **extra):
    return {
        "key": photo.key,
        "seen_state": photo.moderation_state,
        "seen_event": seen_event,
        "action": action,
        "item": item or f"photo-{photo.key}",
        **extra,
    }


def blur_form(photo, regions, *, seen_event=0, item=""):
    return {
        "key": photo.key,
        "seen_state": photo.moderation_state,
        "seen_event": seen_event,
        "item": item or f"photo-{photo.key}",
        "regions": json.dumps(regions),
    }


def flashed(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# ------------------------------------------------------------------------------------------ the queue


def test_a_photo_added_to_a_published_suggestion_is_its_own_queue_item(mod_client, published):
    photo = PhotoFactory(suggestion=published, moderation_state=S.PENDING, alt_text="Vier Ladeplätze")

    page = mod_client.get(QUEUE, **EN).content.decode()

    assert f'id="item-photo-{photo.key}"' in page
    assert f"/api/v1/photos/{photo.key}/medium.jpg" in page
    assert 'alt="Vier Ladeplätze"' in page
    assert f"New photo of suggestion no. {published.pk} “Ecke an der Haltestelle”" in page
    assert "1 new photo" in page
    for button in ("Approve photo", "Remove photo", "Blur regions…"):
        assert button in page


def test_a_photo_of_a_published_comment_is_queued_but_not_one_of_a_waiting_comment(mod_client, published):
    comment = CommentFactory(suggestion=published, text="Gute Idee")
    on_published = PhotoFactory(suggestion=published, comment=comment, moderation_state=S.PENDING)
    waiting = CommentFactory(suggestion=published, moderation_state=S.PENDING)
    with_waiting = PhotoFactory(suggestion=published, comment=waiting, moderation_state=S.PENDING)

    page = mod_client.get(QUEUE, **EN).content.decode()

    assert f'id="item-photo-{on_published.key}"' in page
    assert "New photo of a comment on suggestion no." in page
    # The waiting comment's photo shows in the comment's item, approved with it.
    assert f'id="item-photo-{with_waiting.key}"' not in page
    assert f'id="photo-{with_waiting.key}"' in page


def test_a_waiting_suggestion_shows_the_photos_sent_with_it(mod_client, point_category):
    suggestion = SuggestionFactory(category=point_category, moderation_state=S.PENDING)
    photo = PhotoFactory(suggestion=suggestion, moderation_state=S.PENDING, alt_text="Der Platz")

    page = mod_client.get(QUEUE, **EN).content.decode()

    assert "Photos sent with it (approving it publishes them)" in page
    assert f"/api/v1/photos/{photo.key}/small.jpg" in page
    assert f'id="item-photo-{photo.key}"' not in page
    assert "0 new photos" in page


def test_a_reported_suggestion_shows_its_published_photos_to_remove_or_blur(mod_client, published):
    photo = PhotoFactory(suggestion=published, alt_text="Ein Gesicht")
    ReportFactory(suggestion=published, reason="personal_data")

    page = mod_client.get(QUEUE, **EN).content.decode()

    assert "Its published photos" in page
    assert f'id="photo-{photo.key}"' in page
    assert "Remove photo “Ein Gesicht”" in page


def test_a_photo_decision_shows_in_the_items_history_as_a_photos(mod_client, moderator, published):
    photo = PhotoFactory(suggestion=published, moderation_state=S.PENDING)
    mod_client.post(f"{QUEUE}photos/decide/", photo_form(photo, "approve"))
    ReportFactory(suggestion=published)

    page = mod_client.get(QUEUE, **EN).content.decode()
    versions = mod_client.get(f"{QUEUE}suggestions/{published.pk}/versions/", **EN).content.decode()

    assert "Mona M.: <strong>Photo approved</strong>" in page
    assert "Mona M.: <strong>Photo approved</strong>" in versions


# ----------------------------------------------------------------------------------- approve, remove


def test_a_photo_is_approved_with_a_plain_form(mod_client, published):
    photo = PhotoFactory(suggestion=published, moderation_state=S.PENDING)

    response = mod_client.post(f"{QUEUE}photos/decide/", photo_form(photo, "approve"), **EN)

    assert response.status_code == 302
    assert response["Location"].startswith(QUEUE)
    assert flashed(response) == ["The photo was approved: it is public now."]
    assert Photo.objects.get(pk=photo.pk).moderation_state == S.PUBLISHED
    assert ModerationEvent.objects.get(photo_id=photo.pk).action == ModerationAction.APPROVE


def test_a_photo_is_removed_from_a_reported_items_thumbnails(mod_client, published):
    photo = PhotoFactory(suggestion=published)
    ReportFactory(suggestion=published)

    response = mod_client.post(
        f"{QUEUE}photos/decide/",
        photo_form(photo, "remove", item=f"suggestion-{published.pk}", reason="Fremdes Kennzeichen"),
        **EN,
    )

    assert response.status_code == 302
    assert response["Location"].endswith(f"#item-suggestion-{published.pk}")
    assert not Photo.objects.filter(pk=photo.pk).exists()
    assert ModerationEvent.objects.get(photo_id=photo.pk).reason == "Fremdes Kennzeichen"
    assert mod_client.get(f"/api/v1/photos/{photo.key}/small.jpg").status_code == 404


def test_a_stale_photo_decision_returns_to_the_queue_with_the_message_at_the_item(
    mod_client, client_factory, project, published
):
    photo = PhotoFactory(suggestion=published, moderation_state=S.PENDING)
    other = client_factory(CitizenFactory(profile__display_name="Otto", moderator_of=project))
    other.post(f"{QUEUE}photos/decide/", photo_form(photo, "remove"))
    ReportFactory(suggestion=published)

    response = mod_client.post(
        f"{QUEUE}photos/decide/", photo_form(photo, "approve", item=f"suggestion-{published.pk}"), **EN
    )

    assert response.status_code == 303
    page = mod_client.get(response["Location"], **EN).content.decode()
    assert "someone removed or blurred it in the meantime" in page
    assert f'id="error-suggestion-{published.pk}"' in page


def test_photo_decisions_in_german(mod_client, published):
    photo = PhotoFactory(suggestion=published, moderation_state=S.PENDING)

    response = mod_client.post(f"{QUEUE}photos/decide/", photo_form(photo, "approve"))
    page = mod_client.get(QUEUE).content.decode()

    assert flashed(response) == ["Das Foto wurde freigegeben: Es ist jetzt öffentlich."]
    assert "0 neue Fotos" in page


# -------------------------------------------------------------------------------------------- who may


def test_people_without_the_role_cannot_decide_on_photos(client_factory, project, published, citizen):
    photo = PhotoFactory(suggestion=published, moderation_state=S.PENDING)
    other_project = ProjectFactory(slug="anderswo")
    CategoryFactory(project=other_project)
    other_moderator = client_factory(CitizenFactory(moderator_of=other_project))

    for path in ("photos/decide/", "photos/blur/"):
        data = photo_form(photo, "approve") | {"regions": '[{"x":0,"y":0,"w":1,"h":1}]'}
        assert client_factory().post(f"{QUEUE}{path}", data).status_code == 302  # to sign in
        assert client_factory(citizen).post(f"{QUEUE}{path}", data).status_code == 403
        assert other_moderator.post(f"{QUEUE}{path}", data).status_code == 403
        # At their own project's address, a photo of another project is not found.
        assert other_moderator.post(f"/projects/anderswo/moderation/{path}", data).status_code == 404

    assert Photo.objects.get(pk=photo.pk).moderation_state == S.PENDING
    assert not ModerationEvent.objects.exists()


def test_photo_decisions_answer_only_to_post(mod_client):
    for path in ("photos/decide/", "photos/blur/"):
        assert mod_client.get(f"{QUEUE}{path}").status_code == 405


# ----------------------------------------------------------------------------------------------- blur


def test_blurring_through_the_page_answers_where_to_go_and_the_old_address_is_gone(mod_client, published):
    photo = PhotoFactory(suggestion=published, moderation_state=S.PENDING)

    response = mod_client.post(
        f"{QUEUE}photos/blur/", blur_form(photo, [{"x": 0.1, "y": 0.1, "w": 0.5, "h": 0.5}]), **EN
    )

    assert response.status_code == 200, response.content
    new_key = Photo.objects.get(pk=photo.pk).key
    assert new_key != photo.key
    assert response.json() == {"location": f"{QUEUE}#item-photo-{new_key}"}
    assert mod_client.get(f"/api/v1/photos/{photo.key}/medium.jpg").status_code == 404
    assert mod_client.get(f"/api/v1/photos/{new_key}/medium.jpg").status_code == 200


@pytest.mark.parametrize(
    ("regions", "message"),
    [
        ("[]", "Please mark at least one region of the photo to blur."),
        ("not json", "Please mark at least one region of the photo to blur."),
        ('[{"x":0.9,"y":0,"w":0.2,"h":0.2}]', "A region to blur must lie within the photo."),
        ('[{"x":0.1,"y":0.1,"w":0,"h":0.2}]', "A region to blur must have a width and a height."),
        (json.dumps([{"x": 0, "y": 0, "w": 0.1, "h": 0.1}] * 11), "Please blur at most 10 regions at once."),
    ],
)
def test_regions_it_cannot_blur_are_a_400_with_a_clear_message(mod_client, published, regions, message):
    photo = PhotoFactory(suggestion=published)
    data = blur_form(photo, []) | {"regions": regions}

    response = mod_client.post(f"{QUEUE}photos/blur/", data, **EN)

    assert response.status_code == 400
    assert response.json()["message"] == message
    assert Photo.objects.get(pk=photo.pk).key == photo.key


def test_a_blur_of_a_photo_blurred_meanwhile_is_a_409(mod_client, published):
    photo = PhotoFactory(suggestion=published)
    region = [{"x": 0, "y": 0, "w": 0.5, "h": 0.5}]
    assert mod_client.post(f"{QUEUE}photos/blur/", blur_form(photo, region)).status_code == 200

    response = mod_client.post(f"{QUEUE}photos/blur/", blur_form(photo, region), **EN)

    assert response.status_code == 409
    assert "someone removed or blurred it" in response.json()["message"]


# ------------------------------------------------------------------ a suggestion's moderation page


def test_a_suggestions_versions_page_lets_moderators_remove_or_blur_any_of_its_photos(mod_client, published):
    photo = PhotoFactory(suggestion=published, alt_text="Ohne Meldung")
    comment_photo = PhotoFactory(suggestion=published, comment=CommentFactory(suggestion=published))
    versions = f"{QUEUE}suggestions/{published.pk}/versions/"

    page = mod_client.get(versions, **EN).content.decode()

    assert 'id="photos"' in page
    assert f'id="photo-{photo.key}"' in page
    assert f'id="photo-{comment_photo.key}"' in page
    assert f'data-versions="{published.pk}"' in page

    response = mod_client.post(
        f"{QUEUE}photos/blur/",
        blur_form(photo, [{"x": 0, "y": 0, "w": 0.5, "h": 0.5}], item="") | {"versions": published.pk},
    )
    assert response.json() == {"location": f"{versions}#photos"}
    photo.refresh_from_db()
    response = mod_client.post(
        f"{QUEUE}photos/decide/",
        photo_form(photo, "remove", item="", seen_event=ModerationEvent.objects.get().pk)
        | {"versions": published.pk},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{versions}#photos"
    assert not Photo.objects.filter(pk=photo.pk).exists()
    # A refusal goes back there too, with its message.
    response = mod_client.post(
        f"{QUEUE}photos/decide/",
        photo_form(photo, "remove", item="") | {"versions": published.pk},
        **EN,
    )
    assert response.status_code == 303
    assert "someone removed or blurred it" in mod_client.get(response["Location"], **EN).content.decode()
