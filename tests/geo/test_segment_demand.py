"""Demand per street segment: a suggested path matched to the network edges it follows, the published
suggestions and supports per edge kept exact by the triggers through every kind of change, equal to a
matching from scratch, and matched again when the network is replaced."""

import random
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from geo.network.demand import SegmentDemand, SuggestionEdge
from geo.network.demand_services import network_rematch, network_rematch_task
from geo.network.models import NetworkEdge
from geo.network.signals import network_replaced
from participation.models import ModerationState, Suggestion
from tests.factories import CategoryFactory, ProjectFactory, SuggestionFactory
from tests.geo.demand_network import grid_network, path

pytestmark = pytest.mark.django_db


@pytest.fixture
def grid():
    project = ProjectFactory(slug="grid")
    built = grid_network(project)
    bike = CategoryFactory(project=project, key="bike-path", geometry_kind="line")
    return {"project": project, "bike": bike, **built}


def matched(suggestion: Suggestion) -> set[int]:
    return set(SuggestionEdge.objects.filter(suggestion_id=suggestion.pk).values_list("edge_id", flat=True))


def demand(project) -> dict[int, tuple[int, int]]:
    """What the readers see: edges with demand (rows that fell to zero are skipped)."""
    return {
        d.edge_id: (d.suggestions, d.supports)
        for d in SegmentDemand.objects.filter(
            project_id=project.pk, edge_id__in=NetworkEdge.objects.values("id")
        )
        if d.suggestions or d.supports
    }


def ids(grid, *keys) -> set[int]:
    return {grid["edges"][key].pk for key in keys}


def test_a_path_along_two_edges_matches_those_two_and_not_the_crossing_streets(grid):
    # Drawn 6 m beside Oststraße 1 from crossing (1, 0) to (1, 2): it crosses Nordstraße 0, 1 and 2.
    s = SuggestionFactory(category=grid["bike"], geom=path((1, 0), (1, 2), offset_m=6))

    assert matched(s) == ids(grid, ("h", 1, 0), ("h", 1, 1))
    shares = SuggestionEdge.objects.filter(suggestion_id=s.pk).values_list("share", flat=True)
    assert all(share > 0.95 for share in shares)


def test_a_path_that_turns_a_corner_matches_both_streets_and_a_third_of_an_edge_is_not_enough(grid):
    # Along Oststraße 0 to crossing (0, 1), north on Nordstraße 1 to (2, 1), then 30 m onward to the east.
    s = SuggestionFactory(category=grid["bike"], geom=path((0, 0), (0, 1), (1, 1), (2, 1), (2, 1.3)))

    assert matched(s) == ids(grid, ("h", 0, 0), ("v", 0, 1), ("v", 1, 1))


def test_points_and_paths_of_a_project_without_a_network_match_nothing(grid):
    other = CategoryFactory(project=ProjectFactory(slug="elsewhere"), geometry_kind="line")
    s = SuggestionFactory(category=other, geom=path((1, 0), (1, 2)))
    point = SuggestionFactory(category=CategoryFactory(project=grid["project"], geometry_kind="point"))

    assert matched(s) == set()
    assert matched(point) == set()


def test_the_demand_counts_published_paths_and_their_supports(grid):
    SuggestionFactory(category=grid["bike"], geom=path((1, 0), (1, 2)), support_count=3)
    SuggestionFactory(category=grid["bike"], geom=path((1, 1), (1, 3), offset_m=-5), support_count=1)
    SuggestionFactory(
        category=grid["bike"], geom=path((1, 0), (1, 3)), moderation_state=ModerationState.PENDING,
        support_count=7,
    )  # fmt: skip

    e = grid["edges"]
    assert demand(grid["project"]) == {
        e[("h", 1, 0)].pk: (1, 3),
        e[("h", 1, 1)].pk: (2, 4),
        e[("h", 1, 2)].pk: (1, 1),
    }


