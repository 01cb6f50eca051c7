"""Authors hear what became of their suggestion: mails queued on commit and sent by the worker, in the
language they wrote in, only to addresses that want them, each with a one-click unsubscribe."""

import re

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from participation import services
from participation.models import ModerationState, SuggestionContact
from tests.factories import CitizenFactory, SuggestionFactory

S = ModerationState


@pytest.fixture
def moderator(project):
    return CitizenFactory(username="mara", moderator_of=project, planner_of=project)


@pytest.fixture
def decide(moderator, django_capture_on_commit_callbacks):
    def run(suggestion, action, reason=""):
        with django_capture_on_commit_callbacks(execute=True):
            decision = services.Decision("suggestion", suggestion.pk, suggestion.moderation_state)
            return services.item_decide(actor=moderator, decision=decision, action=action, reason=reason)

    return run


def test_approval_is_mailed_by_the_worker_not_the_request(
    decide, citizen, point_category, mailoutbox, run_worker
):
    suggestion = SuggestionFactory(category=point_category, author=citizen, moderation_state=S.PENDING)

    decide(suggestion, "approve")

    assert mailoutbox == []
    assert run_worker() == 0
    [mail] = mailoutbox
    assert mail.to == ["anna@example.org"]
    assert suggestion.title in mail.body
    assert f"/suggestions/{suggestion.pk}/" in mail.body
    assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_rejection_carries_the_reason_in_the_authors_language(
    decide, citizen, point_category, mailoutbox, run_worker
):
    suggestion = SuggestionFactory(
        category=point_category, author=citizen, moderation_state=S.PENDING, language="en"
    )

    decide(suggestion, "reject", reason="This is advertising for a shop.")
    run_worker()

    [mail] = mailoutbox
    assert "was not published" in mail.subject
    assert "This is advertising for a shop." in mail.body


def test_merge_and_official_answer_are_mailed(
    moderator, citizen, point_category, mailoutbox, run_worker, django_capture_on_commit_callbacks
):
    duplicate = SuggestionFactory(category=point_category, author=citizen)
    target = SuggestionFactory(category=point_category, author=citizen, title="Ladestation am Bahnhof")

    with django_capture_on_commit_callbacks(execute=True):
        services.suggestion_merge(
            actor=moderator, suggestion_id=duplicate.pk, target_id=target.pk, seen_state=S.PUBLISHED
        )
        services.suggestion_answer(
            actor=moderator, suggestion_id=target.pk, status="planned", answer="Wir bauen sie 2027."
        )
    with translation.override("en"):  # the worker's own language is not the suggestion's
        run_worker()

    merged, answered = mailoutbox
    assert "Ladestation am Bahnhof" in merged.body
    assert f"/suggestions/{target.pk}/" in merged.body
    assert "Geplant" in answered.body
    assert "Wir bauen sie 2027." in answered.body


def test_saving_the_same_answer_again_tells_nobody(
    moderator, citizen, point_category, mailoutbox, run_worker, django_capture_on_commit_callbacks
):
    suggestion = SuggestionFactory(category=point_category, author=citizen)
    with django_capture_on_commit_callbacks(execute=True):
        services.suggestion_answer(
            actor=moderator, suggestion_id=suggestion.pk, status="planned", answer="Ja."
        )
        again = services.suggestion_answer(
            actor=moderator, suggestion_id=suggestion.pk, status="planned", answer="Ja."
        )
    run_worker()

    assert again is None
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    ("confirmed", "unsubscribed", "mailed"),
    [(True, False, True), (False, False, False), (True, True, False)],
)
def test_anonymous_authors_are_mailed_only_at_a_confirmed_subscribed_address(
    decide, point_category, mailoutbox, run_worker, confirmed, unsubscribed, mailed
):
    suggestion = SuggestionFactory(category=point_category, moderation_state=S.PENDING)
    now = timezone.now()
    SuggestionContact.objects.create(
        suggestion=suggestion,
        email="bea@example.org",
        language="de",
        confirmed_at=now if confirmed else None,
        unsubscribed_at=now if unsubscribed else None,
    )

    decide(suggestion, "approve")
    run_worker()

    assert [m.to for m in mailoutbox] == ([["bea@example.org"]] if mailed else [])


def test_an_author_who_switched_mails_off_gets_none(decide, citizen, point_category, mailoutbox, run_worker):
    citizen.profile.notify = False
    citizen.profile.save()
    suggestion = SuggestionFactory(category=point_category, author=citizen, moderation_state=S.PENDING)

    decide(suggestion, "approve")
    run_worker()

    assert mailoutbox == []


def test_a_rolled_back_decision_mails_nobody(moderator, citizen, point_category, mailoutbox, run_worker):
    suggestion = SuggestionFactory(category=point_category, author=citizen, moderation_state=S.PENDING)

    # The mail is queued in the decision's own transaction: rolling the decision back takes the mail with it.
    queued_inside = []

    def decide_then_fail() -> None:
        with transaction.atomic():
            decision = services.Decision("suggestion", suggestion.pk, S.PENDING)
            services.item_decide(actor=moderator, decision=decision, action="approve")
            queued_inside.append(DBTaskResult.objects.count())
            raise RuntimeError("the request failed after the decision")

    with pytest.raises(RuntimeError):
        decide_then_fail()
    assert queued_inside == [1]
    run_worker()

    assert DBTaskResult.objects.count() == 0
    assert mailoutbox == []
    suggestion.refresh_from_db()
    assert suggestion.moderation_state == S.PENDING


def test_one_click_unsubscribe_from_the_mail(decide, citizen, point_category, mailoutbox, run_worker):
    first = SuggestionFactory(category=point_category, author=citizen, moderation_state=S.PENDING)
    decide(first, "approve")
    run_worker()
    link = re.search(r"http://\S+/unsubscribe/\S+/", mailoutbox[0].body).group(0)
    path = link.split("127.0.0.1:8000", 1)[1]
    assert mailoutbox[0].extra_headers["List-Unsubscribe"] == f"<{link}>"

    asked = Client().get(path)
    citizen.profile.refresh_from_db()
    assert asked.status_code == 200
    assert citizen.profile.notify  # GET only asks: mail scanners open links

    # RFC 8058: the mail program POSTs without cookies or CSRF token.
    done = Client(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"})
    citizen.profile.refresh_from_db()
    assert done.status_code == 200
    assert not citizen.profile.notify

    second = SuggestionFactory(category=point_category, author=citizen, moderation_state=S.PENDING)
    decide(second, "approve")
    run_worker()
    assert len(mailoutbox) == 1


def test_a_forged_unsubscribe_link_changes_nothing(client, citizen):
    response = client.post("/unsubscribe/WyJ1c2VyIiwgMV0:forged/")

    citizen.profile.refresh_from_db()
    assert response.status_code == 404
    assert citizen.profile.notify
