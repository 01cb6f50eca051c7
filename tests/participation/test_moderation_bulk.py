"""Bulk decisions on suggestions as one set: per-item outcomes as a single decision gives them, a fixed number
of statements whatever the bulk's size, one mail task per approval in the same transaction, no double
decision and no deadlock between moderators deciding overlapping sets, and nothing written when the
database fails part-way."""

import threading

import pytest
from django.contrib.gis.geos import Point
from django.db import connection, connections
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from participation import notifications, services
from participation.errors import AlreadyDecided, DecisionNotPossible, DecisionsNotSaved, SuggestionNotFound
from participation.models import ModerationEvent, ModerationState, Report, Suggestion
from tests.factories import CitizenFactory, ReportFactory, SuggestionFactory
from tests.geo.test_clusters import assert_cells_equal_a_fresh_aggregation, cell_rows

S = ModerationState


def make_moderator(project, name):
    return CitizenFactory(username=name.lower(), profile__display_name=name, moderator_of=project)


@pytest.fixture
def moderator(project):
    return make_moderator(project, "Mara")


def pending(category, n, **fields):
    # Spread over the area so that the bulk touches many cells and tiles, not one.
    return [
        SuggestionFactory(
            category=category,
            moderation_state=S.PENDING,
            geom=Point(8.38 + 0.003 * i, 48.99 + 0.002 * i, srid=4326),
            **fields,
        )
        for i in range(n)
    ]


def seen(item, state=None, event=0):
    return services.Decision("suggestion", item.pk, state or item.moderation_state, event)


def author_tasks():
    return DBTaskResult.objects.filter(task_path=notifications.send_author_notification.module_path)


def test_a_mixed_bulk_decides_the_fitting_items_and_says_why_not_for_each_other(
    project, point_category, moderator, citizen
):
    fine = pending(point_category, 3, author=citizen)
    meanwhile, published = pending(point_category, 2)
    other = make_moderator(project, "Otto")
    services.item_decide(actor=other, decision=seen(meanwhile), action="reject", reason="Werbung")
    Suggestion.objects.filter(pk=published.pk).update(moderation_state=S.PUBLISHED)
    decisions = [seen(fine[0]), seen(meanwhile), seen(fine[1]), seen(published, S.PUBLISHED)]
    decisions += [services.Decision("suggestion", 10**9, S.PENDING, 0), seen(fine[2])]

    outcomes = services.items_decide(actor=moderator, decisions=decisions, action="approve")

    assert [o.decision for o in outcomes] == decisions  # in the order asked
    errors = [type(o.error) if o.error else None for o in outcomes]
    assert errors == [None, AlreadyDecided, None, DecisionNotPossible, SuggestionNotFound, None]
    assert "Otto" in outcomes[1].error.message
    states = dict(Suggestion.objects.values_list("pk", "moderation_state"))
    assert [states[s.pk] for s in fine] == [S.PUBLISHED] * 3
    assert (states[meanwhile.pk], states[published.pk]) == (S.REJECTED, S.PUBLISHED)
    events = {o.decision.pk: o.event for o in outcomes if o.event}
    assert set(events) == {s.pk for s in fine}
    for suggestion in fine:
        event = ModerationEvent.objects.get(suggestion_id=suggestion.pk)
        assert event == events[suggestion.pk]
        assert (event.actor, event.action, event.from_state, event.to_state) == (
            moderator,
            "approve",
            S.PENDING,
            S.PUBLISHED,
        )
    assert ModerationEvent.objects.filter(suggestion_id=meanwhile.pk).count() == 1  # Otto's only
    assert_cells_equal_a_fresh_aggregation()


def test_one_mail_task_per_approval_queued_as_the_single_path_queues_it(
    project, point_category, moderator, citizen, run_worker, mailoutbox
):
    items = pending(point_category, 3, author=citizen)
    already = SuggestionFactory(category=point_category, moderation_state=S.REJECTED)
    single = pending(point_category, 1, author=citizen)[0]

    outcomes = services.items_decide(
        actor=moderator, decisions=[seen(i) for i in items] + [seen(already, S.PENDING)], action="approve"
    )
    services.item_decide(actor=moderator, decision=seen(single), action="approve")

    event_ids = [o.event.pk for o in outcomes if o.event]
    assert len(event_ids) == 3
    tasks = list(author_tasks().order_by("enqueued_at"))
    assert sorted(t.args_kwargs["args"][0] for t in tasks[:3]) == sorted(event_ids)
    # The bulk's rows are what the backend's own enqueue writes, but for id, time and argument.
    fields = ("status", "priority", "task_path", "queue_name", "backend_name", "run_after", "worker_ids")
    by_enqueue = tasks[3]
    for task in tasks[:3]:
        assert [getattr(task, f) for f in fields] == [getattr(by_enqueue, f) for f in fields]
        assert task.args_kwargs.keys() == by_enqueue.args_kwargs.keys()
    assert run_worker() == 0
    assert len(mailoutbox) == 4


def test_rejecting_and_hiding_in_bulk_close_open_reports_and_notify_only_rejections(
    project, point_category, moderator
):
    to_reject = pending(point_category, 2)
    to_hide = SuggestionFactory(category=point_category)
    reports = [ReportFactory(suggestion=item) for item in (*to_reject, to_hide)]

    rejected = services.items_decide(
        actor=moderator, decisions=[seen(i) for i in to_reject], action="reject", reason="Spam"
    )
    hidden = services.items_decide(actor=moderator, decisions=[seen(to_hide)], action="hide")

    assert all(o.event for o in rejected + hidden)
    assert not Report.objects.filter(pk__in=[r.pk for r in reports], resolved_at__isnull=True).exists()
    assert author_tasks().count() == 2
    assert_cells_equal_a_fresh_aggregation()