def test_every_change_keeps_the_demand_exact_and_equal_to_a_matching_from_scratch(grid):
    project, e = grid["project"], grid["edges"]
    a = SuggestionFactory(category=grid["bike"], geom=path((1, 0), (1, 2)), support_count=2)
    b = SuggestionFactory(category=grid["bike"], geom=path((0, 0), (2, 0)), support_count=1)
    h10, h11, v00, v10 = e[("h", 1, 0)].pk, e[("h", 1, 1)].pk, e[("v", 0, 0)].pk, e[("v", 1, 0)].pk
    assert demand(project) == {h10: (1, 2), h11: (1, 2), v00: (1, 1), v10: (1, 1)}

    # Moved: a now follows Oststraße 2.
    Suggestion.objects.filter(pk=a.pk).update(geom=path((2, 1), (2, 3)))
    h21, h22 = e[("h", 2, 1)].pk, e[("h", 2, 2)].pk
    assert demand(project) == {h21: (1, 2), h22: (1, 2), v00: (1, 1), v10: (1, 1)}

    # Supported twice more, then unpublished (hidden by a moderator).
    Suggestion.objects.filter(pk=a.pk).update(support_count=4)
    assert demand(project)[h21] == (1, 4)
    Suggestion.objects.filter(pk=a.pk).update(moderation_state=ModerationState.HIDDEN)
    assert demand(project) == {v00: (1, 1), v10: (1, 1)}

    # Published again, and a third path along part of it.
    Suggestion.objects.filter(pk=a.pk).update(moderation_state=ModerationState.PUBLISHED)
    SuggestionFactory(category=grid["bike"], geom=path((2, 2), (2, 3)), support_count=0)
    assert demand(project) == {h21: (1, 4), h22: (2, 4), v00: (1, 1), v10: (1, 1)}

    # Deleted.
    Suggestion.objects.filter(pk=b.pk).delete()
    assert demand(project) == {h21: (1, 4), h22: (2, 4)}
    assert not SuggestionEdge.objects.filter(suggestion_id=b.pk).exists()

    # What the triggers kept is what a matching from scratch finds.
    kept = demand(project)
    kept_matches = set(SuggestionEdge.objects.values_list("suggestion_id", "edge_id", "share"))
    network_rematch(project_id=project.pk)
    assert demand(project) == kept
    assert set(SuggestionEdge.objects.values_list("suggestion_id", "edge_id", "share")) == kept_matches


def test_a_rolled_back_change_leaves_no_trace_and_truncate_empties_it(grid):
    SuggestionFactory(category=grid["bike"], geom=path((1, 0), (1, 2)), support_count=2)
    before = demand(grid["project"])
    with transaction.atomic():
        SuggestionFactory(category=grid["bike"], geom=path((1, 0), (1, 2)))
        transaction.set_rollback(True)
    assert demand(grid["project"]) == before

    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE refuses pending deferred checks
        cursor.execute("TRUNCATE participation_suggestion CASCADE")
    assert demand(grid["project"]) == {}
    assert not SuggestionEdge.objects.exists()


def test_a_replaced_network_is_matched_again_by_the_worker(grid):
    project = grid["project"]
    s = SuggestionFactory(category=grid["bike"], geom=path((1, 0), (1, 2)), support_count=2)
    old = matched(s)

    # A newer extract: the same streets as new edges (new ids), as an import leaves them.
    replaced = grid_network(project, name="Neuer Stand")
    new = ids(replaced, ("h", 1, 0), ("h", 1, 1))
    assert not old & new
    assert demand(project) == {}  # the old edges are gone: nothing of them is shown

    network_replaced.send(sender=None, network=replaced["network"])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE task_path LIKE %s",
            ["%network_rematch_task"],
        )
        assert cursor.fetchone()[0] == 1

    network_rematch_task.call(project.pk)
    assert matched(s) == new
    assert demand(project) == dict.fromkeys(new, (1, 2))
    assert SuggestionEdge.objects.filter(edge_id__in=old).count() == 0


def test_the_command_matches_a_project_again_and_refuses_an_unknown_one(grid):
    s = SuggestionFactory(category=grid["bike"], geom=path((1, 0), (1, 2)))
    SuggestionEdge.objects.filter(suggestion_id=s.pk).delete()
    SegmentDemand.objects.all().delete()

    out = StringIO()
    call_command("match_network", "grid", stdout=out)

    assert "grid: paths matched" in out.getvalue()
    assert matched(s) == ids(grid, ("h", 1, 0), ("h", 1, 1))
    assert len(demand(grid["project"])) == 2
    with pytest.raises(CommandError, match="No such project: nowhere"):
        call_command("match_network", "nowhere")


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_along_the_same_segments_lose_nothing_and_never_deadlock(grid):
    # Paths along Oststraße 1 and Nordstraße 1, changed at the same time by four writers, each change in its
    # own transaction, as parallel requests would: moved, published, hidden, supported.
    shapes = [path((1, 0), (1, 3)), path((0, 1), (3, 1)), path((1, 1), (1, 2), (3, 2))]
    ids = [
        SuggestionFactory(
            category=grid["bike"], geom=shapes[n % 3], moderation_state=ModerationState.PENDING
        ).pk
        for n in range(12)
    ]
    failures: list[Exception] = []

    def writer(seed: int) -> None:
        rng = random.Random(seed)
        try:
            for _ in range(40):
                row = Suggestion.objects.filter(pk=rng.choice(ids))
                with transaction.atomic():
                    choice = rng.random()
                    if choice < 0.3:
                        row.update(geom=rng.choice(shapes))
                    elif choice < 0.6:
                        row.update(support_count=rng.randrange(0, 9))
                    else:
                        row.update(
                            moderation_state=rng.choice([ModerationState.PUBLISHED, ModerationState.HIDDEN])
                        )
        except Exception as error:  # a deadlock or a lost row fails the test below
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(seed,)) for seed in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    kept = demand(grid["project"])
    network_rematch(project_id=grid["project"].pk)
    assert demand(grid["project"]) == kept
