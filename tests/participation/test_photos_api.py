"""Photos through the API: sent with a new suggestion or added to one's own suggestion or comment, listed to
whom may see them, served re-encoded (never the upload) with the right headers; every bad input refused with
a message in the person's language and nothing stored."""

import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from participation import selectors, services
from participation.models import ModerationMode, ModerationState, Photo, Suggestion
from tests.factories import (
    CommentFactory,
    PhotoFactory,
    SuggestionFactory,
    TokenFactory,
    UserFactory,
)

from .photo_files import (
    NOT_IMAGES,
    SVG,
    animated,
    bomb,
    colour_at,
    encoded,
    heic,
    is_red,
    jpeg_html_polyglot,
    marked,
    metadata_groups,
    phone_jpeg,
    truncated_jpeg,
)
from .test_anonymous import solved

CREATE = "/api/v1/projects/test-project/suggestions/"
FEATURE = {
    "type": "Feature",
    "geometry": {"type": "Point", "coordinates": [8.4, 49.0]},
    "properties": {"category": "charging-station", "title": "Platz für vier Ladesäulen"},
}


@pytest.fixture
def photo_root(tmp_path, settings) -> Path:
    """The photo storage in this test's own folder, to look into."""
    settings.STORAGES = {
        **settings.STORAGES,
        "photos": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    return tmp_path


def stored_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


def upload(data: bytes, name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def send(client: Client, photos: list[tuple[bytes, str]], *, feature: dict | None = None, **extra: object):
    form = {
        "feature": json.dumps(feature or FEATURE),
        "photo": [upload(data, f"photo{i}.jpg") for i, (data, _alt) in enumerate(photos)],
        "alt": [alt for _data, alt in photos],
    }
    return client.post(CREATE, form, **extra)


@pytest.fixture
def author_client(citizen):
    client = Client(HTTP_ACCEPT_LANGUAGE="de")
    client.force_login(citizen)
    return client


@pytest.fixture
def open_photos(project):
    """Post-moderation without pre-moderated photos: what is sent is public at once."""
    project.premoderate_photos = False
    project.save()
    return project


def photo_of(response) -> dict:
    return response.json()["properties"]["photos"][0]


# ------------------------------------------------------------------------------------------------ sending


def test_a_suggestion_with_two_photos_stores_only_the_re_encoded_files(
    author_client, point_category, photo_root, citizen
):
    original = phone_jpeg(1200, 900, orientation=6)

    response = send(
        author_client, [(original, "Die Ecke an der Haltestelle"), (heic(), "Von der Straße aus")]
    )

    assert response.status_code == 201, response.content
    photos = response.json()["properties"]["photos"]
    assert [p["alt"] for p in photos] == ["Die Ecke an der Haltestelle", "Von der Straße aus"]
    assert photos[0]["moderation_state"] == "pending"  # the project pre-moderates photos (the default)
    assert (photos[0]["width"], photos[0]["height"]) == (900, 1200)
    files = stored_files(photo_root)
    assert len(files) == 6  # full, medium, small of each
    assert all(original not in path.read_bytes() for path in files)
    assert all(metadata_groups(path.read_bytes()) == set() for path in files[:1])
    rows = list(Photo.objects.order_by("position"))
    assert [p.author_id for p in rows] == [citizen.pk, citizen.pk]
    assert photos[0]["id"] == rows[0].key  # a random key of 128 bits names the photo, never its row's id
    assert len({p.key for p in rows}) == 2


def test_the_served_photo_is_upright_and_exiftool_finds_no_metadata_in_it(
    author_client, point_category, open_photos
):
    response = send(author_client, [(phone_jpeg(1200, 900, orientation=6), "Blick auf den Platz")])
    photo = photo_of(response)
    assert photo["moderation_state"] == "published"

    served = Client().get(photo["url"])

    assert served.status_code == 200
    body = b"".join(served.streaming_content)
    assert served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Cache-Control"] == "public, max-age=3600"
    assert metadata_groups(body) == set()  # no EXIF, GPS, XMP, ICC, comment
    assert b"secret" not in body
    with Image.open(io.BytesIO(body)) as image:
        assert image.size == (900, 1200)
    assert is_red(colour_at(body, (900 - 10, 10)))  # the stored top-left corner, turned clockwise
    for name, edge in (("medium", 800), ("small", 320)):
        thumbnail = Client().get(photo["thumbnails"][name])
        assert thumbnail.status_code == 200
        data = b"".join(thumbnail.streaming_content)
        assert metadata_groups(data) == set()
        with Image.open(io.BytesIO(data)) as image:
            assert max(image.size) == edge


def test_a_pending_photo_is_its_authors_alone_and_never_publicly_cached(author_client, point_category):
    photo = photo_of(send(author_client, [(phone_jpeg(), "Die Ecke")]))
    suggestion_id = Suggestion.objects.get().pk

    mine = author_client.get(photo["url"])
    assert mine.status_code == 200
    assert mine["Cache-Control"] == "private, no-store"

    assert Client().get(photo["url"]).status_code == 404
    other = Client()
    other.force_login(UserFactory())
    assert other.get(photo["url"]).status_code == 404
    assert Client().get(f"/api/v1/suggestions/{suggestion_id}/").json()["properties"]["photos"] == []
    assert author_client.get(f"/api/v1/suggestions/{suggestion_id}/photos/").json()[0]["id"] == photo["id"]


def test_approving_a_suggestion_in_pre_moderation_publishes_the_photos_sent_with_it(
    author_client, project, point_category
):
    project.moderation_mode = ModerationMode.PRE
    project.save()
    photo = photo_of(send(author_client, [(phone_jpeg(), "Die Ecke")]))
    suggestion = Suggestion.objects.get()
    moderator = UserFactory(moderator_of=project)
    as_moderator = Client()
    as_moderator.force_login(moderator)
    assert as_moderator.get(photo["url"])["Cache-Control"] == "private, no-store"  # the queue sees it

    services.item_decide(
        actor=moderator,
        decision=services.Decision(kind="suggestion", pk=suggestion.pk, seen_state="pending"),
        action="approve",
    )

    served = Client().get(photo["url"])
    assert served.status_code == 200
    assert served["Cache-Control"] == "public, max-age=3600"


def test_an_anonymous_author_sends_photos_with_the_anti_spam_proof(project, point_category, photo_root):
    project.allow_anonymous = True
    project.save()
    client = Client()
    form = {
        "feature": json.dumps(FEATURE),
        "photo": [upload(phone_jpeg())],
        "alt": ["Die Ecke"],
        "altcha": solved(client),
    }

    response = client.post(CREATE, form)

    assert response.status_code == 201, response.content
    assert Photo.objects.get().author is None
    assert len(stored_files(photo_root)) == 3


def test_without_the_proof_an_anonymous_upload_is_refused_before_any_photo_is_processed(
    project, point_category
):
    project.allow_anonymous = True
    project.save()

    response = send(Client(HTTP_ACCEPT_LANGUAGE="de"), [(phone_jpeg(), "Die Ecke")])

    assert response.status_code == 400
    assert not Suggestion.objects.exists()


def test_the_author_adds_a_photo_to_their_suggestion_and_to_their_comment(
    author_client, citizen, point_category
):
    suggestion = SuggestionFactory(category=point_category, author=citizen)
    comment = CommentFactory(suggestion=suggestion, author=citizen)

    added = author_client.post(
        f"/api/v1/suggestions/{suggestion.pk}/photos/", {"photo": upload(phone_jpeg()), "alt": "Die Ecke"}
    )
    on_comment = author_client.post(
        f"/api/v1/suggestions/{suggestion.pk}/comments/{comment.pk}/photos/",
        {"photo": upload(encoded(marked(50, 40), "PNG"), "shot.png"), "alt": "So sieht es heute aus"},
    )
    second = author_client.post(
        f"/api/v1/suggestions/{suggestion.pk}/comments/{comment.pk}/photos/",
        {"photo": upload(phone_jpeg()), "alt": "Noch eins"},
    )

    assert added.status_code == 201, added.content
    assert on_comment.status_code == 201, on_comment.content
    assert second.status_code == 400
    assert second.json()["code"] == "too_many_photos"
    assert Photo.objects.filter(comment=comment).count() == 1


def test_a_published_comments_published_photo_is_listed_with_the_comment(point_category):
    comment = CommentFactory(suggestion=SuggestionFactory(category=point_category))
    photo = PhotoFactory(suggestion=comment.suggestion, comment=comment)
    PhotoFactory(
        suggestion=comment.suggestion,
        comment=CommentFactory(suggestion=comment.suggestion),
        moderation_state="pending",
    )

    listed = Client().get(f"/api/v1/suggestions/{comment.suggestion_id}/comments/").json()

    photos = [p["id"] for c in listed for p in c["photos"]]
    assert photos == [photo.key]


def test_someone_elses_suggestion_takes_no_photo_from_me(point_category, citizen):
    suggestion = SuggestionFactory(category=point_category, author=UserFactory())
    client = Client(HTTP_ACCEPT_LANGUAGE="de")
    client.force_login(citizen)

    response = client.post(
        f"/api/v1/suggestions/{suggestion.pk}/photos/", {"photo": upload(phone_jpeg()), "alt": "Meins"}
    )
    anonymous = Client().post(
        f"/api/v1/suggestions/{suggestion.pk}/photos/", {"photo": upload(phone_jpeg()), "alt": "Meins"}
    )

    assert response.status_code == 403
    assert response.json()["message"].startswith("Nur wer den Beitrag verfasst hat")
    assert anonymous.status_code == 401
    assert not Photo.objects.exists()


# ------------------------------------------------------------------------------------------------ limits


def test_a_fourth_photo_is_refused(author_client, citizen, point_category, photo_root):
    suggestion = SuggestionFactory(category=point_category, author=citizen)
    for position in range(3):
        PhotoFactory(suggestion=suggestion, position=position)
    before = stored_files(photo_root)

    response = author_client.post(
        f"/api/v1/suggestions/{suggestion.pk}/photos/", {"photo": upload(phone_jpeg()), "alt": "Noch eins"}
    )

    assert response.status_code == 400
    assert response.json()["code"] == "too_many_photos"
    assert "höchstens 3 Fotos" in response.json()["message"]
    assert Photo.objects.filter(suggestion=suggestion).count() == 3
    assert stored_files(photo_root) == before


def test_four_photos_with_a_new_suggestion_are_refused_whole(author_client, point_category, photo_root):
    response = send(author_client, [(phone_jpeg(), f"Foto {n}") for n in range(4)])

    assert response.status_code == 400
    assert response.json()["code"] == "too_many_photos"
    assert not Suggestion.objects.exists()
    assert stored_files(photo_root) == []


def test_a_photo_without_a_description_is_refused_in_german(author_client, point_category, photo_root):
    response = send(author_client, [(phone_jpeg(), "Die Ecke"), (phone_jpeg(), "   ")])

    assert response.status_code == 400
    assert response.json()["errors"] == {"alt": [response.json()["message"]]}
    assert "beschreiben Sie jedes Foto" in response.json()["message"]
    assert not Suggestion.objects.exists()
    assert stored_files(photo_root) == []


def test_a_50_mb_upload_is_refused_from_its_length_before_it_is_read(
    author_client, point_category, photo_root
):
    big = b"\xff\xd8\xff\xe0" + b"\0" * (50 * 1024 * 1024)

    response = send(author_client, [(big, "Riesig")])

    assert response.status_code == 413
    assert response.json()["code"] == "photo_too_large"
    assert "15 MB" in response.json()["message"]
    assert not Suggestion.objects.exists()


def test_a_file_beyond_the_limit_is_refused_at_the_first_byte_beyond_it(
    author_client, point_category, settings
):
    # Three photos' room in the request, but one file alone is larger than a photo may be.
    settings.PHOTO_UPLOAD_MAX_BYTES = 200_000
    small = encoded(marked(40, 30), "PNG")
    large = b"\x89PNG" + b"\0" * 300_000

    response = send(author_client, [(small, "Klein"), (large, "Zu groß")])

    assert response.status_code == 413
    assert response.json()["code"] == "photo_too_large"
    assert not Suggestion.objects.exists()


# ------------------------------------------------------------------------------------------------ bad input

BAD_FILES = {
    "not-an-image": (b"Nur ein Text.\n" * 50, "photo_not_an_image"),
    **{name: (data, "photo_not_an_image") for name, data in NOT_IMAGES.items()},
    "decompression-bomb": (bomb(), "photo_too_many_pixels"),
    "truncated-jpeg": (truncated_jpeg(), "photo_truncated"),
    "animated-png": (animated("PNG"), "photo_animated"),
    "animated-webp": (animated("WEBP"), "photo_animated"),
}
GERMAN = {
    "photo_not_an_image": "JPEG, PNG, WebP oder HEIC",
    "photo_too_many_pixels": "Megapixel",
    "photo_truncated": "unvollständig",
    "photo_animated": "Animierte Bilder",
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_a_bad_second_photo_refuses_the_suggestion_in_german_and_stores_nothing(
    name, author_client, point_category, photo_root
):
    data, code = BAD_FILES[name]

    response = send(author_client, [(phone_jpeg(), "Die Ecke"), (data, "Das zweite Foto")])

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == code
    assert body["errors"] == {"photo": [body["message"]]}
    assert body["photo_index"] == 1  # the second photo: the form says it next to that one
    assert GERMAN[code] in body["message"]
    assert not Suggestion.objects.exists()
    assert not Photo.objects.exists()
    assert stored_files(photo_root) == []


def test_a_file_under_another_name_is_refused_not_dropped(author_client, point_category, photo_root):
    form = {"feature": json.dumps(FEATURE), "image": upload(phone_jpeg()), "alt": "Die Ecke"}

    response = author_client.post(CREATE, form)

    assert response.status_code == 400
    assert response.json()["errors"] == {"photo": ["Bitte senden Sie Fotos im Feld „photo“."]}
    assert not Suggestion.objects.exists()


def test_the_same_refusal_speaks_english_to_an_english_browser(citizen, point_category):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(citizen)

    response = send(client, [(SVG, "Ein Bild")])

    assert response.status_code == 400
    assert "JPEG, PNG, WebP or HEIC" in response.json()["message"]


def test_a_jpeg_html_polyglot_is_served_as_a_plain_jpeg(author_client, point_category, open_photos):
    photo = photo_of(send(author_client, [(jpeg_html_polyglot(), "Ein Foto mit Beigabe")]))

    served = Client().get(photo["url"])
    body = b"".join(served.streaming_content)

    assert served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"<script" not in body


def test_files_written_before_the_database_refused_are_removed(
    author_client, point_category, photo_root, monkeypatch
):
    """A write that fails after the files were stored (here: the rows' INSERT) leaves no file behind."""

    def refuse(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Photo.objects, "bulk_create", refuse)

    with pytest.raises(RuntimeError):
        send(author_client, [(phone_jpeg(), "Die Ecke"), (phone_jpeg(), "Noch eine")])

    assert stored_files(photo_root) == []
    assert not Suggestion.objects.exists()


def test_a_storage_failing_halfway_leaves_no_file_behind(
    author_client, point_category, photo_root, monkeypatch
):
    saved = []
    original = FileSystemStorage.save

    def save_then_fail(self, name, content, **kwargs):
        if len(saved) == 4:  # the second photo's second file
            raise OSError("bucket unreachable")
        saved.append(name)
        return original(self, name, content, **kwargs)

    monkeypatch.setattr(FileSystemStorage, "save", save_then_fail)

    with pytest.raises(OSError, match="bucket"):
        send(author_client, [(phone_jpeg(), "Die Ecke"), (phone_jpeg(), "Noch eine")])

    assert len(saved) == 4
    assert stored_files(photo_root) == []
    assert not Suggestion.objects.exists()


# ------------------------------------------------------------------------------------------------ visibility


@pytest.mark.parametrize("state", ["hidden", "rejected", "withdrawn", "pending"])
def test_a_photo_of_a_suggestion_gone_from_the_map_is_gone_too(state, point_category, citizen):
    photo = PhotoFactory(suggestion=SuggestionFactory(category=point_category, author=citizen))
    Suggestion.objects.filter(pk=photo.suggestion_id).update(moderation_state=state)
    url = f"/api/v1/photos/{photo.key}/full.jpg"
    moderator = Client()
    moderator.force_login(UserFactory(moderator_of=point_category.project))
    other_moderator = Client()
    other_moderator.force_login(UserFactory(moderator_of=SuggestionFactory().project))

    assert Client().get(url).status_code == 404
    assert other_moderator.get(url).status_code == 404
    seen = moderator.get(url)
    assert seen.status_code == 200
    assert seen["Cache-Control"] == "private, no-store"


def test_a_rejected_or_hidden_photo_is_the_moderators_alone(point_category, citizen):
    for state in (ModerationState.REJECTED, ModerationState.HIDDEN):
        photo = PhotoFactory(
            suggestion=SuggestionFactory(category=point_category, author=citizen), moderation_state=state
        )
        author = Client()
        author.force_login(citizen)
        assert author.get(f"/api/v1/photos/{photo.key}/small.jpg").status_code == 404
        assert (
            Client().get(f"/api/v1/suggestions/{photo.suggestion_id}/").json()["properties"]["photos"] == []
        )


def test_unknown_keys_and_renditions_are_not_found_as_json(point_category):
    photo = PhotoFactory(suggestion=SuggestionFactory(category=point_category))

    for url in (
        f"/api/v1/photos/{photo.key}/original.jpg",
        f"/api/v1/photos/{photo.key[:-1]}x/full.jpg",
        "/api/v1/photos/../full.jpg",
    ):
        response = Client().get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"] == "application/json"


def test_the_detail_lists_the_published_photos_with_their_addresses(point_category):
    suggestion = SuggestionFactory(category=point_category)
    PhotoFactory(suggestion=suggestion, position=1, alt_text="Zweites")
    PhotoFactory(suggestion=suggestion, position=0, alt_text="Erstes")
    PhotoFactory(suggestion=suggestion, position=2, moderation_state="pending")

    photos = Client().get(f"/api/v1/suggestions/{suggestion.pk}/").json()["properties"]["photos"]

    assert [p["alt"] for p in photos] == ["Erstes", "Zweites"]
    assert photos[0]["url"].endswith(f"/api/v1/photos/{photos[0]['id']}/full.jpg")
    assert set(photos[0]["thumbnails"]) == {"medium", "small"}


def test_a_token_client_uploads_too(point_category, citizen, photo_root):
    client = Client(HTTP_AUTHORIZATION=f"Token {TokenFactory(user=citizen).key}")

    response = send(client, [(phone_jpeg(), "Die Ecke")])

    assert response.status_code == 201, response.content
    assert len(stored_files(photo_root)) == 3


# -------------------------------------------------------------------------------------------- personal data


def test_photos_lose_their_author_and_address_with_the_account_and_after_the_retention(
    point_category, citizen, settings
):
    settings.ADDRESS_RETENTION_DAYS = 30
    mine = PhotoFactory(suggestion=SuggestionFactory(category=point_category, author=citizen), author=citizen)
    old = PhotoFactory(
        suggestion=SuggestionFactory(category=point_category),
        source_address="a" * 64,
        created_at=timezone.now() - timedelta(days=31),
    )
    Photo.objects.filter(pk=mine.pk).update(source_address="b" * 64)

    services.personal_data_purge()
    listed = selectors.account_data_get(user=citizen)["photos"]
    assert [(p["description"], p["file"]) for p in listed] == [
        (mine.alt_text, f"/api/v1/photos/{mine.key}/full.jpg")
    ]
    services.account_delete(user=citizen)

    assert Photo.objects.get(pk=old.pk).source_address == ""
    kept = Photo.objects.get(pk=mine.pk)  # the photo stays with its (anonymised) suggestion
    assert (kept.author_id, kept.source_address) == (None, "")


# ------------------------------------------------------------------------------------------------ orphans


def test_the_purge_deletes_files_no_photo_names_once_they_are_an_hour_old(point_category, photo_root):
    kept = PhotoFactory(suggestion=SuggestionFactory(category=point_category))
    orphaned = PhotoFactory(suggestion=SuggestionFactory(category=point_category))
    orphaned.suggestion.delete()  # the row goes by cascade, its files stay
    assert len(stored_files(photo_root)) == 6

    assert services.photo_files_purge() == 0  # written just now: perhaps a photo being stored
    later = timezone.now() + timedelta(hours=2)
    assert services.photo_files_purge(now=later, dry_run=True) == 3
    assert len(stored_files(photo_root)) == 6
    assert services.photo_files_purge(now=later) == 3

    assert [path.parent.name for path in stored_files(photo_root)] == [kept.key] * 3
    assert Client().get(f"/api/v1/photos/{kept.key}/full.jpg").status_code == 200
