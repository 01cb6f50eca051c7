"""The moderation pages without JavaScript: who may see the queue, what it lists, and each decision form."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from participation.models import (
    ModerationEvent,
    ModerationState,
    Report,
    Suggestion,
)
from tests.factories import (
    CitizenFactory,
    CommentFactory,
    ProjectFactory,
    ReportFactory,
    SuggestionFactory,
    UserFactory,
)

S = ModerationState


def queue_url(project):
    return f"/projects/{project.slug}/moderation/"


@pytest.fixture
def moderator(project):
    return CitizenFactory(
        username="mona", email="mona@example.org", profile__display_name="Mona M.", moderator_of=project
    )


@pytest.fixture
def mod_client(client_factory, moderator):
    return client_factory(moderator)


def ago(**delta):
    return timezone.now() - timedelta(**delta)


def pending(category, **fields):
    return SuggestionFactory(category=category, moderation_state=S.PENDING, **fields)


def report(suggestion, *, comment=None, reason="spam", text="", when=None):
    return ReportFactory(
        suggestion=suggestion,
        comment=comment,
        reporter=UserFactory(),
        reason=reason,
        text=text,
        created_at=when or timezone.now(),
    )


def flashed(response):
    """The messages a decision leaves for the queue it redirects to."""
    return [str(m) for m in get_messages(response.wsgi_request)]


def shown(client, response):
    """The queue a refused decision sends the browser back to (Post/Redirect/Get), as the browser loads it."""
    assert response.status_code == 303
    assert response["Location"].startswith("/projects/")
    return client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()


def decide(client, item, action, *, kind="suggestion", reason="", seen_state=None, seen_event=0, back=""):
    return client.post(
        f"{queue_url(item.suggestion.project if kind == 'comment' else item.project)}decide/",
        {
            "kind": kind,
            "pk": item.pk,
            "seen_state": seen_state or item.moderation_state,
            "seen_event": seen_event,
            "action": action,
            "reason": reason,
            "back": back,
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )


# ------------------------------------------------------------------------------------------ access


def test_anonymous_visitors_are_sent_to_sign_in(client, project):
    response = client.get(queue_url(project))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/projects/test-project/moderation/")


def test_signed_in_people_without_the_role_get_403(client_factory, project, citizen):
    response = client_factory(citizen).get(queue_url(project), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 403
    assert "Only the moderators of this project" in response.content.decode()


def test_a_moderator_of_another_project_gets_403(client_factory, project, point_category):
    other = ProjectFactory(slug="other-project")
    someone = UserFactory(moderator_of=other)
    item = pending(point_category)

    client = client_factory(someone)

    assert client.get(queue_url(project)).status_code == 403
    assert client.get(queue_url(other)).status_code == 200
    assert decide(client, item, "approve").status_code == 403
    item.refresh_from_db()
    assert item.moderation_state == S.PENDING


def test_a_planner_is_not_a_moderator(client_factory, project):
    planner = UserFactory(planner_of=project)

    assert client_factory(planner).get(queue_url(project)).status_code == 403


def test_site_administrators_may_moderate_every_project(client_factory, project):
    admin = UserFactory(is_superuser=True, is_staff=True)

    assert client_factory(admin).get(queue_url(project)).status_code == 200


# ------------------------------------------------------------------------------------------ the queue


def test_the_queue_lists_pending_and_reported_items_oldest_first_without_e_mail(
    mod_client, point_category, citizen
):
    newer = pending(point_category, title="Neuer Vorschlag", created_at=ago(hours=1), author=citizen)
    reported = SuggestionFactory(
        category=point_category, title="Gemeldeter Vorschlag", created_at=ago(days=9)
    )
    report(reported, reason="offensive", text="Beleidigt die Nachbarn", when=ago(days=2))
    older = pending(point_category, title="Alter Vorschlag", created_at=ago(days=3), author=citizen)
    comment = CommentFactory(
        suggestion=reported, text="Neuer Kommentar", moderation_state=S.PENDING, created_at=ago(hours=5)
    )

    response = mod_client.get(queue_url(point_category.project), HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert response.status_code == 200
    order = [
        html.index(f'id="item-suggestion-{older.pk}"'),
        html.index(f'id="item-suggestion-{reported.pk}"'),
        html.index(f'id="item-comment-{comment.pk}"'),
        html.index(f'id="item-suggestion-{newer.pk}"'),
    ]
    assert order == sorted(order)
    assert "1 report: Offensive or hateful" in html
    assert "Beleidigt die Nachbarn" in html
    assert "Anna K." in html
    assert "(account)" in html
    assert "2 Waiting for review" in html  # the author's history in this project
    assert "2 new suggestions" in html
    assert "1 new comment" in html
    assert "1 reported item" in html
    assert "anna@example.org" not in html
    assert "mona@example.org" not in html
    assert "@example.org" not in html
    assert 'id="queue-config"' in html  # the small maps' data, as JSON, not as script


def test_published_items_without_reports_stay_out_of_the_queue(mod_client, point_category):
    waiting = pending(point_category, title="Wartet")
    SuggestionFactory(category=point_category, title="Längst veröffentlicht")

    response = mod_client.get(queue_url(point_category.project), HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="item-suggestion-{waiting.pk}"' in html
    assert "Längst veröffentlicht" not in html
    assert "0 reported items" in html


def test_an_empty_queue_says_so(mod_client, project):
    response = mod_client.get(queue_url(project), HTTP_ACCEPT_LANGUAGE="en")

    assert "Nothing is waiting for a decision." in response.content.decode()


def test_hostile_text_is_rendered_escaped(mod_client, point_category):
    item = pending(point_category, title="<script>alert(1)</script>", text='<img src=x onerror="alert(2)">')
    report(
        SuggestionFactory(category=point_category), text="<b onmouseover=alert(3)>x</b>", when=ago(minutes=1)
    )
    CommentFactory(suggestion=item, text="<svg onload=alert(4)>", moderation_state=S.PENDING)

    html = mod_client.get(queue_url(point_category.project)).content.decode()

    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html
    assert "<b onmouseover" not in html
    assert "<svg onload" not in html


def test_the_queue_shows_each_items_history_with_who_decided(mod_client, moderator, point_category):
    item = SuggestionFactory(category=point_category)
    ModerationEvent.objects.create(
        project=item.project, suggestion=item, actor=moderator, action="approve", from_state="pending",
        to_state="published", reason="Passt",
    )  # fmt: skip
    report(item, when=ago(minutes=3))

    html = mod_client.get(queue_url(item.project), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Mona M.: <strong>Approved</strong> – „Passt“" in html


def test_the_page_is_in_german_by_default(mod_client, point_category):
    pending(point_category)

    html = mod_client.get(queue_url(point_category.project)).content.decode()

    assert "Freigeben" in html
    assert "Ablehnen" in html
    assert "Tastenkürzel" in html


# ------------------------------------------------------------------------------------------ decisions


@pytest.mark.parametrize(
    ("state", "action", "reason", "after"),
    [
        (S.PENDING, "approve", "", S.PUBLISHED),
        (S.PENDING, "reject", "Keine Ladestation, Werbung", S.REJECTED),
        (S.PUBLISHED, "hide", "", S.HIDDEN),
        (S.HIDDEN, "unhide", "", S.PUBLISHED),
        (S.PUBLISHED, "dismiss", "", S.PUBLISHED),
    ],
)
def test_each_decision_changes_the_state_and_appends_an_event(
    mod_client, moderator, point_category, state, action, reason, after
):
    item = SuggestionFactory(category=point_category, moderation_state=state)
    if state != S.PENDING:
        report(item)

    response = decide(mod_client, item, action, reason=reason)

    assert response.status_code == 302
    assert response["Location"].startswith(queue_url(item.project))
    item.refresh_from_db()
    assert item.moderation_state == after
    event = ModerationEvent.objects.get(suggestion=item)
    assert (event.actor, event.action, event.from_state, event.to_state, event.reason) == (
        moderator, action, state, after, reason
    )  # fmt: skip
    assert not Report.objects.filter(suggestion=item, resolved_at__isnull=True).exists()
    assert flashed(response) == [f"Suggestion no. {item.pk}: {event.get_action_display()}."]


def test_a_comment_is_approved_through_the_page(mod_client, point_category):
    suggestion = SuggestionFactory(category=point_category)
    comment = CommentFactory(suggestion=suggestion, moderation_state=S.PENDING)

    response = decide(mod_client, comment, "approve", kind="comment")

    assert response.status_code == 302
    comment.refresh_from_db()
    suggestion.refresh_from_db()
    assert comment.moderation_state == S.PUBLISHED
    assert suggestion.comment_count == 1


def test_the_queue_hands_its_query_to_every_form_it_holds(mod_client, point_category):
    item = pending(point_category)

    html = mod_client.get(f"{queue_url(item.project)}?page=2&why=new").content.decode()

    # the decision, the merge, the bulk form and the blur dialog each carry it back to the queue
    assert html.count('name="back" value="page=2&amp;why=new"') == 4


def test_rejecting_without_a_reason_returns_to_the_queue_with_its_query_and_the_error_at_the_item(
    mod_client, point_category
):
    item = pending(point_category)

    response = decide(mod_client, item, "reject", back="page=2&why=new")

    # Post/Redirect/Get: the browser shows the queue's own address again, so a reload does not re-post.
    assert response.status_code == 303
    assert response["Location"] == f"{queue_url(item.project)}?page=2&why=new#item-suggestion-{item.pk}"
    html = mod_client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert (
        f'<p class="field-error item-error" id="error-suggestion-{item.pk}" role="alert">Please give a reason'
        in html
    )
    assert f'aria-describedby="error-suggestion-{item.pk}"' in html
    item.refresh_from_db()
    assert item.moderation_state == S.PENDING
    # said once: the queue loaded again (a reload) shows no stale error
    again = mod_client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'id="error-suggestion-{item.pk}"' not in again


@pytest.mark.parametrize(
    "back", ["//evil.example/", "https://evil.example/x", "a=1\r\nLocation: x", "x" * 3000]
)
def test_the_way_back_stays_on_the_queue_whatever_was_posted(mod_client, point_category, back):
    item = pending(point_category)

    response = decide(mod_client, item, "reject", back=back)

    location = response["Location"]
    assert location.startswith(f"{queue_url(item.project)}?") or location.startswith(
        f"{queue_url(item.project)}#"
    )
    assert "\n" not in location
    assert "//" not in location
    assert len(location) < 700


def test_a_stale_decision_says_who_decided_first_with_409(
    client_factory, mod_client, project, point_category
):
    item = pending(point_category)
    report(item)  # not yet: it is pending; the other moderator approves first
    other = CitizenFactory(profile__display_name="Otto O.", moderator_of=project)
    assert decide(client_factory(other), item, "approve").status_code == 302

    response = decide(mod_client, item, "reject", reason="Doppelt", seen_state=S.PENDING)

    html = shown(mod_client, response)
    assert "Already decided by Otto O. on" in html
    assert "Approved." in html
    item.refresh_from_db()
    assert item.moderation_state == S.PUBLISHED
    assert ModerationEvent.objects.filter(suggestion=item).count() == 1


def test_a_stale_event_with_the_same_state_is_refused_at_the_item(mod_client, point_category):
    item = SuggestionFactory(category=point_category)
    report(item)
    page = mod_client.get(queue_url(item.project)).content.decode()
    assert 'name="seen_event" value="0"' in page
    decide(mod_client, item, "dismiss")
    report(item, when=timezone.now())  # reported again: back in the queue, same state, one event newer

    response = decide(mod_client, item, "hide", reason="Werbung", seen_event=0)

    assert response["Location"].endswith(f"#item-suggestion-{item.pk}")
    html = shown(mod_client, response)
    assert f'id="error-suggestion-{item.pk}"' in html
    assert ">Werbung</textarea>" in html  # what the moderator typed is kept
    item.refresh_from_db()
    assert item.moderation_state == S.PUBLISHED


def test_an_item_of_another_project_cannot_be_decided_through_this_page(mod_client, project):
    elsewhere = SuggestionFactory(
        category__project=ProjectFactory(slug="elsewhere"), moderation_state=S.PENDING
    )

    response = mod_client.post(
        f"{queue_url(project)}decide/",
        {"kind": "suggestion", "pk": elsewhere.pk, "seen_state": "pending", "action": "approve"},
    )

    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.moderation_state == S.PENDING


def test_decisions_answer_only_to_post(mod_client, project):
    assert mod_client.get(f"{queue_url(project)}decide/").status_code == 405


# ------------------------------------------------------------------------------------------ bulk


def bulk_value(item, state=None, event=0):
    return f"suggestion:{item.pk}:{state or item.moderation_state}:{event}"


def test_bulk_decides_every_item_and_reports_the_one_already_decided(
    client_factory, mod_client, project, point_category
):
    first, second, third = (pending(point_category, title=f"Vorschlag {n}") for n in range(3))
    values = [bulk_value(first), bulk_value(second), bulk_value(third)]
    other = CitizenFactory(profile__display_name="Otto O.", moderator_of=project)
    decide(client_factory(other), second, "reject", reason="Werbung")

    response = mod_client.post(
        f"{queue_url(project)}bulk/", {"items": values, "action": "approve"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 302
    states = dict(Suggestion.objects.values_list("pk", "moderation_state"))
    assert (states[first.pk], states[second.pk], states[third.pk]) == (S.PUBLISHED, S.REJECTED, S.PUBLISHED)
    said = flashed(response)
    assert said[0] == "2 items decided: Approved."
    assert said[1].startswith(f"Suggestion no. {second.pk} was not changed: Already decided by Otto O. on ")
    assert len(said) == 2


def test_bulk_rejection_needs_a_reason(mod_client, project, point_category):
    item = pending(point_category)

    response = mod_client.post(
        f"{queue_url(project)}bulk/",
        {"items": [bulk_value(item)], "action": "reject", "back": "page=2"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response["Location"] == f"{queue_url(project)}?page=2#bulk-form"
    html = shown(mod_client, response)
    assert "Please give a reason for rejecting" in html
    assert f'value="{bulk_value(item)}" form="bulk-form" data-select checked' in html  # still selected
    item.refresh_from_db()
    assert item.moderation_state == S.PENDING


def test_bulk_rejection_with_a_reason_rejects_all(mod_client, project, point_category):
    items = [pending(point_category) for _ in range(2)]

    mod_client.post(
        f"{queue_url(project)}bulk/",
        {"items": [bulk_value(i) for i in items], "action": "reject", "reason": "Außerhalb des Themas"},
    )

    assert set(Suggestion.objects.values_list("moderation_state", flat=True)) == {S.REJECTED}
    assert set(ModerationEvent.objects.values_list("reason", flat=True)) == {"Außerhalb des Themas"}


def test_bulk_without_a_selection_is_refused(mod_client, project, point_category):
    pending(point_category)

    response = mod_client.post(f"{queue_url(project)}bulk/", {"action": "approve"}, HTTP_ACCEPT_LANGUAGE="en")

    assert "Please select at least one item." in shown(mod_client, response)


# ------------------------------------------------------------------------------------------ merge


def test_a_duplicate_is_merged_through_the_page(mod_client, project, point_category):
    target = SuggestionFactory(category=point_category, title="Lader am Markt")
    duplicate = pending(point_category, title="Ladestation Marktplatz")

    response = mod_client.post(
        f"{queue_url(project)}merge/",
        {"pk": duplicate.pk, "seen_state": "pending", "seen_event": 0, "target": target.pk},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert (duplicate.moderation_state, duplicate.merged_into_id) == (S.MERGED, target.pk)
    assert ModerationEvent.objects.get(suggestion=duplicate).action == "merge"
    assert flashed(response) == [f"Suggestion no. {duplicate.pk} was merged into suggestion no. {target.pk}."]


@pytest.mark.parametrize("target", ["", "999999", "self"])
def test_a_merge_into_nothing_or_itself_is_refused_at_the_item(mod_client, project, point_category, target):
    duplicate = pending(point_category)
    value = str(duplicate.pk) if target == "self" else target

    response = mod_client.post(
        f"{queue_url(project)}merge/",
        {"pk": duplicate.pk, "seen_state": "pending", "seen_event": 0, "target": value},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    html = shown(mod_client, response)
    assert f'id="error-suggestion-{duplicate.pk}"' in html
    assert f'name="target" min="1" inputmode="numeric"\n                value="{value}"' in html
    duplicate.refresh_from_db()
    assert duplicate.moderation_state == S.PENDING


def test_the_queue_says_how_long_an_item_waits_in_correct_german(mod_client, point_category):
    # Django's timesince gives "2 Tage" (nominative): "wartet seit 2 Tage" would be wrong German.
    pending(point_category, created_at=ago(days=2, hours=1))

    page = mod_client.get(queue_url(point_category.project), HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert "Wartezeit: 2\xa0Tage" in page or "Wartezeit: 2 Tage" in page
    assert "wartet seit" not in page


def test_a_reason_too_long_is_refused_and_kept_to_be_shortened(mod_client, point_category):
    item = pending(point_category)
    long_reason = "Zu lang. " * 300  # 2,700 characters; 2,000 may be stored

    response = decide(mod_client, item, "reject", reason=long_reason)

    html = shown(mod_client, response)
    assert f'id="error-suggestion-{item.pk}"' in html
    assert f">{long_reason.strip()}</textarea>" in html
    item.refresh_from_db()
    assert item.moderation_state == S.PENDING


def test_the_queue_says_how_a_path_was_drawn(mod_client, line_category, point_category):
    routed = pending(line_category, title="Entlang der Kaiserstraße", line_drawing="routed")
    free = pending(line_category, title="Quer über das Feld", line_drawing="free")
    point = pending(point_category, title="Ladestation")

    html = mod_client.get(queue_url(line_category.project), HTTP_ACCEPT_LANGUAGE="de").content.decode()

    def item(suggestion):
        start = html.index(f'id="item-suggestion-{suggestion.pk}"')
        return html[start : html.index("</h3>", start)]

    assert "· Entlang der Straßen" in item(routed)
    assert "· Frei gezeichnet" in item(free)
    assert "line-drawing" not in item(point)
