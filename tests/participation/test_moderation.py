"""Moderators' decisions through the services: the audit trail, concurrent decisions, reports that hide,
merging duplicates, exact counters and the map's cluster table after every state change."""

import threading
import time

import pytest
from django.contrib.gis.geos import Point
from django.db import IntegrityError, connection, connections, transaction

from participation import services
from participation.errors import (
    AlreadyDecided,
    AlreadySupported,
    DecisionNotPossible,
    MergeInvalid,
    NotPublished,
    ReasonRequired,
)
from participation.models import (
    Comment,
    ModerationAction,
    ModerationEvent,
    ModerationState,
    Report,
    Suggestion,
    Support,
)
from participation.participants import Participant
from tests.factories import (
    CategoryFactory,
    CitizenFactory,
    CommentFactory,
    ProjectFactory,
    ReportFactory,
    SuggestionFactory,
    SupportFactory,
)
from tests.geo.test_clusters import assert_cells_equal_a_fresh_aggregation

S = ModerationState


@pytest.fixture
def moderator(project):
    return CitizenFactory(username="mara", profile__display_name="Mara (Moderation)", moderator_of=project)


@pytest.fixture
def second_moderator(project):
    return CitizenFactory(
        username="moritz", profile__display_name="Moritz (Moderation)", moderator_of=project
    )


def decide(actor, item, action, reason="", kind="suggestion", seen_event=None):
    decision = services.Decision(kind, item.pk, item.moderation_state, seen_event)
    return services.item_decide(actor=actor, decision=decision, action=action, reason=reason)


def citizen_actor(user=None, address="192.0.2.1", browser=""):
    from django.contrib.auth.models import AnonymousUser

    return Participant(user=user or AnonymousUser(), address=address, browser=browser)


# ------------------------------------------------------------------------------------------ audit trail


def test_each_decision_appends_an_event_with_who_when_from_to_and_why(moderator, point_category):
    suggestion = SuggestionFactory(category=point_category, moderation_state=S.PENDING)

    event = decide(moderator, suggestion, "reject", reason="Werbung für ein Geschäft")

    suggestion.refresh_from_db()
    assert suggestion.moderation_state == S.REJECTED
    assert (event.actor, event.action, event.from_state, event.to_state, event.reason) == (
        moderator,
        ModerationAction.REJECT,
        S.PENDING,
        S.REJECTED,
        "Werbung für ein Geschäft",
    )
    assert event.created_at is not None
    assert list(suggestion.events.values_list("action", flat=True)) == ["reject"]


def test_the_audit_trail_refuses_update_and_delete_in_the_database(moderator, point_category):
    suggestion = SuggestionFactory(category=point_category, moderation_state=S.PENDING)
    event = decide(moderator, suggestion, "approve")

    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        ModerationEvent.objects.filter(pk=event.pk).update(reason="covered up")
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        ModerationEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as c:
        c.execute("UPDATE participation_moderationevent SET actor_id = NULL")

    event.refresh_from_db()
    assert (event.reason, event.actor_id) == ("", moderator.pk)


def test_deleting_the_suggestion_keeps_its_history(moderator, point_category):
    suggestion = SuggestionFactory(category=point_category, moderation_state=S.PENDING)
    decide(moderator, suggestion, "approve")
    pk = suggestion.pk

    Suggestion.objects.filter(pk=pk).delete()

    assert ModerationEvent.objects.filter(suggestion_id=pk).count() == 1


@pytest.mark.parametrize(
    ("start", "action", "end"),
    [
        (S.PENDING, "approve", S.PUBLISHED),
        (S.PENDING, "reject", S.REJECTED),
        (S.PUBLISHED, "hide", S.HIDDEN),
        (S.HIDDEN, "unhide", S.PUBLISHED),
    ],
)
def test_decisions_move_suggestions_and_comments_between_states(
    moderator, point_category, start, action, end
):
    suggestion = SuggestionFactory(category=point_category, moderation_state=start)
    parent = SuggestionFactory(category=point_category)
    comment = CommentFactory(suggestion=parent, text="Hallo", moderation_state=start)

    decide(moderator, suggestion, action, reason="Grund")
    decide(moderator, comment, action, reason="Grund", kind="comment")

    suggestion.refresh_from_db()
    comment.refresh_from_db()
    assert (suggestion.moderation_state, comment.moderation_state) == (end, end)
    assert comment.events.get().comment_id == comment.pk


