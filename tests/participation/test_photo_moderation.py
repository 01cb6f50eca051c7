"""Moderators' decisions on one photo through the services: approve, remove, blur; the audit trail; stale
decisions; who may; and the readers of an item's own decisions, which a photo's decision must not confuse."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import translation
from PIL import Image, ImageStat

from participation import selectors, services
from participation.errors import (
    AlreadyDecided,
    DecisionNotPossible,
    NotAllowed,
    NotSignedIn,
    PhotoGone,
    PhotoRegionsInvalid,
)
from participation.models import ModerationAction, ModerationEvent, ModerationState, Photo, Suggestion
from participation.selectors.moderation import queue_item_list
from participation.selectors.public import suggestion_rejection_reason
from participation.services import photo_moderation
from participation.services.photos import photo_file_name, photo_files_write, photo_storage
from tests.factories import CitizenFactory, CommentFactory, PhotoFactory, ProjectFactory, SuggestionFactory
from tests.participation.photo_files import noisy_photo

S = ModerationState
RENDITIONS = ("full", "medium", "small")


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def moderator(project):
    return CitizenFactory(username="mara", profile__display_name="Mara (Moderation)", moderator_of=project)


@pytest.fixture
def second_moderator(project):
    return CitizenFactory(username="moritz", profile__display_name="Moritz", moderator_of=project)


@pytest.fixture
def published(point_category, citizen):
    return SuggestionFactory(category=point_category, author=citizen, title="Ecke an der Haltestelle")


def waiting_photo(suggestion, **fields):
    return PhotoFactory(suggestion=suggestion, moderation_state=S.PENDING, **fields)


def decision(photo, seen_event=0):
    return services.PhotoDecision(photo.key, photo.moderation_state, seen_event)


def stored(key, rendition="full"):
    return photo_storage().exists(photo_file_name(key, rendition))


def detailed_photo(suggestion, *, size=(1200, 900), state=S.PUBLISHED) -> Photo:
    return noisy_photo(suggestion, size=size, state=state)


def read_image(key, rendition="full") -> Image.Image:
    with photo_storage().open(photo_file_name(key, rendition), "rb") as stored_file:
        image = Image.open(stored_file)
        image.load()
    return image.convert("L")


# ------------------------------------------------------------------------------------------ approve


def test_approving_a_photo_added_to_a_published_suggestion_publishes_it_with_an_audit_row(
    moderator, published
):
    photo = waiting_photo(published)

    event = services.photo_decide(actor=moderator, decision=decision(photo), action="approve")

    photo.refresh_from_db()
    assert photo.moderation_state == S.PUBLISHED
    assert (event.photo_id, event.suggestion_id, event.comment_id, event.project_id) == (
        photo.pk,
        published.pk,
        None,
        published.project_id,
    )
    assert (event.action, event.from_state, event.to_state, event.actor_id) == (
        ModerationAction.APPROVE,
        S.PENDING,
        S.PUBLISHED,
        moderator.pk,
    )
    assert Suggestion.objects.get(pk=published.pk).photo_keys == [photo.key]
    # The suggestion itself is not decided: still published, no event of its own.
    assert not ModerationEvent.objects.filter(suggestion=published, photo__isnull=True).exists()


def test_a_comments_photo_is_approved_alone(moderator, published):
    comment = CommentFactory(suggestion=published)
    photo = waiting_photo(published, comment=comment)

    event = services.photo_decide(actor=moderator, decision=decision(photo), action="approve")

    photo.refresh_from_db()
    comment.refresh_from_db()
    assert photo.moderation_state == S.PUBLISHED
    assert comment.moderation_state == S.PUBLISHED
    assert (event.comment_id, event.photo_id) == (comment.pk, photo.pk)


def test_a_photo_sent_with_a_waiting_suggestion_is_approved_with_it_not_alone(moderator, point_category):
    suggestion = SuggestionFactory(category=point_category, moderation_state=S.PENDING)
    photo = waiting_photo(suggestion)

    with pytest.raises(DecisionNotPossible, match="Approve the contribution itself"):
        services.photo_decide(actor=moderator, decision=decision(photo), action="approve")

    photo.refresh_from_db()
    assert photo.moderation_state == S.PENDING
    assert not ModerationEvent.objects.exists()


def test_approving_a_published_photo_is_not_possible(moderator, published):
    photo = PhotoFactory(suggestion=published)

    with pytest.raises(DecisionNotPossible, match="already published"):
        services.photo_decide(actor=moderator, decision=decision(photo), action="approve")


# ------------------------------------------------------------------------------------------- remove


@pytest.mark.parametrize("state", [S.PENDING, S.PUBLISHED])
def test_removing_deletes_the_photo_and_its_files_after_the_commit(
    moderator, published, state, django_capture_on_commit_callbacks
):
    photo = PhotoFactory(suggestion=published, moderation_state=state)
    PhotoFactory(suggestion=published, position=1)  # another photo stays

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        event = services.photo_decide(
            actor=moderator, decision=decision(photo), action="remove", reason="Zeigt Kennzeichen"
        )
        # Until the commit the files are there: a rollback would keep a row that names them.
        assert all(stored(photo.key, r) for r in RENDITIONS)
    for callback in callbacks:
        callback()

    assert not Photo.objects.filter(pk=photo.pk).exists()
    assert not any(stored(photo.key, r) for r in RENDITIONS)
    assert (event.action, event.from_state, event.to_state, event.reason, event.photo_id) == (
        ModerationAction.REJECT,
        state,
        S.REJECTED,
        "Zeigt Kennzeichen",
        photo.pk,
    )
    assert photo.key not in Suggestion.objects.get(pk=published.pk).photo_keys
    # The audit row outlives the photo and says what it was about.
    assert ModerationEvent.objects.get(photo_id=photo.pk).suggestion_id == published.pk


def test_a_removal_rolled_back_keeps_the_photo_and_its_files(moderator, published):
    photo = PhotoFactory(suggestion=published)

    def remove_then_fail():
        with transaction.atomic():
            services.photo_decide(actor=moderator, decision=decision(photo), action="remove")
            raise RuntimeError("something later in the request failed")

    with pytest.raises(RuntimeError):
        remove_then_fail()

    assert Photo.objects.filter(pk=photo.pk, key=photo.key).exists()
    assert all(stored(photo.key, r) for r in RENDITIONS)


def test_a_photo_of_a_waiting_suggestion_can_be_removed_before_approving_it(moderator, point_category):
    suggestion = SuggestionFactory(category=point_category, moderation_state=S.PENDING)
    photo = waiting_photo(suggestion)

    services.photo_decide(actor=moderator, decision=decision(photo), action="remove")

    assert not Photo.objects.filter(pk=photo.pk).exists()
    suggestion.refresh_from_db()
    assert suggestion.moderation_state == S.PENDING


# --------------------------------------------------------------------------------------------- stale


def test_a_second_moderator_approving_the_same_photo_is_told_who_decided_first(
    moderator, second_moderator, published
):
    photo = waiting_photo(published)
    seen = decision(photo)
    services.photo_decide(actor=moderator, decision=seen, action="approve")

    with pytest.raises(AlreadyDecided, match=r"Already decided by Mara \(Moderation\) on .*: Approved"):
        services.photo_decide(actor=second_moderator, decision=seen, action="remove")

    assert Photo.objects.get(pk=photo.pk).moderation_state == S.PUBLISHED


def test_a_decision_on_a_photo_removed_or_blurred_meanwhile_is_refused_as_gone(
    moderator, second_moderator, published
):
    removed = waiting_photo(published)
    blurred = noisy_photo(published, size=(200, 150), position=1)
    services.photo_decide(actor=moderator, decision=decision(removed), action="remove")
    services.photo_blur(
        actor=moderator, decision=decision(blurred), regions=[{"x": 0, "y": 0, "w": 0.5, "h": 0.5}]
    )

    with pytest.raises(PhotoGone, match="someone removed or blurred it"):
        services.photo_decide(actor=second_moderator, decision=decision(removed), action="approve")
    with pytest.raises(PhotoGone):
        services.photo_blur(
            actor=second_moderator, decision=decision(blurred), regions=[{"x": 0, "y": 0, "w": 1, "h": 1}]
        )
    with pytest.raises(PhotoGone):
        services.photo_decide(actor=second_moderator, decision=decision(blurred), action="remove")


def test_a_photo_decision_made_on_an_older_event_is_refused(moderator, second_moderator, published):
    photo = detailed_photo(published, state=S.PENDING, size=(200, 150))
    _new, blur = services.photo_blur(
        actor=moderator, decision=decision(photo), regions=[{"x": 0.1, "y": 0.1, "w": 0.2, "h": 0.2}]
    )
    photo.refresh_from_db()

    # The same key and state, but the moderator saw the photo before its blur.
    with pytest.raises(AlreadyDecided, match="Regions blurred"):
        services.photo_decide(actor=second_moderator, decision=decision(photo, 0), action="approve")
    services.photo_decide(actor=second_moderator, decision=decision(photo, blur.pk), action="approve")


# --------------------------------------------------------------------------------------- who may


def test_only_the_projects_moderators_may_decide_on_its_photos(published, citizen):
    photo = waiting_photo(published)
    other_moderator = CitizenFactory(moderator_of=ProjectFactory(slug="anderswo"))

    with pytest.raises(NotSignedIn):
        services.photo_decide(actor=AnonymousUser(), decision=decision(photo), action="approve")
    for actor in (citizen, other_moderator):  # its author too
        with pytest.raises(NotAllowed):
            services.photo_decide(actor=actor, decision=decision(photo), action="approve")
        with pytest.raises(NotAllowed):
            services.photo_blur(
                actor=actor, decision=decision(photo), regions=[{"x": 0, "y": 0, "w": 1, "h": 1}]
            )

    photo.refresh_from_db()
    assert photo.moderation_state == S.PENDING
    assert not ModerationEvent.objects.exists()


# ------------------------------------------------------------------------------------------ the trail


def test_a_photos_audit_rows_are_append_only(moderator, published):
    photo = waiting_photo(published)
    event = services.photo_decide(actor=moderator, decision=decision(photo), action="approve")

    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        ModerationEvent.objects.filter(pk=event.pk).update(photo=None)
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        ModerationEvent.objects.filter(pk=event.pk).delete()

    assert ModerationEvent.objects.get(pk=event.pk).photo_id == photo.pk


# ---------------------------------------------------- readers of an item's own decisions are not confused


def test_a_photo_decision_does_not_make_the_items_own_decisions_stale(
    moderator, second_moderator, planner, published
):
    comment = CommentFactory(suggestion=published, moderation_state=S.PENDING)
    comment_photo = waiting_photo(published, comment=comment)
    own_photo = waiting_photo(published)
    # The moderator and the planner look at the suggestion and the comment: no own decision yet.
    items = {i.kind: i for i in queue_item_list(project=published.project)}
    assert items["comment"].last_event == 0
    assert items["photo"].photo.key == own_photo.key

    # Meanwhile another moderator decides on the suggestion's photo and removes the comment's.
    services.photo_decide(actor=second_moderator, decision=decision(own_photo), action="approve")
    services.photo_decide(actor=second_moderator, decision=decision(comment_photo), action="remove")

    # What they decide on what they saw still goes through: the answer, the comment, hiding.
    assert services.suggestion_answer(
        actor=planner, suggestion_id=published.pk, status="planned", answer="Wir prüfen das.", seen_event=0
    )
    approved = services.item_decide(
        actor=moderator, decision=services.Decision("comment", comment.pk, S.PENDING, 0), action="approve"
    )
    # (A comment's decision is one of its suggestion's events, as before photos.)
    services.item_decide(
        actor=moderator,
        decision=services.Decision("suggestion", published.pk, S.PUBLISHED, approved.pk),
        action="hide",
    )
    assert Suggestion.objects.get(pk=published.pk).moderation_state == S.HIDDEN


def test_a_removed_photos_reason_is_not_the_suggestions_rejection_reason(moderator, point_category):
    suggestion = SuggestionFactory(category=point_category, moderation_state=S.PENDING)
    photo = waiting_photo(suggestion)
    services.photo_decide(
        actor=moderator, decision=decision(photo), action="remove", reason="Fremdes Gesicht"
    )

    assert suggestion_rejection_reason(suggestion=suggestion) == ""
    services.item_decide(
        actor=moderator,
        decision=services.Decision("suggestion", suggestion.pk, S.PENDING, 0),
        action="reject",
        reason="Außerhalb des Gebiets",
    )
    assert suggestion_rejection_reason(suggestion=suggestion) == "Außerhalb des Gebiets"


def test_the_queue_item_of_a_suggestion_keeps_its_own_last_decision_and_labels_photo_events(
    moderator, published
):
    photo = waiting_photo(published)
    services.photo_decide(actor=moderator, decision=decision(photo), action="approve")
    history = selectors.moderation_event_list(suggestion=published)

    assert [selectors.event_label(e) for e in history] == ["Photo approved"]
    assert Suggestion.objects.get(pk=published.pk).photo_keys == [photo.key]


# ---------------------------------------------------------------------------------------------- blur


def variance(image: Image.Image, box: tuple[int, int, int, int]) -> float:
    return ImageStat.Stat(image.crop(box)).var[0]


def mean_difference(a: Image.Image, b: Image.Image, box: tuple[int, int, int, int]) -> float:
    diff = Image.frombytes(
        "L",
        a.crop(box).size,
        bytes(abs(x - y) for x, y in zip(a.crop(box).tobytes(), b.crop(box).tobytes(), strict=True)),
    )
    return ImageStat.Stat(diff).mean[0]


def test_blurring_makes_the_region_unreadable_leaves_the_rest_and_gives_the_photo_a_new_key(
    moderator, published, client, django_capture_on_commit_callbacks
):
    photo = detailed_photo(published)
    before = read_image(photo.key)
    width, height = before.size
    region = {"x": 0.25, "y": 0.5, "w": 0.3, "h": 0.2}
    old_url = f"/api/v1/photos/{photo.key}/full.jpg"
    assert client.get(old_url).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        blurred, event = services.photo_blur(
            actor=moderator, decision=decision(photo), regions=[region], reason="Gesicht"
        )

    after = read_image(blurred.key)
    inside = (int(0.25 * width) + 2, int(0.5 * height) + 2, int(0.55 * width) - 2, int(0.7 * height) - 2)
    outside = (0, 0, width, int(0.45 * height))  # above the region, clear of the blur's JPEG blocks
    # Noise of this strength has a variance of thousands; what is left inside is a few soft patches.
    assert variance(before, inside) > 2000
    assert variance(after, inside) < variance(before, inside) / 20
    # Outside: unchanged but for a second JPEG encoding.
    assert mean_difference(before, after, outside) < 6
    assert abs(variance(after, outside) - variance(before, outside)) < variance(before, outside) * 0.1
    # The thumbnails are derived from the blurred image again.
    small = read_image(blurred.key, "small")
    sw, sh = small.size
    small_inside = (int(0.25 * sw) + 2, int(0.5 * sh) + 2, int(0.55 * sw) - 2, int(0.7 * sh) - 2)
    assert variance(small, small_inside) < variance(before.resize(small.size), small_inside) / 5
    # A new key: the old addresses are gone (404), files and all; the new one answers.
    assert blurred.key != photo.key
    assert Photo.objects.get(pk=photo.pk).key == blurred.key
    assert client.get(old_url).status_code == 404
    assert not any(stored(photo.key, r) for r in RENDITIONS)
    assert client.get(f"/api/v1/photos/{blurred.key}/full.jpg").status_code == 200
    assert Suggestion.objects.get(pk=published.pk).photo_keys == [blurred.key]
    assert (event.action, event.photo_id, event.from_state, event.to_state, event.reason) == (
        ModerationAction.BLUR,
        photo.pk,
        S.PUBLISHED,
        S.PUBLISHED,
        "Gesicht",
    )


def test_several_regions_are_blurred_at_once(moderator, published):
    photo = detailed_photo(published, size=(800, 600))
    before = read_image(photo.key)

    blurred, _event = services.photo_blur(
        actor=moderator,
        decision=decision(photo),
        regions=[{"x": 0, "y": 0, "w": 0.25, "h": 0.25}, {"x": 0.75, "y": 0.75, "w": 0.25, "h": 0.25}],
    )

    after = read_image(blurred.key)
    for box in ((4, 4, 196, 146), (604, 454, 796, 596)):
        assert variance(after, box) < variance(before, box) / 20


def test_a_blur_that_fails_to_commit_leaves_the_old_photo_intact(moderator, published, monkeypatch):
    photo = detailed_photo(published, size=(200, 150))
    new_keys = []

    def write_and_note(processed, *, written):
        new_keys.append(photo_files_write(processed, written=written))
        return new_keys[-1]

    def failing_event(*args, **kwargs):
        raise DatabaseError("the database went away")

    monkeypatch.setattr(photo_moderation, "photo_files_write", write_and_note)
    monkeypatch.setattr(photo_moderation, "_event", failing_event)
    with pytest.raises(DatabaseError):
        services.photo_blur(
            actor=moderator, decision=decision(photo), regions=[{"x": 0, "y": 0, "w": 1, "h": 1}]
        )

    assert Photo.objects.get(pk=photo.pk).key == photo.key
    assert all(stored(photo.key, r) for r in RENDITIONS)
    # The blurred files written before the failure are gone again.
    [new_key] = new_keys
    assert not any(stored(new_key, r) for r in RENDITIONS)
    assert not ModerationEvent.objects.exists()


@pytest.mark.parametrize(
    ("regions", "message"),
    [
        ([], "at least one region"),
        (None, "at least one region"),
        ("0,0,1,1", "at least one region"),
        ([{"x": 0, "y": 0, "w": 0.1, "h": 0.1}] * 11, "at most 10 regions"),
        ([{"x": 0.5, "y": 0.5, "w": 0.6, "h": 0.1}], "within the photo"),
        ([{"x": -0.1, "y": 0, "w": 0.2, "h": 0.2}], "within the photo"),
        ([{"x": 0.1, "y": 0.1, "w": 0, "h": 0.2}], "a width and a height"),
        ([{"x": 0.1, "y": 0.1, "w": 0.2, "h": -0.2}], "a width and a height"),
        ([{"x": "0.1", "y": 0.1, "w": 0.2, "h": 0.2}], "as numbers"),
        ([{"x": True, "y": 0.1, "w": 0.2, "h": 0.2}], "as numbers"),
        ([{"x": float("nan"), "y": 0.1, "w": 0.2, "h": 0.2}], "as numbers"),
        ([{"x": 0.1, "y": 0.1, "w": 0.2}], "as numbers"),
        ([[0.1, 0.1, 0.2, 0.2]], "as numbers"),
    ],
)
def test_regions_that_cannot_be_blurred_are_refused_with_a_clear_message(
    moderator, published, regions, message
):
    photo = PhotoFactory(suggestion=published)

    with pytest.raises(PhotoRegionsInvalid, match=message) as refused:
        services.photo_blur(actor=moderator, decision=decision(photo), regions=regions)

    assert refused.value.status_code == 400
    assert Photo.objects.get(pk=photo.pk).key == photo.key
    assert not ModerationEvent.objects.exists()


def test_a_region_drawn_up_to_the_edge_is_clipped_to_the_photo(moderator, published):
    photo = detailed_photo(published, size=(200, 150))

    blurred, _event = services.photo_blur(
        actor=moderator, decision=decision(photo), regions=[{"x": 0.5, "y": 0.5, "w": 0.5000001, "h": 0.5}]
    )

    assert (blurred.width, blurred.height) == (200, 150)


# The author hears of it: removal and blur are mailed by the worker, in the suggestion's language.


def test_the_author_is_told_by_mail_when_a_moderator_removes_their_photo(
    moderator, published, mailoutbox, run_worker, django_capture_on_commit_callbacks
):
    Suggestion.objects.filter(pk=published.pk).update(language="en")  # written in English
    photo = PhotoFactory(suggestion=published, alt_text="Die Ecke mit Kennzeichen")
    with django_capture_on_commit_callbacks(execute=True):
        services.photo_decide(
            actor=moderator, decision=decision(photo), action="remove", reason="Ein Kennzeichen ist lesbar."
        )
    assert mailoutbox == []  # the worker sends it, not the moderator's request

    assert run_worker() == 0

    [mail] = mailoutbox
    assert mail.to == ["anna@example.org"]
    assert "Die Ecke mit Kennzeichen" in mail.body
    assert "Ein Kennzeichen ist lesbar." in mail.body
    assert f"/suggestions/{published.pk}/" in mail.body
    assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail.subject.startswith('Your photo in "')
    assert mail.subject.endswith('" was removed')


def test_a_commenters_photo_blurred_is_mailed_to_the_commenter_in_the_suggestions_language(
    moderator, published, mailoutbox, run_worker
):
    Suggestion.objects.filter(pk=published.pk).update(language="de")
    commenter = CitizenFactory(username="ben", email="ben@example.org")
    comment = CommentFactory(suggestion=published, author=commenter)
    photo = PhotoFactory(suggestion=published, comment=comment, author=commenter, alt_text="Der Eingang")

    services.photo_blur(
        actor=moderator, decision=decision(photo), regions=[{"x": 0, "y": 0, "w": 0.5, "h": 0.5}]
    )
    run_worker()

    [mail] = mailoutbox
    assert mail.to == ["ben@example.org"]
    assert "Teil Ihres Fotos" in mail.subject
    assert "„Der Eingang“" in mail.body or '"Der Eingang"' in mail.body


def test_an_anonymous_authors_photo_removal_goes_to_their_confirmed_address_only(
    moderator, point_category, mailoutbox, run_worker
):
    from django.utils import timezone

    from participation.models import SuggestionContact

    suggestion = SuggestionFactory(category=point_category, author=None)
    SuggestionContact.objects.create(
        suggestion=suggestion, email="bea@example.org", language="en", confirmed_at=timezone.now()
    )
    own = PhotoFactory(suggestion=suggestion, author=None)
    commenters = PhotoFactory(
        suggestion=suggestion, comment=CommentFactory(suggestion=suggestion, author=None), author=None
    )

    for photo in (own, commenters):
        services.photo_decide(actor=moderator, decision=decision(photo), action="remove")
    run_worker()

    # The photo sent with the suggestion: its author's confirmed address. An anonymous comment left none.
    assert [mail.to for mail in mailoutbox] == [["bea@example.org"]]


def test_a_removal_that_fails_to_commit_mails_nobody(moderator, published, mailoutbox, run_worker):
    photo = PhotoFactory(suggestion=published)

    def remove_then_fail() -> None:
        with transaction.atomic():
            services.photo_decide(actor=moderator, decision=decision(photo), action="remove")
            raise DatabaseError("the commit fails")

    with pytest.raises(DatabaseError):
        remove_then_fail()

    run_worker()

    assert mailoutbox == []
    assert Photo.objects.filter(pk=photo.pk).exists()
