"""Suggestion.photo_keys, kept by the database (migration participation 0014): the keys of the suggestion's
own published photos in their order, whatever changes a photo and whoever writes the suggestion."""

import pytest
from django.db import connection

from participation.models import ModerationState, Photo, Suggestion
from tests.factories import CommentFactory, PhotoFactory, SuggestionFactory

pytestmark = pytest.mark.django_db


def keys_of(suggestion: Suggestion) -> list[str]:
    return Suggestion.objects.values_list("photo_keys", flat=True).get(pk=suggestion.pk)


def test_only_the_suggestions_own_published_photos_in_their_order(point_category):
    suggestion = SuggestionFactory(category=point_category)
    second = PhotoFactory(suggestion=suggestion, position=1)
    first = PhotoFactory(suggestion=suggestion, position=0)
    PhotoFactory(suggestion=suggestion, position=2, moderation_state=ModerationState.PENDING)
    PhotoFactory(suggestion=suggestion, comment=CommentFactory(suggestion=suggestion))

    assert keys_of(suggestion) == [first.key, second.key]


def test_a_decision_or_a_deletion_changes_them(point_category):
    suggestion = SuggestionFactory(category=point_category)
    photo = PhotoFactory(suggestion=suggestion, moderation_state=ModerationState.PENDING)
    assert keys_of(suggestion) == []

    Photo.objects.filter(pk=photo.pk).update(moderation_state=ModerationState.PUBLISHED)
    assert keys_of(suggestion) == [photo.key]

    Photo.objects.filter(pk=photo.pk).update(moderation_state=ModerationState.REJECTED)
    assert keys_of(suggestion) == []

    Photo.objects.filter(pk=photo.pk).update(moderation_state=ModerationState.PUBLISHED)
    photo.delete()
    assert keys_of(suggestion) == []


def test_a_photo_moved_to_another_suggestion_leaves_the_first(point_category):
    first, other = SuggestionFactory(category=point_category), SuggestionFactory(category=point_category)
    photo = PhotoFactory(suggestion=first)

    Photo.objects.filter(pk=photo.pk).update(suggestion=other)

    assert (keys_of(first), keys_of(other)) == ([], [photo.key])


def test_a_suggestion_saved_from_a_copy_read_before_the_photo_keeps_them(point_category):
    """save() writes every field: a copy read before a photo was published must not put back no keys."""
    suggestion = SuggestionFactory(category=point_category)
    stale = Suggestion.objects.get(pk=suggestion.pk)
    photo = PhotoFactory(suggestion=suggestion)

    stale.title = "Neuer Titel"
    stale.save()

    assert keys_of(suggestion) == [photo.key]
    assert Suggestion.objects.get(pk=suggestion.pk).title == "Neuer Titel"


def test_nobody_writes_them_directly(point_category):
    suggestion = SuggestionFactory(category=point_category)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE participation_suggestion SET photo_keys = '{forgedforgedforgedforg}' WHERE id = %s",
            [suggestion.pk],
        )
    assert keys_of(suggestion) == []