@pytest.mark.parametrize(
    ("start", "action"),
    [
        (S.PUBLISHED, "approve"),
        (S.REJECTED, "approve"),
        (S.PENDING, "unhide"),
        (S.PUBLISHED, "reject"),
        (S.PUBLISHED, "dismiss"),  # no reports to dismiss
        (S.MERGED, "hide"),
        (S.WITHDRAWN, "approve"),
    ],
)
def test_a_decision_that_does_not_fit_the_state_is_refused_and_logs_nothing(
    moderator, point_category, start, action
):
    target = SuggestionFactory(category=point_category) if start == S.MERGED else None
    suggestion = SuggestionFactory(category=point_category, moderation_state=start, merged_into=target)

    with pytest.raises(DecisionNotPossible):
        decide(moderator, suggestion, action, reason="x")

    assert not ModerationEvent.objects.exists()


def test_rejecting_needs_a_reason(moderator, point_category):
    suggestion = SuggestionFactory(category=point_category, moderation_state=S.PENDING)

    with pytest.raises(ReasonRequired):
        decide(moderator, suggestion, "reject", reason="   ")

    suggestion.refresh_from_db()
    assert suggestion.moderation_state == S.PENDING


def test_a_stale_view_gets_already_decided_by_whom(moderator, second_moderator, point_category):
    suggestion = SuggestionFactory(category=point_category, moderation_state=S.PENDING)
    seen = services.Decision("suggestion", suggestion.pk, S.PENDING, 0)
    services.item_decide(actor=moderator, decision=seen, action="approve")

    with pytest.raises(AlreadyDecided) as refused:
        services.item_decide(actor=second_moderator, decision=seen, action="reject", reason="Spam")

    assert "Mara (Moderation)" in refused.value.message
    assert refused.value.status_code == 409
    assert suggestion.events.count() == 1


def test_a_newer_event_in_the_same_state_also_counts_as_decided(moderator, second_moderator, point_category):
    suggestion = SuggestionFactory(category=point_category)
    ReportFactory(suggestion=suggestion)
    seen = services.Decision("suggestion", suggestion.pk, S.PUBLISHED, 0)
    services.item_decide(actor=moderator, decision=seen, action="dismiss")
    ReportFactory(suggestion=suggestion)

    with pytest.raises(AlreadyDecided):
        services.item_decide(actor=second_moderator, decision=seen, action="dismiss")


# ------------------------------------------------------------------------------------------ concurrency


@pytest.mark.django_db(transaction=True)
def test_two_moderators_deciding_at_once_one_wins_the_other_hears_who(project, point_category):
    moderator = CitizenFactory(username="mara", profile__display_name="Mara", moderator_of=project)
    other = CitizenFactory(username="moritz", profile__display_name="Moritz", moderator_of=project)
    suggestion = SuggestionFactory(category=point_category, moderation_state=S.PENDING)
    seen = services.Decision("suggestion", suggestion.pk, S.PENDING, 0)
    first_holds_lock = threading.Event()
    release_first = threading.Event()
    results: dict[str, object] = {}

    def first():
        try:
            with transaction.atomic():
                results["first"] = services.item_decide(actor=moderator, decision=seen, action="approve")
                first_holds_lock.set()
                release_first.wait(10)
        finally:
            connections.close_all()

    def second():
        try:
            first_holds_lock.wait(10)
            results["second"] = services.item_decide(
                actor=other, decision=seen, action="reject", reason="Spam"
            )
        except AlreadyDecided as error:
            results["second"] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    first_holds_lock.wait(10)
    assert wait_for_lock_waiter(), "the second decision should wait for the first one's row lock"
    release_first.set()
    for t in threads:
        t.join(20)

    suggestion.refresh_from_db()
    assert suggestion.moderation_state == S.PUBLISHED
    assert isinstance(results["second"], AlreadyDecided)
    assert "Mara" in results["second"].message
    assert list(ModerationEvent.objects.values_list("action", "actor_id")) == [("approve", moderator.pk)]