@pytest.mark.parametrize("size", [5, 40])
def test_a_bulk_costs_the_same_statements_whatever_its_size(
    project, point_category, moderator, django_assert_num_queries, size
):
    items = pending(point_category, size)
    services.items_decide(actor=moderator, decisions=[seen(items[0])], action="approve")  # roles cached

    # savepoint, lock, roles, facts, UPDATE, photos UPDATE (those sent with them), the alerts' notices
    # (one INSERT … SELECT for the whole set), event INSERT, task INSERT, release
    with django_assert_num_queries(10):
        outcomes = services.items_decide(
            actor=moderator, decisions=[seen(i) for i in items[1:]], action="approve"
        )

    assert all(o.event for o in outcomes)


def test_a_database_error_rolls_the_whole_bulk_back_and_says_so(project, point_category, moderator):
    items = pending(point_category, 4)
    cells_before = cell_rows()
    # A real error of the database part-way: the event INSERT fails after the UPDATE and its triggers ran.
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION pg_temp.refuse() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN IF NEW.suggestion_id = {items[2].pk} THEN RAISE EXCEPTION 'disk full'; END IF; "
            "RETURN NEW; END $$"
        )
        cursor.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON participation_moderationevent "
            "FOR EACH ROW EXECUTE FUNCTION pg_temp.refuse()"
        )

    with translation.override("en"), pytest.raises(DecisionsNotSaved) as refused:
        services.items_decide(actor=moderator, decisions=[seen(i) for i in items], action="approve")

    assert refused.value.message == "Nothing was changed: the decisions could not be saved. Please try again."
    assert set(Suggestion.objects.values_list("moderation_state", flat=True)) == {S.PENDING}
    assert not ModerationEvent.objects.exists()
    assert not author_tasks().exists()
    assert cell_rows() == cells_before


def test_the_bulk_page_says_nothing_was_saved_after_a_database_error(
    client_factory, project, point_category, moderator, monkeypatch
):
    items = pending(point_category, 2)

    def failing(events):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 / 0")  # a real database error, after the decisions were written

    monkeypatch.setattr(notifications, "queue_author_notifications", failing)

    client = client_factory(moderator)
    response = client.post(
        f"/projects/{project.slug}/moderation/bulk/",
        {"items": [f"suggestion:{i.pk}:pending:0" for i in items], "action": "approve"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    # back to the queue (a reload does not post again), the message at the bulk form
    assert response.status_code == 303
    assert response["Location"] == f"/projects/{project.slug}/moderation/#bulk-form"
    html = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Nothing was changed: the decisions could not be saved." in html
    assert set(Suggestion.objects.values_list("moderation_state", flat=True)) == {S.PENDING}
    assert not ModerationEvent.objects.exists()


def at_once(*bulks):
    """Each (actor, items, action, reason) bulk from its own thread and connection, started together; the
    outcomes, or the exception one raised."""
    start = threading.Barrier(len(bulks))
    results: list[object] = [None] * len(bulks)

    def decide(index, actor, items, action, reason):
        try:
            start.wait(10)
            results[index] = services.items_decide(
                actor=actor, decisions=[seen(i) for i in items], action=action, reason=reason
            )
        except BaseException as error:  # a deadlock would surface here as an OperationalError
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=(n, *bulk)) for n, bulk in enumerate(bulks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_moderators_bulk_deciding_overlapping_sets_never_double_decide_nor_deadlock(
    project, point_category
):
    mara, moritz = make_moderator(project, "Mara"), make_moderator(project, "Moritz")
    for round_number in range(4):
        items = pending(point_category, 30)
        # Overlapping in the middle, each sent in another order: locks must still be taken in one order.
        results = dict(
            zip(
                ("Mara", "Moritz"),
                at_once((mara, items[:20], "approve", ""), (moritz, items[10:][::-1], "reject", "Doppelt")),
                strict=True,
            )
        )

        assert all(isinstance(outcomes, list) for outcomes in results.values()), (round_number, results)
        won = {o.decision.pk: name for name, outcomes in results.items() for o in outcomes if o.event}
        lost = [(name, o) for name, outcomes in results.items() for o in outcomes if o.error]
        assert set(won) == {i.pk for i in items}  # every item decided, by exactly one of them
        assert len(lost) == 10  # the overlap, each refused to whoever came second
        for name, outcome in lost:
            assert isinstance(outcome.error, AlreadyDecided)
            winner = won[outcome.decision.pk]
            assert winner != name
            assert winner in outcome.error.message
        events = ModerationEvent.objects.filter(suggestion_id__in=[i.pk for i in items])
        assert sorted(events.values_list("suggestion_id", flat=True)) == sorted(i.pk for i in items)
        states = dict(
            Suggestion.objects.filter(pk__in=[i.pk for i in items]).values_list("pk", "moderation_state")
        )
        for pk, name in won.items():
            assert states[pk] == (S.PUBLISHED if name == "Mara" else S.REJECTED)
    assert author_tasks().count() == ModerationEvent.objects.count()
    assert_cells_equal_a_fresh_aggregation()
