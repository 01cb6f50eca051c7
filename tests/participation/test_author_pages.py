"""What authors see of their own suggestion and do with it: the page after a merge, a withdrawal or a
rejection, editing while it waits for review, withdrawing it."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from participation.models import ModerationAction, ModerationEvent, ModerationState
from tests.factories import SuggestionFactory, UserFactory

CITY = "8.3,48.9,8.5,49.1"


def page_url(suggestion, suffix=""):
    return f"/projects/{suggestion.project.slug}/suggestions/{suggestion.pk}/{suffix}"


def api_url(suggestion):
    return f"/api/v1/suggestions/{suggestion.pk}/"


def reject(suggestion, reason):
    ModerationEvent.objects.create(
        project_id=suggestion.project_id,
        suggestion=suggestion,
        action=ModerationAction.REJECT,
        from_state=ModerationState.PENDING,
        to_state=ModerationState.REJECTED,
        reason=reason,
    )
    suggestion.moderation_state = ModerationState.REJECTED
    suggestion.save(update_fields=["moderation_state"])


@pytest.fixture
def pending(point_category, citizen):
    return SuggestionFactory(
        category=point_category, author=citizen, moderation_state=ModerationState.PENDING, title="Alt"
    )


@pytest.fixture
def published(point_category, citizen):
    return SuggestionFactory(category=point_category, author=citizen, title="Am Markt")


# ------------------------------------------------------------------------------------ visibility


def test_a_merged_suggestions_page_redirects_to_the_one_it_went_into(client, point_category):
    target = SuggestionFactory(category=point_category)
    merged = SuggestionFactory(
        category=point_category, moderation_state=ModerationState.MERGED, merged_into=target
    )

    response = client.get(page_url(merged))

    assert response.status_code == 302
    assert response["Location"] == page_url(target)


def test_a_chain_of_merges_leads_to_its_end(client, point_category):
    final = SuggestionFactory(category=point_category)
    middle = SuggestionFactory(
        category=point_category, moderation_state=ModerationState.MERGED, merged_into=final
    )
    first = SuggestionFactory(
        category=point_category, moderation_state=ModerationState.MERGED, merged_into=middle
    )

    assert client.get(page_url(first))["Location"] == page_url(final)


def test_the_api_answers_410_for_a_merged_suggestion_naming_the_target(client, point_category):
    target = SuggestionFactory(category=point_category)
    merged = SuggestionFactory(
        category=point_category, moderation_state=ModerationState.MERGED, merged_into=target
    )

    response = client.get(api_url(merged), HTTP_ACCEPT_LANGUAGE="en")

    body = json.loads(response.content)
    assert response.status_code == 410
    assert body["code"] == "suggestion_merged"
    assert f"merged into suggestion {target.pk}" in body["message"]


def test_a_withdrawn_suggestion_is_410_for_others_and_readable_for_its_author(
    client, client_factory, point_category, citizen
):
    withdrawn = SuggestionFactory(
        category=point_category, author=citizen, moderation_state=ModerationState.WITHDRAWN, title="Zurück"
    )

    anonymous = client.get(page_url(withdrawn), HTTP_ACCEPT_LANGUAGE="en")
    other = client_factory(UserFactory()).get(api_url(withdrawn), HTTP_ACCEPT_LANGUAGE="en")
    own = client_factory(citizen).get(page_url(withdrawn), HTTP_ACCEPT_LANGUAGE="en")

    assert anonymous.status_code == 410
    assert "withdrawn by its author" in anonymous.content.decode()
    assert other.status_code == 410
    assert json.loads(other.content)["code"] == "suggestion_withdrawn"
    assert own.status_code == 200
    html = own.content.decode()
    assert 'id="withdrawn-notice"' in html
    assert 'id="edit-link"' not in html
    assert 'id="withdraw-link"' not in html


def test_the_author_of_a_rejected_suggestion_reads_the_reason_others_get_410(
    client, client_factory, point_category, citizen
):
    rejected = SuggestionFactory(category=point_category, author=citizen, moderation_state="pending")
    reject(rejected, "Zu ungenau.")  # an older decision, later taken back and taken again
    ModerationEvent.objects.create(
        project_id=rejected.project_id,
        suggestion=rejected,
        action=ModerationAction.REJECT,
        from_state=ModerationState.PENDING,
        to_state=ModerationState.REJECTED,
        reason="Liegt außerhalb <des> Gebiets.",
        created_at=timezone.now() + timedelta(seconds=1),
    )

    own = client_factory(citizen).get(page_url(rejected), HTTP_ACCEPT_LANGUAGE="en")
    anonymous = client.get(page_url(rejected), HTTP_ACCEPT_LANGUAGE="en")
    other = client_factory(UserFactory()).get(page_url(rejected), HTTP_ACCEPT_LANGUAGE="en")

    html = own.content.decode()
    assert own.status_code == 200
    assert 'id="rejected-notice"' in html
    assert "Liegt außerhalb &lt;des&gt; Gebiets." in html  # the last reason, as text
    assert "Zu ungenau." not in html
    assert anonymous.status_code == 410
    assert other.status_code == 410
    assert "Liegt außerhalb" not in other.content.decode()


def test_the_authors_own_list_includes_rejected_suggestions(client_factory, point_category, citizen):
    rejected = SuggestionFactory(category=point_category, author=citizen)
    reject(rejected, "Doppelt.")
    hidden = SuggestionFactory(category=point_category, author=citizen, moderation_state="hidden")

    response = client_factory(citizen).get(f"/api/v1/projects/{point_category.project.slug}/list/?mine=true")

    ids = [item["id"] for item in json.loads(response.content)["results"]]
    assert rejected.pk in ids
    assert hidden.pk not in ids
    other_list = client_factory(UserFactory()).get(f"/api/v1/projects/{point_category.project.slug}/list/")
    assert rejected.pk not in [item["id"] for item in json.loads(other_list.content)["results"]]


# ------------------------------------------------------------------------------------ edit


def test_the_author_edits_a_pending_suggestion(client_factory, citizen, pending):
    author = client_factory(citizen)

    page = author.get(page_url(pending), HTTP_ACCEPT_LANGUAGE="en")
    form = author.get(page_url(pending, "edit/"), HTTP_ACCEPT_LANGUAGE="en")
    saved = author.post(page_url(pending, "edit/"), {"title": "Neu", "text": "Besser beschrieben"})

    pending.refresh_from_db()
    assert 'id="edit-link"' in page.content.decode()
    assert form.status_code == 200
    assert "the moderators will see your corrected version" in form.content.decode()
    assert saved.status_code == 302
    assert saved["Location"] == page_url(pending)
    assert (pending.title, pending.text) == ("Neu", "Besser beschrieben")
    assert ModerationEvent.objects.filter(suggestion=pending, action=ModerationAction.EDIT).count() == 1


def test_an_empty_title_is_refused_at_the_field(client_factory, citizen, pending):
    response = client_factory(citizen).post(page_url(pending, "edit/"), {"title": "  ", "text": ""})

    pending.refresh_from_db()
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert pending.title == "Alt"


def test_a_withdrawn_suggestion_can_no_longer_be_edited(client_factory, citizen, published):
    published.moderation_state = ModerationState.WITHDRAWN
    published.save(update_fields=["moderation_state"])
    author = client_factory(citizen)

    page = author.get(page_url(published))
    form = author.get(page_url(published, "edit/"), follow=True, HTTP_ACCEPT_LANGUAGE="en")
    posted = author.post(page_url(published, "edit/"), {"title": "Geändert", "text": ""}, follow=True)

    published.refresh_from_db()
    assert 'id="edit-link"' not in page.content.decode()
    assert (
        "Only a suggestion that is waiting for review or published can be corrected" in form.content.decode()
    )
    assert posted.redirect_chain[-1][0] == page_url(published)
    assert published.title == "Am Markt"


def test_editing_ends_with_the_phase(client_factory, citizen, pending):
    project = pending.project
    project.phase_start = timezone.now() - timedelta(days=20)
    project.phase_end = timezone.now() - timedelta(days=1)
    project.save()

    response = client_factory(citizen).post(page_url(pending, "edit/"), {"title": "Zu spät", "text": ""})

    pending.refresh_from_db()
    assert response.status_code == 302
    assert pending.title == "Alt"


def test_nobody_else_edits_or_withdraws_a_suggestion(client, client_factory, pending, published):
    other = client_factory(UserFactory())

    assert other.post(page_url(pending, "edit/"), {"title": "Fremd", "text": ""}).status_code == 404
    assert other.post(page_url(published, "withdraw/")).status_code == 302
    assert client.post(page_url(published, "withdraw/")).status_code == 302  # to the sign-in page
    pending.refresh_from_db()
    published.refresh_from_db()
    assert pending.title == "Alt"
    assert published.moderation_state == ModerationState.PUBLISHED


# ------------------------------------------------------------------------------------ withdraw


def test_withdrawing_asks_then_takes_the_suggestion_off_the_map(client, client_factory, citizen, published):
    author = client_factory(citizen)
    collection = f"/api/v1/projects/{published.project.slug}/suggestions/"
    before = json.loads(client.get(collection).content)

    confirm = author.get(page_url(published, "withdraw/"), HTTP_ACCEPT_LANGUAGE="en")
    done = author.post(page_url(published, "withdraw/"))

    after = json.loads(client.get(collection).content)
    map_after = json.loads(
        client.get(f"/api/v1/projects/{published.project.slug}/map/?bbox={CITY}&zoom=18").content
    )
    published.refresh_from_db()
    assert confirm.status_code == 200
    assert 'id="confirm-withdraw"' in confirm.content.decode()
    assert done.status_code == 302
    assert done["Location"] == page_url(published)
    assert published.moderation_state == ModerationState.WITHDRAWN
    assert [f["id"] for f in before["features"]] == [published.pk]
    assert after["features"] == []
    assert map_after["features"] == []
    assert client.get(api_url(published)).status_code == 410
    assert ModerationEvent.objects.filter(suggestion=published, action=ModerationAction.WITHDRAW).exists()


def test_a_rejected_suggestion_cannot_be_withdrawn(client_factory, citizen, published):
    reject(published, "Nein.")

    response = client_factory(citizen).post(page_url(published, "withdraw/"))

    published.refresh_from_db()
    assert response.status_code == 302
    assert published.moderation_state == ModerationState.REJECTED