def wait_for_lock_waiter(timeout: float = 10) -> bool:
    """True once another session of this database waits for a row lock."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.02)
    return False


@pytest.mark.django_db(transaction=True)
def test_counters_stay_exact_under_concurrent_supports_comments_and_decisions(project, point_category):
    moderator = CitizenFactory(moderator_of=project)
    target = SuggestionFactory(category=point_category)
    duplicate = SuggestionFactory(category=point_category)
    citizens = [CitizenFactory() for _ in range(12)]
    pending = [
        CommentFactory(suggestion=target, text=f"Kommentar {i}", moderation_state=S.PENDING) for i in range(6)
    ]
    errors: list[BaseException] = []

    def guarded(work):
        def run():
            try:
                work()
            except (NotPublished, AlreadySupported):
                pass  # after the merge: the duplicate takes nothing, a moved support is already there
            except BaseException as error:
                errors.append(error)
            finally:
                connections.close_all()

        return run

    work = []
    for i, user in enumerate(citizens):
        suggestion_id = (target if i % 2 else duplicate).pk
        work.append(
            lambda u=user, s=suggestion_id: services.support_add(actor=citizen_actor(u), suggestion_id=s)
        )
        work.append(lambda u=user: services.support_add(actor=citizen_actor(u), suggestion_id=target.pk))
        work.append(
            lambda u=user: services.comment_create(actor=citizen_actor(u), suggestion_id=target.pk, text="Ja")
        )
    for comment in pending:
        work.append(
            lambda c=comment: services.item_decide(
                actor=moderator, decision=services.Decision("comment", c.pk, S.PENDING), action="approve"
            )
        )
    work.append(
        lambda: services.suggestion_merge(
            actor=moderator, suggestion_id=duplicate.pk, target_id=target.pk, seen_state=S.PUBLISHED
        )
    )
    threads = [threading.Thread(target=guarded(w)) for w in work]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)

    assert errors == []
    for suggestion in Suggestion.objects.all():
        assert suggestion.support_count == Support.objects.filter(suggestion=suggestion).count()
        assert suggestion.comment_count == suggestion.comments.filter(moderation_state=S.PUBLISHED).count()
    # Everyone supported the target directly or through the merge, each exactly once.
    assert Support.objects.filter(suggestion=target).count() == len(citizens)
    assert_cells_equal_a_fresh_aggregation()


# ------------------------------------------------------------------------------------------ reports


@pytest.fixture
def reported(project, point_category):
    project.auto_hide_reports = 3
    project.save()
    return SuggestionFactory(category=point_category)


def report(suggestion, actor, comment=None):
    return services.report_create(
        actor=actor,
        suggestion_id=suggestion.pk,
        reason="offensive",
        comment_id=comment.pk if comment else None,
    )


def test_enough_independent_reports_hide_an_item_until_a_moderator_decides(reported, moderator):
    report(reported, citizen_actor(CitizenFactory()))
    report(reported, citizen_actor(CitizenFactory()))
    reported.refresh_from_db()
    assert reported.moderation_state == S.PUBLISHED

    report(reported, citizen_actor(CitizenFactory()))

    reported.refresh_from_db()
    assert reported.moderation_state == S.HIDDEN
    event = reported.events.get()
    assert (event.action, event.actor_id, event.from_state, event.to_state) == (
        "auto_hide",
        None,
        "published",
        "hidden",
    )

    decide(moderator, reported, "unhide")  # the reports were unfounded
    reported.refresh_from_db()
    assert reported.moderation_state == S.PUBLISHED
    assert not Report.objects.filter(suggestion=reported, resolved_at__isnull=True).exists()
    assert_cells_equal_a_fresh_aggregation()


def test_anonymous_reports_from_one_address_count_as_one_person(reported, project, monkeypatch):
    project.allow_anonymous = True
    project.save()
    # Each browser passed the anti-spam check (tested in test_anonymous.py); what counts here is the address.
    monkeypatch.setattr("participation.services.contributions.check_human", lambda actor: None)
    for n in range(5):  # one person clearing cookies: five browsers, one address
        report(reported, citizen_actor(address="198.51.100.7", browser=f"{n:064x}"))

    reported.refresh_from_db()
    assert reported.moderation_state == S.PUBLISHED
    assert Report.objects.filter(suggestion=reported).count() == 5


def test_a_reported_comment_is_hidden_and_leaves_the_count(reported):
    comment = CommentFactory(suggestion=reported, text="Beleidigung")
    Suggestion.objects.filter(pk=reported.pk).update(comment_count=1)

    for _ in range(3):
        report(reported, citizen_actor(CitizenFactory()), comment=comment)

    comment.refresh_from_db()
    reported.refresh_from_db()
    assert (comment.moderation_state, reported.moderation_state, reported.comment_count) == (
        S.HIDDEN,
        S.PUBLISHED,
        0,
    )


def test_auto_hide_can_be_switched_off(reported, project):
    project.auto_hide_reports = 0
    project.save()
    for _ in range(4):
        report(reported, citizen_actor(CitizenFactory()))

    reported.refresh_from_db()
    assert reported.moderation_state == S.PUBLISHED


def test_confirming_an_automatic_hiding_keeps_it_hidden_and_closes_the_reports(reported, moderator):
    for _ in range(3):
        report(reported, citizen_actor(CitizenFactory()))
    reported.refresh_from_db()

    event = decide(moderator, reported, "hide", reason="Beleidigend")

    assert (event.from_state, event.to_state) == (S.HIDDEN, S.HIDDEN)
    assert not Report.objects.filter(suggestion=reported, resolved_at__isnull=True).exists()


# ------------------------------------------------------------------------------------------ merging


def test_merging_moves_supports_without_counting_a_person_twice_and_moves_comments(moderator, point_category):
    target_author = CitizenFactory()
    target = SuggestionFactory(category=point_category, author=target_author)
    duplicate = SuggestionFactory(category=point_category, author=CitizenFactory())
    both, only_duplicate, only_target = CitizenFactory(), CitizenFactory(), CitizenFactory()
    for user, suggestion in [
        (both, target),
        (both, duplicate),
        (only_duplicate, duplicate),
        (only_target, target),
    ]:
        services.support_add(actor=citizen_actor(user), suggestion_id=suggestion.pk)
    services.support_add(actor=citizen_actor(target_author), suggestion_id=duplicate.pk)
    SupportFactory(suggestion=duplicate, user=None, browser="a" * 64)
    SupportFactory(suggestion=target, user=None, browser="a" * 64)  # the same anonymous browser on both
    comment = services.comment_create(actor=citizen_actor(both), suggestion_id=duplicate.pk, text="Doppelt")
    reply = CommentFactory(suggestion=duplicate, parent=comment, text="Stimmt")
    Suggestion.objects.filter(pk=duplicate.pk).update(comment_count=2)

    event = services.suggestion_merge(
        actor=moderator,
        suggestion_id=duplicate.pk,
        target_id=target.pk,
        seen_state=S.PUBLISHED,
        reason="Gleicher Ort",
    )

    target.refresh_from_db()
    duplicate.refresh_from_db()
    supporters = set(Support.objects.filter(suggestion=target).values_list("user_id", "browser"))
    assert supporters == {(both.pk, ""), (only_duplicate.pk, ""), (only_target.pk, ""), (None, "a" * 64)}
    assert (target.support_count, target.comment_count) == (4, 2)
    assert (duplicate.support_count, duplicate.comment_count) == (0, 0)
    assert (duplicate.moderation_state, duplicate.merged_into_id) == (S.MERGED, target.pk)
    assert set(
        Comment.objects.filter(pk__in=[comment.pk, reply.pk]).values_list("suggestion_id", flat=True)
    ) == {target.pk}
    assert (event.action, event.from_state, event.to_state, event.reason) == (
        "merge",
        S.PUBLISHED,
        S.MERGED,
        "Gleicher Ort",
    )
    assert_cells_equal_a_fresh_aggregation()


def test_a_chain_of_merges_leads_to_the_last_target(moderator, point_category):
    first, second, third = (SuggestionFactory(category=point_category) for _ in range(3))
    services.suggestion_merge(
        actor=moderator, suggestion_id=first.pk, target_id=second.pk, seen_state=S.PUBLISHED
    )
    services.suggestion_merge(
        actor=moderator, suggestion_id=second.pk, target_id=third.pk, seen_state=S.PUBLISHED
    )

    assert Suggestion.objects.get(pk=first.pk).merged_into_id == third.pk


@pytest.mark.parametrize("case", ["itself", "pending target", "other project", "merged duplicate"])
def test_merging_into_something_that_cannot_take_it_is_refused(moderator, point_category, case):
    duplicate = SuggestionFactory(category=point_category)
    target = {
        "itself": duplicate,
        "pending target": SuggestionFactory(category=point_category, moderation_state=S.PENDING),
        "other project": SuggestionFactory(category=CategoryFactory(project=ProjectFactory())),
        "merged duplicate": SuggestionFactory(category=point_category),
    }[case]
    seen = S.PUBLISHED
    if case == "merged duplicate":
        other = SuggestionFactory(category=point_category)
        services.suggestion_merge(
            actor=moderator, suggestion_id=duplicate.pk, target_id=other.pk, seen_state=seen
        )
        seen = S.MERGED

    with pytest.raises(MergeInvalid):
        services.suggestion_merge(
            actor=moderator, suggestion_id=duplicate.pk, target_id=target.pk, seen_state=seen
        )


# ------------------------------------------------------------------------------------------ cluster table


def test_the_cluster_table_is_exact_after_every_kind_of_state_change(
    moderator, citizen, point_category, project
):
    """Publish, reject, hide, unhide, auto-hide, merge, move, withdraw: after each, the cells equal a fresh
    aggregation of the published suggestions."""
    project.auto_hide_reports = 1
    project.save()
    pending = [
        SuggestionFactory(
            category=point_category, moderation_state=S.PENDING, geom=Point(8.40 + i / 100, 49.0)
        )
        for i in range(3)
    ]
    published = SuggestionFactory(category=point_category, geom=Point(8.45, 49.02))
    own = SuggestionFactory(category=point_category, author=citizen, geom=Point(8.46, 49.03))
    steps = [
        lambda: decide(moderator, pending[0], "approve"),
        lambda: decide(moderator, pending[1], "reject", reason="Nein"),
        lambda: decide(moderator, pending[2], "approve"),
        lambda: decide(moderator, Suggestion.objects.get(pk=pending[2].pk), "hide"),
        lambda: decide(moderator, Suggestion.objects.get(pk=pending[2].pk), "unhide"),
        lambda: report(published, citizen_actor(CitizenFactory())),  # hidden automatically
        lambda: decide(moderator, Suggestion.objects.get(pk=published.pk), "unhide"),
        lambda: services.suggestion_merge(
            actor=moderator, suggestion_id=pending[0].pk, target_id=published.pk, seen_state=S.PUBLISHED
        ),
        lambda: services.suggestion_move(
            actor=moderator,
            suggestion_id=published.pk,
            geometry={"type": "Point", "coordinates": [8.31, 48.96]},
        ),
        lambda: services.suggestion_withdraw(actor=citizen_actor(citizen), suggestion_id=own.pk),
    ]
    for step in steps:
        step()
        assert_cells_equal_a_fresh_aggregation()

    states = dict(Suggestion.objects.values_list("pk", "moderation_state"))
    assert [states[s.pk] for s in (*pending, published, own)] == [
        S.MERGED,
        S.REJECTED,
        S.PUBLISHED,
        S.PUBLISHED,
        S.WITHDRAWN,
    ]
